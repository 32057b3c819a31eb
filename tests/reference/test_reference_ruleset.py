"""The reference rule set: federal amounts, art. 1409 worked examples, sources and texts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from aidrules.engine.decision import Decision
from aidrules.ruleset.compiled import CompiledRuleSet

Decide = Callable[..., Decision]

LEEFLOON = [
    # (date, category, amount): every step in force from 2024-01-01 (docs/reference-policy.md), with
    # the first and last day of each step
    (date(2024, 1, 1), "cohabiting", "842.12"),
    (date(2024, 1, 1), "single", "1263.17"),
    (date(2024, 1, 1), "family_dependants", "1707.11"),
    (date(2024, 4, 30), "cohabiting", "842.12"),
    (date(2024, 5, 1), "cohabiting", "858.97"),
    (date(2024, 5, 1), "single", "1288.46"),
    (date(2024, 5, 1), "family_dependants", "1741.29"),
    (date(2025, 1, 31), "family_dependants", "1741.29"),
    (date(2025, 2, 1), "cohabiting", "876.13"),
    (date(2025, 2, 1), "single", "1314.20"),
    (date(2025, 2, 1), "family_dependants", "1776.07"),
    (date(2026, 2, 28), "single", "1314.20"),
    (date(2026, 3, 1), "cohabiting", "893.65"),
    (date(2026, 3, 1), "single", "1340.47"),
    (date(2026, 3, 1), "family_dependants", "1811.57"),
    (date(2026, 12, 4), "single", "1340.47"),
]
# Yearly amounts (art. 14 wet 26 mei 2002) of the steps whose monthly figure the table derives.
LEEFLOON_YEARLY = [
    (date(2023, 11, 1), {"cohabiting": "10105.38", "single": "15158.08", "family_dependants": "20485.33"}),
    (date(2026, 3, 1), {"cohabiting": "10723.75", "single": "16085.64", "family_dependants": "21738.88"}),
]


def _case(category: str = "single", incomes: list[dict[str, Any]] | None = None, children: int = 0) -> dict[str, Any]:
    return {
        "household": {"category": category, "adults": 1, "children": [{"age": 5}] * children},
        "incomes": incomes or [],
        "expenses": [],
        "debts": [],
    }


@pytest.mark.parametrize(("on", "category", "amount"), LEEFLOON)
def test_leefloon_table(decide: Decide, on: date, category: str, amount: str) -> None:
    decision = decide(_case(category), on)
    assert decision.values["integration_income_amount"] == Decimal(amount)


@pytest.mark.parametrize(("start", "yearly"), LEEFLOON_YEARLY)
def test_monthly_leefloon_is_the_yearly_amount_over_twelve_rounded_half_up(
    reference: CompiledRuleSet, start: date, yearly: dict[str, str]
) -> None:
    """The rounding rule of docs/reference-policy.md: 10,105.38 / 12 = 842.115 gives 842.12 (half up)."""
    dated = reference.parameters["leefloon"].value_at(start)
    assert dated is not None and dated.valid_from == start
    for category, amount in yearly.items():
        expected = (Decimal(amount) / 12).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert dated.value[category] == expected, category


def test_leefloon_history_has_no_row_before_the_step_in_force_on_the_first_decidable_day(
    reference: CompiledRuleSet,
) -> None:
    """Rows before 2024-01-01 were incomplete; the table starts with the step in force on that day."""
    first = reference.parameters["leefloon"].value_at(date(2024, 1, 1))
    assert first is not None and first.valid_from == date(2023, 11, 1)
    assert reference.parameters["leefloon"].value_at(date(2023, 10, 31)) is None


@pytest.mark.parametrize(
    ("kind", "monthly", "protected", "seizable"),
    [
        ("wage", "1700.00", "1611.40", "88.60"),  # 20.80 + 46.20 + 21.60
        ("replacement_income", "1700.00", "1596.00", "104.00"),  # 20.80 + 83.20
        ("wage", "1300.00", "1300.00", "0.00"),
    ],
)
def test_art_1409_worked_examples_2025(
    reference: CompiledRuleSet, kind: str, monthly: str, protected: str, seizable: str
) -> None:
    case = _case(incomes=[{"kind": kind, "monthly_net": monthly, "stable": True}])
    decision = reference.evaluate(case, date(2025, 3, 1))
    assert decision.values["protected_income"] == Decimal(protected)
    assert decision.values["seizable_part"] == Decimal(seizable)


@pytest.mark.parametrize(
    ("kind", "band_maxima"),
    [("wage", ["20.80", "46.20", "61.60"]), ("replacement_income", ["20.80", "123.20"])],
)
def test_published_band_maxima_2025(reference: CompiledRuleSet, kind: str, band_maxima: list[str]) -> None:
    """At the 40 % threshold the seizable part equals the sum of the published band maxima."""
    case = _case(incomes=[{"kind": kind, "monthly_net": "1800.00", "stable": True}])
    decision = reference.evaluate(case, date(2025, 3, 1))
    assert decision.values["seizable_part"] == sum(Decimal(x) for x in band_maxima)


def test_per_child_supplement_follows_the_year(decide: Decide) -> None:
    case = _case(
        category="family_dependants", children=2, incomes=[{"kind": "wage", "monthly_net": "1700.00", "stable": True}]
    )
    by_year = {y: decide(case, date(y, 3, 1)).values["protected_income"] for y in (2024, 2025, 2026)}
    # 2025: 1611.40 + 2 × 86 = 1783.40, capped at the income 1700.00
    assert by_year[2025] == Decimal("1700.00")
    low = _case(
        category="family_dependants", children=2, incomes=[{"kind": "wage", "monthly_net": "1500.00", "stable": True}]
    )
    # 2024: seizable 20 % × 99 + 30 % × 60 = 37.80 → 1462.20 + 166 = 1628.20 → capped at 1500.00
    assert decide(low, date(2024, 3, 1)).values["protected_income"] == Decimal("1500.00")
    assert by_year[2026] == Decimal("1700.00")


def _texts_complete(texts: Any) -> bool:
    return all(getattr(texts, lang).strip() for lang in ("nl", "fr", "en"))


def test_every_rule_parameter_and_principle_has_a_source_and_three_languages(reference: CompiledRuleSet) -> None:
    for param in reference.parameters.values():
        assert _texts_complete(param.title), param.id
        assert param.values and all(v.source.strip() for v in param.values), param.id
        if param.group == "policy":
            assert param.policy_choice is not None and _texts_complete(param.policy_choice.rationale), param.id
    for item in reference.plan:
        assert _texts_complete(item.title), item.id
        if item.kind == "condition":
            assert item.source, item.id
            for outcome in ("true", "false"):
                assert set(item.messages[outcome].parts) == {"nl", "fr", "en"}, item.id
    for principle in reference.principles:
        assert principle.source and _texts_complete(principle.title) and _texts_complete(principle.description)
    for form in reference.forms:
        assert form.source and _texts_complete(form.title) and _texts_complete(form.description)
    for action in reference.actions:
        assert action.source and _texts_complete(action.title), action.id
    for row in reference.rows:
        assert _texts_complete(row.because)


def test_the_five_principles_and_three_forms(reference: CompiledRuleSet) -> None:
    assert [p.id for p in reference.principles] == [
        "dignity",
        "voluntary",
        "participation",
        "motivation",
        "minimal_income",
    ]
    assert [f.id for f in reference.forms] == ["budget_guidance", "budget_management", "collective_debt_settlement"]


def test_required_derived_values_are_present(reference: CompiledRuleSet) -> None:
    decision = reference.evaluate(_case(), date(2025, 3, 1))
    for name in (
        "total_income",
        "fixed_costs",
        "disposable_income",
        "total_debt",
        "repayment_capacity",
        "integration_income_amount",
        "protected_income",
        "dignity_floor",
    ):
        assert name in decision.values
