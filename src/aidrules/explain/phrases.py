"""Sentences built from structured reasons: changes ("als de cliënt …"), scenarios, statuses.

Clauses are subordinate ("als …" / "si …" / "if …"), in the third person for the worker and the
committee and in the second person ("u") for the client.
"""

from __future__ import annotations

from decimal import Decimal

from aidrules.explain.model import Counterfactual, Explanation, Line, MissingFact, Step
from aidrules.facts.paths import index_of
from aidrules.text import domain
from aidrules.text.explain import colon, join_words, lower_first, text
from aidrules.text.interface import ui
from aidrules.words import formatting
from aidrules.words.labels import choice_label, fact_label

#: Clauses about a step are texts of the ``explain`` domain, each for the worker and the committee
#: (third person) and for the client (second person): ``step.<fact>=<true|false>.<who>`` for a
#: yes/no fact that flips, ``step.<fact>.<who>`` for a choice, ``step.<fact>.lower.<who>`` for
#: amounts that drop, ``step.debts[].enforcement.group.<who>`` and ``….stops.client``.
_WHO = ("worker", "client")
_TEXTS = domain("explain")


_FORCED = ("bailiff", "seizure")


def _stops_enforcement(step: Step) -> bool:
    return all(c.before in _FORCED and c.after not in _FORCED for c in step.changes)


def _kind_of(expl: Explanation, path: str) -> str:
    index = index_of(path)
    lines: list[Line] | None = None
    if path.startswith("debts"):
        lines = expl.case.debts
    elif path.startswith("expenses"):
        lines = expl.case.expenses
    elif path.startswith("incomes"):
        lines = expl.case.incomes
    if lines is not None and index is not None and index < len(lines):
        return lines[index].kind_text
    return fact_label(path, expl.lang)


def step_clause(step: Step, expl: Explanation, client: bool = False) -> str:
    """One step as a subordinate clause: ``de cliënt het beheer zelf wil houden``."""
    lang = expl.lang
    who = _WHO[1 if client else 0]
    texts = _TEXTS[lang]
    first = step.changes[0]
    lower = texts.get(f"step.{step.fact}.lower.{who}")
    if lower is not None:
        money = [formatting.money(Decimal(str(c.before)), lang) for c in step.changes]
        items = []
        for change, before in zip(step.changes, money, strict=True):
            kind = _kind_of(expl, change.path)
            if change.removed:
                items.append(text("removed", lang, kind=kind, amount=before))
            else:
                after = formatting.money(Decimal(str(change.after)), lang)
                items.append(text("item_change", lang, kind=kind, before=before, after=after))
        total_before = step.total_before or Decimal(0)
        total_after = step.total_after or Decimal(0)
        return lower.format(
            delta=formatting.money(total_before - total_after, lang),
            before=formatting.money(total_before, lang),
            after=formatting.money(total_after, lang),
            items="; ".join(items),
        )
    if isinstance(first.after, bool):
        template = texts.get(f"step.{step.fact}={str(first.after).lower()}.{who}")
        if template is not None:
            return template.format(kind=_kind_of(expl, first.path))
    if step.fact == "debts[].enforcement" and client and _stops_enforcement(step):
        kinds = join_words([_kind_of(expl, c.path) for c in step.changes], lang)
        return texts["step.debts[].enforcement.stops.client"].format(kinds=kinds)
    if step.fact == "debts[].enforcement" and len(step.changes) > 1:
        kinds = join_words([_kind_of(expl, c.path) for c in step.changes], lang)
        return texts[f"step.debts[].enforcement.group.{who}"].format(
            kinds=kinds, after=choice_label(str(first.after), lang)
        )
    choice = texts.get(f"step.{step.fact}.{who}")
    if choice is not None:
        return choice.format(
            before=_label(first.before, lang),
            after=_label(first.after, lang),
            kind=_kind_of(expl, first.path),
        )
    return f"{fact_label(first.path, lang)}{colon(lang)}{_label(first.before, lang)} → {_label(first.after, lang)}"


def _label(value: object, lang: str) -> str:
    if isinstance(value, str):
        return choice_label(value, lang)
    return str(value)


def clauses(cf: Counterfactual, expl: Explanation, client: bool = False) -> str:
    """All steps of a counterfactual joined: ``… en …``."""
    return join_words([step_clause(s, expl, client) for s in cf.steps], expl.lang)


def form_title(expl: Explanation, form: str) -> str:
    for f in expl.forms:
        if f.id == form:
            return f.title
    return form


def outcome_title(expl: Explanation, outcome: str) -> str:
    if outcome == expl.recommendation:
        return expl.recommendation_title
    if any(f.id == outcome for f in expl.forms):
        return form_title(expl, outcome)
    return ui(f"outcome.{outcome}", expl.lang) if outcome in ("none", "undetermined") else outcome


def missing_fact_lines(mf: MissingFact, expl: Explanation) -> tuple[str, list[str]]:
    """A headline for a missing fact and one line per group of values with the same outcome."""
    lang = expl.lang
    if mf.must_supply or not mf.scenarios:
        return text("mf.must_supply", lang, fact=mf.title), []
    if mf.changes_nothing:
        return text("mf.changes_nothing", lang, fact=mf.title, rec_lower=lower_first(expl.recommendation_title)), []
    groups: list[tuple[str, list[str], list[str]]] = []
    for s in mf.scenarios:
        key = (s.recommendation, s.missing_facts)
        for group in groups:
            if (group[0], group[2]) == key:
                group[1].append(s.text)
                break
        else:
            groups.append((s.recommendation, [s.text], list(s.missing_facts)))
    lines = []
    for rec, values, still in groups:
        shown = join_words(values, lang, "or")
        if rec == "undetermined":
            facts = fact_list([f for f in still if f != mf.path] or still, lang)
            lines.append(text("mf.scenario_open", lang, values=shown, facts=facts))
        else:
            lines.append(text("mf.scenario", lang, values=shown, rec_lower=lower_first(outcome_title(expl, rec))))
    head = text("mf.decides" if mf.settles else "mf.partly", lang, fact=mf.title)
    return head, lines


def fact_list(paths: list[str], lang: str) -> str:
    return ", ".join(dict.fromkeys(fact_label(p, lang) for p in paths))


def status_word(kind: str, status: str, lang: str) -> str:
    return text(f"{kind}.{status}", lang)
