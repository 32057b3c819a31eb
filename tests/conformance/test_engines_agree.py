"""Every backend gives the same decision, byte for byte: the fixtures, generated cases, a rule set
that uses every construct of the language, errors, and eight threads at once (durable_rules)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import aidrules
from aidrules import AidrulesError, RecordingTracer
from aidrules.ruleset.compile import compile_text
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.testing import load_fixture
from properties.strategies import case_and_partial, complete_case

pytestmark = pytest.mark.durable

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))
FEATURES = Path(__file__).resolve().parent / "data" / "features.yaml"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def outcome(rules: CompiledRuleSet, case: Any, engine: str, lang: str = "nl") -> tuple[str, list[Any]]:
    """The decision JSON and the trace, or the error a person would see."""
    tracer = RecordingTracer()
    try:
        decision = rules.evaluate(case, lang=lang, tracer=tracer, engine=engine)
    except AidrulesError as exc:
        return f"{type(exc).__name__}: {exc}", []
    return decision.to_json(), tracer.events


def assert_same(rules: CompiledRuleSet, case: Any, lang: str = "nl") -> str:
    compiled, compiled_trace = outcome(rules, case, "compiled", lang)
    durable, durable_trace = outcome(rules, case, "durable", lang)
    assert durable == compiled
    assert durable_trace == compiled_trace
    return compiled


@pytest.fixture(scope="module")
def features() -> CompiledRuleSet:
    return aidrules.load_ruleset(FEATURES)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_every_fixture_gets_the_same_decision_json_from_both_engines(path: Path) -> None:
    fixture = load_fixture(path)
    rules = aidrules.load(None, fixture.case.get("on"))
    for lang in ("nl", "fr", "en"):
        decided = assert_same(rules, fixture.case, lang)
        assert decided.startswith("{"), decided  # a decision, not an error
    durable = rules.evaluate(fixture.case, engine="durable")
    assert durable.recommendation == fixture.expect["recommendation"]


@SETTINGS
@given(case=complete_case)
def test_generated_complete_cases_get_the_same_decision(reference: CompiledRuleSet, case: dict[str, Any]) -> None:
    assert_same(reference, case)


@SETTINGS
@given(pair=case_and_partial())
def test_generated_cases_with_unknown_facts_get_the_same_decision(
    reference: CompiledRuleSet, pair: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    _, partial = pair
    assert_same(reference, partial, "fr")


@SETTINGS
@given(pair=case_and_partial())
def test_a_rule_set_using_every_construct_gets_the_same_decision(
    features: CompiledRuleSet, pair: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    full, partial = pair
    assert_same(features, full)
    assert_same(features, partial, "en")


def test_the_feature_rule_set_reaches_every_outcome_on_both_engines(features: CompiledRuleSet) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from population import population
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    seen = set()
    for i, case in enumerate(population(400, 3, unknowns=0.3)):
        if i % 2:
            case["on"] = case["on"].replace("2025", "2024").replace("2026", "2024")
        decided = assert_same(features, case, ("nl", "fr", "en")[i % 3])
        seen.add(decided.split('"recommendation": "')[1].split('"')[0])
    assert seen == {"budget_guidance", "budget_management", "collective_debt_settlement", "none", "undetermined"}


def test_hit_policy_unique_conflicts_and_decisions_are_the_same(features: CompiledRuleSet) -> None:
    text = FEATURES.read_text(encoding="utf-8").replace("hit_policy: first", "hit_policy: unique")
    unique = compile_text(text, "unique.yaml")
    errors = decided = 0
    for _i, case in enumerate(_cases(150)):
        result = assert_same(unique, case)
        if result.startswith("EvaluationError: hit policy unique"):
            errors += 1
        elif result.startswith("{"):
            decided += 1
    assert errors and decided


def test_a_failing_expression_fails_the_same_way_on_both_engines() -> None:
    text = FEATURES.read_text(encoding="utf-8").replace(
        "when: 1000 < debt - income", "when: client.consents and debt / (income - income) > 1 or 1000 < debt - income"
    )
    failing = compile_text(text, "failing.yaml")
    case = {"on": "2025-03-01", "client": {"consents": True}, "incomes": [{"monthly_net": "10"}], "debts": []}
    result = assert_same(failing, case)
    assert result.startswith("EvaluationError: c.literal_left: division by zero"), result
    # not evaluated when `and` is already false, on both engines
    assert assert_same(failing, {**case, "client": {"consents": False}}).startswith("{")


def test_eight_threads_deciding_at_once_get_the_compiled_engines_decisions(reference: CompiledRuleSet) -> None:
    cases = _cases(80)
    expected = [reference.evaluate(c).to_json() for c in cases]
    results: dict[int, list[str]] = {}
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            mine = []
            for round_ in range(3):
                for i, case in enumerate(cases):
                    if (i + worker + round_) % 2 == 0:
                        mine.append(reference.evaluate(case, engine="durable").to_json())
                    else:
                        mine.append(expected[i])
            results[worker] = mine
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    for mine in results.values():
        assert mine == expected * 3


def test_more_evaluations_than_durable_rules_keeps_sessions_for(reference: CompiledRuleSet) -> None:
    case = {"on": "2025-03-01", "client": {"consents": False}}
    first = reference.evaluate(case, engine="durable").to_json()
    for _ in range(1100):  # durable_rules fails after 1,024 live sessions: each one is deleted
        assert reference.evaluate(case, on=date(2025, 3, 2), engine="durable").recommendation == "none"
    assert reference.evaluate(case, engine="durable").to_json() == first


def _cases(count: int) -> list[dict[str, Any]]:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from population import population
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return population(count, 11, unknowns=0.2)
