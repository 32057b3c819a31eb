"""Every review fixture, reasoned by hand from docs/lifecycle.md, gives the expected review."""

from __future__ import annotations

from pathlib import Path

import pytest

from aidrules.lifecycle.fixtures import load_review_fixture, run_review_fixture
from aidrules.ruleset.compiled import CompiledRuleSet

FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "reviews").glob("*.yaml"))
STOP_REASONS = {"client_request", "goals_reached", "lack_of_cooperation", "moved", "transferred_to_csr", "deceased"}


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_review_fixture(path: Path, reference: CompiledRuleSet) -> None:
    result = run_review_fixture(load_review_fixture(path), reference)
    assert result.passed, f"{path.name}:\n" + "\n".join(result.failures)


def test_fixtures_cover_every_outcome_and_every_stop_reason(reference: CompiledRuleSet) -> None:
    expects = [load_review_fixture(p).expect for p in FIXTURES]
    assert {e["outcome"] for e in expects} == {"continue", "start_phase_out", "step_down", "stop", "undetermined"}
    assert {e.get("stop_reason") for e in expects if e["outcome"] == "stop"} == STOP_REASONS
    assert reference.reviews is not None
    assert {s.id for s in reference.reviews.stop_reasons} == STOP_REASONS


def test_fixtures_cover_overdue_true_false_and_unknown() -> None:
    assert {load_review_fixture(p).expect.get("overdue", "absent") for p in FIXTURES} >= {True, False, None}


def test_a_wrong_expectation_is_reported_in_domain_terms(tmp_path: Path, reference: CompiledRuleSet) -> None:
    source = next(p for p in FIXTURES if p.name.startswith("06-"))
    broken = tmp_path / "broken.yaml"
    broken.write_text(source.read_text(encoding="utf-8").replace("outcome: step_down", "outcome: continue"), "utf-8")
    result = run_review_fixture(load_review_fixture(broken), reference)
    assert not result.passed
    assert result.failures[0].startswith("outcome: expected continue, got step_down")
