"""The reference policy written by hand in plain Python: the practical speed limit.

Written from ``docs/reference-policy.md`` alone (not from the rule file), with its own tables and
three-valued logic (``None`` is *unknown*). It decides what the engine decides — the
recommendation, the status of each principle and form, the actions proposed — without reasons,
texts, missing facts or trace: what a program that hard-codes the policy would do.
``tests/conformance/test_handwritten_policy.py`` checks that it agrees with the engine.

Example:
    >>> from datetime import date, timedelta
    >>> from aidrules import parse_facts
    >>> decide(parse_facts({"client": {"consents": False}}), date(2025, 3, 1)).recommendation
    'none'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")

# Leefloon per category, by the date it starts (docs/reference-policy.md §2).
LEEFLOON = [
    (date(2023, 11, 1), {"cohabiting": "842.12", "single": "1263.17", "family_dependants": "1707.11"}),
    (date(2024, 5, 1), {"cohabiting": "858.97", "single": "1288.46", "family_dependants": "1741.29"}),
    (date(2025, 2, 1), {"cohabiting": "876.13", "single": "1314.20", "family_dependants": "1776.07"}),
    (date(2026, 3, 1), {"cohabiting": "893.65", "single": "1340.47", "family_dependants": "1811.57"}),
]
# Art. 1409 thresholds by year: T0, T20, T30, T40, per child.
SEIZURE = {2024: (1341, 1440, 1589, 1738, 83), 2025: (1388, 1492, 1646, 1800, 86), 2026: (1419, 1524, 1682, 1839, 88)}
MINIMUM_MOTIVATION = 2
REPAYMENT_MONTHS = 36
FLOOR_FIRST, FLOOR_OTHER, FLOOR_CHILD = Decimal("650.00"), Decimal("325.00"), Decimal("200.00")
CESSATION_MONTHS = 6
REVOCATION_YEARS = 5
SERIOUS_DEBT = Decimal("5000.00")  # a court procedure only for a serious debt problem (policy choice)
VERSION_2025 = date(2025, 2, 1)  # 2024.1 before: maximum aid 400.00 and no REMI budget


@dataclass(frozen=True)
class HandDecision:
    recommendation: str
    principles: dict[str, str]
    forms: dict[str, str]
    actions: frozenset[str]  # proposed (condition true)


# -- three-valued logic: True, False or None (unknown) ----------------------------------------------
def all3(*values: bool | None) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def any3(*values: bool | None) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def not3(value: bool | None) -> bool | None:
    return None if value is None else not value


def cmp3(a: Any, op: str, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b}[op]


def known(model: Any, name: str) -> tuple[bool, Any]:
    """Whether the fact was given (None in a given event field means: never happened)."""
    if model is None or name not in model.model_fields_set:
        return False, None
    return True, getattr(model, name)


def get(model: Any, name: str) -> Any:
    """The fact's value, or None when it is unknown."""
    return known(model, name)[1]


def total(items: list[Any] | None, field: str, where: Any = None) -> Decimal | None:
    """Sum of ``field`` over ``items`` (those ``where`` holds for); None when unknown."""
    if items is None:
        return None
    result = Decimal(0)
    for item in items:
        include = True if where is None else where(item)
        if include is False:
            continue
        value = get(item, field)
        if include is None or value is None:
            return None
        result += value
    return result


def months_between(a: date, b: date) -> int:
    if b < a:
        return -months_between(b, a)
    months = (b.year - a.year) * 12 + (b.month - a.month)
    return months - 1 if b.day < a.day else months


def years_between(a: date, b: date) -> int:
    return (1 if b >= a else -1) * (abs(months_between(a, b)) // 12)


def period_over(event: date, months: int, on: date) -> bool:
    """Art. 52/54 Ger.W.: the period starts the day after the event and ends the day before the same date."""
    return months_between(event + timedelta(days=1), on) >= months


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- the policy ------------------------------------------------------------------------------------
def decide(case: Any, on: date) -> HandDecision:
    """Decide a validated case (:class:`aidrules.Case`) on ``on``."""
    household, client, signals = case.household, case.client, case.signals
    incomes = case.incomes if "incomes" in case.model_fields_set else None
    expenses = case.expenses if "expenses" in case.model_fields_set else None
    debts = case.debts if "debts" in case.model_fields_set else None
    new_version = on >= VERSION_2025
    maximum_aid = Decimal("500.00") if new_version else Decimal("400.00")

    total_income = money(total(incomes, "monthly_net"))
    fixed_costs = money(total(expenses, "monthly"))
    disposable = None if total_income is None or fixed_costs is None else total_income - fixed_costs
    total_debt = money(total(debts, "amount"))
    children = get(household, "children")
    adults = get(household, "adults")
    floor = None
    if children is not None and adults is not None:
        floor = FLOOR_FIRST + FLOOR_OTHER * (adults - 1) + FLOOR_CHILD * len(children)
    capacity = None if disposable is None or floor is None else max(Decimal(0), disposable - floor)
    repayable = any3(
        cmp3(total_debt, "==", 0),
        all3(cmp3(capacity, ">", 0), cmp3(total_debt, "<=", None if capacity is None else capacity * REPAYMENT_MONTHS)),
    )

    def enforced(d: Any) -> bool | None:
        kind = get(d, "enforcement")
        return None if kind is None else kind in ("bailiff", "seizure")

    enforcement = any3(None if debts is None else any3(*map(enforced, debts)), get(signals, "income_seized"))
    category = get(household, "category")
    leefloon = None
    if category is not None:
        leefloon = Decimal([table for start, table in LEEFLOON if start <= on][-1][category])
    from_floor = None if floor is None or disposable is None else max(Decimal(0), floor - disposable)
    remi = get(case, "remi")  # left out or null: no REMI budget was made
    if new_version and remi is not None:
        budget = get(remi, "reference_budget")
        shortfall = None if budget is None or total_income is None else max(Decimal(0), budget - total_income)
    else:
        shortfall = from_floor

    consents = get(client, "consents")
    principles = {
        "dignity": cmp3(shortfall, "<=", maximum_aid),
        "voluntary": consents,
        "participation": all3(get(client, "shares_information"), get(client, "participates")),
        "motivation": cmp3(get(client, "motivation"), ">=", MINIMUM_MOTIVATION),
        "minimal_income": all3(
            None if incomes is None else any3(*(get(i, "stable") for i in incomes)),
            cmp3(total_income, ">=", leefloon),
        ),
    }
    all_principles = all3(*principles.values())
    skills = get(client, "budgeting_skills")
    keeps_control = get(client, "wants_to_keep_control")
    guidance = all3(
        all_principles,
        None if skills is None else skills in ("limited", "adequate"),
        keeps_control,
        repayable,
        not3(enforcement),
    )
    management = all3(
        all_principles,
        any3(None if skills is None else skills == "none", not3(keeps_control), enforcement, not3(repayable)),
    )
    has_ceased, ceased = known(client, "enterprise_ceased_on")
    has_revoked, revoked = known(client, "csr_revoked_on")
    not_enterprise = all3(
        not3(get(client, "is_enterprise")),
        any3(
            None if not has_ceased else ceased is None,
            None if ceased is None else period_over(ceased, CESSATION_MONTHS, on),
        ),
    )
    no_revocation = any3(
        None if not has_revoked else revoked is None,
        None if revoked is None else period_over(revoked, 12 * REVOCATION_YEARS, on),
    )
    settlement = all3(
        all_principles,
        cmp3(total_debt, ">=", SERIOUS_DEBT),
        all3(cmp3(total_debt, ">", 0), not3(repayable)),
        not_enterprise,
        no_revocation,
        not3(get(client, "organised_insolvency")),
        get(client, "habitual_residence_in_belgium"),
        not3(get(client, "in_collective_debt_settlement")),
        get(client, "wants_debt_settlement"),
    )
    forms = {"budget_guidance": guidance, "budget_management": management, "collective_debt_settlement": settlement}
    recommendation = "none"
    for form in ("budget_guidance", "collective_debt_settlement", "budget_management"):
        if forms[form] is None:
            recommendation = "undetermined"
            break
        if forms[form]:
            recommendation = form
            break
    actions = {
        "supplementary_aid": cmp3(shortfall, ">", 0),
        # child benefit is not a resource for the leefloon (KB 11 July 2002 art. 22)
        "claim_integration_income": cmp3(
            money(
                total(
                    incomes,
                    "monthly_net",
                    lambda i: not3(None if get(i, "kind") is None else get(i, "kind") == "child_benefit"),
                )
            ),
            "<",
            leefloon,
        ),
        "debt_mediation": all3(cmp3(total_debt, ">", 0), repayable),
        "urgent_help": any3(
            get(signals, "eviction_threat"), get(signals, "utility_cutoff_threat"), get(signals, "income_seized")
        ),
        "referral": any3(not3(principles["motivation"]), not3(principles["participation"])),
    }
    return HandDecision(
        recommendation,
        {k: _status(v, "satisfied", "not_satisfied") for k, v in principles.items()},
        {k: _status(v, "eligible", "ineligible") for k, v in forms.items()},
        frozenset(k for k, v in actions.items() if v is True),
    )


def _status(value: bool | None, yes: str, no: str) -> str:
    return "undetermined" if value is None else yes if value else no
