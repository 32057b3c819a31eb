"""The lazy Decision, the evaluation record and the JSON writers (issue 18, piece "engine").

``RuleSet.evaluate`` returns a Decision whose reasons, principles, forms, actions and provenance
are built from the evaluation record when first read. Whatever looks at the whole model must
see exactly the Decision built at once; the trace lists the parameters read; ``to_json()`` is
pydantic's bytes, written faster; the compact form reads back into the full Decision.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import aidrules
from aidrules import RecordingTracer
from aidrules.engine.compiled import compiled, prepared
from aidrules.engine.decision import COMPACT_FORM, LAZY_FIELDS, RECORD_FIELDS, Decision
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.testing import load_fixture
from properties.strategies import case_and_partial

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ON = date(2025, 3, 1)


def _rules_for(case: dict[str, Any]) -> CompiledRuleSet:
    return aidrules.load(None, date.fromisoformat(case["on"]) if "on" in case else ON)


def _decide(rules: CompiledRuleSet, case: dict[str, Any], lang: str = "nl") -> Decision | None:
    try:
        return rules.evaluate(case, ON if "on" not in case else None, lang=lang)
    except aidrules.AidrulesError:
        return None


#: Each way of looking at a whole Decision, as something comparable.
LOOKS: dict[str, Callable[[Decision], Any]] = {
    "to_json": lambda d: d.to_json(),
    "model_dump_json": lambda d: d.model_dump_json(indent=2),
    "model_dump": lambda d: d.model_dump(),
    "model_dump_json_mode": lambda d: d.model_dump(mode="json"),
    "repr": repr,
    "str": str,
    "iter": lambda d: dict(d),
    "copy": lambda d: copy.copy(d).model_dump(),
    "deepcopy": lambda d: copy.deepcopy(d).model_dump(),
    "model_copy": lambda d: d.model_copy().model_dump(),
    "pickle": lambda d: pickle.loads(pickle.dumps(d)).model_dump(),
    "validate_dump": lambda d: Decision.model_validate(d.model_dump()).to_json(),
    "validate_json": lambda d: Decision.model_validate_json(d.to_json()).to_json(),
    "reasons": lambda d: [r.model_dump() for r in d.reasons],
    "forms": lambda d: {k: v.model_dump() for k, v in d.forms.items()},
    "actions": lambda d: [a.model_dump() for a in d.actions],
    "provenance": lambda d: dict(d.provenance),
    # the fields read from the record when first read, alone and before the rest
    "missing_facts": lambda d: d.missing_facts,
    "values": lambda d: d.values,
    "values_then_to_json": lambda d: (d.values, d.to_json(), d.to_json(compact=True)),
    "missing_then_dump_json": lambda d: (d.missing_facts, d.model_dump_json(indent=2)),
    "reasons_then_values": lambda d: (len(d.reasons), d.values, d.missing_facts, d.model_dump_json()),
}


@SETTINGS
@given(pair=case_and_partial())
def test_a_lazy_decision_cannot_be_told_from_one_built_at_once(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Catches a way of reading a Decision that sees the lazy fields unbuilt (pydantic reads a
    model's ``__dict__`` directly): dumps, JSON, ``==``, repr, copies, pickling and validation
    round trips of a lazy Decision equal those of the same decision built at once."""
    for case in pair:
        rules = _rules_for(case)
        built = _decide(rules, case)
        if built is None:
            continue
        built.materialise()
        assert built.is_materialised
        for name, look in LOOKS.items():
            lazy = _decide(rules, case)
            assert lazy is not None and not lazy.is_materialised, name
            assert look(lazy) == look(built), name
        lazy = _decide(rules, case)
        assert lazy == built and built == lazy
        assert pickle.loads(pickle.dumps(_decide(rules, case))) == built


def test_the_cheap_fields_are_read_without_building_reasons(reference: CompiledRuleSet) -> None:
    """Catches a lazy Decision that builds its reasons for the recommendation, missing facts,
    values, stamp or date (the point of being lazy), and one that never builds them."""
    case = {"on": "2025-03-01", "client": {"consents": True, "motivation": 3}, "incomes": [{"monthly_net": "1400"}]}
    decision = reference.evaluate(case)
    assert not decision.is_materialised
    seen = (decision.recommendation, decision.missing_facts, decision.values, decision.ruleset, decision.on)
    assert seen[0] == "undetermined" and "client.shares_information" in seen[1]
    assert not decision.is_materialised
    assert set(LAZY_FIELDS) == {"forms", "principles", "actions", "reasons", "provenance"}
    assert set(RECORD_FIELDS) == {"missing_facts", "values"}
    assert decision.forms["budget_guidance"].status == "undetermined"
    assert decision.is_materialised


def test_missing_facts_from_the_record_are_those_of_the_reasons() -> None:
    """Catches missing facts computed from the record that differ from the ones the reasons name
    (the contract: the facts of undetermined principles, forms, the recommendation and actions)."""
    for path in FIXTURES:
        fixture = load_fixture(path)
        rules = aidrules.load(None, fixture.case.get("on"))
        decision = rules.evaluate(fixture.case)
        facts: set[str] = set(decision.reasons[0].missing_facts)
        for result in (*decision.principles.values(), *decision.forms.values()):
            if result.status == "undetermined":
                facts.update(f for r in result.reasons for f in r.missing_facts)
        facts.update(f for a in decision.actions for r in a.reasons for f in r.missing_facts)
        record = compiled(rules).record(fixture.case)
        facts.update(
            f
            for keys, when in zip(record.layout.action_values, record.whens, strict=True)
            if when is True
            for key in keys
            for f in record.settled_by(key)
        )
        assert decision.missing_facts == sorted(facts), path.name


def test_the_trace_lists_the_parameters_read_only(reference: CompiledRuleSet) -> None:
    """Catches a trace that lists every parameter (it did: the review parameters, which no
    decision reads, appeared in every worker explanation) or misses one the decision read."""
    tracer = RecordingTracer()
    reference.evaluate({"on": "2025-03-01", "client": {"consents": False}}, tracer=tracer)
    listed = [e.id for e in tracer.of_kind("parameter")]
    named = {name for item in reference.plan for name in item.expr.names if name in reference.parameters}
    assert named <= set(listed)
    assert "review_interval_months" not in listed and "goals_debt_free_months" not in listed
    assert listed == [pid for pid in reference.parameters if pid in listed]  # the rule set's order
    event = tracer.of_kind("parameter")[0]
    assert event.valid_from is not None and event.source


def test_the_record_holds_what_was_decided(reference: CompiledRuleSet) -> None:
    """Catches a record that loses outcomes or the facts that would settle them."""
    record = compiled(reference).record({"on": "2025-03-01", "client": {"consents": True}})
    assert record.recommendation == "undetermined" and record.row == -1 and record.unknown
    assert record.outcome("voluntary.consents") is True
    assert record.outcome("principles.motivation") is None
    assert "client.motivation" in record.settled_by("motivation.minimum")
    assert record.settled_by("voluntary.consents") == ()
    read = dict(record.parameters_read())
    assert "minimum_motivation" in read and "review_interval_months" not in read
    assert read["minimum_motivation"].value == record.values["minimum_motivation"]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_to_json_writes_the_bytes_pydantic_writes_for_every_fixture(lang: str) -> None:
    """Catches the fast JSON writer differing from pydantic's ``model_dump_json(indent=2)`` in
    any byte (escapes, Decimals, dates, empty lists and maps, order)."""
    for path in FIXTURES:
        fixture = load_fixture(path)
        rules = aidrules.load(None, fixture.case.get("on"))
        decision = rules.evaluate(fixture.case, lang=lang)
        assert decision.to_json() == decision.model_dump_json(indent=2) + "\n", path.name


def test_to_json_escapes_as_pydantic_does(reference: CompiledRuleSet) -> None:
    """Catches escaping that differs from pydantic's for quotes, backslashes, control characters
    and non-ASCII text in free text (a creditor's name reaches no message, but a reason's does)."""
    decision = reference.evaluate({"on": "2025-03-01", "client": {"consents": False}})
    decision.materialise()
    odd = 'Café "Ré" \\ \t\n\x01\x7f\u2028 € ☃'
    reason = decision.reasons[1].model_copy(update={"message": odd, "values": {odd: odd}})
    tampered = decision.model_copy(update={"reasons": [reason]})
    assert tampered.to_json() == tampered.model_dump_json(indent=2) + "\n"


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_compact_form_reads_back_into_the_full_decision(lang: str) -> None:
    """Catches a compact form that loses anything: read back with the rule set's provenance, it
    gives the full JSON of every fixture byte for byte; it is one line, names its form, lists
    each reason once and is smaller."""
    for path in FIXTURES:
        fixture = load_fixture(path)
        rules = aidrules.load(None, fixture.case.get("on"))
        decision = rules.evaluate(fixture.case, lang=lang)
        compact = decision.to_json(compact=True)
        assert compact.count("\n") == 1 and compact.endswith("\n")
        data = json.loads(compact)
        assert data["form"] == COMPACT_FORM and "provenance" not in data
        rules_texts = [json.dumps(r, sort_keys=True) for r in data["reason_table"]]
        assert len(rules_texts) == len(set(rules_texts))
        assert len(compact) < len(decision.to_json()) / 2
        back = Decision.from_compact(compact, rules.provenance)
        assert back.to_json() == decision.to_json(), path.name


def test_reading_something_else_as_a_compact_decision_is_refused(reference: CompiledRuleSet) -> None:
    """Catches reading the full JSON (or any JSON) as the compact form: a clear error."""
    decision = reference.evaluate({"on": "2025-03-01", "client": {"consents": False}})
    with pytest.raises(ValueError, match="not a compact decision"):
        Decision.from_compact(decision.to_json())


def test_the_rule_set_keeps_one_prepared_object_per_engine(reference: CompiledRuleSet) -> None:
    """Catches preparing a rule set again for every evaluation, or keeping its state elsewhere."""
    first = reference.prepare("compiled")
    reference.evaluate({"on": "2025-03-01"})
    assert reference.prepare("compiled") is first is compiled(reference)
    assert prepared(reference) is compiled(reference).state
    with pytest.raises(aidrules.EvaluationError, match="unknown engine"):
        reference.prepare("drools")
