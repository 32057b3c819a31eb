"""The TypeScript client generated from the committed OpenAPI document, run against a live service.

Its packages are installed by scripts/ensure-ts-client.sh (called by the README's test command
and .ci/run); the test generates the types from clients/typescript/openapi.json, compiles the
client with tsc (which checks every call against those types) and runs it with node.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.server.helpers import EXAMPLES, ROOT, case_json, live_service, make_tokens

import aidrules
from aidrules.cli.serve import openapi_text

CLIENT = ROOT / "clients" / "typescript"


def test_committed_spec_is_the_live_openapi_document(open_client: TestClient) -> None:
    """The client is generated from clients/typescript/openapi.json: it must be what the service
    serves (regenerate with `aidrules serve --openapi > clients/typescript/openapi.json`)."""
    live = open_client.get("/openapi.json").json()
    assert (CLIENT / "openapi.json").read_text(encoding="utf-8") == openapi_text(live)


@pytest.fixture(scope="module")
def built_client() -> Path:
    npm = shutil.which("npm")
    assert npm is not None, "npm is missing: run scripts/ensure-ts-client.sh"
    assert (CLIENT / "node_modules" / "openapi-fetch").is_dir(), "run scripts/ensure-ts-client.sh (npm ci)"
    subprocess.run([npm, "run", "build"], cwd=CLIENT, check=True, capture_output=True, timeout=300)
    return CLIENT / "dist" / "check.js"


def test_generated_typescript_client_against_the_live_service(built_client: Path, tmp_path: Path) -> None:
    tokens = make_tokens(tmp_path / "tokens.json")
    body = case_json(EXAMPLES[0])
    case_file = tmp_path / "case.json"
    case_file.write_text(body, encoding="utf-8")
    node = shutil.which("node")
    assert node is not None
    with live_service(tmp_path, "--tokens", str(tmp_path / "tokens.json")) as live:
        run = subprocess.run(
            [node, str(built_client), live.url, str(case_file)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={"AIDRULES_TOKEN": tokens["worker"], "PATH": str(Path(node).parent)},
        )
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    expected = aidrules.load().evaluate(json.loads(body), lang="fr")
    assert got["health"] == "ok"
    assert f"{expected.ruleset.id}@{expected.ruleset.version}" in got["rulesets"]
    assert got["decision_status"] == 200
    assert got["decision_text"] == expected.to_json()
    assert got["recommendation"] == expected.recommendation
    assert got["invalid_status"] == 422
    assert ["CF001", "client.motivation"] in got["invalid_errors"]
    for lang in ("nl", "fr", "en"):
        full = aidrules.load().evaluate(json.loads(body), lang=lang)
        read_back = got["compact"][lang]
        assert read_back["status"] == 200 and read_back["type"] == "application/vnd.aidrules.decision.compact+json"
        assert read_back["same"], f"{lang}: fromCompact differs from the full body the service sent"
        assert json.loads(read_back["rebuilt"]) == json.loads(full.to_json())
        assert list(json.loads(read_back["rebuilt"])) == list(json.loads(full.to_json()))
    assert got["unacceptable_status"] == 406 and got["unacceptable_codes"] == ["SV016"]
