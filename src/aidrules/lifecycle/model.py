"""The facts of a running dossier at a review, as strict pydantic models.

Like case facts (contract §1), every field is optional and a field left out is *unknown*. The
review facts never hold a name, a national register number or a dossier number: the journal
keeps a pseudonymous key beside them (see :mod:`aidrules.journal.keys`).

Two fields are *event* fields: an explicit ``null`` says the event never happened, leaving the
field out says it is unknown — ``dossier.last_review_on: null`` means "never reviewed since the
start", ``dossier.phase_out_started_on: null`` means "no phase-out under way".

Example:
    >>> facts = parse_review_facts({"dossier": {"form": "budget_management", "last_review_on": None}})
    >>> review_fact_tree(facts)["dossier"]
    {'form': 'budget_management', 'last_review_on': None}
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from aidrules.errors import Diagnostic, FactsError, did_you_mean
from aidrules.expr import types as t
from aidrules.facts.model import Day, EventDay
from aidrules.facts.parse import not_unicode
from aidrules.facts.schema import record_type

#: The fact roots of a review (the names review expressions start with).
REVIEW_ROOTS = ("dossier", "progress", "situation")
#: Fields whose explicit ``null`` means "never happened".
REVIEW_EVENT_FIELDS = frozenset({"dossier.last_review_on", "dossier.phase_out_started_on"})

Level = Literal["not_yet", "partly", "achieved"]
#: The four financial skill clusters (CEBUD / BIZ Kempen, financieelredzaam.be).
SKILL_CLUSTERS = ("earn_enough", "organise_money_matters", "spend_responsibly", "plan_ahead")


class _Strict(BaseModel):
    # validators built when reviews are first validated, not at import (tests/test_deferred_models.py)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class DossierState(_Strict):
    """Where the dossier stands: its form, when that form started, the last review."""

    form: Literal["budget_guidance", "budget_management", "collective_debt_settlement"] | None = Field(
        default=None, description="The form of budget help the dossier runs now."
    )
    started_on: Day | None = Field(default=None, description="When the current form started.")
    last_review_on: EventDay | None = Field(default=None, description="The last review; null: never reviewed.")
    phase_out_started_on: EventDay | None = Field(
        default=None, description="When the phase-out (afbouw) started; null: no phase-out under way."
    )


class Progress(_Strict):
    """The worker's assessment of the four financial skill clusters, and new debts."""

    earn_enough: Level | None = Field(default=None, description="Earn enough: income and rights in order.")
    organise_money_matters: Level | None = Field(default=None, description="Organise money matters: papers, bills.")
    spend_responsibly: Level | None = Field(default=None, description="Spend responsibly: within the budget.")
    plan_ahead: Level | None = Field(default=None, description="Plan ahead: reserves, irregular costs.")
    months_without_new_debts: StrictInt | None = Field(default=None, ge=0, le=600)


class Situation(_Strict):
    """What happened to the client since the last review."""

    wants_to_stop: StrictBool | None = Field(default=None, description="The client asks to end budget help.")
    cooperates: StrictBool | None = Field(default=None, description="The client keeps to the agreements.")
    moved_to_other_municipality: StrictBool | None = None
    transferred_to_csr: StrictBool | None = Field(
        default=None, description="The labour court admitted a collective debt settlement; a mediator took over."
    )
    deceased: StrictBool | None = None


class ReviewFacts(_Strict):
    """The facts of one review. Every field is optional: absent means unknown."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, title="aidrules review facts")

    on: Day | None = Field(default=None, description="Review date; --on overrides.")
    dossier: DossierState | None = None
    progress: Progress | None = None
    situation: Situation | None = None


def _path(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if not (isinstance(p, str) and (p.startswith(("function-", "date")) or "[" in p))]
    return ".".join(parts) or "(review)"


_FIELDS: dict[str, list[str]] = {
    "": list(ReviewFacts.model_fields),
    "dossier": list(DossierState.model_fields),
    "progress": list(Progress.model_fields),
    "situation": list(Situation.model_fields),
}


def parse_review_facts(data: ReviewFacts | Mapping[str, Any]) -> ReviewFacts:
    """Validate review facts; raise :class:`FactsError` naming every offending path."""
    if isinstance(data, ReviewFacts):
        return _check_dates(data)
    if not isinstance(data, Mapping):
        message = "review facts must be a mapping of fields"
        raise FactsError(message, [Diagnostic("CF002", message, path="(review)")])
    try:
        facts = ReviewFacts.model_validate(data)
    except UnicodeEncodeError:  # a lone surrogate in a key or a text (see facts.parse.not_unicode)
        broken = not_unicode(data)
        raise FactsError(f"the review facts have {len(broken)} invalid field(s)", broken) from None
    except ValidationError as exc:
        diagnostics = []
        for item in exc.errors(include_url=False):
            shown = _path(tuple(item["loc"]))
            message = item["msg"].removeprefix("Value error, ")
            hint = None
            if item["type"] == "extra_forbidden":
                parent, _, key = shown.rpartition(".")
                message = f"unknown field `{key}`"
                hint = did_you_mean(key, _FIELDS.get(parent, []))
            elif item["type"] == "literal_error":
                message = f"{message}, got `{item.get('input')}`"
            diagnostics.append(Diagnostic("CF001", f"{shown}: {message}", path=shown, hint=hint))
        raise FactsError(f"the review facts have {len(diagnostics)} invalid field(s)", diagnostics) from None
    return _check_dates(facts)


def _check_dates(facts: ReviewFacts) -> ReviewFacts:
    """Dates that contradict each other are an input error, not a policy question."""
    d = facts.dossier
    problems = []
    if d is not None and d.started_on is not None:
        for name in ("last_review_on", "phase_out_started_on"):
            other = getattr(d, name)
            if other is not None and other < d.started_on:
                problems.append((f"dossier.{name}", f"{other} is before the start of the form ({d.started_on})"))
        if facts.on is not None and facts.on < d.started_on:
            problems.append(("on", f"the review date {facts.on} is before the start of the form ({d.started_on})"))
    if problems:
        diagnostics = [Diagnostic("CF005", f"{path}: {message}", path=path) for path, message in problems]
        raise FactsError(f"the review facts have {len(diagnostics)} contradictory date(s)", diagnostics)
    return facts


def review_fact_tree(facts: ReviewFacts) -> dict[str, Any]:
    """The facts as nested dicts: a key is present exactly when its value is known."""
    raw = facts.model_dump(exclude_unset=True, exclude={"on"})
    out: dict[str, Any] = {}
    for root, node in raw.items():
        if not isinstance(node, dict):
            continue
        out[root] = {
            key: value for key, value in node.items() if value is not None or f"{root}.{key}" in REVIEW_EVENT_FIELDS
        }
    return out


@cache
def review_fact_type() -> t.Record:
    """The record type of review facts, for the expression compiler (without ``on``)."""
    full = record_type(ReviewFacts)
    fields = []
    for root, typ in full.fields:
        if root == "on" or not isinstance(typ, t.Record):
            continue
        sub = tuple(
            (name, ft.replace(nullable=True) if f"{root}.{name}" in REVIEW_EVENT_FIELDS else ft)
            for name, ft in typ.fields
        )
        fields.append((root, typ.replace(fields=sub)))
    return t.Record(type_name="review", fields=tuple(fields))
