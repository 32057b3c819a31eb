"""The generated loop over the conditions' reasons (``PreparedRuleSet.condition_loop``, issue 18,
"assembly").

``Assembly.condition_fragments`` runs one generated function per rule set and language that reads
each condition's values inline, looks its reason up in the condition's cache (a key not found:
``condition_fragment``) or, when the cache keeps nothing, makes it inline. It must give the
reasons the interpreted loop (``Assembly.interpreted_condition_fragments``, each key from its
generated key function) gives,
whether the caches keep reasons or not, and fail as it does (EV002). The same loop generated to
give the reasons' compact texts (``Assembly.condition_texts``, what ``to_json(compact=True)``
reads; a reason made afresh, or whose message names amounts only, is written without being made
or looked up) must give the interpreted reasons' compact texts.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date
from decimal import localcontext
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidrules
from aidrules.engine.assemble import Assembly
from aidrules.engine.compiled import compiled, prepared
from aidrules.engine.prepare import COMPACT_SCALARS, Fragment, Memo, PreparedRuleSet
from aidrules.errors import EvaluationError
from aidrules.expr.codegen import cheap_to_write, generate_condition_loop
from aidrules.expr.runtime import DECIMAL_CONTEXT, Unknown
from aidrules.ruleset.compile import compile_text
from aidrules.ruleset.compiled import CompiledRuleSet
from memo_caches import memos_keeping
from properties.strategies import case_and_partial
from security.helpers import with_derived

LANGS = ("nl", "fr", "en")
ON = date(2025, 3, 1)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def caches_keeping(prep: PreparedRuleSet, cap: int) -> AbstractContextManager[None]:
    """Every condition's caches (of reasons with a known and with an unknown outcome) set to keep
    ``cap`` reasons (0: none, each reason made afresh), then put back as they were."""
    return memos_keeping(_memos(prep), cap)


def _memos(prep: PreparedRuleSet) -> list[Memo]:
    return [m for c in prep.conditions for m in (c.memo, c.unknown_memo)]


def _parts(fragments: dict[str, Fragment]) -> list[tuple[str, Any, str]]:
    """What a reason is and writes: its id, its fields and its compact text."""
    return [(cid, f.data, f.compact or f.fill_compact()) for cid, f in fragments.items()]


def _compare(rules: CompiledRuleSet, case: dict[str, Any], on: date | None, lang: str) -> bool:
    """The generated and the interpreted loop give the same reasons for ``case`` (each run twice:
    made, then found in the caches); False when the case is refused."""
    try:
        record = compiled(rules).record(case, on, lang=lang)
    except aidrules.AidrulesError:
        return False
    prep = prepared(rules)
    with localcontext(DECIMAL_CONTEXT):
        for cap in (0, 128):
            with caches_keeping(prep, cap):
                generated = [_parts(Assembly(record, prep).condition_fragments()) for _ in range(2)]
            with caches_keeping(prep, cap):
                interpreted = [_parts(Assembly(record, prep).interpreted_condition_fragments()) for _ in range(2)]
            with caches_keeping(prep, cap):
                texts = [Assembly(record, prep).condition_texts() for _ in range(2)]
            assert generated == interpreted, (cap, lang)
            assert [cid for cid, _, _ in generated[0]] == [c.id for c in prep.conditions]
            assert texts == [[text for _, _, text in found] for found in interpreted], (cap, lang)
    return True


@SETTINGS
@given(pair=case_and_partial(), lang=st.sampled_from(LANGS))
def test_the_generated_condition_loop_gives_the_interpreted_reasons(
    pair: tuple[dict[str, Any], dict[str, Any]], lang: str
) -> None:
    """Catches the generated loop giving another reason (message, values, outcome, missing facts,
    compact text) than the interpreted one, and the loop that writes the compact texts another
    text, for complete and partial generated cases (unknown outcomes, amounts in messages), with
    caches that keep reasons (found, and keys not found made inline) and with caches that keep
    none."""
    for case in pair:
        on = date.fromisoformat(case["on"]) if "on" in case else ON
        _compare(aidrules.load(None, on), case, None if "on" in case else ON, lang)


def test_the_generated_condition_loop_counts_hits_and_misses_as_the_interpreted_one(
    reference: CompiledRuleSet,
) -> None:
    """Catches the generated loop not counting a reason found in a cache (a cache that never
    counts hits shrinks to nothing) or a reason made without a key (a cache that keeps nothing
    must try again after ``PROBE_AFTER`` of them), and the loop writing compact texts looking up
    a reason whose message names amounts only (its text costs as much to find as to write)."""
    prep = prepared(reference)
    case = {"client": {"motivation": 3, "consents": True}, "incomes": [{"monthly_net": "1000.00"}]}
    record = compiled(reference).record(case, ON, lang="nl")
    counts = []
    runs = ("interpreted_condition_fragments", "condition_fragments", "condition_texts")
    with localcontext(DECIMAL_CONTEXT):
        for run in runs:
            for cap in (0, 128):
                with caches_keeping(prep, cap):
                    for _ in range(3):
                        getattr(Assembly(record, prep), run)()
                    counts.append([(m.hits, m.misses, len(m.entries)) for m in _memos(prep)])
    assert counts[:2] == counts[2:4]
    cheap = [
        outcome.__class__ is bool and cheap_to_write(specs[outcome][2])
        for c, (*_, specs) in zip(prep.conditions, prep.loop_rows("nl"), strict=True)
        for outcome in (record.values[c.id],)
    ]
    assert 0 < sum(cheap) < len(cheap)  # both kinds met
    untouched = [flag for c in cheap for flag in (c, False)]  # a condition's known-outcome cache, not its other
    for interpreted, texts in zip(counts[:2], counts[4:], strict=True):
        assert texts == [(0, 0, 0) if skip else found for found, skip in zip(interpreted, untouched, strict=True)]
    # each condition's reason is in one of its two caches (the other: nothing counted)
    assert sorted(set(counts[0])) == [(0, 0, 0), (0, 3, 0)]  # cap 0: each reason made, counted a miss
    assert sorted(set(counts[1])) == [(0, 0, 0), (2, 1, 1)]  # cap 128: made, kept, found twice
    used = [(c.memo, c.unknown_memo)[record.values[c.id].__class__ is Unknown] for c in prep.conditions]
    assert {id(m) for m, (_, misses, _) in zip(_memos(prep), counts[0], strict=True) if misses} == set(map(id, used))
    assert any(m is c.unknown_memo for m, c in zip(used, prep.conditions, strict=True))  # unknown outcomes met


def test_a_shown_value_the_compact_writers_do_not_know_is_written_as_its_reason_writes_it(
    reference: CompiledRuleSet,
) -> None:
    """Catches the loop that writes compact texts writing a shown value whose class it has no
    writer for (or failing): such a reason is made and written by its own writer (pydantic's
    bytes), as the interpreted loop's reason is."""
    prep = prepared(reference)
    case = {"client": {"motivation": 3, "wants_debt_settlement": True}, "incomes": [{"monthly_net": "1000.00"}]}
    record = compiled(reference).record(case, ON, lang="fr")
    partial = {cls: write for cls, write in COMPACT_SCALARS.items() if cls is not bool}  # no writer for booleans
    loop = generate_condition_loop(prep.loop_rows("fr"), partial)
    with caches_keeping(prep, 0), localcontext(DECIMAL_CONTEXT):
        assembly = Assembly(record, prep)
        written = loop(assembly.ctx, "fr", assembly.condition_fragment)
        expected = [f.fill_compact() for f in assembly.interpreted_condition_fragments().values()]
    assert written == expected
    assert any('":true' in text or '":false' in text for text in written)  # booleans were shown


@pytest.mark.parametrize("cap", [0, 128])
@pytest.mark.parametrize("compact", [False, True])
def test_an_error_in_a_message_fails_in_the_generated_loop_as_in_the_interpreted_one(cap: int, compact: bool) -> None:
    """Catches the generated loop swallowing a message's failing expression or raising something
    else than the interpreted loop: the same EV002 (naming the failing expression's place and
    error), whether the condition's cache keeps reasons (its key fails) or none (its values fail)."""
    text = with_derived().replace(
        '"Motivatie {client.motivation} volstaat."', '"Bedrag {100 / (total_income - 1000)}."'
    )
    rules = compile_text(text, "shared.yaml")
    prep = prepared(rules)
    case = {"client": {"motivation": 3}, "incomes": [{"monthly_net": "1000.00"}]}
    with caches_keeping(prep, cap), pytest.raises(EvaluationError) as written:
        rules.evaluate(case, on=ON).to_json(compact=compact)
    record = compiled(rules).record(case, ON, lang="nl")
    with caches_keeping(prep, cap), localcontext(DECIMAL_CONTEXT), pytest.raises(EvaluationError) as interpreted:
        Assembly(record, prep).interpreted_condition_fragments()
    assert [d.code for d in written.value.diagnostics] == ["EV002"]
    assert written.value.diagnostics == interpreted.value.diagnostics
    assert "division by zero" in written.value.diagnostics[0].message
