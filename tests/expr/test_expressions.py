"""The expression language: semantics, three-valued logic, types, and what it refuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from typing import Any

import pytest

from aidrules.expr import types as t
from aidrules.expr.compiler import Environment, compile_expression
from aidrules.expr.parser import MAX_EXPRESSION_CHARS, MAX_EXPRESSION_DEPTH
from aidrules.expr.runtime import DECIMAL_CONTEXT, Context, Unknown
from aidrules.facts.parse import parse_facts
from aidrules.facts.schema import case_type
from aidrules.facts.tree import fact_tree

ENV = Environment(
    case_type(),
    {"minimum_motivation": t.INTEGER, "floor": t.MONEY, "ok": t.BOOL},
    {"leefloon": t.Table(keys=("cohabiting", "single", "family_dependants"), value=t.MONEY)},
)
VALUES: dict[str, Any] = {
    "minimum_motivation": 2,
    "floor": Decimal("650.00"),
    "ok": True,
    "leefloon": {
        "cohabiting": Decimal("876.13"),
        "single": Decimal("1314.20"),
        "family_dependants": Decimal("1776.07"),
    },
}


def run(source: str, facts: dict[str, Any], on: date = date(2025, 3, 1)) -> Any:
    compiled, problems = compile_expression(source, ENV)
    assert not problems, problems
    assert compiled is not None
    with localcontext(DECIMAL_CONTEXT):
        return compiled.fn(Context(fact_tree(parse_facts(facts)), dict(VALUES), on))


def problems(source: str, expected: t.Type | None = None) -> list[tuple[str, str, str | None]]:
    _, found = compile_expression(source, ENV, expected)
    return [(p.code, p.message, p.hint) for p in found]


def test_comparison_with_a_parameter() -> None:
    assert run("client.motivation >= minimum_motivation", {"client": {"motivation": 2}}) is True
    assert run("client.motivation >= minimum_motivation", {"client": {"motivation": 1}}) is False


def test_unknown_fact_makes_the_comparison_unknown_with_its_path() -> None:
    result = run("client.motivation >= minimum_motivation", {})
    assert isinstance(result, Unknown) and result.facts == {"client.motivation"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("client.consents and client.participates", False),  # false and unknown = false
        ("client.participates and client.consents", False),
        ("not client.consents or client.participates", True),  # true or unknown = true
    ],
)
def test_kleene_logic_decides_when_one_side_decides(source: str, expected: bool) -> None:
    assert run(source, {"client": {"consents": False}}) is expected


def test_kleene_logic_stays_unknown_otherwise() -> None:
    result = run("client.consents and client.participates", {"client": {"consents": True}})
    assert isinstance(result, Unknown) and result.facts == {"client.participates"}


def test_sum_with_filter_over_debts() -> None:
    facts = {
        "debts": [
            {"amount": "100.00", "enforcement": "bailiff"},
            {"amount": "50.00", "enforcement": "none"},
            {"amount": "7.50", "enforcement": "seizure"},
        ]
    }
    assert run("sum(d.amount for d in debts if d.enforcement in ['bailiff', 'seizure'])", facts) == Decimal("107.50")


def test_sum_over_an_empty_list_is_zero_and_over_an_absent_list_unknown() -> None:
    assert run("sum(d.amount for d in debts)", {"debts": []}) == 0
    assert run("sum(d.amount for d in debts)", {}) == Unknown(frozenset({"debts"}))


def test_unknown_item_field_names_the_item() -> None:
    result = run("sum(d.amount for d in debts)", {"debts": [{"amount": "1.00"}, {"kind": "tax"}]})
    assert result == Unknown(frozenset({"debts[1].amount"}))


def test_any_and_all_are_kleene() -> None:
    facts = {"incomes": [{"stable": True}, {}]}
    assert run("any(i.stable for i in incomes)", facts) is True
    assert isinstance(run("all(i.stable for i in incomes)", facts), Unknown)
    assert run("all(i.stable for i in incomes)", {"incomes": [{"stable": False}, {}]}) is False
    assert run("any(i.stable for i in incomes)", {"incomes": []}) is False
    assert run("all(i.stable for i in incomes)", {"incomes": []}) is True


def test_count_with_and_without_filter() -> None:
    facts = {"debts": [{"kind": "tax"}, {"kind": "energy"}, {"kind": "tax"}]}
    assert run("count(debts)", facts) == 3
    assert run("count(d for d in debts if d.kind == 'tax')", facts) == 2


def test_table_lookup_by_category() -> None:
    assert run("leefloon[household.category]", {"household": {"category": "single"}}) == Decimal("1314.20")
    assert isinstance(run("leefloon[household.category]", {}), Unknown)


def test_conditional_and_functions() -> None:
    assert run("max(0, floor - 700)", {}) == 0
    assert run("min(floor, 600)", {}) == 600
    assert run("clamp(1700, 1388, 1492) - 1388", {}) == 104
    assert run("abs(0 - floor)", {}) == Decimal("650.00")
    assert run("round(floor / 3, 2)", {}) == Decimal("216.67")
    assert run("1 if ok else 2", {}) == 1


@pytest.mark.parametrize(
    ("start", "on", "months", "years"),
    [
        (date(2024, 9, 1), date(2025, 3, 1), 6, 0),
        (date(2024, 9, 2), date(2025, 3, 1), 5, 0),
        (date(2020, 3, 1), date(2025, 3, 1), 60, 5),
        (date(2020, 3, 2), date(2025, 3, 1), 59, 4),
    ],
)
def test_months_and_years_between_count_full_calendar_periods(start: date, on: date, months: int, years: int) -> None:
    facts = {"client": {"csr_revoked_on": start.isoformat()}}
    narrowed = "client.csr_revoked_on is not None and months_between(client.csr_revoked_on, decision_date) == {}"
    assert run(narrowed.format(months), facts, on) is True
    assert (
        run(
            f"client.csr_revoked_on is None or years_between(client.csr_revoked_on, decision_date) == {years}",
            facts,
            on,
        )
        is True
    )
    assert run("days_between(date('2025-01-01'), decision_date)", {}, date(2025, 3, 1)) == 59


@pytest.mark.parametrize(
    ("event", "on", "admissible"),
    [
        (date(2024, 9, 1), date(2025, 3, 1), False),  # the last day of the six months (art. 54 Ger.W.)
        (date(2024, 9, 1), date(2025, 3, 2), True),  # the first day after them
        (date(2024, 8, 31), date(2025, 2, 28), False),  # no 31 February: the period ends on the last day
        (date(2024, 8, 31), date(2025, 3, 1), True),
        (date(2020, 3, 1), date(2025, 3, 1), False),  # five years, counted the same way
        (date(2020, 3, 1), date(2025, 3, 2), True),
    ],
)
def test_add_days_counts_a_judicial_period_from_the_day_after_the_event(
    event: date, on: date, admissible: bool
) -> None:
    """Counting from the event itself (the old rule) admits a petition one day early."""
    facts = {"client": {"csr_revoked_on": event.isoformat()}}
    months = 60 if event.year == 2020 else 6
    source = (
        "client.csr_revoked_on is not None"
        f" and months_between(add_days(client.csr_revoked_on, 1), decision_date) >= {months}"
    )
    assert run(source, facts, on) is admissible
    assert run("add_days(date('2024-12-31'), 1) == date('2025-01-01')", {}) is True
    assert run("add_days(date('2025-03-01'), -1) == date('2025-02-28')", {}) is True


def test_add_days_takes_a_whole_number_of_days() -> None:
    [(code, message, _)] = problems("add_days(date('2025-01-01'), 1.5) == date('2025-01-02')")
    assert code == "RS204" and "whole number of days" in message


def test_null_event_means_never() -> None:
    source = "client.csr_revoked_on is None or years_between(client.csr_revoked_on, decision_date) >= 5"
    assert run(source, {"client": {"csr_revoked_on": None}}) is True
    assert isinstance(run(source, {"client": {}}), Unknown)


def test_decimal_literals_are_exact() -> None:
    assert run("0.1 + 0.2 == 0.3", {}) is True


# -- diagnostics -------------------------------------------------------------------------------


def test_unknown_fact_gets_did_you_mean() -> None:
    [(code, message, hint)] = problems("client.motivaton >= 2")
    assert code == "RS202" and "client.motivaton" in message and hint == "did you mean `motivation`?"


def test_unknown_parameter_gets_did_you_mean() -> None:
    [(code, _, hint)] = problems("client.motivation >= minimum_motivaton")
    assert code == "RS203" and hint == "did you mean `minimum_motivation`?"


def test_type_mismatch() -> None:
    [(code, message, _)] = problems("client.consents + 1")
    assert code == "RS204" and "expected number" in message


def test_wrong_result_type() -> None:
    [(code, message, _)] = problems("client.motivation", t.BOOL)
    assert code == "RS204" and "expected yes/no" in message


def test_enum_literal_typo() -> None:
    [(code, _, hint)] = problems("client.budgeting_skills == 'adequat'")
    assert code == "RS206" and hint == "did you mean `adequate`?"


def test_nullable_event_date_needs_a_none_check() -> None:
    [(code, _, hint)] = problems("years_between(client.csr_revoked_on, decision_date) >= 5")
    assert code == "RS204" and hint is not None and "is None" in hint


def test_unknown_function() -> None:
    [(code, _, hint)] = problems("maximum(1, 2) > 0")
    assert code == "RS205" and hint == "did you mean `max`?"


def test_table_key_must_cover_the_choices() -> None:
    [(code, message, _)] = problems("leefloon[client.budgeting_skills] > 0")
    assert code == "RS204" and "no entry" in message


# -- what the language refuses -------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('true')",
        "client.__class__",
        "(lambda: 1)()",
        "[x for x in debts]",
        "open('/etc/passwd')",
        "2 ** 10000",
        "client.motivation.__class__.__mro__",
        "f'{client}'",
        "{'a': 1}",
        "x := 1",
        "debts[0]",
    ],
)
def test_expression_cannot_reach_python_objects(source: str) -> None:
    found = problems(source)
    assert found, source
    assert all(code.startswith("RS2") for code, _, _ in found)


def test_expression_length_and_depth_are_limited() -> None:
    long = " + ".join(["1"] * (MAX_EXPRESSION_CHARS // 4 + 10))
    assert problems(long)[0][0] == "RS207"
    # Parentheses alone add no depth; the parser refuses absurd nesting as a syntax error.
    deep = "(" * 300 + "1" + ")" * 300
    assert problems(deep + " > 0")[0][0] in ("RS201", "RS207")
    nested = "not " * (MAX_EXPRESSION_DEPTH + 5) + "ok"
    assert problems(nested)[0][0] == "RS207"
