"""The compiled ``reviews:`` section of a rule set: immutable, evaluated by the review engine."""

from __future__ import annotations

from dataclasses import dataclass

from aidrules.errors import Span
from aidrules.expr.compiler import CompiledExpression
from aidrules.ruleset.parts import NamedValue, Template
from aidrules.ruleset.schema import Texts

#: The outcomes of a review; ``undetermined`` when a fact that could change it is unknown.
REVIEW_OUTCOMES = ("continue", "start_phase_out", "step_down", "stop")

#: The name of the injected review due date inside review expressions.
REVIEW_DUE_ON = "review_due_on"


@dataclass(frozen=True, slots=True)
class StopReasonSpec:
    id: str
    title: Texts
    description: Texts | None
    source: str
    span: Span


@dataclass(frozen=True, slots=True)
class ReviewRow:
    outcome: str
    stop_reason: str | None
    to_form: str | None
    when: CompiledExpression
    because: Template
    source: str | None
    shown: tuple[tuple[str, CompiledExpression], ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ReviewSpec:
    """What a rule set says about reviewing a running dossier.

    ``plan`` holds the review's derived values and conditions in dependency order; ``rows`` are
    read top to bottom and the first that holds decides; ``overdue`` names the condition that
    flags a late review; ``interval`` names the parameter with the review interval in months.
    """

    interval: str
    overdue: str
    plan: tuple[NamedValue, ...]
    stop_reasons: tuple[StopReasonSpec, ...]
    rows: tuple[ReviewRow, ...]
    otherwise_because: Template
    otherwise_source: str | None

    def named(self, name: str) -> NamedValue | None:
        for item in self.plan:
            if item.id == name:
                return item
        return None

    def stop_reason(self, rid: str) -> StopReasonSpec | None:
        for reason in self.stop_reasons:
            if reason.id == rid:
                return reason
        return None
