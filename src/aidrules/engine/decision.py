"""The Decision of contract §2, as pydantic models."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

JsonScalar = Decimal | bool | int | str | date | None

Recommendation = (
    Literal["budget_guidance", "budget_management", "collective_debt_settlement", "none", "undetermined"] | str
)
FormStatus = Literal["eligible", "ineligible", "undetermined"]
PrincipleStatus = Literal["satisfied", "not_satisfied", "undetermined"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reason(_Frozen):
    """Why one rule came out as it did."""

    rule: str
    kind: Literal["condition", "principle", "form", "recommendation", "action"]
    outcome: bool | None
    message: str
    values: dict[str, JsonScalar] = {}
    source: str | None = None
    missing_facts: list[str] = []


class FormResult(_Frozen):
    status: FormStatus
    reasons: list[Reason]


class PrincipleResult(_Frozen):
    status: PrincipleStatus
    reasons: list[Reason]


class ActionResult(_Frozen):
    id: str
    status: Literal["proposed", "undetermined"]
    values: dict[str, JsonScalar]
    reasons: list[Reason]


class RuleSetStamp(_Frozen):
    id: str
    version: str
    fingerprint: str  # over the whole chain of layers
    layers: list[str] = []  # "id@version", base first


class Decision(_Frozen):
    """The outcome of one evaluation. Same facts, rule-set version and date → identical JSON."""

    recommendation: Recommendation
    forms: dict[str, FormResult]
    principles: dict[str, PrincipleResult]
    actions: list[ActionResult]
    missing_facts: list[str]
    values: dict[str, JsonScalar]
    ruleset: RuleSetStamp
    on: date
    lang: str
    reasons: list[Reason]
    provenance: dict[str, str] = {}  # "conditions.csr.own_will" -> the layer ("id@version") it came from

    def to_json(self) -> str:
        """The contract JSON (indented, stable key order)."""
        return self.model_dump_json(indent=2) + "\n"
