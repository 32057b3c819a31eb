"""Review fixtures: review facts, a date and the outcome a person expects (``fixtures/reviews/``).

The format mirrors the decision fixtures (``docs/fixture-format.md``)::

    title: Budgetbeheer, twee clusters bereikt, 6 maanden zonder nieuwe schulden
    reasoning: |
      ... the policy of docs/lifecycle.md applied by hand ...
    rules: noord-limburg-budgethulp      # optional: a rule-set id or a path relative to the file
    review:                              # the review facts (docs/lifecycle.md)
      on: 2025-09-01
      dossier: {...}
    expect:
      outcome: start_phase_out           # required
      stop_reason: null                  # optional; each key given is compared, null included
      new_form: budget_management
      overdue: false
      review_due_on: 2025-09-01
      next_review_on: 2026-03-01
      values: {clusters_achieved: 2}     # derived review values
      conditions: {review.ready_for_phase_out: true}   # true / false / null (unknown)
      missing_facts: []                  # the exact list
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from aidrules.errors import Diagnostic, FactsError
from aidrules.lifecycle.decision import ReviewDecision
from aidrules.lifecycle.engine import evaluate_review
from aidrules.lifecycle.model import parse_review_facts
from aidrules.readers.yamlload import load_yaml_plain
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.shipped import load

_EXPECT_KEYS = {
    "outcome",
    "stop_reason",
    "new_form",
    "overdue",
    "review_due_on",
    "next_review_on",
    "values",
    "conditions",
    "missing_facts",
}
_FIELDS = ("stop_reason", "new_form", "overdue", "review_due_on", "next_review_on")


@dataclass(frozen=True)
class ReviewFixture:
    path: Path
    title: str
    rules: str | None
    review: dict[str, Any]
    expect: dict[str, Any]


@dataclass
class ReviewFixtureResult:
    fixture: ReviewFixture
    decision: ReviewDecision | None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_review_fixture(path: str | Path) -> ReviewFixture:
    """Read a review fixture; raise :class:`FactsError` when its shape is wrong."""
    p = Path(path)
    data = load_yaml_plain(p.read_text(encoding="utf-8"), str(p), error_type=FactsError)
    problems = []
    if not isinstance(data, dict) or "review" not in data or "expect" not in data:
        problems.append("a review fixture needs `review:` and `expect:`")
    else:
        unknown = set(data["expect"]) - _EXPECT_KEYS
        if unknown:
            problems.append(f"unknown keys under expect: {', '.join(sorted(unknown))}")
        if "outcome" not in data["expect"]:
            problems.append("expect.outcome is required")
    if problems:
        raise FactsError(f"{p}: invalid review fixture", [Diagnostic("FX001", m, path=str(p)) for m in problems])
    return ReviewFixture(p, str(data.get("title", p.stem)), data.get("rules"), data["review"], data["expect"])


def _shown(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def run_review_fixture(fixture: ReviewFixture, rules: CompiledRuleSet | None = None) -> ReviewFixtureResult:
    """Evaluate a review fixture and compare, in domain terms, with what it expects."""
    facts = parse_review_facts(fixture.review)
    if rules is None:
        spec = fixture.rules
        if spec and not spec.startswith("/") and (fixture.path.parent / spec).exists():
            spec = str(fixture.path.parent / spec)
        rules = load(spec, facts.on)
    decision = evaluate_review(rules, facts)
    expect = fixture.expect
    failures: list[str] = []
    if decision.outcome != expect["outcome"]:
        failures.append(
            f"outcome: expected {expect['outcome']}, got {decision.outcome}\n    {decision.reasons[0].message}"
        )
    for key in _FIELDS:
        if key in expect and _shown(getattr(decision, key)) != _shown(expect[key]):
            failures.append(f"{key}: expected {_shown(expect[key])}, got {_shown(getattr(decision, key))}")
    for key, want in (expect.get("values") or {}).items():
        if key not in decision.values:
            failures.append(f"value {key}: expected {want}, but the review has no such value")
        elif decision.values[key] != want:
            failures.append(f"value {key}: expected {want}, got {decision.values[key]}")
    outcomes = {r.rule: r for r in decision.reasons if r.kind == "condition"}
    for key, want in (expect.get("conditions") or {}).items():
        if key not in outcomes:
            failures.append(f"condition {key}: expected {want}, but the review has no such condition")
        elif outcomes[key].outcome != want:
            r = outcomes[key]
            failures.append(f"condition {key}: expected {want}, got {r.outcome}\n    {r.message} {r.values}")
    wanted = sorted(expect.get("missing_facts") or [])
    if "missing_facts" in expect and wanted != decision.missing_facts:
        failures.append(f"missing_facts: expected {wanted}, got {decision.missing_facts}")
    return ReviewFixtureResult(fixture, decision, failures)
