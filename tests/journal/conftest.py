from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import aidrules
from aidrules.engine.decision import Decision
from aidrules.journal import DossierKeyer, Journal
from aidrules.ruleset.compiled import CompiledRuleSet

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


@pytest.fixture
def journal(tmp_path: Path, keyer: DossierKeyer) -> Journal:
    clock = iter(datetime(2025, 3, 1, 9, 0, s, tzinfo=UTC) for s in range(60))
    j = Journal.open(tmp_path / "journal.db", keyer=keyer, clock=lambda: next(clock))
    yield j  # type: ignore[misc]
    j.close()
