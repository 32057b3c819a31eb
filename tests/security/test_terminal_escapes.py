"""Texts from another OCMW's rule file never drive the social worker's terminal (issue 13).

Each test names, in its docstring, the naive implementation it would catch.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.cli.terminal import SanitisingWriter, clean

from .helpers import minimal_text

runner = CliRunner()

#: YAML double-quoted escapes: \e is ESC, \a is BEL; \x9b is the one-byte CSI of C1.
HOSTILE = r"\e]0;aidrules pwned\a\e[2J\e[1A\x9b2J\r\u202eVolstaat"


def _hostile_rules(tmp_path: Path) -> Path:
    text = minimal_text()
    text = text.replace('"Motivatie {client.motivation} volstaat."', f'"Motivatie {{client.motivation}} {HOSTILE}."')
    text = text.replace("title: {nl: Minimaal,", f'title: {{nl: "Minimaal {HOSTILE}",', 1)
    text = text.replace("because: {nl: Kan,", f'because: {{nl: "Kan {HOSTILE}",', 1)
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _case(tmp_path: Path) -> Path:
    case = tmp_path / "case.yaml"
    case.write_text("on: 2025-03-01\nclient: {motivation: 3}\nincomes: []\n", encoding="utf-8")
    return case


def _assert_clean(output: str, *, escaped: bool = False) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output and "\r" not in output
    assert "\u202e" not in output
    if not escaped:  # JSON (\u001b) and Python's repr (\x1b) show them as visible text, harmless
        assert "]0;" not in output and "[2J" not in output  # the sequences go whole, no remains


@pytest.mark.parametrize(
    "command",
    [
        ["evaluate", "{case}", "--rules", "{rules}"],
        ["evaluate", "{case}", "--rules", "{rules}", "--format", "markdown"],
        ["evaluate", "{case}", "--rules", "{rules}", "--format", "json"],
        ["explain", "{case}", "--rules", "{rules}"],
        ["list", "--rules-dir", "{dir}"],
        ["validate", "{rules}"],
        ["diff", "{rules}", "{rules}"],
    ],
    ids=["evaluate", "evaluate-markdown", "evaluate-json", "explain", "list", "validate", "diff"],
)
def test_terminal_escape_sequences_in_rule_texts_never_reach_the_terminal(tmp_path: Path, command: list[str]) -> None:
    """Catches printing rule-file texts as they are: ``ESC]0;…BEL`` retitled the social worker's
    window and ``ESC[2J`` cleared the screen, from a title, a reason or a recommendation's text."""
    rules = _hostile_rules(tmp_path)
    args = [a.format(case=_case(tmp_path), rules=rules, dir=tmp_path) for a in command]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), result.output
    _assert_clean(result.output, escaped="json" in command)
    if command[0] in ("evaluate", "explain") and "json" not in command:
        assert "Volstaat" in result.output  # the text itself is still printed


def test_escape_sequences_in_diagnostics_on_stderr_are_removed(tmp_path: Path) -> None:
    """Catches cleaning standard output only: a diagnostic on standard error echoes the name of a
    file it cannot read, and a file name may hold an escape sequence too."""
    missing = tmp_path / "zaak\x1b]0;pwned\x07\x1b[2J.yaml"
    result = runner.invoke(app, ["evaluate", str(missing)])
    assert result.exit_code == 2 and "CF004" in result.stderr
    _assert_clean(result.stderr, escaped=True)
    assert "zaak.yaml" in result.stderr  # the name as given, without its sequences


def test_sanitising_writer_keeps_text_new_lines_and_tabs() -> None:
    """Catches an over-eager filter: Dutch and French texts, new lines and tabs stay as written."""
    out = io.StringIO()
    writer = SanitisingWriter(out)  # type: ignore[arg-type]
    writer.write("Leefloon € 1.314,20\tgeïnde schulden, créancier\n")
    assert out.getvalue() == "Leefloon € 1.314,20\tgeïnde schulden, créancier\n"
    assert clean("a\x1b[31mb\x1b[0m\x00c\x7f\x85d") == "abcd"


def test_a_writer_whose_stream_was_closed_first_is_finalised_quietly() -> None:
    """Catches flushing a closed stream when the wrapper is collected: Python 3.13 printed
    "Exception ignored … I/O operation on closed file" for every command a test runner had run."""
    import gc
    import io
    import sys

    from aidrules.cli.terminal import SanitisingWriter

    inner = io.StringIO()
    writer = SanitisingWriter(inner)
    writer.write("tekst\x1b[2J\n")
    assert inner.getvalue() == "tekst\n"
    inner.close()
    writer.flush()  # nothing left to flush: no error
    seen: list[object] = []
    old_hook = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        del writer
        gc.collect()
    finally:
        sys.unraisablehook = old_hook
    assert seen == []
