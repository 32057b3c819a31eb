"""A case's dict validated straight into its fact tree (``facts/direct.py``) admits and refuses
exactly what the models admit and refuse, with the same errors, and gives the same tree and date
as building the models and reading their tree (``facts/parse.py`` and ``facts/tree.py``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aidrules
from aidrules import FactsError
from aidrules.facts.direct import case_facts
from aidrules.facts.model import Client, Debt
from aidrules.facts.parse import parse_facts
from aidrules.facts.tree import fact_tree
from aidrules.limits import DEFAULT_LIMITS, Limits
from facts.test_fact_tree import cases_with_nulls
from properties.strategies import case_and_partial, json_like

SETTINGS = settings(max_examples=300, deadline=None)


def _by_models(data: Any, limits: Limits) -> tuple[str, Any]:
    """What validating the models gives: the tree and the date, or the errors (code, path, message)."""
    try:
        case = parse_facts(data, limits=limits)
    except FactsError as exc:
        return "refused", [(d.code, d.path, d.message, d.hint) for d in exc.diagnostics]
    return "admitted", (repr(fact_tree(case)), case.on)


def _direct(data: Any, limits: Limits) -> tuple[str, Any]:
    try:
        tree, day = case_facts(data, limits=limits)
    except FactsError as exc:
        return "refused", [(d.code, d.path, d.message, d.hint) for d in exc.diagnostics]
    return "admitted", (repr(tree), day)  # repr: the same keys in the same order


def _mutated(data: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    """``data`` with one field given a value of the wrong kind, out of range or unknown."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    section = draw(st.sampled_from(["client", "household", "debts", "remi", "signals", "top"]))
    wrong = draw(st.sampled_from([9, -1, "nee", 1.5, None, "1.180,50", [], {}, True, "2025-02-30"]))
    if section == "top":
        out[draw(st.sampled_from(["on", "incomes", "x"]))] = wrong
    elif section == "debts":
        out["debts"] = [{"amount": wrong, "kind": "tax"}]
    else:
        field = draw(st.sampled_from(["motivation", "consents", "adults", "reference_budget", "children", "zz"]))
        inner = out.get(section)
        out[section] = {**(inner if isinstance(inner, dict) else {}), field: wrong}
    return out


@st.composite
def inputs(draw: st.DrawFn) -> dict[str, Any]:
    """Valid cases (complete, partial, with nulls), the same with one field wrong, and junk."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return dict(draw(st.sampled_from(draw(case_and_partial()))))
    if kind == 1:
        return draw(cases_with_nulls())
    if kind == 2:
        return _mutated(dict(draw(st.sampled_from(draw(case_and_partial())))), draw)
    return dict(draw(st.dictionaries(st.sampled_from(["on", "household", "client", "debts", "remi", "x"]), json_like)))


limits = st.sampled_from([DEFAULT_LIMITS]) | st.builds(
    Limits, max_depth=st.integers(1, 5), max_list_items=st.integers(1, 4)
)


@SETTINGS
@given(data=inputs(), bounds=limits)
def test_a_dict_validated_straight_into_its_tree_is_admitted_and_refused_as_by_the_models(
    data: dict[str, Any], bounds: Limits
) -> None:
    assert _direct(data, bounds) == _by_models(data, bounds)


@pytest.mark.parametrize(
    "data",
    [
        {"client": Client(consents=True), "on": "2025-03-01"},  # a model inside the dict
        {"debts": [Debt(amount=Decimal("12.50"))]},
        {"on": date(2025, 3, 1), "remi": None, "client": {"csr_revoked_on": None, "motivation": None}},
        {"household": {"children": [{"age": 1}] * 501}},  # valid for the model, beyond the limits
        {"remi": {"reference_budget": Decimal("95.930")}},  # trailing zero: no third decimal
        {"client": {"\ud800": 1}},
    ],
    ids=["model-inside", "models-in-a-list", "nulls", "children-beyond-the-limit", "trailing-zero", "surrogate"],
)
def test_the_inputs_the_direct_way_hands_to_the_models_give_what_the_models_give(data: dict[str, Any]) -> None:
    assert _direct(data, DEFAULT_LIMITS) == _by_models(data, DEFAULT_LIMITS)


def test_evaluating_a_dict_decides_as_evaluating_its_validated_case() -> None:
    rules = aidrules.load(None, date(2025, 3, 1))
    data = {
        "on": "2025-03-01",
        "household": {"category": "single", "adults": 1, "children": [{"age": 3}]},
        "client": {"consents": True, "csr_revoked_on": None, "motivation": 3},
        "incomes": [{"kind": "wage", "monthly_net": "1180.50", "stable": True}],
        "debts": [{"kind": "tax", "amount": "2500", "enforcement": "bailiff"}],
    }
    from_dict = rules.evaluate(data)
    assert from_dict.to_json() == rules.evaluate(parse_facts(data)).to_json()
    assert from_dict.to_json(compact=True) == rules.evaluate(parse_facts(data)).to_json(compact=True)


def test_a_valid_dict_is_admitted_without_building_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """The direct way is taken (the models' way is there only for what it refuses)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the models were built")

    monkeypatch.setattr("aidrules.facts.direct.parse_facts", refuse)
    tree, day = case_facts({"on": "2025-03-01", "debts": [{"amount": "12.50", "creditor": None}]})
    assert (tree, day) == ({"debts": [{"amount": Decimal("12.50")}], "remi": None}, date(2025, 3, 1))


@pytest.mark.parametrize(
    "amount",
    [
        "12.50",
        " 12 ",
        "95.930",
        "0.001",
        "-0",
        "0",
        "1e3",
        "1E-2",
        "1_000",
        "9999999999.99",
        "10000000000",
        "nan",
        "Infinity",
        "12,50",
        "",
        0,
        5,
        -5,
        10**10,
        True,
        1.5,
        None,
        Decimal("NaN"),
        Decimal("-0.00"),
        Decimal("1.239"),
    ],
)
@pytest.mark.parametrize("field", ["monthly_net", "amount"])
def test_an_amount_is_taken_at_once_only_when_the_models_take_it_with_the_same_value(amount: Any, field: str) -> None:
    """Amounts (at or above zero; a debt's above zero) accepted or refused as by the models."""
    data = {"incomes": [{field: amount}]} if field == "monthly_net" else {"debts": [{field: amount}]}
    assert _direct(data, DEFAULT_LIMITS) == _by_models(data, DEFAULT_LIMITS)
