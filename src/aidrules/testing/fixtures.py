"""Fixture cases: a case, a date and the decision a person expects (``docs/fixture-format.md``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from aidrules.engine.decision import Decision
from aidrules.errors import Diagnostic, FactsError
from aidrules.facts.parse import parse_facts
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.shipped import load
from aidrules.ruleset.yamlload import load_yaml_plain

_EXPECT_KEYS = {"recommendation", "forms", "principles", "actions", "action_values", "values", "missing_facts"}


@dataclass(frozen=True)
class Fixture:
    path: Path
    title: str
    rules: str | None
    case: dict[str, Any]
    expect: dict[str, Any]


@dataclass
class FixtureResult:
    fixture: Fixture
    decision: Decision | None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_fixture(path: str | Path) -> Fixture:
    p = Path(path)
    data = load_yaml_plain(p.read_text(encoding="utf-8"), str(p), error_type=FactsError)
    problems = []
    if not isinstance(data, dict) or "case" not in data or "expect" not in data:
        problems.append("a fixture needs `case:` and `expect:`")
    else:
        unknown = set(data["expect"]) - _EXPECT_KEYS
        if unknown:
            problems.append(f"unknown keys under expect: {', '.join(sorted(unknown))}")
        if "recommendation" not in data["expect"]:
            problems.append("expect.recommendation is required")
    if problems:
        raise FactsError(f"{p}: invalid fixture", [Diagnostic("FX001", m, path=str(p)) for m in problems])
    return Fixture(p, str(data.get("title", p.stem)), data.get("rules"), data["case"], data["expect"])


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def _expected_text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def run_fixture(fixture: Fixture, rules: CompiledRuleSet | None = None) -> FixtureResult:
    """Evaluate a fixture and compare, in domain terms, with what it expects."""
    if rules is None:
        spec = fixture.rules
        if spec and not spec.startswith("/") and (fixture.path.parent / spec).exists():
            spec = str(fixture.path.parent / spec)
        rules = load(spec)
    case = parse_facts(fixture.case)
    decision = rules.evaluate(case)
    expect = fixture.expect
    failures: list[str] = []

    def why(rule_ids: list[str]) -> str:
        notes = []
        for r in decision.reasons:
            if r.rule in rule_ids:
                notes.append(f"    {r.rule} = {r.outcome}: {r.message} {r.values}")
        return "\n".join(notes)

    if decision.recommendation != expect["recommendation"]:
        failures.append(
            f"recommendation: expected {expect['recommendation']}, got {decision.recommendation}\n"
            f"    {decision.reasons[0].message}"
        )
    for fid, status in (expect.get("forms") or {}).items():
        got = decision.forms[fid].status if fid in decision.forms else "(no such form)"
        if got != status:
            conditions = [r.rule for r in decision.forms[fid].reasons] if fid in decision.forms else []
            failures.append(f"form {fid}: expected {status}, got {got}\n{why(conditions)}")
    for pid, status in (expect.get("principles") or {}).items():
        got_p = decision.principles[pid].status if pid in decision.principles else "(no such principle)"
        if got_p != status:
            conditions = [r.rule for r in decision.principles[pid].reasons] if pid in decision.principles else []
            failures.append(f"principle {pid}: expected {status}, got {got_p}\n{why(conditions)}")
    proposed = {a.id: a for a in decision.actions if a.status == "proposed"}
    if "actions" in expect and set(expect["actions"] or []) != set(proposed):
        failures.append(f"actions: expected {sorted(expect['actions'] or [])}, got {sorted(proposed)}")
    for aid, values in (expect.get("action_values") or {}).items():
        if aid not in proposed:
            failures.append(f"action {aid}: expected values {values}, but it is not proposed")
            continue
        for key, want in values.items():
            got = _text(proposed[aid].values.get(key))
            if got != _expected_text(want):
                failures.append(f"action {aid}.{key}: expected {_expected_text(want)}, got {got}")
    for key, want in (expect.get("values") or {}).items():
        if key not in decision.values:
            failures.append(f"value {key}: expected {want}, but the rule set has no such value")
            continue
        got = _text(decision.values[key])
        if got != _expected_text(want):
            failures.append(f"value {key}: expected {_expected_text(want)}, got {got}")
    missing = set(expect.get("missing_facts") or [])
    if missing - set(decision.missing_facts):
        failures.append(f"missing_facts: expected to include {sorted(missing)}, got {decision.missing_facts}")
    return FixtureResult(fixture, decision, failures)
