"""The service as deployed: `aidrules serve` in its own process on a loopback port (uvicorn)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.server.helpers import EXAMPLES, KEY, case_json, live_service, make_tokens, serve_command
from typer.testing import CliRunner

import aidrules
from aidrules.cli.main import app
from aidrules.journal.journal import Journal
from aidrules.server.tokens import TokenStore
from journal_locations import BACKENDS, Locations

runner = CliRunner()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "journal.key"
    path.write_text(KEY, encoding="utf-8")
    return path


def test_end_to_end_with_tokens_journal_and_json_logs(tmp_path: Path, key_file: Path) -> None:
    tokens_file = tmp_path / "tokens.json"
    tokens = make_tokens(tokens_file)
    journal = tmp_path / "journal.db"
    args = (
        "--tokens",
        str(tokens_file),
        "--journal",
        str(journal),
        "--key-file",
        str(key_file),
        "--log-format",
        "json",
    )
    body = case_json(EXAMPLES[1])
    with live_service(tmp_path, *args) as live:
        with live.client(tokens["worker"]) as worker, live.client(tokens["head_worker"]) as head:
            decided = worker.post("/v1/decisions", content=body)
            assert decided.status_code == 200
            assert decided.text == aidrules.load().evaluate(json.loads(body)).to_json()
            with live.client() as anonymous:
                assert anonymous.post("/v1/decisions", content=body).status_code == 401
            draft = worker.post("/v1/journal/decisions", json={"dossier": "HE-2025-0077", "facts": json.loads(body)})
            assert draft.status_code == 201
            final = head.post(f"/v1/journal/entries/{draft.json()['id']}/approve")
            assert final.status_code == 201 and final.json()["approved_by"] == "hmw-003"
        with live.client(tokens["auditor"]) as auditor:
            assert auditor.get("/v1/journal/verify").json() == {"ok": True, "entries": 2, "problems": []}
            ready = auditor.get("/ready").json()
            assert ready == {"status": "ready", "rulesets": ready["rulesets"], "journal": "ok", "open": False}
    log = live.log.read_text(encoding="utf-8")
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    requests = [r for r in records if r["message"] == "request"]
    assert {r["route"] for r in requests} >= {"/v1/decisions", "/v1/journal/decisions", "/v1/journal/verify"}
    assert {"mw-017", "hmw-003", "aud-001"} <= {r.get("staff") for r in requests}
    for secret in ("HE-2025-0077", "Hechtel", "Kredietmaatschappij", tokens["worker"]):  # no personal data, no tokens
        assert secret not in log


def test_open_mode_on_loopback_says_so_at_start(tmp_path: Path) -> None:
    with live_service(tmp_path) as live, live.client() as http:
        assert http.get("/ready").json()["open"] is True
    assert "OPEN MODE" in live.log.read_text(encoding="utf-8")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_refuses_to_start_without_tokens_off_loopback(host: str) -> None:
    """Catches a service that starts open on an address other machines can reach."""
    result = runner.invoke(app, ["serve", "--host", host, "--port", "1"])
    assert result.exit_code == 2
    assert "SV014" in result.stderr


def test_token_create_prints_the_token_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    tokens_file = tmp_path / "tokens.json"
    result = runner.invoke(
        app, ["token", "create", "--role", "head_worker", "--name", "hmw-003", "--tokens", str(tokens_file)]
    )
    assert result.exit_code == 0, result.stderr
    token = result.stdout.strip()
    assert token.startswith("adr_") and len(token) > 40
    stored = tokens_file.read_text(encoding="utf-8")
    assert token not in stored and token[4:] not in stored
    assert oct(tokens_file.stat().st_mode & 0o777) == "0o600"
    identity = TokenStore.read(tokens_file).identify(token)
    assert identity is not None and (identity.name, identity.role) == ("hmw-003", "head_worker")
    again = runner.invoke(
        app, ["token", "create", "--role", "head_worker", "--name", "hmw-003", "--tokens", str(tokens_file)]
    )
    assert again.exit_code == 2 and "SV012" in again.stderr


@pytest.mark.parametrize(("role", "name", "code"), [("boss", "x-1", "SV011"), ("worker", "Jan Peeters", "JR004")])
def test_token_create_refuses_unknown_roles_and_names_that_are_not_staff_ids(
    tmp_path: Path, role: str, name: str, code: str
) -> None:
    result = runner.invoke(
        app, ["token", "create", "--role", role, "--name", name, "--tokens", str(tmp_path / "t.json")]
    )
    assert result.exit_code == 2 and code in result.stderr
    assert not (tmp_path / "t.json").exists()


# -- crash ------------------------------------------------------------------------------------------
@pytest.fixture(params=BACKENDS)
def journal_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where the crash test's journal lives: a SQLite file, or a fresh schema on the PostgreSQL
    test server (dropped afterwards; the test fails when the server cannot be reached)."""
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    where = Locations(request.param, tmp_path, server)
    yield where.new()
    where.drop()


def test_every_acknowledged_entry_survives_a_kill_9(tmp_path: Path, key_file: Path, journal_url: str) -> None:
    """kill -9 of the service while clients record decisions: every entry the service answered
    201 for is in the journal afterwards, unchanged, and the hash chain verifies.

    Catches a service that acknowledges before the store committed (a queue, a write-behind
    cache, an unsynchronised connection), or whose half-written entry breaks the chain."""
    body = json.loads(case_json(EXAMPLES[0]))
    acknowledged: dict[int, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    failures: list[str] = []
    with live_service(tmp_path, "--journal", journal_url, "--key-file", str(key_file)) as live:

        def client(number: int) -> None:
            with live.client() as http:
                sequence = 0
                while not stop.is_set():
                    sequence += 1
                    try:
                        response = http.post(
                            "/v1/journal/decisions", json={"dossier": f"CR-{number}-{sequence}", "facts": body}
                        )
                    except Exception:  # the service died under us: this one was never acknowledged
                        return
                    if response.status_code == 201:
                        entry = response.json()
                        with lock:
                            acknowledged[entry["id"]] = entry["entry_hash"]
                    else:
                        failures.append(response.text)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 40 and time.monotonic() < deadline and not failures:
            time.sleep(0.05)
        os.kill(live.process.pid, signal.SIGKILL)
        live.process.wait(timeout=30)
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert not failures, failures[:2]
    assert len(acknowledged) >= 40
    with Journal.open(journal_url, read_only=True) as journal:
        assert journal.verify() == []
        stored = {e.id: e.entry_hash for e in journal.entries()}
    missing = {i: h for i, h in acknowledged.items() if stored.get(i) != h}
    assert not missing
    # The service starts again on the same journal and goes on with the chain.
    with live_service(tmp_path, "--journal", journal_url, "--key-file", str(key_file)) as live, live.client() as http:
        again = http.post("/v1/journal/decisions", json={"dossier": "CR-AFTER-1", "facts": body})
        assert again.status_code == 201
        assert again.json()["prev_hash"] == stored[max(stored)]


def test_serve_command_is_the_module_entry_point() -> None:
    """The live tests start the `aidrules` script's main with `serve`."""
    result = subprocess.run([*serve_command("--help")], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and "--journal" in result.stdout and "--tokens" in result.stdout


def test_several_worker_processes_share_one_journal_chain(tmp_path: Path, key_file: Path) -> None:
    """`--workers 2`: both processes answer, record into one journal, and the chain holds."""
    journal = tmp_path / "journal.db"
    body = json.loads(case_json(EXAMPLES[0]))
    args = ("--workers", "2", "--journal", str(journal), "--key-file", str(key_file))
    answers: list[int] = []
    with live_service(tmp_path, *args) as live, live.client() as http:
        assert http.post("/v1/decisions", json=body).text == aidrules.load().evaluate(body).to_json()

        def record(n: int) -> None:
            with live.client() as own:
                for i in range(5):
                    response = own.post("/v1/journal/decisions", json={"dossier": f"WK-{n}-{i}", "facts": body})
                    answers.append(response.status_code)

        threads = [threading.Thread(target=record, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert answers == [201] * 20
        assert http.get("/v1/journal/verify").json() == {"ok": True, "entries": 20, "problems": []}
    started = re.findall(r"Started server process \[(\d+)\]", live.log.read_text(encoding="utf-8"))
    assert len(set(started)) == 2
