"""The compiled engine: the default backend and the reference semantics.

It walks the evaluation plan of a :class:`~aidrules.ruleset.compiled.CompiledRuleSet`: parameter
values on the decision date, derived values and conditions in dependency order, principles,
forms, the recommendation (hit policy), then actions. Every step may be traced.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
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
from aidrules.explain.i18n import LANGS, ui
from aidrules.explain.trace import TraceEvent, Tracer
from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.runtime import CENT, DECIMAL_CONTEXT, Context, ExpressionFailure, Unknown
from aidrules.facts.model import Case
from aidrules.facts.parse import fact_tree, parse_facts
from aidrules.ruleset.compiled import CompiledRuleSet, Template

Outcome = bool | Unknown


def evaluate(
    rs: CompiledRuleSet,
    facts: Case | dict[str, Any],
    on: date | None = None,
    *,
    lang: str = "nl",
    tracer: Tracer | None = None,
) -> Decision:
    """Decide one case; see :meth:`CompiledRuleSet.evaluate`."""
    if lang not in LANGS:
        raise EvaluationError(f"unknown language `{lang}`; use one of {', '.join(LANGS)}")
    case = parse_facts(facts)
    day = on or case.on
    if day is None:
        raise EvaluationError("no decision date: give `on` in the case or as an argument (--on)")
    period = rs.meta.effective
    if day < period.from_ or (period.until is not None and day > period.until):
        until = period.until.isoformat() if period.until else "…"
        message = f"rule set {rs.id} {rs.version} is in force from {period.from_} to {until}, not on {day}"
        raise EvaluationError(message, [Diagnostic("EV001", message, path="on")])
    with localcontext(DECIMAL_CONTEXT):
        return _Evaluation(rs, case, day, lang, tracer).run()


class _Evaluation:
    def __init__(self, rs: CompiledRuleSet, case: Case, day: date, lang: str, tracer: Tracer | None) -> None:
        self.rs = rs
        self.day = day
        self.lang = lang
        self.tracer = tracer
        self.values: dict[str, Any] = {}
        self.ctx = Context(fact_tree(case), self.values, day)
        self.reasons: dict[str, Reason] = {}

    def run(self) -> Decision:
        rs, values, tracer = self.rs, self.values, self.tracer
        for pid, spec in rs.parameters.items():
            dated = spec.value_at(self.day)
            if dated is None:  # pragma: no cover - coverage of the effective period is checked at load
                raise EvaluationError(f"parameter `{pid}` has no value on {self.day}")
            values[pid] = dated.value
            if tracer:
                tracer(TraceEvent("parameter", pid, dated.value, valid_from=dated.valid_from, source=dated.source))
        for item in rs.plan:
            value = self.run_expr(item.expr, item.id)
            if item.kind == "derived":
                value = _as_type(value, item.type)
                values[item.id] = value
                if tracer:
                    tracer(
                        TraceEvent(
                            "derived",
                            item.id,
                            None if isinstance(value, Unknown) else value,
                            missing_facts=tuple(_missing(value)),
                        )
                    )
                continue
            values[item.id] = value
            reason = self.reason(
                item.id, "condition", value, item.messages, item.shown, item.title.get(self.lang), item.source
            )
            self.reasons[item.id] = reason
            if tracer:
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
        principles = self.principles()
        forms = self.forms()
        recommendation, rec_reason, rec_unknown = self.recommend()
        actions, action_unknown = self.actions()
        missing: set[str] = set(rec_unknown.facts) | action_unknown
        undetermined = [p.reasons for p in principles.values() if p.status == "undetermined"]
        undetermined += [f.reasons for f in forms.values() if f.status == "undetermined"]
        for reasons in undetermined:
            for r in reasons:
                missing.update(r.missing_facts)
        return Decision(
            recommendation=recommendation,
            forms=forms,
            principles=principles,
            actions=actions,
            missing_facts=sorted(missing),
            values={item.id: _json(values[item.id]) for item in rs.plan if item.kind == "derived"},
            ruleset=RuleSetStamp(id=rs.id, version=rs.version, fingerprint=rs.fingerprint),
            on=self.day,
            lang=self.lang,
            reasons=[rec_reason, *self.reasons.values()],
        )

    # -- steps ----------------------------------------------------------------------------
    def run_expr(self, expr: CompiledExpression, where: str) -> Any:
        try:
            return expr.fn(self.ctx)
        except ExpressionFailure as exc:
            raise EvaluationError(f"{where}: {exc}", [Diagnostic("EV002", f"{where}: {exc}", path=where)]) from None
        except ArithmeticError as exc:
            message = f"{where}: arithmetic error ({type(exc).__name__})"
            raise EvaluationError(message, [Diagnostic("EV002", message, path=where)]) from None

    def principles(self) -> dict[str, PrincipleResult]:
        out = {}
        for p in self.rs.principles:
            outcome = _kleene_and([self.values[c] for c in p.requires])
            self.values[f"principles.{p.id}"] = outcome
            status = _status(outcome, "satisfied", "not_satisfied")
            title = p.title.get(self.lang)
            summary = Reason(
                rule=f"principles.{p.id}",
                kind="principle",
                outcome=_outcome(outcome),
                message=ui(f"principle_{status}", self.lang, title=title),
                source=p.source,
                missing_facts=_missing(outcome),
            )
            out[p.id] = PrincipleResult(status=status, reasons=[summary, *(self.reasons[c] for c in p.requires)])
            if self.tracer:
                self.tracer(
                    TraceEvent(
                        "principle", p.id, _outcome(outcome), missing_facts=tuple(_missing(outcome)), source=p.source
                    )
                )
        return out

    def forms(self) -> dict[str, FormResult]:
        out = {}
        for f in self.rs.forms:
            parts = [self.values[f"principles.{p}"] for p in f.principles] + [self.values[c] for c in f.requires]
            outcome = _kleene_and(parts)
            self.values[f"forms.{f.id}"] = outcome
            status = _status(outcome, "eligible", "ineligible")
            title = f.title.get(self.lang)
            summary = Reason(
                rule=f"forms.{f.id}",
                kind="form",
                outcome=_outcome(outcome),
                message=ui(f"form_{status}", self.lang, title=title),
                source=f.source,
                missing_facts=_missing(outcome),
            )
            principle_reasons = [
                Reason(
                    rule=f"principles.{p}",
                    kind="principle",
                    outcome=_outcome(self.values[f"principles.{p}"]),
                    message=self.principle_message(p),
                    missing_facts=_missing(self.values[f"principles.{p}"]),
                )
                for p in f.principles
            ]
            out[f.id] = FormResult(
                status=status, reasons=[summary, *principle_reasons, *(self.reasons[c] for c in f.requires)]
            )
            if self.tracer:
                self.tracer(
                    TraceEvent("form", f.id, _outcome(outcome), missing_facts=tuple(_missing(outcome)), source=f.source)
                )
        return out

    def principle_message(self, pid: str) -> str:
        spec = next(p for p in self.rs.principles if p.id == pid)
        status = _status(self.values[f"principles.{pid}"], "satisfied", "not_satisfied")
        return ui(f"principle_{status}", self.lang, title=spec.title.get(self.lang))

    def recommend(self) -> tuple[str, Reason, Unknown]:
        rs = self.rs
        unknown = Unknown(frozenset())
        chosen = None
        hits = []
        for row in rs.rows:
            v = self.run_expr(row.when, f"recommendation.{row.recommend}")
            if isinstance(v, Unknown):
                unknown = unknown.merge(v) if v.facts else Unknown(unknown.facts | {"?"})
                continue
            if v is True:
                hits.append(row)
                if rs.hit_policy == "first":
                    break
        if rs.hit_policy == "unique" and len(hits) > 1:
            message = "hit policy unique: more than one recommendation holds: " + ", ".join(r.recommend for r in hits)
            raise EvaluationError(message, [Diagnostic("EV003", message, path="recommendation")])
        if unknown.facts:
            chosen_id = "undetermined"
            message = ui("recommendation_undetermined", self.lang, facts=", ".join(sorted(unknown.facts)))
            outcome: bool | None = None
        elif hits:
            chosen = hits[0]
            chosen_id = chosen.recommend
            message = chosen.because.get(self.lang)
            outcome = True
        else:
            chosen_id = rs.otherwise
            message = rs.otherwise_because.get(self.lang)
            outcome = True
        self.values["recommendation"] = unknown if unknown.facts else chosen_id
        reason = Reason(
            rule="recommendation",
            kind="recommendation",
            outcome=outcome,
            message=message,
            values={"recommendation": chosen_id},
            missing_facts=sorted(unknown.facts),
        )
        if self.tracer:
            self.tracer(TraceEvent("recommendation", chosen_id, outcome, missing_facts=tuple(sorted(unknown.facts))))
        return chosen_id, reason, unknown

    def actions(self) -> tuple[list[ActionResult], set[str]]:
        out = []
        missing: set[str] = set()
        for a in self.rs.actions:
            when = self.run_expr(a.when, f"actions.{a.id}")
            if when is False:
                if self.tracer:
                    self.tracer(TraceEvent("action", a.id, False, source=a.source))
                continue
            title = a.title.get(self.lang)
            if isinstance(when, Unknown):
                missing.update(when.facts)
                reason = Reason(
                    rule=f"actions.{a.id}",
                    kind="action",
                    outcome=None,
                    message=ui("action_undetermined", self.lang, title=title, facts=", ".join(sorted(when.facts))),
                    values=self.shown_values(a.shown),
                    source=a.source,
                    missing_facts=sorted(when.facts),
                )
                out.append(ActionResult(id=a.id, status="undetermined", values={}, reasons=[reason]))
            else:
                computed: dict[str, Any] = {}
                for v in a.values:
                    value = self.run_expr(v.expr, f"actions.{a.id}.{v.id}")
                    value = _as_type(value, v.type)
                    if isinstance(value, Unknown):
                        missing.update(value.facts)
                    computed[v.id] = value
                self.values.update({f"actions.{a.id}.{k}": v for k, v in computed.items()})
                reason = Reason(
                    rule=f"actions.{a.id}",
                    kind="action",
                    outcome=True,
                    message=self.render(a.message),
                    values=self.shown_values(a.shown),
                    source=a.source,
                )
                out.append(
                    ActionResult(
                        id=a.id, status="proposed", values={k: _json(v) for k, v in computed.items()}, reasons=[reason]
                    )
                )
            if self.tracer:
                self.tracer(
                    TraceEvent("action", a.id, _outcome(when), missing_facts=tuple(_missing(when)), source=a.source)
                )
        return out, missing

    # -- reasons --------------------------------------------------------------------------
    def reason(
        self,
        rule: str,
        kind: Any,
        outcome: Outcome,
        messages: dict[str, Template],
        shown: tuple[tuple[str, CompiledExpression], ...],
        title: str,
        source: str | None,
    ) -> Reason:
        if isinstance(outcome, Unknown):
            template = messages.get("unknown")
            facts = sorted(outcome.facts)
            message = (
                self.render(template)
                if template is not None
                else ui("unknown_outcome", self.lang, title=title, facts=", ".join(facts))
            )
        else:
            message = self.render(messages["true" if outcome else "false"])
            facts = []
        return Reason(
            rule=rule,
            kind=kind,
            outcome=_outcome(outcome),
            message=message,
            values=self.shown_values(shown),
            source=source,
            missing_facts=facts,
        )

    def shown_values(self, shown: tuple[tuple[str, CompiledExpression], ...]) -> dict[str, Any]:
        return {name: _json(self.run_expr(expr, name)) for name, expr in shown}

    def render(self, template: Template) -> str:
        out = []
        for part in template.parts[self.lang]:
            if isinstance(part, str):
                out.append(part)
            else:
                out.append(formatting.value(self.run_expr(part, "text"), part.type, self.lang))
        return "".join(out)


def _as_type(value: Any, typ: t.Type) -> Any:
    """Money is always a Decimal rounded to the cent (half up); that rounded value is used further."""
    if isinstance(typ, t.Number) and typ.money and isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return value


def _kleene_and(values: list[Any]) -> Outcome:
    unknown: Unknown | None = None
    for v in values:
        if v is False:
            return False
        if isinstance(v, Unknown):
            unknown = v if unknown is None else unknown.merge(v)
    return True if unknown is None else unknown


def _status(outcome: Outcome, yes: str, no: str) -> Any:
    if isinstance(outcome, Unknown):
        return "undetermined"
    return yes if outcome else no


def _outcome(value: Any) -> bool | None:
    return None if isinstance(value, Unknown) else bool(value)


def _missing(value: Any) -> list[str]:
    return sorted(value.facts) if isinstance(value, Unknown) else []


def _json(value: Any) -> Any:
    if isinstance(value, Unknown):
        return None
    return value
