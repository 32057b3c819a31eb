"""Shared by the service tests: cases as JSON, tokens, in-process clients and a live service."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2 as httpx

from aidrules.facts.parse import read_case_text
from aidrules.server.tokens import create_token

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "fixtures" / "examples").glob("*.yaml"))
REFERENCE = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))
KEY = "a test journal key of more than thirty-two bytes, never used for real"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def case_json(path: Path, key: str | None = None) -> str:
    """A YAML case file (or the ``case`` of a fixture) as the JSON text a client would send."""
    data = read_case_text(path.read_text(encoding="utf-8"), str(path))
    if key is not None:
        data = data[key]
    return json.dumps(_plain(data), ensure_ascii=False)


def make_tokens(path: Path) -> dict[str, str]:
    """One token per role (names: the role with dashes), in a token file at ``path``."""
    people = {"worker": "mw-017", "head_worker": "hmw-003", "policy": "pol-001", "auditor": "aud-001"}
    tokens = {role: create_token(path, role=role, name=name) for role, name in people.items()}
    tokens["worker2"] = create_token(path, role="worker", name="mw-018")
    tokens["head_worker2"] = create_token(path, role="head_worker", name="hmw-004")
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    """A service running in its own process."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from aidrules.cli.main import main; main()", "serve", *args]


@contextmanager
def live_service(tmp: Path, *args: str) -> Iterator[Live]:
    """``aidrules serve`` on a free loopback port; stopped (SIGKILL if need be) afterwards."""
    port = free_port()
    log = tmp / f"serve-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            serve_command("--port", str(port), *args),
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ},
            start_new_session=True,  # its own process group: the workers of `--workers N` go with it
        )
    live = Live(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_ready(live)
        yield live
    finally:
        if process.poll() is None:
            process.terminate()  # uvicorn stops its worker processes on SIGTERM
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
        # Whatever is left of the group (workers of a supervisor killed with -9 by a test) is killed,
        # so no test leaves processes behind.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_ready(live: Live, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if live.process.poll() is not None:
            raise AssertionError(f"the service stopped:\n{live.log.read_text(encoding='utf-8')}")
        try:
            if httpx.get(live.url + "/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the service did not become ready:\n{live.log.read_text(encoding='utf-8')}")
