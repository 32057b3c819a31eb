"""The reference policy written by hand (benchmarks/handwritten.py, from docs/reference-policy.md)
decides as the rule set does: an independent check of both, and the benchmark's speed limit."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

import aidrules
from aidrules.facts.parse import parse_facts
from aidrules.testing import load_fixture

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


handwritten = _module("handwritten")
population = _module("population")


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_the_hand_written_policy_recommends_what_each_fixture_expects(path: Path) -> None:
    fixture = load_fixture(path)
    case = parse_facts(fixture.case)
    assert case.on is not None
    assert handwritten.decide(case, case.on).recommendation == fixture.expect["recommendation"]


def test_the_hand_written_policy_agrees_with_the_engine_on_generated_cases() -> None:
    for data in population.population(400, 21, unknowns=0.3):
        case = parse_facts(data)
        assert case.on is not None
        hand = handwritten.decide(case, case.on)
        decision = aidrules.load(None, case.on).evaluate(case)
        assert hand.recommendation == decision.recommendation
        assert hand.principles == {k: p.status for k, p in decision.principles.items()}
        assert hand.forms == {k: f.status for k, f in decision.forms.items()}
        assert hand.actions == {a.id for a in decision.actions if a.status == "proposed"}
