"""Layers: federal amounts → regional policy → local overlay; locked items; provenance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import aidrules
from aidrules import RuleSetError
from aidrules.ruleset.shipped import shipped_rules_dir
from aidrules.testing import load_fixture

ON = date(2025, 3, 1)
OVERLAY_HEAD = """aidrules: 1
extends: noord-limburg-budgethulp@2025.1
ruleset:
  id: test-overlay
  version: "1"
  title: {nl: Test, fr: Test, en: Test}
  effective: {from: 2025-02-01}
"""


def overlay(tmp_path: Path, body: str) -> aidrules.CompiledRuleSet:
    path = tmp_path / "overlay.yaml"
    path.write_text(OVERLAY_HEAD + body, encoding="utf-8")
    return aidrules.load_ruleset(path)


def overlay_error(tmp_path: Path, body: str) -> list[aidrules.Diagnostic]:
    with pytest.raises(RuleSetError) as info:
        overlay(tmp_path, body)
    return info.value.diagnostics


def test_the_reference_set_is_built_from_layers() -> None:
    rules = aidrules.load("noord-limburg-budgethulp@2025.1")
    assert rules.layers == ("federale-bedragen@2026.1", "noord-limburg-budgethulp@2025.1")
    assert rules.provenance["parameters.leefloon"] == "federale-bedragen@2026.1"
    assert rules.provenance["parameters.enterprise_cessation_months"] == "federale-bedragen@2026.1"
    assert rules.provenance["conditions.csr.own_will"] == "noord-limburg-budgethulp@2025.1"


def test_a_base_layer_cannot_decide_alone() -> None:
    base = aidrules.load("federale-bedragen@2026.1")
    with pytest.raises(aidrules.EvaluationError, match="base layer"):
        base.evaluate({}, ON)


def test_the_local_overlay_adjusts_a_threshold_and_adds_an_action() -> None:
    local = aidrules.load("ocmw-voorbeeldgem")
    regional = aidrules.load("noord-limburg-budgethulp@2025.1")
    assert local.parameters["reasonable_repayment_months"].value_at(ON).value == 48  # type: ignore[union-attr]
    assert regional.parameters["reasonable_repayment_months"].value_at(ON).value == 36  # type: ignore[union-attr]
    # 40 months of capacity: repayable within 48 months (local) but not within 36 (regional)
    case = shipped_rules_dir().parent / "fixtures" / "reference" / "001-single-wage-guidance-baseline.yaml"
    facts = load_fixture(case).case
    facts["debts"] = [{"creditor": "X", "kind": "energy", "amount": "11200.00", "enforcement": "reminder"}]
    facts["client"]["wants_debt_settlement"] = True
    assert regional.evaluate(facts).recommendation == "collective_debt_settlement"
    decision = local.evaluate(facts)
    assert decision.recommendation == "budget_guidance"
    assert decision.provenance["parameters.reasonable_repayment_months"] == "ocmw-voorbeeldgem@2025.1"
    assert decision.provenance["actions.budget_course"] == "ocmw-voorbeeldgem@2025.1"
    assert decision.ruleset.layers[-1] == "ocmw-voorbeeldgem@2025.1"


def test_an_overlay_never_mutates_its_base(tmp_path: Path) -> None:
    before = aidrules.load("noord-limburg-budgethulp@2025.1")
    overlay(tmp_path, "parameters:\n  minimum_motivation:\n    values: [{from: 2024-01-01, value: 4, source: x}]\n")
    after = aidrules.load("noord-limburg-budgethulp@2025.1")
    assert after.fingerprint == before.fingerprint
    assert after.parameters["minimum_motivation"].value_at(ON).value == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (
            "conditions:\n  csr.own_will:\n    title: {nl: a, fr: a, en: a}\n    when: 'true'\n    source: x\n"
            "    explain: {if_true: {nl: a, fr: a, en: a}, if_false: {nl: a, fr: a, en: a}}\n",
            "conditions.csr.own_will",
        ),
        (
            "parameters:\n  leefloon:\n    values: [{from: 2024-01-01, value: {cohabiting: 1, single: 1, "
            "family_dependants: 1}, source: x}]\n",
            "parameters.leefloon",
        ),
        (
            "principles:\n  voluntary:\n    title: {nl: a, fr: a, en: a}\n    description: {nl: a, fr: a, en: a}\n"
            "    source: x\n    requires: [guidance.skills]\n",
            "principles.voluntary",
        ),
        ("disable: [conditions.csr.habitual_residence]\n", "conditions.csr.habitual_residence"),
        (  # the six months after ceasing an enterprise are law (art. 1675/2 Ger.W.), not a council's choice
            "parameters:\n  enterprise_cessation_months:\n    values: [{from: 2024-01-01, value: 1, source: x}]\n",
            "parameters.enterprise_cessation_months",
        ),
    ],
)
def test_touching_a_locked_item_is_refused(tmp_path: Path, body: str, what: str) -> None:
    found = [d for d in overlay_error(tmp_path, body) if d.code == "RS704"]
    assert found, what
    assert what.split(".", 1)[1] in found[0].message and "locked" in found[0].message
    assert found[0].span is not None and found[0].span.file.endswith("overlay.yaml")


def test_an_overlay_may_disable_and_replace_unlocked_rules(tmp_path: Path) -> None:
    rules = overlay(
        tmp_path,
        "disable: [actions.referral]\nconditions:\n  motivation.minimum:\n"
        "    title: {nl: M, fr: M, en: M}\n    when: client.motivation >= 1\n    source: lokaal\n"
        "    explain: {if_true: {nl: ja, fr: oui, en: yes}, if_false: {nl: nee, fr: non, en: no}}\n",
    )
    assert "referral" not in [a.id for a in rules.actions]
    assert rules.provenance["actions.referral"] == "disabled by test-overlay@1"
    assert rules.provenance["conditions.motivation.minimum"] == "test-overlay@1"


def test_an_error_in_an_overlay_points_into_the_overlay_file(tmp_path: Path) -> None:
    [d] = overlay_error(
        tmp_path, "derived:\n  extra:\n    title: {nl: a, fr: a, en: a}\n    type: money\n    expr: total_incom + 1\n"
    )
    assert d.code == "RS203" and d.span is not None and d.span.file.endswith("overlay.yaml") and d.span.line == 12


def test_extends_must_pin_a_version(tmp_path: Path) -> None:
    path = tmp_path / "overlay.yaml"
    path.write_text(OVERLAY_HEAD.replace("@2025.1", ""), encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        aidrules.load_ruleset(path)
    assert info.value.diagnostics[0].code == "RS701"


def test_fingerprint_covers_the_whole_chain(tmp_path: Path) -> None:
    a = overlay(tmp_path, "")
    regional = aidrules.load("noord-limburg-budgethulp@2025.1")
    assert a.fingerprint != regional.fingerprint


def test_extending_an_unknown_version_points_at_the_extends_line(tmp_path: Path) -> None:
    path = tmp_path / "overlay.yaml"
    path.write_text(OVERLAY_HEAD.replace("@2025.1", "@1999.9"), encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        aidrules.load_ruleset(path)
    [d] = [d for d in info.value.diagnostics if d.code == "RS702"]
    assert "noord-limburg-budgethulp@1999.9" in d.message and d.span is not None and d.span.line == 2
