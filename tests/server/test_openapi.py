"""GET /openapi.json: a valid OpenAPI 3.1 document; one example request per endpoint validates
against it, and so does the answer the service gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from tests.server.helpers import KEY


@pytest.fixture
def client(make_client: Callable[..., TestClient], tmp_path: Path) -> TestClient:
    key = tmp_path / "journal.key"
    key.write_text(KEY, encoding="utf-8")
    return make_client(journal=tmp_path / "journal.db", key_file=key)


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def _check(spec: dict[str, Any], schema: dict[str, Any], instance: object) -> None:
    errors = list(Draft202012Validator({**schema, "components": spec["components"]}).iter_errors(instance))
    assert not errors, [e.message for e in errors[:3]]


def test_the_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    for name in ("Case", "Decision", "Problem", "RecordRequest", "EntryOut"):
        assert name in spec["components"]["schemas"]


def test_one_example_request_per_endpoint_validates_and_so_does_its_answer(
    client: TestClient, spec: dict[str, Any]
) -> None:
    def example(path: str, media: str = "application/json") -> Any:
        body = spec["paths"][path]["post"]["requestBody"]["content"][media]
        if media == "application/json":
            _check(spec, body["schema"], body["example"])
        return body["example"]

    case = example("/v1/decisions")
    record = example("/v1/journal/decisions")
    calls: list[tuple[str, str, str, dict[str, Any]]] = [
        ("post", "/v1/decisions", "/v1/decisions", {"json": case}),
        ("post", "/v1/explanations", "/v1/explanations", {"json": example("/v1/explanations")}),
        ("post", "/v1/batch", "/v1/batch", {"content": example("/v1/batch", "application/x-ndjson")}),
        ("get", "/v1/rulesets", "/v1/rulesets", {}),
        ("get", "/v1/rulesets/{id}", "/v1/rulesets/noord-limburg-budgethulp", {}),
        ("get", "/v1/schemas/{kind}", "/v1/schemas/decision", {}),
        ("get", "/health", "/health", {}),
        ("get", "/ready", "/ready", {}),
        ("get", "/metrics", "/metrics", {}),
        ("post", "/v1/journal/decisions", "/v1/journal/decisions", {"json": record}),
        ("post", "/v1/journal/entries/{entry_id}/approve", "/v1/journal/entries/1/approve", {}),
        ("get", "/v1/journal/entries", "/v1/journal/entries", {}),
        ("get", "/v1/journal/entries/{entry_id}", "/v1/journal/entries/1", {}),
        ("get", "/v1/journal/verify", "/v1/journal/verify", {}),
    ]
    documented = {(m, p) for p, ops in spec["paths"].items() for m in ops if p != "/openapi.json"}
    assert {(m, p) for m, p, _, _ in calls} == documented
    for method, template, url, kwargs in calls:
        response = client.request(method.upper(), url, **kwargs)
        answers = spec["paths"][template][method]["responses"]
        assert str(response.status_code) in answers, (url, response.status_code, response.text[:300])
        content = answers[str(response.status_code)].get("content", {})
        media = response.headers["content-type"].split(";")[0]
        if media in ("application/json", "application/problem+json"):
            documented_media = content.get(media) or content.get("application/json")
            assert documented_media is not None, (url, media)
            _check(spec, documented_media["schema"], response.json())
        else:
            assert any(media == m or m.startswith("text/") for m in content), (url, media)
