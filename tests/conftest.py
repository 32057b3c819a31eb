from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

import aidrules
from aidrules.engine.decision import Decision
from aidrules.readers import usercache
from aidrules.ruleset import cache
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


_CACHE_BEFORE = os.environ.get(cache.ENV_DIR)


def pytest_configure(config: pytest.Config) -> None:
    """The tests (and the commands they start) cache parsed rule files in a folder of their own,
    never in the user's cache directory: set before collection, which already loads rule sets."""
    os.environ[cache.ENV_DIR] = tempfile.mkdtemp(prefix="aidrules-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.get(cache.ENV_DIR, ""), ignore_errors=True)
    if _CACHE_BEFORE is None:
        os.environ.pop(cache.ENV_DIR, None)
    else:
        os.environ[cache.ENV_DIR] = _CACHE_BEFORE


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new, empty per-user cache (``AIDRULES_CACHE_DIR``), turned on whatever the environment says."""
    directory = tmp_path / "cache"
    monkeypatch.setenv(usercache.ENV_DIR, str(directory))
    monkeypatch.delenv(usercache.ENV_OFF, raising=False)
    return directory


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


def edited_reference_copy() -> str:
    """A policy maker's edited copy of the reference rule set (issue 17's scenario): version
    2025.2 from 2025-07-01, reasonable repayment 36 → 48 months and minimum motivation 2 → 3 from
    that date. Approval and changelog are left as the predecessor's, as a hurried edit does."""
    text = (ROOT / "rules" / "noord-limburg-budgethulp.yaml").read_text(encoding="utf-8")
    motivation = (
        '      - {from: 2024-01-01, value: 2, source: "Visienota Noord-Limburg, uitgangspunt 4 (drempel: '
        + 'beleidskeuze)"}'
    )
    months = (
        '      - {from: 2024-01-01, value: 36, source: "Beleidskeuze (geen wettelijke norm; plannen CSR '
        + 'tot ca. 7 jaar)"}'
    )
    decided = 'source: "Beslissing RMW 2025 (scenario)"}'
    edits = [
        ('  version: "2025.1"', '  version: "2025.2"'),
        ("  effective:\n    from: 2025-02-01", "  effective:\n    from: 2025-07-01"),
        (motivation, f"{motivation}\n      - {{from: 2025-07-01, value: 3, {decided}"),
        (months, f"{months}\n      - {{from: 2025-07-01, value: 48, {decided}"),
    ]
    for old, new in edits:
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    return text


def motivation_fixture_after_change() -> str:
    """Fixture 018 (motivation 2, at the old minimum) decided after the change: below the new minimum 3."""
    text = (ROOT / "fixtures" / "reference" / "018-motivation-2-at-minimum.yaml").read_text(encoding="utf-8")
    case = text[text.index("case:") : text.index("expect:")].replace("on: 2025-03-01", "on: 2025-08-01")
    return (
        "title: Motivatie 2 ligt onder het nieuwe minimum 3\n"
        "rules: noord-limburg-budgethulp\n"
        f"{case}"
        "expect:\n  recommendation: none\n  principles:\n    motivation: not_satisfied\n"
    )


@pytest.fixture
def policy_project(tmp_path: Path) -> Path:
    """A policy maker's folder: the edited copy in ``rules/`` and one fixture in ``fixtures/mine``."""
    project = tmp_path / "beleid"
    (project / "rules").mkdir(parents=True)
    (project / "fixtures" / "mine").mkdir(parents=True)
    (project / "rules" / "noord-limburg-budgethulp-2025.2.yaml").write_text(edited_reference_copy(), encoding="utf-8")
    (project / "fixtures" / "mine" / "motivatie.yaml").write_text(motivation_fixture_after_change(), encoding="utf-8")
    return project
