"""The generated compact JSON of the actions (``PreparedRuleSet.action_loop``, issue 18, "compact").

``to_json(compact=True)`` writes the actions of a decision and their reasons' compact texts with
one generated function per rule set and language, which reads each proposed action's values
inline and writes its reason's text without making it when its message names amounts only (as
cheap as finding it in a cache), else finds its reason in the action's cache (a key not found:
made inline and kept) or, when the cache keeps nothing, writes the reason's text without making
it. It must give the texts the interpreted assembly gives (``Assembly.action_parts``, written by
``jsonwrite._action_texts``), whether the caches keep reasons or not (an undetermined action's
reason is the assembly's), and fail as it does (EV002).
"""

from __future__ import annotations

import copy
from contextlib import AbstractContextManager
from datetime import date
from decimal import localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidrules
from aidrules.engine import jsonwrite
from aidrules.engine.assemble import Assembly
from aidrules.engine.compiled import compiled, prepared
from aidrules.engine.prepare import COMPACT_SCALARS, Memo, PreparedRuleSet
from aidrules.errors import EvaluationError
from aidrules.expr.codegen import cheap_to_write, generate_action_loop
from aidrules.expr.runtime import DECIMAL_CONTEXT, Unknown
from aidrules.ruleset.compile import compile_text
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.testing import load_fixture
from memo_caches import memos_keeping
from properties.strategies import case_and_partial
from security.helpers import minimal_text

LANGS = ("nl", "fr", "en")
FIXTURE = (
    Path(__file__).resolve().parents[2] / "fixtures" / "reference" / "043-remi-reference-budget-supplementary-aid.yaml"
)
ON = date(2025, 3, 1)
BASE = 7  # the number of the first action's reason (any: the layout's base in a decision)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def caches_keeping(prep: PreparedRuleSet, cap: int) -> AbstractContextManager[None]:
    """Every action's caches (of its proposed and of its undetermined reasons) set to keep ``cap``
    reasons (0: none), then put back as they were."""
    return memos_keeping([*prep.action_memos, *prep.undetermined_memos], cap)


def _interpreted(assembly: Assembly) -> tuple[list[str], list[str]]:
    table: list[str] = []
    actions, _ = jsonwrite._action_texts(assembly, table, BASE)
    return actions, table


def _compare(rules: CompiledRuleSet, case: dict[str, Any], on: date | None, lang: str) -> bool:
    """The generated and the interpreted actions' texts are the same for ``case`` (each written
    twice: made, then found in the caches); False when the case is refused."""
    try:
        record = compiled(rules).record(case, on, lang=lang)
    except aidrules.AidrulesError:
        return False
    prep = prepared(rules)
    with localcontext(DECIMAL_CONTEXT):
        for cap in (0, 128):
            with caches_keeping(prep, cap):
                generated = [Assembly(record, prep).action_texts(BASE) for _ in range(2)]
            with caches_keeping(prep, cap):
                interpreted = [_interpreted(Assembly(record, prep)) for _ in range(2)]
            assert generated == interpreted, (cap, lang)
    return True


@SETTINGS
@given(pair=case_and_partial(), lang=st.sampled_from(LANGS))
def test_the_generated_actions_are_the_interpreted_ones(pair: tuple[dict[str, Any], dict[str, Any]], lang: str) -> None:
    """Catches the generated actions' texts differing from the interpreted assembly's (an action
    proposed or undetermined, its values, its reference, its reason's message or values) for
    complete and partial generated cases, with caches that keep reasons and with caches that keep
    none."""
    for case in pair:
        on = date.fromisoformat(case["on"]) if "on" in case else ON
        _compare(aidrules.load(None, on), case, None if "on" in case else ON, lang)


def _proposing(reference: CompiledRuleSet) -> Any:
    """A record of the reference rule set in which every action is proposed (a fixture's case
    with an eviction threat and a client who does not take part)."""
    case = copy.deepcopy(load_fixture(FIXTURE).case)
    case["signals"]["eviction_threat"] = True
    case["client"]["participates"] = False
    record = compiled(reference).record(case, None, lang="fr")
    assert all(w is True for w in record.whens)
    return record


def test_the_generated_actions_count_hits_and_misses_as_the_interpreted_ones(reference: CompiledRuleSet) -> None:
    """Catches the generated loop not counting a reason found in a cache or made without a key
    (a cache that never counts shrinks to nothing, or never tries again), and a reason whose
    message names amounts only being looked up at all (its text costs as much to find)."""
    prep = prepared(reference)
    record = _proposing(reference)
    cheap = [made is not None and cheap_to_write(made[1][2]) for _, _, made, *_ in prep.action_rows("fr")]
    assert 0 < sum(cheap) < len(cheap)  # the reference rule set has both kinds
    counts = []
    with localcontext(DECIMAL_CONTEXT):
        for run in (_interpreted, lambda a: a.action_texts(BASE)):
            for cap in (0, 128):
                with caches_keeping(prep, cap):
                    for _ in range(3):
                        run(Assembly(record, prep))
                    counts.append([(m.hits, m.misses, len(m.entries)) for m in prep.action_memos])
    assert counts[0] == [(0, 3, 0)] * len(prep.action_memos)  # cap 0: each reason made, counted a miss
    assert counts[1] == [(2, 1, 1)] * len(prep.action_memos)  # cap 128: made, kept, found twice
    for interpreted, generated in zip(counts[:2], counts[2:], strict=True):
        assert generated == [(0, 0, 0) if c else found for found, c in zip(interpreted, cheap, strict=True)]


def test_a_value_the_compact_writers_do_not_know_is_left_to_the_interpreted_writers(
    reference: CompiledRuleSet,
) -> None:
    """Catches the generated loop writing a value whose class it has no writer for: a reason that
    shows one is written by its own writer (pydantic's bytes), and an action whose values hold one
    is left to the interpreted assembly (None)."""
    prep = prepared(reference)
    record = _proposing(reference)
    no_bool = {cls: write for cls, write in COMPACT_SCALARS.items() if cls is not bool}
    with caches_keeping(prep, 0), localcontext(DECIMAL_CONTEXT):
        assembly = Assembly(record, prep)
        written = generate_action_loop(prep.action_rows("fr"), no_bool)(
            assembly.ctx, "fr", record.whens, BASE, assembly.undetermined_action
        )
        expected = _interpreted(assembly)
    assert written == expected
    assert any('":true' in text or '":false' in text for text in expected[1])  # reasons showed booleans
    # an action's value of a class without a writer (here an unknown one): the whole is left
    no_unknown = {cls: write for cls, write in COMPACT_SCALARS.items() if cls is not Unknown}
    name = next(
        f"actions.{a.id}.{a.values[0].id}" for a, w in zip(reference.actions, record.whens, strict=True) if a.values
    )
    values = record.ctx.values
    kept, values[name] = values[name], Unknown(frozenset({"debts"}))
    try:
        with caches_keeping(prep, 0), localcontext(DECIMAL_CONTEXT):
            loop = generate_action_loop(prep.action_rows("fr"), no_unknown)
            assert loop(record.ctx, "fr", record.whens, BASE, Assembly(record, prep).undetermined_action) is None
    finally:
        values[name] = kept


ACTION = """actions:
  ask:
    title: {nl: Vraag, fr: Demande, en: Ask}
    when: client.motivation >= 1
    source: test
    explain: {nl: "Bedrag {100 / (total_income - 1000)}.", fr: "Montant {total_income}.", en: "Amount {total_income}."}
"""


@pytest.mark.parametrize("cap", [0, 128])
def test_an_error_in_an_action_message_fails_in_the_generated_loop_as_in_the_reasons(cap: int) -> None:
    """Catches the generated loop swallowing an action message's failing expression, or raising
    something else than the reasons do: the same EV002, naming the action's message."""
    rules = compile_text(minimal_text().replace("recommendation:\n", ACTION + "recommendation:\n", 1), "shared.yaml")
    prep = prepared(rules)
    case = {"client": {"motivation": 3}, "incomes": [{"monthly_net": "1000.00"}]}
    with caches_keeping(prep, cap), pytest.raises(EvaluationError) as written:
        rules.evaluate(case, on=ON).to_json(compact=True)
    with caches_keeping(prep, cap), pytest.raises(EvaluationError) as read:
        rules.evaluate(case, on=ON).materialise()
    assert [d.code for d in written.value.diagnostics] == ["EV002"]
    assert written.value.diagnostics == read.value.diagnostics
    assert written.value.diagnostics[0].path == "actions.ask.explain"
    assert "division by zero" in written.value.diagnostics[0].message


def test_an_undetermined_actions_reason_is_kept_apart_from_its_proposed_ones(reference: CompiledRuleSet) -> None:
    """Catches an undetermined action's reason made again for every decision when the action's
    own cache keeps nothing (its proposed reasons show each case's amounts): it is kept in a cache
    of its own (``PreparedRuleSet.undetermined_memos``) and found the next times, with the same
    texts from the generated loop and from the interpreted assembly."""
    prep = prepared(reference)
    case = copy.deepcopy(load_fixture(FIXTURE).case)
    del case["incomes"]  # the income unknown: actions whose when reads it are undetermined
    record = compiled(reference).record(case, None, lang="nl")
    undetermined = [i for i, w in enumerate(record.whens) if w.__class__ is Unknown]
    assert undetermined
    # the undetermined reasons kept, the proposed ones made afresh
    with memos_keeping(prep.undetermined_memos, Memo.MAX_SIZE), memos_keeping(prep.action_memos, 0):
        with localcontext(DECIMAL_CONTEXT):
            generated = [Assembly(record, prep).action_texts(BASE) for _ in range(2)]
            interpreted = _interpreted(Assembly(record, prep))
            proposed_hits = [prep.action_memos[i].hits for i in undetermined]
        undetermined_hits = [prep.undetermined_memos[i].hits for i in undetermined]  # before they are put back
    assert generated == [interpreted, interpreted]
    assert undetermined_hits == [2] * len(undetermined)
    assert proposed_hits == [0] * len(undetermined)
