"""The one fact-tree builder (``facts/tree.py``): a key is present exactly when its fact is known.

The expected tree is written here from the *input* (what the caller gave), not from the builder's
own source: a field given with a value is present with its validated value; a field left out is
absent (unknown); a field given as ``null`` is absent, except the event fields and optional
inputs, where ``null`` (or, for ``remi``, leaving it out) is a known "never" / "not supplied".
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import aidrules
from aidrules.facts.model import EVENT_FIELDS, OPTIONAL_INPUTS, Case
from aidrules.facts.parse import parse_facts
from aidrules.facts.tree import fact_tree
from properties.strategies import case_and_partial, json_like

SETTINGS = settings(max_examples=300, deadline=None)


def _expected(data: dict[str, Any], model: Any, prefix: str = "") -> dict[str, Any]:
    """The tree by its definition, with each known leaf the validated value from ``model``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if path == "on":
            continue  # the decision date is no fact
        if value is None:
            if path in EVENT_FIELDS or path in OPTIONAL_INPUTS:
                out[key] = None
            continue
        validated = getattr(model, key)
        if isinstance(value, dict):
            out[key] = _expected(value, validated, f"{path}.")
        elif isinstance(value, list):
            out[key] = [
                _expected(item, checked, f"{path}.") if isinstance(item, dict) else checked
                for item, checked in zip(value, validated, strict=True)
            ]
        else:
            out[key] = validated
    if not prefix:
        for name in OPTIONAL_INPUTS:
            out.setdefault(name, None)
    return out


@st.composite
def cases_with_nulls(draw: st.DrawFn) -> dict[str, Any]:
    """A complete or partial case where some fields (event fields among them) are given as null."""
    full, partial = draw(case_and_partial())
    data: dict[str, Any] = draw(st.sampled_from([full, partial]))
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = {k: None if draw(st.integers(0, 6)) == 0 else v for k, v in value.items()}
            if key == "client" and draw(st.booleans()):
                value["csr_revoked_on"] = None
        out[key] = None if key not in ("on",) and draw(st.integers(0, 12)) == 0 else value
    return out


def _paths(tree: Any, prefix: str = "") -> set[str]:
    if isinstance(tree, dict):
        found = {prefix} if prefix else set()
        for key, value in tree.items():
            found |= _paths(value, f"{prefix}.{key}" if prefix else key)
        return found
    if isinstance(tree, list):
        found = {prefix}
        for i, item in enumerate(tree):
            found |= _paths(item, f"{prefix}[{i}]")
        return found
    return {prefix}


@SETTINGS
@given(data=cases_with_nulls())
def test_every_given_fact_is_present_and_every_left_out_fact_is_absent(data: dict[str, Any]) -> None:
    case = parse_facts(data)
    tree = fact_tree(case)
    expected = _expected(data, case)
    assert _paths(tree) == _paths(expected)
    assert tree == expected


@SETTINGS
@given(data=json_like)
def test_the_fact_tree_of_any_valid_input_holds_exactly_its_known_facts(data: Any) -> None:
    try:
        case = parse_facts(data)
    except aidrules.AidrulesError:
        return
    assert fact_tree(case) == _expected(dict(data), case)


def test_a_case_built_in_python_gives_the_same_tree_as_its_dict() -> None:
    data = {"client": {"consents": True, "enterprise_ceased_on": None}, "debts": [{"amount": "12.50"}]}
    built = Case.model_validate(data)
    assert fact_tree(built) == fact_tree(parse_facts(data))
    assert fact_tree(built)["client"] == {"consents": True, "enterprise_ceased_on": None}
    assert "signals" not in fact_tree(built)


def test_nested_lists_nulls_and_event_dates_follow_the_definition() -> None:
    """One case with every kind of field: lists of records, empty lists, nulls, an event date."""
    data = {
        "on": "2025-03-01",
        "household": {"category": "single", "children": [{"age": 3}, {}], "municipality": None},
        "client": {"consents": False, "csr_revoked_on": None, "enterprise_ceased_on": "2024-01-31", "motivation": None},
        "incomes": [],
        "debts": [{"amount": "100.00", "kind": "rent"}, {"creditor": None}],
        "remi": None,
    }
    case = parse_facts(data)
    assert fact_tree(case) == _expected(data, case)
    assert fact_tree(case)["household"]["children"] == [{"age": 3}, {}]
    assert fact_tree(case)["remi"] is None
