"""Every fixture case, reasoned by hand from docs/reference-policy.md, gives the expected decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.testing import load_fixture, run_fixture

FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "reference").glob("*.yaml"))


def test_there_are_at_least_forty_fixtures() -> None:
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture(path: Path) -> None:
    """Each fixture is decided by the version of the rule set in force on its date."""
    result = run_fixture(load_fixture(path))
    assert result.passed, f"{path.name}:\n" + "\n".join(result.failures)


def test_fixtures_cover_every_outcome(reference: CompiledRuleSet) -> None:
    outcomes = {load_fixture(p).expect["recommendation"] for p in FIXTURES}
    assert outcomes == {"budget_guidance", "budget_management", "collective_debt_settlement", "none", "undetermined"}


def test_a_wrong_expectation_is_reported_in_domain_terms(reference: CompiledRuleSet, tmp_path: Path) -> None:
    text = (
        FIXTURES[0]
        .read_text(encoding="utf-8")
        .replace("recommendation: budget_guidance", "recommendation: budget_management")
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    result = run_fixture(load_fixture(broken), reference)
    assert not result.passed
    assert "recommendation: expected budget_management, got budget_guidance" in result.failures[0]
