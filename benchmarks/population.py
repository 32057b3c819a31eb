"""A seeded, synthetic population of budget-help cases (no real personal data).

Every case is a plain JSON-like dict in the shape of contract §1 (amounts as strings, dates as
ISO strings), so that it can be written to JSONL, validated by :func:`aidrules.parse_facts` and fed
to every engine alike. The same seed always gives the same population.

Example:
    >>> cases = population(3, seed=1)
    >>> len(cases), sorted(cases[0])[:3]
    (3, ['client', 'debts', 'expenses'])
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

CATEGORIES = ("single", "cohabiting", "family_dependants")
INCOME_KINDS = ("wage", "replacement_income", "integration_income", "child_benefit", "alimony", "other")
EXPENSE_KINDS = ("rent", "energy", "water", "insurance", "health", "childcare", "education", "transport", "telecom")
DEBT_KINDS = ("energy", "water", "rent", "tax", "health", "consumer_credit", "fine", "telecom", "other")
ENFORCEMENT = ("none", "none", "reminder", "reminder", "bailiff", "seizure")
CREDITORS = ("Energieleverancier NV", "Verhuurder", "Kredietmaatschappij", "FOD Financiën", "Ziekenfonds")

#: Decision dates: the period of the shipped rule-set version in force from 2025-02-01.
FIRST_DAY = date(2025, 2, 1)
DAYS = 700


def _money(rng: random.Random, low: int, high: int) -> str:
    return str(Decimal(rng.randint(low * 100, high * 100)) / 100)


def _day(rng: random.Random, start: date, span: int) -> str:
    return (start + timedelta(days=rng.randrange(span))).isoformat()


def make_case(rng: random.Random, *, debts: int | None = None, unknowns: float = 0.1) -> dict[str, Any]:
    """One case; ``debts`` fixes the number of debts; ``unknowns`` is the share of facts left out."""
    adults = rng.choice((1, 1, 1, 2, 2, 3))
    children = [{"age": rng.randint(0, 20)} for _ in range(rng.choice((0, 0, 1, 2, 3)))]
    category = "family_dependants" if children else rng.choice(CATEGORIES[:2])
    case: dict[str, Any] = {
        "on": _day(rng, FIRST_DAY, DAYS),
        "household": {
            "category": category,
            "adults": adults,
            "children": children,
            "housing": rng.choice(("private_rental", "social_rental", "owner", "homeless", "other")),
        },
        "client": {
            "requested_by": rng.choice(("self", "self", "family", "third_party", "court")),
            "consents": rng.random() < 0.9,
            "shares_information": rng.random() < 0.9,
            "participates": rng.random() < 0.92,
            "motivation": rng.choice((0, 1, 2, 3, 3, 3, 4, 4)),
            "budgeting_skills": rng.choice(("none", "limited", "limited", "adequate")),
            "wants_to_keep_control": rng.random() < 0.7,
            "habitual_residence_in_belgium": rng.random() < 0.97,
            "is_enterprise": rng.random() < 0.05,
            "enterprise_ceased_on": _day(rng, date(2023, 1, 1), 900) if rng.random() < 0.1 else None,
            "csr_revoked_on": _day(rng, date(2018, 1, 1), 2900) if rng.random() < 0.05 else None,
            "in_collective_debt_settlement": rng.random() < 0.05,
            "organised_insolvency": rng.random() < 0.03,
            "wants_debt_settlement": rng.random() < 0.6,
        },
        "incomes": [
            {"kind": rng.choice(INCOME_KINDS), "monthly_net": _money(rng, 400, 2400), "stable": rng.random() < 0.9}
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))
        ],
        "expenses": [
            {"kind": rng.choice(EXPENSE_KINDS), "monthly": _money(rng, 20, 700)} for _ in range(rng.randint(1, 6))
        ],
        "debts": [
            {
                "creditor": rng.choice(CREDITORS),
                "kind": rng.choice(DEBT_KINDS),
                "amount": _money(rng, 50, 12000),
                "enforcement": rng.choice(ENFORCEMENT),
            }
            for _ in range(rng.choice((0, 1, 1, 2, 3, 4, 6)) if debts is None else debts)
        ],
        "signals": {
            "eviction_threat": rng.random() < 0.08,
            "utility_cutoff_threat": rng.random() < 0.08,
            "income_seized": rng.random() < 0.06,
        },
    }
    if rng.random() < 0.3:
        case["remi"] = {"reference_budget": _money(rng, 900, 2600)}
    if unknowns:
        _forget(rng, case, unknowns)
    return case


def _forget(rng: random.Random, case: dict[str, Any], share: float) -> None:
    """Leave some facts out (unknown), never the decision date."""
    for key in ("household", "client", "signals"):
        section = case[key]
        for field in list(section):
            if rng.random() < share / 4:
                del section[field]
    for key in ("incomes", "expenses", "debts"):
        if rng.random() < share / 3:
            del case[key]


def population(size: int, seed: int = 2025, *, debts: int | None = None, unknowns: float = 0.1) -> list[dict[str, Any]]:
    """``size`` cases from ``seed``."""
    rng = random.Random(seed)
    return [make_case(rng, debts=debts, unknowns=unknowns) for _ in range(size)]
