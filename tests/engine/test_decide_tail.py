"""What is decided after the plan, as generated code (issue 18, "compact3").

The recommendation rows that hold, the actions' ``when`` and the values of the proposed actions
are computed by three functions generated with the plan (``PreparedRuleSet.rows_fn``,
``whens_fn``, ``action_values_fn``; ``codegen.TailFns``) instead of a call per expression. They
must give what the interpreted steps give (``Evaluation.recommend``, ``interpreted_whens``,
``interpreted_action_values``: the same values, of the same class and digits, an amount rounded
to the cent) and fail as they do: the same EV002, naming the row, the action or the action's
value, and no row evaluated after the first that holds when the hit policy is ``first``.
"""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError, fields
from datetime import date
from decimal import localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import aidrules
from aidrules.engine.admit import admit_tree
from aidrules.engine.compiled import Evaluation, compiled, prepared
from aidrules.engine.record import EvaluationRecord, new_record
from aidrules.errors import EvaluationError
from aidrules.expr.runtime import DECIMAL_CONTEXT
from aidrules.ruleset.compile import compile_text
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.testing import load_fixture
from properties.strategies import case_and_partial
from security.helpers import minimal_text, only_diagnostic

ON = date(2025, 3, 1)
FIXTURE = (
    Path(__file__).resolve().parents[2] / "fixtures" / "reference" / "043-remi-reference-budget-supplementary-aid.yaml"
)
CASE = {"client": {"motivation": 3}, "incomes": [{"monthly_net": "1000.00"}]}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _typed(values: dict[str, Any]) -> dict[str, tuple[type, str]]:
    """Each value's class and text (``1.5`` and ``1.50`` told apart)."""
    return {name: (type(v), str(v)) for name, v in values.items()}


def _both(rules: CompiledRuleSet, case: dict[str, Any], on: date | None) -> bool:
    """The generated and the interpreted tail give the same recommendation, whens and action
    values for ``case``; False when the case is refused."""
    try:
        tree, day = admit_tree(rules, case, on, "nl", True)
    except aidrules.AidrulesError:
        return False
    prep = prepared(rules)
    with localcontext(DECIMAL_CONTEXT):
        generated = Evaluation(prep, None, day, "nl", tree)
        generated.decide()
        generated.record()
        interpreted = Evaluation(prep, None, day, "nl", tree)
        prep.plan(interpreted.ctx, [0])
        interpreted.rec = interpreted.recommend()
        interpreted.whens = interpreted.interpreted_whens()
        interpreted.interpreted_action_values()
    assert generated.rec == interpreted.rec
    assert generated.whens == interpreted.whens
    assert [type(w) for w in generated.whens] == [type(w) for w in interpreted.whens]
    assert _typed(generated.values) == _typed(interpreted.values)
    return True


@SETTINGS
@given(pair=case_and_partial())
def test_the_generated_tail_decides_as_the_interpreted_steps(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Catches the generated rows, whens or action values differing from the interpreted ones (a
    row's hit or unknown, an action's ``when``, a value computed for an action that is ruled out
    or undetermined, an amount not rounded to the cent) for complete and partial generated cases."""
    for case in pair:
        on = date.fromisoformat(case["on"]) if "on" in case else ON
        _both(aidrules.load(None, on), case, None if "on" in case else ON)


def test_the_reference_rule_sets_actions_are_compared_proposed(reference: CompiledRuleSet) -> None:
    """Catches the comparison above never seeing an action proposed: a fixture's case of the
    reference rule set in which every action holds (an eviction threat, a client who does not
    take part), decided both ways, has their values."""
    case = copy.deepcopy(load_fixture(FIXTURE).case)
    case["signals"]["eviction_threat"] = True
    case["client"]["participates"] = False
    assert _both(reference, case, None)
    prep = prepared(reference)
    tree, day = admit_tree(reference, case, None, "nl", True)
    with localcontext(DECIMAL_CONTEXT):
        record = Evaluation(prep, None, day, "nl", tree).run()
    assert all(w is True for w in record.whens)
    assert all(name in record.values for name in prep.action_value_keys)


ROW = "    - recommend: budget_guidance\n      because: {nl: Kan, fr: Possible, en: Possible}\n"
ACTION = """actions:
  ask:
    title: {nl: Vraag, fr: Demande, en: Ask}
    when: "WHEN"
    source: test
    explain: {nl: "Vraag.", fr: "Demande.", en: "Ask."}
    values:
      first:
        title: {nl: Een, fr: Un, en: One}
        type: money
        expr: total_income / 3
      second:
        title: {nl: Twee, fr: Deux, en: Two}
        type: money
        expr: "SECOND"
"""


def _rules(rows: list[str] | None = None, when: str = "True", second: str = "total_income") -> CompiledRuleSet:
    """The minimal rule set with recommendation rows whose conditions are ``rows`` and an action."""
    action = ACTION.replace("WHEN", when).replace("SECOND", second)
    text = minimal_text().replace("recommendation:\n", action + "recommendation:\n", 1)
    if rows is not None:
        text = text.replace(ROW, "".join(ROW + f'      when: "{row}"\n' for row in rows), 1)
    return compile_text(text, "shared.yaml")


@pytest.mark.parametrize(
    ("rows", "when", "second", "path"),
    [
        (["100 / (total_income - 1000) > 0"], "True", "total_income", "recommendation.budget_guidance"),
        (["True", "100 / (total_income - 1000) > 0"], "100 / (total_income - 1000) > 0", "1", "actions.ask"),
        (["True"], "True", "100 / (total_income - 1000)", "actions.ask.second"),
    ],
)
def test_a_failing_row_when_or_value_is_named_as_before(rows: list[str], when: str, second: str, path: str) -> None:
    """Catches the generated tail naming the wrong part of a failure (the line it came through
    mapped to another row, action or value) or letting the bare arithmetic error out: the EV002
    names the failing row's recommendation, the action or the action's value. The second case
    also checks that a row after the first that holds is not evaluated (hit policy ``first``)."""
    rules = _rules(rows, when, second)
    with pytest.raises(EvaluationError) as exc:
        rules.evaluate(CASE, on=ON)
    d = only_diagnostic(exc.value, "EV002")
    assert d.path == path
    assert "division by zero" in d.message


def test_a_record_made_by_new_record_is_the_dataclasss(reference: CompiledRuleSet) -> None:
    """Catches ``new_record`` (the record's slots set directly) leaving a field unset, setting one
    in another's place or making the record writable: it equals the dataclass's own record of the
    same fields, field by field, and refuses a change as that one does."""
    case = copy.deepcopy(load_fixture(FIXTURE).case)
    record = compiled(reference).record(case, None, lang="fr")
    values = [getattr(record, f.name) for f in fields(EvaluationRecord)]
    assert len(set(map(id, values))) == len(values)  # distinct objects: a field in another's place shows
    made = new_record(*values)
    assert made == EvaluationRecord(*values)
    assert [getattr(made, f.name) for f in fields(EvaluationRecord)] == values
    with pytest.raises(FrozenInstanceError):
        made.lang = "nl"  # type: ignore[misc]
