"""The next question (contract §4): exactly the facts whose answer changes the outcome, most
decisive first, each answer's effect checked by re-evaluating; answering them settles the case."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.explain.cases import FIXTURES, fixture, rules
from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.engine.decision import Decision
from aidrules.explain.interview import SKIP, AnswerError, parse_amount, read_answer, run_interview
from aidrules.explain.missing import candidate_values
from aidrules.explain.questions import Question, next_questions
from aidrules.expr import types as t
from aidrules.facts.catalogue import catalogue
from aidrules.facts.paths import Edit, apply, fact_type, pattern, read
from aidrules.facts.writing import case_yaml
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.whatif.thresholds import RuleSetAnalysis

runner = CliRunner()
_PATH = re.compile(r"\b(client|household|incomes|expenses|debts|signals|remi)(\[\d*\])?\.[a-z_]+")
_PYTHON = re.compile(r"\[\s*'|'\s*\]|\bNone\b|\bTrue\b|\bFalse\b|==|!=|\bin \[")


def _open_fixtures() -> list[str]:
    """Fixtures with something undetermined: the recommendation or a form's status."""
    out = []
    for path in FIXTURES:
        fx = fixture(path.stem)
        decision = rules(fx).evaluate(fx.case)
        if decision.missing_facts:
            out.append(path.stem)
    return out


OPEN = _open_fixtures()
UNDETERMINED = [n for n in OPEN if rules(fixture(n)).evaluate(fixture(n).case).recommendation == "undetermined"]


def _outcome(decision: Decision) -> tuple[str, dict[str, str]]:
    return decision.recommendation, {f: v.status for f, v in decision.forms.items()}


def _answers(rs: CompiledRuleSet, on: date, path: str) -> list[Any]:
    values: list[Any] | None = candidate_values(path, RuleSetAnalysis(rs, on))
    if values is None and isinstance(fact_type(pattern(path)), t.ListOf):
        values = [()]  # a whole unknown list can be answered "none"
    return values or []


def test_every_undetermined_fixture_is_covered() -> None:
    """Guards the tests below against passing on no case at all."""
    assert len(UNDETERMINED) >= 5


@pytest.mark.parametrize("name", OPEN)
def test_questions_are_exactly_the_facts_whose_answer_changes_the_outcome(name: str) -> None:
    """Catches a question list copied from ``missing_facts`` (a fact that changes nothing, e.g. the
    motivation once consent is refused, is asked anyway) or one that drops a decisive fact."""
    fx = fixture(name)
    rs = rules(fx)
    base = rs.evaluate(fx.case)
    data = {k: v for k, v in fx.case.items() if k != "on"}
    changing = set()
    for path in base.missing_facts:
        for value in _answers(rs, base.on, path):
            changed = rs.evaluate(apply(data, [Edit(path, value)]), base.on)
            if _outcome(changed) != _outcome(base):
                changing.add(path)
    questions = next_questions(rs, fx.case)
    assert {q.fact for q in questions} == changing
    if base.recommendation == "undetermined":
        assert questions, "an undetermined case must get at least one question"


@pytest.mark.parametrize("name", OPEN)
def test_what_each_answer_decides_is_what_re_evaluation_decides(name: str) -> None:
    """Catches a ``decides`` table computed once and reused, or guessed from the rule texts."""
    fx = fixture(name)
    rs = rules(fx)
    data = {k: v for k, v in fx.case.items() if k != "on"}
    on = rs.evaluate(fx.case).on
    for q in next_questions(rs, fx.case):
        assert q.decides
        for d in q.decides:
            value: Any = () if d.answer == [] else d.answer
            if isinstance(fact_type(pattern(q.fact)), t.Date) and isinstance(value, str):
                value = date.fromisoformat(value)
            changed = rs.evaluate(apply(data, [Edit(q.fact, value)]), on)
            assert (d.recommendation, d.forms) == _outcome(changed)
            assert d.determined == (changed.recommendation != "undetermined")


def _settle(rs: CompiledRuleSet, data: dict[str, Any], on: date, depth: int = 0) -> list[str]:
    """Answer the first question with every answer in turn; the outcomes at the leaves."""
    decision = rs.evaluate(data, on)
    questions = next_questions(rs, data, on)
    if not questions:
        return [decision.recommendation]
    assert depth < 8, "the questions never end"
    leaves = []
    for d in questions[0].decides:
        value: Any = () if d.answer == [] else d.answer
        if isinstance(fact_type(pattern(questions[0].fact)), t.Date) and isinstance(value, str):
            value = date.fromisoformat(value)
        leaves += _settle(rs, apply(data, [Edit(questions[0].fact, value)]), on, depth + 1)
    return leaves


@pytest.mark.parametrize("name", UNDETERMINED)
def test_answering_the_questions_in_order_reaches_a_determined_outcome(name: str) -> None:
    """Catches questions ordered so that answering them leaves the case undetermined, or a fact
    that, once answered, is asked again."""
    fx = fixture(name)
    rs = rules(fx)
    data = {k: v for k, v in fx.case.items() if k != "on"}
    leaves = _settle(rs, data, rs.evaluate(fx.case).on)
    assert leaves and "undetermined" not in leaves


def _stripped_case() -> tuple[CompiledRuleSet, dict[str, Any]]:
    fx = fixture("001-single-wage-guidance-baseline")
    data = copy.deepcopy(fx.case)
    for key in ("motivation", "consents", "budgeting_skills", "is_enterprise", "wants_to_keep_control"):
        data["client"].pop(key)
    return rules(fx), data


def test_questions_are_ordered_most_decisive_first() -> None:
    """Catches questions in case-file order: consent (no answer leaves anything open when refused)
    must not come after a fact that settles less."""
    rs, data = _stripped_case()
    questions = next_questions(rs, data)
    assert len(questions) >= 3
    settles = [q.settles for q in questions]
    assert settles == sorted(settles, reverse=True)
    assert settles[0] > settles[-1]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_question_texts_show_no_fact_path_or_python(lang: str) -> None:
    """Catches a question that falls back to the raw path (``client.motivation``) or shows Python
    values (``None``, ``['limited']``) to a worker."""
    rs, data = _stripped_case()
    questions = next_questions(rs, data, lang=lang)
    for name in UNDETERMINED:
        questions += next_questions(rules(fixture(name)), fixture(name).case, lang=lang)
    for q in questions:
        words = [q.question, q.label, q.help or "", *(a.text for a in q.answers), *(d.text for d in q.decides)]
        words += [d.recommendation_title for d in q.decides]
        for w in words:
            assert not _PATH.search(w), w
            assert not _PYTHON.search(w), w


def test_legal_assessments_are_asked_of_the_worker() -> None:
    """Catches asking a client whether they 'manifestly organised their insolvency'."""
    cat = catalogue()
    for path in ("client.organised_insolvency", "client.motivation", "client.budgeting_skills"):
        assert cat[path].asked_of == "worker" and cat[path].client_question is None
    for path, e in cat.items():
        if e.asked_of == "client":
            assert e.client_question is not None, path


def test_every_fact_of_the_case_model_has_a_question() -> None:
    """Catches a fact added to the case model without a question: it would be asked as a path."""
    from aidrules.facts.paths import all_patterns

    containers = {"household", "client", "signals", "remi"}
    for p in all_patterns():
        if p in containers:
            continue
        e = catalogue().get(p)
        assert e is not None and e.question is not None, p
        for lang in ("nl", "fr", "en"):
            assert e.question.get(lang).rstrip().endswith("?"), (p, lang)
        assert "\u00a0?" in e.question.fr, p  # French typography: no-break space before ?


def test_cli_questions_json_lists_items_most_decisive_first(tmp_path: Path) -> None:
    rs, data = _stripped_case()
    case = tmp_path / "case.yaml"
    case.write_text(case_yaml(data), encoding="utf-8")
    result = runner.invoke(app, ["questions", str(case), "--format", "json", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [i["fact"] for i in items] == [q.fact for q in next_questions(rs, data, lang="fr")]
    for item in items:
        assert {"fact", "question", "answers", "decides"} <= set(item)
        assert item["question"].endswith("\u00a0?")


def test_cli_questions_text_names_no_path() -> None:
    case = case_yaml(fixture("046-undetermined-budgeting-skills-missing").case)
    result = runner.invoke(app, ["questions", "-"], input=case)
    assert result.exit_code == 0, result.output
    assert "budgetvaardigheden" in result.stdout
    assert "client.budgeting_skills" not in result.stdout


# -- answers as a Belgian worker types them ------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "typed", "value"),
    [
        ("debts[0].amount", "1.180,50", Decimal("1180.50")),
        ("debts[0].amount", "€ 1 180,5", Decimal("1180.50")),
        ("debts[0].amount", "1180.50", Decimal("1180.50")),
        ("client.consents", "Ja", True),
        ("client.consents", "non", False),
        ("debts[0].enforcement", "deurwaarder", "bailiff"),
        ("debts[0].enforcement", "huissier", "bailiff"),
        ("debts[0].enforcement", "3", "bailiff"),
        ("client.motivation", "2", 2),
        ("client.enterprise_ceased_on", "15/03/2024", date(2024, 3, 15)),
        ("client.enterprise_ceased_on", "nooit", None),
        ("incomes", "geen", []),
    ],
)
def test_answers_are_read_as_belgian_workers_type_them(path: str, typed: str, value: object) -> None:
    assert read_answer(path, typed, "nl") == value


@pytest.mark.parametrize(("path", "typed"), [("client.motivation", "7"), ("client.consents", "misschien")])
def test_an_answer_that_does_not_fit_says_what_fits_in_dutch(path: str, typed: str) -> None:
    with pytest.raises(AnswerError, match="past hier niet"):
        read_answer(path, typed, "nl")


def test_an_empty_answer_leaves_the_fact_unknown() -> None:
    assert read_answer("client.consents", "", "nl") is SKIP
    assert parse_amount("12,3,4") is None


def test_interview_stops_when_the_outcome_is_settled() -> None:
    """Catches an interview that keeps asking after the proposal is determined, or ignores answers."""
    rs, data = _stripped_case()
    data.pop("on")
    typed = iter(["misschien", "ja", "3", "nee", "voldoende", "ja"] + ["ja"] * 10)
    asked: list[str] = []
    said: list[str] = []

    def ask(prompt: str) -> str | None:
        asked.append(prompt)
        return next(typed, None)

    done = run_interview(rs, data, date(2025, 3, 1), "nl", ask, said.append)
    final = rs.evaluate(done, date(2025, 3, 1))
    assert final.recommendation != "undetermined"
    assert next_questions(rs, done, date(2025, 3, 1)) == []
    assert any("past hier niet" in line for line in said)  # "misschien" was refused and asked again
    assert len(asked) < 12


def test_cli_interview_writes_the_completed_case(tmp_path: Path) -> None:
    case = tmp_path / "start.yaml"
    case.write_text(case_yaml(fixture("047-undetermined-incomes-missing").case), encoding="utf-8")
    out = tmp_path / "done.yaml"
    result = runner.invoke(app, ["interview", str(case), "--out", str(out)], input="ja\nloon\n1.180,50\nja\nnee\n")
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    assert "monthly_net: 1180.50" in written
    evaluated = runner.invoke(app, ["evaluate", str(out), "--format", "json"])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.stdout)["recommendation"] != "undetermined"


def test_questions_of_a_settled_case_are_empty() -> None:
    fx = fixture("001-single-wage-guidance-baseline")
    assert next_questions(rules(fx), fx.case) == []
    q: list[Question] = next_questions(
        rules(fixture("048-decided-no-consent-motivation-missing")),
        fixture("048-decided-no-consent-motivation-missing").case,
    )
    assert q == []  # the motivation is missing but changes nothing once consent is refused


def test_questions_from_an_empty_case_lead_to_a_proposal() -> None:
    """Catches a question list that goes empty while the case is still undetermined because no
    single answer settles anything (the leefgeldvloer reads expenses, adults and children at once)."""
    fx = fixture("001-single-wage-guidance-baseline")
    rs = rules(fx)
    on = rs.evaluate(fx.case).on
    full = {k: v for k, v in fx.case.items() if k != "on"}
    data: dict[str, Any] = {"client": {"consents": True}}
    asked: list[str] = []
    for _ in range(40):
        questions = next_questions(rs, data, on)
        if not questions:
            break
        fact = questions[0].fact
        assert fact not in asked, f"{fact} asked twice"
        asked.append(fact)
        value = read(full, fact)
        data = apply(data, [Edit(fact, () if value == [] else None)])
        if value != []:  # set lists and values exactly as the complete case has them
            node = data
            *parents, last = fact.split(".")
            for p in parents:
                node = node.setdefault(p, {})
            node[last] = copy.deepcopy(value)
    assert rs.evaluate(data, on).recommendation == "budget_guidance"
    assert "household.adults" in asked  # asked although no answer about it alone decides anything
