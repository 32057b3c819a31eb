from __future__ import annotations

from pathlib import Path

import pytest

import aidrules
from aidrules.ruleset.compiled import CompiledRuleSet

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def reference() -> CompiledRuleSet:
    return aidrules.load()


@pytest.fixture(scope="session")
def minimal_text() -> str:
    return (DATA / "minimal.yaml").read_text(encoding="utf-8")
