"""The decision service in process (httpx TestClient): every endpoint and every error class."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.server.helpers import EXAMPLES, REFERENCE, case_json

import aidrules
from aidrules.batch import Options, decide_lines
from aidrules.engine.decision import Decision
from aidrules.errors import FactsError, unknown_language
from aidrules.explain.api import explanation, render_explanation
from aidrules.facts.model import Case
from aidrules.facts.parse import parse_facts
from aidrules.limits import Limits
from aidrules.ruleset.schema import RuleSetFile
from aidrules.server import app as service
from aidrules.server.logs import JsonLines
from aidrules.server.tokens import TokenStore

CASE = case_json(EXAMPLES[0])
ON = "2025-03-01"


def _diagnostics(response_json: dict[str, object]) -> list[tuple[object, object]]:
    errors = response_json["errors"]
    assert isinstance(errors, list)
    return [(e["code"], e["path"]) for e in errors]


# -- decisions ---------------------------------------------------------------------------------------
def test_decision_is_the_library_decision_of_the_case(open_client: TestClient) -> None:
    response = open_client.post("/v1/decisions", content=CASE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = aidrules.load(None, date.fromisoformat(ON)).evaluate(json.loads(CASE))
    assert response.text == expected.to_json()
    assert Decision.model_validate_json(response.content).recommendation == expected.recommendation


def test_decision_takes_on_rules_and_lang_from_the_query(open_client: TestClient) -> None:
    response = open_client.post(
        "/v1/decisions", params={"on": "2024-06-01", "rules": "noord-limburg-budgethulp", "lang": "fr"}, content=CASE
    )
    assert response.status_code == 200
    decision = Decision.model_validate_json(response.content)
    assert decision.on == date(2024, 6, 1)
    assert decision.ruleset.version == "2024.1"
    expected = aidrules.load(None, date(2024, 6, 1)).evaluate(json.loads(CASE), date(2024, 6, 1), lang="fr")
    assert response.text == expected.to_json()


# -- the compact form (Accept: application/vnd.aidrules.decision.compact+json) ------------------------
COMPACT_CASES = [*EXAMPLES, *REFERENCE[:: max(1, len(REFERENCE) // 4)]]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
@pytest.mark.parametrize("fixture", COMPACT_CASES, ids=lambda p: p.stem)
def test_compact_decision_read_back_with_the_rule_set_provenance_is_the_full_body(
    open_client: TestClient, fixture: Path, lang: str
) -> None:
    body = case_json(fixture, None if fixture in EXAMPLES else "case")
    full = open_client.post("/v1/decisions", params={"lang": lang}, content=body)
    compact = open_client.post(
        "/v1/decisions", params={"lang": lang}, content=body, headers={"Accept": service.COMPACT}
    )
    assert full.status_code == compact.status_code == 200, compact.text
    assert compact.headers["content-type"] == service.COMPACT
    assert full.headers["content-type"] == "application/json"
    stamp = json.loads(compact.text)["ruleset"]
    detail = open_client.get(f"/v1/rulesets/{stamp['id']}").json()
    (version,) = [v for v in detail["versions"] if v["version"] == stamp["version"]]
    on = Decision.model_validate_json(full.content).on
    expected = aidrules.load(None, on).evaluate(json.loads(body), on, lang=lang)
    assert compact.text == expected.to_json(compact=True)
    assert full.text == expected.to_json()
    assert Decision.from_compact(compact.content, version["provenance"]).to_json() == full.text


@pytest.mark.parametrize(
    ("accept", "form"),
    [
        (None, "full"),
        ("*/*", "full"),
        ("application/json", "full"),
        ("application/*;q=0.5, text/html", "full"),
        (service.COMPACT, "compact"),
        (f"application/json;q=0.5, {service.COMPACT}", "compact"),
        (f"{service.COMPACT};q=0.9, application/json", "full"),
        (f"{service.COMPACT};q=0, */*;q=0.1", "full"),
        (f"{service.COMPACT.upper()}", "compact"),
    ],
)
def test_the_accept_header_chooses_the_decision_form_by_quality(accept: str | None, form: str) -> None:
    assert service.decision_form(accept) == form


@pytest.mark.parametrize(
    "accept", ["text/html", "application/xml, text/plain;q=0.5", f"{service.COMPACT};q=0", "application/json;q=0"]
)
def test_a_decision_in_an_unknown_media_type_is_refused_with_406(open_client: TestClient, accept: str) -> None:
    response = open_client.post("/v1/decisions", content=CASE, headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "not acceptable"
    assert _diagnostics(response.json()) == [("SV016", "accept")]


def test_invalid_facts_are_refused_with_the_cli_diagnostics(open_client: TestClient) -> None:
    bad = {"on": ON, "client": {"motivation": 9, "consent": True}, "debts": [{"amount": "-5"}]}
    response = open_client.post("/v1/decisions", json=bad)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    with pytest.raises(FactsError) as caught:
        parse_facts(bad)
    assert response.json()["errors"] == [d.to_dict() for d in caught.value.diagnostics]
    assert ("CF001", "client.motivation") in _diagnostics(response.json())


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"{not json", "CF003"), (b"[1, 2]", "CF002"), (b'{"on": "\xff"}', "CF004"), (b'{"on": "yesterday"}', "CF001")],
)
def test_unreadable_bodies_are_invalid_facts(open_client: TestClient, body: bytes, code: str) -> None:
    response = open_client.post("/v1/decisions", content=body)
    assert response.status_code == 422
    assert code in [e["code"] for e in response.json()["errors"]]


def test_a_bad_on_parameter_is_invalid_input(open_client: TestClient) -> None:
    response = open_client.post("/v1/decisions", params={"on": "2025-02-30"}, content=CASE)
    assert response.status_code == 422
    assert _diagnostics(response.json()) == [("CL002", "on")]


@pytest.mark.parametrize("endpoint", ["/v1/decisions", "/v1/explanations"])
def test_an_unknown_language_gives_the_library_error_every_entry_point_gives(
    open_client: TestClient, endpoint: str
) -> None:
    """Catches the service answering an unknown language with its own parameter error (SV008)
    while `evaluate`, `explain`, reviews and the CLI all say EV006."""
    response = open_client.post(endpoint, params={"lang": "de"}, content=CASE)
    assert response.status_code == 422
    assert response.json()["errors"] == [unknown_language("de").diagnostics[0].to_dict()]
    assert response.json()["errors"][0]["code"] == "EV006" and response.json()["errors"][0]["path"] == "lang"


@pytest.mark.parametrize("spec", ["../../etc/passwd", "rules/noord-limburg-budgethulp.yaml", "/tmp/x.yaml", "a b"])
def test_rule_set_named_as_a_file_is_refused_without_reading_it(open_client: TestClient, spec: str) -> None:
    """Attack: a client names a file on the server as its rule set.

    Catches a naive service that hands the `rules` parameter to the library's loader, which
    accepts paths: it would read (and report parts of) any YAML file the service can see."""
    response = open_client.post("/v1/decisions", params={"rules": spec}, content=CASE)
    assert response.status_code == 400
    assert _diagnostics(response.json()) == [("SV002", "rules")]


def test_unknown_rule_set_is_404(open_client: TestClient) -> None:
    response = open_client.post("/v1/decisions", params={"rules": "nergens-budgethulp"}, content=CASE)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "RS501"
    versioned = open_client.post("/v1/decisions", params={"rules": "noord-limburg-budgethulp@1999.9"}, content=CASE)
    assert versioned.status_code == 404


def test_a_date_no_version_covers_is_404(open_client: TestClient) -> None:
    response = open_client.post("/v1/decisions", params={"on": "2019-01-01"}, content=CASE)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "RS502"


@pytest.mark.parametrize(
    ("case", "first"),
    [
        ({"on": "2019-01-01", "client": {"motivation": 9}}, "CF001"),  # invalid, and no version that day
        ({"client": {"motivation": 9}}, "CF001"),  # invalid, no date
        ({"on": "1/3/2025", "client": {"consents": True}}, "CF001"),  # a date in another form
        ({"on": "2025-02-30"}, "CF001"),  # no such day
        ({"on": "2019-01-01"}, "RS502"),  # valid, no version that day
        ({"on": ON, "debts": [{"amount": "1.180,50"}]}, "CF001"),
        ({"on": ON, "client": {"consents": True, "motivation": 2}}, None),
    ],
)
def test_the_direct_admission_answers_as_the_case_models_did(
    open_client: TestClient, make_client: Callable[..., TestClient], case: dict[str, object], first: str | None
) -> None:
    """Catches the direct admission (the date read from the dict before the case is validated,
    ``facts/direct.py``) answering otherwise than validating the case's models first, which the
    service still does within other limits than the default ones: the same status and bytes, the
    facts' errors before the rule set's."""
    models_way = make_client(limits=Limits(max_document_chars=Limits().max_document_chars - 1))
    direct, models = open_client.post("/v1/decisions", json=case), models_way.post("/v1/decisions", json=case)
    assert (direct.status_code, direct.content) == (models.status_code, models.content)
    assert (direct.json()["errors"][0]["code"] if first else direct.status_code) == (first or 200)


def test_declared_oversized_body_is_refused_with_413(make_client: Callable[..., TestClient]) -> None:
    client = make_client(limits=Limits(max_document_chars=1_000))
    response = client.post("/v1/decisions", content=b"{" + b" " * 5_000 + b"}")
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "SV001"


def test_streamed_body_is_cut_off_at_the_limit(make_client: Callable[..., TestClient]) -> None:
    """Attack: an endless chunked body without a Content-Length.

    Catches a service that reads the whole body before checking its size (or trusts the
    declared length): it would read without end; this one stops at the limit."""
    client = make_client(limits=Limits(max_document_chars=1_000))
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"x": "'
        while sent < 10_000_000:
            sent += 500
            yield b"a" * 500

    response = client.post("/v1/decisions", content=endless())
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "SV001"


def test_cases_beyond_the_case_limits_are_refused_not_evaluated(open_client: TestClient) -> None:
    """Attack: a case with more debts than any real one, to make the evaluation slow.

    Catches a service that skips the library's case limits (list sizes): the case must be
    refused before any rule runs."""
    debts = [{"creditor": "X", "kind": "other", "amount": "1.00", "enforcement": "none"}] * 501
    response = open_client.post("/v1/decisions", json={"on": ON, "debts": debts})
    assert response.status_code == 422
    assert response.json()["errors"]


def test_unexpected_failure_is_a_500_problem_with_an_id_and_no_case_data(
    open_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Catches a service whose unexpected errors answer with a traceback, or log one with the
    exception's message (which can quote a value from the case)."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("aidrules.server")
    logger.addHandler(handler)

    secret = "".join(["Jans", "ens Marie, 85.07.30-0", "33.28"])  # not in the source the traceback shows

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError(f"client {secret}")

    monkeypatch.setattr(service, "render_explanation", broken)
    try:
        response = open_client.post("/v1/explanations", content=CASE)
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    body = response.json()
    assert body["errors"][0]["code"] == "SV000" and len(body["id"]) == 16
    assert "Jansens" not in response.text and "Traceback" not in response.text
    logged = sink.getvalue()
    assert "RuntimeError" in logged and body["id"] in logged
    assert "Jansens" not in logged and "033.28" not in logged


# -- explanations ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("audience", "fmt", "media"),
    [
        ("worker", "json", "application/json"),
        ("committee", "markdown", "text/markdown"),
        ("client", "html", "text/html"),
        ("client", "text", "text/plain"),
    ],
)
def test_explanation_is_the_library_explanation(open_client: TestClient, audience: str, fmt: str, media: str) -> None:
    response = open_client.post(
        "/v1/explanations", params={"audience": audience, "format": fmt, "lang": "fr"}, content=CASE
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    rules = aidrules.load(None, date.fromisoformat(ON))
    expected = render_explanation(
        explanation(rules, json.loads(CASE), date.fromisoformat(ON), lang="fr"), audience, fmt
    )
    assert response.text == expected


def test_explanation_refuses_an_unknown_audience(open_client: TestClient) -> None:
    response = open_client.post("/v1/explanations", params={"audience": "neighbour"}, content=CASE)
    assert response.status_code == 422


# -- batch -------------------------------------------------------------------------------------------
BATCH = [
    json.dumps({"on": ON, "client": {"consents": False}}),
    "not json",
    "",
    json.dumps({"client": {"consents": True}}),
    json.dumps({"on": ON, "client": {"motivation": 9}}),
    CASE,
]


def test_batch_answers_every_line_in_order_as_the_batch_command(open_client: TestClient) -> None:
    response = open_client.post("/v1/batch", content="\n".join(BATCH) + "\n")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    got = response.text.splitlines()
    expected = [r.text for r in decide_lines(enumerate(BATCH, start=1), Options())]
    assert got == expected
    lines = [json.loads(line) for line in got]
    assert [item["line"] for item in lines] == [1, 2, 4, 5, 6]
    assert ["decision" in item for item in lines] == [True, False, False, False, True]


def test_batch_on_parameter_dates_every_case(open_client: TestClient) -> None:
    response = open_client.post("/v1/batch", params={"on": "2024-06-01"}, content=BATCH[3] + "\n")
    assert json.loads(response.text)["decision"]["on"] == "2024-06-01"


def test_batch_refuses_an_oversized_line_and_goes_on(make_client: Callable[..., TestClient]) -> None:
    client = make_client(limits=Limits(max_document_chars=2_000))
    body = BATCH[0] + "\n" + '{"x": "' + "a" * 5_000 + '"}\n' + BATCH[0]  # last line without a newline
    lines = [json.loads(line) for line in client.post("/v1/batch", content=body).text.splitlines()]
    assert [item["line"] for item in lines] == [1, 2, 3]
    assert lines[1]["errors"][0]["code"] == "CF005"
    assert "decision" in lines[0] and "decision" in lines[2]


def test_batch_refuses_lines_beyond_its_size(make_client: Callable[..., TestClient]) -> None:
    """Attack: an endless batch. Catches a service that decides every line it is sent."""
    client = make_client(max_batch_lines=2)
    lines = [json.loads(line) for line in client.post("/v1/batch", content=(BATCH[0] + "\n") * 50).text.splitlines()]
    assert len(lines) == 3
    assert lines[-1] == {"line": 3, "errors": [lines[-1]["errors"][0]]}
    assert lines[-1]["errors"][0]["code"] == "SV007"


def test_batch_with_an_unknown_rule_set_is_404_before_any_line(open_client: TestClient) -> None:
    assert open_client.post("/v1/batch", params={"rules": "nergens"}, content=BATCH[0]).status_code == 404
    assert open_client.post("/v1/batch", params={"rules": "../x.yaml"}, content=BATCH[0]).status_code == 400


# -- rule sets, schemas, operations ------------------------------------------------------------------
def test_rulesets_list_every_loaded_version_with_fingerprint_and_layers(open_client: TestClient) -> None:
    listed = open_client.get("/v1/rulesets").json()
    reference = aidrules.load(None, date.fromisoformat(ON))
    item = next(r for r in listed if r["id"] == reference.id and r["version"] == reference.version)
    assert item["fingerprint"] == reference.fingerprint
    assert item["layers"] == list(reference.layers)
    assert item["effective_from"] == reference.meta.effective.from_.isoformat()


def test_ruleset_detail_has_every_version_and_its_metadata(open_client: TestClient) -> None:
    detail = open_client.get("/v1/rulesets/noord-limburg-budgethulp").json()
    assert [v["version"] for v in detail["versions"]] == ["2024.1", "2025.1"]
    assert detail["versions"][1]["metadata"]["id"] == "noord-limburg-budgethulp"
    assert "budget_guidance" in detail["versions"][1]["forms"]
    assert open_client.get("/v1/rulesets/nergens").status_code == 404


@pytest.mark.parametrize(("kind", "model"), [("facts", Case), ("decision", Decision), ("ruleset", RuleSetFile)])
def test_schemas_are_the_models_json_schemas(open_client: TestClient, kind: str, model: type) -> None:
    response = open_client.get(f"/v1/schemas/{kind}")
    assert response.status_code == 200
    assert response.json() == model.model_json_schema(by_alias=True)
    assert open_client.get("/v1/schemas/other").status_code == 422


def test_health_and_ready(open_client: TestClient, catalogue: object) -> None:
    assert open_client.get("/health").json() == {"status": "ok"}
    ready = open_client.get("/ready").json()
    assert ready["status"] == "ready" and ready["open"] is True and ready["journal"] == "not configured"
    assert ready["rulesets"] >= 2


def test_metrics_count_requests_and_decisions_without_case_data(open_client: TestClient) -> None:
    open_client.post("/v1/decisions", content=CASE)
    open_client.post("/v1/decisions", content=b"{}", params={"rules": "nergens"})
    text = open_client.get("/metrics").text
    assert 'aidrules_http_requests_total{route="/v1/decisions",method="POST",status="200"} 1' in text
    assert 'aidrules_http_requests_total{route="/v1/decisions",method="POST",status="404"} 1' in text
    recommendation = json.loads(open_client.post("/v1/decisions", content=CASE).text)["recommendation"]
    assert f'aidrules_decisions_total{{recommendation="{recommendation}"}} 2' in open_client.get("/metrics").text
    assert (
        'aidrules_http_request_duration_seconds_bucket{route="/v1/decisions",le="+Inf"} 3'
        in open_client.get("/metrics").text
    )
    assert "Hechtel" not in text and "1850" not in text


def test_unknown_routes_are_problem_json(open_client: TestClient) -> None:
    response = open_client.get("/v1/nothing")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "SV009"


# -- roles -------------------------------------------------------------------------------------------
ENDPOINTS = {
    "decide": ("POST", "/v1/decisions", {"worker", "head_worker"}),
    "explain": ("POST", "/v1/explanations", {"worker", "head_worker"}),
    "batch": ("POST", "/v1/batch", {"worker", "head_worker"}),
    "rulesets": ("GET", "/v1/rulesets", {"worker", "head_worker", "policy", "auditor"}),
    "schemas": ("GET", "/v1/schemas/facts", {"worker", "head_worker", "policy", "auditor"}),
    "record": ("POST", "/v1/journal/decisions", {"worker", "head_worker"}),
    "approve": ("POST", "/v1/journal/entries/1/approve", {"head_worker"}),
    "list": ("GET", "/v1/journal/entries", {"auditor", "head_worker"}),
    "verify": ("GET", "/v1/journal/verify", {"auditor"}),
}


@pytest.fixture
def guarded(
    make_client: Callable[..., TestClient], tokens: dict[str, str], tokens_file: Path, tmp_path: Path, key_file: Path
) -> TestClient:
    return make_client(tokens=TokenStore.read(tokens_file), journal=tmp_path / "journal.db", key_file=key_file)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("role", ["worker", "head_worker", "policy", "auditor"])
def test_each_role_may_do_only_its_own_work(
    guarded: TestClient, tokens: dict[str, str], endpoint: str, role: str
) -> None:
    method, path, allowed = ENDPOINTS[endpoint]
    body = json.dumps({"dossier": "BB-2025-0142", "facts": json.loads(CASE)}) if endpoint == "record" else CASE
    response = guarded.request(
        method, path, content=body if method == "POST" else None, headers={"authorization": f"Bearer {tokens[role]}"}
    )
    if role in allowed:
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == 403
        assert response.json()["errors"][0]["code"] == "SV006"


@pytest.mark.parametrize("header", [None, "Bearer adr_not-a-token", "Basic bXctMDE3OnB3", "Bearer "])
def test_no_valid_token_is_401(guarded: TestClient, tokens: dict[str, str], header: str | None) -> None:
    headers = {"authorization": header} if header else {}
    for method, path, _ in ENDPOINTS.values():
        response = guarded.request(method, path, content=CASE if method == "POST" else None, headers=headers)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert guarded.get("/health").status_code == 200  # operations stay open for probes


def test_a_token_of_another_service_does_not_match_by_prefix(guarded: TestClient, tokens: dict[str, str]) -> None:
    """Catches a token check that compares only part of the token (or its prefix)."""
    almost = tokens["worker"][:-1] + ("A" if tokens["worker"][-1] != "A" else "B")
    response = guarded.post("/v1/decisions", content=CASE, headers={"authorization": f"Bearer {almost}"})
    assert response.status_code == 401


# -- the journal ------------------------------------------------------------------------------------
def _as(tokens: dict[str, str], role: str) -> dict[str, str]:
    return {"authorization": f"Bearer {tokens[role]}"}


def test_journal_record_approve_list_verify(guarded: TestClient, tokens: dict[str, str]) -> None:
    body = {"dossier": "BB-2025-0142", "facts": json.loads(CASE)}
    recorded = guarded.post("/v1/journal/decisions", json=body, headers=_as(tokens, "worker"))
    assert recorded.status_code == 201, recorded.text
    draft = recorded.json()
    assert draft["status"] == "draft" and draft["prepared_by"] == "mw-017"
    assert draft["dossier_key"].startswith("dk_") and "BB-2025-0142" not in recorded.text
    approved = guarded.post(f"/v1/journal/entries/{draft['id']}/approve", headers=_as(tokens, "head_worker"))
    assert approved.status_code == 201, approved.text
    final = approved.json()
    assert (final["status"], final["approved_by"], final["approves"]) == ("final", "hmw-003", draft["id"])
    assert final["prev_hash"] == draft["entry_hash"]
    listed = guarded.get("/v1/journal/entries", headers=_as(tokens, "auditor")).json()["entries"]
    assert [e["id"] for e in listed] == [draft["id"], final["id"]]
    one = guarded.get(f"/v1/journal/entries/{draft['id']}", headers=_as(tokens, "auditor")).json()
    assert one["decision"]["recommendation"] == draft["outcome"]
    assert guarded.get("/v1/journal/verify", headers=_as(tokens, "auditor")).json() == {
        "ok": True,
        "entries": 2,
        "problems": [],
    }


def test_a_preparer_cannot_approve_their_own_decision(guarded: TestClient, tokens: dict[str, str]) -> None:
    """The four-eyes rule over HTTP: the approver is the token's name, so a head worker who
    recorded a draft cannot approve it; another head worker can."""
    body = {"dossier": "BB-2025-0143", "facts": json.loads(CASE)}
    draft = guarded.post("/v1/journal/decisions", json=body, headers=_as(tokens, "head_worker")).json()
    own = guarded.post(f"/v1/journal/entries/{draft['id']}/approve", headers=_as(tokens, "head_worker"))
    assert own.status_code == 403
    assert own.json()["errors"][0]["code"] == "JR002"
    other = guarded.post(f"/v1/journal/entries/{draft['id']}/approve", headers=_as(tokens, "head_worker2"))
    assert other.status_code == 201
    again = guarded.post(f"/v1/journal/entries/{draft['id']}/approve", headers=_as(tokens, "head_worker2"))
    assert again.status_code == 409


def test_a_worker_cannot_approve(guarded: TestClient, tokens: dict[str, str]) -> None:
    body = {"dossier": "BB-2025-0144", "facts": json.loads(CASE)}
    draft = guarded.post("/v1/journal/decisions", json=body, headers=_as(tokens, "worker")).json()
    response = guarded.post(f"/v1/journal/entries/{draft['id']}/approve", headers=_as(tokens, "worker2"))
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "SV006"


def test_journal_refuses_unknown_entries_and_bad_dossiers(guarded: TestClient, tokens: dict[str, str]) -> None:
    assert guarded.post("/v1/journal/entries/999/approve", headers=_as(tokens, "head_worker")).status_code == 404
    national = {"dossier": "85.07.30-033.28", "facts": json.loads(CASE)}
    refused = guarded.post("/v1/journal/decisions", json=national, headers=_as(tokens, "worker"))
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "JR001"
    assert "033.28" not in refused.text
    shape = guarded.post("/v1/journal/decisions", json={"facts": {}}, headers=_as(tokens, "worker"))
    assert shape.status_code == 422
    facts = guarded.post(
        "/v1/journal/decisions",
        json={"dossier": "BB-1", "facts": {"client": {"motivation": 9}}},
        headers=_as(tokens, "worker"),
    )
    assert facts.status_code == 422 and facts.json()["errors"][0]["path"] == "client.motivation"


def test_without_a_journal_the_journal_endpoints_are_503(open_client: TestClient) -> None:
    response = open_client.get("/v1/journal/verify")
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "SV013"


def test_a_journal_without_its_key_is_read_only(
    make_client: Callable[..., TestClient], tmp_path: Path, key_file: Path
) -> None:
    path = tmp_path / "journal.db"
    writer = make_client(journal=path, key_file=key_file)
    assert writer.post("/v1/journal/decisions", json={"dossier": "BB-7", "facts": json.loads(CASE)}).status_code == 201
    reader = make_client(journal=path)
    assert reader.get("/ready").json()["journal"] == "read-only"
    assert len(reader.get("/v1/journal/entries").json()["entries"]) == 1
    refused = reader.post("/v1/journal/decisions", json={"dossier": "BB-8", "facts": json.loads(CASE)})
    assert refused.status_code == 503 and refused.json()["errors"][0]["code"] == "JR007"
