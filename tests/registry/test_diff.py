"""`aidrules diff` between shipped versions, and re-running a stored decision under new rules."""

from __future__ import annotations

import ast
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import aidrules
from aidrules.cli.main import app
from aidrules.registry import diff as registry_diff
from aidrules.registry.diff import compare, diff, load_cases, rule_changes
from aidrules.ruleset.compile import compile_text
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.shipped import shipped_rules_dir
from aidrules.text import LANGS, lookup

runner = CliRunner()
FIXTURES = shipped_rules_dir().parent / "fixtures" / "reference"


def test_rule_changes_between_the_shipped_versions_are_named() -> None:
    old = aidrules.load("noord-limburg-budgethulp@2024.1")
    new = aidrules.load("noord-limburg-budgethulp@2025.1")
    details = [c.detail for c in rule_changes(old, new)]
    assert any("maximum_supplementary_aid" in d and "500.00" in d and "400.00" in d for d in details)
    assert any("dignity_shortfall" in d and "remi.reference_budget" in d for d in details)


def test_diff_markdown_names_a_case_whose_outcome_changes() -> None:
    result = runner.invoke(
        app, ["diff", "noord-limburg-budgethulp@2024.1", "noord-limburg-budgethulp@2025.1", "--cases", str(FIXTURES)]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Wijzigingen noord-limburg-budgethulp@2024.1 → noord-limburg-budgethulp@2025.1")
    # shortfall exactly 500: beyond the old maximum of 400, within the new one of 500
    assert "### 012-dignity-shortfall-exactly-500 (2025-03-01): geen → budgetbegeleiding" in text
    assert "uitgangspunt Menswaardig bestaan: niet voldaan → voldaan" in text
    assert "## Gevolgen rond de gewijzigde drempels" in text


def test_boundary_profiles_sit_either_side_of_the_changed_threshold() -> None:
    old = aidrules.load("noord-limburg-budgethulp@2024.1")
    new = aidrules.load("noord-limburg-budgethulp@2025.1")
    report = diff(old, new, load_cases(FIXTURES)[:3])
    assert report.profiles_checked >= 2
    changed = [o for o in report.profile_impact if any("dignity.floor_reachable" in d for d in o.differences)]
    assert changed, report.profile_impact


def test_diff_json() -> None:
    result = runner.invoke(
        app,
        [
            "diff",
            "noord-limburg-budgethulp@2024.1",
            "noord-limburg-budgethulp@2025.1",
            "--cases",
            str(FIXTURES),
            "--format",
            "json",
        ],
    )
    data = json.loads(result.stdout)
    assert data["cases_checked"] == len(list(FIXTURES.glob("*.yaml")))
    assert any(o["case"].startswith("012-") for o in data["fixture_impact"])


def test_an_identical_version_shows_no_change() -> None:
    rules = aidrules.load("noord-limburg-budgethulp@2025.1")
    report = diff(rules, rules, load_cases(FIXTURES)[:5])
    assert report.changes == [] and report.fixture_impact == [] and report.profile_impact == []


def test_rerun_a_stored_decision_under_the_local_overlay(tmp_path: Path) -> None:
    case = FIXTURES / "022-debt-exactly-36-months-capacity.yaml"
    from aidrules.testing import load_fixture

    facts = load_fixture(case).case
    facts["debts"] = [{"creditor": "X", "kind": "energy", "amount": "11200.00", "enforcement": "reminder"}]
    regional = aidrules.load("noord-limburg-budgethulp@2025.1").evaluate(facts)
    stored = tmp_path / "decision.json"
    stored.write_text(regional.to_json(), encoding="utf-8")
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(facts, default=str), encoding="utf-8")
    result = runner.invoke(app, ["rerun", str(stored), str(case_file), "--rules", "ocmw-voorbeeldgem"])
    assert result.exit_code == 0, result.output
    assert "noord-limburg-budgethulp@2025.1 → ocmw-voorbeeldgem@2025.1" in result.stdout
    assert f"recommendation: {regional.recommendation} → budget_guidance" in result.stdout


def test_rerun_with_the_same_rules_shows_no_change(tmp_path: Path) -> None:
    from aidrules.testing import load_fixture

    facts = load_fixture(FIXTURES / "001-single-wage-guidance-baseline.yaml").case
    decision = aidrules.load("noord-limburg-budgethulp@2025.1").evaluate(facts)
    assert compare(decision, decision) == []


def test_rerun_refuses_a_file_that_is_not_a_decision(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text("on: 2025-03-01\n", encoding="utf-8")
    result = runner.invoke(app, ["rerun", str(bad), str(case)], env={"LC_ALL": "en_GB.UTF-8"})
    assert result.exit_code == 2 and "not a stored aidrules decision" in result.stderr


def test_diff_shows_values_in_words_never_python_reprs() -> None:
    """The scenario's complaint: `[('2024-01-01', '12')]` and "changed" under Dutch headings."""
    result = runner.invoke(app, ["diff", "noord-limburg-budgethulp@2024.1", "noord-limburg-budgethulp@2025.1"])
    text = result.stdout.replace("\xa0", " ").replace("\u202f", " ")  # Belgian notation's no-break spaces
    assert "[(" not in text and "Decimal(" not in text and "**changed**" not in text and "**added**" not in text
    assert "**Maximale aanvullende steun binnen budgethulp**: € 400,00 → € 500,00 vanaf 1 januari 2024" in text
    assert "eligible" not in text and "not_satisfied" not in text
    # formulas, conditions and action values in words, never rule-language code
    assert "derived `" not in text and "max(0," not in text and "monthly_amount" not in text
    assert "voorwaarde dignity." not in text and "Bedrag per maand € 500,00" in text
    fr = runner.invoke(
        app, ["diff", "noord-limburg-budgethulp@2024.1", "noord-limburg-budgethulp@2025.1", "--lang", "fr"]
    )
    fr_text = fr.stdout.replace("\xa0", " ").replace("\u202f", " ")
    assert "400,00 € → 500,00 € à partir du 1er janvier 2024" in fr_text and "## Qui gagne, qui perd" in fr_text


def test_diff_exercises_a_dated_change_on_its_effective_date(policy_project: Path, monkeypatch: Any) -> None:
    """Fixtures dated before 2025-07-01 never saw the new minimum; the old diff said "0 changed"."""
    monkeypatch.chdir(policy_project)
    result = runner.invoke(app, ["diff", "noord-limburg-budgethulp@2025.1", "noord-limburg-budgethulp@2025.2"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "De wijziging gaat in op 1 juli 2025" in text
    assert "### 018-motivation-2-at-minimum (2025-07-01): budgetbegeleiding → geen" in text
    assert "**Minimale motivatie (score 0-4)**: 2 → 3 vanaf 1 juli 2025" in text
    assert "## Wie wint, wie verliest" in text and "verliezen hun hulp" in text
    headings = [line for line in text.splitlines() if line.startswith("### ") and " met " in line]
    assert len(headings) == len(set(headings)) > 0  # each boundary example once
    assert not any(" with " in h or "client." in h for h in headings)  # in Dutch, facts by their labels


#: A rule set whose thresholds sit on facts and in ranges the reference rule set does not use: the
#: number of adults (a whole number from 1 to 20) and a debt total above 20,000 euros.
SMALL_LIMITS = """
aidrules: 1
ruleset:
  id: small-limits
  version: "{version}"
  title: {{nl: Kleine grenzen, fr: Petites limites, en: Small limits}}
  effective: {{from: 2025-01-01}}
parameters:
  maximum_adults:
    title: {{nl: Maximum volwassenen, fr: Maximum d'adultes, en: Maximum adults}}
    type: integer
    policy_choice:
      rationale: {{nl: Keuze, fr: Choix, en: Choice}}
    values:
      - {{from: 2025-01-01, value: {adults}, source: test}}
  maximum_debt:
    title: {{nl: Maximale schuld, fr: Dette maximale, en: Maximum debt}}
    type: money
    policy_choice:
      rationale: {{nl: Keuze, fr: Choix, en: Choice}}
    values:
      - {{from: 2025-01-01, value: {debt}, source: test}}
derived:
  total_debt:
    title: {{nl: Schulden, fr: Dettes, en: Debts}}
    type: money
    expr: sum(d.amount for d in debts)
conditions:
  size.small:
    title: {{nl: Klein gezin, fr: Petit ménage, en: Small household}}
    when: household.adults <= maximum_adults
    source: test
    explain:
      if_true: {{nl: Klein., fr: Petit., en: Small.}}
      if_false: {{nl: Groot., fr: Grand., en: Large.}}
  burden.limited:
    title: {{nl: Beperkte schuld, fr: Dette limitée, en: Limited debt}}
    when: total_debt <= maximum_debt
    source: test
    explain:
      if_true: {{nl: Beperkt., fr: Limitée., en: Limited.}}
      if_false: {{nl: Te hoog., fr: Trop élevée., en: Too high.}}
principles:
  proportionate:
    title: {{nl: Evenredig, fr: Proportionné, en: Proportionate}}
    description: {{nl: Evenredig, fr: Proportionné, en: Proportionate}}
    source: test
    requires: [size.small, burden.limited]
forms:
  budget_guidance:
    title: {{nl: Budgetbegeleiding, fr: Guidance budgétaire, en: Budget guidance}}
    description: {{nl: Begeleiding, fr: Guidance, en: Guidance}}
    source: test
    intrusiveness: 1
    principles: [proportionate]
recommendation:
  hit_policy: first
  rules:
    - recommend: budget_guidance
      because: {{nl: Begeleiding kan, fr: Guidance possible, en: Guidance possible}}
  otherwise: none
  otherwise_because: {{nl: Niets, fr: Rien, en: Nothing}}
"""
OLD_ADULTS, NEW_ADULTS = 2, 4
OLD_DEBT, NEW_DEBT = Decimal("25000.00"), Decimal("40000.00")


def _small_limits(version: str, adults: int, debt: Decimal) -> CompiledRuleSet:
    return compile_text(SMALL_LIMITS.format(version=version, adults=adults, debt=debt), f"small-{version}.yaml")


def test_boundary_profiles_read_fact_paths_and_ranges_from_the_rule_sets_compared() -> None:
    """The boundary search once moved only incomes, expenses, debts and motivation, amounts up to
    20,000: a threshold on the number of adults, or a debt limit of 25,000, gave no profile at all."""
    old = _small_limits("1", OLD_ADULTS, OLD_DEBT)
    new = _small_limits("2", NEW_ADULTS, NEW_DEBT)
    case = {"household": {"adults": 1}, "debts": [{"amount": "1000.00"}]}
    report = diff(old, new, [("small", case, date(2025, 3, 1))])
    changed = {o.case for o in report.profile_impact}
    # Just past the old maximum and at the new one the household became small enough.
    assert f"small with household.adults = {OLD_ADULTS + 1} (maximum_adults)" in changed
    assert f"small with household.adults = {NEW_ADULTS} (maximum_adults)" in changed
    assert f"small with household.adults = {NEW_ADULTS + 1} (maximum_adults)" not in changed
    # Just past the old debt limit, and at the new one, the debt became acceptable.
    assert f"small with debts.0.amount = {OLD_DEBT + Decimal('0.01')} (maximum_debt)" in changed
    assert f"small with debts.0.amount = {NEW_DEBT} (maximum_debt)" in changed
    assert all(o.before == "none" and o.after == "budget_guidance" for o in report.profile_impact)


def test_every_word_the_diff_report_names_has_a_text_in_each_language() -> None:
    """The report's words are the `registry` domain's `diff.<key>`: a key named in the code but
    missing from the catalogue fails only when that line of a report is written."""
    source = Path(registry_diff.__file__).read_text(encoding="utf-8")
    named = {
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_h", "_code")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }
    # the kinds of a change and the statuses compare() writes, passed on as variables
    named |= {"added", "removed", "changed", "form", "principle", "rule", "action", "recommendation"}
    named |= {"eligible", "ineligible", "satisfied", "not_satisfied", "proposed", "not proposed"}
    assert len(named) > 25
    for lang in LANGS:
        missing = sorted(word for word in named if f"diff.{word.replace(' ', '_')}" not in lookup("registry", lang))
        assert missing == [], lang
