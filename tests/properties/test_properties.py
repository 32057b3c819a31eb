"""Properties that must hold for every input: determinism, closed errors, sound three-valued logic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings

from aidrules import AidrulesError, FactsError
from aidrules.engine.decision import Decision

from .strategies import case_and_partial, complete_case, json_like

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(case=complete_case)
def test_same_input_gives_byte_identical_json(decide: Callable[..., Decision], case: dict[str, Any]) -> None:
    first = decide(case).to_json()
    again = decide(dict(reversed(list(case.items())))).to_json()
    assert first == again


@SETTINGS
@given(data=json_like)
def test_any_json_like_input_decides_or_raises_the_librarys_error(decide: Callable[..., Decision], data: Any) -> None:
    try:
        decision = decide(data)
    except AidrulesError as exc:
        assert exc.diagnostics or str(exc)
        if isinstance(exc, FactsError):
            assert all(d.path for d in exc.diagnostics)
    else:
        assert isinstance(decision, Decision)


def _determined(decision: Decision) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if decision.recommendation != "undetermined":
        out["recommendation"] = decision.recommendation
    for pid, p in decision.principles.items():
        if p.status != "undetermined":
            out[f"principles.{pid}"] = p.status
    for fid, f in decision.forms.items():
        if f.status != "undetermined":
            out[f"forms.{fid}"] = f.status
    for action in decision.actions:
        if action.status == "proposed":
            out[f"actions.{action.id}"] = "proposed"
    return out


@SETTINGS
@given(pair=case_and_partial())
def test_supplying_missing_facts_never_changes_a_determined_outcome(
    decide: Callable[..., Decision], pair: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    full, partial = pair
    with_all = decide(full)
    with_less = decide(partial)
    for key, value in _determined(with_less).items():
        if key.startswith("actions."):
            # a proposed action stays proposed (its amount may still depend on the new facts)
            assert key in _determined(with_all), key
        else:
            assert _determined(with_all).get(key) == value, key
    if with_all.recommendation == "undetermined":
        raise AssertionError("a complete case must be decided")


@SETTINGS
@given(case=complete_case)
def test_complete_cases_are_always_decided(decide: Callable[..., Decision], case: dict[str, Any]) -> None:
    decision = decide(case)
    assert decision.recommendation != "undetermined"
    assert decision.missing_facts == []
