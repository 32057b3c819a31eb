"""An unknown language gets one diagnostic from every entry point: EV006 at path `lang`, with a
hint listing nl, fr and en (docs/diagnostics.md#evaluation).

Before, `evaluate` said EV006, `explain` EX001, reviews an error without any code, the yearly
report RP001, the service SV008 and the command line a usage error of its own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aidrules
from aidrules.cli.main import app
from aidrules.errors import LANGUAGES, AidrulesError, Diagnostic, EvaluationError, unknown_language
from aidrules.explain import explain, explanation
from aidrules.facts.parse import read_case_text
from aidrules.lifecycle.engine import evaluate_review
from aidrules.report.build import make_report
from aidrules.text.interface import LANGS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "fixtures" / "examples" / "debt-spiral-management.yaml"
REVIEW = ROOT / "fixtures" / "reviews" / "01-continue-management-too-early.yaml"
runner = CliRunner()


def _case() -> dict[str, object]:
    return read_case_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))


def test_the_unknown_language_diagnostic_names_the_code_path_and_languages() -> None:
    error = unknown_language("de")
    assert isinstance(error, EvaluationError) and error.exit_code == 2
    [d] = error.diagnostics
    assert (d.code, d.path, d.message) == ("EV006", "lang", "unknown language `de`")
    assert d.hint is not None and all(lang in d.hint for lang in ("nl", "fr", "en"))


def test_the_languages_refused_are_exactly_those_the_texts_lack() -> None:
    """Catches a fourth language added to the texts but still refused, or the reverse."""
    assert LANGUAGES == LANGS == ("nl", "fr", "en")


def _raised(call: object) -> list[Diagnostic]:
    assert callable(call)
    with pytest.raises(AidrulesError) as caught:
        call()
    return caught.value.diagnostics


ENTRY_POINTS = {
    "evaluate": lambda: aidrules.load().evaluate(_case(), lang="de"),
    "explanation": lambda: explanation(aidrules.load(), _case(), lang="de"),
    "explain, worker": lambda: explain(aidrules.load(), _case(), audience="worker", fmt="text", lang="de"),
    "client letter": lambda: explain(aidrules.load(), _case(), audience="client", fmt="markdown", lang="de"),
    "review": lambda: evaluate_review(aidrules.load(), {}, date(2025, 3, 1), lang="de"),
    "yearly report": lambda: make_report("no-journal.sqlite", 2025, "markdown", "de"),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_every_library_entry_point_gives_the_same_unknown_language_diagnostic(entry: str) -> None:
    """Catches an entry point with its own code (EX001, RP001), or none (reviews), or one that
    reads the case or journal first and reports that instead."""
    assert _raised(ENTRY_POINTS[entry]) == unknown_language("de").diagnostics


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", str(EXAMPLE)],
        ["explain", str(EXAMPLE), "--audience", "client"],
        ["batch", "cases.jsonl"],
        ["review", str(REVIEW)],
        ["report", "--journal", "journal.sqlite", "--year", "2025"],
        ["validate", "rules.yaml"],
        ["questions", str(EXAMPLE)],
        ["diff", "a", "b"],
        ["docs", "rules.yaml"],
    ],
    ids=lambda args: args[0],
)
def test_every_command_gives_the_same_unknown_language_diagnostic(args: list[str]) -> None:
    """Catches a command whose `--lang` is refused by the option parser's own usage error (no
    code, no hint) instead of the library's EV006."""
    result = runner.invoke(app, [*args, "--lang", "de"])
    assert result.exit_code == 2
    assert (
        result.stderr.startswith("lang: ") and " EV006: unknown language `de` (use one of nl, fr, en)" in result.stderr
    )
    assert "Usage:" not in result.stderr and result.stdout == ""


def test_a_known_language_still_passes_the_command_line_option() -> None:
    result = runner.invoke(app, ["evaluate", str(EXAMPLE), "--lang", "fr", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert '"lang": "fr"' in result.stdout or '"lang":"fr"' in result.stdout
