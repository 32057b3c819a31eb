"""The language-tour rule set (rules/voorbeelden/taalrondleiding.yaml) uses every construct; values by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import aidrules

CASE = {
    "household": {"category": "single"},
    "client": {"csr_revoked_on": "2020-03-02", "budgeting_skills": "none"},
    "incomes": [
        {"kind": "wage", "monthly_net": "1000.00", "stable": True},
        {"kind": "child_benefit", "monthly_net": "150.00", "stable": True},
    ],
    "debts": [{"amount": "10.00", "enforcement": "bailiff"}, {"amount": "20.00", "enforcement": "none"}],
}


@pytest.fixture(scope="module")
def tour() -> aidrules.CompiledRuleSet:
    return aidrules.load("taalrondleiding")


def test_every_construct_computes_as_reasoned_by_hand(tour: aidrules.CompiledRuleSet) -> None:
    d = tour.evaluate(CASE, date(2025, 3, 1))
    v = d.values
    assert v["inkomen"] == Decimal("1000.00")  # only the wage
    assert v["aantal_schulden"] == 2
    assert v["schulden_met_deurwaarder"] == 1
    assert v["alle_stabiel"] is True
    assert v["referentie"] == Decimal("1200.00")  # single
    assert v["verschil"] == Decimal("200.00")  # |-(1200 - 1000)| / 3 * 3, rounded to cents
    assert v["dagen_sinds_nieuwjaar"] == 59  # 31 + 28
    assert v["jaren_sinds_herroeping"] == 4  # 2020-03-02 → 2025-03-01: not yet 5 full years
    assert v["begrensd"] == Decimal("500.00")  # clamp(1000 - min(150, 1000), 0, 500); 2025 value 150
    assert d.principles["eenvoud"].status == "not_satisfied"  # a bailiff and no skills
    assert d.recommendation == "none"


def test_unique_hit_policy_and_actions_reading_the_recommendation(tour: aidrules.CompiledRuleSet) -> None:
    case = {**CASE, "debts": [], "client": {"csr_revoked_on": None, "budgeting_skills": "limited"}}
    d = tour.evaluate(case, date(2024, 6, 1))
    assert d.values["jaren_sinds_herroeping"] == -1  # never revoked
    assert d.values["begrensd"] == Decimal("500.00")  # 2024 threshold 100: clamp(900, 0, 500)
    assert d.recommendation == "budget_management"  # income below the reference
    [action] = d.actions
    assert action.id == "opvolging" and action.values["bedrag"] == Decimal("200.00")
    assert "€" in action.reasons[0].message


def test_unknown_income_gives_the_custom_unknown_text(tour: aidrules.CompiledRuleSet) -> None:
    d = tour.evaluate({"household": {"category": "single"}, "debts": []}, date(2025, 3, 1))
    reason = next(r for r in d.reasons if r.rule == "vraag.genoeg_inkomen")
    assert reason.outcome is None and reason.message == "Het inkomen is nog niet gekend."
    assert "incomes" in d.missing_facts
