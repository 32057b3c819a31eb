"""Rendering the intake form for a partial case, and reading a submitted form back into a case.

Form fields are named after the fact they hold (``client.consents``, ``debts[0].amount``): the
names are for the machine; every word a person sees comes from the question catalogue. Values are
read like the interview reads a typed answer (``1.180,50``, ``ja``, ``15/03/2024``), and a value
that does not fit is shown next to its field with what fits; it never reaches the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from aidrules.errors import AidrulesError
from aidrules.explain.interview import SKIP, AnswerError, answer_hint, read_answer
from aidrules.explain.questions import Question, questions_for
from aidrules.expr import types as t
from aidrules.facts.catalogue import catalogue, entry
from aidrules.facts.parse import parse_facts
from aidrules.facts.paths import MISSING, fact_type, int_bounds, pattern, read
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.text import domain
from aidrules.text.interface import LANGS, french_typography, ui, value_words
from aidrules.views.decision import outcome_title
from aidrules.words.formatting import day as format_day
from aidrules.words.labels import fact_label

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Lists of the case and the fields of one item, in the order a worker fills them in.
LISTS: dict[str, tuple[str, ...]] = {
    "incomes": ("kind", "monthly_net", "stable"),
    "expenses": ("kind", "monthly"),
    "debts": ("creditor", "kind", "amount", "enforcement"),
    "household.children": ("age",),
}
#: Groups of single facts, each a fieldset with a legend.
GROUPS: tuple[tuple[str, str], ...] = (
    ("household", "household"),
    ("client", "client"),
    ("signals", "signals"),
    ("remi", "remi"),
)

#: The page's own words: the gettext domain ``intake`` (msgid the key given to :func:`_w`).
_TEXTS = domain("intake")


def _w(key: str, lang: str) -> str:
    text = _TEXTS[lang][key]
    return french_typography(text) if lang == "fr" else text


@dataclass
class FormResult:
    """A submitted form read back: the case data (unknown facts left out), the typed text of every
    field (to show it again) and, per field, why its value does not fit."""

    data: dict[str, Any]
    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def case_from_form(form: Mapping[str, str], lang: str = "nl") -> FormResult:
    """The case a submitted form describes. Empty fields stay unknown; a list is ``[]`` only when
    its *none* box is ticked."""
    result = FormResult(data={})
    for path in scalar_paths():
        typed = form.get(path, "").strip()
        if typed:
            result.typed[path] = typed
            _put(result, path, typed, lang, path.split("."))
    for root, fields in LISTS.items():
        if form.get(f"{root}.none") == "on":
            result.typed[f"{root}.none"] = "on"
            _place(result.data, root.split("."), [])
            continue
        items: list[dict[str, Any]] = []
        for i in range(_rows_in(form, root)):
            item: dict[str, Any] = {}
            for name in fields:
                path = f"{root}[{i}].{name}"
                typed = form.get(path, "").strip()
                if not typed:
                    continue
                result.typed[path] = typed
                probe = FormResult(data={})
                _put(probe, path, typed, lang, ["value"])
                if probe.errors:
                    result.errors[path] = probe.errors[path]
                elif "value" in probe.data:
                    item[name] = probe.data["value"]
            if item:
                items.append(item)
        if items:
            _place(result.data, root.split("."), items)
    if not result.errors:
        try:
            parse_facts(result.data, lang=lang)
        except AidrulesError as exc:  # a combination the model refuses: shown at the field it names
            for d in exc.diagnostics:
                result.errors[d.path or ""] = d.message
    return result


def _put(result: FormResult, path: str, typed: str, lang: str, where: list[str]) -> None:
    try:
        value = read_answer(path, typed, lang)
    except AnswerError as exc:
        result.errors[path] = str(exc)
        return
    if value is not SKIP:
        _place(result.data, where, value)


def _place(data: dict[str, Any], steps: list[str], value: Any) -> None:
    node = data
    for step in steps[:-1]:
        node = node.setdefault(step, {})
    node[steps[-1]] = value


def _rows_in(form: Mapping[str, str], root: str) -> int:
    rows = 0
    prefix = f"{root}["
    for key in form:
        if key.startswith(prefix):
            index = key[len(prefix) : key.index("]", len(prefix))]
            if index.isdigit():
                rows = max(rows, int(index) + 1)
    return min(rows, 100)


@cache
def scalar_paths() -> tuple[str, ...]:
    """Every single fact of the case (not inside a list), in the catalogue's order."""
    out = []
    for path in catalogue():
        typ = fact_type(path)
        if "[]" in path or isinstance(typ, t.Record | t.ListOf) or typ is None:
            continue
        out.append(path)
    return tuple(out)


# -- rendering --------------------------------------------------------------------------------
@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_intake(
    rules: CompiledRuleSet,
    form: FormResult | Mapping[str, Any] | None = None,
    on: date | None = None,
    *,
    lang: str = "nl",
    action: str = "/",
) -> str:
    """The intake page for a partial case: ``form`` is a read-back form (with the worker's typed
    text and errors) or plain case data; ``on`` the decision date (default: today)."""
    if form is None:
        form = FormResult(data={})
    elif not isinstance(form, FormResult):
        form = FormResult(data=dict(form))
    day = on or date.today()
    try:  # fields whose value did not fit are left out of the data: the rest still decides
        facts = parse_facts(form.data, lang=lang)
    except AidrulesError:  # a combination the case model refuses (shown at its fields)
        facts = parse_facts({}, lang=lang)
    decision = rules.evaluate(facts, day, lang=lang)
    questions = questions_for(decision, rules, facts)
    first = questions[0] if questions else None
    context = {
        "lang": lang,
        "w": {k: _w(k, lang) for k in _TEXTS[lang]},
        "action": action,
        "on": day.isoformat(),
        "on_text": format_day(day, lang),
        "errors": bool(form.errors),
        "proposal": {
            "title": outcome_title(rules, decision.recommendation, lang),
            "determined": decision.recommendation != "undetermined",
            "because": decision.reasons[0].message,
            "forms": [
                {
                    "title": next(f.title.get(lang) for f in rules.forms if f.id == fid),
                    "status": ui("status." + result.status, lang),
                    "reasons": [r.message for r in result.reasons[1:] if r.outcome is not True],
                }
                for fid, result in decision.forms.items()
            ],
            "unknown": list(dict.fromkeys(fact_label(f, lang) for f in decision.missing_facts)),
        },
        "next": _question_view(first, lang) if first else None,
        "more": len(questions) - 1 if questions else 0,
        "groups": [
            {
                "legend": _w(key, lang),
                "fields": [
                    _field(p, form, lang, first)
                    for p in scalar_paths()
                    if p.split(".")[0] == prefix and not (first is not None and first.fact == p)
                ],
            }
            for key, prefix in GROUPS
        ],
        "lists": [_list_view(root, fields, form, lang, first) for root, fields in LISTS.items()],
        "first_field": _field(first.fact, form, lang, first) if first and first.fact in scalar_paths() else None,
    }
    html = _environment().get_template("intake.html.j2").render(**context)
    return french_typography(html) if lang == "fr" else html


def _question_view(q: Question, lang: str) -> dict[str, Any]:
    groups: dict[str, list[str]] = {}
    for d in q.decides:
        groups.setdefault(d.recommendation_title, []).append(d.text)
    return {
        "fact_id": field_id(q.fact),
        "question": q.question,
        "help": q.help,
        "who": _w(f"asked_of.{q.asked_of}", lang),
        "decides": [{"answers": ", ".join(a), "outcome": o} for o, a in groups.items()],
    }


def field_id(path: str) -> str:
    """An HTML id for a fact's field: ``debts[0].amount`` → ``f-debts-0-amount``."""
    return "f-" + path.replace("[", "-").replace("]", "").replace(".", "-")


def _field(path: str, form: FormResult, lang: str, first: Question | None) -> dict[str, Any]:
    typ = fact_type(pattern(path))
    info = entry(pattern(path))
    label = fact_label(path, lang)
    question = info.question.get(lang) if info and info.question else label
    typed = form.typed.get(path)
    if typed is None:
        value = read(form.data, path)
        typed = "" if value is None or value is MISSING else _as_typed(value)
    options: list[tuple[str, str]] = []
    kind = "text"
    if isinstance(typ, t.Bool):
        kind = "yes_no"
        options = [("", _w("unknown_option", lang)), ("true", ui("yes", lang)), ("false", ui("no", lang))]
        typed = {"ja": "true", "nee": "false"}.get(typed.lower(), typed.lower())
    elif isinstance(typ, t.Text) and typ.choices:
        kind = "choice"
        options = [("", _w("unknown_option", lang))] + [(c, _choice(c, lang)) for c in typ.choices]
    elif isinstance(typ, t.Number) and not typ.money:
        b = int_bounds(pattern(path))
        if b.low is not None and b.high is not None and b.high - b.low < 6:
            kind = "choice"
            options = [("", _w("unknown_option", lang))] + [(str(i), str(i)) for i in range(b.low, b.high + 1)]
    return {
        "id": field_id(path),
        "name": path,
        "label": label[:1].upper() + label[1:],
        "question": question,
        "hint": answer_hint(path, lang) if kind == "text" else "",
        "kind": kind,
        "options": options,
        "value": typed,
        "error": form.errors.get(path),
        "autofocus": first is not None and first.fact == path,
    }


def _as_typed(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _choice(code: str, lang: str) -> str:
    labels = value_words(code)
    return labels[LANGS.index(lang)] if labels else code.replace("_", " ")


def _list_view(
    root: str, fields: tuple[str, ...], form: FormResult, lang: str, first: Question | None
) -> dict[str, Any]:
    items = read(form.data, root)
    known = len(items) if isinstance(items, list) else 0
    typed_rows = _rows_in(form.typed, root)
    rows = max(known, typed_rows) + 1  # one empty row to add an item
    info = entry(root)
    return {
        "id": field_id(root),
        "legend": _w(root, lang),
        "question": info.question.get(lang) if info and info.question else "",
        "none_name": f"{root}.none",
        "none_label": _w("none_items", lang),
        "none_checked": form.typed.get(f"{root}.none") == "on" or items == [],
        "autofocus": first is not None and first.fact == root,
        "headers": [fact_label(f"{root}[].{name}", lang) for name in fields],
        "rows": [
            {
                "label": f"{_w('item', lang)} {i + 1}",
                "cells": [_field(f"{root}[{i}].{name}", form, lang, first) for name in fields],
            }
            for i in range(rows)
        ],
    }
