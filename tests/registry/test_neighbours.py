"""`aidrules validate` checks a new version against the other versions of its rule set."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.errors import Severity
from aidrules.registry.index import ENV_PATH
from aidrules.registry.neighbours import neighbour_diagnostics

ROOT = Path(__file__).resolve().parents[2]
EDITED = "rules/noord-limburg-budgethulp-2025.2.yaml"
runner = CliRunner()


@pytest.fixture
def project(policy_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(policy_project)
    monkeypatch.delenv(ENV_PATH, raising=False)
    return policy_project


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text in line)


def test_copied_version_warns_about_overlap_approval_and_changelog(project: Path) -> None:
    """The scenario: validated alone, the copy looked fine although it overlaps the installed
    version and still carries the approval and changelog of 2025.1."""
    path = project / EDITED
    found = {d.code: d for d in neighbour_diagnostics(path)}
    assert set(found) == {"RS507", "RS508", "RS509"}
    assert all(d.severity is Severity.WARNING for d in found.values())
    assert "overlapt met noord-limburg-budgethulp@2025.1" in found["RS507"].message
    assert found["RS507"].span is not None and found["RS507"].span.line == _line_of(path, "from: 2025-07-01")
    assert found["RS508"].span is not None and found["RS508"].span.line == _line_of(path, "approval:")
    assert "vorige versie noord-limburg-budgethulp@2025.1" in found["RS509"].message
    result = runner.invoke(app, ["validate", EDITED, "--lang", "en"])
    assert result.exit_code == 0 and "3 warning(s)" in result.stdout  # warnings, not errors


def test_own_approval_and_changelog_entry_silence_the_copy_warnings(project: Path) -> None:
    path = project / EDITED
    text = path.read_text(encoding="utf-8")
    text = text.replace("    reference: ", "    reference: RMW-2025-077 ", 1)
    text = text.replace(
        "  changelog:\n",
        '  changelog:\n    - version: "2025.2"\n      on: 2025-06-20\n'
        "      changes: {nl: Termijn 48 maanden, fr: Délai de 48 mois, en: Period of 48 months}\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    assert [d.code for d in neighbour_diagnostics(path)] == ["RS507"]


@pytest.mark.parametrize(("lang", "words"), [("fr", "chevauche"), ("en", "overlaps"), ("nl", "overlapt")])
def test_messages_in_the_readers_language(project: Path, lang: str, words: str) -> None:
    result = runner.invoke(app, ["validate", EDITED, "--lang", lang])
    assert words in result.stderr


def test_shipped_versions_do_not_warn_about_each_other() -> None:
    for path in (ROOT / "rules").rglob("*.yaml"):
        assert neighbour_diagnostics(path) == [], path
