from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

import aidrules
from aidrules.engine.decision import Decision
from aidrules.ruleset.compiled import CompiledRuleSet
from journal_locations import POSTGRES_URL

#: durable_rules 2.0.28 neither builds nor imports on Python 3.13+, so the durable extra is not
#: installed there (pyproject.toml); tests marked ``durable`` are skipped on those interpreters only.
DURABLE_CAN_EXIST = sys.version_info < (3, 13)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if DURABLE_CAN_EXIST:
        return  # on 3.11 and 3.12 a missing durable extra is a failure, never a skip
    skip = pytest.mark.skip(reason="the durable_rules backend cannot exist on Python 3.13+")
    for item in items:
        if item.get_closest_marker("durable") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def reference() -> CompiledRuleSet:
    return aidrules.load()


def _decide(case: Any, on: date | None = None) -> Decision:
    day = on
    if day is None and isinstance(case, dict):
        raw = case.get("on")
        try:
            day = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        except ValueError:
            day = None
    if day is None or not date(2024, 1, 1) <= day:
        return aidrules.load().evaluate(case, on)  # raises the library's own error for bad input
    return aidrules.load(None, day).evaluate(case, day)


@pytest.fixture(scope="session")
def decide() -> Callable[..., Decision]:
    """Evaluate with the version of the reference rule set in force on the decision date."""
    return _decide


@pytest.fixture(scope="session")
def minimal_text() -> str:
    return (DATA / "minimal.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The test server's URL; the test fails (never skips) when it cannot be reached."""
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=5) as db:
            db.execute("SELECT 1")
    except psycopg.Error as exc:
        pytest.fail(
            f"the PostgreSQL test server is not reachable ({exc.__class__.__name__}: {str(exc).strip()}); "
            "run `bash scripts/ensure-postgres.sh` (or set AIDRULES_TEST_POSTGRES_URL)",
            pytrace=False,
        )
    return POSTGRES_URL
