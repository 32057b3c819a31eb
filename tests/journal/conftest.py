from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import aidrules
from aidrules.engine.decision import Decision
from aidrules.journal import DossierKeyer, Journal
from aidrules.ruleset.compiled import CompiledRuleSet
from journal_locations import BACKENDS, Locations

SECRET = b"test-secret-key-of-the-ocmw-0123456789abcdef"

CASE = {
    "on": "2025-03-01",
    "household": {"category": "single", "adults": 1, "children": []},
    "client": {
        "consents": True,
        "shares_information": True,
        "participates": True,
        "motivation": 3,
        "budgeting_skills": "adequate",
        "wants_to_keep_control": True,
    },
    "incomes": [{"kind": "wage", "monthly_net": "1700.00", "stable": True}],
    "expenses": [{"kind": "rent", "monthly": "650.00"}, {"kind": "energy", "monthly": "120.00"}],
    "debts": [{"creditor": "Energieleverancier NV", "kind": "energy", "amount": "3000.00", "enforcement": "reminder"}],
    "signals": {"eviction_threat": False, "utility_cutoff_threat": False, "income_seized": False},
}


@pytest.fixture(scope="session")
def case() -> dict[str, Any]:
    return copy.deepcopy(CASE)


@pytest.fixture(scope="session")
def rules() -> CompiledRuleSet:
    return aidrules.load(None, date(2025, 3, 1))


@pytest.fixture(scope="session")
def guidance(rules: CompiledRuleSet) -> Decision:
    decision = rules.evaluate(CASE)
    assert decision.recommendation == "budget_guidance"
    return decision


@pytest.fixture
def keyer() -> DossierKeyer:
    return DossierKeyer(SECRET)


@pytest.fixture(params=BACKENDS)
def locations(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Locations]:
    """Where journals go, for each store: SQLite files and PostgreSQL schemas (one per journal)."""
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    where = Locations(request.param, tmp_path, server)
    yield where
    where.drop()


@pytest.fixture
def journal_url(locations: Locations) -> str:
    return locations.new()


def _clock() -> Any:
    ticks = iter(datetime(2025, 3, 1, 9, 0, s, tzinfo=UTC) for s in range(60))
    return lambda: next(ticks)


@pytest.fixture
def journal(journal_url: str, keyer: DossierKeyer) -> Iterator[Journal]:
    """A new journal on each store (SQLite and PostgreSQL)."""
    j = Journal.open(journal_url, keyer=keyer, clock=_clock())
    yield j
    j.close()


@pytest.fixture
def sqlite_journal(tmp_path: Path, keyer: DossierKeyer) -> Iterator[Journal]:
    """A new SQLite journal at tmp_path/journal.db, for tests that open the file themselves."""
    j = Journal.open(tmp_path / "journal.db", keyer=keyer, clock=_clock())
    yield j
    j.close()
