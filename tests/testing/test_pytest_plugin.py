"""The pytest plugin collects fixture YAML files as test items, and only those it should."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "fixtures" / "reference" / "001-single-wage-guidance-baseline.yaml"


def pytest_run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_fixture_files_are_items_and_failures_read_in_domain_terms(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(BASELINE, cases / "passes.yaml")
    wrong = BASELINE.read_text(encoding="utf-8").replace("motivation: 3", "motivation: 1")
    (cases / "fails.yaml").write_text(wrong, encoding="utf-8")
    shutil.copy(ROOT / "fixtures" / "examples" / "single-parent-guidance.yaml", cases / "plain-case.yaml")
    (tmp_path / "pytest.ini").write_text("[pytest]\naidrules_fixtures = cases/*.yaml\n", encoding="utf-8")
    result = pytest_run(tmp_path, "-q", "cases")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 1 passed" in result.stdout
    assert "recommendation: expected budget_guidance, got none" in result.stdout
    assert "motivation.minimum = false" in result.stdout
    assert "plain-case" not in result.stdout  # a case without `expect:` is not a fixture


def test_outside_the_patterns_nothing_is_collected(tmp_path: Path) -> None:
    shutil.copy(BASELINE, tmp_path / "fixture.yaml")
    (tmp_path / "pytest.ini").write_text("[pytest]\naidrules_fixtures = cases/*.yaml\n", encoding="utf-8")
    result = pytest_run(tmp_path, "-q", ".")
    assert result.returncode == 5, result.stdout  # "no tests collected"


def test_the_default_pattern_collects_the_shipped_fixtures_but_not_under_tests() -> None:
    shipped = pytest_run(ROOT, "--collect-only", "-q", "fixtures/reference")
    count = len(list((ROOT / "fixtures" / "reference").glob("*.yaml")))
    assert f"{count} tests collected" in shipped.stdout, shipped.stdout + shipped.stderr
    # tests/ is this project's testpaths: its YAML files (rule sets under test) are never items,
    # so `python -m pytest` does not run the fixtures twice.
    under_tests = pytest_run(ROOT, "--collect-only", "-q", "tests/analysis/data")
    assert under_tests.returncode == 5, under_tests.stdout
