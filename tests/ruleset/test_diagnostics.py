"""Broken rule files: every problem with file:line:column, a stable code and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from aidrules import RuleSetError
from aidrules.errors import Diagnostic
from aidrules.ruleset import compile_text, load_ruleset


def diagnostics(text: str) -> list[Diagnostic]:
    with pytest.raises(RuleSetError) as info:
        compile_text(text, "rules.yaml")
    return info.value.diagnostics


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_minimal_rule_set_compiles(minimal_text: str) -> None:
    rs = compile_text(minimal_text, "minimal.yaml")
    assert rs.id == "minimal" and rs.fingerprint.startswith("sha256:")


def test_broken_yaml(minimal_text: str) -> None:
    text = minimal_text.replace('  version: "1"', '  version: "1\n  oops: [')
    [d] = diagnostics(text)
    assert d.code == "RS001" and d.span is not None and d.span.line > 1 and d.hint


def test_unknown_fact_points_at_the_name(minimal_text: str) -> None:
    text = minimal_text.replace("when: client.motivation >=", "when: client.motivaton >=")
    [d] = diagnostics(text)
    assert d.code == "RS202"
    assert d.span is not None
    assert (d.span.line, d.span.column) == (line_of(text, "client.motivaton >="), 11)
    assert d.hint == "did you mean `motivation`?"


def test_unknown_parameter(minimal_text: str) -> None:
    text = minimal_text.replace(">= minimum_motivation", ">= minimum_motivatoin")
    [d] = diagnostics(text)
    assert d.code == "RS203" and d.hint == "did you mean `minimum_motivation`?"
    assert d.span is not None and d.span.column == 32


def test_type_error(minimal_text: str) -> None:
    text = minimal_text.replace(
        "when: client.motivation >= minimum_motivation", "when: client.consents >= minimum_motivation"
    )
    [d] = diagnostics(text)
    assert d.code == "RS204" and "compare" in d.message


def test_cycle(minimal_text: str) -> None:
    text = minimal_text.replace(
        "    expr: sum(i.monthly_net for i in incomes)\n",
        "    expr: sum(i.monthly_net for i in incomes) + other_income\n"
        "  other_income:\n    title: {nl: A, fr: A, en: A}\n    type: money\n    expr: total_income * 2\n",
    )
    found = diagnostics(text)
    assert [d.code for d in found] == ["RS301"]
    assert "total_income" in found[0].message and "other_income" in found[0].message


def test_unknown_key_with_suggestion(minimal_text: str) -> None:
    text = minimal_text.replace("    intrusiveness: 1", "    intrusivenes: 1")
    found = {d.code: d for d in diagnostics(text)}
    assert found["RS101"].hint == "did you mean `intrusiveness`?"
    assert found["RS101"].span is not None and found["RS101"].span.line == line_of(text, "intrusivenes:")
    assert "RS102" in found  # and the required key is now missing


def test_missing_language(minimal_text: str) -> None:
    text = minimal_text.replace(
        "  title: {nl: Minimaal, fr: Minimal, en: Minimal}", "  title: {nl: Minimaal, fr: Minimal}"
    )
    [d] = diagnostics(text)
    assert d.code == "RS102" and "en" in d.message and "Dutch" in (d.hint or "")


def test_duplicate_key(minimal_text: str) -> None:
    text = minimal_text.replace("    type: integer\n", "    type: integer\n    type: money\n", 1)
    found = [d for d in diagnostics(text) if d.code == "RS002"]
    assert found and found[0].span is not None and found[0].span.line == line_of(text, "type: money")


def test_parameter_without_value_at_the_start_of_the_period(minimal_text: str) -> None:
    text = minimal_text.replace(
        "{from: 2024-01-01, value: 2, source: test}", "{from: 2024-06-01, value: 2, source: test}"
    )
    [d] = diagnostics(text)
    assert d.code == "RS401"


def test_unknown_placeholder_in_a_text(minimal_text: str) -> None:
    text = minimal_text.replace(
        'nl: "Motivatie {client.motivation} volstaat."', 'nl: "Motivatie {client.motivatie} volstaat."'
    )
    [d] = diagnostics(text)
    assert d.code == "RS208" and "nl" in d.message


def test_unknown_condition_reference(minimal_text: str) -> None:
    text = minimal_text.replace("requires: [motivation.minimum]", "requires: [motivation.minimun]")
    [d] = diagnostics(text)
    assert d.code == "RS302" and d.hint == "did you mean `motivation.minimum`?"


def test_every_problem_is_reported_sorted_by_position(minimal_text: str) -> None:
    text = minimal_text.replace("client.motivation >=", "client.motivaton >=").replace(
        "sum(i.monthly_net for i in incomes)", "sum(i.monthly for i in incomes)"
    )
    found = diagnostics(text)
    assert [d.code for d in found] == ["RS202", "RS202"]
    assert found == sorted(found, key=Diagnostic.sort_key)


def test_yaml_tags_are_refused(minimal_text: str) -> None:
    text = minimal_text.replace('version: "1"', "version: !!python/object:os.system '1'")
    assert any(d.code == "RS003" for d in diagnostics(text))


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError) as info:
        load_ruleset(tmp_path / "missing.yaml")
    assert info.value.diagnostics[0].code == "RS000"


def test_fingerprint_ignores_layout_and_comments(minimal_text: str) -> None:
    a = compile_text(minimal_text, "a.yaml")
    reformatted = "# a comment\n" + minimal_text.replace("value: 2,", "value:   2 ,").replace(
        "  motivation.minimum:", "  # why\n  motivation.minimum:"
    )
    b = compile_text(reformatted, "b.yaml")
    c = compile_text(minimal_text.replace("value: 2,", "value: 3,"), "c.yaml")
    assert a.fingerprint == b.fingerprint != c.fingerprint


def test_the_shipped_rule_set_has_no_diagnostics() -> None:
    from aidrules import check_ruleset
    from aidrules.ruleset import resolve

    assert check_ruleset(resolve()) == []


def test_integer_value_from_a_fraction_is_refused(minimal_text: str) -> None:
    text = minimal_text.replace(
        "    expr: sum(i.monthly_net for i in incomes)\n",
        "    expr: sum(i.monthly_net for i in incomes)\n  ratio:\n    title: {nl: R, fr: R, en: R}\n"
        "    type: integer\n    expr: 3 / 2\n",
    )
    [d] = diagnostics(text)
    assert d.code == "RS204" and "whole number" in d.message


def test_a_recommendation_rule_cannot_read_the_recommendation(minimal_text: str) -> None:
    text = minimal_text.replace(
        "    - recommend: budget_guidance\n", "    - recommend: budget_guidance\n      when: recommendation == 'none'\n"
    )
    [d] = diagnostics(text)
    assert d.code == "RS203" and "recommendation" in d.message


def test_problems_of_several_stages_are_reported_together(minimal_text: str) -> None:
    text = minimal_text.replace(
        "{from: 2024-01-01, value: 2, source: test}", "{from: 2024-06-01, value: 2, source: test}"
    )
    text = text.replace("client.motivation >=", "client.motivaton >=").replace(
        "requires: [motivation.minimum]", "requires: [motivation.minimun]"
    )
    codes = sorted(d.code for d in diagnostics(text))
    assert codes == ["RS202", "RS302", "RS401"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "www.example.be", "https://x.be/a b"]
)
def test_a_source_address_that_is_not_a_web_address_is_refused_where_it_is_written(minimal_text: str, url: str) -> None:
    """Generated pages link to a source's address: a shared rule file cannot make that a script."""
    text = minimal_text.replace(
        "  effective: {from: 2024-01-01}\n",
        f"  effective: {{from: 2024-01-01}}\n  sources:\n    - id: nota\n      title: Nota\n      url: {url!r}\n",
    )
    [d] = diagnostics(text)
    assert d.code == "RS103" and "is not a web address" in d.message and d.hint and "https://" in d.hint
    assert d.span is not None and d.span.line == line_of(text, "url:")


def test_a_source_with_a_web_address_compiles(minimal_text: str) -> None:
    text = minimal_text.replace(
        "  effective: {from: 2024-01-01}\n",
        "  effective: {from: 2024-01-01}\n  sources:\n    - id: nota\n      title: Nota\n"
        "      url: https://www.vlaanderen.be/budgethulp?x=1#a\n",
    )
    assert compile_text(text, "rules.yaml").id == "minimal"
