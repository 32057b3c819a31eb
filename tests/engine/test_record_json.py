"""The JSON of a lazy decision written straight from its evaluation record (issue 18, "engine2").

``Decision.to_json()`` on a Decision whose reasons were not read joins the kept JSON texts of the
shared reasons (``engine/jsonwrite.py``) without building the reason models. It must give exactly
the bytes of the pydantic path: ``model_dump_json(indent=2)`` and a newline of the same decision
built in full, and the compact form that decision writes.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidrules
from aidrules.engine import jsonwrite, messages
from aidrules.engine.assemble import Assembly
from aidrules.engine.compiled import compiled, prepared
from aidrules.engine.decision import Decision, compact_json, compact_values_text
from aidrules.engine.jsonwrite import plain_text
from aidrules.errors import EvaluationError
from aidrules.ruleset.compile import compile_text
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.testing import load_fixture
from aidrules.words import formatting
from memo_caches import memos_keeping
from properties.strategies import case_and_partial
from security.helpers import with_derived, with_message

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))
LANGS = ("nl", "fr", "en")
ON = date(2025, 3, 1)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _pydantic_texts(decision: Decision) -> tuple[str, str]:
    """The full and compact JSON of ``decision`` built in full, by the pydantic path."""
    decision.materialise()
    return decision.model_dump_json(indent=2) + "\n", compact_json(decision)


def _assert_same_bytes(rules: CompiledRuleSet, case: dict[str, Any], on: date | None, lang: str, name: str) -> bool:
    """Writes the record's JSON of ``case`` and compares it with the pydantic path's; False when
    the case is refused (both paths then refuse it alike)."""
    try:
        lazy = rules.evaluate(case, on, lang=lang)
    except aidrules.AidrulesError:
        return False
    full, compact = lazy.to_json(), lazy.to_json(compact=True)
    assert not lazy.is_materialised, name  # written without building the reasons
    built = rules.evaluate(case, on, lang=lang)
    want_full, want_compact = _pydantic_texts(built)
    assert full == want_full, name
    assert compact == want_compact, name
    # and the lazy decision, built in full afterwards, writes the same through the model
    assert lazy.to_json() == full and lazy.to_json(compact=True) == compact
    return True


@pytest.mark.parametrize("lang", LANGS)
def test_the_record_json_of_every_fixture_is_the_pydantic_json(lang: str) -> None:
    """Catches the writer from the record differing from pydantic's bytes in any fixture, in the
    full or the compact form (order of fields, shared reasons, statuses, values, stamp, provenance)."""
    written = 0
    for path in FIXTURES:
        fixture = load_fixture(path)
        rules = aidrules.load(None, fixture.case.get("on"))
        written += _assert_same_bytes(rules, fixture.case, None, lang, path.name)
    assert written == len(FIXTURES)


def test_the_record_json_is_the_same_with_empty_reason_caches(reference: CompiledRuleSet) -> None:
    """Catches texts that differ between a reason made now and one found in the caches (the writer
    keeps the JSON texts with the cached reasons): every fixture, caches emptied before each."""
    prep = prepared(reference)
    for path in FIXTURES:
        case = load_fixture(path).case
        if date.fromisoformat(str(case["on"])) < date(2025, 2, 1):
            continue  # another version of the rule set
        for lang in LANGS:
            prep.forget()
            lazy = reference.evaluate(case, lang=lang)
            full, compact = lazy.to_json(), lazy.to_json(compact=True)
            assert (full, compact) == _pydantic_texts(reference.evaluate(case, lang=lang)), path.name


@SETTINGS
@given(pair=case_and_partial(), lang=st.sampled_from(LANGS))
def test_the_record_json_of_generated_cases_is_the_pydantic_json(
    pair: tuple[dict[str, Any], dict[str, Any]], lang: str
) -> None:
    """Catches a difference the fixtures do not reach: complete and partial generated cases
    (unknown outcomes, actions undetermined, amounts in messages) in every language."""
    for case in pair:
        on = date.fromisoformat(case["on"]) if "on" in case else ON
        _assert_same_bytes(aidrules.load(None, on), case, None if "on" in case else ON, lang, repr(case))


@pytest.mark.parametrize("compact", [False, True])
def test_an_error_in_a_message_surfaces_from_the_record_json_as_from_the_reasons(compact: bool) -> None:
    """Catches the writer skipping a message whose expression fails (a JSON with a wrong or
    missing text) or raising something else than the reasons do: both give EV002."""
    text = with_derived().replace(
        '"Motivatie {client.motivation} volstaat."', '"Bedrag {100 / (total_income - 1000)}."'
    )
    rules = compile_text(text, "shared.yaml")
    case = {"client": {"motivation": 3}, "incomes": [{"monthly_net": "1000.00"}]}
    with pytest.raises(EvaluationError) as written:
        rules.evaluate(case, on=ON).to_json(compact=compact)
    with pytest.raises(EvaluationError) as read:
        rules.evaluate(case, on=ON).materialise()
    assert [d.code for d in written.value.diagnostics] == ["EV002"]
    assert written.value.diagnostics == read.value.diagnostics
    # the policy maker is told which message of which condition failed, where it is in the file
    [d] = written.value.diagnostics
    assert d.path == "conditions.motivation.minimum.explain.if_true"
    assert d.message.startswith("conditions.motivation.minimum.explain.if_true: ") and "division by zero" in d.message


@pytest.mark.durable
def test_the_durable_backend_writes_the_same_record_json(reference: CompiledRuleSet) -> None:
    """Catches the durable backend's lazy decisions writing other bytes than the compiled engine's
    (both write from their record with the same writer)."""
    for path in FIXTURES[:12]:
        case = load_fixture(path).case
        if date.fromisoformat(str(case["on"])) < date(2025, 2, 1):
            continue
        durable = reference.evaluate(case, lang="fr", engine="durable")
        compiled = reference.evaluate(case, lang="fr")
        assert durable.to_json() == compiled.to_json(), path.name
        assert durable.to_json(compact=True) == compiled.to_json(compact=True), path.name
        assert not durable.is_materialised


# -- the unindented form (a line of ``aidrules batch``): ``plain_text``, the bytes of ``model_dump_json()``
def _assert_plain_is_model_dump_json(rules: CompiledRuleSet, case: dict[str, Any], on: date | None, lang: str) -> bool:
    """Writes the record's unindented JSON of ``case`` and compares it with pydantic's
    ``model_dump_json()`` of the decision built in full; False when the case is refused."""
    backend = compiled(rules)
    try:
        record = backend.record(case, on, lang=lang)
    except aidrules.AidrulesError:
        return False
    plain = plain_text(Assembly(record, backend.state))
    assert plain == rules.evaluate(case, on, lang=lang).model_dump_json(), repr(case)
    return True


@pytest.mark.parametrize("lang", LANGS)
def test_the_plain_record_json_of_every_fixture_is_model_dump_json(lang: str) -> None:
    """Catches the unindented writer (batch lines) differing from pydantic's ``model_dump_json()``
    in any fixture: order of fields, reasons repeated where pydantic repeats them, statuses,
    actions' values, stamp, provenance."""
    written = 0
    for path in FIXTURES:
        case = load_fixture(path).case
        written += _assert_plain_is_model_dump_json(aidrules.load(None, case.get("on")), case, None, lang)
    assert written == len(FIXTURES)


@SETTINGS
@given(pair=case_and_partial(), lang=st.sampled_from(LANGS))
def test_the_plain_record_json_of_generated_cases_is_model_dump_json(
    pair: tuple[dict[str, Any], dict[str, Any]], lang: str
) -> None:
    """Catches a difference the fixtures do not reach (unknown outcomes, undetermined actions,
    amounts in messages), with the reason caches filled by earlier cases."""
    for case in pair:
        on = date.fromisoformat(case["on"]) if "on" in case else ON
        _assert_plain_is_model_dump_json(aidrules.load(None, on), case, None if "on" in case else ON, lang)


def test_the_plain_record_json_is_the_same_with_empty_reason_caches(reference: CompiledRuleSet) -> None:
    """Catches texts of reasons made now differing from those found in the caches."""
    prep = prepared(reference)
    for path in FIXTURES:
        case = load_fixture(path).case
        if date.fromisoformat(str(case["on"])) < date(2025, 2, 1):
            continue  # another version of the rule set
        prep.forget()
        assert _assert_plain_is_model_dump_json(reference, case, None, "fr"), path.name


def test_an_error_in_a_message_surfaces_from_the_plain_record_json_as_from_the_reasons() -> None:
    """Catches the unindented writer skipping a message whose expression fails: EV002, as the
    reasons give it."""
    text = with_derived().replace(
        '"Motivatie {client.motivation} volstaat."', '"Bedrag {100 / (total_income - 1000)}."'
    )
    rules = compile_text(text, "shared.yaml")
    case = {"client": {"motivation": 3}, "incomes": [{"monthly_net": "1000.00"}]}
    backend = compiled(rules)
    with pytest.raises(EvaluationError) as written:
        plain_text(Assembly(backend.record(case, ON), backend.state))
    with pytest.raises(EvaluationError) as read:
        rules.evaluate(case, on=ON).materialise()
    assert [d.code for d in written.value.diagnostics] == ["EV002"]
    assert written.value.diagnostics == read.value.diagnostics


def test_the_compact_values_written_from_the_record_are_pydantics(reference: CompiledRuleSet) -> None:
    """Catches the compact form's ``values`` written from the record (``CompactLayout.values_text``)
    differing from pydantic's bytes of the decision's values (amounts, unknowns as null, whole
    numbers, booleans), a value of a class it has no writer for written at all (None: the writer
    then takes pydantic's), and the layout's shortcut to the missing facts
    (``CompactLayout.missing_facts``) giving others than the record's for complete and partial
    fixtures."""
    prep = prepared(reference)
    layout = prep.compact_layout or jsonwrite._layout(prep)
    compared = 0
    for path in FIXTURES[:40]:
        try:
            record = compiled(reference).record(load_fixture(path).case)
        except aidrules.AidrulesError:
            continue
        assert layout.values_text(record.ctx.values) == compact_values_text(record.derived_values()), path.name
        assert layout.missing_facts(record) == record.missing_facts(), path.name
        compared += 1
    assert compared > 20
    values = dict(record.ctx.values)
    values[prep.derived[0]] = 1.5  # a float: no writer of the contract's scalars
    assert layout.values_text(values) is None


def _cases_missing_a_fact() -> list[dict[str, Any]]:
    """A reference fixture's case without its incomes, and without its debts: outcomes unknown
    by different facts."""
    fixture = load_fixture(FIXTURES[1])
    return [{key: value for key, value in fixture.case.items() if key != missing} for missing in ("incomes", "debts")]


def test_the_summaries_of_unknown_outcomes_are_kept_by_their_facts(reference: CompiledRuleSet) -> None:
    """Catches the summaries of forms and principles whose outcome is unknown taken from another
    decision's (kept by the outcomes, an Unknown equal to another by its facts only) or not kept
    at all: two cases missing different facts, each decided twice, write pydantic's bytes, and
    each has its entry in the table of unknown outcomes (``summary_texts_unknown``)."""
    prep = prepared(reference)
    cases = _cases_missing_a_fact()
    for lang in LANGS:
        prep.forget()
        for case in (*cases, *cases):
            lazy = reference.evaluate(case, lang=lang)
            assert lazy.to_json(compact=True) == _pydantic_texts(reference.evaluate(case, lang=lang))[1]
        assert len(prep.summary_texts_unknown[lang]) == 2
        assert not prep.summary_texts_by_outcomes[lang]


def test_the_message_of_an_unknown_outcome_is_kept_by_its_facts(reference: CompiledRuleSet) -> None:
    """Catches the kept message of a condition whose outcome is unknown (its title and the facts
    that would settle it, ``Assembly.unknown_message``) taken for another language or other facts,
    or written again each time: cases missing different facts, in each language, twice, write
    pydantic's bytes with their reasons made afresh, and the messages are kept."""
    prep = prepared(reference)
    cases = _cases_missing_a_fact()
    prep.forget()
    for lang in LANGS:
        for case in (*cases, *cases):
            _forget_condition_reasons(prep)
            # written with the messages kept from the case and language before (made afresh below)
            written = reference.evaluate(case, lang=lang).to_json(compact=True)
            assert prep.unknown_messages
            _forget_condition_reasons(prep)
            prep.unknown_messages.clear()
            assert written == _pydantic_texts(reference.evaluate(case, lang=lang))[1], (lang, case.keys())


def _forget_condition_reasons(prep: Any) -> None:
    """Every condition's reasons made afresh (their messages too, unless kept apart)."""
    for cond in prep.conditions:
        cond.memo.entries.clear()
        cond.unknown_memo.entries.clear()


#: Messages whose texts JSON must escape (quotes, a backslash) around an amount: one naming amounts
#: only (its compact text written without making the reason), one naming a whole number too (its
#: reason found in or kept in its cache).
ESCAPED = {
    "amounts only": 'Inkomen "{total_income}" \\ volstaat, café €',
    "an amount and a number": 'Inkomen "{total_income}" \\ en motivatie {client.motivation}',
}
ESCAPED_CASE = {"client": {"motivation": 3}, "incomes": [{"monthly_net": "1234.50"}]}


def _escaping_rules(message: str) -> CompiledRuleSet:
    """The minimal rule set whose condition (if true, in Dutch) and one action explain themselves
    with ``message``; the action's value is the income (a fresh rule set: its writers chosen now)."""
    quoted = json.dumps(message, ensure_ascii=False)
    action = (
        "actions:\n  follow_up:\n    title: {nl: Opvolging, fr: Suivi, en: Follow-up}\n"
        "    when: client.motivation >= 1\n    source: test\n"
        f"    explain: {{nl: {quoted}, fr: {quoted}, en: {quoted}}}\n"
        "    values:\n      amount: {title: {nl: Bedrag, fr: Montant, en: Amount}, type: money, expr: total_income}\n"
    )
    return compile_text(with_message(message) + action, "escaping.yaml")


def _all_memos(rules: CompiledRuleSet) -> list[Any]:
    prep = prepared(rules)
    return [*(m for c in prep.conditions for m in (c.memo, c.unknown_memo)), *prep.action_memos]


@pytest.mark.parametrize("message", list(ESCAPED.values()), ids=list(ESCAPED))
@pytest.mark.parametrize("cap", [0, 128])
def test_a_message_json_must_escape_is_written_as_pydantic_writes_it(message: str, cap: int) -> None:
    """Catches the compact texts of reasons, whose messages are written as JSON in pieces (literal
    texts escaped once, amounts put in as they are), escaping a message otherwise than pydantic
    does, in a condition's and an action's reason, with caches that keep reasons or none."""
    rules = _escaping_rules(message)
    with memos_keeping(_all_memos(rules), cap):
        for _ in range(2):  # made, then (cap 128) found
            assert _assert_same_bytes(rules, ESCAPED_CASE, ON, "nl", message)
            compact = json.loads(rules.evaluate(ESCAPED_CASE, ON).to_json(compact=True))
            written = message.replace("{total_income}", "€\xa01.234,50").replace("{client.motivation}", "3")
            messages_written = [r["message"] for r in compact["reason_table"]]
            assert messages_written.count(written) == 2  # the condition's and the action's


def test_amounts_json_must_escape_are_escaped_and_never_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Catches an amount whose text needs escaping in JSON (a locale whose group separator is a
    quote) being kept among the amount texts that the compact texts put in as they are, or written
    unescaped: the compact JSON stays pydantic's and no kept text holds a quote."""
    probe, negative, number_probe, pattern, months = formatting.formats("nl")
    odd = formatting._Locale("nl", (probe.replace(".", '"'), negative.replace(".", '"'), number_probe, pattern, months))
    assert odd.fast_money and not odd.plain
    monkeypatch.setitem(formatting._LOCALES, "nl", odd)
    monkeypatch.setitem(messages._MONEY_TEXTS, "nl", {})
    rules = _escaping_rules("Inkomen {total_income}.")
    for cap in (0, 128):
        with memos_keeping(_all_memos(rules), cap):
            assert _assert_same_bytes(rules, ESCAPED_CASE, ON, "nl", "odd locale")
    compact = json.loads(rules.evaluate(ESCAPED_CASE, ON).to_json(compact=True))
    assert 'Inkomen €\xa01"234,50.' in [r["message"] for r in compact["reason_table"]]
    assert not any('"' in text for text in messages._MONEY_TEXTS["nl"].values())
