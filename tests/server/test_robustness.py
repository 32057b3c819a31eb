"""What the service accepts and refuses at start, and that no input makes it answer a 500."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.server.helpers import EXAMPLES, ROOT, case_json
from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.errors import RuleSetError, RuleSetNotFoundError
from aidrules.registry.signing import keygen
from aidrules.server.app import ServiceConfig, create_app
from aidrules.server.catalogue import build_catalogue

runner = CliRunner()

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
FIELDS = st.sampled_from(["on", "household", "client", "incomes", "expenses", "debts", "signals", "remi"])
CASES = st.dictionaries(FIELDS, JSON, max_size=5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(CASES, JSON))
def test_no_body_makes_the_service_answer_500(open_client: TestClient, body: Any) -> None:
    """Catches any input the library does not turn into a diagnostic: the service would answer a
    500 (or worse, a traceback) instead of a 4xx with the problem located."""
    response = open_client.post("/v1/decisions", content=json.dumps(body))
    assert response.status_code in (200, 404, 422), response.text
    if response.status_code != 200:
        assert response.json()["errors"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(CASES.map(json.dumps), st.text(max_size=30)), max_size=6))
def test_no_batch_line_makes_the_service_fail(open_client: TestClient, lines: list[str]) -> None:
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    response = open_client.post("/v1/batch", content=text, params={"on": "2025-03-01"})
    assert response.status_code == 200
    # NDJSON lines end at "\n" only: str.splitlines() would also cut at U+0085 or U+2028, which a
    # JSON string may hold as they are (an unknown key echoed in a diagnostic, say).
    assert response.text == "" or response.text.endswith("\n")
    answered = [json.loads(line) for line in response.text.split("\n")[:-1]]
    assert [a["line"] for a in answered] == sorted(a["line"] for a in answered)
    assert all(("decision" in a) != ("errors" in a) for a in answered)
    assert not any(e.get("code") == "INTERNAL" for a in answered for e in a.get("errors", []))


def test_only_the_rule_sets_named_at_start_are_served(tmp_path: Path) -> None:
    catalogue = build_catalogue(["noord-limburg-budgethulp@2025.1"])
    assert [e.label for e in catalogue.entries] == ["noord-limburg-budgethulp@2025.1"]
    with TestClient(create_app(ServiceConfig(catalogue=catalogue))) as client:
        body = case_json(EXAMPLES[0])
        assert client.post("/v1/decisions", content=body).status_code == 200
        older = client.post("/v1/decisions", content=body, params={"on": "2024-06-01"})
        assert older.status_code == 404 and older.json()["errors"][0]["code"] == "RS502"
        other = client.post("/v1/decisions", content=body, params={"rules": "ocmw-voorbeeldgem"})
        assert other.status_code == 404


def test_an_unknown_rule_set_at_start_stops_the_service() -> None:
    with pytest.raises(RuleSetNotFoundError):
        build_catalogue(["nergens-budgethulp"])


def test_a_base_layer_alone_is_not_served() -> None:
    with pytest.raises(RuleSetError) as caught:
        build_catalogue([str(next((ROOT / "rules" / "federaal").glob("*.yaml")))])
    assert caught.value.diagnostics[0].code == "SV004"


def test_unsigned_rule_sets_stop_the_service_when_a_key_is_required(tmp_path: Path) -> None:
    """--public-key: the rule sets are verified at start; an unsigned one means no service."""
    _, public = keygen(tmp_path, "ocmw")
    result = runner.invoke(app, ["serve", "--public-key", str(public), "--port", "1"])
    assert result.exit_code == 2
    assert "RS8" in result.stderr


def test_the_service_decides_with_the_served_version_of_the_date() -> None:
    catalogue = build_catalogue()
    assert catalogue.select(None, date(2024, 6, 1)).version == "2024.1"
    assert catalogue.select("noord-limburg-budgethulp@2025.1", date(2024, 6, 1)).version == "2025.1"


def test_a_served_version_given_twice_with_different_content_stops_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Catches a catalogue that takes the first copy it finds: an archived draft of the regional
    rule set under the same id@version (other amounts) in a folder searched first would decide
    every request. The service refuses to start (RS505) and names both files."""
    from aidrules.registry.index import refresh
    from aidrules.ruleset.shipped import shipped_rules_dir

    text = (shipped_rules_dir() / "noord-limburg-budgethulp.yaml").read_text(encoding="utf-8")
    draft = tmp_path / "rules" / "archief" / "noord-limburg-budgethulp.yaml"
    draft.parent.mkdir(parents=True)
    draft.write_text(text.replace("value: 36,", "value: 48,", 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # its rules/ comes before the installed rule sets
    refresh()
    try:
        with pytest.raises(RuleSetError) as info:
            build_catalogue(["noord-limburg-budgethulp@2025.1"])
    finally:
        monkeypatch.undo()
        refresh()
    d = info.value.diagnostics[0]
    assert d.code == "RS505" and str(draft) in d.message
