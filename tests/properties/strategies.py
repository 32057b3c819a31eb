"""Hypothesis strategies for case facts (valid, complete cases and arbitrary JSON-like input)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

money = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("5000.00"), places=2).map(str)
positive_money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("40000.00"), places=2).map(str)
day = st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 12, 31)).map(date.isoformat)
decision_day = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)).map(date.isoformat)

household = st.fixed_dictionaries(
    {
        "category": st.sampled_from(["single", "cohabiting", "family_dependants"]),
        "adults": st.integers(1, 4),
        "children": st.lists(st.fixed_dictionaries({"age": st.integers(0, 25)}), max_size=4),
        "housing": st.sampled_from(["private_rental", "social_rental", "owner", "homeless", "other"]),
    }
)
client = st.fixed_dictionaries(
    {
        "requested_by": st.sampled_from(["self", "family", "third_party", "court"]),
        "consents": st.booleans(),
        "shares_information": st.booleans(),
        "participates": st.booleans(),
        "motivation": st.integers(0, 4),
        "budgeting_skills": st.sampled_from(["none", "limited", "adequate"]),
        "wants_to_keep_control": st.booleans(),
        "habitual_residence_in_belgium": st.booleans(),
        "is_enterprise": st.booleans(),
        "enterprise_ceased_on": st.none() | day,
        "csr_revoked_on": st.none() | day,
        "in_collective_debt_settlement": st.booleans(),
        "organised_insolvency": st.booleans(),
        "wants_debt_settlement": st.booleans(),
    }
)
income = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            ["wage", "replacement_income", "integration_income", "child_benefit", "alimony", "other"]
        ),
        "monthly_net": money,
        "stable": st.booleans(),
    }
)
expense = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            [
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
        ),
        "monthly": money,
    }
)
debt = st.fixed_dictionaries(
    {
        "creditor": st.sampled_from(["Energieleverancier", "Verhuurder", "Kredietmaatschappij", "FOD Financiën"]),
        "kind": st.sampled_from(
            ["energy", "water", "rent", "tax", "health", "consumer_credit", "fine", "telecom", "other"]
        ),
        "amount": positive_money,
        "enforcement": st.sampled_from(["none", "reminder", "bailiff", "seizure"]),
    }
)
signals = st.fixed_dictionaries(
    {
        "eviction_threat": st.booleans(),
        "utility_cutoff_threat": st.booleans(),
        "income_seized": st.booleans(),
    }
)

complete_case = st.fixed_dictionaries(
    {
        "on": decision_day,
        "household": household,
        "client": client,
        "incomes": st.lists(income, max_size=4),
        "expenses": st.lists(expense, max_size=5),
        "debts": st.lists(debt, max_size=6),
        "signals": signals,
    },
    optional={"remi": st.fixed_dictionaries({"reference_budget": money})},
)

json_scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.text(max_size=12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | day
)
json_like = st.recursive(
    json_scalar,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "on",
                    "household",
                    "client",
                    "incomes",
                    "debts",
                    "amount",
                    "motivation",
                    "category",
                    "monthly_net",
                    "consents",
                    "x",
                ]
            )
            | st.text(max_size=6),
            inner,
            max_size=4,
        )
    ),
    max_leaves=15,
)


@st.composite
def case_and_partial(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A complete case, and the same case with some facts left out (never the date or `remi`)."""
    full = draw(complete_case)
    partial: dict[str, Any] = {"on": full["on"]}
    if "remi" in full:
        partial["remi"] = full["remi"]
    for key, value in full.items():
        if key in ("on", "remi") or draw(st.integers(0, 9)) == 0:
            continue
        if isinstance(value, dict):
            partial[key] = {k: v for k, v in value.items() if draw(st.integers(0, 5)) > 0}
        elif isinstance(value, list):
            partial[key] = [{k: v for k, v in item.items() if draw(st.integers(0, 7)) > 0} for item in value]
        else:
            partial[key] = value
    return full, partial
