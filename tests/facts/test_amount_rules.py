"""Amounts are checked quickly for the common case, and refused exactly as pydantic's own decimal
constraints refuse them (``facts/model.py: _checked_amount``): same error type, message, context,
location and input, for every kind of value, and the same JSON Schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, get_args, get_origin

from annotated_types import Ge, Gt
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from aidrules.facts.model import Debt, Remi, _to_decimal

#: The amounts as they were declared before the quick check: pydantic's constraints, unchanged.
SpecMoney = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    Field(ge=0, allow_inf_nan=False, decimal_places=2, max_digits=12, json_schema_extra={"x-unit": "EUR"}),
]
SpecPositiveMoney = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    Field(gt=0, allow_inf_nan=False, decimal_places=2, max_digits=12, json_schema_extra={"x-unit": "EUR"}),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SpecRemi(_Strict):
    reference_budget: SpecMoney | None = None


class SpecDebt(_Strict):
    amount: SpecPositiveMoney | None = None


def _outcome(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        validated = model.model_validate(data)
        return [("valid", repr(getattr(validated, field))) for field in data]
    except ValidationError as exc:
        return [
            (e["type"], e["loc"], e["msg"], repr(e.get("input")), e.get("ctx") if e["type"] != "value_error" else None)
            for e in exc.errors(include_url=False)
        ]


EDGES: list[Any] = [
    "0",
    "0.00",
    "-0",
    "-0.00",
    "0.001",
    "-0.001",
    "1.005",
    "9999999999.99",
    "10000000000",
    "10000000000.00",
    "99999999999.99",
    "12345678901.5",
    "999999999999",
    "9999999999999",
    "1E+9",
    "1E+10",
    "1E+12",
    "0E+20",
    "0E-20",
    "1.10",
    "1.100",
    "1.1000000",
    "0.0000001",
    "-1234567890123.456",
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "abc",
    " 12.5 ",
    "1,5",
    0,
    1,
    -1,
    10**10,
    10**13,
    1.5,
    True,
    [],
    {},
    Decimal("1.234"),
    Decimal("-0"),
    Decimal("NaN"),
    Decimal("Infinity"),
    Decimal("1E+12"),
    Decimal("0.10"),
]
amounts = (
    st.sampled_from(EDGES)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=True, allow_infinity=True).map(str)
    | st.decimals(min_value=-10, max_value=10**12, places=3).map(str)
    | st.integers(-(10**14), 10**14)
    | st.builds(lambda d, e: f"{d}E{e}", st.integers(-(10**6), 10**6), st.integers(-30, 30))
)


@settings(max_examples=1500, deadline=None)
@given(value=amounts)
def test_an_amount_is_accepted_or_refused_as_pydantic_constraints_decide(value: Any) -> None:
    assert _outcome(Remi, {"reference_budget": value}) == _outcome(SpecRemi, {"reference_budget": value})
    assert _outcome(Debt, {"amount": value}) == _outcome(SpecDebt, {"amount": value})


def test_the_json_schema_of_amounts_is_pydantics() -> None:
    def amount_schema(model: type[BaseModel], field: str) -> Any:
        return model.model_json_schema()["properties"][field]

    assert amount_schema(Remi, "reference_budget") == amount_schema(SpecRemi, "reference_budget")
    assert amount_schema(Debt, "amount") == amount_schema(SpecDebt, "amount")


def test_the_bounds_of_amounts_stay_readable_from_the_model() -> None:
    """Tools that generate cases or explain boundaries read ``ge``/``gt`` from the model's metadata."""

    def bounds(model: type[BaseModel], field: str) -> list[Any]:
        found = []
        stack: list[Any] = [model.model_fields[field].annotation]
        while stack:
            annotation = stack.pop()
            if get_origin(annotation) is Annotated:
                for meta in annotation.__metadata__:
                    found.extend(m for m in getattr(meta, "metadata", []) if isinstance(m, Ge | Gt))
            stack.extend(get_args(annotation))
        return found

    assert bounds(Remi, "reference_budget") == [Ge(ge=0)]
    assert bounds(Debt, "amount") == [Gt(gt=0)]
