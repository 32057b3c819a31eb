"""The case facts of contract §1, as strict pydantic models.

Every field is optional: a field left out is *unknown*. Money is :class:`~decimal.Decimal`
(floats are refused: they cannot hold cents exactly). Unknown keys, wrong types, negative
amounts, NaN/infinity and impossible dates are errors naming the field's path.

Two kinds of fields are *event* fields, marked ``x-null-means: never`` in the JSON Schema: an
explicit ``null`` says the event never happened (``csr_revoked_on: null``), leaving the field out
says it is unknown. ``remi`` is an *optional input*: left out, no REMI budget was made.

*Protected* fields, marked ``x-protected: true`` in the JSON Schema, belong in the file but no
decision may depend on them; ``aidrules validate`` reports every rule that reads one (SA501).
``household.municipality`` is protected: the OCMWs of a region apply one policy, so where in the
region a client lives must not change the help offered (equal treatment).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticKnownError
from pydantic_core.core_schema import ErrorType

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _to_decimal(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected an amount, got a yes/no value")
    if isinstance(value, float):
        raise ValueError("amounts must be exact: write them as a decimal number or a string, not a float")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"`{value}` is not an amount") from None
    return value


def _to_date(value: Any) -> Any:
    if isinstance(value, datetime):
        raise ValueError("expected a date (YYYY-MM-DD), got a date with a time")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if not _ISO_DATE.match(value):
            raise ValueError(f"`{value}` is not a date in the form YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"`{value}` is not a date that exists") from None
    raise ValueError("expected a date in the form YYYY-MM-DD")


#: The models' and the amount rules' validators are built when first used, not at import
#: (``defer_build``: ``import aidrules`` builds none; ``tests/test_deferred_models.py``).
_DEFERRED = ConfigDict(defer_build=True)


def _amount_rules(low: Literal["ge", "gt"]) -> TypeAdapter[Decimal]:
    """An amount's constraints as pydantic states them: at or above (``ge``) or above (``gt``)
    zero, finite, at most two decimals and twelve digits. Its validator is built when an amount
    first fails the quick check of :func:`_checked_amount` (``defer_build``), not at import."""
    if low == "ge":
        rules = Field(ge=0, allow_inf_nan=False, decimal_places=2, max_digits=12)
    else:
        rules = Field(gt=0, allow_inf_nan=False, decimal_places=2, max_digits=12)
    return TypeAdapter(Annotated[Decimal, BeforeValidator(_to_decimal), rules], config=_DEFERRED)


_AMOUNT_RULES = {"ge": _amount_rules("ge"), "gt": _amount_rules("gt")}
#: Amounts below this bound have at most ten digits before the decimal point.
_WHOLE_BOUND = Decimal(10) ** 10


def _checked_amount(low: Literal["ge", "gt"]) -> Any:
    """The amount's constraints, checked at once for the common amount (finite, within bounds, at
    most two decimals); any other amount is checked by pydantic's own validators
    (:func:`_amount_rules`), so that every refusal keeps pydantic's type, message and context.

    Pydantic checks a ``Decimal`` constraint behind a ``BeforeValidator`` in Python, digit by
    digit and once per constraint; this is several times cheaper for the amounts that pass."""
    rules = _AMOUNT_RULES[low]
    positive = low == "gt"

    def check(value: Decimal) -> Decimal:
        if (
            value.is_finite()
            and (value > 0 if positive else value >= 0)
            and value < _WHOLE_BOUND
            and cast(int, value.as_tuple().exponent) >= -2
        ):
            return value
        try:
            rules.validate_python(value)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            raise PydanticKnownError(cast(ErrorType, error["type"]), error.get("ctx")) from None
        return value  # accepted by the rules all the same (``95.930``: trailing zeros are no decimals)

    return AfterValidator(check)


#: What pydantic writes in the JSON Schema for the constraints checked above (as when they were
#: ``Field``'s). The bound stays a ``Field`` constraint: tools read it from the model's metadata.
_AMOUNT_SCHEMA = {"decimal_places": 2, "max_digits": 12, "x-unit": "EUR"}

Money = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    _checked_amount("ge"),
    Field(ge=0, json_schema_extra=_AMOUNT_SCHEMA),
]
PositiveMoney = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    _checked_amount("gt"),
    Field(gt=0, json_schema_extra=_AMOUNT_SCHEMA),
]
Day = Annotated[date, BeforeValidator(_to_date)]
EventDay = Annotated[date, BeforeValidator(_to_date), Field(json_schema_extra={"x-null-means": "never"})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)  # see _DEFERRED


class Child(_Strict):
    age: StrictInt | None = Field(default=None, ge=0, le=30, description="Age in whole years.")


class Household(_Strict):
    category: Literal["single", "cohabiting", "family_dependants"] | None = Field(
        default=None, description="Leefloon category: single = 2, cohabiting = 1, family_dependants = 3."
    )
    adults: StrictInt | None = Field(default=None, ge=1, le=20)
    children: list[Child] | None = None
    municipality: StrictStr | None = Field(default=None, max_length=200, json_schema_extra={"x-protected": True})
    housing: Literal["private_rental", "social_rental", "owner", "homeless", "other"] | None = None


class Client(_Strict):
    requested_by: Literal["self", "family", "third_party", "court"] | None = None
    consents: StrictBool | None = None
    shares_information: StrictBool | None = None
    participates: StrictBool | None = None
    motivation: StrictInt | None = Field(default=None, ge=0, le=4)
    budgeting_skills: Literal["none", "limited", "adequate"] | None = None
    wants_to_keep_control: StrictBool | None = None
    habitual_residence_in_belgium: StrictBool | None = None
    is_enterprise: StrictBool | None = None
    enterprise_ceased_on: EventDay | None = None
    csr_revoked_on: EventDay | None = None
    in_collective_debt_settlement: StrictBool | None = None
    organised_insolvency: StrictBool | None = None
    wants_debt_settlement: StrictBool | None = Field(
        default=None,
        description=(
            "The client says they want to file for collective debt settlement themselves (art. 1675/4 Ger.W.); "
            "asked apart from `consents` (agreeing to budget help)."
        ),
    )


class Income(_Strict):
    kind: Literal["wage", "replacement_income", "integration_income", "child_benefit", "alimony", "other"] | None = None
    monthly_net: Money | None = None
    stable: StrictBool | None = None


class Expense(_Strict):
    kind: (
        Literal[
            "rent",
            "energy",
            "water",
            "insurance",
            "health",
            "childcare",
            "education",
            "transport",
            "telecom",
            "other",
        ]
        | None
    ) = None
    monthly: Money | None = None


class Debt(_Strict):
    creditor: StrictStr | None = Field(default=None, max_length=200)
    kind: Literal["energy", "water", "rent", "tax", "health", "consumer_credit", "fine", "telecom", "other"] | None = (
        None
    )
    amount: PositiveMoney | None = None
    enforcement: Literal["none", "reminder", "bailiff", "seizure"] | None = None


class Signals(_Strict):
    eviction_threat: StrictBool | None = None
    utility_cutoff_threat: StrictBool | None = None
    income_seized: StrictBool | None = None


class Remi(_Strict):
    reference_budget: Money | None = None


class Case(_Strict):
    """The facts of one case (contract §1). Every field is optional: absent means unknown."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        title="aidrules case facts",
        populate_by_name=True,
    )

    on: Day | None = Field(default=None, description="Decision date; --on overrides.")
    household: Household | None = None
    client: Client | None = None
    incomes: list[Income] | None = Field(default=None, max_length=100)
    expenses: list[Expense] | None = Field(default=None, max_length=200)
    debts: list[Debt] | None = Field(default=None, max_length=500)
    signals: Signals | None = None
    remi: Remi | None = Field(default=None, json_schema_extra={"x-absent-means": "no REMI budget was made"})


#: Fields whose explicit ``null`` means "never happened" (see module docstring).
EVENT_FIELDS = frozenset({"client.enterprise_ceased_on", "client.csr_revoked_on"})
#: Fields whose absence means "not supplied" rather than unknown.
OPTIONAL_INPUTS = frozenset({"remi"})
