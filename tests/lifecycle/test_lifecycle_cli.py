"""The command line for running dossiers: review, journal …, report — outputs and exit codes."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidrules.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

CASE = """\
on: 2025-03-01
household: {category: single, adults: 1, children: []}
client: {consents: true, shares_information: true, participates: true, motivation: 3,
         budgeting_skills: adequate, wants_to_keep_control: true}
incomes: [{kind: wage, monthly_net: 1700.00, stable: true}]
expenses: [{kind: rent, monthly: 650.00}, {kind: energy, monthly: 120.00}]
debts: [{creditor: Energieleverancier NV, kind: energy, amount: 3000.00, enforcement: reminder}]
signals: {eviction_threat: false, utility_cutoff_threat: false, income_seized: false}
"""

REVIEW = """\
on: 2025-09-01
dossier: {form: budget_guidance, started_on: 2025-03-01, last_review_on: null, phase_out_started_on: null}
progress: {earn_enough: achieved, organise_money_matters: achieved, spend_responsibly: achieved,
           plan_ahead: achieved, months_without_new_debts: 12}
situation: {wants_to_stop: false, cooperates: true, moved_to_other_municipality: false,
            transferred_to_csr: false, deceased: false}
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "case.yaml").write_text(CASE, encoding="utf-8")
    (tmp_path / "review.yaml").write_text(REVIEW, encoding="utf-8")
    key = tmp_path / "ocmw.key"
    result = runner.invoke(app, ["journal", "new-key", "--out", str(key)])
    assert result.exit_code == 0, result.output
    return {"case": tmp_path / "case.yaml", "review": tmp_path / "review.yaml", "key": key, "db": tmp_path / "j.db"}


def journal_args(files: dict[str, Path], *extra: str) -> list[str]:
    return ["--journal", str(files["db"]), "--key-file", str(files["key"]), *extra]


def test_review_prints_the_outcome_in_dutch(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["review", str(files["review"])])
    assert result.exit_code == 0, result.output
    assert "Uitkomst: stopzetten (Doelen bereikt)" in result.stdout
    assert "Volgende evaluatie" not in result.stdout  # a stopped dossier has no next review


def test_review_json_and_other_languages(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["review", str(files["review"]), "--format", "json"])
    data = json.loads(result.stdout)
    assert (data["outcome"], data["stop_reason"], data["overdue"]) == ("stop", "goals_reached", False)
    fr = runner.invoke(app, ["review", str(files["review"]), "--lang", "fr", "--format", "markdown", "--full"])
    assert (
        fr.exit_code == 0 and "**arrêter (Objectifs atteints)**" in fr.stdout and "`review.goals_reached`" in fr.stdout
    )


def test_review_with_invalid_facts_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("on: 2025-09-01\nprogress: {earn_enough: yes_please}\nsituaton: {}\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(bad)])
    assert result.exit_code == 2
    assert "progress.earn_enough" in result.stderr and "situaton" in result.stderr
    assert "Traceback" not in result.output


def test_review_with_a_rule_set_without_review_rules(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["review", str(files["review"]), "--rules", "noord-limburg-budgethulp@2024.1"])
    assert result.exit_code == 2 and "EV010" in result.stderr


def test_new_key_is_private_and_never_overwritten(files: dict[str, Path]) -> None:
    assert stat.S_IMODE(files["key"].stat().st_mode) == 0o600
    assert len(files["key"].read_bytes().strip()) == 64
    again = runner.invoke(app, ["journal", "new-key", "--out", str(files["key"])], env={"LC_ALL": "en_GB.UTF-8"})
    assert again.exit_code == 2 and "never overwritten" in again.stderr


def test_record_approve_list_and_verify(files: dict[str, Path]) -> None:
    args = ["--dossier", "BB-2025-0142", "--prepared-by", "mw-017"]
    draft = runner.invoke(app, ["journal", "record-decision", str(files["case"]), *journal_args(files, *args)])
    assert draft.exit_code == 0, draft.output
    assert draft.stdout.split("\t")[:5] == ["1", "draft", "decision", "2025-03-01", "budget_guidance"]
    approved = runner.invoke(app, ["journal", "approve", "1", *journal_args(files, "--approved-by", "hmw-003")])
    assert approved.exit_code == 0 and approved.stdout.startswith("2\tfinal")
    review = runner.invoke(
        app, ["journal", "record-review", str(files["review"]), *journal_args(files, *args, "--approved-by", "hmw-3")]
    )
    assert review.exit_code == 0 and "stop (goals_reached)" in review.stdout
    listed = runner.invoke(app, ["journal", "list", "--journal", str(files["db"]), "--format", "json"])
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["status"], r["outcome"]) for r in rows] == [
        (1, "draft", "budget_guidance"),
        (2, "final", "budget_guidance"),
        (3, "final", "stop"),
    ]
    assert all(r["dossier_key"] == rows[0]["dossier_key"] for r in rows)
    mine = runner.invoke(app, ["journal", "list", *journal_args(files, "--dossier", "bb-2025-0142")])
    assert mine.exit_code == 0 and len(mine.stdout.strip().splitlines()) == 3
    verified = runner.invoke(app, ["journal", "verify", "--journal", str(files["db"])], env={"LC_ALL": "en_GB.UTF-8"})
    assert verified.exit_code == 0 and "3 entries, database and hash chain intact" in verified.stdout
    assert verified.stdout.splitlines()[-1].startswith("last entry 3: ")


def test_self_approval_is_refused_on_the_command_line(files: dict[str, Path]) -> None:
    args = ["--dossier", "BB-2025-0142", "--prepared-by", "mw-017", "--approved-by", "MW-017"]
    result = runner.invoke(app, ["journal", "record-decision", str(files["case"]), *journal_args(files, *args)])
    assert result.exit_code == 2
    assert "JR002" in result.stderr and "cannot also approve" in result.stderr and "Traceback" not in result.output


def test_a_national_number_is_refused_as_dossier_reference(files: dict[str, Path]) -> None:
    args = ["--dossier", "85.07.30-033.28", "--prepared-by", "mw-017", "--approved-by", "hmw-3"]
    result = runner.invoke(app, ["journal", "record-decision", str(files["case"]), *journal_args(files, *args)])
    assert result.exit_code == 2 and "JR001" in result.stderr and "national register number" in result.stderr
    assert "85.07.30" not in result.stderr


def test_recording_without_a_key_says_how_to_get_one(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIDRULES_JOURNAL_KEY_FILE", raising=False)
    monkeypatch.delenv("AIDRULES_JOURNAL_KEY", raising=False)
    args = ["--journal", str(files["db"]), "--dossier", "BB-1", "--prepared-by", "mw-017"]
    result = runner.invoke(app, ["journal", "record-decision", str(files["case"]), *args])
    assert result.exit_code == 2 and "JR007" in result.stderr and "new-key" in result.stderr


def test_verify_reports_a_changed_entry(files: dict[str, Path]) -> None:
    args = ["--dossier", "BB-2025-0142", "--prepared-by", "mw-017", "--approved-by", "hmw-3"]
    runner.invoke(app, ["journal", "record-decision", str(files["case"]), *journal_args(files, *args)])
    db = sqlite3.connect(files["db"])
    db.execute("DROP TRIGGER entries_no_update")
    db.execute("UPDATE entries SET outcome = 'none'")
    db.commit()
    db.close()
    result = runner.invoke(app, ["journal", "verify", "--journal", str(files["db"])])
    assert result.exit_code == 2 and "entry 1: its content does not match its hash" in result.stderr


def test_report_writes_files_in_each_format(files: dict[str, Path], tmp_path: Path) -> None:
    args = ["--dossier", "BB-2025-0142", "--prepared-by", "mw-017", "--approved-by", "hmw-3"]
    runner.invoke(app, ["journal", "record-decision", str(files["case"]), *journal_args(files, *args)])
    out = tmp_path / "verslag"
    for fmt, names in (
        ("markdown", ["jaarverslag-2025.md"]),
        ("html", ["jaarverslag-2025.html"]),
        ("csv", ["jaarverslag-2025-cijfers.csv", "jaarverslag-2025-beslissingen.csv"]),
    ):
        result = runner.invoke(
            app, ["report", "--journal", str(files["db"]), "--year", "2025", "--format", fmt, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.split() == [str(out / n) for n in names]
    figures = {r["key"]: r["value"] for r in csv.DictReader(io.StringIO((out / names[0]).read_text("utf-8")))}
    assert figures["started"] == "1" and figures["refused"] == "0"
    html = (out / "jaarverslag-2025.html").read_text("utf-8")
    # no review yet, so no stop reasons to chart: the five other charts
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 5 and "<script" not in html
    stdout = runner.invoke(app, ["report", "--journal", str(files["db"]), "--year", "2025", "--lang", "en"])
    assert stdout.exit_code == 0 and stdout.stdout.startswith("# Budget help yearly report 2025")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--journal", "absent.db", "--year", "2025"], "no journal at absent.db"),
        (["--year", "1999"], "out of range"),
    ],
)
def test_report_problems_exit_2(files: dict[str, Path], args: list[str], message: str) -> None:
    base = ["report", "--journal", str(files["db"])] if "--journal" not in args else ["report"]
    runner.invoke(
        app,
        [
            "journal",
            "record-decision",
            str(files["case"]),
            *journal_args(files, "--dossier", "BB-1", "--prepared-by", "mw-1"),
        ],
    )
    result = runner.invoke(app, [*base, *args])
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
