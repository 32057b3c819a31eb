"""The compiled ``reviews:`` section of a rule set: immutable, evaluated by the review engine."""

from __future__ import annotations

from aidrules._frozen import Frozen
from aidrules.errors import Span
from aidrules.expr.compiler import CompiledExpression
from aidrules.ruleset.parts import NamedValue, Template
from aidrules.ruleset.schema import Texts

#: The outcomes of a review; ``undetermined`` when a fact that could change it is unknown.
REVIEW_OUTCOMES = ("continue", "start_phase_out", "step_down", "stop")

#: The name of the injected review due date inside review expressions.
REVIEW_DUE_ON = "review_due_on"


# Frozen values (aidrules._frozen.Frozen, each with its own __init__): no dataclass methods are
# compiled for them at every start. ``ruleset/cost.py`` walks them as it walks dataclasses.
_set = object.__setattr__


class StopReasonSpec(Frozen):
    """A reason to stop budget help that a review can give."""

    __slots__ = ("description", "id", "source", "span", "title")
    id: str
    title: Texts
    description: Texts | None
    source: str
    span: Span

    def __init__(self, id: str, title: Texts, description: Texts | None, source: str, span: Span) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "description", description)
        _set(self, "source", source)
        _set(self, "span", span)


class ReviewRow(Frozen):
    """One row of the review's table: the outcome it gives when ``when`` holds."""

    __slots__ = ("because", "outcome", "shown", "source", "span", "stop_reason", "to_form", "when")
    outcome: str
    stop_reason: str | None
    to_form: str | None
    when: CompiledExpression
    because: Template
    source: str | None
    shown: tuple[tuple[str, CompiledExpression], ...]
    span: Span

    def __init__(
        self,
        outcome: str,
        stop_reason: str | None,
        to_form: str | None,
        when: CompiledExpression,
        because: Template,
        source: str | None,
        shown: tuple[tuple[str, CompiledExpression], ...],
        span: Span,
    ) -> None:
        _set(self, "outcome", outcome)
        _set(self, "stop_reason", stop_reason)
        _set(self, "to_form", to_form)
        _set(self, "when", when)
        _set(self, "because", because)
        _set(self, "source", source)
        _set(self, "shown", shown)
        _set(self, "span", span)


class ReviewSpec(Frozen):
    """What a rule set says about reviewing a running dossier.

    ``plan`` holds the review's derived values and conditions in dependency order; ``rows`` are
    read top to bottom and the first that holds decides; ``overdue`` names the condition that
    flags a late review; ``interval`` names the parameter with the review interval in months.
    """

    __slots__ = ("interval", "otherwise_because", "otherwise_source", "overdue", "plan", "rows", "stop_reasons")
    interval: str
    overdue: str
    plan: tuple[NamedValue, ...]
    stop_reasons: tuple[StopReasonSpec, ...]
    rows: tuple[ReviewRow, ...]
    otherwise_because: Template
    otherwise_source: str | None

    def __init__(
        self,
        interval: str,
        overdue: str,
        plan: tuple[NamedValue, ...],
        stop_reasons: tuple[StopReasonSpec, ...],
        rows: tuple[ReviewRow, ...],
        otherwise_because: Template,
        otherwise_source: str | None,
    ) -> None:
        _set(self, "interval", interval)
        _set(self, "overdue", overdue)
        _set(self, "plan", plan)
        _set(self, "stop_reasons", stop_reasons)
        _set(self, "rows", rows)
        _set(self, "otherwise_because", otherwise_because)
        _set(self, "otherwise_source", otherwise_source)

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
