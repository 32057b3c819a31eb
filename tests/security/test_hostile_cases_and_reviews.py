"""Cases and review facts from other software: refused with a located diagnostic, read as written.

Each test names, in its docstring, the naive implementation it would catch (issue 13).
"""

from __future__ import annotations

from datetime import date

import pytest

import aidrules
from aidrules import AidrulesError, FactsError
from aidrules.facts.parse import parse_facts, read_case_text
from aidrules.lifecycle.engine import evaluate_review
from aidrules.lifecycle.model import parse_review_facts

from .helpers import only_diagnostic

NAN_CASE = '{"on": "2025-03-01",\n "incomes": [{"kind": "wage",\n   "monthly_net": NaN}]}'


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_bare_nan_in_json_case_names_field_path_and_position(constant: str) -> None:
    """Catches a ``parse_constant`` that raises: the message says "NaN is not a number" but not
    which of a hundred amounts it was, nor where in the file."""
    with pytest.raises(FactsError) as exc:
        read_case_text(NAN_CASE.replace("NaN", constant), "export.json")
    d = only_diagnostic(exc.value, "CF003")
    assert d.path == "incomes[0].monthly_net"
    assert d.span is not None and (d.span.file, d.span.line, d.span.column) == ("export.json", 3, 19)
    assert constant in d.message and "incomes[0].monthly_net" in str(d)


def test_bare_constants_in_json_are_each_located_in_document_order() -> None:
    """Catches locating by searching the text for the word: a creditor called "NaN" (a text) must
    not take the place of the bare constant two lines below it."""
    text = (
        '{"debts": [{"creditor": "NaN Infinity", "amount": 10},\n'
        ' {"creditor": "x", "amount": Infinity}],\n'
        ' "remi": {"reference_budget": NaN}}'
    )
    with pytest.raises(FactsError) as exc:
        read_case_text(text, "export.json")
    spans = {d.path: d.span for d in exc.value.diagnostics}
    assert set(spans) == {"debts[1].amount", "remi.reference_budget"}
    first, second = spans["debts[1].amount"], spans["remi.reference_budget"]
    assert first is not None and (first.line, first.column) == (2, 30)
    assert second is not None and (second.line, second.column) == (3, 31)


def test_empty_json_key_is_named_as_an_empty_field() -> None:
    """Catches echoing the key into "unknown field ``": a reader cannot tell what is wrong."""
    with pytest.raises(FactsError) as exc:
        parse_facts(read_case_text('{"client": {"": 1}}', "export.json"))
    d = only_diagnostic(exc.value, "CF001")
    assert "``" not in d.message and "without a name" in d.message
    assert d.path == 'client.""'
    assert d.hint is not None and "motivation" in d.hint


def test_flow_style_yaml_case_is_read_as_yaml() -> None:
    """Catches sniffing the first character: a ``.yaml`` case written in flow style starts with
    ``{`` and was refused as invalid JSON although it is valid YAML."""
    data = read_case_text("{on: 2025-03-01, client: {motivation: 3}}\n", "case.yaml")
    assert parse_facts(data).client is not None and parse_facts(data).client.motivation == 3
    assert parse_facts(data).on == date(2025, 3, 1)


def test_flow_style_yaml_on_standard_input_is_read_as_yaml_after_json_fails() -> None:
    """Without a suffix (standard input) a document starting with ``{`` is tried as JSON first,
    then as YAML; a document that is neither keeps the JSON error (for whoever wrote JSON)."""
    assert read_case_text("{client: {motivation: 3}}", "<stdin>") == {"client": {"motivation": 3}}
    with pytest.raises(FactsError) as exc:
        read_case_text('{"client": ', "<stdin>")
    assert "not valid JSON" in only_diagnostic(exc.value, "CF003").message


def test_json_suffix_keeps_the_strict_json_reader() -> None:
    """Catches falling back to YAML for ``.json`` files: YAML would accept ``{on: 2025-03-01}``
    and unquoted keys that the JSON the file claims to be does not allow."""
    with pytest.raises(FactsError) as exc:
        read_case_text("{on: 2025-03-01}", "export.json")
    assert only_diagnostic(exc.value, "CF003").path == "export.json"


REVIEW = {
    "dossier": {"form": "budget_management", "started_on": date(2025, 1, 15), "phase_out_started_on": None},
    "progress": {
        "earn_enough": "achieved",
        "organise_money_matters": "partly",
        "spend_responsibly": "partly",
        "plan_ahead": "not_yet",
        "months_without_new_debts": 4,
    },
    "situation": {
        "wants_to_stop": False,
        "cooperates": True,
        "moved_to_other_municipality": False,
        "transferred_to_csr": False,
        "deceased": False,
    },
}


def _review_on(on: date, last_review_on: date) -> dict[str, object]:
    dossier = {**REVIEW["dossier"], "last_review_on": last_review_on}  # type: ignore[dict-item]
    return {**REVIEW, "on": on, "dossier": dossier}


@pytest.mark.parametrize(
    ("on", "last", "path"),
    [
        (date(9999, 12, 31), date(2025, 3, 1), "on"),
        (date(9999, 10, 1), date(9999, 9, 1), "dossier.last_review_on"),
    ],
    ids=["review-on-9999-12-31", "last-review-9999-09-01"],
)
def test_review_at_the_end_of_the_calendar_is_a_located_error(on: date, last: date, path: str) -> None:
    """Catches ``date(year + 1, …)`` in the review arithmetic: the next or due review lies after
    9999-12-31 and ``ValueError: year 10000 is out of range`` ended the command as an internal
    error (exit 1)."""
    rs = aidrules.load("noord-limburg-budgethulp", on=date(2025, 9, 1))
    facts = parse_review_facts(_review_on(on, last))
    with pytest.raises(AidrulesError) as exc:
        evaluate_review(rs, facts, on)
    d = only_diagnostic(exc.value, "CF005")
    assert d.path == path and "9999" in d.message
