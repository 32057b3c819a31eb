"""What is prepared once per rule set for the compiled engine: the plan as generated code, the
parameter values per date, the record layout and the caches of reasons (docs/performance.md).

A :class:`PreparedRuleSet` is made on first use and kept by the rule set's prepared backend
(:class:`aidrules.engine.compiled.CompiledPrepared`); it is safe to share between threads.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from aidrules.engine.decision import Reason, RuleSetStamp, reason_compact, reason_json, static_texts
from aidrules.engine.messages import MessageText, message_texts
from aidrules.engine.record import RecordLayout
from aidrules.errors import EvaluationError
from aidrules.expr import ir
from aidrules.expr import types as t
from aidrules.expr.codegen import generate, generate_keys, generate_plan
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.runtime import Context
from aidrules.ruleset.compiled import CompiledRuleSet, DatedValue, NamedValue
from aidrules.text.interface import LANGS

Fn = Callable[[Context], Any]


class Fragment:
    """One shared reason and its JSON texts, written when first needed and then kept with it.

    The caches of reasons hold fragments: a decision's JSON written from its record
    (``engine/jsonwrite.py``) joins the kept texts without building a pydantic model for each
    reason (a fragment's :attr:`reason` is built once, when the fragment is made). ``top`` is
    the reason's text in a decision's ``reasons`` (depth 2), ``nested`` in a form, principle or
    action (depth 4), ``compact`` in the compact form's ``reason_table``.
    """

    __slots__ = ("compact", "nested", "reason", "top")

    def __init__(self, reason: Reason) -> None:
        self.reason = reason
        self.top: str | None = None
        self.nested: str | None = None
        self.compact: str | None = None

    def fill_top(self) -> str:
        """:attr:`top`, written now (call it when it is None)."""
        self.top, self.nested = reason_json(self.reason)
        return self.top

    def fill_nested(self) -> str:
        """:attr:`nested`, written now (call it when it is None)."""
        self.top, self.nested = reason_json(self.reason)
        return self.nested

    def fill_compact(self) -> str:
        """:attr:`compact`, written now (call it when it is None)."""
        self.compact = reason_compact(self.reason)
        return self.compact


class Memo:
    """The reasons (as :class:`Fragment`) of one rule, by what they depend on, at most :attr:`cap` of them.

    When it is full it is emptied and its size adapts: a quarter when fewer than one in four
    lookups found a reason, twice as large otherwise (at most :data:`MAX_SIZE`). A rule that
    shows an amount of each case finds its reasons almost never again: its cache shrinks to
    nothing, and is tried again with :data:`PROBE_SIZE` entries after :data:`PROBE_AFTER` new
    reasons. Keeping reasons that never come back would only make work for Python's garbage
    collector, which walks every object that survives (docs/performance.md). Each rule has its
    own cache, so a rule's hit rate does not depend on how many other rules there are.
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

    def keep(self, key: tuple[Any, ...], reason: Reason) -> Fragment:
        """``reason`` as a fragment, kept under ``key`` while there is room."""
        found = Fragment(reason)
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
        "id",
        "keys",
        "memo",
        "reads",
        "shown",
        "shown_names",
        "source",
        "title",
        "width",
    )

    def __init__(self, item: NamedValue) -> None:
        self.id = item.id
        self.title = item.title
        self.source = item.source
        self.shown = item.shown
        self.shown_names = tuple(name for name, _ in item.shown)
        self.width = len(item.shown)
        #: this condition's reasons by (language, outcome, values read)
        self.memo = Memo()
        #: ``keys[outcome][lang](ctx)``: that key, from generated code (set by _Prepared)
        self.keys: dict[bool | None, dict[str, Callable[[Context, str], tuple[Any, ...]]]] = {}
        shown_fns = tuple(expr.fn for _, expr in item.shown)
        self.reads: dict[bool | None, dict[str, tuple[tuple[Fn, ...], MessageText | None]]] = {}
        for outcome, name in ((True, "true"), (False, "false"), (None, "unknown")):
            texts = message_texts(item.messages.get(name))
            self.reads[outcome] = {
                lang: (shown_fns + (texts[lang].fns if texts else ()), texts[lang] if texts else None) for lang in LANGS
            }

    def read_exprs(self, outcome: bool | None, lang: str) -> tuple[CompiledExpression, ...]:
        """The expressions whose closures are ``reads[outcome][lang][0]``."""
        text = self.reads[outcome][lang][1]
        return tuple(e for _, e in self.shown) + (text.exprs if text else ())

    def read_sources(self, outcome: bool | None, lang: str) -> tuple[str, ...]:
        """The texts of the expressions in ``reads[outcome][lang]`` (equal texts read equal values)."""
        return tuple(e.source for e in self.read_exprs(outcome, lang))


class PreparedRuleSet:
    """The rule set in the shape the hot loop wants, and the caches that belong to it."""

    #: Cached reasons are dropped all together when there are more than this many (shared reasons
    #: of principles, forms, actions and the recommendation).
    MAX_CACHED = 20_000

    def __init__(self, rs: CompiledRuleSet) -> None:
        # The plan as one generated function (aidrules.expr.codegen: the same results as the
        # closures); ``step_ids`` name the step an error comes from.
        self.step_ids = tuple(item.id for item in rs.plan)
        self.plan = generate_plan(
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
        )
        self.derived: tuple[str, ...] = tuple(item.id for item in rs.plan if item.kind == "derived")
        self.conditions = tuple(PreparedCondition(item) for item in rs.plan if item.kind == "condition")
        self.principles = tuple((p, f"principles.{p.id}", p.requires) for p in rs.principles)
        self.forms = tuple(
            (f, f"forms.{f.id}", tuple(f"principles.{p}" for p in f.principles) + f.requires) for f in rs.forms
        )
        self.principle_titles = {p.id: p.title for p in rs.principles}
        self.action_texts = tuple(message_texts(a.message) for a in rs.actions)
        self.action_memos = tuple(Memo() for _ in rs.actions)
        # Everything else that is evaluated for every case, generated in one module: one function
        # per distinct expression text (the three languages' messages mostly name the same values).
        texts = [text for c in self.conditions for o in c.reads.values() for _, text in o.values() if text]
        texts += [text for found in self.action_texts if found for text in found.values()]
        texts = list({id(text): text for text in texts}.values())
        exprs = [row.when for row in rs.rows] + [a.when for a in rs.actions]
        exprs += [v.expr for a in rs.actions for v in a.values] + [e for text in texts for e in text.exprs]
        unique = {e.source: e.ir for e in exprs}
        fast = dict(zip(unique, generate(list(unique.values())), strict=True))
        self.row_fns: tuple[Fn, ...] = tuple(fast[row.when.source] for row in rs.rows)
        self.when_fns: tuple[Fn, ...] = tuple(fast[a.when.source] for a in rs.actions)
        self.action_values = tuple(tuple(fast[v.expr.source] for v in a.values) for a in rs.actions)
        for text in texts:
            text.fns = tuple(fast[e.source] for e in text.exprs)
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
        self.action_shown = tuple(tuple(expr.fn for _, expr in a.shown) for a in rs.actions)
        self.stamp = RuleSetStamp.model_construct(
            id=rs.id, version=rs.version, fingerprint=rs.fingerprint, layers=list(rs.layers)
        )
        self._changes = sorted({v.valid_from for spec in rs.parameters.values() for v in spec.values})
        self._days: dict[int, tuple[dict[str, Any], tuple[DatedValue, ...]]] = {}
        self.cache: dict[tuple[Any, ...], Fragment] = {}
        self._lock = threading.Lock()
        self.rs = rs
        self.provenance = dict(rs.provenance)
        self.layout = _layout(rs, self.conditions)
        #: the JSON texts that are the same for every decision of the rule set, written once: the
        #: stamp (full and compact) and the provenance map (``engine/jsonwrite.py``)
        self.stamp_json, self.stamp_compact, self.provenance_json = static_texts(self.stamp, self.provenance)

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

    def remember(self, key: tuple[Any, ...], reason: Reason) -> Fragment:
        """Keep ``reason`` as a fragment under ``key``; returns the fragment."""
        if len(self.cache) > self.MAX_CACHED:
            with self._lock:
                self.cache.clear()
        found = self.cache[key] = Fragment(reason)
        return found


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
