"""Building the structured :class:`~aidrules.explain.model.Explanation` of one decision.

Input: the :class:`~aidrules.engine.decision.Decision`, the compiled rule set, the case and
(optionally) the trace events of the evaluation. The reasons of the decision (rule, outcome,
message, values, source) and the structure of the rule set (principles and conditions each form
requires, the order of the recommendation rules) give the why and why not; re-evaluations of
changed copies of the case give the missing-fact scenarios and the counterfactuals.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from aidrules.engine.decision import Decision, Reason
from aidrules.engine.trace import TraceEvent
from aidrules.explain.counterfactuals import CounterfactualSearch
from aidrules.explain.missing import missing_facts
from aidrules.explain.model import (
    ActionView,
    CaseSummary,
    Comparison,
    ConditionView,
    Explanation,
    FormView,
    Line,
    PrincipleView,
    RuleSetInfo,
    TraceLine,
    ValueView,
)
from aidrules.explain.values import ValueTexts
from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression
from aidrules.facts.model import OPTIONAL_INPUTS, Case
from aidrules.facts.paths import MISSING, case_data, fact_type, free_text_patterns, pattern, read
from aidrules.ruleset.compiled import CompiledRuleSet, Template
from aidrules.text.explain import text
from aidrules.text.interface import ui
from aidrules.views.decision import outcome_title
from aidrules.whatif.reevaluate import DEFAULT_BUDGET, Outcome, Reevaluator
from aidrules.whatif.thresholds import RuleSetAnalysis
from aidrules.words.labels import choice_label, fact_label


def build_explanation(
    decision: Decision,
    rs: CompiledRuleSet,
    case: Case,
    trace: Iterable[TraceEvent] = (),
    *,
    budget: int = DEFAULT_BUDGET,
) -> Explanation:
    """Explain ``decision`` (made by ``rs`` for ``case``) in the decision's language."""
    lang = decision.lang
    texts = ValueTexts(rs, decision.on, lang)
    analysis = RuleSetAnalysis(rs, decision.on)
    free = _free_text_rules(rs, analysis)
    reeval = Reevaluator(rs, case_data(case), decision.on, budget)

    reasons = {r.rule: r for r in decision.reasons}
    data = reeval.data
    conditions = {
        item.id: _condition(item.id, reasons[item.id], rs, decision, texts, data, item.id in free)
        for item in rs.plan
        if item.kind == "condition" and item.id in reasons
    }
    principles = [
        PrincipleView(
            id=p.id,
            title=p.title.get(lang),
            description=p.description.get(lang),
            status=decision.principles[p.id].status,
            source=p.source,
            conditions=list(p.requires),
        )
        for p in rs.principles
    ]
    forms = [_form(f.id, rs, decision, conditions) for f in rs.forms]

    base = Outcome.of(decision)
    missing = missing_facts(decision, analysis, reeval, texts)
    search = CounterfactualSearch(rs, analysis, reeval, base)
    counterfactuals = search.run()

    rec = decision.recommendation
    order = [row.recommend for row in rs.rows]
    comparisons = [
        Comparison(
            form=f.id,
            status=f.status,
            preferred=rec in order and f.id in order and order.index(f.id) < order.index(rec),
            blocking=f.blocking,
            missing_facts=f.missing_facts,
            counterfactuals=[cf.id for cf in counterfactuals if cf.form == f.id],
        )
        for f in forms
        if f.id != rec
    ]
    return Explanation(
        lang=lang,
        on=decision.on,
        ruleset=RuleSetInfo(
            id=rs.id,
            version=rs.version,
            fingerprint=rs.fingerprint,
            title=rs.meta.title.get(lang),
            effective_from=rs.meta.effective.from_,
            effective_until=rs.meta.effective.until,
            approved_by=rs.meta.approval.by if rs.meta.approval else None,
            approved_on=rs.meta.approval.on if rs.meta.approval else None,
            approval_reference=rs.meta.approval.reference if rs.meta.approval else None,
        ),
        recommendation=rec,
        recommendation_title=outcome_title(rs, rec, lang),
        because=_because(decision, lang),
        rule_order=order,
        decisive=_decisive(rec, forms, conditions, order),
        conditions=conditions,
        principles=principles,
        forms=forms,
        comparisons=comparisons,
        counterfactuals=counterfactuals,
        missing=missing,
        actions=[_action(a.id, a.status, a.values, a.reasons, rs, texts, data, a.id in free) for a in decision.actions],
        values=[texts.view(name, value) for name, value in decision.values.items()],
        key_values=[item.id for item in rs.plan if item.summary and item.id in decision.values],
        parameters=[_parameter(pid, rs, decision.on, texts) for pid in rs.parameters],
        case=case_summary(case, texts),
        trace=[_trace_line(e, rs, texts) for e in trace],
        evaluations=reeval.evaluations,
        search_complete=search.complete and not reeval.exhausted,
        client_proposal=_client_proposal(rs, rec, lang),
        client_title=_client_text(rs, f"forms.{rec}.title", lang),
    )


def _client_proposal(rs: CompiledRuleSet, outcome: str, lang: str) -> str | None:
    """The rule set's plain words for ``outcome`` (a form's, or its ``otherwise`` outcome's)."""
    key = "otherwise" if outcome == rs.otherwise and outcome not in {f.id for f in rs.forms} else f"forms.{outcome}"
    return _client_text(rs, key, lang)


def _unknown_fact(name: str, data: dict[str, Any]) -> bool:
    """Whether ``name`` is a fact left out of the case (as opposed to a computed value)."""
    return fact_type(pattern(name)) is not None and read(data, name) is MISSING


def _because(decision: Decision, lang: str) -> str:
    if decision.recommendation == "undetermined":
        facts = ", ".join(dict.fromkeys(fact_label(f, lang) for f in decision.reasons[0].missing_facts))
        return ui("recommendation_undetermined", lang, facts=facts)
    return decision.reasons[0].message


# -- pieces ---------------------------------------------------------------------------------
def _condition(
    cid: str,
    reason: Reason,
    rs: CompiledRuleSet,
    decision: Decision,
    texts: ValueTexts,
    data: dict[str, Any],
    free_text: bool,
) -> ConditionView:
    item = rs.named(cid)
    assert item is not None
    lang = decision.lang
    values = [texts.view(name, value, _unknown_fact(name, data)) for name, value in reason.values.items()]
    shown = set(reason.values)
    # one level deeper: what a derived value that decided the condition was made of
    for name in list(reason.values):
        inner = rs.named(name)
        if inner is None or inner.kind != "derived":
            continue
        for dep in sorted(inner.expr.names):
            if dep in shown:
                continue
            if dep in decision.values:
                values.append(texts.view(dep, decision.values[dep]))
                shown.add(dep)
            elif dep in rs.parameters:
                dated = rs.parameters[dep].value_at(decision.on)
                if dated is not None and not isinstance(dated.value, dict):
                    values.append(texts.view(dep, dated.value))
                    shown.add(dep)
    message = reason.message
    if reason.outcome is None and "unknown" not in item.messages:
        # the engine's generic text names fact paths; say it with the readers' names
        facts = ", ".join(dict.fromkeys(fact_label(f, lang) for f in reason.missing_facts))
        message = ui("unknown_outcome", lang, title=item.title.get(lang), facts=facts)
    return ConditionView(
        id=cid,
        title=item.title.get(lang),
        outcome=reason.outcome,
        message=message,
        expression=" ".join(item.expr.source.split()),
        source=reason.source,
        values=values,
        missing_facts=list(reason.missing_facts),
        reads=sorted(item.expr.names | set(item.expr.facts)),
        free_text=free_text,
        client_text=_client_text(rs, f"conditions.{cid}.{str(reason.outcome).lower()}", lang),
    )


def _form(fid: str, rs: CompiledRuleSet, decision: Decision, conditions: dict[str, ConditionView]) -> FormView:
    spec = next(f for f in rs.forms if f.id == fid)
    result = decision.forms[fid]
    blocking: list[str] = []
    for req in rs.graph.requires(f"forms.{fid}"):  # its principles first, then its own conditions
        if rs.graph.kind(req) != "principle":
            blocking.append(req)
        elif decision.principles[req.removeprefix("principles.")].status != "satisfied":
            blocking += rs.graph.requires(req)
    blocking = [c for c in dict.fromkeys(blocking) if c in conditions and conditions[c].outcome is not True]
    missing = sorted({f for c in blocking for f in conditions[c].missing_facts})
    if result.status == "ineligible":
        # a form that failed is not waiting for facts: only the conditions that are false block it
        blocking = [c for c in blocking if conditions[c].outcome is False]
    return FormView(
        id=fid,
        title=spec.title.get(decision.lang),
        description=spec.description.get(decision.lang),
        status=result.status,
        source=spec.source,
        intrusiveness=spec.intrusiveness,
        recommended=decision.recommendation == fid,
        principles=list(spec.principles),
        conditions=list(spec.requires),
        blocking=blocking,
        missing_facts=missing if result.status == "undetermined" else [],
    )


def _decisive(rec: str, forms: list[FormView], conditions: dict[str, ConditionView], order: list[str]) -> list[str]:
    by_id = {f.id: f for f in forms}
    out: list[str] = []
    if rec in by_id:
        if rec in order:
            for fid in order[: order.index(rec)]:
                if fid in by_id:
                    out += by_id[fid].blocking
        out += [c for c in by_id[rec].conditions if conditions[c].outcome is True]
    elif rec == "undetermined":
        out += [c for f in forms for c in f.blocking if conditions[c].outcome is None]
    else:
        for f in forms:
            out += f.blocking
    return list(dict.fromkeys(out))


def _action(
    aid: str,
    status: str,
    values: dict[str, Any],
    reasons: list[Reason],
    rs: CompiledRuleSet,
    texts: ValueTexts,
    data: dict[str, Any],
    free_text: bool,
) -> ActionView:
    spec = next(a for a in rs.actions if a.id == aid)
    lang = texts.lang
    shown = [texts.view(f"actions.{aid}.{k}", v) for k, v in values.items()]
    shown += [texts.view(k, v, _unknown_fact(k, data)) for k, v in reasons[0].values.items()] if reasons else []
    message = reasons[0].message if reasons else spec.title.get(lang)
    if status == "undetermined" and reasons:
        facts = ", ".join(dict.fromkeys(fact_label(f, lang) for f in reasons[0].missing_facts))
        message = ui("action_undetermined", lang, title=spec.title.get(lang), facts=facts)
    return ActionView(
        id=aid,
        title=spec.title.get(lang),
        status=status,
        message=message,
        source=spec.source,
        values=shown,
        free_text=free_text,
        client_text=_client_text(rs, f"actions.{aid}", lang),
    )


def _client_text(rs: CompiledRuleSet, key: str, lang: str) -> str | None:
    plain = rs.client_texts.get(key)
    return plain.get(lang) if plain is not None else None


def _parameter(pid: str, rs: CompiledRuleSet, on: date, texts: ValueTexts) -> ValueView:
    dated = rs.parameters[pid].value_at(on)
    value: Any = dated.value if dated is not None else None
    return texts.view(pid, value)


def _trace_line(event: TraceEvent, rs: CompiledRuleSet, texts: ValueTexts) -> TraceLine:
    lang = texts.lang
    if event.kind in ("parameter", "derived"):
        outcome = (
            texts.text(event.id, event.outcome)
            if event.outcome is not None or not event.missing_facts
            else ui("unknown_value", lang)
        )
    elif event.kind == "recommendation":
        outcome = outcome_title(rs, event.id, lang)
    else:
        outcome = text({True: "outcome.true", False: "outcome.false", None: "outcome.unknown"}[event.outcome], lang)
    return TraceLine(
        kind=event.kind,
        id=event.id,
        outcome=outcome,
        source=event.source,
        valid_from=event.valid_from,
        missing_facts=list(event.missing_facts),
    )


def case_summary(case: Case, texts: ValueTexts) -> CaseSummary:
    """The case by kind and amount only (no creditor, no municipality, no other free text)."""
    free = free_text_patterns()
    lang = texts.lang

    def views(record: Any, prefix: str) -> list[ValueView]:
        """Every fact of the record; one not given is shown as unknown (never silently left out)."""
        out: list[ValueView] = []
        model = Case.model_fields[prefix].annotation
        fields = type(record).model_fields if record is not None else _record_fields(model)
        for name in fields:
            path = f"{prefix}.{name}"
            if path in free:
                continue
            if record is None or name not in record.model_fields_set:
                if path in OPTIONAL_INPUTS:
                    continue
                out.append(texts.view(path, None, unknown=True))
                continue
            value = getattr(record, name)
            if isinstance(value, list):
                out.append(
                    ValueView(
                        name=path,
                        kind="fact",
                        title=text("children_count", lang),
                        value=len(value),
                        text=str(len(value)),
                    )
                )
                continue
            out.append(texts.view(path, value))
        return out

    def lines(items: list[Any] | None, amount_field: str, note: Any) -> list[Line] | None:
        if items is None:
            return None
        out = []
        for item in items:
            amount: Decimal | None = getattr(item, amount_field)
            out.append(
                Line(
                    kind=item.kind,
                    kind_text=choice_label(item.kind, lang) if item.kind else ui("unknown_value", lang),
                    amount=amount,
                    amount_text=texts.text_typed(amount, t.MONEY) if amount is not None else ui("unknown_value", lang),
                    note=note(item),
                )
            )
        return out

    def income_note(item: Any) -> str | None:
        if item.stable is None:
            return None
        return text("stable" if item.stable else "not_stable", lang)

    def debt_note(item: Any) -> str | None:
        if item.enforcement is None:
            return text("enforcement_unknown", lang)
        return text("enforcement", lang, stage=choice_label(item.enforcement, lang))

    return CaseSummary(
        household=views(case.household, "household"),
        client=views(case.client, "client"),
        incomes=lines(case.incomes, "monthly_net", income_note),
        expenses=lines(case.expenses, "monthly", lambda item: None),
        debts=lines(case.debts, "amount", debt_note),
        signals=views(case.signals, "signals"),
    )


def _record_fields(annotation: Any) -> list[str]:
    """The fields of the pydantic model in an ``X | None`` annotation."""
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return list(arg.model_fields)
    return []


def _free_text_rules(rs: CompiledRuleSet, analysis: RuleSetAnalysis) -> frozenset[str]:
    """Conditions and actions whose message or shown values read a free-text fact."""
    free = free_text_patterns()

    def reads_free(exprs: Iterable[CompiledExpression]) -> bool:
        return any(pattern(f) in free for e in exprs for f in analysis.expression_facts(e))

    def template_exprs(template: Template) -> list[CompiledExpression]:
        return [p for parts in template.parts.values() for p in parts if not isinstance(p, str)]

    out = set()
    for item in rs.plan:
        if item.kind != "condition":
            continue
        exprs = [e for m in item.messages.values() for e in template_exprs(m)] + [e for _, e in item.shown]
        if reads_free(exprs):
            out.add(item.id)
    for action in rs.actions:
        if reads_free([*template_exprs(action.message), *(e for _, e in action.shown)]):
            out.add(action.id)
    return frozenset(out)
