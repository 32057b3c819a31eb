"""The outcome of a review, as pydantic models (the review counterpart of contract §2)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from aidrules.engine.decision import JsonScalar, RuleSetStamp

ReviewOutcome = Literal["continue", "start_phase_out", "step_down", "stop", "undetermined"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReviewReason(_Frozen):
    """Why one review rule came out as it did (same fields as a decision's reason)."""

    rule: str
    kind: Literal["outcome", "condition"]
    outcome: bool | None
    message: str
    values: dict[str, JsonScalar] = {}
    source: str | None = None
    missing_facts: list[str] = []


class ReviewedDossier(_Frozen):
    """The dossier as it stood at the review (no identifiers: the journal keeps a keyed hash)."""

    form: str | None
    started_on: date | None


class ReviewDecision(_Frozen):
    """The outcome of one review. Same facts, rule-set version and date → identical JSON."""

    kind: Literal["review"] = "review"
    outcome: ReviewOutcome
    stop_reason: str | None
    new_form: str | None
    overdue: bool | None
    review_due_on: date | None
    next_review_on: date | None
    dossier: ReviewedDossier
    missing_facts: list[str]
    values: dict[str, JsonScalar]
    ruleset: RuleSetStamp
    on: date
    lang: str
    reasons: list[ReviewReason]

    def to_json(self) -> str:
        """The review JSON (indented, stable key order)."""
        return self.model_dump_json(indent=2) + "\n"
