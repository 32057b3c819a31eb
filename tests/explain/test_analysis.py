"""Dependencies and thresholds read from the rules' ASTs."""

from __future__ import annotations

from datetime import date
from functools import cache

import aidrules
from aidrules.facts.paths import MISSING, Edit, apply, fact_type, free_text_patterns, int_bounds, pattern, read
from aidrules.whatif.thresholds import RuleSetAnalysis, months_before


@cache
def _analysis() -> RuleSetAnalysis:
    return RuleSetAnalysis(aidrules.load(None, date(2025, 3, 1)), date(2025, 3, 1))


def test_motivation_threshold_is_the_parameter_minimum_motivation() -> None:
    found = [t for t in _analysis().thresholds_of("client.motivation")]
    assert [(t.op, t.bound, t.bound_name, t.rule) for t in found] == [
        (">=", 2, "minimum_motivation", "motivation.minimum")
    ]
    assert _analysis().int_candidates("client.motivation") == [1, 2, 3]


def test_date_thresholds_give_the_dates_on_either_side_of_the_waiting_time() -> None:
    # decision 2025-03-01; 6 months after ceasing an enterprise, 5 years after a revoked settlement,
    # counted from the day after the event (art. 52/54 Ger.W.): ceased on 2024-08-31 the period is over,
    # ceased on 2024-09-01 today is its last day
    a = _analysis()
    assert a.date_candidates("client.enterprise_ceased_on") == [date(2024, 8, 31), date(2024, 9, 1)]
    assert a.date_candidates("client.csr_revoked_on") == [date(2020, 2, 29), date(2020, 3, 1)]
    [th] = a.thresholds_of("client.enterprise_ceased_on")
    assert (th.unit, th.bound, th.offset_days) == ("months", 6, 1)


def test_months_before_clamps_to_the_end_of_a_shorter_month() -> None:
    assert months_before(date(2025, 3, 31), 1) == date(2025, 2, 28)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2025, 1, 15), 13) == date(2023, 12, 15)


def test_facts_of_follow_derived_values_and_list_items() -> None:
    facts = _analysis().facts_of("guidance.no_enforcement")
    assert facts == {"debts", "debts[].enforcement", "signals.income_seized"}
    assert "expenses[].monthly" in _analysis().facts_of("guidance.debts_manageable")


def test_fact_paths_and_edits() -> None:
    assert pattern("debts[2].amount") == "debts[].amount"
    assert int_bounds("client.motivation").low == 0 and int_bounds("client.motivation").high == 4
    assert fact_type("debts[].enforcement") is not None and fact_type("client.nothing") is None
    assert free_text_patterns() == {"household.municipality", "debts[].creditor"}
    data = {"debts": [{"amount": 1}, {"amount": 2}, {"amount": 3}]}
    changed = apply(data, [Edit("debts[0]", None, remove=True), Edit("debts[2].amount", 9)])
    assert changed == {"debts": [{"amount": 2}, {"amount": 9}]} and data["debts"][0] == {"amount": 1}
    assert read({"client": {}}, "client.motivation") is MISSING
    assert apply({}, [Edit("client.motivation", 3)]) == {"client": {"motivation": 3}}
