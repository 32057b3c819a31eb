"""The JSON texts of reasons written by the project's own encoders, and the shared reasons
(fragments) that hold them (issue 18, "json").

A reason made for a decision (a :class:`~aidrules.engine.prepare.Fragment`) writes its texts in
the compact form and at the two depths of the contract JSON without a pydantic model, and builds
its :class:`~aidrules.engine.decision.Reason` only when it is read. The bytes must be pydantic's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date, datetime
from decimal import Context as DecimalContext
from decimal import Decimal, localcontext
from decimal import Inexact as DecimalInexact
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

import aidrules
from aidrules.engine.assemble import Assembly
from aidrules.engine.compiled import compiled, prepared
from aidrules.engine.decision import (
    Decision,
    JsonScalar,
    Reason,
    compact_json,
    compact_values_text,
    reason_compact_text,
    reason_indented_texts,
    reason_json,
    reason_shape,
    shaped_compact_text,
    shaped_indented_texts,
)
from aidrules.engine.jsonwrite import CompactLayout, compact_text
from aidrules.engine.messages import MessageText, _writer
from aidrules.engine.prepare import Fragment, Memo
from aidrules.expr import types as t
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.testing import load_fixture
from aidrules.words.formatting import locale_of

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))
ON = date(2025, 3, 1)

#: Texts with what JSON must escape (quotes, backslashes, control characters), what it must not
#: (accents, €, no-break spaces, emoji, U+2028) and nothing pydantic refuses (lone surrogates).
texts = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40) | st.sampled_from(
    ['"', "\\", "\n\t\r\b\f\x00\x1f\x7f", "€\xa01.234,56\u202f", "\u2028\u2029", "é😀"]
)
decimals = st.decimals(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [Decimal("-0"), Decimal("1E+3"), Decimal("1.50"), Decimal("1E-9"), Decimal("sNaN")]
)
scalars = st.none() | st.booleans() | st.integers() | decimals | texts | st.dates()
outcomes = st.sampled_from([True, False, None])


def _model(rule: str, kind: str, outcome: Any, message: str, values: Any, source: Any, missing: Any) -> Reason:
    return Reason.model_construct(
        rule=rule,
        kind=kind,
        outcome=outcome,
        message=message,
        values=values,
        source=source,
        missing_facts=missing,
    )


@settings(max_examples=300, deadline=None)
@given(
    rule=texts,
    kind=st.sampled_from(["condition", "principle", "form", "recommendation", "action"]),
    outcome=outcomes,
    message=texts,
    values=st.dictionaries(texts, scalars, max_size=4),
    source=st.none() | texts,
    missing=st.lists(texts, max_size=3),
)
def test_the_project_encoders_write_a_reason_as_pydantic_does(
    rule: str, kind: str, outcome: Any, message: str, values: dict[str, Any], source: Any, missing: list[str]
) -> None:
    """Catches an escape, a number or a layout that differs from pydantic's: the compact text, the
    two indented texts and the text from a prepared shape, for strings with escapes and unicode,
    Decimals (also -0, exponents, NaN), None, bools, ints and dates."""
    parts = (rule, kind, outcome, message, values, source, missing)
    model = _model(*parts)
    assert reason_compact_text(*parts) == Reason.__pydantic_serializer__.to_json(model).decode()
    assert reason_indented_texts(*parts) == reason_json(model)
    if not missing:
        shape = reason_shape(rule, kind, outcome, tuple(values), source)
        assert shaped_compact_text(shape, message, values) == reason_compact_text(*parts)
        assert shaped_indented_texts(shape, message, values) == reason_json(model)


class _Label(str):
    """A string of another class (as an enumeration's member would be)."""


@pytest.mark.filterwarnings("ignore::UserWarning")  # pydantic warns about a value outside the contract
@pytest.mark.parametrize("value", [1.5, datetime(2025, 3, 1, 12, 30), [1, 2], _Label("ja")])
def test_a_value_the_encoders_do_not_know_is_written_by_pydantic(value: Any) -> None:
    """Catches the project's encoders guessing at a value of a class they do not know (a float,
    a datetime, a list, a str subclass): such a fragment's texts are pydantic's."""
    parts = ("r", "condition", True, "m", {"x": value}, None, [])
    fragment = Fragment(*parts)
    model = _model(*parts)
    assert reason_compact_text(*parts) is None
    assert fragment.fill_compact() == Reason.__pydantic_serializer__.to_json(model).decode()
    assert (fragment.fill_top(), fragment.fill_nested()) == reason_json(model)
    shaped = Fragment(*parts, shape=reason_shape("r", "condition", True, ("x",), None))
    assert shaped.fill_compact() == fragment.compact


def test_a_fragment_builds_one_reason_model_when_read_also_from_many_threads() -> None:
    """Catches a reason model built before it is read (the JSON path must not build it), or two
    models for one fragment (the compact form tells reasons apart by identity)."""
    fragment = Fragment("r", "condition", True, "Bedrag € 1.234,56", {"x": Decimal("1234.56")}, "Art. 1", [])
    fragment.fill_compact()
    fragment.fill_top()
    assert fragment._reason is None
    seen: list[Reason] = []
    barrier = threading.Barrier(8)

    def read() -> None:
        barrier.wait()
        seen.append(fragment.reason)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(r) for r in seen}) == 1 and seen[0] is fragment.reason
    assert Reason.__pydantic_serializer__.to_json(seen[0]).decode() == fragment.compact


def test_a_lazy_decision_writes_its_json_without_building_reason_models(reference: CompiledRuleSet) -> None:
    """Catches the JSON path building the pydantic reasons it does not need (the cost the fragments
    remove): after ``to_json`` of a new decision, none of its fragments holds a model."""
    prep = prepared(reference)
    prep.forget()
    case = load_fixture(FIXTURES[0]).case
    decision = reference.evaluate(case, lang="fr")
    decision.to_json(compact=True)
    decision.to_json()
    kept = [*prep.cache.values(), *(f for cond in prep.conditions for f in cond.memo.entries.values())]
    assert kept and all(f._reason is None for f in kept)


def test_reason_caches_emptied_while_a_decision_is_written_change_no_byte(reference: CompiledRuleSet) -> None:
    """Catches a reason that two places of one decision share only while it stays in a cache: with
    the shared reasons' cache emptied at every new reason, the record's JSON is still the pydantic
    JSON of the same decision, and the compact numbering the same."""
    prep = prepared(reference)
    prep.MAX_CACHED = 0  # type: ignore[misc]  # this instance only: emptied before each new reason
    try:
        for path in FIXTURES[:20]:
            case = load_fixture(path).case
            if date.fromisoformat(str(case["on"])) < date(2025, 2, 1):
                continue
            for lang in ("nl", "en"):
                prep.forget()
                lazy = reference.evaluate(case, lang=lang)
                full = reference.evaluate(case, lang=lang)
                full.materialise()
                assert lazy.to_json(compact=True) == compact_json(full), path.name
                assert lazy.to_json() == full.model_dump_json(indent=2) + "\n", path.name
    finally:
        del prep.MAX_CACHED  # type: ignore[misc]


def _alike() -> Fragment:
    return Fragment("same", "condition", True, "Gelijk", {}, None, [])


class _Alike(Assembly):
    """An assembly whose every place holds its own reason, all equal (the same texts)."""

    def condition_fragments(self) -> dict[str, Fragment]:
        return {cond.id: _alike() for cond in self.prep.conditions}

    def summaries(self) -> tuple[list[str], list[str], list[Fragment], list[Fragment | None], list[Fragment]]:
        forms, principles, form_summaries, in_forms, principle_summaries = super().summaries()
        return (
            forms,
            principles,
            [_alike() for _ in form_summaries],
            [None if f is None else _alike() for f in in_forms],
            [_alike() for _ in principle_summaries],
        )

    def condition_texts(self) -> list[str]:  # the compact writer's conditions
        return [f.fill_compact() for f in self.condition_fragments().values()]

    def summary_texts(self) -> tuple[list[str], list[str], list[str | None]]:  # the compact writer's summaries
        forms, principles, form_summaries, in_forms, principle_summaries = self.summaries()
        texts = [None if f is None else f.fill_compact() for f in (*form_summaries, *in_forms, *principle_summaries)]
        return forms, principles, texts

    def action_parts(self) -> list[tuple[str, str, dict[str, Any], Fragment]]:
        return [(aid, status, values, _alike()) for aid, status, values, _ in super().action_parts()]

    def action_texts(self, base: int) -> None:  # the compact writer takes action_parts
        return None

    def recommendation_fragment(self) -> Fragment:
        return _alike()


def test_equal_reasons_in_two_places_keep_two_entries_in_the_reason_table(reference: CompiledRuleSet) -> None:
    """Catches the numbering worked out once per rule set merging places whose reasons are equal
    but not the same reason: the compact form keeps one entry per reason, as pydantic's numbering
    by identity does (and one per place that shares a reason: a condition required twice)."""
    prep = prepared(reference)
    for path in FIXTURES[:30]:
        case = load_fixture(path).case
        if date.fromisoformat(str(case["on"])) < date(2025, 2, 1):
            continue
        record = compiled(reference).record(case)
        alike = _Alike(record, prep)
        text = compact_text(alike)
        built = Decision.lazy(
            {
                "recommendation": record.recommendation,
                "missing_facts": record.missing_facts(),
                "values": record.derived_values(),
                "ruleset": prep.stamp,
                "on": record.day,
                "lang": record.lang,
            },
            _Alike(record, prep).parts,
        )
        assert text == compact_json(built), path.name
        table = json.loads(text)["reason_table"]
        places = len(prep.conditions) + len(prep.forms) + len(prep.principles) + sum(prep.principles_in_forms)
        assert len(table) == places + 1 + len(json.loads(text)["actions"]) and len(set(map(str, table))) == 1


def test_the_compact_numbering_follows_the_actions_a_decision_proposes(reference: CompiledRuleSet) -> None:
    """Catches references after the actions that do not move with their number: the decision's
    ``reasons`` point past the actions' reasons, for every number of actions."""
    layout = CompactLayout(prepared(reference))
    for actions in range(len(reference.actions) + 1):
        refs = [int(x) for x in layout.reasons(actions)[1:-1].split(",")]
        assert refs[0] == layout.base + actions  # the recommendation's reason comes right after them
        assert len(refs) == 1 + len(prepared(reference).conditions)
        later = [r for r in refs[1:] if r >= layout.base]
        assert later == list(range(layout.base + actions + 1, layout.base + actions + 1 + len(later)))


def test_a_cache_that_keeps_nothing_makes_reasons_without_keys_and_tries_again(reference: CompiledRuleSet) -> None:
    """Catches the path without a cache key writing other bytes, or never trying the cache again:
    with every condition's and action's cache at size 0 the JSON is the pydantic JSON, each
    reason made counts as a miss, and after PROBE_AFTER of them the cache has room again."""
    prep = prepared(reference)
    memos = [*(cond.memo for cond in prep.conditions), *prep.action_memos]
    for memo in memos:
        memo.entries.clear()
        memo.cap, memo.hits, memo.misses = 0, 0, 0
    case = load_fixture(FIXTURES[1]).case
    lazy = reference.evaluate(case, on=ON)
    built = reference.evaluate(case, on=ON)
    compact, full = lazy.to_json(compact=True), lazy.to_json()
    built.materialise()
    assert compact == compact_json(built) and full == built.model_dump_json(indent=2) + "\n"
    assert sum(m.misses for m in memos) > 0 and all(not m.entries for m in memos)
    memo = memos[0]
    memo.misses = Memo.PROBE_AFTER - 1
    memo.skip()
    assert memo.cap == Memo.PROBE_SIZE and memo.misses == 0
    for memo in memos:
        memo.cap, memo.hits, memo.misses = Memo.MAX_SIZE, 0, 0


def test_preparing_a_rule_set_loads_no_language_formats() -> None:
    """Catches the message writers of every language being made when a rule set is prepared
    (Babel's locale data of nl, fr and en: tens of milliseconds of every command's start): after a
    decision written in Dutch only Dutch formats are loaded. (A new process: others may have
    loaded more.)"""
    code = (
        "import aidrules, datetime\n"
        "from aidrules.words import formatting\n"
        "rules = aidrules.load(None, datetime.date(2025, 3, 1))\n"
        "d = rules.evaluate({'on': '2025-03-01', 'client': {'consents': True, 'motivation': 3},"
        " 'incomes': [{'monthly_net': '1234.56'}]}, lang='nl')\n"
        "assert not formatting._LOCALES, formatting._LOCALES\n"
        "d.to_json(compact=True)\n"
        "print(sorted(formatting._LOCALES))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["['nl']"]


def _render_at_once(text: MessageText, values: list[Any], threads: int) -> list[str]:
    """``text`` rendered by ``threads`` threads that start together."""
    out: list[str] = []
    barrier = threading.Barrier(threads)

    def render() -> None:
        barrier.wait()
        out.append(text.render(values, text.lang))

    started = [threading.Thread(target=render) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return out


def test_a_message_renders_alike_from_many_threads_when_first_used() -> None:
    """Catches the writers chosen when a text is first rendered (the prepared rule set is shared
    between threads) giving a half-made text to a thread that renders it at the same time."""
    conditions = {c.id: c for c in prepared(aidrules.load(None, ON)).conditions}
    shown = conditions["minimal_income.sufficient"].reads[True]["fr"][1]  # names two amounts
    assert shown is not None and len(shown.types) == 2
    values = [Decimal("1234.50"), Decimal("-0.00")]
    want = MessageText(shown.parts, "fr").render(values, "fr")
    assert "1" in want
    for _ in range(20):
        assert _render_at_once(MessageText(shown.parts, "fr"), values, 6) == [want] * 6


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_amounts_equal_in_value_keep_their_own_texts(lang: str) -> None:
    """Catches the amount texts kept per language mixing up amounts that are equal but written
    differently (0 and -0, 1.5 and 1.50 and 1.500) or taking a second kept text for the first."""
    write = _writer(t.Number(money=True), lang)
    for value in ["0", "-0", "0.00", "-0.00", "1.5", "1.50", "1.500", "1.505", "-1234567.80", "1E+3", "0.001"]:
        amount = Decimal(value)
        assert write(amount) == locale_of(lang).money(amount), value
        assert write(amount) == locale_of(lang).money(amount), value  # from the kept texts


def test_amounts_are_written_alike_whatever_the_callers_decimal_context() -> None:
    """Catches the test for whole cents raising or answering otherwise in a caller's Decimal
    context that traps inexact results or has few digits."""
    values = [Decimal(v) for v in ("1.505", "1234567.89", "1.500", "-0.01", "99999999999999999.99")]
    want = [locale_of("nl").money(v) for v in values]
    with localcontext(DecimalContext(prec=5, traps=[DecimalInexact])):
        assert [locale_of("nl").money(v) for v in values] == want


def test_a_decision_read_after_its_json_shares_its_reasons_as_the_json_did(reference: CompiledRuleSet) -> None:
    """Catches reasons built from fragments that lose the sharing the compact form shows: a lazy
    decision whose JSON was written, then read, writes the same compact form through the models."""
    for path in FIXTURES[:10]:
        case = load_fixture(path).case
        if date.fromisoformat(str(case["on"])) < date(2025, 2, 1):
            continue
        lazy = reference.evaluate(case)
        text = lazy.to_json(compact=True)
        assert isinstance(lazy.forms, dict)  # builds the models
        assert compact_json(lazy) == text
        assert Decision.from_compact(text, reference.provenance).to_json() == lazy.to_json()


@settings(max_examples=200, deadline=None)
@given(values=st.dictionaries(texts, scalars, max_size=6))
def test_a_decisions_values_are_written_compact_as_pydantic_does(values: dict[str, Any]) -> None:
    """Catches the compact form's ``values`` map written by the project's encoders differing from
    pydantic's compact JSON of the map (escapes, Decimals, None, bools, ints, dates)."""
    assert compact_values_text(values) == TypeAdapter(dict[str, JsonScalar]).serializer.to_json(values).decode()


def test_a_reason_made_from_its_cache_key_is_the_reason_made_from_its_values(reference: CompiledRuleSet) -> None:
    """Catches the values read back from a reason's cache key (amounts kept there as text) differing
    from the values themselves: 1.50 read back as 1.5, an amount as a string, a value moved."""
    prep = prepared(reference)
    compared = 0
    for path in FIXTURES:
        case = load_fixture(path).case
        if date.fromisoformat(str(case["on"])) < date(2025, 2, 1):
            continue
        for lang in ("nl", "fr"):
            record = compiled(reference).record(case, lang=lang)
            assembly = Assembly(record, prep)
            for cond in prep.conditions:
                outcome = record.values[cond.id]
                if outcome is not True and outcome is not False:
                    continue
                key = cond.keys[outcome][lang](record.ctx, lang)
                from_key = assembly.condition_fragment(cond, outcome, key)
                cond.memo.entries.clear()
                read = assembly.condition_fragment(cond, outcome)
                assert from_key.data == read.data, (path.name, cond.id)
                assert from_key.fill_compact() == read.fill_compact()  # 1.50 and 1.5 are equal Decimals
                assert [v.__class__ for v in from_key.data[4].values()] == [v.__class__ for v in read.data[4].values()]
                compared += 1
    assert compared > 100
