"""Fuzzing as tests: hostile rule files and cases are decided or refused, never anything else.

Each property runs twice: on a moderate budget in the default test run, and on a large budget
under the ``fuzz`` marker (``python -m pytest -m fuzz``; ``AIDRULES_FUZZ_EXAMPLES`` sets the
number of examples per property, 2,000 by default). Every example has a deadline, so a hang or a
blow-up fails the property instead of stalling the run. See ``docs/security.md`` for the figures
of the last long run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aidrules import AidrulesError, EvaluationError, FactsError, RuleSetError, RuleSetNotFoundError
from aidrules.engine.decision import Decision
from aidrules.facts.parse import parse_facts, read_case_text
from aidrules.ruleset.compile import compile_text
from aidrules.ruleset.compiled import CompiledRuleSet

from .strategies import (
    BASES,
    base_data,
    case_text,
    harmless_rewrite,
    mutated_case,
    mutated_rule_text,
    reordered_rewrite,
    valid_case,
)

LONG_EXAMPLES = int(os.environ.get("AIDRULES_FUZZ_EXAMPLES", "2000"))
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


class _Example:
    """A generated example with a short repr: rule files run to 70 kB, too much to print.

    When a property fails, the example is written out in full (see ``_twice``).
    """

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        text = repr(self.value)
        if len(text) <= 2_000:
            return text
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        return f"<example of {len(text):,} characters, sha256 {digest}…, written to {FAILURES}/ on failure>"

    def save(self, name: str) -> Path:
        FAILURES.mkdir(parents=True, exist_ok=True)
        path = FAILURES / f"{name}.txt"
        parts = self.value if isinstance(self.value, tuple) else (self.value,)
        blocks = [part if isinstance(part, str) else repr(part) for part in parts]
        path.write_text("\n\n# ----- next part -----\n\n".join(blocks), encoding="utf-8", errors="surrogatepass")
        return path


#: Where the last failing example of each property is written in full.
FAILURES = Path(".hypothesis") / "fuzz-failures"


def _twice(
    strategy: st.SearchStrategy[Any], *, examples: int, deadline: float
) -> Callable[[Callable[[Any], None]], tuple[Callable[..., None], Callable[..., None]]]:
    """The property on the default budget, and the same property marked ``fuzz`` on the long one."""

    def build(check: Callable[[Any], None]) -> tuple[Callable[..., None], Callable[..., None]]:
        def run(example: _Example) -> None:
            try:
                check(example.value)
            except Exception as exc:
                exc.add_note(f"the failing example is written in full to {example.save(check.__name__)}")
                raise

        run.__doc__ = check.__doc__
        wrapped = strategy.map(_Example)
        short = settings(max_examples=examples, deadline=timedelta(seconds=deadline), suppress_health_check=_HEALTH)
        long = settings(max_examples=LONG_EXAMPLES, deadline=timedelta(seconds=deadline), suppress_health_check=_HEALTH)
        return short(given(wrapped)(run)), pytest.mark.fuzz(long(given(wrapped)(run)))

    return build


# -- what "refused with a location" means -------------------------------------------------------
def assert_refused_with_location(exc: AidrulesError) -> None:
    """The error is the library's own, and says where the problem is."""
    assert isinstance(exc, RuleSetError | FactsError | EvaluationError | RuleSetNotFoundError), type(exc)
    assert str(exc)
    if isinstance(exc, RuleSetError):
        assert exc.diagnostics, exc
        for d in exc.diagnostics:
            assert d.span is not None and d.span.line >= 1 and d.span.column >= 1, d
            assert d.code.startswith("RS"), d
    elif isinstance(exc, FactsError):
        assert exc.diagnostics, exc
        for d in exc.diagnostics:
            assert d.span is not None or d.path, d
    elif isinstance(exc, RuleSetNotFoundError):
        # `extends: <id>@<version>` naming no known rule set: located by the name it asked for.
        assert exc.diagnostics and all(d.path for d in exc.diagnostics), exc
    else:
        for d in exc.diagnostics:
            assert d.path, d


def evaluate_or_refuse(rules: CompiledRuleSet, case: Any, on: date | None = None) -> Decision | None:
    try:
        decision = rules.evaluate(case, on=on)
    except AidrulesError as exc:
        assert_refused_with_location(exc)
        return None
    decision.to_json()  # the decision serialises, whatever the texts and numbers in it
    return decision


SAMPLE_CASE: dict[str, Any] = {
    "household": {"category": "family_dependants", "adults": 1, "children": [{"age": 4}], "housing": "social_rental"},
    "client": {"requested_by": "self", "consents": True, "shares_information": True, "participates": True},
    "incomes": [{"kind": "replacement_income", "monthly_net": "1450.00", "stable": True}],
    "expenses": [{"kind": "rent", "monthly": "650.00"}],
    "debts": [{"creditor": "Energieleverancier", "kind": "energy", "amount": "1250.00", "enforcement": "bailiff"}],
}


# -- rule files -------------------------------------------------------------------------------
@_twice(mutated_rule_text(), examples=30, deadline=20)
def _hostile_rule_files(example: tuple[str, str]) -> None:
    """A mutated rule file compiles or is refused with file:line:column; what compiles decides."""
    name, text = example
    try:
        rules = compile_text(text, str(BASES[name]))
    except AidrulesError as exc:
        assert_refused_with_location(exc)
        return
    for on in (date(2025, 3, 1), date(2099, 1, 1)):
        evaluate_or_refuse(rules, SAMPLE_CASE, on)
        evaluate_or_refuse(rules, {}, on)


test_hostile_rule_files_load_or_are_refused_with_a_location, test_long_hostile_rule_files = _hostile_rule_files


@cache
def _base_rules(name: str) -> CompiledRuleSet:
    return compile_text(BASES[name].read_text(encoding="utf-8"), str(BASES[name]))


def _decide(rules: CompiledRuleSet, case: dict[str, Any]) -> str:
    try:
        return rules.evaluate(case, on=date(2025, 3, 1)).to_json()
    except AidrulesError as exc:
        return f"refused: {exc.report()}"


@st.composite
def _rewrite_and_case(draw: st.DrawFn, rewrite: Callable[[str], st.SearchStrategy[str]]) -> tuple[str, str, Any]:
    name = draw(st.sampled_from(sorted(BASES)))
    return name, draw(rewrite(name)), draw(valid_case())


@_twice(_rewrite_and_case(harmless_rewrite), examples=20, deadline=20)
def _harmless_rewrites(example: tuple[str, str, Any]) -> None:
    """Comments, indentation, quoting, flow or block style and key order inside items change nothing."""
    name, text, case = example
    rules = compile_text(text, str(BASES[name]))
    base = _base_rules(name)
    assert rules.fingerprint == base.fingerprint
    assert _decide(rules, case) == _decide(base, case)


test_harmless_rewrites_change_no_decision, test_long_harmless_rewrites = _harmless_rewrites


def _canonical(decision_json: str) -> Any:
    """The decision with every list in a fixed order: what it says, not the order it says it in."""

    def norm(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return sorted((norm(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return value

    if decision_json.startswith("refused"):
        return decision_json
    return norm(json.loads(decision_json))


@_twice(_rewrite_and_case(reordered_rewrite), examples=15, deadline=20)
def _reordered_items(example: tuple[str, str, Any]) -> None:
    """Writing a section's items in another order changes the order of the decision's entries only.

    The order of principles, conditions, forms and actions in a file is the author's presentation
    order, and the decision keeps it; what the decision says is the same.
    """
    name, text, case = example
    rules = compile_text(text, str(BASES[name]))
    base = _base_rules(name)
    assert rules.fingerprint == base.fingerprint
    assert _canonical(_decide(rules, case)) == _canonical(_decide(base, case))


test_reordered_items_change_only_the_order_of_entries, test_long_reordered_items = _reordered_items


# -- cases ------------------------------------------------------------------------------------
@cache
def _reference() -> CompiledRuleSet:
    return _base_rules("reference")


@st.composite
def _valid_case_and_text(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[str, str]]:
    case = draw(valid_case())
    return case, draw(case_text(case))


@_twice(_valid_case_and_text(), examples=60, deadline=10)
def _valid_cases(example: tuple[dict[str, Any], tuple[str, str]]) -> None:
    """A case valid under the JSON Schema is accepted, and decided alike as data, JSON or YAML."""
    case, (kind, text) = example
    facts = parse_facts(read_case_text(text, f"case.{kind}"))  # the schema and the model agree
    assert facts == parse_facts(case)
    on = None if "on" in case else date(2025, 3, 1)
    from_data = evaluate_or_refuse(_reference(), case, on)
    from_text = evaluate_or_refuse(_reference(), facts, on)
    assert (from_data and from_data.to_json()) == (from_text and from_text.to_json())


test_valid_cases_are_accepted_in_every_format, test_long_valid_cases = _valid_cases


@_twice(mutated_case(), examples=50, deadline=10)
def _hostile_cases(example: tuple[str, str]) -> None:
    """A mutated case document is decided or refused with a path or line and column."""
    kind, text = example
    try:
        facts = parse_facts(read_case_text(text, f"case.{kind}"))
    except AidrulesError as exc:
        assert_refused_with_location(exc)
        return
    evaluate_or_refuse(_reference(), facts, None if facts.on else date(2025, 3, 1))


test_hostile_cases_are_decided_or_refused_with_a_location, test_long_hostile_cases = _hostile_cases


def test_fuzz_bases_are_valid_rule_files() -> None:
    """The mutations start from rule files that compile (else every property would be vacuous)."""
    for name in BASES:
        assert isinstance(base_data(name), dict)
        assert _base_rules(name).fingerprint.startswith("sha256:")
