"""The command line speaks the reader's language: help and case-file diagnostics follow --lang,
else the locale, else Dutch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aidrules.cli.help_texts import help_lang, tr, translations


def _aidrules(*args: str, lang_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": lang_env, "LC_ALL": "", "LC_MESSAGES": "", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "aidrules.cli.main", *args], capture_output=True, text=True, env=env, check=False
    )


def test_help_follows_the_locale_and_lang() -> None:
    dutch = _aidrules("evaluate", "--help", lang_env="nl_BE.UTF-8")
    assert "Beoordeel een dossier en toon het voorstel." in dutch.stdout
    french = _aidrules("evaluate", "--help", lang_env="fr_BE.UTF-8")
    assert "Évaluer un dossier et afficher la proposition." in french.stdout
    english = _aidrules("evaluate", "--help", "--lang", "en", lang_env="fr_BE.UTF-8")
    assert "Evaluate a case and print the decision." in english.stdout


def test_case_errors_follow_the_locale(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("client:\n  consents: oui\n", encoding="utf-8")
    result = _aidrules("evaluate", str(case), lang_env="fr_BE.UTF-8")
    assert result.returncode == 2
    assert f"{case}:2:13: error CF001: client.consents: `oui` n’est pas une valeur oui/non" in result.stderr


def test_the_help_language_comes_from_the_lang_option_first() -> None:
    assert help_lang(["aidrules", "explain", "--lang", "fr"]) == "fr"
    assert help_lang(["aidrules", "explain", "--lang=en"]) == "en"


def test_every_help_text_has_dutch_and_french() -> None:
    for english, (nl, fr) in translations().items():
        assert nl and fr, english
        assert nl != english or english.startswith(("facts,", "text or")), english
        assert tr(english, "en") == english


def test_command_line_errors_follow_lang(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from aidrules.cli.main import app

    runner = CliRunner()
    bad_day = runner.invoke(app, ["evaluate", str(tmp_path / "x.yaml"), "--on", "1/3/2025", "--lang", "nl"])
    assert bad_day.exit_code == 2 and "is geen datum in de vorm JJJJ-MM-DD" in bad_day.stderr
    missing = runner.invoke(app, ["questions", str(tmp_path / "nowhere.yaml"), "--lang", "fr"])
    assert missing.exit_code == 2 and "impossible de lire le fichier" in missing.stderr
