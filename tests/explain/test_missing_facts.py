"""Missing facts: which facts would settle an undetermined outcome and what each value decides."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings

from aidrules.explain import apply, explanation
from aidrules.facts.parse import parse_facts
from aidrules.facts.paths import Edit, case_data
from properties.strategies import case_and_partial

from .cases import explained, rules_on


def _by_value(name: str, path: str) -> dict[Any, str]:
    mf = next(m for m in explained(name).missing if m.path == path)
    return {s.value: s.recommendation for s in mf.scenarios}


def test_missing_motivation_is_tried_with_every_score() -> None:
    # fixture 045 is the guidance baseline 001 without client.motivation; minimum_motivation = 2:
    # scores 0 and 1 fail the motivation principle (every form needs it) → none; 2..4 → guidance.
    assert _by_value("045-undetermined-motivation-missing", "client.motivation") == {
        0: "none",
        1: "none",
        2: "budget_guidance",
        3: "budget_guidance",
        4: "budget_guidance",
    }
    mf = explained("045-undetermined-motivation-missing").missing[0]
    assert mf.settles and not mf.must_supply and not mf.changes_nothing


def test_missing_budgeting_skills_are_tried_with_each_choice() -> None:
    # fixture 046: skills unknown, otherwise the baseline; 'none' makes management needed (and
    # guidance impossible), 'limited' and 'adequate' allow guidance.
    assert _by_value("046-undetermined-budgeting-skills-missing", "client.budgeting_skills") == {
        "none": "budget_management",
        "limited": "budget_guidance",
        "adequate": "budget_guidance",
    }


def test_a_missing_list_must_be_supplied_and_is_never_guessed() -> None:
    mf = explained("047-undetermined-incomes-missing").missing[0]
    assert mf.path == "incomes" and mf.must_supply and mf.scenarios == []


def test_a_missing_date_is_tried_never_and_on_either_side_of_the_waiting_time() -> None:
    # fixture 052, decided on 2025-03-01; a former enterprise may file once the 6 months after ceasing
    # are over, counted from the day after (art. 52/54 Ger.W.):
    # ceased 2024-08-31 → the period ended 2025-02-28 → CSR possible (and first after guidance);
    # ceased 2024-09-01 → today is the period's last day → CSR impossible, management remains; never → CSR.
    assert _by_value("052-undetermined-enterprise-ceased-unknown", "client.enterprise_ceased_on") == {
        None: "collective_debt_settlement",
        date(2024, 8, 31): "collective_debt_settlement",
        date(2024, 9, 1): "budget_management",
    }


def test_a_missing_fact_that_cannot_change_a_decided_recommendation_says_so() -> None:
    # fixture 048: the client does not consent, so no form is possible whatever the motivation.
    mf = explained("048-decided-no-consent-motivation-missing").missing[0]
    assert mf.path == "client.motivation" and mf.changes_nothing and mf.settles


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=case_and_partial())
def test_every_scenario_is_what_re_evaluation_gives(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _, partial = pair
    day = date.fromisoformat(partial["on"])
    rs = rules_on(day)
    expl = explanation(rs, partial)
    data = case_data(parse_facts(partial))
    decision = rs.evaluate(partial)
    assert [m.path for m in expl.missing] == decision.missing_facts
    for mf in expl.missing:
        for s in mf.scenarios:
            outcome = rs.evaluate(apply(data, [Edit(mf.path, s.value)]), day)
            assert outcome.recommendation == s.recommendation
            assert {fid: f.status for fid, f in outcome.forms.items()} == s.forms
