"""The rule-set file format, as a pydantic schema (see ``docs/rule-format.md``).

This schema checks the *shape* of a rule file. What the expressions mean (names, types, cycles)
is checked by the compiler stages in :mod:`aidrules.ruleset.compile`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

LANGUAGES = ("nl", "fr", "en")

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
DottedId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", max_length=100)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Expression = Annotated[str, StringConstraints(min_length=1)]

_ID_HINT = "ids use lower-case letters, digits and `_` (conditions may use dots: `csr.own_will`)"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


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
    url: NonEmpty | None = None


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
    sources: list[Source] = Field(default_factory=list)
    changelog: list[ChangelogEntry] = Field(default_factory=list)


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


class Derived(_Model):
    title: Texts
    type: Literal["money", "number", "integer", "bool", "text", "date"]
    expr: Expression
    description: Texts | None = None
    source: NonEmpty | None = None
    summary: bool = False  # shown among the key figures of a short decision


class Explanation(_Model):
    """The message shown for each outcome; ``{name}`` inserts a value."""

    if_true: Texts
    if_false: Texts
    if_unknown: Texts | None = None


class Condition(_Model):
    title: Texts
    when: Expression
    source: NonEmpty
    explain: Explanation


class Principle(_Model):
    title: Texts
    description: Texts
    source: NonEmpty
    requires: list[DottedId] = Field(min_length=1)


class Form(_Model):
    title: Texts
    description: Texts
    source: NonEmpty
    intrusiveness: Annotated[int, Field(ge=0, le=100)]
    principles: list[Id] = Field(default_factory=list)
    requires: list[DottedId] = Field(default_factory=list)


class RecommendationRule(_Model):
    recommend: Id
    when: Expression | None = None
    because: Texts


class Recommendation(_Model):
    hit_policy: Literal["first", "unique"]
    rules: list[RecommendationRule] = Field(min_length=1)
    otherwise: Id
    otherwise_because: Texts


class ActionValue(_Model):
    type: Literal["money", "number", "integer", "bool", "text", "date"]
    expr: Expression
    title: Texts


class Action(_Model):
    title: Texts
    when: Expression
    source: NonEmpty
    explain: Texts
    values: dict[Id, ActionValue] = Field(default_factory=dict)


class RuleSetFile(_Model):
    """A whole rule file."""

    aidrules: Literal[1]
    ruleset: Metadata
    parameters: dict[Id, Parameter] = Field(default_factory=dict)
    derived: dict[Id, Derived] = Field(default_factory=dict)
    conditions: dict[DottedId, Condition] = Field(default_factory=dict)
    principles: dict[Id, Principle] = Field(default_factory=dict)
    forms: dict[Id, Form] = Field(min_length=1)
    recommendation: Recommendation
    actions: dict[Id, Action] = Field(default_factory=dict)


ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
ID_HINT = _ID_HINT
