"""The command line of contract §3: outputs and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidrules import Decision
from aidrules.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "examples" / "single-parent-guidance.yaml"
runner = CliRunner()


def test_evaluate_json_is_contract_conformant() -> None:
    result = runner.invoke(app, ["evaluate", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {
        "recommendation",
        "forms",
        "principles",
        "actions",
        "missing_facts",
        "values",
        "ruleset",
        "on",
        "reasons",
    }
    assert set(data["forms"]) == {"budget_guidance", "budget_management", "collective_debt_settlement"}
    assert set(data["principles"]) == {"dignity", "voluntary", "participation", "motivation", "minimal_income"}
    assert data["ruleset"]["fingerprint"].startswith("sha256:")
    assert data["on"] == "2025-03-01"
    # Decimal values serialise as strings with cents
    assert data["values"]["integration_income_amount"] == "1776.07"
    for reason in data["reasons"]:
        assert {"rule", "outcome", "message", "values", "source"} <= set(reason)


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_evaluate_compact_json_reads_back_into_the_json_of_format_json(lang: str) -> None:
    """``--format compact-json`` writes the compact form, one line; read back with the rule set's
    provenance it is exactly the decision ``--format json`` prints for the same case."""
    full = runner.invoke(app, ["evaluate", str(EXAMPLE), "--format", "json", "--lang", lang])
    compact = runner.invoke(app, ["evaluate", str(EXAMPLE), "--format", "compact-json", "--lang", lang])
    assert full.exit_code == 0 and compact.exit_code == 0, (full.output, compact.output)
    assert compact.stdout.count("\n") == 1 and len(compact.stdout) < len(full.stdout) / 2
    assert json.loads(compact.stdout)["form"] == "aidrules.decision.compact/1"
    provenance = json.loads(full.stdout)["provenance"]
    assert Decision.from_compact(compact.stdout, provenance).to_json() == full.stdout


@pytest.mark.parametrize(("lang", "word"), [("nl", "Voorstel"), ("fr", "Proposition"), ("en", "Proposal")])
def test_evaluate_text_in_each_language(lang: str, word: str) -> None:
    result = runner.invoke(app, ["evaluate", str(EXAMPLE), "--lang", lang])
    assert result.exit_code == 0
    assert word in result.stdout


def test_amounts_are_formatted_the_belgian_way() -> None:
    result = runner.invoke(app, ["explain", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "€\u00a01.776,07" in result.stdout  # Babel nl-BE, with a no-break space


def test_explain_shows_rule_ids_values_and_sources() -> None:
    result = runner.invoke(app, ["explain", str(EXAMPLE), "--format", "markdown"])
    assert result.exit_code == 0
    assert "`motivation.minimum`" in result.stdout and "bron:" in result.stdout


def test_on_overrides_the_case_date() -> None:
    result = runner.invoke(app, ["evaluate", str(EXAMPLE), "--format", "json", "--on", "2024-06-01"])
    assert json.loads(result.stdout)["on"] == "2024-06-01"


def test_invalid_case_exits_2_naming_each_field(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("client: {motivation: 7, consent: true}\ndebts: [{amount: -3}]\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(case)])
    assert result.exit_code == 2
    for path in ("client.motivation", "client.consent", "debts[0].amount"):
        assert path in result.stderr
    assert "Traceback" not in result.output


def test_case_from_stdin() -> None:
    result = runner.invoke(app, ["evaluate", "-", "--format", "json"], input=EXAMPLE.read_text(encoding="utf-8"))
    assert result.exit_code == 0 and json.loads(result.stdout)["recommendation"] == "budget_guidance"


def test_date_outside_the_effective_period_exits_2() -> None:
    result = runner.invoke(app, ["evaluate", str(EXAMPLE), "--on", "2023-06-01"])
    assert (
        result.exit_code == 2 and "no version of `noord-limburg-budgethulp` is in force on 2023-06-01" in result.stderr
    )
    pinned = runner.invoke(
        app, ["evaluate", str(EXAMPLE), "--on", "2024-06-01", "--rules", "noord-limburg-budgethulp@2025.1"]
    )
    assert pinned.exit_code == 2 and "in force from 2025-02-01" in pinned.stderr


def test_unknown_rule_set_exits_2() -> None:
    result = runner.invoke(app, ["evaluate", str(EXAMPLE), "--rules", "no-such-set"])
    assert result.exit_code == 2 and "noord-limburg-budgethulp@2025.1" in result.stderr


def test_pinned_version() -> None:
    result = runner.invoke(
        app, ["evaluate", str(EXAMPLE), "--rules", "noord-limburg-budgethulp@2025.1", "--format", "json"]
    )
    assert result.exit_code == 0 and json.loads(result.stdout)["ruleset"]["version"] == "2025.1"


def test_validate_reports_file_line_column_and_exits_2(tmp_path: Path, minimal_text: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(minimal_text.replace("client.motivation >=", "client.motivaton >="), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad), "--lang", "en"])
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr and "RS202" in result.stderr and "did you mean" in result.stderr


def test_validate_json(tmp_path: Path, minimal_text: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(minimal_text.replace("client.motivation >=", "client.motivaton >="), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad), "--format", "json"])
    [d] = json.loads(result.stdout)
    assert d["code"] == "RS202" and d["line"] and d["column"] == 11


def test_validate_good_file() -> None:
    result = runner.invoke(app, ["validate", str(ROOT / "rules" / "noord-limburg-budgethulp.yaml"), "--lang", "en"])
    assert result.exit_code == 0 and "valid" in result.stdout


@pytest.mark.parametrize("kind", ["facts", "decision", "ruleset"])
def test_schema(kind: str) -> None:
    result = runner.invoke(app, ["schema", kind])
    assert result.exit_code == 0
    assert "properties" in json.loads(result.stdout)


def test_schema_facts_marks_event_fields() -> None:
    text = runner.invoke(app, ["schema", "facts"]).stdout
    assert '"x-null-means": "never"' in text


def test_installed_entry_point_runs() -> None:
    """The console script as a user runs it, in a separate process."""
    result = subprocess.run(
        [sys.executable, "-m", "aidrules.cli.main", "evaluate", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["recommendation"] == "budget_guidance"
