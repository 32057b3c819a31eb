"""A rule file is read whole or refused: no section of the wrong form is dropped or half-used.

Each test names, in its docstring, the naive implementation it would catch. Every refusal is a
``RuleSetError`` whose diagnostics have a code, a position (file:line:column) and a hint.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aidrules
from aidrules import AidrulesError, Diagnostic, RuleSetError
from aidrules.cli.main import app
from aidrules.registry.index import discover
from aidrules.registry.index import period_diagnostics as registry_periods
from aidrules.ruleset.compile import compile_text
from aidrules.ruleset.shipped import shipped_rules_dir

from .helpers import minimal_text

OVERLAY_HEAD = """aidrules: 1
extends: noord-limburg-budgethulp@2025.1
ruleset:
  id: test-overlay
  version: "1"
  title: {nl: Test, fr: Test, en: Test}
  effective: {from: 2025-02-01}
"""
# A household with a €16,000 debt that the base policy (36 reasonable repayment months) sends to
# budget guidance; with 1 month it would be collective debt settlement.
PARAMETERS_AS_A_LIST = """parameters:
  - reasonable_repayment_months:
      values:
        - {from: 2024-01-01, value: 1, source: test}
"""


def _refusal(path: Path) -> list[Diagnostic]:
    with pytest.raises(RuleSetError) as info:
        aidrules.load_ruleset(path)
    diagnostics = info.value.diagnostics
    for d in diagnostics:
        assert d.span is not None and d.span.line >= 1 and d.span.column >= 1, d
    return diagnostics


def _overlay(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overlay.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_overlay_parameters_written_as_a_list_are_refused_not_dropped(tmp_path: Path) -> None:
    """Catches a merge that skips an overlay section that is not a mapping: the list validated
    clean and the base's `reasonable_repayment_months` decided instead of the overlay's."""
    path = _overlay(tmp_path, OVERLAY_HEAD + PARAMETERS_AS_A_LIST)
    [d] = [d for d in _refusal(path) if d.code == "RS103"]
    assert d.span is not None and d.span.file == str(path) and (d.span.line, d.span.column) == (9, 3)
    assert "`parameters` must be a mapping" in d.message and "a list" in d.message and d.hint


@pytest.mark.parametrize(
    "section, value", [("actions", "5"), ("principles", "true"), ("derived", "2024-01-01"), ("conditions", "")]
)
def test_overlay_section_of_the_wrong_form_is_refused_where_it_stands(tmp_path: Path, section: str, value: str) -> None:
    """Catches ``if not isinstance(items, dict): continue`` in the merge: a scalar, a date or an
    empty section in an overlay was ignored without a word."""
    path = _overlay(tmp_path, OVERLAY_HEAD + f"{section}: {value}\n")
    found = [d for d in _refusal(path) if d.code == "RS103"]
    assert [(d.span.line if d.span else 0) for d in found] == [8], found
    assert f"`{section}`" in found[0].message and found[0].hint


@pytest.mark.parametrize(
    "extends, what", [("[noord-limburg-budgethulp@2025.1, a@1]", "a list"), ("123", "123"), ("", "nothing")]
)
def test_extends_of_the_wrong_form_is_refused_not_ignored(tmp_path: Path, extends: str, what: str) -> None:
    """Catches ``while isinstance(data.get("extends"), str)``: `extends: [a, b]`, `extends: 123`
    or an empty `extends:` made the overlay compile on its own, without its base."""
    text = OVERLAY_HEAD.replace("extends: noord-limburg-budgethulp@2025.1", f"extends: {extends}".rstrip())
    path = _overlay(tmp_path, text + "forms: {}\n")
    [d] = [d for d in _refusal(path) if d.code == "RS701"]
    assert d.span is not None and d.span.line == 2 and what in d.message and d.hint


def test_misspelt_section_in_an_overlay_is_refused_not_dropped(tmp_path: Path) -> None:
    """Catches a merge that copies only the keys it knows: `paramters:` in an overlay was left out
    of the merged rule set, so its values were never used and nothing said so."""
    path = _overlay(tmp_path, OVERLAY_HEAD + PARAMETERS_AS_A_LIST.replace("parameters:\n  - ", "paramters:\n  "))
    [d] = [d for d in _refusal(path) if d.code == "RS101"]
    assert "`paramters`" in d.message and d.hint == "did you mean `parameters`?"
    assert d.span is not None and (d.span.line, d.span.column) == (8, 1)


def test_empty_disable_in_an_overlay_is_refused(tmp_path: Path) -> None:
    """Catches ``overlay.get("disable") or []``: an empty `disable:` was read as "disable nothing"."""
    [d] = _refusal(_overlay(tmp_path, OVERLAY_HEAD + "disable:\n"))
    assert d.code == "RS705" and d.span is not None and d.span.line == 8


@pytest.mark.parametrize(
    "section, value", [("actions", "5"), ("principles", "true"), ("derived", "2024-01-01"), ("forms", "x")]
)
def test_section_holding_a_scalar_is_a_located_diagnostic(section: str, value: str) -> None:
    """Catches iterating a section before its shape is checked (``for item in data[section]``):
    `actions: 5` ended in "internal error: TypeError" instead of a diagnostic."""
    text = re.sub(rf"^{section}:\n(?:[ ].*\n)*", f"{section}: {value}\n", minimal_text(), flags=re.M)
    if f"\n{section}: " not in text:
        text += f"{section}: {value}\n"
    with pytest.raises(RuleSetError) as info:
        compile_text(text, "scalar.yaml")
    [d] = info.value.diagnostics
    line = text.splitlines().index(f"{section}: {value}") + 1
    assert d.code == "RS103" and d.span is not None and d.span.line == line and f"`{section}`" in d.message
    assert d.hint and f"`{section}:`" in d.hint


def test_period_ending_before_it_starts_is_refused_at_load() -> None:
    """Catches a schema that checks both dates but not their order: the rule set compiled, and
    every evaluation then failed (EV001) with no position in the file."""
    text = minimal_text().replace("effective: {from: 2024-01-01}", "effective: {from: 2024-01-01, until: 2023-12-31}")
    with pytest.raises(RuleSetError) as info:
        compile_text(text, "backwards.yaml")
    [d] = info.value.diagnostics
    column = text.splitlines()[5].index("2023-12-31") + 1
    assert d.code == "RS106" and d.span is not None and (d.span.line, d.span.column) == (6, column), d
    assert "2023-12-31" in d.message and "2024-01-01" in d.message and d.hint


def _two_versions_from_year_one(directory: Path) -> None:
    for version in ("1", "2"):
        text = minimal_text().replace('version: "1"', f'version: "{version}"')
        text = text.replace("2024-01-01", "0001-01-01")
        (directory / f"v{version}.yaml").write_text(text, encoding="utf-8")


def test_two_versions_from_the_first_day_there_is_are_an_overlap_not_a_crash(tmp_path: Path) -> None:
    """Catches ``start - timedelta(days=1)`` in the overlap hint: two versions starting on
    0001-01-01 made `validate` and `list` end in OverflowError."""
    _two_versions_from_year_one(tmp_path)
    [d] = registry_periods([e for e in discover([tmp_path]) if e.id == "minimal"])
    assert d.code == "RS503" and "0001-01-01" in d.message and d.hint and "start later" in d.hint
    runner = CliRunner()
    listed = runner.invoke(app, ["list", "--rules-dir", str(tmp_path)])
    assert listed.exit_code == 2 and "RS503" in listed.output, listed.output
    validated = runner.invoke(app, ["validate", str(tmp_path / "v1.yaml"), str(tmp_path / "v2.yaml")])
    assert validated.exit_code == 2 and "SA402" in validated.output, validated.output


def test_huge_review_interval_is_refused_where_it_is_written(tmp_path: Path) -> None:
    """Catches an interval checked only for being positive: `review_interval_months: 999999999999`
    passed `validate`, then every review and journal recording failed in the date arithmetic."""
    reference = (shipped_rules_dir() / "noord-limburg-budgethulp.yaml").read_text(encoding="utf-8")
    # Another version label, so that overlays in neighbouring test folders never find this file.
    reference = reference.replace('version: "2025.1"', 'version: "2025.1-huge-interval"', 1)
    start = reference.index("  review_interval_months:")
    at = reference.index("value: 6,", start)
    path = tmp_path / "noord-limburg-budgethulp.yaml"
    path.write_text(reference[:at] + "value: 999999999999," + reference[at + len("value: 6,") :], encoding="utf-8")
    [d] = _refusal(path)
    line = reference[:at].count("\n") + 1
    assert d.code == "RS603" and d.span is not None and d.span.line == line and "120" in d.message, d
    assert d.hint


def test_overlay_of_the_right_form_still_decides_with_its_own_values(tmp_path: Path) -> None:
    """The refusals above must not catch a well-formed overlay: its parameter change is used."""
    body = PARAMETERS_AS_A_LIST.replace(
        "  - reasonable_repayment_months:\n      ", "  reasonable_repayment_months:\n    "
    )
    body = body.replace("        - {from", "      - {from")
    rules = aidrules.load_ruleset(_overlay(tmp_path, OVERLAY_HEAD + body))
    assert rules.parameters["reasonable_repayment_months"].value_at(date(2025, 3, 1)).value == 1  # type: ignore[union-attr]
    assert rules.provenance["parameters.reasonable_repayment_months"] == "test-overlay@1"


def _api_calls(path: Path) -> list[tuple[str, Callable[[], object]]]:
    from aidrules.analysis import static_diagnostics
    from aidrules.ruleset.compile import check_ruleset

    text = path.read_text(encoding="utf-8")

    def evaluate() -> object:
        return aidrules.load_ruleset(path).evaluate({"client": {"motivation": 3}}, on=date(2025, 3, 1))

    return [
        ("load_ruleset", lambda: aidrules.load_ruleset(path)),
        ("load", lambda: aidrules.load(str(path))),
        ("compile_text", lambda: compile_text(text, str(path), find=lambda spec: shipped_rules_dir() / "x.yaml")),
        ("check_ruleset", lambda: check_ruleset(path)),
        ("static_diagnostics", lambda: static_diagnostics([path, path.parent / "twin.yaml"])),
        ("evaluate", evaluate),
    ]


HOSTILE = {
    "overlay-parameters-as-a-list": OVERLAY_HEAD + PARAMETERS_AS_A_LIST,
    "overlay-actions-5": OVERLAY_HEAD + "actions: 5\n",
    "overlay-extends-123": OVERLAY_HEAD.replace("noord-limburg-budgethulp@2025.1", "123"),
    "overlay-extends-list": OVERLAY_HEAD.replace("noord-limburg-budgethulp@2025.1", "[a@1, b@2]"),
    "principles-true": re.sub(r"^principles:\n(?:[ ].*\n)*", "principles: true\n", minimal_text(), flags=re.M),
    "derived-a-date": re.sub(r"^derived:\n(?:[ ].*\n)*", "derived: 2024-01-01\n", minimal_text(), flags=re.M),
    "until-before-from": minimal_text().replace("{from: 2024-01-01}", "{from: 2024-01-01, until: 2020-01-01}"),
    "from-year-one": minimal_text().replace("2024-01-01", "0001-01-01"),
    # The static checks try dates "3 months before" the decision date: before 0001-01-01 here.
    "from-year-one-with-date-thresholds": minimal_text()
    .replace("2024-01-01", "0001-01-01")
    .replace(
        "when: client.motivation >= minimum_motivation",
        "when: client.motivation >= minimum_motivation and (client.csr_revoked_on is None"
        " or months_between(client.csr_revoked_on, decision_date) >= 3)",
    ),
    "document-a-list": "- 1\n- 2\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_python_api_raises_only_library_errors_on_hostile_rule_files(tmp_path: Path, name: str) -> None:
    """Catches an API that lets TypeError, OverflowError or ValueError escape on a rule file of
    the wrong form: every public entry point either answers or raises an ``AidrulesError``
    whose diagnostics are located."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(HOSTILE[name], encoding="utf-8")
    (tmp_path / "twin.yaml").write_text(HOSTILE[name].replace('version: "1"', 'version: "2"'), encoding="utf-8")
    for call, run in _api_calls(path):
        try:
            run()
        except AidrulesError as exc:
            assert exc.diagnostics, (call, exc)
            assert all(d.span is not None or d.path for d in exc.diagnostics), (call, exc.report())


def test_month_threshold_beyond_the_calendar_does_not_break_the_explanation(tmp_path: Path) -> None:
    """Catches date arithmetic on a rule-file number without a bound: with
    `enterprise_cessation_months: 999999999999999` (a valid number) the explanation's search for
    the dates that would change the outcome computed a date 10^15 months back and raised
    OverflowError out of `explain` whenever that date was missing. Such a threshold has no date to
    suggest and is left out."""
    from aidrules.explain.api import explain

    # The waiting time is law, locked in the federal layer: the copy changes it there, and the
    # regional reference policy (copied beside it) extends that copy.
    federal = (shipped_rules_dir() / "federaal" / "federale-bedragen.yaml").read_text(encoding="utf-8")
    federal = federal.replace('version: "2026.1"', 'version: "2026.1-far-threshold"', 1)
    at = federal.index("value: ", federal.index("  enterprise_cessation_months:"))
    end = federal.index(",", at)
    (tmp_path / "federale-bedragen.yaml").write_text(
        federal[:at] + "value: 999999999999999" + federal[end:], encoding="utf-8"
    )
    reference = (shipped_rules_dir() / "noord-limburg-budgethulp.yaml").read_text(encoding="utf-8")
    reference = reference.replace('version: "2025.1"', 'version: "2025.1-far-threshold"', 1)
    reference = reference.replace(
        "extends: federale-bedragen@2026.1", "extends: federale-bedragen@2026.1-far-threshold"
    )
    path = tmp_path / "noord-limburg-budgethulp.yaml"
    path.write_text(reference, encoding="utf-8")
    rules = aidrules.load_ruleset(path)
    case: dict[str, object] = {}  # the cessation date is missing: which dates would decide is explained
    decision = rules.evaluate(case, on=date(2025, 3, 1))
    shown = json.loads(explain(rules, case, date(2025, 3, 1), fmt="json"))
    assert shown["recommendation"] == decision.recommendation
    assert shown["missing"], "the facts still missing are explained, the far threshold only left out"
