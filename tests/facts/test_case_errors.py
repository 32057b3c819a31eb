"""Case-file errors a worker can act on: in their language, at line:column, with a hint for the
Belgian way of writing amounts, yes/no and codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.errors import FactsError
from aidrules.facts.parse import parse_case_text, parse_facts

runner = CliRunner()

CASE = """on: 2025-03-01
client:
  consents: ja
  motivaton: 3
debts:
  - creditor: X
    kind: energy
    amount: "1.180,50"
    enforcement: deurwaarder
"""


def _report(text: str, lang: str, name: str = "case.yaml") -> str:
    with pytest.raises(FactsError) as info:
        parse_case_text(text, name, lang=lang)
    return info.value.report()


def test_yaml_errors_are_located_at_line_and_column() -> None:
    """Catches errors that only name a path: a worker editing a file needs the line."""
    lines = _report(CASE, "en").splitlines()
    assert lines[0].startswith("case.yaml:3:13: error CF001: client.consents:")
    assert lines[1].startswith("case.yaml:4:3: error CF001: client.motivaton: unknown field")
    assert lines[2].startswith("case.yaml:8:13: error CF001: debts[0].amount:")
    assert lines[3].startswith("case.yaml:9:18: error CF001: debts[0].enforcement:")


def test_json_errors_are_located_at_line_and_column() -> None:
    text = json.dumps({"client": {"consents": "oui"}}, indent=2)
    report = _report(text, "fr", "case.json")
    assert report.startswith("case.json:3:17: error CF001: client.consents:")
    assert "n’est pas une valeur oui/non" in report


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("nl", ["is geen ja/nee-waarde", "onbekend veld `motivaton`", "bedoelt u `motivation`?", "is geen bedrag"]),
        ("fr", ["n’est pas une valeur oui/non", "champ inconnu `motivaton`", "n’est pas un montant"]),
        ("en", ["Input should be a valid boolean", "unknown field `motivaton`", "is not an amount"]),
    ],
)
def test_errors_are_in_the_readers_language(lang: str, words: list[str]) -> None:
    """Catches a Dutch worker getting English pydantic messages with --lang nl."""
    report = _report(CASE, lang)
    for w in words:
        assert w in report, (lang, w)


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("consents: ja", "schrijf `true` voor ja"),
        ("consents: nee", "`false` voor nee: false"),
        ('debts: [{amount: "1.180,50"}]', "zonder scheidingsteken voor duizendtallen: 1180.50"),
        ("debts: [{amount: 1.180,50}]", "een komma in een bedrag"),
        ("debts: [{enforcement: deurwaarder}]", "gebruik de code `bailiff`"),
        ("debts: [{enforcement: Huissier}]", "gebruik de code `bailiff`"),
        ("on: 15/03/2025", "2025-03-15"),
    ],
)
def test_belgian_habits_get_a_hint_with_the_value_as_the_file_wants_it(written: str, hint: str) -> None:
    text = written if not written.startswith("consents") else f"client:\n  {written}\n"
    assert hint in _report(text, "nl")


def test_english_messages_without_a_language_are_unchanged() -> None:
    """The Python API's default stays English (existing integrations parse these messages)."""
    with pytest.raises(FactsError) as info:
        parse_facts({"client": {"motivation": 7}})
    assert info.value.diagnostics[0].message == "Input should be less than or equal to 4"


def test_cli_reports_case_errors_in_the_chosen_language(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(case), "--lang", "nl"])
    assert result.exit_code == 2
    assert f"{case}:3:13: error CF001: client.consents: `ja` is geen ja/nee-waarde" in result.stderr
    assert "Traceback" not in result.output
