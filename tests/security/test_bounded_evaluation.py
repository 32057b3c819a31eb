"""Evaluation is bounded: no loops, no unbounded recursion, no huge numbers, no runaway work.

Each test names, in its docstring, the naive implementation it would catch.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

import aidrules
from aidrules import EvaluationError, RuleSetError
from aidrules.limits import DEFAULT_LIMITS
from aidrules.ruleset.compile import compile_text
from aidrules.ruleset.cost import evaluation_cost
from aidrules.ruleset.shipped import resolve

from .helpers import only_diagnostic, with_derived

ON = date(2025, 3, 1)
CASE = {"client": {"motivation": 3}, "incomes": [{"monthly_net": "1000.00"}]}


def _squares(kind: str, start: str, steps: int = 40) -> tuple[tuple[str, str, str], ...]:
    return (("d0", kind, start), *((f"d{i}", kind, f"d{i - 1} * d{i - 1}") for i in range(1, steps)))


@pytest.mark.parametrize(
    ("kind", "start", "fails_at"),
    [
        # 10^15 squared is 10^30: beyond 10^25 at the first step.
        ("integer", "1000000000000000", "d1"),
        ("number", "total_income * 1000000000000", "d1"),
        # money: 10^3 (1,000.00) → 10^6 → 10^12 → 10^24 → 10^48, the first one beyond.
        ("money", "total_income", "d4"),
    ],
)
def test_repeated_multiplication_cannot_build_huge_decimals(kind: str, start: str, fails_at: str) -> None:
    """Catches arithmetic on Python ints, or on Decimals with a huge ``Emax``: forty derived values
    that each square the previous one build 10**(15 * 2**39), a number no memory holds. Every
    result beyond 10**25 stops the evaluation with EV002, naming the rule, not ``ArithmeticError``."""
    rules = compile_text(with_derived(*_squares(kind, start)), "shared.yaml")
    with pytest.raises(EvaluationError) as exc:
        rules.evaluate(CASE, on=ON)
    d = only_diagnostic(exc.value, "EV002")
    assert d.path == fails_at and "10^25" in d.message


def test_large_results_cannot_break_rounding_or_formatting() -> None:
    """Catches a Decimal context with a huge ``Emax`` (999,999 before this check): a result of
    10**30 is computed, then formatting it for a message (Babel quantizes to three decimals in 28
    digits) raised ``decimal.InvalidOperation`` out of ``evaluate``. Results stay below 10**25, so
    every one of them can be rounded to the cent and formatted."""
    below = ("near", "number", "total_income * 1000000000000000 * 1000000")  # 10^3 * 10^15 * 10^6 = 10^24
    text = with_derived(below).replace('"Motivatie {client.motivation} volstaat."', '"Bedrag {near}."')
    decision = compile_text(text, "shared.yaml").evaluate(CASE, on=ON)
    reason = next(r for r in decision.reasons if r.rule == "motivation.minimum")
    assert reason.message == "Bedrag 1.000.000.000.000.000.000.000.000."
    above = ("far", "number", "total_income * 1000000000000000 * 10000000")  # 10^25
    with pytest.raises(EvaluationError) as exc:
        compile_text(with_derived(above), "shared.yaml").evaluate(CASE, on=ON)
    assert only_diagnostic(exc.value, "EV002").path == "far"


def test_tiny_results_cannot_build_huge_texts() -> None:
    """Catches a Decimal context with a huge negative ``Emin``: squaring 10**-15 ten times gives
    10**-7680, which a message shows with 7,680 decimals. Results below 10**-24 lose digits and
    end as zero, so a message stays short."""
    squares = _squares("number", "0.000000000000001", steps=10)
    text = with_derived(*squares).replace('"Motivatie {client.motivation} volstaat."', '"Waarde {d9}."')
    decision = compile_text(text, "shared.yaml").evaluate(CASE, on=ON)
    reason = next(r for r in decision.reasons if r.rule == "motivation.minimum")
    assert reason.message == "Waarde 0."
    assert decision.values["d1"] == Decimal("1E-30")


def test_nested_aggregations_over_long_lists_are_refused_when_compiled() -> None:
    """Catches evaluating aggregations without a cost bound: three nested loops over ``debts``
    take 500**3 = 125 million steps on a case with 500 debts (minutes per decision, and any
    exported case can have 500). The rule set is refused when compiled, naming the value."""
    inner = "count(d for d in debts if any(e.amount > 0 for e in debts if any(f.amount > e.amount for f in debts)))"
    with pytest.raises(RuleSetError) as exc:
        compile_text(with_derived(("nested", "integer", inner)), "shared.yaml")
    d = only_diagnostic(exc.value, "RS207")
    assert "`nested`" in d.message and d.span is not None and d.span.line == 16
    # Two levels (500 x 500 = 250,000 steps) are within the default limit.
    two = "count(d for d in debts if any(e.amount > d.amount for e in debts))"
    rules = compile_text(with_derived(("pairs", "integer", two)), "shared.yaml")
    debts = [{"amount": f"{i}.00"} for i in range(1, 501)]
    decision = rules.evaluate({**CASE, "debts": debts}, on=ON)
    assert decision.values["pairs"] == 499  # every debt but the largest has a larger one


def test_evaluation_cost_counts_the_largest_lists() -> None:
    """The cost bound is computed from the caps of the case model, so no case can exceed it."""
    rules = compile_text(with_derived(("n", "integer", "count(d for d in debts)")), "shared.yaml")
    total, ranked = evaluation_cost(rules, DEFAULT_LIMITS)
    cost_of_n = next(cost for cost, item, _ in ranked if item == "n")
    # count(...) and its list are 2 steps, plus 500 debts x (the loop step + the element `d`).
    assert cost_of_n == 2 + 500 * 2
    assert total >= cost_of_n


def test_reference_rule_set_is_far_within_the_evaluation_bound() -> None:
    """The bound leaves room: the reference rule set needs a small part of it, and a stricter
    bound given by the caller refuses it."""
    path = resolve("noord-limburg-budgethulp")
    rules = aidrules.load_ruleset(path)
    total, _ = evaluation_cost(rules, DEFAULT_LIMITS)
    assert total * 50 < DEFAULT_LIMITS.max_evaluation_steps
    with pytest.raises(RuleSetError) as exc:
        aidrules.load_ruleset(path, limits=replace(DEFAULT_LIMITS, max_evaluation_steps=total - 1))
    assert only_diagnostic(exc.value, "RS207")


def test_circular_definitions_are_refused() -> None:
    """Catches evaluating named values lazily by recursion: ``a = b + 1`` and ``b = a + 1`` would
    recurse until ``RecursionError``. Cycles are refused when compiled (there are no loops either)."""
    with pytest.raises(RuleSetError) as exc:
        compile_text(with_derived(("a", "number", "b + 1"), ("b", "number", "a + 1")), "shared.yaml")
    assert "RS301" in {d.code for d in exc.value.diagnostics}


def test_division_by_zero_names_the_rule() -> None:
    """Catches letting ``decimal.DivisionByZero`` escape: the caller gets EV002 naming the rule."""
    rules = compile_text(with_derived(("ratio", "number", "100 / (total_income - total_income)")), "x.yaml")
    with pytest.raises(EvaluationError) as exc:
        rules.evaluate(CASE, on=ON)
    assert only_diagnostic(exc.value, "EV002").path == "ratio"


@pytest.mark.parametrize(
    ("income", "factor", "rounded"),
    [
        # float: round(0.25 * 0.5, 2) == 0.12 (half to even); half up gives 0.13.
        ("0.25", "0.5", "0.13"),
        # float: round(1.00 * 1.005, 2) == 1.0 (1.005 is 1.00499999… in binary); half up gives 1.01.
        ("1.00", "1.005", "1.01"),
        ("0.10", "3", "0.30"),
    ],
)
def test_money_is_exact_and_rounded_half_up(income: str, factor: str, rounded: str) -> None:
    """Catches float money and banker's rounding: a named money value is rounded to the cent,
    half up, when it is computed, and used rounded from then on."""
    text = with_derived(("part", "money", f"total_income * {factor}"), ("twice", "money", "part * 2"))
    decision = compile_text(text, "x.yaml").evaluate(
        {"client": {"motivation": 3}, "incomes": [{"monthly_net": income}]}, on=ON
    )
    assert decision.values["part"] == Decimal(rounded)
    assert decision.values["twice"] == Decimal(rounded) * 2


def test_long_chains_of_values_do_not_hit_the_recursion_limit() -> None:
    """Catches ordering named values with a recursive depth-first search: 1,500 values that each
    use the next one written below them raised ``RecursionError`` out of ``compile_text``. The
    plan is built without recursion, and evaluation walks it in a loop."""
    chain = [(f"d{i}", "number", f"d{i - 1} + 1") for i in range(1499, 0, -1)]
    rules = compile_text(with_derived(*chain, ("d0", "number", "total_income")), "shared.yaml")
    decision = rules.evaluate({"client": {"motivation": 3}, "incomes": [{"monthly_net": "1.00"}]}, on=ON)
    assert decision.values["d1499"] == Decimal("1500.00")


def test_add_days_beyond_the_calendar_stops_with_the_rule_named() -> None:
    """Catches a bare ``date + timedelta``: three million days after 2025 lie beyond the year 9999
    and raised ``OverflowError`` out of ``evaluate``. It stops the evaluation with EV002 instead."""
    far = ("far", "integer", "days_between(decision_date, add_days(decision_date, 3000000))")
    with pytest.raises(EvaluationError) as exc:
        compile_text(with_derived(far), "shared.yaml").evaluate(CASE, on=ON)
    d = only_diagnostic(exc.value, "EV002")
    assert d.path == "far" and "add_days" in d.message
    near = ("near", "integer", "days_between(decision_date, add_days(decision_date, 10))")
    assert compile_text(with_derived(near), "shared.yaml").evaluate(CASE, on=ON).values["near"] == 10
