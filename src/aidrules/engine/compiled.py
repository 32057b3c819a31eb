"""The compiled engine: the default backend and the reference semantics.

It walks the evaluation plan of a :class:`~aidrules.ruleset.compiled.CompiledRuleSet`: parameter
values on the decision date, derived values and conditions in dependency order, principles,
forms, the recommendation (hit policy), then actions. Every step may be traced.

An evaluation has two halves. :meth:`Evaluation.decide` computes every value and outcome;
:meth:`Evaluation.assemble` turns them into the :class:`Decision` with its reasons and texts and
replays the trace. Other backends (``engine/durable``) decide differently and assemble with the
same code, so that their decisions can be byte-identical.

Speed (``docs/performance.md``): whatever depends only on the rule set is prepared once and kept
with it (:class:`_Prepared`: the plan as plain tuples, parameter values per date, cached reasons).
A reason is a pure function of its rule, the outcome, the values it shows and the values its
message names, so equal inputs share one immutable :class:`Reason`. Decision models are built
with ``model_construct``: their data is made here and is valid by construction (a conformance
test validates it again for every fixture).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from aidrules.engine.decision import (
    ActionResult,
    Decision,
    FormResult,
    PrincipleResult,
    Reason,
    RuleSetStamp,
)
from aidrules.errors import Diagnostic, EvaluationError
from aidrules.explain import formatting
from aidrules.explain.i18n import LANGS, ui, value_label
from aidrules.explain.labels import facts_text
from aidrules.explain.trace import TraceEvent, Tracer, derived_event
from aidrules.expr import types as t
from aidrules.expr.codegen import generate, generate_keys, generate_plan
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.runtime import (
    DECIMAL_CONTEXT,
    Context,
    ExpressionFailure,
    Unknown,
    as_type,
    json_value,
    missing_facts,
)
from aidrules.facts.model import Case
from aidrules.facts.parse import parse_facts
from aidrules.facts.tree import fact_tree
from aidrules.ruleset.compiled import CompiledRuleSet, DatedValue, NamedValue, Template

Outcome = bool | Unknown
Fn = Callable[[Context], Any]


def evaluate(
    rs: CompiledRuleSet,
    facts: Case | dict[str, Any],
    on: date | None = None,
    *,
    lang: str = "nl",
    tracer: Tracer | None = None,
    check_period: bool = True,
) -> Decision:
    """Decide one case; see :meth:`CompiledRuleSet.evaluate`."""
    case, day = admit(rs, facts, on, lang, check_period)
    with localcontext(DECIMAL_CONTEXT):
        return Evaluation(rs, case, day, lang, tracer).run()


def admit(
    rs: CompiledRuleSet, facts: Case | dict[str, Any], on: date | None, lang: str, check_period: bool = True
) -> tuple[Case, date]:
    """Check what every backend checks before deciding: the language, the facts, the date."""
    if lang not in LANGS:
        message = f"unknown language `{lang}`; use one of {', '.join(LANGS)}"
        raise EvaluationError(message, [Diagnostic("EV006", message, path="lang")])
    case = parse_facts(facts)
    day = on or case.on
    if day is None:
        message = "no decision date: give `on` in the case or as an argument (--on)"
        raise EvaluationError(message, [Diagnostic("EV007", message, path="on")])
    if not rs.decides:
        message = f"{rs.id} {rs.version} is a base layer (amounts only); evaluate a rule set that extends it"
        raise EvaluationError(message, [Diagnostic("EV004", message, path="rules")])
    period = rs.meta.effective
    if check_period and (day < period.from_ or (period.until is not None and day > period.until)):
        until = period.until.isoformat() if period.until else "…"
        message = f"rule set {rs.id} {rs.version} is in force from {period.from_} to {until}, not on {day}"
        raise EvaluationError(message, [Diagnostic("EV001", message, path="on")])
    return case, day


def failure(where: str, exc: Exception) -> EvaluationError:
    """The :class:`EvaluationError` for an expression that failed while deciding ``where``."""
    if isinstance(exc, ExpressionFailure):
        message = f"{where}: {exc}"
    else:
        message = f"{where}: arithmetic error ({type(exc).__name__})"
    return EvaluationError(message, [Diagnostic("EV002", message, path=where)])


# -- what is prepared once per rule set ---------------------------------------------------------
class _Text:
    """A message template in one language: its literal parts and the values it names.

    ``render`` writes the literal text between the values and each value as
    :func:`aidrules.explain.formatting.value` would, with a writer chosen once per value from its
    type (amounts and whole numbers have fast writers, see :class:`_Locale`).
    """

    __slots__ = ("exprs", "fns", "parts", "pieces", "tail", "types")

    def __init__(self, parts: tuple[str | CompiledExpression, ...], lang: str) -> None:
        self.parts = parts
        self.exprs = tuple(p for p in parts if not isinstance(p, str))
        self.fns: tuple[Fn, ...] = tuple(p.fn for p in self.exprs)
        self.types: tuple[t.Type, ...] = tuple(p.type for p in parts if not isinstance(p, str))
        pieces: list[tuple[str, Callable[[Any], str]]] = []
        literal = ""
        for part in parts:
            if isinstance(part, str):
                literal += part
            else:
                pieces.append((literal, _writer(part.type, lang)))
                literal = ""
        self.pieces = tuple(pieces)
        self.tail = literal

    def render(self, values: list[Any], lang: str) -> str:
        out = [literal + write(value) for (literal, write), value in zip(self.pieces, values, strict=True)]
        out.append(self.tail)
        return "".join(out)


def _writer(typ: t.Type, lang: str) -> Callable[[Any], str]:
    """How a value of ``typ`` is written in ``lang``: ``_format``, with the common case first."""
    locale = _locale(lang)
    if isinstance(typ, t.Number) and typ.money:

        def money(v: Any) -> str:
            return locale.money(v) if v.__class__ is Decimal else _format(v, typ, lang)

        return money
    if isinstance(typ, t.Number) and typ.integer:

        def integer(v: Any) -> str:
            return locale.integer(v) if v.__class__ is int else _format(v, typ, lang)

        return integer
    return lambda v: _format(v, typ, lang)


def _texts(template: Template | None) -> dict[str, _Text] | None:
    return None if template is None else {lang: _Text(parts, lang) for lang, parts in template.parts.items()}


class _Memo:
    """The reasons of one rule, by what they depend on, at most :attr:`cap` of them.

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
        self.entries: dict[tuple[Any, ...], Reason] = {}
        self.cap = self.MAX_SIZE
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...]) -> Reason | None:
        found = self.entries.get(key)
        if found is not None:
            self.hits += 1
        return found

    def keep(self, key: tuple[Any, ...], reason: Reason) -> Reason:
        self.misses += 1
        if self.cap == 0:
            if self.misses >= self.PROBE_AFTER:
                self.cap, self.hits, self.misses = self.PROBE_SIZE, 0, 0
            return reason
        if len(self.entries) >= self.cap:
            self.cap = self.cap // 4 if self.hits * 3 < self.misses else min(self.MAX_SIZE, self.cap * 2)
            self.hits = self.misses = 0
            self.entries.clear()
            if self.cap == 0:
                return reason
        self.entries[key] = reason
        return reason


class _Condition:
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
        self.memo = _Memo()
        #: ``keys[outcome][lang](ctx)``: that key, from generated code (set by _Prepared)
        self.keys: dict[bool | None, dict[str, Callable[[Context, str], tuple[Any, ...]]]] = {}
        shown_fns = tuple(expr.fn for _, expr in item.shown)
        self.reads: dict[bool | None, dict[str, tuple[tuple[Fn, ...], _Text | None]]] = {}
        for outcome, name in ((True, "true"), (False, "false"), (None, "unknown")):
            texts = _texts(item.messages.get(name))
            self.reads[outcome] = {
                lang: (shown_fns + (texts[lang].fns if texts else ()), texts[lang] if texts else None) for lang in LANGS
            }

    def read_sources(self, outcome: bool | None, lang: str) -> tuple[str, ...]:
        """The texts of the expressions in ``reads[outcome][lang]`` (equal texts read equal values)."""
        text = self.reads[outcome][lang][1]
        return tuple(e.source for _, e in self.shown) + (tuple(e.source for e in text.exprs) if text else ())


class _Prepared:
    """The rule set in the shape the hot loop wants, and the caches that belong to it."""

    #: Cached reasons are dropped all together when there are more than this many (shared reasons
    #: of principles, forms, actions and the recommendation).
    MAX_CACHED = 20_000

    def __init__(self, rs: CompiledRuleSet) -> None:
        # The plan as one generated function (aidrules.expr.codegen: the same results as the
        # closures); ``step_ids`` name the step an error comes from.
        self.step_ids = tuple(item.id for item in rs.plan)
        self.plan = generate_plan(
            tuple((item.id, item.expr.fn, item.kind == "derived" and _is_money(item.type)) for item in rs.plan),
            [(f"principles.{p.id}", p.requires) for p in rs.principles]
            + [(f"forms.{f.id}", tuple(f"principles.{p}" for p in f.principles) + f.requires) for f in rs.forms],
        )
        self.derived: tuple[str, ...] = tuple(item.id for item in rs.plan if item.kind == "derived")
        self.conditions = tuple(_Condition(item) for item in rs.plan if item.kind == "condition")
        self.principles = tuple((p, f"principles.{p.id}", p.requires) for p in rs.principles)
        self.forms = tuple(
            (f, f"forms.{f.id}", tuple(f"principles.{p}" for p in f.principles) + f.requires) for f in rs.forms
        )
        self.principle_titles = {p.id: p.title for p in rs.principles}
        self.action_texts = tuple(_texts(a.message) for a in rs.actions)
        self.action_memos = tuple(_Memo() for _ in rs.actions)
        # Everything else that is evaluated for every case, generated in one module: one function
        # per distinct expression text (the three languages' messages mostly name the same values).
        texts = [text for c in self.conditions for o in c.reads.values() for _, text in o.values() if text]
        texts += [text for found in self.action_texts if found for text in found.values()]
        texts = list({id(text): text for text in texts}.values())
        exprs = [row.when for row in rs.rows] + [a.when for a in rs.actions]
        exprs += [v.expr for a in rs.actions for v in a.values] + [e for text in texts for e in text.exprs]
        unique = {e.source: e.fn for e in exprs}
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
        rows: dict[tuple[Any, ...], tuple[bool | None, tuple[Fn, ...]]] = {}
        for (c, o, lang), row in distinct.items():
            rows.setdefault(row, (o, c.reads[o][lang][0]))
        keys = dict(zip(rows, generate_keys(list(rows.values())), strict=True))
        for (c, o, lang), row in distinct.items():
            c.keys.setdefault(o, {})[lang] = keys[row]
        self.action_shown = tuple(tuple(expr.fn for _, expr in a.shown) for a in rs.actions)
        self.stamp = RuleSetStamp.model_construct(
            id=rs.id, version=rs.version, fingerprint=rs.fingerprint, layers=list(rs.layers)
        )
        self._changes = sorted({v.valid_from for spec in rs.parameters.values() for v in spec.values})
        self._days: dict[int, tuple[dict[str, Any], tuple[DatedValue, ...]]] = {}
        self.cache: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()
        self._rs = rs

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
            for pid, spec in self._rs.parameters.items():
                dated = spec.value_at(day)
                if dated is None:  # pragma: no cover - coverage of the effective period is checked at load
                    raise EvaluationError(f"parameter `{pid}` has no value on {day}")
                values[pid] = dated.value
                dated_values.append(dated)
            found = (values, tuple(dated_values))
            self._days[period] = found
        return found

    def remember(self, key: tuple[Any, ...], value: Any) -> Any:
        """Keep ``value`` (a reason or a result) under ``key``; returns it."""
        if len(self.cache) > self.MAX_CACHED:
            with self._lock:
                self.cache.clear()
        self.cache[key] = value
        return value


def prepared(rs: CompiledRuleSet) -> _Prepared:
    """The prepared form of ``rs`` (made on first use, then kept with the rule set)."""
    found = rs.runtime.get("compiled")
    if found is None:
        found = rs.runtime.setdefault("compiled", _Prepared(rs))
    assert isinstance(found, _Prepared)
    return found


# -- one evaluation -----------------------------------------------------------------------------
class Evaluation:
    """Deciding one case, then assembling the decision.

    :meth:`decide` fills :attr:`values` with every named value and outcome (``principles.X``,
    ``forms.X``, ``recommendation``), :attr:`rec` and :attr:`whens`. Backends override it.
    """

    def __init__(self, rs: CompiledRuleSet, case: Case, day: date, lang: str, tracer: Tracer | None) -> None:
        self.rs = rs
        self.prep = prepared(rs)
        self.day = day
        self.lang = lang
        self.tracer = tracer
        base, self.parameters = self.prep.parameters_at(day)
        self.values: dict[str, Any] = dict(base)
        self.ctx = Context(fact_tree(case), self.values, day)
        #: (chosen id, index of the row that chose it or -1, facts that left it undetermined)
        self.rec: tuple[str, int, frozenset[str]] = ("", -1, frozenset())
        #: the outcome of each action's ``when``, in the order of ``rs.actions``
        self.whens: list[Outcome] = []

    def run(self) -> Decision:
        self.decide()
        return self.assemble()

    # -- deciding (the reference semantics) ----------------------------------------------------
    def decide(self) -> None:
        at = [0]
        try:
            self.prep.plan(self.ctx, at)  # values, conditions, principles, forms (see _Prepared)
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(self.prep.step_ids[at[0]], exc) from None
        self.rec = self.recommend()
        self.whens = [
            self.run_fn(fn, f"actions.{a.id}") for a, fn in zip(self.rs.actions, self.prep.when_fns, strict=True)
        ]

    def recommend(self) -> tuple[str, int, frozenset[str]]:
        rs = self.rs
        unknown = Unknown(frozenset())
        hits = []
        for i, (row, fn) in enumerate(zip(rs.rows, self.prep.row_fns, strict=True)):
            v = self.run_fn(fn, f"recommendation.{row.recommend}")
            if isinstance(v, Unknown):
                unknown = unknown.merge(v)
                continue
            if v is True:
                hits.append(i)
                if rs.hit_policy == "first":
                    break
        return self.choose(hits, unknown.facts)

    def choose(self, hits: list[int], unknown: frozenset[str]) -> tuple[str, int, frozenset[str]]:
        """The recommendation from the rows that hold (their indexes, in order) and the facts that
        left rows unknown; sets ``values["recommendation"]``."""
        rs = self.rs
        if rs.hit_policy == "unique" and len(hits) > 1:
            message = "hit policy unique: more than one recommendation holds: " + ", ".join(
                rs.rows[i].recommend for i in hits
            )
            raise EvaluationError(message, [Diagnostic("EV003", message, path="recommendation")])
        if unknown:
            self.values["recommendation"] = Unknown(unknown)
            return "undetermined", -1, unknown
        if hits:
            chosen, index = rs.rows[hits[0]].recommend, hits[0]
        elif rs.otherwise is None or rs.otherwise_because is None:
            message = "no recommendation rule holds and the rule set has no `otherwise` (a gap: see aidrules validate)"
            raise EvaluationError(message, [Diagnostic("EV005", message, path="recommendation")])
        else:
            chosen, index = rs.otherwise, -1
        self.values["recommendation"] = chosen
        return chosen, index, unknown

    def run_expr(self, expr: CompiledExpression, where: str) -> Any:
        return self.run_fn(expr.fn, where)

    def run_fn(self, fn: Fn, where: str) -> Any:
        try:
            return fn(self.ctx)
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(where, exc) from None

    # -- assembling ------------------------------------------------------------------------------
    def assemble(self) -> Decision:
        rs, values, tracer, prep, lang = self.rs, self.values, self.tracer, self.prep, self.lang
        reasons: dict[str, Reason] = {}
        ctx = self.ctx
        for cond in prep.conditions:  # the common case (a cached reason) inline; the rest below
            outcome = values[cond.id]
            if outcome is True or outcome is False:
                try:
                    found = cond.memo.get(cond.keys[outcome][lang](ctx, lang))
                except (ExpressionFailure, ArithmeticError):
                    found = None
                if found is not None:
                    reasons[cond.id] = found
                    continue
            reasons[cond.id] = self.condition_reason(cond, outcome)
        if tracer:
            self.replay(reasons)
        principles: dict[str, PrincipleResult] = {}
        missing: set[str] = set()
        for p, key, requires in prep.principles:
            outcome = values[key]
            parts = [self.summary(key, "principle", outcome, p.title, p.source), *(reasons[c] for c in requires)]
            principles[p.id] = _construct(
                PrincipleResult, {"status": _status(outcome, "satisfied", "not_satisfied"), "reasons": parts}
            )
            if outcome.__class__ is Unknown:
                for r in parts:
                    missing.update(r.missing_facts)
        forms: dict[str, FormResult] = {}
        for f, key, _ in prep.forms:
            outcome = values[key]
            parts = [
                self.summary(key, "form", outcome, f.title, f.source),
                *[
                    self.summary(f"principles.{pid}", "principle", values[f"principles.{pid}"], None, None)
                    for pid in f.principles
                ],
                *(reasons[c] for c in f.requires),
            ]
            forms[f.id] = _construct(
                FormResult, {"status": _status(outcome, "eligible", "ineligible"), "reasons": parts}
            )
            if outcome.__class__ is Unknown:
                for r in parts:
                    missing.update(r.missing_facts)
        if tracer:
            for p, key, _ in prep.principles:
                outcome = values[key]
                tracer(
                    TraceEvent(
                        "principle",
                        p.id,
                        _outcome(outcome),
                        missing_facts=tuple(missing_facts(outcome)),
                        source=p.source,
                    )
                )
            for f, key, _ in prep.forms:
                outcome = values[key]
                tracer(
                    TraceEvent(
                        "form", f.id, _outcome(outcome), missing_facts=tuple(missing_facts(outcome)), source=f.source
                    )
                )
        chosen, index, unknown = self.rec
        rec_reason = self.recommendation_reason(chosen, index, unknown)
        if tracer:
            tracer(TraceEvent("recommendation", chosen, rec_reason.outcome, missing_facts=tuple(sorted(unknown))))
        missing.update(unknown)
        actions = self.actions(missing)
        return _construct(  # type: ignore[no-any-return]
            Decision,
            {
                "recommendation": chosen,
                "forms": forms,
                "principles": principles,
                "actions": actions,
                "missing_facts": sorted(missing),
                "values": {key: None if (v := values[key]).__class__ is Unknown else v for key in prep.derived},
                "ruleset": prep.stamp,
                "on": self.day,
                "lang": lang,
                "reasons": [rec_reason, *reasons.values()],
                "provenance": dict(rs.provenance),
            },
        )

    def replay(self, reasons: dict[str, Reason]) -> None:
        """The trace events of parameters, derived values and conditions, in plan order."""
        tracer = self.tracer
        assert tracer is not None
        for pid, dated in zip(self.rs.parameters, self.parameters, strict=True):
            tracer(TraceEvent("parameter", pid, dated.value, valid_from=dated.valid_from, source=dated.source))
        for item in self.rs.plan:
            value = self.values[item.id]
            if item.kind == "derived":
                tracer(derived_event(item.id, value))
                continue
            reason = reasons[item.id]
            tracer(
                TraceEvent(
                    "condition",
                    item.id,
                    reason.outcome,
                    dict(reason.values),
                    tuple(reason.missing_facts),
                    source=item.source,
                )
            )

    def actions(self, missing: set[str]) -> list[ActionResult]:
        out = []
        tracer, lang, prep = self.tracer, self.lang, self.prep
        ctx = self.ctx
        for a, when, texts, shown_fns, value_fns, memo in zip(
            self.rs.actions,
            self.whens,
            prep.action_texts,
            prep.action_shown,
            prep.action_values,
            prep.action_memos,
            strict=True,
        ):
            if when is False:
                if tracer:
                    tracer(TraceEvent("action", a.id, False, source=a.source))
                continue
            try:
                shown = [fn(ctx) for fn in shown_fns]
            except (ExpressionFailure, ArithmeticError):
                shown = self.shown(a.shown)  # raises, naming the value that failed
            if isinstance(when, Unknown):
                missing.update(when.facts)
                key: tuple[Any, ...] = (lang, when, *map(_key, shown))
                reason = memo.get(key)
                if reason is None:
                    facts = sorted(when.facts)
                    reason = memo.keep(
                        key,
                        _reason(
                            f"actions.{a.id}",
                            "action",
                            None,
                            ui("action_undetermined", lang, title=a.title.get(lang), facts=facts_text(facts, lang)),
                            self.shown_values(a.shown, shown),
                            a.source,
                            facts,
                        ),
                    )
                out.append(
                    _construct(ActionResult, {"id": a.id, "status": "undetermined", "values": {}, "reasons": [reason]})
                )
            else:
                computed: dict[str, Any] = {}
                for v, fn in zip(a.values, value_fns, strict=True):
                    value = as_type(self.run_fn(fn, f"actions.{a.id}.{v.id}"), v.type)
                    if isinstance(value, Unknown):
                        missing.update(value.facts)
                    computed[v.id] = value
                    self.values[f"actions.{a.id}.{v.id}"] = value
                assert texts is not None
                text = texts[lang]
                parts = self.values_of(text.fns, "text")
                key = (lang, True, *map(_key, shown), *map(_key, parts))
                reason = memo.get(key)
                if reason is None:
                    reason = memo.keep(
                        key,
                        _reason(
                            f"actions.{a.id}",
                            "action",
                            True,
                            text.render(parts, lang),
                            self.shown_values(a.shown, shown),
                            a.source,
                            [],
                        ),
                    )
                out.append(
                    _construct(
                        ActionResult,
                        {
                            "id": a.id,
                            "status": "proposed",
                            "values": {k: json_value(v) for k, v in computed.items()},
                            "reasons": [reason],
                        },
                    )
                )
            if tracer:
                tracer(
                    TraceEvent(
                        "action", a.id, _outcome(when), missing_facts=tuple(missing_facts(when)), source=a.source
                    )
                )
        return out

    # -- reasons ---------------------------------------------------------------------------------
    def condition_reason(self, cond: _Condition, outcome: Outcome) -> Reason:
        lang = self.lang
        ctx = self.ctx
        unknown = outcome.__class__ is Unknown
        simple = None if unknown else outcome
        try:
            key = cond.keys[simple][lang](ctx, lang)  # type: ignore[index]
        except (ExpressionFailure, ArithmeticError):
            self.shown(cond.shown)  # raises, naming the value that failed
            self.values_of(cond.reads[simple][lang][0], "text")  # type: ignore[index]
            raise  # pragma: no cover - one of the two above raised
        if unknown:
            key += (outcome,)
        reason = cond.memo.get(key)
        if reason is not None:
            return reason
        fns, text = cond.reads[simple][lang]  # type: ignore[index]
        read = [fn(ctx) for fn in fns]
        raw, parts = read[: cond.width], read[cond.width :]
        if unknown:
            facts = sorted(outcome.facts)  # type: ignore[union-attr]
            message = (
                text.render(parts, lang)
                if text is not None
                else ui("unknown_outcome", lang, title=cond.title.get(lang), facts=facts_text(facts, lang))
            )
        else:
            facts = []
            assert text is not None
            message = text.render(parts, lang)
        reason = _reason(
            cond.id,
            "condition",
            None if unknown else bool(outcome),
            message,
            {name: json_value(value) for name, value in zip(cond.shown_names, raw, strict=True)},
            cond.source,
            facts,
        )
        return cond.memo.keep(key, reason)

    def summary(self, rule: str, kind: str, outcome: Outcome, title: Any, source: str | None) -> Reason:
        """The reason of a principle or form (``title`` None: a principle as part of a form)."""
        lang = self.lang
        key = ("s", rule, lang, outcome, title is None)  # an Unknown outcome hashes by its facts
        reason = self.prep.cache.get(key)
        if reason is not None:
            return reason  # type: ignore[no-any-return]
        if kind == "form":
            status = _status(outcome, "eligible", "ineligible")
        else:
            status = _status(outcome, "satisfied", "not_satisfied")
        if title is None:
            title = self.prep.principle_titles[rule.removeprefix("principles.")]
        return self.prep.remember(  # type: ignore[no-any-return]
            key,
            _reason(
                rule,
                kind,
                _outcome(outcome),
                ui(f"{kind}_{status}", lang, title=title.get(lang)),
                {},
                source,
                missing_facts(outcome),
            ),
        )

    def recommendation_reason(self, chosen: str, index: int, unknown: frozenset[str]) -> Reason:
        lang = self.lang
        key = ("r", lang, chosen, index, unknown)
        reason = self.prep.cache.get(key)
        if reason is not None:
            return reason  # type: ignore[no-any-return]
        outcome: bool | None = True
        if unknown:
            outcome = None
            message = ui("recommendation_undetermined", lang, facts=facts_text(sorted(unknown), lang))
        else:
            texts = self.rs.rows[index].because if index >= 0 else self.rs.otherwise_because
            assert texts is not None
            message = texts.get(lang)
        return self.prep.remember(  # type: ignore[no-any-return]
            key,
            _reason(
                "recommendation", "recommendation", outcome, message, {"recommendation": chosen}, None, sorted(unknown)
            ),
        )

    def shown(self, shown: tuple[tuple[str, CompiledExpression], ...]) -> list[Any]:
        return [self.run_expr(expr, name) for name, expr in shown]

    def shown_values(self, shown: tuple[tuple[str, CompiledExpression], ...], raw: list[Any]) -> dict[str, Any]:
        return {name: json_value(value) for (name, _), value in zip(shown, raw, strict=True)}

    def values_of(self, fns: tuple[Fn, ...], where: str) -> list[Any]:
        ctx = self.ctx
        try:
            return [fn(ctx) for fn in fns]
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(where, exc) from None


# -- building models from data that is valid by construction ------------------------------------
def _fast_construct(cls: type[Any], data: dict[str, Any]) -> Any:
    """What ``cls.model_construct(**data)`` makes when ``data`` names every field, in a quarter of
    the time: pydantic's own fields, set directly."""
    model = _new(cls)
    _set(model, "__dict__", data)
    _set(model, "__pydantic_fields_set__", _FIELDS[cls])
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def _slow_construct(cls: type[Any], data: dict[str, Any]) -> Any:
    return cls.model_construct(**data)


_new = object.__new__
_set = object.__setattr__
_FIELDS: dict[type[Any], frozenset[str]] = {
    cls: frozenset(cls.model_fields) for cls in (Reason, PrincipleResult, FormResult, ActionResult, Decision)
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


def _reason(
    rule: str,
    kind: str,
    outcome: bool | None,
    message: str,
    values: dict[str, Any],
    source: str | None,
    missing: list[str],
) -> Reason:
    return _construct(  # type: ignore[no-any-return]
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


# -- formatting: the same texts as explain.formatting, without Babel in the common cases ------------
class _Locale:
    """Separators and currency placement of one locale, read from Babel once."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        probe = formatting.money(Decimal("1234567.89"), lang)
        start = probe.index("1")
        end = probe.index("89") + 2
        self.prefix, self.suffix = probe[:start], probe[end:]
        body = probe[start:end]
        group, decimal = body[1], body[-3]
        self.money_table = str.maketrans({",": group, ".": decimal})
        negative = formatting.money(Decimal("-1234567.89"), lang)
        # The fast path writes the sign right before the digits, as Babel does for nl, fr and en.
        self.fast_money = negative == self.prefix + "-" + body + self.suffix
        number = formatting.number(1234567, lang)
        self.number_table = str.maketrans({",": number[1]}) if len(number) == 9 else None

    def money(self, value: Decimal) -> str:
        """``formatting.money`` for an amount with at most two decimals (Babel rounds others)."""
        exponent = value.as_tuple().exponent
        if not self.fast_money or not isinstance(exponent, int) or exponent < -2 or value.adjusted() > 17:
            return formatting.money(value, self.lang)
        return self.prefix + format(value, ",.2f").translate(self.money_table) + self.suffix

    def integer(self, value: int) -> str:
        if self.number_table is None or abs(value) >= 10**18:
            return formatting.number(value, self.lang)
        return format(value, ",").translate(self.number_table)


_LOCALES: dict[str, _Locale] = {}


def _locale(lang: str) -> _Locale:
    found = _LOCALES.get(lang)
    if found is None:
        found = _LOCALES.setdefault(lang, _Locale(lang))
    return found


def _format(v: Any, typ: t.Type, lang: str) -> str:
    """:func:`aidrules.explain.formatting.value`, with fast paths for amounts and whole numbers."""
    if isinstance(v, Unknown):
        return ui("unknown_value", lang)
    if v is None:
        return ui("none_value", lang)
    if v is True or v is False:
        return ui("yes" if v else "no", lang)
    if isinstance(typ, t.Number):
        if type(v) is Decimal:
            return _locale(lang).money(v) if typ.money else formatting.number(v, lang)
        if type(v) is int:
            return _locale(lang).money(Decimal(v)) if typ.money else _locale(lang).integer(v)
    if isinstance(v, date):
        return formatting.day(v, lang)
    if isinstance(typ, t.Text) and typ.choices:
        return value_label(str(v), lang)
    return formatting.value(v, typ, lang)


# -- small helpers ------------------------------------------------------------------------------
def _is_money(typ: t.Type) -> bool:
    return isinstance(typ, t.Number) and typ.money


def _key(value: Any) -> Any:
    """A cache key part that tells apart what prints differently: 1.5 and 1.50. (A value's type is
    fixed by its expression's type, so True and 1 never meet at the same place in a key.)"""
    return str(value) if value.__class__ is Decimal else value


def _status(outcome: Outcome, yes: str, no: str) -> Any:
    if isinstance(outcome, Unknown):
        return "undetermined"
    return yes if outcome else no


def _outcome(value: Any) -> bool | None:
    return None if isinstance(value, Unknown) else bool(value)
