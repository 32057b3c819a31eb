from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import aidrules
from aidrules.engine.decision import Decision
from aidrules.ruleset.compiled import CompiledRuleSet

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


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
