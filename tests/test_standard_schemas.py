"""The JSON Schemas of `aidrules schema` are standard Draft 2020-12: a stock validator enforces them.

Each rejection test catches a schema that keeps pydantic's own keywords (``decimal_places``,
``gt``), which a standard validator ignores, so it would accept the bad value.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from typer.testing import CliRunner

import aidrules
from aidrules import schemas, text
from aidrules.cli.main import app
from aidrules.readers.yamlload import load_yaml
from aidrules.ruleset.shipped import load as load_ruleset
from aidrules.schemas import KINDS, schema
from aidrules.testing.fixtures import load_fixture, run_fixture

ROOT = Path(__file__).resolve().parents[1]
RULE_FILES = sorted((ROOT / "rules").rglob("*.yaml"))
FIXTURES = sorted((ROOT / "fixtures").rglob("*.yaml"))
CASE_FIXTURES = [p for p in FIXTURES if "reviews" not in p.parts]


def _jsonable(value: Any) -> Any:
    """YAML data as a JSON document holds it: dates as ISO strings, numbers exact."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _yaml(path: Path) -> Any:
    doc, diagnostics = load_yaml(path.read_text(encoding="utf-8"), str(path))
    assert not diagnostics
    return _jsonable(doc.data)


def _validator(kind: str) -> Draft202012Validator:
    # Exact decimals on both sides, as a JSON reader that keeps cents (parse_float=Decimal) sees them.
    loaded = json.loads(json.dumps(schema(kind)), parse_float=Decimal)
    return Draft202012Validator(loaded, format_checker=FormatChecker())


def _errors(kind: str, instance: Any) -> list[str]:
    return [e.message for e in _validator(kind).iter_errors(instance)]


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12_with_id_and_version(kind: str) -> None:
    s = schema(kind)
    Draft202012Validator.check_schema(s)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"].endswith(f"/{kind}.json") and s["x-version"]


@pytest.mark.parametrize("kind", KINDS)
def test_schema_has_no_pydantic_only_keywords(kind: str) -> None:
    """A schema keeping `decimal_places`/`gt`/`ge` looks strict but binds no standard validator."""
    text = json.dumps(schema(kind))
    for keyword in ("decimal_places", "max_digits", '"gt"', '"ge"', '"lt"', '"le"'):
        assert keyword not in text


@pytest.mark.parametrize("kind", KINDS)
def test_every_title_is_dutch_with_french_and_english(kind: str) -> None:
    """Generated English titles ("Csr Revoked On") would reach Dutch-speaking editors' tooltips."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("title"), str):
                titles = node.get("x-titles")
                assert isinstance(titles, dict) and set(titles) == {"nl", "fr", "en"}, node["title"]
                assert node["title"] == titles["nl"]
            if isinstance(node.get("description"), str):
                assert set(node["x-descriptions"]) == {"nl", "fr", "en"}
            for key, value in node.items():
                if key not in ("x-titles", "x-descriptions"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    s = schema(kind)
    walk(s)
    assert s["x-titles"]["nl"]


def test_fact_titles_are_readers_names_not_field_names() -> None:
    client = schema("facts")["$defs"]["Client"]["properties"]
    assert client["csr_revoked_on"]["x-titles"]["nl"].startswith("datum van herroeping")
    assert client["csr_revoked_on"]["x-titles"]["fr"].startswith("date de révocation")
    assert "Csr Revoked On" not in json.dumps(schema("facts"))


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_rule_file_validates_against_the_ruleset_schema(path: Path) -> None:
    """Regional and local layers (`extends`) were flagged by editors using the old schema."""
    assert _errors("ruleset", _yaml(path)) == []


@pytest.mark.parametrize("path", CASE_FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fixture_case_and_its_decision_validate(path: Path) -> None:
    data = _yaml(path)
    assert _errors("facts", data.get("case", data)) == []  # examples/ are bare cases
    if "case" in data:
        decision = run_fixture(load_fixture(path)).decision
    else:
        decision = load_ruleset(None, on=date.fromisoformat(data["on"])).evaluate(aidrules.parse_facts(data))
    assert _errors("decision", json.loads(decision.to_json(), parse_float=Decimal)) == []


def _case(**debt: Any) -> dict[str, Any]:
    return {"on": "2025-03-01", "debts": [{"kind": "energy", **debt}], "incomes": [{"monthly_net": Decimal("10")}]}


@pytest.mark.parametrize(
    ("name", "case"),
    [
        ("negative amount", {"incomes": [{"monthly_net": Decimal("-1.00")}]}),
        ("negative amount as text", {"incomes": [{"monthly_net": "-1.00"}]}),
        ("debt of 0", _case(amount=Decimal("0"))),
        ("debt of 0.00 as text", _case(amount="0.00")),
        ("three decimals", _case(amount=Decimal("12.345"))),
        ("three decimals as text", _case(amount="12.345")),
        ("not a number", _case(amount="abc")),
        ("Belgian decimal comma", _case(amount="500,00")),
        ("unknown key", {"client": {"motivaton": 3}}),
        ("motivation off the scale", {"client": {"motivation": 5}}),
        ("impossible date form", {"on": "01/03/2025"}),
        ("unknown choice", {"household": {"category": "alone"}}),
    ],
)
def test_standard_validator_rejects_invalid_facts(name: str, case: dict[str, Any]) -> None:
    """A schema with pydantic-only keywords lets every one of these through a stock validator."""
    assert _errors("facts", case), name
    with pytest.raises(aidrules.FactsError):  # and the engine agrees
        aidrules.parse_facts(case)


def test_standard_validator_accepts_amounts_as_numbers_or_text() -> None:
    for amount in (Decimal("0.01"), Decimal("1250"), Decimal("1250.5"), "1250.00", "7"):
        assert _errors("facts", _case(amount=amount)) == [], amount


def test_ruleset_schema_refuses_partial_parameters_without_extends() -> None:
    """A partial parameter is only meaningful on top of a base; alone it is an incomplete file."""
    data = _yaml(ROOT / "rules/lokaal/ocmw-voorbeeldgem.yaml")
    assert _errors("ruleset", data) == []
    alone = copy.deepcopy(data)
    del alone["extends"]
    assert _errors("ruleset", alone)
    disabled = copy.deepcopy(alone)
    disabled["disable"] = ["actions.referral"]
    assert _errors("ruleset", disabled)


def test_ruleset_schema_rejects_an_unknown_section_and_a_wrong_extends() -> None:
    data = _yaml(ROOT / "rules/lokaal/ocmw-voorbeeldgem.yaml")
    assert _errors("ruleset", {**data, "paramters": {}})
    assert _errors("ruleset", {**data, "extends": "noord-limburg-budgethulp"})


def test_cli_prints_the_standard_schema() -> None:
    result = CliRunner().invoke(app, ["schema", "facts"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == schema("facts")


class _Reads(dict[str, str]):
    """A catalogue that notes the keys asked of it."""

    def __init__(self, texts: dict[str, str], asked: set[str]) -> None:
        super().__init__(texts)
        self.asked = asked

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)


def test_every_schemas_catalogue_text_is_a_title_or_description_of_a_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `schemas` gettext domain holds exactly the words the three schemas show: a msgid that no
    property, definition or fact reads (a renamed field) would be translated for nobody."""
    asked: set[str] = set()
    catalogue = {lang: _Reads(dict(text.lookup("schemas", lang)), asked) for lang in text.LANGS}
    monkeypatch.setattr(schemas, "_TEXTS", catalogue)
    written = [schema(kind) for kind in KINDS]
    msgids = set(text.lookup("schemas", "en"))
    assert msgids - asked == set(), "texts no schema reads"
    shown = {t for s in written for keyword in ("x-titles", "x-descriptions") for t in _all_values(s, keyword)}
    assert {key: english for key, english in text.lookup("schemas", "en").items() if english not in shown} == {}


def _all_values(node: Any, keyword: str) -> list[str]:
    """The English texts of ``keyword`` (``x-titles``, ``x-descriptions``) everywhere in ``node``."""
    if isinstance(node, list):
        return [t for item in node for t in _all_values(item, keyword)]
    if not isinstance(node, dict):
        return []
    own = [node[keyword]["en"]] if isinstance(node.get(keyword), dict) else []
    return own + [t for key, value in node.items() if key != keyword for t in _all_values(value, keyword)]
