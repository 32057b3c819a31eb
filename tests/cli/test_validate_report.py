"""`aidrules validate` as a policy maker meets it (issue 17): every problem of a file in one run,
in nl/fr/en, with the source line and a caret, range checks against the fact scale and hints for
numbers written the Belgian way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.diagnostic_text import excerpt, localise, render_text
from aidrules.errors import Diagnostic, RuleSetError, Severity, Span
from aidrules.ruleset.compile import check_ruleset, compile_text, load_ruleset

DATA = Path(__file__).resolve().parents[1] / "data"
EIGHT = DATA / "eight_mistakes.yaml"
runner = CliRunner()


def _line(path: Path, text: str) -> int:
    """The (first) line of ``path`` that contains ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def _column(path: Path, line_text: str, needle: str) -> int:
    line = path.read_text(encoding="utf-8").splitlines()[_line(path, line_text) - 1]
    return line.index(needle) + 1


# The eight planted mistakes of the issue: (code, a text on the line where it is, what it says).
PLANTED = [
    ("RS101", "policy_choise:", "policy_choise"),  # misspelt key
    ("RS103", "intrusiveness: veel", "intrusiveness"),  # wrong type
    ("RS203", "total_incme > 0", "total_incme"),  # unknown name in an expression
    ("RS104", "value: 500,00", "500,00"),  # `500,00` as an amount
    ("RS209", "value: 5, source", "5 is outside the scale 0–4"),  # motivation minimum of 5
    ("RS005", "from: 2024-13-01", "2024-13-01"),  # a date that does not exist
    ("RS002", "source: visienota", "source"),  # duplicate key
    ("RS102", "title: {nl: Inkomen, fr: Revenu}", "`en`"),  # a text without its English
]


def test_eight_planted_mistakes_are_all_reported_in_one_run() -> None:
    """Catches a schema stage that stops the compiler: the misspelt key used to hide the other
    seven mistakes, which came one by one after fixing the one before."""
    found = check_ruleset(EIGHT)
    for code, line_text, words in PLANTED:
        line = _line(EIGHT, line_text)
        hits = [d for d in found if d.code == code and d.span is not None and d.span.line == line]
        assert hits, f"{code} on line {line} missing from {[str(d) for d in found]}"
        assert any(words in d.message for d in hits), [str(d) for d in hits]
        assert all(d.span is not None and d.span.file == str(EIGHT) for d in hits)


def test_misspelt_key_does_not_hide_an_unknown_name() -> None:
    """Catches `validate` returning after the shape check: with only a misspelt key and a typing
    error in an expression, both must be reported."""
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("    policy_choice:", "    policy_choise:").replace(
        ">= minimum_motivation", ">= minimum_motivaton"
    )

    with pytest.raises(RuleSetError) as caught:
        compile_text(text, "edited.yaml")
    codes = [d.code for d in caught.value.diagnostics]
    assert "RS101" in codes and "RS203" in codes


def test_item_set_aside_for_its_shape_is_not_reported_again_as_unknown() -> None:
    """Catches the set-aside form echoing as "the recommendation names unknown form": the
    problem is its intrusiveness, said once, where it is written."""
    found = check_ruleset(EIGHT)
    assert not [d for d in found if d.code == "RS302"], [str(d) for d in found]
    assert len([d for d in found if d.code == "RS103"]) == 1


def test_a_date_that_does_not_exist_is_reported_once() -> None:
    """Catches the shape check repeating the YAML stage's RS005 as a second error at the same place."""
    line = _line(EIGHT, "from: 2024-13-01")
    at_line = [d for d in check_ruleset(EIGHT) if d.span is not None and d.span.line == line]
    assert [d.code for d in at_line] == ["RS005"]


def test_a_file_with_only_shape_errors_still_compiles_nothing() -> None:
    """Catches the repaired model being used to build a rule set: a file with errors never loads."""

    with pytest.raises(RuleSetError):
        load_ruleset(EIGHT)


def test_motivation_minimum_outside_the_scale_is_located_at_the_value(tmp_path: Path) -> None:
    """Catches a minimum of 5 being reported only through its consequences (a condition that never
    holds): the message says 5 lies outside the scale 0–4, at the 5 itself."""
    path = tmp_path / "five.yaml"
    path.write_text(
        (DATA / "minimal.yaml").read_text(encoding="utf-8").replace("value: 2,", "value: 5,"), encoding="utf-8"
    )
    [d] = [d for d in check_ruleset(path) if d.code == "RS209"]
    assert d.span is not None
    assert (d.span.line, d.span.column) == (_line(path, "value: 5,"), _column(path, "value: 5,", "5,"))
    result = runner.invoke(app, ["validate", str(path), "--no-static", "--lang", "nl"])
    assert "5 ligt buiten de schaal 0–4 van `client.motivation`" in result.stderr
    fr = runner.invoke(app, ["validate", str(path), "--no-static", "--lang", "fr"])
    assert "5 est hors de l’échelle 0–4" in fr.stderr


def test_literal_outside_the_scale_is_located_in_the_expression(tmp_path: Path) -> None:
    path = tmp_path / "seven.yaml"
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace(">= minimum_motivation", ">= 7 or client.motivation >= 1"), encoding="utf-8")
    [d] = [d for d in check_ruleset(path) if d.code == "RS209"]
    assert d.span is not None and d.severity is Severity.WARNING
    assert (d.span.line, d.span.column) == (_line(path, ">= 7"), _column(path, ">= 7", "7"))
    # the scale's own ends are fine
    path.write_text(text.replace(">= minimum_motivation", ">= 4 or client.motivation >= 0"), encoding="utf-8")
    assert not [d for d in check_ruleset(path) if d.code == "RS209"]


@pytest.mark.parametrize(("written", "fixed"), [("500,00", "500.00"), ("1.180,50", "1180.50")])
def test_belgian_amount_gets_a_hint_how_to_write_it(tmp_path: Path, written: str, fixed: str) -> None:
    """Catches an amount written the Belgian way failing with only "needs amount (EUR)"."""
    text = (DATA / "eight_mistakes.yaml").read_text(encoding="utf-8").replace("500,00", written)
    path = tmp_path / "amount.yaml"
    path.write_text(text, encoding="utf-8")
    [d] = [d for d in check_ruleset(path) if d.code == "RS104"]
    assert d.hint == f"write {fixed}"
    result = runner.invoke(app, ["validate", str(path), "--no-static", "--lang", "nl"])
    assert f"(schrijf {fixed})" in result.stderr


def test_belgian_number_in_an_expression_gets_the_hint(tmp_path: Path) -> None:
    path = tmp_path / "expr.yaml"
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace(">= minimum_motivation", ">= 2 and total_income > 1.180,50"), encoding="utf-8")
    hints = [d.hint for d in check_ruleset(path) if d.code.startswith("RS2")]
    assert "write 1180.50" in hints


def test_validate_prints_the_source_line_and_a_caret_under_the_column() -> None:
    result = runner.invoke(app, ["validate", str(EIGHT), "--no-static", "--lang", "en"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    head = next(i for i, line in enumerate(lines) if "RS203" in line)
    source, caret = lines[head + 1], lines[head + 2]
    assert source.endswith("when: client.motivation >= minimum_motivation and total_incme > 0")
    # the caret stands under the first letter of the unknown name
    assert caret.rstrip().endswith("^") and source[len(caret.rstrip()) - 1 :].startswith("total_incme")


def test_every_command_shows_diagnostics_with_their_source_line(tmp_path: Path) -> None:
    """Catches a per-command printer: `evaluate` with a broken rule file shows the same excerpt."""
    case = Path(__file__).resolve().parents[2] / "fixtures" / "examples" / "single-parent-guidance.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (DATA / "minimal.yaml").read_text(encoding="utf-8").replace("client.motivation >=", "client.motivaton >="),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["evaluate", str(case), "--rules", str(bad)])
    assert result.exit_code == 2
    assert "    when: client.motivaton >= minimum_motivation" in result.stderr and "^" in result.stderr


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("nl", ["fout RS101: onbekende sleutel `policy_choise` (bedoelt u `policy_choice`?)", "onbekende naam"]),
        (
            "fr",
            ["erreur RS101: clé inconnue `policy_choise` (vouliez-vous dire `policy_choice`\u00a0?)", "nom inconnu"],
        ),
        ("en", ["error RS101: unknown key `policy_choise` (did you mean `policy_choice`?)", "unknown name"]),
    ],
)
def test_validate_speaks_the_readers_language(lang: str, words: list[str]) -> None:
    result = runner.invoke(app, ["validate", str(EIGHT), "--no-static", "--lang", lang])
    for w in words:
        assert w in result.stderr, result.stderr


def test_the_planted_mistakes_are_all_worded_in_dutch() -> None:
    """Catches a catalogue whose English keys no longer match what the checks write: the message
    would fall back to the summary followed by English (`—`)."""

    for d in check_ruleset(EIGHT):
        assert " — " not in localise(d, "nl").message, d


def test_python_api_messages_stay_english() -> None:
    messages = {d.code: d.message for d in check_ruleset(EIGHT)}
    assert messages["RS101"] == "unknown key `policy_choise`"
    assert messages["RS209"].startswith("5 is outside the scale 0–4")


def test_validate_json_is_unchanged_by_the_language() -> None:
    nl = json.loads(runner.invoke(app, ["validate", str(EIGHT), "--no-static", "--format", "json"]).stdout)
    assert {d["code"] for d in nl} >= {code for code, _, _ in PLANTED}
    assert all(d["line"] and d["column"] for d in nl)


def test_excerpt_of_a_very_long_line_is_cut_around_the_column() -> None:
    """Catches a renderer that prints a 20,000-character line whole (a hostile or minified file)."""

    line = "x" * 10_000 + "HERE" + "y" * 10_000
    d = Diagnostic("RS001", "invalid YAML", Span("f.yaml", 1, 10_001))
    source, caret = excerpt(d, [line])
    assert len(source) < 200
    assert source[caret.index("^")] == "H"


def test_excerpt_is_left_out_when_the_file_cannot_be_read() -> None:

    d = Diagnostic("RS101", "unknown key `x`", Span("/nonexistent/rules.yaml", 3, 4))
    assert render_text([d], "nl") == "/nonexistent/rules.yaml:3:4: fout RS101: onbekende sleutel `x`"


def test_belgian_amount_in_a_flow_mapping_is_explained(tmp_path: Path) -> None:
    """Catches `{value: 500,00}` ending in "unknown key `00`, allowed here: from, value, source":
    the comma split the amount; the hint says how to write it."""
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8").replace("value: 2,", "value: 500,00,")
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    [d] = [d for d in check_ruleset(path) if d.code == "RS101"]
    assert d.message == "unknown key `00`" and d.hint is not None and d.hint.endswith("write 500.00")
    result = runner.invoke(app, ["validate", str(path), "--no-static", "--lang", "nl"])
    assert "een komma tussen `{…}` begint een nieuwe sleutel: schrijf 500.00" in result.stderr


def test_validate_language_follows_the_locale(tmp_path: Path) -> None:
    """Catches `--lang` defaulting to Dutch whatever the locale says (as it did for RS507–RS509)."""
    script = "import sys\nfrom aidrules.cli.main import main\nsys.argv = ['aidrules', *sys.argv[1:]]\nmain()\n"
    env = {**os.environ, "LC_ALL": "fr_BE.UTF-8", "LANG": "fr_BE.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-c", script, "validate", str(EIGHT), "--no-static"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "erreur RS101: clé inconnue `policy_choise`" in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("code", "old", "new"),
    [
        ("RS202", "client.motivation >=", "client.motivaton >="),
        ("RS205", ">= minimum_motivation", ">= abss(minimum_motivation)"),
        ("RS201", "sum(i.monthly_net for i in incomes)", "summ(i.monthly_net for i in incomes)"),
        ("RS206", ">= minimum_motivation", ">= minimum_motivation and household.category == 'alone'"),
        ("RS204", ">= minimum_motivation", ">= date('2024-01-01')"),
        ("RS302", "requires: [motivation.minimum]", "requires: [motivation.minimun]"),
        ("RS301", "expr: sum(i.monthly_net for i in incomes)", "expr: total_income + 1"),
        ("RS401", "{from: 2024-01-01, value: 2,", "{from: 2024-02-01, value: 2,"),
        ("RS105", "  total_income:\n", "  minimum_motivation:\n"),
        ("RS201", "sum(i.monthly_net for i in incomes)", "sum(i.monthly_net for i in incomes) +"),
        ("RS106", "effective: {from: 2024-01-01}", "effective: {from: 2024-01-01, until: 2023-01-01}"),
    ],
)
def test_common_mistakes_are_worded_in_dutch_and_french(tmp_path: Path, code: str, old: str, new: str) -> None:
    """Catches a catalogue key that no longer matches the English message a check writes: the
    reader would get the code's summary followed by English (`—`) instead of a sentence."""
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "one.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = [d for d in check_ruleset(path) if d.code == code]
    assert found, [str(d) for d in check_ruleset(path)]
    for d in found:
        for lang in ("nl", "fr"):
            worded = localise(d, lang)
            assert " — " not in worded.message and worded.message != d.message, (lang, d)


def test_aidrules_test_shows_an_invalid_fixture_with_its_source_line(tmp_path: Path) -> None:
    """Catches `aidrules test` printing diagnostics its own way: an invalid fixture is shown with
    the line of the file, like `validate` shows a rule file."""
    reference = Path(__file__).resolve().parents[2] / "fixtures" / "reference"
    first = sorted(reference.glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8").replace("\nexpect:", "\nexpectt_typo: 1\nexpect:", 1)
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["test", str(tmp_path)])
    assert "FX002" in result.output and "| expectt_typo: 1" in result.output, result.output
