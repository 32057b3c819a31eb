"""A JSON case read at once (by jiter, ``facts/jsonload._at_once``) reads exactly as read in full
(Python's ``json`` with a callback per number and object, ``_in_full``), and every document the
quick way must not take goes the full way: a repeated key, NaN or Infinity, a number that could be
beyond a limit, a lone surrogate. Each refusal keeps its code, path and line:column."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aidrules import FactsError
from aidrules.facts.jsonload import _IN_FULL, _at_once, _in_full, read_json_case
from aidrules.limits import DEFAULT_LIMITS, Limits

BENCHMARKS = str(Path(__file__).resolve().parents[2] / "benchmarks")
SETTINGS = settings(max_examples=400, deadline=None)


def typed(value: Any) -> Any:
    """``value`` with the type of every leaf, the digits of every number and the order of every
    object's keys, so that ``1``, ``1.0`` and ``Decimal("1.00")`` compare unequal."""
    if value.__class__ is dict:
        return ["dict", [(key, typed(item)) for key, item in value.items()]]
    if value.__class__ is list:
        return ["list", [typed(item) for item in value]]
    return [value.__class__.__name__, repr(value)]


def outcome(read: Any, *args: Any) -> Any:
    """What a reader gives: the data (typed), or its refusal as the caller sees it."""
    try:
        return "read", typed(read(*args))
    except FactsError as exc:
        return "refused", str(exc), [(d.code, d.path, d.message, d.hint, d.span) for d in exc.diagnostics]


# JSON texts written token by token, so that they hold what ``json.dumps`` never writes: repeated
# and escaped keys, bare constants, exponents, long numbers, lone surrogates, odd whitespace.
space = st.sampled_from(["", " ", "\n", "\t", "\r\n  "])
number = st.from_regex(r"-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?", fullmatch=True) | (
    st.sampled_from(["0", "-0", "0.00", "1180.50", "1E+15", "1e16", "9" * 16, "9" * 17, "0." + "0" * 14 + "1"])
)
text = st.text(max_size=8).map(json.dumps) | st.sampled_from(
    ['"NaN"', '"1e999"', '"' + "7" * 30 + '"', '"\\ud800"', '"\\udfff\\ud83d"', '"\\ud83d\\ude00"', '"2e kans"', '"é"']
)
constant = st.sampled_from(["NaN", "Infinity", "-Infinity", "true", "false", "null"])
key = st.sampled_from(['"amount"', '"\\u0061mount"', '"debts"', '"a"', '""', '"\\ud800"', '"on"'])


def _object(items: list[tuple[str, str, str, tuple[str, str]]]) -> str:
    return "{" + ",".join(f"{a}{k}{b}:{c}{v}" for a, b, c, (k, v) in items) + "}"


json_texts = st.recursive(
    number | text | constant,
    lambda inner: (
        st.lists(st.tuples(space, inner), max_size=4).map(lambda xs: "[" + ",".join(a + v for a, v in xs) + "]")
        | st.lists(st.tuples(space, space, space, st.tuples(key, inner)), max_size=4).map(_object)
    ),
    max_leaves=12,
)
number_limits = st.builds(
    Limits, max_number_chars=st.integers(1, 45), max_number_exponent=st.integers(1, 20)
) | st.just(DEFAULT_LIMITS)


@SETTINGS
@given(document=json_texts, before=space, after=space, limits=number_limits)
@example(document='{"a": 1, "\\u0061": 2}', before="", after="", limits=DEFAULT_LIMITS)
@example(document='{"a": "\\ud800"}', before="", after="", limits=DEFAULT_LIMITS)
@example(document="[" + "9" * 16 + ", 0." + "0" * 13 + "1]", before="", after="", limits=DEFAULT_LIMITS)
def test_what_is_read_at_once_reads_the_same_in_full(document: str, before: str, after: str, limits: Limits) -> None:
    """Whatever the quick way accepts, the full way accepts with the same data (types, digits,
    key order); and the reader as a whole reads or refuses every document as the full way does."""
    whole = before + document + after
    quick = _at_once(whole, "case.json", limits)
    full = outcome(_in_full, whole, "case.json", limits)
    if quick is not _IN_FULL:
        assert full == ("read", typed(quick))
    assert outcome(read_json_case, whole, "case.json", limits) == full


def test_a_typical_case_line_is_read_at_once() -> None:
    """The generated population's lines (the benchmark's "JSON line in") take the quick way, and
    read as in full: the way exists for them, and a check too strict would silently drop it."""
    sys.path.insert(0, BENCHMARKS)
    try:
        from population import population
        from run import json_line
    finally:
        while BENCHMARKS in sys.path:
            sys.path.remove(BENCHMARKS)
    for data in population(40, 11):
        line = json_line(data)
        quick = _at_once(line, "line", DEFAULT_LIMITS)
        assert quick is not _IN_FULL
        assert typed(quick) == typed(_in_full(line, "line", DEFAULT_LIMITS))


@pytest.mark.parametrize(
    ("text", "code", "path"),
    [
        (
            '{"debts": [{"amount": 1}, {"kind": "tax", "amount": 2, "creditor": "x", "amount": 3}]}',
            "CF006",
            "debts[1].amount",
        ),
        ('{"debts": [{"amount": 1, "\\u0061mount": 2}]}', "CF006", "debts[0].amount"),
        ('{"household": {"children": [{"age": 1}, {"age": 2, "age": 2}]}}', "CF006", "household.children[1].age"),
        ('{"client": {"motivation": 12345678901234567}}', "CF005", "client.motivation"),
        ('{"remi": {"reference_budget": 1e16}}', "CF005", "remi.reference_budget"),
        ('{"remi": {"reference_budget": 0.0000000000000001}}', "CF005", "remi.reference_budget"),
        ('{"incomes": [{"monthly_net": -Infinity}]}', "CF003", "incomes[0].monthly_net"),
    ],
    ids=["repeated-in-a-debt", "repeated-escaped", "repeated-in-a-child", "17-digits", "exponent", "tiny", "infinity"],
)
def test_a_refusal_the_quick_way_could_hide_keeps_its_path(text: str, code: str, path: str) -> None:
    with pytest.raises(FactsError) as exc:
        read_json_case(text, "case.json", DEFAULT_LIMITS)
    assert [(d.code, d.path) for d in exc.value.diagnostics] == [(code, path)]


@pytest.mark.parametrize(
    ("inside_a_text", "bare", "code"),
    [
        (
            '{"client": {"note": "123456789012345678901234567890"}}',
            '{"client": {"note": 123456789012345678901234567890}}',
            "CF005",
        ),
        ('{"client": {"note": "1e99"}}', '{"client": {"note": 1e99}}', "CF005"),
        ('{"client": {"note": "NaN"}}', '{"client": {"note": NaN}}', "CF003"),
    ],
    ids=["long-number", "exponent", "nan"],
)
def test_a_number_or_constant_in_a_text_is_a_text_and_bare_is_refused(inside_a_text: str, bare: str, code: str) -> None:
    assert (
        read_json_case(inside_a_text, "case.json", DEFAULT_LIMITS)["client"]["note"]
        == json.loads(inside_a_text)["client"]["note"]
    )
    with pytest.raises(FactsError) as exc:
        read_json_case(bare, "case.json", DEFAULT_LIMITS)
    assert [(d.code, d.path) for d in exc.value.diagnostics] == [(code, "client.note")]


def test_bare_nan_is_refused_with_its_line_and_column() -> None:
    text = '{\n  "remi": {"reference_budget": "NaN"},\n  "incomes": [{"monthly_net": NaN}]\n}'
    with pytest.raises(FactsError) as exc:
        read_json_case(text, "case.json", DEFAULT_LIMITS)
    (d,) = exc.value.diagnostics
    assert (d.code, d.path) == ("CF003", "incomes[0].monthly_net")
    third = text.splitlines()[2]
    assert d.span is not None and (d.span.line, d.span.column) == (3, third.index("NaN") + 1)


@pytest.mark.parametrize("text", ['{"on": "\\ud800"}', '{"on": "\ud800"}'], ids=["escaped", "in-the-text"])
def test_a_lone_surrogate_is_read_as_python_reads_it(text: str) -> None:
    """jiter refuses ``"\\ud800"`` (and a text holding a lone surrogate cannot be encoded for it);
    Python's reader keeps it, and admission refuses it later with its path (CF001): the document
    is read in full, not refused here."""
    assert read_json_case(text, "case.json", DEFAULT_LIMITS) == {"on": "\ud800"} == json.loads(text)


def test_nesting_deeper_than_the_quick_parser_goes_is_read_in_full() -> None:
    """jiter stops at 200 levels; a caller's larger ``max_depth`` still reads what it allows."""
    text = '{"a": ' + "[" * 300 + "1" + "]" * 300 + "}"
    data = read_json_case(text, "case.json", Limits(max_depth=1000))
    depth = 0
    node = data["a"]
    while node.__class__ is list:
        node, depth = node[0], depth + 1
    assert (depth, node) == (300, 1)


def test_amounts_read_at_once_are_exact_decimals() -> None:
    data = _at_once('{"incomes": [{"monthly_net": 0.10}, {"monthly_net": 1180.50}]}', "case.json", DEFAULT_LIMITS)
    values = [income["monthly_net"] for income in data["incomes"]]
    assert [(v.__class__, str(v)) for v in values] == [(Decimal, "0.10"), (Decimal, "1180.50")]


@pytest.mark.parametrize("depth", [65, 300])
def test_a_short_document_nested_too_deep_is_refused_where_it_passes_the_limit(depth: int) -> None:
    """A short document takes the quick way, which must measure its nesting first: jiter alone
    would read 65 levels (it stops at 200)."""
    text = '{"a":\n' + "[" * depth + "]" * depth + "}"
    with pytest.raises(FactsError) as exc:
        read_json_case(text, "case.json", DEFAULT_LIMITS)
    (d,) = exc.value.diagnostics
    assert d.code == "CF005" and d.span is not None
    assert (d.span.line, d.span.column) == (2, DEFAULT_LIMITS.max_depth)  # the object is level 1
