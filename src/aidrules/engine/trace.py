"""Trace events: the one stream that explanations, coverage and test output are built on.

Evaluation calls ``tracer(event)`` for every step when a tracer is given; without one, nothing is
recorded and nothing is paid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from aidrules.expr.runtime import Unknown

EventKind = Literal["parameter", "derived", "condition", "principle", "form", "recommendation", "action"]


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """One step of an evaluation.

    ``outcome`` is ``True``/``False``/``None`` (unknown) for yes/no steps, the computed value for
    derived values and parameters, the recommended form for the recommendation.
    """

    kind: EventKind
    id: str
    outcome: Any
    values: dict[str, Any] = field(default_factory=dict)
    missing_facts: tuple[str, ...] = ()
    valid_from: date | None = None
    source: str | None = None


Tracer = Callable[[TraceEvent], None]


def derived_event(item_id: str, value: Any) -> TraceEvent:
    """The event of a computed derived value; an unknown value is ``None`` with its missing facts."""
    if isinstance(value, Unknown):
        return TraceEvent("derived", item_id, None, missing_facts=tuple(sorted(value.facts)))
    return TraceEvent("derived", item_id, value)


class RecordingTracer:
    """Keeps every event in :attr:`events`.

    Example:
        >>> tracer = RecordingTracer()
        >>> tracer(TraceEvent("condition", "motivation.minimum", True))
        >>> [e.id for e in tracer.events]
        ['motivation.minimum']
    """

    def __init__(self) -> None:
        self.events: list[TraceEvent] = []

    def __call__(self, event: TraceEvent) -> None:
        self.events.append(event)

    def of_kind(self, kind: EventKind) -> list[TraceEvent]:
        return [e for e in self.events if e.kind == kind]
