"""`aidrules test`: fixtures as data, failures in domain terms, exit codes, rule coverage."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.testing.coverage import CoverageCollector
from aidrules.testing.fixtures import load_fixture
from aidrules.testing.runner import discover, run

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "fixtures" / "reference"
BASELINE = REFERENCE / "001-single-wage-guidance-baseline.yaml"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["test", *args], env={"LC_ALL": "en_GB.UTF-8"})  # the English messages
    return result.exit_code, result.output


def test_the_shipped_fixtures_all_pass() -> None:
    code, output = invoke(str(REFERENCE))
    count = len(list(REFERENCE.glob("*.yaml")))
    assert code == 0, output
    assert output.strip().splitlines()[-1] == f"{count} passed, 0 failed"


def test_a_wrong_expectation_is_explained_with_the_conditions_and_their_values(tmp_path: Path) -> None:
    # By hand (docs/reference-policy.md): with motivation 1 < minimum 2 the principle fails, so
    # budget guidance is ineligible and nothing else fits: the case gets `none`, not guidance.
    text = BASELINE.read_text(encoding="utf-8").replace("motivation: 3", "motivation: 1")
    path = tmp_path / "low-motivation.yaml"
    path.write_text(text, encoding="utf-8")
    code, output = invoke(str(path))
    assert code == 1
    assert "recommendation: expected budget_guidance, got none" in output
    assert "budget_guidance is ineligible" in output
    assert "principles.motivation = false" in output
    assert "principle motivation: expected satisfied, got not_satisfied" in output
    assert (
        "motivation.minimum = false" in output
        and "client.motivation = 1" in output
        and "minimum_motivation = 2" in output
    )
    assert "source: Visienota Noord-Limburg, uitgangspunt 4" in output
    assert output.strip().splitlines()[-1] == "0 passed, 1 failed"


def test_a_wrong_value_shows_the_formula(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8").replace('repayment_capacity: "280.00"', 'repayment_capacity: "300.00"')
    path = tmp_path / "wrong-value.yaml"
    path.write_text(text, encoding="utf-8")
    code, output = invoke(str(path))
    assert code == 1
    assert "value repayment_capacity: expected 300.00, got 280.00" in output
    assert "repayment_capacity = max(0, disposable_income - dignity_floor)" in output


def test_an_invalid_fixture_is_exit_2_with_position_and_code(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8").replace(
        "    budget_management: ineligible", "    budget_management: maybe"
    )
    path = tmp_path / "bad-status.yaml"
    path.write_text(text, encoding="utf-8")
    code, output = invoke(str(path))
    assert code == 2
    line = next(i for i, x in enumerate(text.splitlines(), 1) if "budget_management: maybe" in x)
    assert f"{path}:{line}:" in output and "FX004" in output
    assert output.strip().splitlines()[-1] == "0 passed, 0 failed, 1 invalid"


def test_an_invalid_case_in_a_fixture_is_exit_2(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8").replace("motivation: 3", "motivation: 9")
    path = tmp_path / "bad-case.yaml"
    path.write_text(text, encoding="utf-8")
    code, output = invoke(str(path))
    assert code == 2 and "client.motivation" in output


def test_plain_case_files_in_a_directory_are_not_fixtures(tmp_path: Path) -> None:
    shutil.copy(BASELINE, tmp_path / "a.yaml")
    shutil.copy(ROOT / "fixtures" / "examples" / "single-parent-guidance.yaml", tmp_path / "case.yaml")
    assert discover([tmp_path]) == [tmp_path / "a.yaml"]


def test_a_missing_path_is_exit_2(tmp_path: Path) -> None:
    code, output = invoke(str(tmp_path / "nope"))
    assert code == 2 and "no such fixture" in output


def test_the_shipped_fixtures_reach_full_true_false_coverage() -> None:
    code, output = invoke(str(REFERENCE), "--coverage", "--fail-under", "100")
    assert code == 0, output
    assert f"Rule coverage over {len(list(REFERENCE.glob('*.yaml')))} case(s): 100.0%" in output
    periods = re.search(r"Parameter periods: (\d+)/(\d+) exercised; versions: (\d+)/(\d+) used", output)
    assert periods is not None and periods[1] == periods[2] and periods[3] == periods[4] == "2"
    assert "noord-limburg-budgethulp · principle dignity" in output
    assert "noord-limburg-budgethulp · form collective_debt_settlement" in output


def test_coverage_below_the_threshold_is_exit_1_and_names_what_was_not_exercised() -> None:
    code, output = invoke(str(BASELINE), "--fail-under", "90")
    assert code == 1
    assert "is below --fail-under 90%" in output
    # In the baseline every principle holds: voluntary.consents is never false there.
    assert "voluntary.consents never false" in output


def test_coverage_counts_true_false_and_unknown_per_condition() -> None:
    result = run([REFERENCE / "045-undetermined-motivation-missing.yaml", BASELINE], coverage=True)
    report = result.coverage
    assert report is not None and report.cases == 2
    by_id = {c.id: c for c in report.conditions}
    assert by_id["motivation.minimum"].seen == {"true": 1, "false": 0, "unknown": 1}
    assert by_id["motivation.minimum"].groups == ("principles.motivation",)
    groups = [g for _, g, _ in report.groups()]
    assert groups.index("principles.dignity") < groups.index("forms.budget_guidance")


def test_the_markdown_report_has_a_table_per_group(tmp_path: Path) -> None:
    out = tmp_path / "coverage.md"
    code, output = invoke(str(REFERENCE), "--coverage", "--coverage-format", "markdown", "--coverage-out", str(out))
    assert code == 0 and f"written to {out}" in output
    markdown = out.read_text(encoding="utf-8")
    assert markdown.startswith("# Regeldekking")
    assert "| voorwaarde | waar | onwaar | onbekend | regel |" in markdown
    assert "`client.motivation >= minimum_motivation`" in markdown


def test_versions_with_the_same_condition_share_its_coverage() -> None:
    collector = CoverageCollector()
    fixture = load_fixture(REFERENCE / "008-integration-income-2024-03-01.yaml")
    from aidrules.testing.fixtures import rules_for

    older = rules_for(fixture)
    newer = rules_for(load_fixture(BASELINE))
    assert older.version != newer.version
    collector.register(older)
    collector.register(newer)
    ids = [c.id for c in collector.report().conditions]
    assert len(ids) == len(set(ids))  # unchanged conditions are counted once
