"""Admitting a case cheaply changes nothing a caller sees: the quick checks of ``facts/parse.py``
and ``facts/jsonload.py`` accept exactly what the reporting walks accept, and every limit is still
refused with its code and path."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidrules import FactsError
from aidrules.errors import Diagnostic
from aidrules.facts.jsonload import _Cleaner, _number, _pairs, read_json_case
from aidrules.facts.model import Case
from aidrules.facts.parse import _oversized, _within, parse_facts
from aidrules.limits import DEFAULT_LIMITS, Limits
from properties.strategies import case_and_partial, json_like

SETTINGS = settings(max_examples=300, deadline=None)

small_limits = st.builds(
    Limits, max_depth=st.integers(1, 5), max_list_items=st.integers(1, 4), max_string_chars=st.integers(1, 30)
)


@SETTINGS
@given(data=st.dictionaries(st.text(max_size=4), json_like, max_size=4), limits=small_limits)
def test_the_quick_size_check_accepts_exactly_what_the_reporting_walk_accepts(
    data: dict[str, Any], limits: Limits
) -> None:
    found: list[Any] = []
    _oversized(data, "", limits, 0, found)
    assert _within(data, limits) == (not found)


def _read_with_full_cleaning(text: str, limits: Limits) -> Any:
    """The reader as it was before the quick path: every value cleaned, with its path."""
    data = json.loads(
        text,
        parse_float=lambda s: _number(s, limits, decimal=True),
        parse_int=lambda s: _number(s, limits, decimal=False),
        object_pairs_hook=_pairs,
    )
    problems: list[Any] = []
    cleaned = _Cleaner(limits, problems).clean(data, "", 0)
    return cleaned, [(d.code, d.path) for d in sorted(problems, key=Diagnostic.sort_key)]


json_documents = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.text(max_size=12) | st.decimals(allow_nan=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@SETTINGS
@given(document=st.dictionaries(st.text(max_size=6), json_documents, max_size=4), limits=small_limits)
def test_a_json_case_reads_as_with_full_cleaning(document: dict[str, Any], limits: Limits) -> None:
    text = json.dumps(document, default=str)
    cleaned, problems = _read_with_full_cleaning(text, limits)
    try:
        data = read_json_case(text, "case.json", limits)
    except FactsError as exc:
        found = [(d.code, d.path) for d in exc.diagnostics]
        nested_too_deep = found == [("CF005", "case.json")]  # refused before parsing, for the whole document
        assert found == problems or nested_too_deep
        return
    assert not problems
    assert data == cleaned


json_numbers = st.lists(
    st.integers(-(10**45), 10**45).map(str)
    | st.decimals(allow_nan=False, allow_infinity=False).map(str)
    | st.sampled_from(["0.00", "-0.0", "1e5", "1E+15", "1e16", "9" * 28, "0." + "1" * 27, "1180.50"]),
    min_size=1,
    max_size=6,
)
number_limits = st.builds(
    Limits, max_number_chars=st.integers(1, 45), max_number_exponent=st.integers(1, 20)
) | st.just(DEFAULT_LIMITS)


@SETTINGS
@given(numbers=json_numbers, limits=number_limits)
def test_numbers_accepted_at_once_read_as_every_number_checked_in_full(numbers: list[str], limits: Limits) -> None:
    """The common numbers are accepted without the full check; every number reads (or is
    refused, by path) as when each went through it."""
    text = '{"amounts": [' + ", ".join(numbers) + "]}"
    cleaned, problems = _read_with_full_cleaning(text, limits)
    try:
        data = read_json_case(text, "case.json", limits)
    except FactsError as exc:
        assert [(d.code, d.path) for d in exc.diagnostics] == problems
        return
    assert not problems
    assert [(type(v), str(v)) for v in data["amounts"]] == [(type(v), str(v)) for v in cleaned["amounts"]]


@SETTINGS
@given(pair=case_and_partial())
def test_generated_cases_read_from_json_are_admitted_as_from_a_dict(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    for data in pair:
        read = read_json_case(json.dumps(data), "case.json", DEFAULT_LIMITS)
        assert read == data
        assert parse_facts(read) == parse_facts(data)


@pytest.mark.parametrize(
    ("text", "code", "path"),
    [
        ('{"debts": [{"amount": 1}, {"amount": 2, "amount": 3}]}', "CF006", "debts[1].amount"),
        ('{"remi": {"reference_budget": 1e99}}', "CF005", "remi.reference_budget"),
        ('{"client": {"motivation": ' + "9" * 41 + "}}", "CF005", "client.motivation"),
        ('{"incomes": [{"monthly_net": NaN}]}', "CF003", "incomes[0].monthly_net"),
        ('{"remi": {"reference_budget": 0.12345678901234567890123456789}}', "CF005", "remi.reference_budget"),
    ],
    ids=["repeated-key", "exponent", "long-number", "nan", "too-many-digits"],
)
def test_each_refusal_in_a_small_document_names_its_path(text: str, code: str, path: str) -> None:
    with pytest.raises(FactsError) as exc:
        read_json_case(text, "case.json", DEFAULT_LIMITS)
    assert [(d.code, d.path) for d in exc.value.diagnostics] == [(code, path)]


@pytest.mark.parametrize(
    ("data", "limits", "path"),
    [
        ({"debts": [{}] * 3}, Limits(max_list_items=2), "debts"),
        ({"household": {"children": [{"age": 1}] * 3}}, Limits(max_list_items=2), "household.children"),
        ({"client": {"x": {"y": {"z": 1}}}}, Limits(max_depth=3), "client.x.y.z"),
    ],
    ids=["list", "nested-list", "depth"],
)
def test_oversized_dicts_are_refused_with_their_path(data: dict[str, Any], limits: Limits, path: str) -> None:
    with pytest.raises(FactsError) as exc:
        parse_facts(data, limits=limits)
    assert [(d.code, d.path) for d in exc.value.diagnostics] == [("CF005", path)]


def test_amounts_stay_exact_on_the_quick_path() -> None:
    data = read_json_case('{"remi": {"reference_budget": 1180.50}}', "case.json", DEFAULT_LIMITS)
    assert data["remi"]["reference_budget"] == Decimal("1180.50")
    assert str(data["remi"]["reference_budget"]) == "1180.50"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"on": "\ud800"}, "on"),
        ({"on": "2025-01-01", "incomes": [{"source": "wages\udfff", "monthly_net": "1"}]}, "incomes[0].source"),
        ({"client": {"\ud800": 1}}, "client"),  # an unknown field: refused where it is
    ],
)
def test_a_lone_surrogate_is_refused_with_its_path_not_a_traceback(data: dict[str, Any], path: str) -> None:
    """Hypothesis found it: pydantic raises UnicodeEncodeError (not a ValidationError) on a text
    with a lone surrogate, which a JSON file may hold as ``"\\ud800"``."""
    with pytest.raises(FactsError) as caught:
        parse_facts(data)
    assert [(d.code, d.path) for d in caught.value.diagnostics] == [("CF001", path)]


def _walk_first(data: dict[str, Any], limits: Limits) -> tuple[str, Any]:
    """Admission as it was before the walk ran only on demand: the limits measured first (their
    CF005 errors by path), then the fields validated."""
    found: list[Diagnostic] = []
    _oversized(data, "", limits, 0, found)
    if found:
        return "refused", [
            (d.code, d.path, d.message) for d in FactsError("the case exceeds the limits", found).diagnostics
        ]
    try:
        return "admitted", parse_facts(data, limits=Limits(max_depth=1000, max_list_items=10**6))
    except FactsError as exc:
        return "refused", [(d.code, d.path, d.message) for d in exc.diagnostics]


@SETTINGS
@given(
    data=case_and_partial().flatmap(lambda pair: st.sampled_from(pair))
    | st.dictionaries(st.sampled_from(["household", "client", "debts", "incomes", "on", "x"]), json_like, max_size=4),
    limits=small_limits,
)
def test_measuring_the_limits_only_on_demand_admits_and_refuses_as_measuring_first(
    data: dict[str, Any], limits: Limits
) -> None:
    """A valid case is measured only when the model lets it be beyond the limits (``children``
    has no bound of its own; small ``max_depth``); every refusal stays what it was."""
    try:
        found: tuple[str, Any] = "admitted", parse_facts(data, limits=limits)
    except FactsError as exc:
        found = "refused", [(d.code, d.path, d.message) for d in exc.diagnostics]
    assert found == _walk_first(data, limits)


@pytest.mark.parametrize(
    ("data", "limits", "path"),
    [
        ({"household": {"children": [{"age": 1}] * 501}}, DEFAULT_LIMITS, "household.children"),
        ({"debts": [{"amount": "1"}] * 3}, Limits(max_list_items=2), "debts"),
        ({"household": {"children": [{"age": 1}]}}, Limits(max_depth=3), "household.children[0].age"),
    ],
    ids=["children-beyond-500", "capped-list-beyond-a-smaller-limit", "valid-but-too-deep"],
)
def test_a_valid_case_beyond_the_limits_is_still_refused_with_its_path(
    data: dict[str, Any], limits: Limits, path: str
) -> None:
    assert Case.model_validate(data)  # valid for the model: only the limits refuse it
    with pytest.raises(FactsError) as exc:
        parse_facts(data, limits=limits)
    assert [(d.code, d.path) for d in exc.value.diagnostics] == [("CF005", path)]
