"""`aidrules impact OLD NEW`: what a change of version does to a caseload, on the day it takes effect."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import aidrules
from aidrules.cli.main import app
from aidrules.impact import change_date, run_study, synthetic_population, to_html, to_markdown
from aidrules.impact.study import groups_of
from aidrules.readers.yamlload import load_yaml
from aidrules.registry.index import ENV_PATH
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.shipped import load
from docs.browser import Browser, file_url, find_chromium

ROOT = Path(__file__).resolve().parents[2]
OLD = "noord-limburg-budgethulp@2025.1"
NEW = "noord-limburg-budgethulp@2025.2"
CHANGE = date(2025, 7, 1)  # the `from:` of the dated values in conftest.edited_reference_copy
runner = CliRunner()


@pytest.fixture
def versions(policy_project: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[CompiledRuleSet, CompiledRuleSet]:
    monkeypatch.chdir(policy_project)
    monkeypatch.delenv(ENV_PATH, raising=False)
    return load(OLD), load(NEW)


def _case_018() -> dict[str, Any]:
    text = (ROOT / "fixtures" / "reference" / "018-motivation-2-at-minimum.yaml").read_text(encoding="utf-8")
    doc, _ = load_yaml(text, "018")
    case = dict(doc.data["case"])
    case.pop("on")
    return case


def test_change_takes_effect_on_the_dated_values_not_the_cases_dates(
    versions: tuple[CompiledRuleSet, CompiledRuleSet],
) -> None:
    """The scenario's complaint: `diff` decided each case on its own (earlier) date, so a change
    dated 2025-07-01 was never exercised and "0 cases change" was reported."""
    old, new = versions
    assert change_date(old, new) == CHANGE
    report = run_study(old, new, [(1, _case_018())], source="018", workers=1)
    assert (report.old_day, report.new_day) == (CHANGE, CHANGE)
    assert report.matrix == Counter({("budget_guidance", "none"): 1})
    assert report.causes["conditions.motivation.minimum"] == 1
    assert report.causes["parameters.minimum_motivation"] == 1
    assert report.losses == 1 and report.gains == 0


def test_fast_path_agrees_with_evaluate_on_every_case(versions: tuple[CompiledRuleSet, CompiledRuleSet]) -> None:
    """The study decides without assembling decisions; a shortcut that skipped a step (actions,
    the recommendation's hit policy) would count different outcomes than the engine decides."""
    old, new = versions
    cases = synthetic_population(300, seed=7)
    report = run_study(old, new, list(enumerate(cases, start=1)), source="x", workers=1)
    expected: Counter[tuple[str, str]] = Counter()
    for case in cases:
        a = old.evaluate(case, on=CHANGE, check_period=False).recommendation
        b = new.evaluate(case, on=CHANGE, check_period=False).recommendation
        expected[(a, b)] += 1
    assert report.matrix == expected
    assert report.changed == sum(n for (a, b), n in expected.items() if a != b) > 0


def test_same_version_changes_nothing(versions: tuple[CompiledRuleSet, CompiledRuleSet]) -> None:
    old, _ = versions
    report = run_study(old, old, list(enumerate(synthetic_population(100, seed=3), start=1)), source="x", workers=1)
    assert report.changed == 0 and report.parameter_changes == [] and report.cases == 100
    assert "Geen enkele casus krijgt een andere aanbeveling." in to_markdown(report)


def test_given_dates_override_the_change_date(versions: tuple[CompiledRuleSet, CompiledRuleSet]) -> None:
    """Before 2025-07-01 the new version still carries the old values: nothing may change."""
    old, new = versions
    report = run_study(old, new, [(1, _case_018())], source="018", old_day=date(2025, 3, 1), workers=1)
    assert (report.old_day, report.new_day) == (date(2025, 3, 1), date(2025, 3, 1))
    assert report.changed == 0


def test_every_core_gives_the_same_report_as_one(versions: tuple[CompiledRuleSet, CompiledRuleSet]) -> None:
    old, new = versions
    cases = list(enumerate(synthetic_population(1200, seed=11), start=1))
    one = run_study(old, new, cases, source="x", workers=1)
    two = run_study(old, new, cases, source="x", workers=2)
    assert (two.matrix, two.groups, two.causes, two.examples) == (one.matrix, one.groups, one.causes, one.examples)


def test_groups_cover_every_case_in_each_breakdown(versions: tuple[CompiledRuleSet, CompiledRuleSet]) -> None:
    old, new = versions
    report = run_study(old, new, list(enumerate(synthetic_population(400, seed=5), start=1)), source="x", workers=1)
    for dimension, groups in report.groups.items():
        assert sum(c["cases"] for c in groups.values()) == report.cases, dimension
        assert sum(c["changed"] for c in groups.values()) == report.changed, dimension
        for c in groups.values():
            assert c["more"] + c["less"] + c["other"] == c["changed"]


def test_income_and_debt_bands_from_the_facts() -> None:
    case = {
        "household": {"category": "single"},
        "incomes": [{"monthly_net": "900.00"}, {"monthly_net": "700.00"}],
        "debts": [],
    }
    assert groups_of(case) == ("single", "band2", "nodebt")  # 1600: 1500–1999.99; no debts
    assert groups_of({"debts": [{"amount": "2500"}]}) == ("unknown", "unknown", "band1")
    assert groups_of({"incomes": [{"kind": "wage"}]})[1] == "unknown"  # an amount unknown: the total is too


def test_examples_are_anonymised(versions: tuple[CompiledRuleSet, CompiledRuleSet]) -> None:
    """Report pages go to the council: a naive report copying the case would show who it is."""
    old, new = versions
    case = _case_018()
    case["household"] = {**case["household"], "municipality": "Hechtel-Eksel"}
    case["debts"] = [{**case["debts"][0], "creditor": "Verhuurkantoor Janssens"}]
    report = run_study(old, new, [(4, case)], source="x", workers=1)
    [[example]] = report.examples.values()
    assert example.line == 4 and example.debt == Decimal("3000")
    for page in (to_markdown(report), to_html(report), to_markdown(report, "fr"), to_markdown(report, "en")):
        assert "Hechtel" not in page and "Janssens" not in page and "2025-03-01" not in page


def test_reports_speak_the_readers_language(versions: tuple[CompiledRuleSet, CompiledRuleSet]) -> None:
    """No Python reprs, no English words under Dutch headings (the old diff's faults)."""
    old, new = versions
    report = run_study(old, new, list(enumerate(synthetic_population(300, seed=2), start=1)), source="x", workers=1)
    nl, fr, en = (to_markdown(report, lang) for lang in ("nl", "fr", "en"))
    assert "Minimale motivatie (score 0-4) | 2 | 3" in nl
    assert "budgetbegeleiding" in nl and "guidance budgétaire" in fr and "budget guidance" in en
    for page in (nl, fr, en):
        assert "Decimal(" not in page and "[(" not in page and "None" not in page
    for word in ("changed", "before", "after", "cases", "unknown"):
        assert f" {word} " not in nl and f"| {word} |" not in nl


def test_cli_impact_on_a_cases_file_with_an_invalid_line(
    versions: tuple[CompiledRuleSet, CompiledRuleSet], policy_project: Path
) -> None:
    cases = policy_project / "cases.jsonl"
    good = json.dumps(_case_018(), default=str)
    cases.write_text(f'{good}\n\n{{"client": {{"motivation": 9}}}}\n{good}\n', encoding="utf-8")
    result = runner.invoke(app, ["impact", OLD, NEW, "--cases", str(cases), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "2 van de 2 casussen" in result.stdout
    assert "regel 3" in result.stdout  # the invalid line is counted and named, not a traceback


def test_cli_impact_unknown_version_is_a_located_error(versions: tuple[CompiledRuleSet, CompiledRuleSet]) -> None:
    result = runner.invoke(app, ["impact", OLD, "noord-limburg-budgethulp@2099.9", "--size", "5"])
    assert result.exit_code == 2 and "RS501" in result.stderr


def test_impact_page_renders_in_a_real_browser(
    versions: tuple[CompiledRuleSet, CompiledRuleSet], policy_project: Path
) -> None:
    out = policy_project / "impact.html"
    result = runner.invoke(
        app, ["impact", OLD, NEW, "--size", "600", "--workers", "1", "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("no headless browser: run scripts/ensure-browser.sh (installs Debian's chromium)")
    browser = Browser(chromium, file_url(out))
    try:
        seen: dict[str, Any] = {}
        value: dict[str, Any] = {}
        for _ in range(100):  # wait for the load, at most ~30 s
            seen = browser.send(
                "Runtime.evaluate",
                {
                    "expression": """JSON.stringify({
                        ready: document.readyState,
                        url: location.href,
                        lang: document.documentElement.lang,
                        h1: document.querySelector('h1') && document.querySelector('h1').textContent,
                        charts: [...document.querySelectorAll('svg.chart')].map(s => {
                            const r = s.getBoundingClientRect(); return [s.id, r.width, r.height]; }),
                        scripts: document.scripts.length,
                        overflow: document.documentElement.scrollWidth > window.innerWidth,
                        tables: document.querySelectorAll('table').length,
                    })""",
                    "returnByValue": True,
                },
                browser.session,
            )
            if "value" in seen.get("result", {}):  # none while the page is being replaced
                value = json.loads(seen["result"]["value"])
                if value["ready"] == "complete" and value["url"].startswith("file:"):
                    break
            time.sleep(0.3)
    finally:
        browser.close()
    assert value["lang"] == "nl" and value["h1"].startswith("Impact van noord-limburg-budgethulp@2025.2")
    ids = [c[0] for c in value["charts"]]
    assert ids == ["chart-matrix", "chart-category", "chart-income", "chart-debt"]
    assert all(width > 200 and height > 100 for _, width, height in value["charts"])
    assert value["scripts"] == 0 and not value["overflow"] and value["tables"] == 7


def test_synthetic_population_is_seeded_and_valid() -> None:
    a, b = synthetic_population(50, seed=9), synthetic_population(50, seed=9)
    assert a == b and a != synthetic_population(50, seed=10)
    for case in a:
        aidrules.parse_facts(case)


def test_the_synthetic_population_carries_every_fact_the_rules_can_decide_on() -> None:
    """Catches a population written before a fact was added to the case model (as
    `client.wants_debt_settlement` was): an impact study on it would never see the outcomes that
    fact decides. Only identifying texts, which no rule decides on, are left out."""
    from aidrules.facts.catalogue import catalogue

    def paths(value: object, prefix: str) -> set[str]:
        found = {prefix} if prefix else set()
        if isinstance(value, dict):
            for key, item in value.items():
                found |= paths(item, f"{prefix}.{key}" if prefix else key)
        elif isinstance(value, list):
            for item in value:
                found |= paths(item, f"{prefix}[]")
        return found

    seen: set[str] = set()
    for case in synthetic_population(2000, seed=1):
        seen |= paths(case, "")
    identifying = {"household.municipality", "debts[].creditor"}
    assert set(catalogue()) - identifying <= seen, set(catalogue()) - identifying - seen
