"""The durable_rules backend: what runs in the Rete network, what Python computes first, its
limits, and how it says it is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aidrules
from aidrules import EvaluationError
from aidrules.cli.main import app
from aidrules.engine.durable import prepare
from aidrules.engine.durable.network import Leaf, leaves
from aidrules.engine.protocol import ENGINES, backend
from aidrules.ruleset.compile import compile_text
from aidrules.ruleset.compiled import CompiledRuleSet

FEATURES = Path(__file__).resolve().parents[1] / "conformance" / "data" / "features.yaml"
CASE = Path(__file__).resolve().parents[2] / "fixtures" / "examples" / "debt-spiral-management.yaml"


def _leaf(rules: CompiledRuleSet, item_id: str) -> list[Leaf]:
    item = prepare(rules).network.by_name[item_id].target
    assert item.node is not None
    return leaves(item.node)


@pytest.mark.durable
def test_comparisons_between_facts_parameters_and_amounts_run_in_the_network(reference: CompiledRuleSet) -> None:
    (motivation,) = _leaf(reference, "motivation.minimum")
    assert motivation.test == "cmp" and motivation.op in (">=", "<=")
    assert {t.label for t in motivation.terms} == {"client.motivation", "minimum_motivation"}
    names = ("debts_repayable", "guidance.skills", "csr.no_recent_revocation")
    tests = {leaf.test for name in names for leaf in _leaf(reference, name)}
    assert {"cmp", "in", "none"} <= tests


@pytest.mark.durable
def test_functions_and_sums_are_computed_first_and_named_in_the_terms(reference: CompiledRuleSet) -> None:
    labels = {t.label for t in prepare(reference).network.terms}
    assert "months_between(add_days(client.enterprise_ceased_on, 1), decision_date)" in labels
    assert "any(i.stable for i in incomes)" in labels
    assert "total_income" in labels  # a derived amount, computed exactly in Python, compared in the network


@pytest.mark.durable
def test_principles_forms_and_the_recommendation_are_network_rules(reference: CompiledRuleSet) -> None:
    prepared = prepare(reference)
    decided = {rule.item for rule in prepared.rules}
    assert {"principles.participation", "forms.budget_guidance", "recommendation"} <= decided
    # a principle of one condition shares that condition's verdict
    assert prepared.network.by_name["principles.motivation"].target.id == "motivation.minimum"


@pytest.mark.durable
def test_a_derived_amount_that_waits_for_a_condition_is_computed_by_a_network_action() -> None:
    rules = aidrules.load_ruleset(FEATURES)
    prepared = prepare(rules)
    (allowance,) = [v for v in prepared.network.values if v.id == "allowance"]
    assert allowance.waits_for == {prepared.network.by_name["rich"].key}
    assert any(rule.name.endswith(".compute") for rule in prepared.rules)


@pytest.mark.durable
def test_rule_sets_are_registered_once_under_a_versioned_name(reference: CompiledRuleSet) -> None:
    name = prepare(reference).name
    assert name.startswith(f"{reference.id}@{reference.version}:")
    assert prepare(reference) is prepare(reference)
    text = FEATURES.read_text(encoding="utf-8")
    first, second = compile_text(text, "a.yaml"), compile_text(text, "b.yaml")
    assert first is not second and prepare(first).name == prepare(second).name
    case = {"on": "2025-03-01", "client": {"consents": True}}
    assert first.evaluate(case, engine="durable") == second.evaluate(case, engine="durable")


@pytest.mark.durable
def test_a_comparison_beyond_double_precision_is_refused_not_guessed() -> None:
    text = FEATURES.read_text(encoding="utf-8").replace(
        "      - {from: 2024-01-01, value: 24, source: test}",
        "      - {from: 2024-01-01, value: 900000000000000, source: test}",
    )
    rules = compile_text(text, "huge.yaml")
    case = {"on": "2025-03-01", "incomes": [{"monthly_net": "2500.00"}], "debts": [], "client": {"motivation": 3}}
    assert rules.evaluate(case).values["debt"] is not None  # the compiled engine has exact decimals
    with pytest.raises(EvaluationError) as caught:
        rules.evaluate(case, engine="durable")
    assert caught.value.diagnostics[0].code == "DU001"


@pytest.mark.durable
def test_more_recommendation_rules_than_durable_rules_can_join_are_refused_at_preparation() -> None:
    text = FEATURES.read_text(encoding="utf-8")
    extra = "".join(
        f"    - recommend: budget_guidance\n      when: debt > {i}\n      because: {{nl: r{i}, fr: r{i}, en: r{i}}}\n"
        for i in range(12)
    )
    text = text.replace("  otherwise: none\n", extra + "  otherwise: none\n")
    rules = compile_text(text, "rows.yaml")
    with pytest.raises(EvaluationError) as caught:
        rules.evaluate({"on": "2025-03-01"}, engine="durable")
    assert caught.value.diagnostics[0].code == "DU004"


@pytest.mark.durable
def test_the_engines_are_named_and_an_unknown_engine_is_refused(reference: CompiledRuleSet) -> None:
    assert ENGINES == ("compiled", "durable")
    case = {"on": "2025-03-01", "client": {"consents": False}}
    assert backend("compiled").prepare(reference).evaluate(case).recommendation == "none"
    assert backend("durable").prepare(reference).evaluate(case).recommendation == "none"
    with pytest.raises(EvaluationError, match="unknown engine"):
        reference.evaluate(case, engine="drools")


def test_without_durable_rules_the_error_says_how_to_install_it(
    reference: CompiledRuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "durable", None)  # as if it were not installed
    with pytest.raises(EvaluationError) as caught:
        reference.evaluate({"on": "2025-03-01"}, engine="durable")
    assert 'pip install "aidrules[durable]"' in str(caught.value)
    result = CliRunner().invoke(app, ["evaluate", str(CASE), "--engine", "durable"])
    assert result.exit_code == 2
    assert 'pip install "aidrules[durable]"' in result.output
    assert "Traceback" not in result.output


@pytest.mark.durable
def test_the_command_line_decides_with_durable_rules_as_with_the_compiled_engine() -> None:
    runner = CliRunner()
    compiled = runner.invoke(app, ["evaluate", str(CASE), "--format", "json"])
    durable = runner.invoke(app, ["evaluate", str(CASE), "--format", "json", "--engine", "durable"])
    assert compiled.exit_code == durable.exit_code == 0
    assert durable.stdout == compiled.stdout
