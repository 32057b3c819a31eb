"""A seeded synthetic caseload for ``aidrules impact`` when no real cases are given.

No real personal data: every case is drawn from fixed distributions (household, incomes, fixed
costs, debts, the worker's assessments) loosely shaped after an OCMW's budget-help caseload, so
that a change's impact on *kinds* of clients can be seen before real cases are run. The same
seed gives the same population. ``benchmarks/population.py`` draws the benchmark's cases the same
way; this one lives in the library because the command line needs it, and leaves fewer facts
unknown (an impact study is about outcomes, not about missing facts).

Example:
    >>> cases = synthetic_population(2, seed=1)
    >>> sorted(cases[0])[:3]
    ['client', 'debts', 'expenses']
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

_INCOME_KINDS = ("wage", "wage", "replacement_income", "integration_income", "child_benefit", "alimony", "other")
_EXPENSE_KINDS = ("rent", "energy", "water", "insurance", "health", "childcare", "education", "transport", "telecom")
_DEBT_KINDS = ("energy", "water", "rent", "tax", "health", "consumer_credit", "fine", "telecom", "other")
_ENFORCEMENT = ("none", "none", "reminder", "reminder", "bailiff", "seizure")


def _money(rng: random.Random, low: int, high: int) -> str:
    return str(Decimal(rng.randint(low * 100, high * 100)) / 100)


def _day(rng: random.Random, start: date, span: int) -> str:
    return (start + timedelta(days=rng.randrange(span))).isoformat()


def synthetic_case(rng: random.Random, *, unknowns: float = 0.02) -> dict[str, Any]:
    """One case (no decision date: the impact study decides every case on the same dates)."""
    children = [{"age": rng.randint(0, 20)} for _ in range(rng.choice((0, 0, 1, 2, 3)))]
    category = "family_dependants" if children else rng.choice(("single", "single", "cohabiting"))
    case: dict[str, Any] = {
        "household": {
            "category": category,
            "adults": 2 if category == "cohabiting" else rng.choice((1, 1, 2)),
            "children": children,
            "housing": rng.choice(("private_rental", "social_rental", "owner", "homeless", "other")),
        },
        "client": {
            "requested_by": rng.choice(("self", "self", "family", "third_party", "court")),
            "consents": rng.random() < 0.92,
            "shares_information": rng.random() < 0.92,
            "participates": rng.random() < 0.93,
            "motivation": rng.choice((0, 1, 2, 2, 3, 3, 3, 4, 4)),
            "budgeting_skills": rng.choice(("none", "limited", "limited", "adequate")),
            "wants_to_keep_control": rng.random() < 0.7,
            "habitual_residence_in_belgium": rng.random() < 0.97,
            "is_enterprise": rng.random() < 0.04,
            "enterprise_ceased_on": _day(rng, date(2022, 1, 1), 1200) if rng.random() < 0.08 else None,
            "csr_revoked_on": _day(rng, date(2017, 1, 1), 3000) if rng.random() < 0.04 else None,
            "in_collective_debt_settlement": rng.random() < 0.04,
            "organised_insolvency": rng.random() < 0.02,
            "wants_debt_settlement": rng.random() < 0.6,
        },
        "incomes": [
            {"kind": rng.choice(_INCOME_KINDS), "monthly_net": _money(rng, 300, 2400), "stable": rng.random() < 0.88}
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))
        ],
        "expenses": [
            {"kind": rng.choice(_EXPENSE_KINDS), "monthly": _money(rng, 20, 650)} for _ in range(rng.randint(1, 5))
        ],
        "debts": [
            {"kind": rng.choice(_DEBT_KINDS), "amount": _money(rng, 50, 15000), "enforcement": rng.choice(_ENFORCEMENT)}
            for _ in range(rng.choice((0, 1, 1, 2, 3, 4, 6)))
        ],
        "signals": {
            "eviction_threat": rng.random() < 0.07,
            "utility_cutoff_threat": rng.random() < 0.07,
            "income_seized": rng.random() < 0.05,
        },
    }
    if rng.random() < 0.3:  # some dossiers carry a REMI reference budget (it changes the dignity floor)
        case["remi"] = {"reference_budget": _money(rng, 1200, 2800)}
    for key in ("household", "client"):
        for field in list(case[key]):
            if rng.random() < unknowns:
                del case[key][field]
    return case


def synthetic_population(size: int, seed: int = 2025, *, unknowns: float = 0.02) -> list[dict[str, Any]]:
    """``size`` cases drawn from ``seed``."""
    rng = random.Random(seed)
    return [synthetic_case(rng, unknowns=unknowns) for _ in range(size)]
