"""The `reviews:` section: compiled with diagnostics like every other section, evaluated with Kleene logic."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aidrules import EvaluationError, FactsError, RecordingTracer, RuleSetError
from aidrules.errors import Diagnostic, Severity
from aidrules.lifecycle.dates import add_months
from aidrules.lifecycle.engine import decide_review, evaluate_review
from aidrules.lifecycle.model import parse_review_facts
from aidrules.ruleset import check_ruleset, compile_text
from aidrules.ruleset.compiled import CompiledRuleSet

REVIEWS = """
  review_interval_months:
    title: {nl: Termijn, fr: Délai, en: Interval}
    type: integer
    policy_choice:
      rationale: {nl: Keuze, fr: Choix, en: Choice}
    values:
      - {from: 2024-01-01, value: 3, source: test}
reviews:
  interval: review_interval_months
  overdue: review.overdue
  stop_reasons:
    client_request: {title: {nl: Vraag, fr: Demande, en: Request}, source: test-stop}
    deceased: {title: {nl: Overlijden, fr: Décès, en: Death}, source: test-deceased}
  derived:
    achieved:
      title: {nl: Bereikt, fr: Atteints, en: Achieved}
      type: integer
      expr: (1 if progress.earn_enough == 'achieved' else 0) + (1 if progress.plan_ahead == 'achieved' else 0)
  conditions:
    review.overdue:
      title: {nl: Te laat, fr: En retard, en: Late}
      when: decision_date > review_due_on
      source: test
      explain:
        if_true: {nl: "Te laat (verwacht {review_due_on}).", fr: "En retard.", en: "Late (due {review_due_on})."}
        if_false: {nl: Op tijd., fr: À temps., en: On time.}
    review.ready:
      title: {nl: Klaar, fr: Prêt, en: Ready}
      when: achieved == 2 and minimum_motivation >= 0
      source: test
      explain:
        if_true: {nl: "Klaar ({achieved}).", fr: "Prêt ({achieved}).", en: "Ready ({achieved})."}
        if_false: {nl: "Niet klaar ({achieved}).", fr: "Pas prêt ({achieved}).", en: "Not ready ({achieved})."}
  rules:
    - outcome: stop
      stop_reason: deceased
      when: situation.deceased
      because: {nl: Overleden., fr: Décédé., en: Deceased.}
    - outcome: stop
      stop_reason: client_request
      when: situation.wants_to_stop
      because: {nl: Op vraag., fr: Sur demande., en: On request.}
    - outcome: step_down
      to_form: budget_guidance
      when: review.ready and dossier.form == 'budget_management'
      because: {nl: "Lichter ({achieved}).", fr: Plus léger., en: "Lighter ({achieved})."}
      source: test-step
  otherwise_because: {nl: Verder., fr: Continuer., en: Continue.}
"""


def with_reviews(minimal_text: str, reviews: str = REVIEWS) -> str:
    params, _, rest = reviews.partition("reviews:\n")
    text = minimal_text.replace("derived:\n", params.lstrip("\n") + "derived:\n", 1)
    return text + "reviews:\n" + rest


def diagnostics(text: str) -> list[Diagnostic]:
    with pytest.raises(RuleSetError) as info:
        compile_text(text, "rules.yaml")
    return info.value.diagnostics


@pytest.fixture(scope="module")
def small(minimal_text: str) -> CompiledRuleSet:
    return compile_text(with_reviews(minimal_text), "rules.yaml")


FULL = {
    "on": "2025-06-01",
    "dossier": {"form": "budget_management", "started_on": "2025-01-10", "last_review_on": None},
    "progress": {"earn_enough": "achieved", "plan_ahead": "achieved"},
    "situation": {"deceased": False, "wants_to_stop": False},
}


def test_a_rule_set_with_reviews_compiles(small: CompiledRuleSet) -> None:
    assert small.reviews is not None
    assert [item.id for item in small.reviews.plan] == ["achieved", "review.overdue", "review.ready"]
    assert [row.outcome for row in small.reviews.rows] == ["stop", "stop", "step_down"]


def test_step_down_names_the_lighter_form_and_cites_its_source(small: CompiledRuleSet) -> None:
    review = evaluate_review(small, FULL)
    assert (review.outcome, review.new_form, review.stop_reason) == ("step_down", "budget_guidance", None)
    first = review.reasons[0]
    assert first.rule == "reviews.outcome" and first.source == "test-step"
    assert first.message == "Lichter (2)." and first.values["to_form"] == "budget_guidance"
    # never reviewed: due 3 months after the start (10 April); 1 June is after it
    assert (review.review_due_on, review.overdue) == (date(2025, 4, 10), True)
    assert review.next_review_on == date(2025, 9, 1)


def test_a_stop_row_without_its_own_source_cites_the_stop_reason(small: CompiledRuleSet) -> None:
    review = evaluate_review(small, {**FULL, "situation": {"deceased": False, "wants_to_stop": True}})
    assert (review.outcome, review.stop_reason, review.reasons[0].source) == ("stop", "client_request", "test-stop")


def test_messages_follow_the_language(small: CompiledRuleSet) -> None:
    en = evaluate_review(small, FULL, lang="en")
    overdue = next(r for r in en.reasons if r.rule == "review.overdue")
    assert overdue.message == "Late (due 10 April 2025)."
    nl = evaluate_review(small, FULL)
    assert next(r for r in nl.reasons if r.rule == "review.overdue").message == "Te laat (verwacht 10 april 2025)."


def test_an_unknown_row_before_a_true_row_leaves_the_outcome_open(small: CompiledRuleSet) -> None:
    facts = {**FULL, "situation": {"wants_to_stop": True}}  # deceased unknown, request known
    review = evaluate_review(small, facts)
    assert review.outcome == "undetermined" and review.missing_facts == ["situation.deceased"]
    assert review.next_review_on is None and review.new_form is None
    assert "situation.deceased" in review.reasons[0].message


def test_a_true_first_row_decides_whatever_is_unknown_after_it(small: CompiledRuleSet) -> None:
    review = evaluate_review(small, {"on": "2025-06-01", "situation": {"deceased": True}})
    assert (review.outcome, review.stop_reason) == ("stop", "deceased")
    # overdue needs the last review: unknown, and listed
    assert review.overdue is None and review.missing_facts == ["dossier.last_review_on"]


def test_same_facts_same_json(small: CompiledRuleSet) -> None:
    assert evaluate_review(small, FULL).to_json() == evaluate_review(small, FULL).to_json()


def test_the_review_is_traced(small: CompiledRuleSet) -> None:
    tracer = RecordingTracer()
    evaluate_review(small, FULL, tracer=tracer)
    kinds = [(e.kind, e.id) for e in tracer.events if e.kind != "parameter"]
    assert kinds == [
        ("derived", "review_due_on"),
        ("derived", "achieved"),
        ("condition", "review.overdue"),
        ("condition", "review.ready"),
        ("recommendation", "step_down"),
    ]


def test_the_review_trace_is_a_view_of_the_review_reasons(small: CompiledRuleSet) -> None:
    """Catches trace events that drift from the review they describe (a second copy of the
    outcomes, values or missing facts): each condition event says what its reason says."""
    for facts in (FULL, {"on": "2025-06-01", "situation": {"deceased": False}}):
        tracer = RecordingTracer()
        review = evaluate_review(small, facts, tracer=tracer)
        reasons = {r.rule: r for r in review.reasons[1:]}
        conditions = tracer.of_kind("condition")
        assert [e.id for e in conditions] == list(reasons)
        for event in conditions:
            reason = reasons[event.id]
            assert (event.outcome, event.values, list(event.missing_facts)) == (
                reason.outcome,
                reason.values,
                reason.missing_facts,
            )
        (outcome,) = tracer.of_kind("recommendation")
        assert (outcome.id, outcome.values) == (review.outcome, review.reasons[0].values)
        assert set(outcome.missing_facts) <= set(review.missing_facts)


def test_a_review_is_decided_before_any_text_is_written(small: CompiledRuleSet) -> None:
    """Deciding needs no language: the record's outcome is the outcome in every language."""
    assert small.reviews is not None
    facts = parse_review_facts(FULL)
    assert facts.on is not None
    record = decide_review(small, small.reviews, facts, facts.on)
    assert record.outcome == "step_down" and record.row is not None and record.row.to_form
    assert {evaluate_review(small, FULL, lang=lang).outcome for lang in ("nl", "fr", "en")} == {record.outcome}
    assert record.values["review.ready"] is True


def test_a_rule_set_without_reviews_says_so(minimal_text: str) -> None:
    rs = compile_text(minimal_text, "minimal.yaml")
    with pytest.raises(EvaluationError) as info:
        evaluate_review(rs, FULL)
    assert info.value.diagnostics[0].code == "EV010"


def test_a_review_needs_a_date_inside_the_effective_period(small: CompiledRuleSet) -> None:
    with pytest.raises(EvaluationError) as info:
        evaluate_review(small, {k: v for k, v in FULL.items() if k != "on"})
    assert info.value.diagnostics[0].code == "EV011"
    with pytest.raises(EvaluationError) as info:
        evaluate_review(small, {"situation": {"deceased": True}}, on=date(2023, 12, 31))
    assert info.value.diagnostics[0].code == "EV001"


def test_invalid_review_facts_name_every_path(small: CompiledRuleSet) -> None:
    bad = {
        "on": "2025-06-01",
        "dossier": {"form": "management", "started_on": "2025-02-30"},
        "progress": {"earn_enogh": "achieved", "months_without_new_debts": -1},
    }
    with pytest.raises(FactsError) as info:
        evaluate_review(small, bad)
    paths = {d.path for d in info.value.diagnostics}
    assert paths == {"dossier.form", "dossier.started_on", "progress.earn_enogh", "progress.months_without_new_debts"}
    hint = next(d.hint for d in info.value.diagnostics if d.path == "progress.earn_enogh")
    assert hint == "did you mean `earn_enough`?"


def test_contradictory_dates_are_refused(small: CompiledRuleSet) -> None:
    facts = {**FULL, "dossier": {"started_on": "2025-03-01", "last_review_on": "2025-02-01"}}
    with pytest.raises(FactsError) as info:
        evaluate_review(small, facts)
    assert [(d.code, d.path) for d in info.value.diagnostics] == [("CF005", "dossier.last_review_on")]
    with pytest.raises(FactsError) as info:
        evaluate_review(small, {**FULL, "on": "2025-01-09"})
    assert info.value.diagnostics[0].code == "CF005"


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("      stop_reason: deceased\n", "      stop_reason: decesed\n", "RS601"),
        ("      to_form: budget_guidance\n", "      to_form: budget_guidanse\n", "RS601"),
        ("      stop_reason: deceased\n", "", "RS602"),
        ("      to_form: budget_guidance\n", "", "RS602"),
        ("  interval: review_interval_months\n", "  interval: minimum_motivationn\n", "RS603"),
        ("  overdue: review.overdue\n", "  overdue: review.ready_\n", "RS604"),
        ("      when: situation.deceased\n", "      when: situation.deceasd\n", "RS202"),
        ("      when: situation.deceased\n", "      when: client.deceased\n", "RS203"),
        ("      when: situation.deceased\n", "      when: total_income > 0\n", "RS203"),
        ("    achieved:\n", "    minimum_motivation:\n", "RS105"),
        ("    review.ready:\n", "    dossier.ready:\n", "RS105"),
    ],
)
def test_review_problems_are_diagnosed(minimal_text: str, old: str, new: str, code: str) -> None:
    text = with_reviews(minimal_text)
    assert old in text
    found = diagnostics(text.replace(old, new, 1))
    assert code in {d.code for d in found}, found
    assert all(d.span is not None and d.span.line > 1 for d in found)


def test_the_interval_must_be_a_whole_number_of_at_least_one_month(minimal_text: str) -> None:
    text = with_reviews(minimal_text).replace("value: 3, source: test", "value: 0, source: test")
    assert [d.code for d in diagnostics(text)] == ["RS603"]


def test_a_cycle_between_review_values_is_refused(minimal_text: str) -> None:
    text = with_reviews(minimal_text).replace("when: achieved == 2 and", "when: review.ready and")
    assert "RS301" in {d.code for d in diagnostics(text)}


def test_an_unused_stop_reason_is_a_warning(minimal_text: str, tmp_path: Path) -> None:
    extra = "    moved: {title: {nl: Verhuisd, fr: Déménagé, en: Moved}, source: test}\n"
    text = with_reviews(minimal_text).replace("  derived:\n    achieved", extra + "  derived:\n    achieved")
    assert extra in text
    compile_text(text, "rules.yaml")  # a warning does not stop compilation
    # warnings are reported beside errors (a file with an error shows every diagnostic)
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace("stop_reason: deceased", "stop_reason: decesed"), encoding="utf-8")
    found = check_ruleset(path)
    unused = sorted(d.message for d in found if d.code == "RS605" and d.severity == Severity.WARNING)
    assert unused == [
        "stop reason `deceased` is never used by a review rule",
        "stop reason `moved` is never used by a review rule",
    ]
    [wrong] = [d for d in found if d.code == "RS601"]
    assert wrong.severity == Severity.ERROR and wrong.hint == "did you mean `deceased`?"


def test_add_months_keeps_the_day_or_takes_the_last_day_of_the_month() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2025, 3, 15), 12) == date(2026, 3, 15)
    assert add_months(date(2025, 3, 15), -3) == date(2024, 12, 15)


def test_months_between_matches_the_expression_language() -> None:
    """The report counts months the way rule expressions do (`months_between`)."""
    from aidrules.expr.compiler import Environment, compile_expression
    from aidrules.expr.runtime import Context
    from aidrules.expr.types import Record
    from aidrules.lifecycle.dates import months_between

    expr, problems = compile_expression("months_between(date('2024-08-31'), decision_date)", Environment(Record(), {}))
    assert expr is not None and not problems
    day = date(2024, 8, 1)
    while day < date(2026, 3, 1):
        assert months_between(date(2024, 8, 31), day) == expr.fn(Context({}, {}, day)), day
        day = date.fromordinal(day.toordinal() + 3)


def test_an_overlay_keeps_the_review_rules_and_may_change_the_interval(tmp_path: Path) -> None:
    from aidrules.ruleset import load_ruleset

    overlay = tmp_path / "ocmw-x.yaml"
    overlay.write_text(
        """aidrules: 1
extends: noord-limburg-budgethulp@2025.1
ruleset:
  id: ocmw-x
  version: "2025.1"
  title: {nl: OCMW X, fr: CPAS X, en: OCMW X}
  effective: {from: 2025-02-01}
parameters:
  review_interval_months:
    values:
      - {from: 2024-01-01, value: 3, source: "Beslissing raad OCMW X (test)"}
""",
        encoding="utf-8",
    )
    rules = load_ruleset(overlay)
    assert rules.reviews is not None and len(rules.reviews.rows) == 9
    facts = {
        "on": "2025-06-02",
        "dossier": {"form": "budget_guidance", "started_on": "2025-03-01", "last_review_on": None},
        "situation": {"deceased": True},
    }
    review = evaluate_review(rules, facts)
    # three months after 1 March is 1 June: a review on 2 June is late under this OCMW's interval
    assert (review.review_due_on, review.overdue, review.outcome) == (date(2025, 6, 1), True, "stop")


def test_a_lone_surrogate_in_review_facts_is_refused_with_its_path_not_a_traceback() -> None:
    """The twin of the case facts' check: pydantic raises UnicodeEncodeError (not a
    ValidationError) on a text with a lone surrogate, which a JSON file may hold as ``"\\ud800"``."""
    with pytest.raises(FactsError) as caught:
        parse_review_facts({"on": "\ud800"})
    assert [(d.code, d.path) for d in caught.value.diagnostics] == [("CF001", "on")]
