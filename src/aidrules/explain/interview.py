"""Asking the next questions one by one: reading answers as a Belgian worker types them.

:func:`read_answer` turns typed text into a case value for one fact (``ja``/``oui``/``yes``, a
choice by number, code or name, ``1.180,50`` or ``1180.50`` euros, ``15/03/2024`` or
``2024-03-15``, ``nooit`` for an event that never happened, ``geen`` for a list with no items);
:func:`run_interview` asks the most decisive question, re-evaluates after every answer and stops
when no answer can change the outcome any more (or the worker has no more answers). The terminal
command (``aidrules interview``) and the intake page share this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from aidrules.errors import AidrulesError
from aidrules.explain.questions import Question, questions_for
from aidrules.expr import types as t
from aidrules.facts.catalogue import entry
from aidrules.facts.model import EVENT_FIELDS
from aidrules.facts.parse import parse_facts
from aidrules.facts.paths import Edit, apply, fact_type, int_bounds, pattern, read
from aidrules.facts.writing import parse_amount, parse_day
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.text.interface import LANGS, ui, value_words
from aidrules.views.decision import outcome_title
from aidrules.words.labels import fact_label

_YES = {"ja", "j", "yes", "y", "oui", "o", "true", "waar"}
_NO = {"nee", "neen", "n", "no", "non", "false", "onwaar"}
_NEVER = {"nooit", "jamais", "never", "null"}
_NONE = {"geen", "geen enkele", "aucun", "aucune", "none", "[]"}
_SKIP = {"", "?", "weet niet", "onbekend", "je ne sais pas", "inconnu", "unknown", "don't know"}


class AnswerError(ValueError):
    """A typed answer that does not fit the fact; the message says what fits, in the reader's language."""


@dataclass(frozen=True, slots=True)
class Skip:
    """The worker does not know the answer: the fact stays unknown."""


SKIP = Skip()


@dataclass(frozen=True, slots=True)
class Items:
    """The list has items: they are asked one by one."""


ITEMS = Items()


def answer_hint(path: str, lang: str) -> str:
    """What can be typed for a fact (``ja of nee``, ``1 = geen, 2 = beperkt, …``, ``0 tot 4``)."""
    typ = fact_type(pattern(path))
    if isinstance(typ, t.Bool):
        return ui("hint.yes_no", lang)
    if isinstance(typ, t.Text) and typ.choices:
        return ", ".join(f"{i} = {_choice_word(c, lang)}" for i, c in enumerate(typ.choices, 1))
    if isinstance(typ, t.Number) and typ.money:
        return ui("hint.amount", lang)
    if isinstance(typ, t.Number):
        b = int_bounds(pattern(path))
        if b.low is not None and b.high is not None:
            return ui("hint.range", lang, low=str(b.low), high=str(b.high))
        return ui("hint.number", lang)
    if isinstance(typ, t.Date):
        return ui("hint.date_never" if pattern(path) in EVENT_FIELDS else "hint.date", lang)
    if isinstance(typ, t.ListOf):
        return ui("hint.list", lang)
    return ui("hint.text", lang)


def _choice_word(code: str, lang: str) -> str:
    labels = value_words(code)
    return labels[LANGS.index(lang)] if labels else code.replace("_", " ")


def read_answer(path: str, typed: str, lang: str) -> Any:
    """The case value for ``typed`` as the answer about ``path``; :data:`SKIP` when unknown.

    Raises:
        AnswerError: the text does not fit the fact (the message gives what fits).

    Example:
        >>> read_answer("debts[0].amount", "1.180,50", "nl")
        Decimal('1180.50')
        >>> read_answer("client.consents", "Ja", "nl")
        True
    """
    raw = typed.strip()
    low = raw.lower()
    if low in _SKIP:
        return SKIP
    typ = fact_type(pattern(path))
    problem = AnswerError(ui("answer_invalid", lang, answer=raw, hint=answer_hint(path, lang)))
    if isinstance(typ, t.Bool):
        if low in _YES:
            return True
        if low in _NO:
            return False
        raise problem
    if isinstance(typ, t.Text) and typ.choices:
        choices = list(typ.choices)
        if low.isdigit() and 1 <= int(low) <= len(choices):
            return choices[int(low) - 1]
        for code in choices:
            names = {code, code.replace("_", " "), *(w.lower() for w in value_words(code))}
            if low in names:
                return code
        raise problem
    if isinstance(typ, t.Number) and typ.money:
        amount = parse_amount(raw)
        if amount is None or amount < 0:
            raise problem
        return amount
    if isinstance(typ, t.Number):
        b = int_bounds(pattern(path))
        if not re.fullmatch(r"\d+", low) or (b.low is not None and int(low) < b.low):
            raise problem
        if b.high is not None and int(low) > b.high:
            raise problem
        return int(low)
    if isinstance(typ, t.Date):
        if low in _NEVER and pattern(path) in EVENT_FIELDS:
            return None
        day = parse_day(raw)
        if day is None:
            raise problem
        return day
    if isinstance(typ, t.ListOf):
        if low in _NONE:
            return []
        if low in _YES:
            return ITEMS
        raise problem
    if not raw:
        raise problem
    return raw


Ask = Callable[[str], "str | None"]  # prompt → typed text, None at the end of the input
Say = Callable[[str], None]


def run_interview(rs: CompiledRuleSet, data: dict[str, Any], on: date, lang: str, ask: Ask, say: Say) -> dict[str, Any]:
    """Ask the next question until the outcome is settled; return the completed case data.

    ``data`` is a case as a plain dict (unknown facts left out); it is not changed. ``ask`` shows a
    prompt and returns the typed answer (None when there is no more input); ``say`` shows a line.
    """
    case = dict(data)
    skipped: set[str] = set()
    while True:
        facts = parse_facts(case)
        decision = rs.evaluate(facts, on, lang=lang)
        say(ui("proposal_line", lang, title=outcome_title(rs, decision.recommendation, lang)))
        questions = [q for q in questions_for(decision, rs, facts) if q.fact not in skipped]
        if not questions:
            key = "no_questions_undetermined" if decision.recommendation == "undetermined" else "no_questions"
            say(ui(key, lang))
            return case
        question = questions[0]
        answer = _ask(question.fact, question.question, question.help, lang, ask, say)
        if answer is None:  # end of input: keep what was answered
            return case
        if isinstance(answer, Skip):
            skipped.add(question.fact)
            continue
        typ = fact_type(pattern(question.fact))
        if isinstance(answer, Items) and isinstance(typ, t.ListOf):
            case = _ask_items(case, question, typ, lang, ask, say)
        else:
            case = apply(case, [Edit(question.fact, () if answer == [] else answer)])


def _ask(path: str, question: str, help_: str | None, lang: str, ask: Ask, say: Say) -> Any:
    """Ask one fact until the answer fits; None at the end of the input."""
    if help_:
        say(help_)
    while True:
        typed = ask(f"{question} [{answer_hint(path, lang)}] ")
        if typed is None:
            return None
        try:
            return read_answer(path, typed, lang)
        except AnswerError as exc:
            say(str(exc))


def _ask_items(
    case: dict[str, Any], question: Question, typ: t.ListOf, lang: str, ask: Ask, say: Say
) -> dict[str, Any]:
    """A list given item by item: every field of an item, then whether there is another one."""
    items: list[dict[str, Any]] = []
    base = question.fact
    while True:
        item: dict[str, Any] = {}
        assert isinstance(typ.item, t.Record)
        for name, _ in typ.item.fields:
            path = f"{base}[{len(items)}].{name}"
            info = entry(pattern(path))
            text = info.question.get(lang) if info and info.question else fact_label(path, lang)
            value = _ask(path, f"{text} ({_item_name(path, lang)})", None, lang, ask, say)
            if value is None:
                break
            if not isinstance(value, Skip):
                item[name] = value
        items.append(item)
        more = _ask("client.consents", ui("another_item", lang), None, lang, ask, say)  # read as yes/no
        if more is not True:
            break
    new = apply(case, [Edit(base, ())])  # an empty list at its place, then the items in it
    read(new, base).extend(items)
    try:
        parse_facts(new)
    except AidrulesError as exc:
        say(exc.report())
        return case
    return new


def _item_name(path: str, lang: str) -> str:
    """``schuld 2`` for ``debts[1].amount``."""
    label = fact_label(path, lang)
    return label[label.rindex("(") + 1 : -1] if label.endswith(")") else label
