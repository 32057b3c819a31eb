"""Coverage counts every dated parameter period and every version, not only condition outcomes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aidrules.registry.index import ENV_PATH
from aidrules.ruleset.shipped import load
from aidrules.testing.coverage import parameter_periods
from aidrules.testing.runner import run

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "fixtures" / "reference" / "001-single-wage-guidance-baseline.yaml"


def test_a_period_no_case_was_decided_in_is_a_gap() -> None:
    """Counting conditions only, one case could show every condition while a dated amount (a
    leefloon indexation) was never in force for any case."""
    report = run([BASELINE], coverage=True).coverage
    assert report is not None
    gaps = report.period_gaps()
    assert gaps and all(p.cases == 0 for p in gaps)
    day = date(2025, 3, 1)  # the baseline's date: only periods not in force that day can be gaps
    assert all(p.valid_from > day or (p.until is not None and p.until < day) for p in gaps)
    assert "never in force for a case:" in report.text()
    assert report.percent < 100


def test_new_version_beside_installed_ones_counts_every_version(
    policy_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scenario: fixtures of the new version alone cannot give 100 % while the installed
    versions of the same rule set were never run."""
    monkeypatch.chdir(policy_project)
    monkeypatch.delenv(ENV_PATH, raising=False)
    result = run([policy_project / "fixtures" / "mine"], coverage=True)
    report = result.coverage
    assert report is not None and result.exit_code == 0
    used = {f"{v.ruleset}@{v.version}": v.cases for v in report.versions}
    assert used["noord-limburg-budgethulp@2025.2"] == 1
    assert used["noord-limburg-budgethulp@2025.1"] == 0 and used["noord-limburg-budgethulp@2024.1"] == 0
    new_minimum = [
        p for p in report.periods if p.parameter == "minimum_motivation" and p.valid_from == date(2025, 7, 1)
    ]
    assert [p.cases for p in new_minimum] == [1]
    assert "·  noord-limburg-budgethulp@2025.1: 0 case(s)" in report.text()


def test_only_values_in_force_during_a_version_are_its_periods(
    policy_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(policy_project)
    monkeypatch.delenv(ENV_PATH, raising=False)
    periods = {
        (pid, start): until for pid, start, until, _ in parameter_periods(load("noord-limburg-budgethulp@2025.2"))
    }
    assert ("minimum_motivation", date(2025, 7, 1)) in periods
    assert ("minimum_motivation", date(2024, 1, 1)) not in periods  # ended 2025-06-30, before 2025.2 starts
    old = {(pid, start): until for pid, start, until, _ in parameter_periods(load("noord-limburg-budgethulp@2024.1"))}
    assert old[("minimum_motivation", date(2024, 1, 1))] == date(2025, 1, 31)  # cut at the version's end
