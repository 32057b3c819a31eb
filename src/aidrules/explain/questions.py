"""The next question: which unknown facts can still change the outcome, most decisive first.

Starting from the three-valued evaluation (the decision's ``missing_facts``), every answer worth
trying for each missing fact is put in a copy of the case and re-evaluated with the same rule set
and date (:class:`~aidrules.whatif.reevaluate.Reevaluator`, the values from
:func:`~aidrules.explain.missing.candidate_values`; a whole list that is unknown is also tried as
*none*, ``[]``). A fact is a question when at least one answer changes the recommendation or the
status of a form. Questions are ordered by how much they settle: the share of the undetermined
outcome (recommendation and forms) an answer settles, averaged over the answers.

When no single answer changes the outcome while something is still undetermined (several facts
are needed together, as in an almost empty case), the facts whose answers settle open rules are
asked instead, marked ``decisive: false``; when not even one rule is settled by one answer, the
facts the recommendation waits for are asked, so that every answer brings it closer.

The words come from the question catalogue (:mod:`aidrules.facts.catalogue`): never a raw path.

Example:
    >>> import aidrules
    >>> case = {"on": "2025-03-01", "client": {"consents": True}}
    >>> [q.fact for q in next_questions(aidrules.load(), case)][:1]
    ['incomes']
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from aidrules.engine.decision import Decision
from aidrules.explain.missing import candidate_values
from aidrules.explain.values import ValueTexts
from aidrules.expr import types as t
from aidrules.facts.catalogue import catalogue, entry
from aidrules.facts.model import EVENT_FIELDS, Case
from aidrules.facts.parse import parse_facts
from aidrules.facts.paths import Edit, case_data, fact_type, pattern
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.text.explain import join_words, text
from aidrules.text.interface import french_typography, ui
from aidrules.views.decision import outcome_title
from aidrules.whatif.reevaluate import DEFAULT_BUDGET, Outcome, Reevaluator
from aidrules.whatif.thresholds import RuleSetAnalysis
from aidrules.words.labels import fact_label

#: An answer as it goes into a case file: yes/no, a code, a whole number, an ISO date, ``null``
#: (an event that never happened) or ``[]`` (a list with no items).
AnswerValue = bool | int | str | None | list[Any]
Input = Literal["yes_no", "choice", "number", "date", "amount", "list", "text"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Answer(_Frozen):
    """One allowed answer, with the reader's words for it."""

    value: AnswerValue
    text: str


class Decides(_Frozen):
    """What the decision becomes with one answer (found by re-evaluating the changed case)."""

    answer: AnswerValue
    text: str
    recommendation: str
    recommendation_title: str
    forms: dict[str, str]
    #: The recommendation is determined with this answer.
    determined: bool


class Question(_Frozen):
    """A fact whose answer can still change the outcome, as a question in one language."""

    fact: str
    label: str
    question: str
    help: str | None
    #: ``client``: a fact of the client's own situation; ``worker``: a professional or legal assessment.
    asked_of: Literal["client", "worker"]
    input: Input
    #: The answers that can be chosen; when ``open`` other values are allowed too (dates, amounts,
    #: the items of a list), and ``answers`` lists those tried.
    answers: list[Answer]
    open: bool
    decides: list[Decides]
    #: Share of the undetermined outcome an answer settles, on average (0..1).
    settles: float
    #: An answer alone changes the outcome. False: no single answer does (several facts are
    #: needed together); asked only when no decisive question is left and something is open.
    decisive: bool = True


def next_questions(
    rules: CompiledRuleSet,
    case: Case | Mapping[str, Any],
    on: date | None = None,
    *,
    lang: str = "nl",
    budget: int = DEFAULT_BUDGET,
) -> list[Question]:
    """The questions for ``case``, most decisive first (empty when nothing can change the outcome).

    Raises:
        FactsError: the case is invalid.
        EvaluationError: no decision date, or a date outside the rule set's period.
    """
    facts = parse_facts(case)
    decision = rules.evaluate(facts, on, lang=lang)
    return questions_for(decision, rules, facts, budget=budget)


def questions_for(
    decision: Decision, rules: CompiledRuleSet, facts: Case, *, budget: int = DEFAULT_BUDGET
) -> list[Question]:
    """The questions for an evaluated case (``decision`` was made by ``rules`` for ``facts``)."""
    lang = decision.lang
    analysis = RuleSetAnalysis(rules, decision.on)
    reeval = Reevaluator(rules, case_data(facts), decision.on, budget)
    texts = ValueTexts(rules, decision.on, lang)
    base = Outcome.of(decision)
    order = {p: i for i, p in enumerate(catalogue())}
    found: list[tuple[tuple[float, float, int, str], Question]] = []
    needed: list[tuple[tuple[float, float, int, str], Question]] = []
    for path in decision.missing_facts:
        asked = _question(path, rules, analysis, reeval, texts, base)
        if asked is None:
            continue
        question, progress = asked
        share = sum(d.determined for d in question.decides) / len(question.decides)
        key = (-question.settles, -share, order.get(pattern(path), len(order)), path)
        if question.decisive:
            found.append((key, question))
        else:
            needed.append(((-progress, *key[1:]), question))
    undetermined = base.recommendation == "undetermined" or "undetermined" in base.forms.values()
    if not found and undetermined:
        # no single answer settles anything: the facts needed together with others come next,
        # those whose answers settle the most rules first
        found = needed
    if not found and base.recommendation == "undetermined":
        # not even one rule is settled by one answer (a rule reads three unknown facts): ask the
        # facts the recommendation waits for, each answer brings it one fact closer
        for path in decision.reasons[0].missing_facts:
            asked = _question(path, rules, analysis, reeval, texts, base, require_change=False)
            if asked is not None:
                found.append(((0.0, 0.0, order.get(pattern(path), len(order)), path), asked[0]))
    return [q for _, q in sorted(found, key=lambda item: item[0])]


def _question(
    path: str,
    rs: CompiledRuleSet,
    analysis: RuleSetAnalysis,
    reeval: Reevaluator,
    texts: ValueTexts,
    base: Outcome,
    *,
    require_change: bool = True,
) -> tuple[Question, float] | None:
    """The question about ``path`` and how many open rules its answers settle on average, or None
    when no answer changes anything (not the outcome, not a single rule)."""
    lang = texts.lang
    typ = fact_type(pattern(path))
    kind = _input(path, typ)
    tried: list[AnswerValue] = []
    candidates = candidate_values(path, analysis)
    if candidates is not None:
        tried = [v.isoformat() if isinstance(v, date) else v for v in candidates]  # type: ignore[misc]
    elif kind == "list":
        tried = [[]]
    dates = sorted(v for v in tried if isinstance(v, str) and kind == "date")
    decides: list[Decides] = []
    progress = 0.0
    for value in tried:
        outcome = reeval.outcome((Edit(path, _edit_value(value, typ)),))
        if outcome is None:  # the budget is spent or the answer is refused by the case model
            continue
        progress += _rules_settled(base, outcome)
        decides.append(
            Decides(
                answer=value,
                text=_range_text(value, dates, answer_text(path, value, texts), lang),
                recommendation=outcome.recommendation,
                recommendation_title=_outcome_title(rs, outcome.recommendation, lang),
                forms=outcome.forms,
                determined=outcome.recommendation != "undetermined",
            )
        )
    decisive = any(d.recommendation != base.recommendation or d.forms != base.forms for d in decides)
    if not decides or (not decisive and progress == 0 and require_change):
        return None
    open_ = candidates is None or kind in ("date", "number")
    info = entry(pattern(path))
    label = fact_label(path, lang)
    return Question(
        fact=path,
        label=label,
        question=_item_question(path, info.question.get(lang) if info and info.question else label, lang),
        help=info.help.get(lang) if info and info.help else None,
        asked_of=info.asked_of if info and info.asked_of else "worker",
        input=kind,
        answers=[Answer(value=d.answer, text=d.text) for d in decides],
        open=open_,
        decides=decides,
        settles=round(sum(_settled(base, d) for d in decides) / len(decides), 4),
        decisive=decisive,
    ), progress / len(decides)


def _rules_settled(base: Outcome, outcome: Outcome) -> int:
    """How many rules (conditions, principles) that are open in ``base`` an answer settles."""
    conditions = sum(v is None and outcome.conditions.get(c) is not None for c, v in base.conditions.items())
    principles = sum(
        s == "undetermined" and outcome.principles.get(p) != "undetermined" for p, s in base.principles.items()
    )
    return conditions + principles


def _range_text(value: AnswerValue, dates: list[str], words: str, lang: str) -> str:
    """A tried date stands for the dates on its side of a threshold: the first for every date up to
    it, the last for every date from it on."""
    if len(dates) < 2 or not isinstance(value, str):
        return words
    if value == dates[0]:
        return ui("date_until", lang, day=words)
    if value == dates[-1]:
        return ui("date_from", lang, day=words)
    return words


def _settled(base: Outcome, d: Decides) -> float:
    """The share of what is undetermined in ``base`` that the answer ``d`` settles."""
    open_forms = [f for f, s in base.forms.items() if s == "undetermined"]
    total = (2 if base.recommendation == "undetermined" else 0) + len(open_forms)
    if total == 0:
        return 0.0
    gained = (2 if base.recommendation == "undetermined" and d.determined else 0) + sum(
        d.forms.get(f) != "undetermined" for f in open_forms
    )
    return gained / total


def _input(path: str, typ: t.Type | None) -> Input:
    if isinstance(typ, t.Bool):
        return "yes_no"
    if isinstance(typ, t.Text):
        return "choice" if typ.choices else "text"
    if isinstance(typ, t.Number):
        return "amount" if typ.money else "number"
    if isinstance(typ, t.Date):
        return "date"
    if isinstance(typ, t.ListOf):
        return "list"
    return "text"


def _edit_value(value: AnswerValue, typ: t.Type | None) -> Any:
    if isinstance(value, list):
        return ()
    if isinstance(typ, t.Date) and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _item_question(path: str, question: str, lang: str) -> str:
    """A question about one item of a list says which item (``schuld 2``)."""
    label = fact_label(path, lang)
    if "(" in label and label.endswith(")") and path != pattern(path):
        return f"{question} ({label[label.rindex('(') + 1 : -1]})"
    return question


def answer_text(path: str, value: AnswerValue, texts: ValueTexts) -> str:
    """The reader's words for an answer (``ja``, ``deurwaarder``, ``nooit``, ``geen``)."""
    typ = fact_type(pattern(path))
    if isinstance(value, list):
        return ui("none_value", texts.lang)
    if value is None and pattern(path) in EVENT_FIELDS:
        return text("never", texts.lang)
    if isinstance(typ, t.Date) and isinstance(value, str):
        return texts.text_typed(date.fromisoformat(value), t.DATE)
    return texts.text(path, value)


def _outcome_title(rs: CompiledRuleSet, outcome: str, lang: str) -> str:
    return outcome_title(rs, outcome, lang)


# -- rendering ------------------------------------------------------------------------------
def questions_json(questions: list[Question]) -> str:
    """The questions as JSON: a list of items ``{"fact", "question", "answers", "decides", …}``."""
    return json.dumps([q.model_dump(mode="json") for q in questions], ensure_ascii=False, indent=2) + "\n"


def questions_text(questions: list[Question], decision: Decision, rs: CompiledRuleSet) -> str:
    """The questions as plain text for a worker, most decisive first, each answer with its effect."""
    lang = decision.lang
    lines = [
        ui("proposal_line", lang, title=_outcome_title(rs, decision.recommendation, lang)),
        "",
    ]
    if not questions:
        key = "no_questions_undetermined" if decision.recommendation == "undetermined" else "no_questions"
        lines.append(ui(key, lang))
        return "\n".join(lines) + "\n"
    lines.append(ui("next_questions", lang))
    lines.append("")
    for i, q in enumerate(questions, 1):
        who = ui(f"asked_of.{q.asked_of}", lang)
        lines.append(f"{i}. {q.question}")
        lines.append(f"   ({q.label}, {who})")
        if not q.decisive:
            lines.append(f"   {ui('needed_with_others', lang)}")
        if q.help:
            lines.append(f"   {q.help}")
        for outcome, answers in _grouped(q.decides):
            joined = _or_list([a.text for a in answers], lang)
            lines.append(f"   • {joined} → {outcome}")
        if q.open and q.input == "list":
            lines.append(f"   • {ui('list_items', lang)}")
    out = "\n".join(lines) + "\n"
    return french_typography(out) if lang == "fr" else out


def _grouped(decides: list[Decides]) -> list[tuple[str, list[Decides]]]:
    groups: dict[str, list[Decides]] = {}
    for d in decides:
        groups.setdefault(d.recommendation_title, []).append(d)
    return list(groups.items())


def _or_list(items: list[str], lang: str) -> str:
    return join_words(items, lang, "or")
