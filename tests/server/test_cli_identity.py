"""POST /v1/decisions answers byte for byte what `aidrules evaluate CASE --format json` prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.server.helpers import EXAMPLES, REFERENCE, case_json
from typer.testing import CliRunner

from aidrules.cli.main import app

runner = CliRunner()
#: Every example, and every fifth reference fixture (a sample across dates, versions and outcomes).
CASES = [(p, None) for p in EXAMPLES] + [(p, "case") for p in REFERENCE[::5]]


@pytest.mark.parametrize(("path", "key"), CASES, ids=[p.stem for p, _ in CASES])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_decision_json_is_byte_identical_to_the_cli(
    open_client: TestClient, tmp_path: Path, path: Path, key: str | None, lang: str
) -> None:
    body = case_json(path, key)
    case_file = tmp_path / "case.json"
    case_file.write_text(body, encoding="utf-8")
    cli = runner.invoke(app, ["evaluate", str(case_file), "--format", "json", "--lang", lang])
    response = open_client.post("/v1/decisions", content=body.encode("utf-8"), params={"lang": lang})
    if cli.exit_code == 0:
        assert response.status_code == 200
        assert response.content == cli.stdout.encode("utf-8")
    else:  # a fixture that expects a refusal: the same diagnostics
        assert cli.exit_code == 2 and response.status_code in (404, 422)
        assert [e["code"] for e in response.json()["errors"]] == [
            line.split(" error ")[1].split(":")[0] for line in cli.stderr.splitlines()
        ]


def test_the_on_parameter_is_the_cli_on_option(open_client: TestClient, tmp_path: Path) -> None:
    body = case_json(EXAMPLES[0])
    case_file = tmp_path / "case.json"
    case_file.write_text(body, encoding="utf-8")
    cli = runner.invoke(app, ["evaluate", str(case_file), "--format", "json", "--on", "2024-06-01"])
    response = open_client.post("/v1/decisions", content=body, params={"on": "2024-06-01"})
    assert cli.exit_code == 0 and response.content == cli.stdout.encode("utf-8")
