"""Planted problems in small rule sets are found, each with a position, a code and an example case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aidrules import EvaluationError
from aidrules.analysis import analyse, static_diagnostics
from aidrules.cli.main import app
from aidrules.errors import Diagnostic, Severity
from aidrules.facts.model import Case
from aidrules.facts.paths import protected_fields
from aidrules.readers.yamlload import load_yaml_plain
from aidrules.ruleset.compile import compile_text, load_ruleset

ROOT = Path(__file__).resolve().parents[2]
BASE = (Path(__file__).parent / "data" / "planted.yaml").read_text(encoding="utf-8")


def plant(**changes: str | None) -> str:
    """The clean rule set with the lines marked ``# PLANT:<name>`` replaced (None: removed)."""
    out = []
    for line in BASE.splitlines():
        marker = re.search(r"# PLANT:([a-z-]+)", line)
        key = marker.group(1).replace("-", "_") if marker else None
        if key in changes:
            if changes[key] is not None:
                out.append(changes[key])
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(path: Path) -> list[Diagnostic]:
    return [d for d in static_diagnostics([path]) if d.severity == Severity.ERROR]


def example_case(d: Diagnostic) -> dict[str, object]:
    """The example case of a diagnostic (YAML flow after "e.g."), parsed as a case file would be."""
    match = re.search(r"e\.g\. (\{.*\})", d.message)
    assert match, d.message
    flow = match.group(1)
    depth = 0
    for i, ch in enumerate(flow):  # the case ends where its outermost brace closes
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            flow = flow[: i + 1]
            break
    data = load_yaml_plain(flow, "<example>")
    assert isinstance(data, dict)
    return data


def validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", str(path)])
    return result.exit_code, result.output


def test_the_clean_rule_set_has_no_findings(tmp_path: Path) -> None:
    assert static_diagnostics([write(tmp_path, "clean.yaml", BASE)]) == []


def test_planted_gap_is_reported_with_a_case_that_no_rule_covers(tmp_path: Path) -> None:
    path = write(tmp_path, "gap.yaml", plant(otherwise=None, otherwise_because=None))
    [d] = errors(path)
    assert d.code == "SA301" and d.span is not None and d.span.file == str(path)
    rs = load_ruleset(path)
    case = example_case(d)
    with pytest.raises(EvaluationError) as info:  # the example really falls through every rule
        rs.evaluate(case)
    assert info.value.diagnostics[0].code == "EV005"
    assert validate(path)[0] == 2


def test_planted_overlap_under_unique_is_reported_with_a_case_where_both_hold(tmp_path: Path) -> None:
    text = plant(
        hit_policy="  hit_policy: unique",
        management_needed="    when: client.budgeting_skills != 'adequate'",
    )
    path = write(tmp_path, "overlap.yaml", text)
    [d] = errors(path)
    assert d.code == "SA302" and "rules 1 (`budget_guidance`) and 2 (`budget_management`)" in d.message
    case = example_case(d)
    # By hand: guidance needs skills limited/adequate, management now needs skills other than
    # adequate, so both hold exactly when the skills are limited (and the principles hold).
    client = case["client"]
    assert isinstance(client, dict) and client["budgeting_skills"] == "limited"
    with pytest.raises(EvaluationError) as info:
        load_ruleset(path).evaluate(case)
    assert info.value.diagnostics[0].code == "EV003"
    assert validate(path)[0] == 2


def test_a_condition_that_can_never_hold_is_reported_with_what_was_tried(tmp_path: Path) -> None:
    text = plant(
        guidance_skills="    when: client.budgeting_skills in ['limited', 'adequate'] and client.motivation > 4"
    )
    path = write(tmp_path, "unreachable.yaml", text)
    found = {d.code: d for d in errors(path)}
    # motivation is at most 4 in the fact schema: the condition, the form and its rule are dead
    assert set(found) == {"SA201", "SA203", "SA204"}
    assert "client.motivation ∈ {0, 1, 2, 3, 4}" in found["SA201"].message
    assert "closest case {" in found["SA203"].message and "guidance.skills" in found["SA203"].message
    exit_code, output = validate(path)
    assert exit_code == 2 and f"{path}:" in output


def test_a_rule_shadowed_by_an_earlier_one_is_reported_with_an_example(tmp_path: Path) -> None:
    shadowed = (
        "    - recommend: budget_management\n"
        "      when: forms.budget_management and client.motivation >= 3\n"
        "      because: {nl: Nooit, fr: Jamais, en: Never}\n"
    )
    text = BASE.replace("  otherwise: none", shadowed.rstrip("\n") + "\n  otherwise: none")
    # the new rule 3 only holds when rule 2 (forms.budget_management) holds too, and rule 2 comes first
    path = write(tmp_path, "shadowed.yaml", text)
    [d] = errors(path)
    assert d.code == "SA204" and "rule 2 (`budget_management`) holds too" in d.message
    assert d.span is not None and text.splitlines()[d.span.line - 1].strip().startswith(
        "- recommend: budget_management"
    )
    case = example_case(d)
    decision = load_ruleset(path).evaluate(case)
    assert decision.recommendation == "budget_management"


def test_an_unused_parameter_is_an_error_at_its_definition(tmp_path: Path) -> None:
    unused = (
        "  maximum_debt:\n"
        "    title: {nl: Maximale schuld, fr: Dette maximale, en: Maximum debt}\n"
        "    type: money\n"
        "    policy_choice:\n"
        "      rationale: {nl: Keuze, fr: Choix, en: Choice}\n"
        "    values:\n"
        "      - {from: 2025-01-01, value: 5000, source: test}\n"
    )
    text = BASE.replace("derived:\n", unused + "derived:\n", 1)
    path = write(tmp_path, "unused.yaml", text)
    [d] = errors(path)
    assert d.code == "SA101" and "`maximum_debt`" in d.message
    assert d.span is not None and text.splitlines()[d.span.line - 1].strip() == "maximum_debt:"
    assert validate(path)[0] == 2


def test_reading_a_protected_fact_is_an_error_with_two_cases_that_differ_only_there(tmp_path: Path) -> None:
    text = plant(
        management_needed="    when: client.budgeting_skills == 'none' or household.municipality == 'Hechtel-Eksel'"
    )
    path = write(tmp_path, "protected.yaml", text)
    [d] = errors(path)
    assert d.code == "SA501" and "household.municipality" in d.message
    assert "with household.municipality = Hechtel-Eksel it is true" in d.message
    assert validate(path)[0] == 2


def test_municipality_is_marked_protected_in_the_fact_schema() -> None:
    assert "household.municipality" in protected_fields()
    household = Case.model_json_schema()["$defs"]["Household"]["properties"]["municipality"]
    assert household["x-protected"] is True


def test_a_gap_between_versions_is_reported_with_the_first_uncovered_day(tmp_path: Path) -> None:
    first = BASE.replace("effective: {from: 2025-01-01}", "effective: {from: 2025-01-01, until: 2025-06-30}")
    second = BASE.replace('version: "1"', 'version: "2"').replace(
        "effective: {from: 2025-01-01}", "effective: {from: 2025-08-01}"
    )
    paths = [write(tmp_path, "v1.yaml", first), write(tmp_path, "v2.yaml", second)]
    [d] = [x for x in static_diagnostics(paths) if x.severity == Severity.ERROR]
    assert d.code == "SA401" and "2025-07-01" in d.message and d.span is not None and d.span.file == str(paths[1])


def test_the_shipped_rule_sets_pass_every_static_check() -> None:
    files = sorted(str(p) for p in (ROOT / "rules").rglob("*.yaml"))
    assert static_diagnostics(files) == []


def test_findings_are_deterministic(tmp_path: Path) -> None:
    rs = compile_text(plant(otherwise=None, otherwise_because=None), str(tmp_path / "gap.yaml"))
    assert analyse(rs) == analyse(rs)


def test_without_otherwise_the_engine_refuses_a_case_no_rule_covers(tmp_path: Path) -> None:
    rs = compile_text(plant(otherwise=None, otherwise_because=None), "gap.yaml")
    assert rs.otherwise is None
    covered = rs.evaluate(
        {
            "on": "2025-03-01",
            "client": {"consents": True, "motivation": 3, "budgeting_skills": "none"},
            "incomes": [{"monthly_net": "900.00"}],
        }
    )
    assert covered.recommendation == "budget_management"
    with pytest.raises(EvaluationError):
        rs.evaluate(
            {
                "on": "2025-03-01",
                "client": {"consents": False, "motivation": 3, "budgeting_skills": "none"},
                "incomes": [{"monthly_net": "900.00"}],
            }
        )


def test_validate_json_lists_static_findings_with_positions(tmp_path: Path) -> None:
    path = write(tmp_path, "gap.yaml", plant(otherwise=None, otherwise_because=None))
    result = CliRunner().invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 2
    [item] = yaml.safe_load(result.output)
    assert item["code"] == "SA301" and item["line"] and item["column"] and item["hint"]


def test_no_static_skips_the_search(tmp_path: Path) -> None:
    path = write(tmp_path, "gap.yaml", plant(otherwise=None, otherwise_because=None))
    result = CliRunner().invoke(app, ["validate", "--no-static", str(path)])
    assert result.exit_code == 0
