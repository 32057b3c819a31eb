"""Case facts: strict validation naming each offending path; unknown versus known absence."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from aidrules import FactsError, parse_facts
from aidrules.facts.parse import read_case_text
from aidrules.facts.tree import fact_tree


def _paths(data: dict[str, Any]) -> list[str]:
    with pytest.raises(FactsError) as info:
        parse_facts(data)
    return [d.path or "" for d in info.value.diagnostics]


def test_unknown_key_is_refused_with_a_suggestion() -> None:
    with pytest.raises(FactsError) as info:
        parse_facts({"client": {"motivaton": 3}})
    [d] = info.value.diagnostics
    assert d.path == "client.motivaton"
    assert d.hint == "did you mean `motivation`?"


def test_wrong_type_names_the_path() -> None:
    assert _paths({"client": {"consents": "yes"}}) == ["client.consents"]
    assert _paths({"client": {"motivation": True}}) == ["client.motivation"]


def test_negative_amount_names_the_list_index() -> None:
    assert _paths({"incomes": [{"monthly_net": "10"}, {"monthly_net": "-5"}]}) == ["incomes[1].monthly_net"]


def test_debt_amount_must_be_positive() -> None:
    assert _paths({"debts": [{"amount": 0}]}) == ["debts[0].amount"]


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity", Decimal("NaN")])
def test_nan_and_infinity_are_refused(bad: Any) -> None:
    assert _paths({"expenses": [{"monthly": bad}]}) == ["expenses[0].monthly"]


def test_float_money_is_refused() -> None:
    with pytest.raises(FactsError) as info:
        parse_facts({"incomes": [{"monthly_net": 1450.1}]})
    assert "exact" in info.value.diagnostics[0].message


def test_impossible_date_is_refused() -> None:
    assert _paths({"on": "2025-02-30"}) == ["on"]
    assert _paths({"client": {"csr_revoked_on": "2025-13-01"}}) == ["client.csr_revoked_on"]


def test_every_problem_is_reported_not_only_the_first() -> None:
    paths = _paths({"client": {"motivation": 9, "consents": 1}, "debts": [{"amount": "-1"}]})
    assert sorted(paths) == ["client.consents", "client.motivation", "debts[0].amount"]


def test_more_than_two_decimals_is_refused() -> None:
    assert _paths({"incomes": [{"monthly_net": "10.005"}]}) == ["incomes[0].monthly_net"]


def test_yaml_case_keeps_exact_decimals_and_the_key_on() -> None:
    data = read_case_text("on: 2025-03-01\nincomes:\n  - {monthly_net: 1450.10}\n", "case.yaml")
    case = parse_facts(data)
    assert case.on is not None and case.on.isoformat() == "2025-03-01"
    assert case.incomes is not None and case.incomes[0].monthly_net == Decimal("1450.10")


def test_json_case_keeps_exact_decimals() -> None:
    case = parse_facts(read_case_text('{"incomes": [{"monthly_net": 0.10}]}', "case.json"))
    assert case.incomes is not None and case.incomes[0].monthly_net == Decimal("0.10")


def test_absent_is_unknown_and_null_event_is_never() -> None:
    tree = fact_tree(parse_facts({"client": {"csr_revoked_on": None, "consents": None}}))
    assert tree["client"] == {"csr_revoked_on": None}  # null consents is unknown: dropped
    assert "is_enterprise" not in tree["client"]
    assert tree["remi"] is None  # optional input left out: no REMI budget


def test_empty_list_means_none_and_absent_list_is_unknown() -> None:
    assert fact_tree(parse_facts({"debts": []}))["debts"] == []
    assert "debts" not in fact_tree(parse_facts({}))
