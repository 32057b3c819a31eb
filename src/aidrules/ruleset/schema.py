"""The rule-set file format, as a pydantic schema (see ``docs/rule-format.md``).

This schema checks the *shape* of a rule file. What the expressions mean (names, types, cycles)
is checked by the compiler stages in :mod:`aidrules.ruleset.compile`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

LANGUAGES = ("nl", "fr", "en")

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
DottedId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", max_length=100)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Expression = Annotated[str, StringConstraints(min_length=1)]
#: A source's web address: pages and letters make it a link, so only http(s) addresses (no
#: ``javascript:``, ``data:`` or ``file:`` links in the documentation a shared rule file generates).
WebAddress = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"'`]+$", max_length=2_000)]

_ID_HINT = "ids use lower-case letters, digits and `_` (conditions may use dots: `csr.own_will`)"


# The empty defaults are made by these functions, not by ``list`` and ``dict``: building the
# validators, pydantic reads the signature of each default factory, and the signature of a built-in
# class is parsed from its text with the tokenizer, whose large pattern is then compiled (1.6 ms of
# every command that loads a rule set, for nothing: a Python function's signature is read at once).
def _no_items() -> list[Any]:
    return []


def _no_entries() -> dict[str, Any]:
    return {}


class _Model(BaseModel):
    # validators built when a rule file is first validated, not at import (tests/test_deferred_models.py)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class Texts(_Model):
    """A text in Dutch, French and English (all three required; Dutch is shown first)."""

    nl: NonEmpty
    fr: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        return str(getattr(self, lang))


class Approval(_Model):
    by: NonEmpty
    on: date
    reference: NonEmpty


class Period(_Model):
    from_: date = Field(alias="from")
    until: date | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class Source(_Model):
    id: Id
    title: NonEmpty
    url: WebAddress | None = None


class ChangelogEntry(_Model):
    version: NonEmpty
    on: date
    changes: Texts


class Metadata(_Model):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=80)]
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.+-]+$", max_length=40)]
    title: Texts
    description: Texts | None = None
    effective: Period
    approval: Approval | None = None
    sources: list[Source] = Field(default_factory=_no_items)
    changelog: list[ChangelogEntry] = Field(default_factory=_no_items)


ParamValue = Decimal | bool | int | str | dict[str, Decimal | int]


class ParameterValue(_Model):
    from_: date = Field(alias="from")
    value: ParamValue
    source: NonEmpty

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class PolicyChoice(_Model):
    """Marks a parameter the OCMW council sets (not the law)."""

    rationale: Texts
    illustrative: bool = False


class Parameter(_Model):
    title: Texts
    type: Literal["money", "number", "integer", "bool", "text"]
    table: list[Id] | None = None
    group: Literal["federal", "regional", "policy"] = "policy"
    unit: NonEmpty | None = None
    policy_choice: PolicyChoice | None = None
    values: list[ParameterValue] = Field(min_length=1)
    locked: bool = False  # an overlay may not change it


class Derived(_Model):
    title: Texts
    type: Literal["money", "number", "integer", "bool", "text", "date"]
    expr: Expression
    description: Texts | None = None
    source: NonEmpty | None = None
    summary: bool = False  # shown among the key figures of a short decision
    locked: bool = False


class Explanation(_Model):
    """The message shown for each outcome; ``{name}`` inserts a value."""

    if_true: Texts
    if_false: Texts
    if_unknown: Texts | None = None


class ClientText(_Model):
    """A condition's outcome in plain words for the client's letter; ``{name}`` inserts a value the
    condition shows (the letter falls back to the ``explain`` message when one is not shown)."""

    if_true: Texts
    if_false: Texts


class Condition(_Model):
    title: Texts
    when: Expression
    source: NonEmpty
    explain: Explanation
    client_text: ClientText | None = None
    locked: bool = False


class Principle(_Model):
    title: Texts
    description: Texts
    source: NonEmpty
    requires: list[DottedId] = Field(min_length=1)
    locked: bool = False


class Form(_Model):
    title: Texts
    description: Texts
    source: NonEmpty
    intrusiveness: Annotated[int, Field(ge=0, le=100)]
    principles: list[Id] = Field(default_factory=_no_items)
    requires: list[DottedId] = Field(default_factory=_no_items)
    client_text: Texts | None = None  # what the proposal means for the client, in the letter
    # the form's name inside a sentence of the letter ("we propose …"): lower case, with the
    # article French needs (`une guidance budgétaire`); without it, the title in lower case
    client_title: Texts | None = None
    locked: bool = False


class RecommendationRule(_Model):
    recommend: Id
    when: Expression | None = None
    because: Texts


class Recommendation(_Model):
    hit_policy: Literal["first", "unique"]
    rules: list[RecommendationRule] = Field(min_length=1)
    # Without `otherwise`, a case that no rule covers is a gap: `aidrules validate` reports it
    # (SA301) and evaluation refuses it (EV005) instead of recommending anything.
    otherwise: Id | None = None
    otherwise_because: Texts | None = None
    otherwise_client_text: Texts | None = None  # what `otherwise` means for the client, in the letter
    locked: bool = False


class ActionValue(_Model):
    type: Literal["money", "number", "integer", "bool", "text", "date"]
    expr: Expression
    title: Texts


class Action(_Model):
    title: Texts
    when: Expression
    source: NonEmpty
    explain: Texts
    values: dict[Id, ActionValue] = Field(default_factory=_no_entries)
    client_text: Texts | None = None  # the action in plain words for the client's letter
    locked: bool = False


class StopReason(_Model):
    """One entry of the policy's list of reasons to stop budget help (``reviews.stop_reasons``)."""

    title: Texts
    description: Texts | None = None
    source: NonEmpty


class ReviewRule(_Model):
    """A row of the review table: the first row that holds decides (``reviews.rules``)."""

    outcome: Literal["continue", "start_phase_out", "step_down", "stop"]
    when: Expression
    because: Texts
    stop_reason: Id | None = None  # required for `stop`
    to_form: Id | None = None  # required for `step_down`: the lighter form
    source: NonEmpty | None = None


class Reviews(_Model):
    """Review rules for a running dossier (see ``docs/lifecycle.md``)."""

    interval: Id  # the integer parameter holding the review interval in months
    overdue: DottedId  # the review condition that flags an overdue review
    stop_reasons: dict[Id, StopReason] = Field(min_length=1)
    derived: dict[Id, Derived] = Field(default_factory=_no_entries)
    conditions: dict[DottedId, Condition] = Field(default_factory=_no_entries)
    rules: list[ReviewRule] = Field(min_length=1)
    otherwise_because: Texts
    otherwise_source: NonEmpty | None = None


class RuleSetFile(_Model):
    """A whole rule file."""

    aidrules: Literal[1]
    ruleset: Metadata
    parameters: dict[Id, Parameter] = Field(default_factory=_no_entries)
    derived: dict[Id, Derived] = Field(default_factory=_no_entries)
    conditions: dict[DottedId, Condition] = Field(default_factory=_no_entries)
    principles: dict[Id, Principle] = Field(default_factory=_no_entries)
    # A base layer (e.g. federal amounts only) has no forms and no recommendation; it cannot
    # decide a case on its own, only be extended.
    forms: dict[Id, Form] = Field(default_factory=_no_entries)
    recommendation: Recommendation | None = None
    actions: dict[Id, Action] = Field(default_factory=_no_entries)
    reviews: Reviews | None = None


ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
ID_HINT = _ID_HINT
