"""What is prepared once per rule set for the compiled engine: the plan as generated code, the
parameter values per date, the record layout and the caches of reasons (docs/performance.md).

A :class:`PreparedRuleSet` is made on first use and kept by the rule set's prepared backend
(:class:`aidrules.engine.compiled.CompiledPrepared`); it is safe to share between threads.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

from aidrules.engine.decision import (
    SCALAR_TEXTS,
    ActionResult,
    FormResult,
    PrincipleResult,
    Reason,
    RuleSetStamp,
    Shape,
    encode_string,
    reason_compact,
    reason_compact_text,
    reason_indented_texts,
    reason_json,
    reason_shape,
    shaped_compact_text,
    shaped_indented_texts,
    static_texts,
)
from aidrules.engine.messages import AMOUNT_TEXTS, MessageText, message_texts
from aidrules.engine.record import RecordLayout
from aidrules.errors import EvaluationError
from aidrules.expr import ir
from aidrules.expr import types as t
from aidrules.expr.codegen import (
    ActionRow,
    FreshSpec,
    Pieces,
    generate,
    generate_action_loop,
    generate_condition_loop,
    generate_keys,
    generate_plan_and_values_text,
)
from aidrules.expr.codegen import ConditionRow as ConditionLoopRow
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.runtime import Context, Unknown
from aidrules.ruleset.compiled import CompiledRuleSet, DatedValue, NamedValue
from aidrules.text.interface import LANGS

Fn = Callable[[Context], Any]


class Fragment:
    """One shared reason: its parts, and its JSON texts and pydantic model, each made when first
    needed and then kept with it.

    The caches of reasons hold fragments: a decision's JSON written from its record
    (``engine/jsonwrite.py``) joins the kept texts without building a pydantic model for each
    reason; :attr:`reason` builds the model when it is first read (a Decision whose reasons are
    read). ``top`` is the reason's text in a decision's ``reasons`` (depth 2), ``nested`` in a
    form, principle or action (depth 4), ``compact`` in the compact form's ``reason_table``; all
    are written by the project's encoders (:func:`aidrules.engine.decision.reason_texts`, the
    bytes of pydantic's, which a test compares).
    """

    __slots__ = ("_reason", "compact", "data", "nested", "shape", "top")

    def __init__(
        self,
        rule: str,
        kind: str,
        outcome: bool | None,
        message: str,
        values: dict[str, Any],
        source: str | None,
        missing: list[str],
        shape: Shape | None = None,
    ) -> None:
        self.data = (rule, kind, outcome, message, values, source, missing)
        #: the texts of its compact form that are the same for its rule and outcome, when it has them
        self.shape = shape
        self._reason: Reason | None = None
        self.top: str | None = None
        self.nested: str | None = None
        self.compact: str | None = None

    @property
    def reason(self) -> Reason:
        """The pydantic model of this reason, built when first read (one model per fragment, also
        when two threads read it at once: a decision's compact form tells reasons apart by identity)."""
        found = self._reason
        if found is None:
            rule, kind, outcome, message, values, source, missing = self.data
            made = construct(
                Reason,
                {
                    "rule": rule,
                    "kind": kind,
                    "outcome": outcome,
                    "message": message,
                    "values": values,
                    "source": source,
                    "missing_facts": missing,
                },
            )
            with _BUILD:
                found = self._reason
                if found is None:
                    found = self._reason = made
        return found

    def fill_top(self) -> str:
        """:attr:`top`, written now (call it when it is None)."""
        self.top, self.nested = self._indented()
        return self.top

    def fill_nested(self) -> str:
        """:attr:`nested`, written now (call it when it is None)."""
        self.top, self.nested = self._indented()
        return self.nested

    def compact_text(self) -> str:
        """:attr:`compact`, written now when it is not yet."""
        return self.compact or self.fill_compact()

    def fill_compact(self) -> str:
        """:attr:`compact`, written now (call it when it is None)."""
        shape = self.shape
        found = shaped_compact_text(shape, self.data[3], self.data[4]) if shape else reason_compact_text(*self.data)
        self.compact = found if found is not None else reason_compact(self.reason)
        return self.compact

    def _indented(self) -> tuple[str, str]:
        shape = self.shape
        found = shaped_indented_texts(shape, self.data[3], self.data[4]) if shape else reason_indented_texts(*self.data)
        return found if found is not None else reason_json(self.reason)


_BUILD = threading.Lock()


def construct(cls: type[Any], data: dict[str, Any]) -> Any:
    """What ``cls.model_construct(**data)`` makes when ``data`` names every field, in a quarter of
    the time: pydantic's own fields, set directly (checked once, at import, else pydantic's)."""
    return _construct(cls, data)


def _fast_construct(cls: type[Any], data: dict[str, Any]) -> Any:
    model = _new(cls)
    _set(model, "__dict__", data)
    _set(model, "__pydantic_fields_set__", set(_FIELDS[cls]))  # a set of its own: model_copy(update=) adds to it
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def _slow_construct(cls: type[Any], data: dict[str, Any]) -> Any:
    return cls.model_construct(**data)


_new = object.__new__
_set = object.__setattr__
_FIELDS: dict[type[Any], frozenset[str]] = {
    cls: frozenset(cls.model_fields) for cls in (Reason, PrincipleResult, FormResult, ActionResult)
}


def _fast_construct_works() -> bool:
    """Whether :func:`_fast_construct` makes exactly what pydantic makes (checked once, at import)."""
    data: dict[str, Any] = {
        "rule": "r",
        "kind": "condition",
        "outcome": True,
        "message": "m",
        "values": {"x": Decimal("1.50")},
        "source": None,
        "missing_facts": [],
    }
    try:
        fast, slow = _fast_construct(Reason, dict(data)), Reason.model_construct(**data)
        return bool(
            fast == slow
            and fast.model_dump_json() == slow.model_dump_json()
            and fast.model_fields_set == slow.model_fields_set
            and set(Reason.model_fields) == set(data)
        )
    except Exception:  # pragma: no cover - a pydantic that stores models differently
        return False


_construct = _fast_construct if _fast_construct_works() else _slow_construct


class Memo:
    """The reasons (as :class:`Fragment`) of one rule, by what they depend on, at most :attr:`cap` of them.

    When it is full it is emptied and its size adapts: a quarter when fewer than one in four
    lookups found a reason, twice as large otherwise (at most :data:`MAX_SIZE`). A rule that
    shows an amount of each case finds its reasons almost never again: its cache shrinks to
    nothing (its users then make the reason without computing a key, :meth:`skip`), and is
    tried again with :data:`PROBE_SIZE` entries after :data:`PROBE_AFTER` new reasons. Keeping
    reasons that never come back would only make work for Python's garbage collector, which
    walks every object that survives (docs/performance.md). Each rule has its own cache, so a
    rule's hit rate does not depend on how many other rules there are.
    """

    __slots__ = ("cap", "entries", "hits", "misses")

    MAX_SIZE = 128
    PROBE_SIZE = 4
    PROBE_AFTER = 1024

    def __init__(self) -> None:
        self.entries: dict[tuple[Any, ...], Fragment] = {}
        self.cap = self.MAX_SIZE
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...]) -> Fragment | None:
        found = self.entries.get(key)
        if found is not None:
            self.hits += 1
        return found

    def skip(self) -> None:
        """A reason made without looking in the cache, which keeps nothing (:attr:`cap` 0): counted
        as a miss, as :meth:`keep` would."""
        self.misses += 1
        if self.misses >= self.PROBE_AFTER:
            self.probe()

    def probe(self) -> None:
        """Try keeping reasons again, in :data:`PROBE_SIZE` entries (the generated loops write
        :meth:`skip` inline and call this after :data:`PROBE_AFTER` misses)."""
        self.cap, self.hits, self.misses = self.PROBE_SIZE, 0, 0

    def keep(self, key: tuple[Any, ...], found: Fragment) -> Fragment:
        """``found``, kept under ``key`` while there is room."""
        self.misses += 1
        if self.cap == 0:
            if self.misses >= self.PROBE_AFTER:
                self.cap, self.hits, self.misses = self.PROBE_SIZE, 0, 0
            return found
        if len(self.entries) >= self.cap:
            self.cap = self.cap // 4 if self.hits * 3 < self.misses else min(self.MAX_SIZE, self.cap * 2)
            self.hits = self.misses = 0
            self.entries.clear()
            if self.cap == 0:
                return found
        self.entries[key] = found
        return found


class PreparedCondition:
    """A condition as the assembly loop wants it.

    ``reads[outcome][lang]`` is what its reason reads: the values it shows, then the values its
    message for that outcome names, as one tuple of functions, and that message.
    """

    __slots__ = (
        "_numbers",
        "id",
        "keys",
        "memo",
        "reads",
        "shapes",
        "shown",
        "shown_names",
        "source",
        "title",
        "unknown_memo",
        "width",
    )

    def __init__(self, item: NamedValue) -> None:
        self.id = item.id
        self.title = item.title
        self.source = item.source
        self.shown = item.shown
        self.shown_names = tuple(name for name, _ in item.shown)
        #: the compact texts its reasons share, by known outcome (False, True)
        self.shapes = tuple(reason_shape(item.id, "condition", o, self.shown_names, item.source) for o in (False, True))
        self.width = len(item.shown)
        #: this condition's reasons with a known outcome by (language, outcome, values read)
        self.memo = Memo()
        #: its reasons with an unknown outcome by (language, None, values read, outcome): they
        #: repeat more often than those of a known outcome (the values are unknown as well)
        self.unknown_memo = Memo()
        self._numbers: dict[bool | None, dict[str, tuple[bool, ...]]] | None = None
        #: ``keys[outcome][lang](ctx)``: that key, from generated code (set by _Prepared)
        self.keys: dict[bool | None, dict[str, Callable[[Context, str], tuple[Any, ...]]]] = {}
        shown_fns = tuple(expr.fn for _, expr in item.shown)
        self.reads: dict[bool | None, dict[str, tuple[tuple[Fn, ...], MessageText | None]]] = {}
        for outcome, name in ((True, "true"), (False, "false"), (None, "unknown")):
            texts = message_texts(item.messages.get(name))
            self.reads[outcome] = {
                lang: (shown_fns + (texts[lang].fns if texts else ()), texts[lang] if texts else None) for lang in LANGS
            }

    @property
    def numbers(self) -> dict[bool | None, dict[str, tuple[bool, ...]]]:
        """``numbers[outcome][lang]``: which of the values its reason reads are numbers (the key of
        the reason holds an amount as its text; :meth:`Assembly.condition_fragment` reads it back)."""
        found = self._numbers
        if found is None:
            found = self._numbers = {
                o: {lang: tuple(isinstance(e.type, t.Number) for e in self.read_exprs(o, lang)) for lang in by_lang}
                for o, by_lang in self.reads.items()
            }
        return found

    def read_exprs(self, outcome: bool | None, lang: str) -> tuple[CompiledExpression, ...]:
        """The expressions whose closures are ``reads[outcome][lang][0]``."""
        text = self.reads[outcome][lang][1]
        return tuple(e for _, e in self.shown) + (text.exprs if text else ())

    def read_sources(self, outcome: bool | None, lang: str) -> tuple[str, ...]:
        """The texts of the expressions in ``reads[outcome][lang]`` (equal texts read equal values)."""
        return tuple(e.source for e in self.read_exprs(outcome, lang))


Reads = tuple[tuple[Fn, ...], MessageText | None]
#: The statuses of the forms and of the principles and their summaries (``Assembly.summaries``).
Summaries = tuple[list[str], list[str], list[Fragment], list[Fragment | None], list[Fragment]]
#: The statuses of the forms and of the principles and their summaries' compact texts (``Assembly.summary_texts``).
SummaryTexts = tuple[list[str], list[str], list[str | None]]
#: ``loop(ctx, lang, made)``: the reasons of all conditions by id (:meth:`PreparedRuleSet.condition_loop`)
ConditionLoop = Callable[[Context, str, Callable[..., Fragment]], dict[str, Fragment]]
#: ``loop(ctx, lang, made)``: the compact texts of all conditions' reasons, in plan order
#: (:meth:`PreparedRuleSet.compact_loop`)
CompactLoop = Callable[[Context, str, Callable[..., Fragment]], list[str]]
#: ``loop(ctx, lang, whens, base, undetermined)``: the texts of the actions in the compact JSON and
#: of their reasons (:meth:`PreparedRuleSet.action_loop`), None when the interpreted assembly writes them
ActionLoop = Callable[[Context, str, Sequence[Any], int, Callable[[int], Any]], tuple[list[str], list[str]] | None]
ConditionRow = tuple[
    PreparedCondition,
    str,
    Memo,
    tuple[Callable[[Context, str], tuple[Any, ...]], Callable[[Context, str], tuple[Any, ...]]],
    tuple[Reads, Reads],
]


class PreparedRuleSet:
    """The rule set in the shape the hot loop wants, and the caches that belong to it."""

    #: Cached reasons are dropped all together when there are more than this many (shared reasons
    #: of principles, forms, actions and the recommendation).
    MAX_CACHED = 20_000
    #: The most combinations of the forms' and principles' outcomes whose summaries are kept (per language).
    MAX_OUTCOMES = 1024

    def __init__(self, rs: CompiledRuleSet) -> None:
        # The plan as one generated function (aidrules.expr.codegen: the same results as the
        # closures); ``step_ids`` name the step an error comes from.
        self.step_ids = tuple(item.id for item in rs.plan)
        #: the derived values (in plan order) of a record, and (``values_text``) their compact
        #: JSON object from the record's values, generated with the plan (``jsonwrite.CompactLayout``)
        self.derived: tuple[str, ...] = tuple(item.id for item in rs.plan if item.kind == "derived")
        heads = [("," if i else "{") + encode_string(n) + ":" for i, n in enumerate(self.derived)]
        self.plan, self.values_text, tail = generate_plan_and_values_text(
            tuple(
                ir.Step(
                    item.id,
                    item.expr.ir,
                    item.kind == "derived" and isinstance(item.type, t.Number) and item.type.money,
                )
                for item in rs.plan
            ),
            [ir.Conjunction(f"principles.{p.id}", p.requires) for p in rs.principles]
            + [
                ir.Conjunction(f"forms.{f.id}", tuple(f"principles.{p}" for p in f.principles) + f.requires)
                for f in rs.forms
            ],
            self.derived,
            heads,
            COMPACT_SCALARS,
            [item.kind == "derived" and isinstance(item.type, t.Number) for item in rs.plan if item.kind == "derived"],
            (
                [row.when.ir for row in rs.rows],
                rs.hit_policy == "first",
                [a.when.ir for a in rs.actions],
                [
                    [
                        (f"actions.{a.id}.{v.id}", v.expr.ir, isinstance(v.type, t.Number) and v.type.money)
                        for v in a.values
                    ]
                    for a in rs.actions
                ],
            ),
        )
        assert tail is not None
        #: what is decided after the plan, generated with it (``codegen.TailFns``, ``decide.Evaluation``):
        #: the recommendation rows that hold, the actions' ``when``, the proposed actions' values
        self.rows_fn, self.whens_fn, self.action_values_fn = tail
        #: the name of each value of the actions, all actions' in order (what ``action_values_fn`` names)
        self.action_value_keys = tuple(f"actions.{a.id}.{v.id}" for a in rs.actions for v in a.values)
        self.conditions = tuple(PreparedCondition(item) for item in rs.plan if item.kind == "condition")
        self.principles = tuple((p, f"principles.{p.id}", p.requires) for p in rs.principles)
        self.forms = tuple(
            (f, f"forms.{f.id}", tuple(f"principles.{p}" for p in f.principles) + f.requires) for f in rs.forms
        )
        self.principle_titles = {p.id: p.title for p in rs.principles}
        self.principle_index = {p.id: i for i, p in enumerate(rs.principles)}
        in_forms = {pid for f in rs.forms for pid in f.principles}
        #: whether each principle is part of a form (its reason as part of a form is then made)
        self.principles_in_forms = tuple(p.id in in_forms for p in rs.principles)
        #: per language, the reasons of the forms, the principles and the principles as part of a
        #: form (in that order) whose outcome is known, by outcome (False, True), made when first needed
        self.summaries_known: dict[str, list[list[Fragment | None]]] = {
            lang: [[None, None] for _ in range(len(rs.forms) + 2 * len(rs.principles))] for lang in LANGS
        }
        #: per language, all of ``Assembly.summaries`` by the outcomes of the forms and principles
        #: (``group_outcomes``), when all are known (at most MAX_OUTCOMES of them)
        self.summaries_by_outcomes: dict[str, dict[tuple[Any, ...], Summaries]] = {lang: {} for lang in LANGS}
        #: per language, the statuses and the summaries' compact texts (``Assembly.summary_texts``)
        #: by the same outcomes
        self.summary_texts_by_outcomes: dict[str, dict[tuple[Any, ...], SummaryTexts]] = {lang: {} for lang in LANGS}
        #: per language, the same when an outcome is unknown (by the facts that left it unknown: the
        #: summaries name them), in a table of their own, emptied when it holds MAX_OUTCOMES: the
        #: combinations of unknown facts are many more, and must not crowd out the known ones
        self.summary_texts_unknown: dict[str, dict[tuple[Any, ...], SummaryTexts]] = {lang: {} for lang in LANGS}
        group_keys = [key for _, key, _ in self.forms] + [key for _, key, _ in self.principles]
        #: ``group_outcomes(values)``: the outcomes of the forms, then the principles, as a tuple
        self.group_outcomes: Callable[[dict[str, Any]], tuple[Any, ...]] = (
            itemgetter(*group_keys) if len(group_keys) > 1 else lambda values: tuple(values[k] for k in group_keys)
        )
        #: what ``engine/jsonwrite.py`` works out once per rule set (the numbering of the compact form)
        self.compact_layout: Any = None
        self.action_texts = tuple(message_texts(a.message) for a in rs.actions)
        self.action_memos = tuple(Memo() for _ in rs.actions)
        #: each action's reasons when its ``when`` is unknown, in a cache of their own: they repeat
        #: (their shown values are mostly unknown too) where its proposed reasons show each case's
        #: amounts and its cache keeps none of them
        self.undetermined_memos = tuple(Memo() for _ in rs.actions)
        #: per language, the compact JSON of the actions as one generated function (:meth:`action_loop`)
        self.action_loops: dict[str, ActionLoop] = {}
        # Everything else that is evaluated for every case, generated in one module: one function
        # per distinct expression text (the three languages' messages mostly name the same values).
        texts = [text for c in self.conditions for o in c.reads.values() for _, text in o.values() if text]
        texts += [text for found in self.action_texts if found for text in found.values()]
        texts = list({id(text): text for text in texts}.values())
        exprs = [row.when for row in rs.rows] + [a.when for a in rs.actions]
        exprs += [v.expr for a in rs.actions for v in a.values] + [e for text in texts for e in text.exprs]
        exprs += [e for c in self.conditions for _, e in c.shown] + [e for a in rs.actions for _, e in a.shown]
        unique = {e.source: e.ir for e in exprs}
        fast = dict(zip(unique, generate(list(unique.values())), strict=True))
        self.row_fns: tuple[Fn, ...] = tuple(fast[row.when.source] for row in rs.rows)
        self.when_fns: tuple[Fn, ...] = tuple(fast[a.when.source] for a in rs.actions)
        self.action_values = tuple(tuple(fast[v.expr.source] for v in a.values) for a in rs.actions)
        for text in texts:
            text.fns = tuple(fast[e.source] for e in text.exprs)
        for c in self.conditions:  # what a condition's reason reads, generated too
            shown_fns = tuple(fast[e.source] for _, e in c.shown)
            c.reads = {
                outcome: {lang: (shown_fns + (text.fns if text else ()), text) for lang, (_, text) in by_lang.items()}
                for outcome, by_lang in c.reads.items()
            }
        # The keys of the conditions' reasons: one generated function per condition, outcome and
        # distinct list of values read.
        slots = [(c, o, lang) for c in self.conditions for o in (True, False, None) for lang in LANGS]
        distinct = {(c, o, lang): (c.id, o, c.read_sources(o, lang)) for c, o, lang in slots}
        rows: dict[tuple[Any, ...], tuple[bool | None, tuple[ir.Expr, ...]]] = {}
        for (c, o, lang), row in distinct.items():
            rows.setdefault(row, (o, tuple(e.ir for e in c.read_exprs(o, lang))))
        keys = dict(zip(rows, generate_keys(list(rows.values())), strict=True))
        for (c, o, lang), row in distinct.items():
            c.keys.setdefault(o, {})[lang] = keys[row]
        #: per language, what the assembly loop reads of each condition (in plan order): the
        #: condition, its id, its cache, and by outcome (False, True: a bool indexes a tuple) the
        #: key of its reason and what its reason reads (``PreparedCondition.reads``)
        self.condition_rows: dict[str, tuple[ConditionRow, ...]] = {
            lang: tuple(
                (
                    c,
                    c.id,
                    c.memo,
                    (c.keys[False][lang], c.keys[True][lang]),
                    (c.reads[False][lang], c.reads[True][lang]),
                )
                for c in self.conditions
            )
            for lang in LANGS
        }
        #: per language, the loop over the conditions' reasons as one generated function
        #: (:meth:`condition_loop`), generated when a decision in that language is first written
        self.condition_loops: dict[str, ConditionLoop] = {}
        #: per language, the same loop giving the reasons' compact texts (:meth:`compact_loop`)
        self.compact_loops: dict[str, CompactLoop] = {}
        self.action_shown = tuple(tuple(fast[expr.source] for _, expr in a.shown) for a in rs.actions)
        #: the compact texts the reasons of a proposed action share
        self.action_shapes = tuple(
            reason_shape(f"actions.{a.id}", "action", True, tuple(name for name, _ in a.shown), a.source)
            for a in rs.actions
        )
        #: the names of each action's values in the record
        self.action_value_names = tuple(tuple((v.id, f"actions.{a.id}.{v.id}") for v in a.values) for a in rs.actions)
        self.stamp = RuleSetStamp.model_construct(
            id=rs.id, version=rs.version, fingerprint=rs.fingerprint, layers=list(rs.layers)
        )
        self._changes = sorted({v.valid_from for spec in rs.parameters.values() for v in spec.values})
        self._days: dict[int, tuple[dict[str, Any], tuple[DatedValue, ...]]] = {}
        self.cache: dict[tuple[Any, ...], Fragment] = {}
        #: the messages of conditions' reasons with an unknown outcome and no message of their own,
        #: by condition, language and the facts that would settle it (``Assembly.unknown_message``)
        self.unknown_messages: dict[tuple[str, str, frozenset[str]], str] = {}
        self._lock = threading.Lock()
        self.rs = rs
        #: whether each expression the reasons read is a number, by its intermediate form (``is_number``)
        self._number_irs: dict[int, bool] | None = None
        self.provenance = dict(rs.provenance)
        self.layout = _layout(rs, self.conditions)
        #: the JSON texts that are the same for every decision of the rule set, written once: the
        #: stamp (full and compact) and the provenance map (indented and not: ``engine/jsonwrite.py``)
        self.stamp_json, self.stamp_compact, self.provenance_json, self.provenance_plain = static_texts(
            self.stamp, self.provenance
        )

    def condition_loop(self, lang: str) -> ConditionLoop:
        """The loop over the conditions' reasons in ``lang`` (``Assembly.condition_fragments``),
        generated now and kept (two threads may both generate it: the same loop). Each condition's
        key is computed from the expressions its generated key function (``keys``) reads."""
        found = self.condition_loops.get(lang)
        if found is None:
            found = self.condition_loops[lang] = generate_condition_loop(self.loop_rows(lang), numbers=self.is_number)
        return found

    def compact_loop(self, lang: str) -> CompactLoop:
        """:meth:`condition_loop` giving the compact texts of the conditions' reasons, in plan
        order (``Assembly.condition_texts``): a reason made afresh is written without being made."""
        found = self.compact_loops.get(lang)
        if found is None:
            found = self.compact_loops[lang] = generate_condition_loop(
                self.loop_rows(lang), COMPACT_SCALARS, self.is_number
            )
        return found

    def action_loop(self, lang: str) -> ActionLoop:
        """The compact JSON of the actions in ``lang`` as one generated function
        (``codegen.generate_action_loop``; ``Assembly.action_texts``), generated now and kept
        (two threads may both generate it: the same loop)."""
        found = self.action_loops.get(lang)
        if found is None:
            found = self.action_loops[lang] = generate_action_loop(
                self.action_rows(lang), COMPACT_SCALARS, self.is_number
            )
        return found

    def action_rows(self, lang: str) -> list[ActionRow]:
        """The rows of the generated loop over the actions in ``lang`` (``codegen.generate_action_loop``)."""
        rows: list[ActionRow] = []
        for a, texts, memo, shape in zip(
            self.rs.actions, self.action_texts, self.action_memos, self.action_shapes, strict=True
        ):
            names = tuple(name for name, _ in a.shown)
            read = [e for _, e in a.shown]
            made: tuple[str, FreshSpec] | None = None
            if texts is not None:
                text = texts[lang]
                read += text.exprs
                pieces, tail = text.pieces or text.choose()
                made = (f"actions.{a.id}", (Fragment, names, _kept(pieces), tail, a.source, shape))
            keys = [encode_string(v.id) + ":" for v in a.values]
            head = '{"id":' + encode_string(a.id) + ',"status":"proposed","values":{' + (keys[0] if keys else "")
            value_names = tuple(f"actions.{a.id}.{v.id}" for v in a.values)
            unknown = '{"id":' + encode_string(a.id) + ',"status":"undetermined","values":{},"reasons":['
            rows.append((memo, _canonical(read), made, value_names, head, tuple("," + k for k in keys[1:]), unknown))
        return rows

    def is_number(self, expr: ir.Expr) -> bool:
        """Whether the value of ``expr`` (an intermediate form of an expression the conditions' or
        actions' reasons read) may be a Decimal: its expression's type is a number (or unknown here)."""
        found = self._number_irs
        if found is None:
            reads = [
                e for c in self.conditions for o in (False, True, None) for lang in LANGS for e in c.read_exprs(o, lang)
            ]
            reads += [e for a in self.rs.actions for _, e in a.shown]
            reads += [e for texts in self.action_texts if texts for text in texts.values() for e in text.exprs]
            found = self._number_irs = {id(e.ir): isinstance(e.type, t.Number) for e in reads}
        return found.get(id(expr), True)

    def loop_rows(self, lang: str) -> list[ConditionLoopRow]:
        """The rows of the generated loops over the conditions in ``lang`` (``codegen.generate_condition_loop``)."""
        return [
            (
                c,
                c.id,
                (c.memo, c.unknown_memo),
                (
                    _canonical(c.read_exprs(False, lang)),
                    _canonical(c.read_exprs(True, lang)),
                    _canonical(c.read_exprs(None, lang)),
                ),
                (_fresh_spec(c, False, lang), _fresh_spec(c, True, lang)),
            )
            for c in self.conditions
        ]

    def forget(self) -> None:
        """Empty every cache of reasons (the shared reasons, the summaries, each rule's memo)."""
        self.cache.clear()
        self.unknown_messages.clear()
        for by_outcomes in self.summaries_by_outcomes.values():
            by_outcomes.clear()
        for by_texts in (*self.summary_texts_by_outcomes.values(), *self.summary_texts_unknown.values()):
            by_texts.clear()
        for known in self.summaries_known.values():
            for pair in known:
                pair[0] = pair[1] = None
        for memo in (
            *(m for c in self.conditions for m in (c.memo, c.unknown_memo)),
            *self.action_memos,
            *self.undetermined_memos,
        ):
            memo.entries.clear()

    def parameters_at(self, day: date) -> tuple[dict[str, Any], tuple[DatedValue, ...]]:
        """Parameter values in force on ``day``, and where they come from (for the trace).

        Values only change on the dates some value starts, so days between two such dates share
        one result, computed once.
        """
        period = bisect.bisect_right(self._changes, day)
        found = self._days.get(period)
        if found is None:
            values: dict[str, Any] = {}
            dated_values = []
            for pid, spec in self.rs.parameters.items():
                dated = spec.value_at(day)
                if dated is None:  # pragma: no cover - coverage of the effective period is checked at load
                    raise EvaluationError(f"parameter `{pid}` has no value on {day}")
                values[pid] = dated.value
                dated_values.append(dated)
            found = (values, tuple(dated_values))
            self._days[period] = found
        return found

    def remember(self, key: tuple[Any, ...], found: Fragment) -> Fragment:
        """Keep ``found`` under ``key``; returns it."""
        if len(self.cache) > self.MAX_CACHED:
            with self._lock:
                self.cache.clear()
        self.cache[key] = found
        return found


#: The JSON text of a shown or recorded value by its class, an Unknown as ``null`` (as a reason or
#: a decision shows it: ``None``), for the generated loops that write the conditions' and actions'
#: compact texts and for the compact form's ``values`` (``jsonwrite.CompactLayout.values_text``).
COMPACT_SCALARS: dict[type, Callable[[Any], str]] = {**SCALAR_TEXTS, Unknown: lambda v: "null"}


def _fresh_spec(cond: PreparedCondition, outcome: bool, lang: str) -> FreshSpec:
    """How the generated loop makes ``cond``'s reason with ``outcome`` in ``lang`` without a key
    (as ``Assembly.interpreted_condition_fragments`` does), its message's value writers chosen now
    (a condition has a message for each known outcome)."""
    text = cond.reads[outcome][lang][1]
    assert text is not None
    pieces, tail = text.pieces or text.choose()
    return (Fragment, cond.shown_names, _kept(pieces), tail, cond.source, cond.shapes[outcome])


def _kept(pieces: tuple[tuple[str, Callable[[Any], str]], ...]) -> Pieces:
    """A message's pieces, each with the amount texts its writer keeps and its writer of an amount
    whose text is known (``messages.AMOUNT_TEXTS``; None for a writer of other values)."""
    return tuple((literal, write, AMOUNT_TEXTS.get(write)) for literal, write in pieces)


def _canonical(exprs: Sequence[CompiledExpression]) -> tuple[ir.Expr, ...]:
    """The intermediate forms of ``exprs``, one object for equal texts: the generated loops read
    the value of an expression a reason reads twice (shown and named by its message) once."""
    first: dict[str, ir.Expr] = {}
    return tuple(first.setdefault(e.source, e.ir) for e in exprs)


def _layout(rs: CompiledRuleSet, conditions: tuple[PreparedCondition, ...]) -> RecordLayout:
    """The :class:`RecordLayout` of ``rs``: its names, structure and the parameters each part reads."""
    parameters = frozenset(rs.parameters)

    def reads(exprs: list[CompiledExpression]) -> frozenset[str]:
        return frozenset(name for e in exprs for name in e.names if name in parameters)

    always: list[CompiledExpression] = [item.expr for item in rs.plan]
    for cond in conditions:
        always += [e for _, e in cond.shown]
        always += [e for by_lang in cond.reads.values() for _, text in by_lang.values() if text for e in text.exprs]
    always += [a.when for a in rs.actions]
    by_action = []
    for a in rs.actions:
        exprs = [v.expr for v in a.values] + [e for _, e in a.shown]
        exprs += [p for parts in a.message.parts.values() for p in parts if not isinstance(p, str)]
        by_action.append(reads(exprs))
    return RecordLayout(
        parameters=tuple(rs.parameters),
        plan=tuple((item.id, item.kind) for item in rs.plan),
        derived=tuple(item.id for item in rs.plan if item.kind == "derived"),
        principles=tuple((p.id, f"principles.{p.id}", p.requires) for p in rs.principles),
        forms=tuple(
            (f.id, f"forms.{f.id}", tuple(f"principles.{p}" for p in f.principles), f.requires) for f in rs.forms
        ),
        actions=tuple(a.id for a in rs.actions),
        first_hit=rs.hit_policy == "first",
        reads_always=reads(always),
        reads_by_row=tuple(reads([row.when]) for row in rs.rows),
        reads_by_action=tuple(by_action),
        action_values=tuple(tuple(f"actions.{a.id}.{v.id}" for v in a.values) for a in rs.actions),
    )
