"""Issue 17's scenario end to end, as a policy maker runs it: an edited copy of the reference rule
set in ``rules/`` beside the installed set (36 → 48 months and minimum motivation 2 → 3 from
2025-07-01), then list, validate, test, diff, impact and docs (``docs/policy-toolkit.md``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.registry.index import ENV_PATH

runner = CliRunner()
OLD, NEW = "noord-limburg-budgethulp@2025.1", "noord-limburg-budgethulp@2025.2"


def test_edit_beside_the_installed_set_then_validate_test_diff_impact_docs(
    policy_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(policy_project)
    monkeypatch.delenv(ENV_PATH, raising=False)
    edited = "rules/noord-limburg-budgethulp-2025.2.yaml"

    listed = runner.invoke(app, ["list"])
    assert f"{NEW} " in listed.stdout and "[./rules: " in listed.stdout  # found without --rules-dir
    assert "RS506" in listed.stderr and listed.exit_code == 0  # takes over from 2025-07-01: a warning

    validated = runner.invoke(app, ["validate", edited])
    assert validated.exit_code == 0, validated.output

    tested = runner.invoke(app, ["test", "fixtures/mine"])
    assert tested.exit_code == 0, tested.output  # only the edited version makes motivation 2 too low
    assert f"rules: {NEW} from " in tested.stdout and tested.stdout.rstrip().endswith("1 passed, 0 failed")

    diffed = runner.invoke(app, ["diff", OLD, NEW])
    assert diffed.exit_code == 0, diffed.output
    assert "(2025-07-01): budgetbegeleiding → geen" in diffed.stdout
    assert "**Redelijke afbetalingstermijn (maanden)**: 36 → 48 vanaf 1 juli 2025" in diffed.stdout

    page = policy_project / "impact.html"
    impact = runner.invoke(
        app, ["impact", OLD, NEW, "--size", "400", "--workers", "1", "--format", "html", "--out", str(page)]
    )
    assert impact.exit_code == 0, impact.output
    html = page.read_text(encoding="utf-8")
    assert "Minimale motivatie (score 0-4)" in html and '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html

    pages = runner.invoke(app, ["docs", NEW, "--out", "site"])
    assert pages.exit_code == 0, pages.output
    written = list((policy_project / "site").rglob("*.md"))
    assert written and any("2025.2" in p.read_text(encoding="utf-8") for p in written)
