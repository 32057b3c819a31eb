"""Cases exported from other software: JSON is read exactly, within limits, without surprises.

Each test names, in its docstring, the naive implementation it would catch.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import aidrules
from aidrules import FactsError
from aidrules.facts.parse import parse_facts, read_case_text
from aidrules.limits import DEFAULT_LIMITS, Limits

from .helpers import minimal_text, only_diagnostic


def test_duplicate_json_key_is_refused() -> None:
    """Catches ``json.loads``: of ``"consents": true, "consents": false`` it silently keeps the
    last, and the decision is made on a value the reader of the file may never have seen."""
    text = '{"on": "2025-03-01", "client": {"consents": true, "motivation": 3, "consents": false}}'
    with pytest.raises(FactsError) as exc:
        read_case_text(text, "export.json")
    d = only_diagnostic(exc.value, "CF006")
    assert d.path == "client.consents"


def test_deeply_nested_json_is_refused() -> None:
    """Catches ``json.loads``: 100,000 nested brackets raise ``RecursionError``, a traceback.
    The nesting is measured before parsing and refused where it passes ``max_depth``."""
    text = '{\n"household": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(FactsError) as exc:
        read_case_text(text, "export.json")
    d = only_diagnostic(exc.value, "CF005")
    # The object is level 1; the 63rd bracket (column 13 + 63) opens level 64, the 64th level 65.
    assert d.span is not None and (d.span.line, d.span.column) == (2, 13 + 64)


def test_brackets_inside_json_texts_are_not_nesting() -> None:
    """The nesting check reads strings as strings: brackets and escaped quotes inside a text
    (a creditor called ``[[[`` …) do not count."""
    name = '\\"' + "[" * 100 + "\\\\"
    data = read_case_text('{"debts": [{"creditor": "' + name + '"}]}', "export.json")
    assert data["debts"][0]["creditor"] == '"' + "[" * 100 + "\\"


@pytest.mark.parametrize(
    ("number", "path"),
    [
        ("9" * 5000, "client.motivation"),
        ("1e999999", "remi.reference_budget"),
        ("-1e999999", "remi.reference_budget"),
        ("1e-999999", "remi.reference_budget"),
        ("12345678901234567", "client.motivation"),
    ],
    ids=["5000-digits", "huge-exponent", "minus-huge", "tiny", "17-digits"],
)
def test_huge_number_is_refused(number: str, path: str) -> None:
    """Catches ``json.loads(parse_float=Decimal)``: a 5,000-digit integer raises ``ValueError``
    (Python's 4,300-digit limit) and ``1e999999`` becomes a Decimal that overflows far from here.
    Numbers beyond the limits are refused by the path where they stand."""
    parent, field = path.split(".")
    with pytest.raises(FactsError) as exc:
        read_case_text(f'{{"{parent}": {{"{field}": {number}}}}}', "export.json")
    d = only_diagnostic(exc.value, "CF005")
    assert d.path == path


def test_nan_and_infinity_are_refused() -> None:
    """Catches ``json.loads``: it accepts ``NaN`` and ``Infinity``, which compare false with
    everything and would turn a threshold check silently around."""
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(FactsError) as exc:
            read_case_text(f'{{"remi": {{"reference_budget": {constant}}}}}', "export.json")
        assert only_diagnostic(exc.value, "CF003").path == "remi.reference_budget"


def test_long_json_text_is_refused() -> None:
    """Catches a reader without a text limit: a 10 MB key or value is echoed into diagnostics and
    kept in memory for every stage. Texts beyond ``max_string_chars`` are refused by path."""
    long = "x" * (DEFAULT_LIMITS.max_string_chars + 1)
    with pytest.raises(FactsError) as value:
        read_case_text(f'{{"household": {{"municipality": "{long}"}}}}', "export.json")
    assert only_diagnostic(value.value, "CF005").path == "household.municipality"
    with pytest.raises(FactsError) as key:
        read_case_text(f'{{"household": {{"{long}": 1}}}}', "export.json")
    d = only_diagnostic(key.value, "CF005")
    assert d.path == "household" and len(str(d)) < 300


def test_huge_json_document_is_refused() -> None:
    """Catches ``json.loads`` without a size limit: a gigabyte export is parsed in full first."""
    text = '{"debts": [' + ", ".join(['{"amount": "1.00"}'] * 1_000) + "]}"
    with pytest.raises(FactsError) as exc:
        read_case_text(text, "export.json", limits=Limits(max_document_chars=len(text) - 1))
    assert only_diagnostic(exc.value, "CF005").path == "export.json"


def test_oversized_lists_are_refused() -> None:
    """Catches validating with the case model alone: it caps incomes, expenses and debts but not
    ``household.children``, and every list item costs evaluation time. Every list is capped by
    ``max_list_items``; the model's own caps stay (``debts``: 500)."""
    with pytest.raises(FactsError) as children:
        parse_facts({"household": {"children": [{"age": 3}] * 10_000}})
    d = only_diagnostic(children.value, "CF005")
    assert d.path == "household.children"
    with pytest.raises(FactsError) as debts:
        parse_facts({"debts": [{"amount": "1.00"}] * 501})
    assert {d.path for d in debts.value.diagnostics} == {"debts"}
    assert parse_facts({"debts": [{"amount": "1.00"}] * 500}).debts is not None


def test_json_amounts_are_exact_decimals() -> None:
    """Catches ``json.loads`` with its default float parsing: 0.10 + 0.20 is 0.30000000000000004
    in binary floating point. Amounts are read as decimals and add up to exactly 0.30."""
    rules = aidrules.ruleset.compile_text(minimal_text(), "minimal.yaml")
    text = '{"client": {"motivation": 3}, "incomes": [{"monthly_net": 0.10}, {"monthly_net": 0.20}]}'
    decision = rules.evaluate(parse_facts(read_case_text(text, "export.json")), on=date(2025, 3, 1))
    assert decision.values["total_income"] == Decimal("0.30")
    assert '"total_income": "0.30"' in decision.to_json()


def test_python_floats_are_refused() -> None:
    """Catches a case model that accepts floats for money: ``0.1`` as a float is not 0.1 and
    cannot be rounded to the cent reliably. A float amount from Python code is refused."""
    with pytest.raises(FactsError) as exc:
        parse_facts({"incomes": [{"monthly_net": 0.1}]})
    assert exc.value.diagnostics[0].path == "incomes[0].monthly_net"
