"""Evaluating the review rules of a rule set on a running dossier.

The same semantics as a decision (:mod:`aidrules.engine.compiled`): parameters on the review
date, the review's derived values and conditions in dependency order, then the review rules read
top to bottom — the first that holds decides; a rule that is unknown before it makes the outcome
``undetermined`` with the facts that would settle it (Kleene logic).

Like a decision, a review is decided first and then read: :func:`decide_review` runs only the
compiled expressions (``fn(Context)``, :mod:`aidrules.expr.runtime`) and keeps what it found in
a :class:`ReviewRecord`; the :class:`ReviewDecision` (its reasons and texts) and the trace events
(:mod:`aidrules.engine.trace`, the same kinds a decision emits) are views built from that record.

Example:
    >>> import aidrules
    >>> from datetime import date
    >>> rs = aidrules.load()
    >>> facts = {"situation": {"deceased": True}}
    >>> review = evaluate_review(rs, facts, on=date(2025, 9, 1))
    >>> review.outcome, review.stop_reason
    ('stop', 'deceased')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import localcontext
from typing import Any

from aidrules.engine.decision import RuleSetStamp
from aidrules.engine.trace import TraceEvent, Tracer, derived_event
from aidrules.errors import Diagnostic, EvaluationError, FactsError, check_language
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
from aidrules.lifecycle.dates import add_months_at
from aidrules.lifecycle.decision import ReviewDecision, ReviewedDossier, ReviewReason
from aidrules.lifecycle.model import ReviewFacts, parse_review_facts, review_fact_tree
from aidrules.lifecycle.spec import REVIEW_DUE_ON, ReviewRow, ReviewSpec
from aidrules.lifecycle.texts import text
from aidrules.ruleset.compiled import CompiledRuleSet, DatedValue, Template
from aidrules.text.interface import ui
from aidrules.words import formatting
from aidrules.words.labels import facts_text

#: Outcomes after which the dossier keeps running (and a next review is due).
RUNNING_OUTCOMES = frozenset({"continue", "start_phase_out", "step_down"})


def evaluate_review(
    rs: CompiledRuleSet,
    facts: ReviewFacts | Mapping[str, Any],
    on: date | None = None,
    *,
    lang: str = "nl",
    tracer: Tracer | None = None,
) -> ReviewDecision:
    """Review one running dossier on ``on`` (default: the facts' own ``on``).

    Raises:
        FactsError: the review facts are invalid (each path named) or their dates contradict.
        EvaluationError: the rule set has no review rules, there is no review date, or the date
            is outside the rule set's effective period.
    """
    check_language(lang)
    spec = rs.reviews
    if spec is None:
        message = f"rule set {rs.id} {rs.version} has no review rules (no `reviews:` section)"
        raise EvaluationError(message, [Diagnostic("EV010", message, path="reviews")])
    parsed = parse_review_facts(facts)
    day = on or parsed.on
    if day is None:
        message = "no review date: give `on` in the review facts or as an argument (--on)"
        raise EvaluationError(message, [Diagnostic("EV011", message, path="on")])
    started = parsed.dossier.started_on if parsed.dossier else None
    if started is not None and day < started:
        message = f"on: the review date {day} is before the start of the form ({started})"
        raise FactsError(message, [Diagnostic("CF005", message, path="on")])
    period = rs.meta.effective
    if day < period.from_ or (period.until is not None and day > period.until):
        until = period.until.isoformat() if period.until else "…"
        message = f"rule set {rs.id} {rs.version} is in force from {period.from_} to {until}, not on {day}"
        raise EvaluationError(message, [Diagnostic("EV001", message, path="on")])
    with localcontext(DECIMAL_CONTEXT):
        record = decide_review(rs, spec, parsed, day)
        review = _Assembly(rs, spec, record, lang).decision()
    if tracer is not None:
        trace_review(record, review, tracer)
    return review


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """What deciding a review found, before any text is written.

    ``values`` holds every named value of the review (parameters on the day, ``review_due_on``,
    derived values and condition outcomes; an unknown one as :class:`Unknown`); ``parameters`` the
    dated value of each parameter read; ``row`` the review rule that decided (None: ``otherwise``
    or undetermined) and ``unknown`` the facts that left an earlier rule open.
    """

    rs: CompiledRuleSet
    spec: ReviewSpec
    day: date
    tree: dict[str, Any]
    values: dict[str, Any]
    parameters: tuple[tuple[str, DatedValue], ...]
    outcome: str
    row: ReviewRow | None
    unknown: Unknown

    @property
    def ctx(self) -> Context:
        """The context the review was decided in (to evaluate the values a text shows)."""
        return Context(self.tree, self.values, self.day)


def decide_review(rs: CompiledRuleSet, spec: ReviewSpec, facts: ReviewFacts, day: date) -> ReviewRecord:
    """Decide a review: every value and outcome, by the compiled expressions alone.

    Raises:
        EvaluationError: an expression failed (EV002, naming the value or rule).
    """
    values: dict[str, Any] = {}
    parameters = []
    for pid, param in rs.parameters.items():
        dated = param.value_at(day)
        if dated is None:  # pragma: no cover - coverage of the effective period is checked at load
            raise EvaluationError(f"parameter `{pid}` has no value on {day}")
        values[pid] = dated.value
        parameters.append((pid, dated))
    tree = review_fact_tree(facts)
    ctx = Context(tree, values, day)
    interval = int(values[spec.interval])
    values[REVIEW_DUE_ON] = _review_due_on(tree, interval)
    for item in spec.plan:
        values[item.id] = as_type(_run(item.expr, ctx, f"reviews.{item.id}"), item.type)
    outcome, row, unknown = _choose(spec, ctx)
    return ReviewRecord(rs, spec, day, tree, values, tuple(parameters), outcome, row, unknown)


def trace_review(record: ReviewRecord, review: ReviewDecision, tracer: Tracer) -> None:
    """The trace events of a decided review, in the order a decision's are: parameters, derived
    values and conditions in plan order, then the outcome (as the ``recommendation`` event)."""
    for pid, dated in record.parameters:
        tracer(TraceEvent("parameter", pid, dated.value, valid_from=dated.valid_from, source=dated.source))
    tracer(derived_event(REVIEW_DUE_ON, record.values[REVIEW_DUE_ON]))
    reasons = {r.rule: r for r in review.reasons[1:]}
    for item in record.spec.plan:
        if item.kind == "derived":
            tracer(derived_event(item.id, record.values[item.id]))
            continue
        reason = reasons[item.id]
        event = TraceEvent(
            "condition", item.id, reason.outcome, dict(reason.values), tuple(reason.missing_facts), source=item.source
        )
        tracer(event)
    first = review.reasons[0]
    missing = tuple(sorted(record.unknown.facts))
    tracer(
        TraceEvent("recommendation", record.outcome, first.outcome, dict(first.values), missing, source=first.source)
    )


# -- deciding ----------------------------------------------------------------------------------
def _review_due_on(tree: dict[str, Any], interval: int) -> date | Unknown:
    """The last review (or the start of the form when never reviewed) plus the interval."""
    dossier = tree.get("dossier", {})
    if "last_review_on" not in dossier:
        return Unknown(frozenset({"dossier.last_review_on"}))
    base, path = dossier["last_review_on"], "dossier.last_review_on"
    if base is None:
        if "started_on" not in dossier:
            return Unknown(frozenset({"dossier.started_on"}))
        base, path = dossier["started_on"], "dossier.started_on"
    return add_months_at(base, interval, path)


def _run(expr: CompiledExpression, ctx: Context, where: str) -> Any:
    try:
        return expr.fn(ctx)
    except ExpressionFailure as exc:
        raise EvaluationError(f"{where}: {exc}", [Diagnostic("EV002", f"{where}: {exc}", path=where)]) from None
    except ArithmeticError as exc:
        message = f"{where}: arithmetic error ({type(exc).__name__})"
        raise EvaluationError(message, [Diagnostic("EV002", message, path=where)]) from None


def _choose(spec: ReviewSpec, ctx: Context) -> tuple[str, ReviewRow | None, Unknown]:
    """First hit; an unknown row before the first row that holds leaves the outcome open."""
    unknown = Unknown(frozenset())
    for i, row in enumerate(spec.rows):
        value = _run(row.when, ctx, f"reviews.rules[{i}]")
        if isinstance(value, Unknown):
            unknown = unknown.merge(value) if value.facts else Unknown(unknown.facts | {"?"})
            continue
        if value is True:
            return ("undetermined", None, unknown) if unknown.facts else (row.outcome, row, unknown)
    return ("undetermined" if unknown.facts else "continue"), None, unknown


# -- reading: the review decision and its texts -------------------------------------------------
class _Assembly:
    def __init__(self, rs: CompiledRuleSet, spec: ReviewSpec, record: ReviewRecord, lang: str) -> None:
        self.rs = rs
        self.spec = spec
        self.record = record
        self.lang = lang
        self.ctx = record.ctx

    def decision(self) -> ReviewDecision:
        spec, values, record = self.spec, self.record.values, self.record
        reasons = [
            self.condition_reason(
                item.id, values[item.id], item.messages, item.shown, item.title.get(self.lang), item.source
            )
            for item in spec.plan
            if item.kind == "condition"
        ]
        outcome, row, unknown = record.outcome, record.row, record.unknown
        overdue = values[spec.overdue]
        due = values[REVIEW_DUE_ON]
        interval = int(values[spec.interval])
        missing = set(unknown.facts) | set(missing_facts(overdue))
        dossier = record.tree.get("dossier", {})
        form = dossier.get("form")
        if outcome == "step_down" and row is not None:
            new_form = row.to_form
        elif outcome in ("continue", "start_phase_out"):
            new_form = form
        else:
            new_form = None
        return ReviewDecision(
            outcome=outcome,
            stop_reason=row.stop_reason if row is not None and outcome == "stop" else None,
            new_form=new_form,
            overdue=None if isinstance(overdue, Unknown) else bool(overdue),
            review_due_on=None if isinstance(due, Unknown) else due,
            next_review_on=add_months_at(record.day, interval, "on") if outcome in RUNNING_OUTCOMES else None,
            dossier=ReviewedDossier(form=form, started_on=dossier.get("started_on")),
            missing_facts=sorted(missing),
            values={item.id: json_value(values[item.id]) for item in spec.plan if item.kind == "derived"},
            ruleset=RuleSetStamp(
                id=self.rs.id, version=self.rs.version, fingerprint=self.rs.fingerprint, layers=list(self.rs.layers)
            ),
            on=record.day,
            lang=self.lang,
            reasons=[self.outcome_reason(outcome, row, unknown), *reasons],
        )

    def run_expr(self, expr: CompiledExpression, where: str) -> Any:
        return _run(expr, self.ctx, where)

    def outcome_reason(self, outcome: str, row: ReviewRow | None, unknown: Unknown) -> ReviewReason:
        values: dict[str, Any] = {"outcome": outcome}
        if outcome == "undetermined":
            facts = sorted(unknown.facts)
            return ReviewReason(
                rule="reviews.outcome",
                kind="outcome",
                outcome=None,
                message=text("review_undetermined", self.lang, facts=", ".join(facts)),
                values=values,
                missing_facts=facts,
            )
        if row is None:
            return ReviewReason(
                rule="reviews.outcome",
                kind="outcome",
                outcome=True,
                message=self.render(self.spec.otherwise_because),
                values=values,
                source=self.spec.otherwise_source,
            )
        source = row.source
        if row.stop_reason is not None:
            values["stop_reason"] = row.stop_reason
            stop = self.spec.stop_reason(row.stop_reason)
            if source is None and stop is not None:
                source = stop.source
        if row.to_form is not None:
            values["to_form"] = row.to_form
        values.update(self.shown(row.shown))
        return ReviewReason(
            rule="reviews.outcome",
            kind="outcome",
            outcome=True,
            message=self.render(row.because),
            values=values,
            source=source,
        )

    # -- reasons --------------------------------------------------------------------------
    def condition_reason(
        self,
        rule: str,
        outcome: Any,
        messages: dict[str, Template],
        shown: tuple[tuple[str, CompiledExpression], ...],
        title: str,
        source: str | None,
    ) -> ReviewReason:
        if isinstance(outcome, Unknown):
            facts = sorted(outcome.facts)
            template = messages.get("unknown")
            if template is not None:
                message = self.render(template)
            else:
                message = ui("unknown_outcome", self.lang, title=title, facts=facts_text(facts, self.lang))
            return ReviewReason(
                rule=rule,
                kind="condition",
                outcome=None,
                message=message,
                values=self.shown(shown),
                source=source,
                missing_facts=facts,
            )
        return ReviewReason(
            rule=rule,
            kind="condition",
            outcome=bool(outcome),
            message=self.render(messages["true" if outcome else "false"]),
            values=self.shown(shown),
            source=source,
        )

    def shown(self, shown: tuple[tuple[str, CompiledExpression], ...]) -> dict[str, Any]:
        return {name: json_value(self.run_expr(expr, name)) for name, expr in shown}

    def render(self, template: Template) -> str:
        out = []
        for part in template.parts[self.lang]:
            if isinstance(part, str):
                out.append(part)
            else:
                out.append(formatting.value(self.run_expr(part, "text"), part.type, self.lang))
        return "".join(out)
