"""Rendering a decision for people: plain text (terminal), Markdown and HTML, in nl/fr/en.

The same structured reasons give a short view (``evaluate``) and the full reasoning for a social
worker (``explain``: every rule with its values and source, the parameters and the rule set),
both written as one compact :class:`~aidrules.words.document.Document`.
"""

from __future__ import annotations

from decimal import Decimal

from aidrules.engine.decision import Decision, Reason
from aidrules.expr import types as t
from aidrules.facts.catalogue import entry
from aidrules.facts.paths import pattern
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.text.explain import upper_first
from aidrules.text.interface import colon, ui
from aidrules.words import formatting
from aidrules.words.document import Bullets, Document, Item, Paragraph, Span, inline
from aidrules.words.document import render as render_document
from aidrules.words.labels import fact_label

_MARK = {True: "✔", False: "✘", None: "?"}


def outcome_title(rs: CompiledRuleSet, outcome: str, lang: str) -> str:
    """The reader's name of a recommendation (``Budgetbeheer``, ``geen budgethulp``)."""
    for form in rs.forms:
        if form.id == outcome:
            return form.title.get(lang)
    if outcome in ("none", "undetermined"):
        return ui(f"outcome.{outcome}", lang)
    return outcome


def _value_text(rs: CompiledRuleSet, name: str, value: object, lang: str) -> str:
    typ: t.Type = t.TEXT
    item = rs.named(name)
    if item is not None:
        if value is None:  # a computed value of None depends on a missing fact: unknown, not "none"
            return ui("unknown_value", lang)
        typ = item.type
    elif isinstance(value, Decimal):
        typ = t.NUMBER
    return formatting.value(value, typ, lang)


def render(decision: Decision, rs: CompiledRuleSet, fmt: str = "text", full: bool = False) -> str:
    """Render ``decision`` as ``text``, ``markdown`` or ``html``; ``full`` adds every reason and value."""
    return render_document(decision_document(decision, rs, full), fmt)


def decision_document(decision: Decision, rs: CompiledRuleSet, full: bool = False) -> Document:
    """The decision as a compact :class:`Document`: the proposal, its key figures, principles,
    forms, actions, missing facts (``full``: every reason with its values and source, and every
    value) and the rule set."""
    lang = decision.lang
    title = f"{ui('proposal_heading', lang)} — {rs.meta.title.get(lang)}"
    doc = Document(title, lang, layout="compact")

    def reason_item(r: Reason) -> Item:
        parts: list[str | Span] = [f"{_MARK[r.outcome]} {r.message}"]
        if full:
            extra = []
            if r.values:
                extra.append(", ".join(f"{k} = {_value_text(rs, k, v, lang)}" for k, v in r.values.items()))
            if r.source:
                extra.append(f"{ui('source', lang)}{colon(lang)}{r.source}")
            parts += [" ", Span(r.rule, "ref"), f" ({'; '.join(extra)})" if extra else ""]
        return Item(inline(*parts))

    def with_reasons(text: str, reasons: list[Reason]) -> Item:
        shown = [reason_item(r) for r in reasons if full or r.outcome is not True]
        return Item(inline(text), (Bullets(tuple(shown)),) if shown else ())

    # no committee has decided anything yet: what this prints is a proposal to the committee
    doc.heading(1, title)
    rec = outcome_title(rs, decision.recommendation, lang)
    doc.para(f"{ui('recommendation', lang)}{colon(lang)}", Span(rec, "strong"))
    doc.para(decision.reasons[0].message)
    doc.para(f"{ui('decision_date', lang)}{colon(lang)}{formatting.day(decision.on, lang)}")

    key = [item for item in rs.plan if item.summary and item.id in decision.values]
    if key and not full:
        doc.heading(2, ui("key_values", lang))
        doc.bullets(
            [
                inline(f"{item.title.get(lang)}{colon(lang)}{_value_text(rs, item.id, decision.values[item.id], lang)}")
                for item in key
            ]
        )

    groups = (("principles", decision.principles, rs.principles), ("forms", decision.forms, rs.forms))
    for heading, results, specs in groups:
        titles = {spec.id: spec.title for spec in specs}
        doc.heading(2, ui(heading, lang))
        doc.bullets(
            [
                with_reasons(
                    f"{titles[rid].get(lang)}{colon(lang)}{ui('status.' + result.status, lang)}", result.reasons[1:]
                )
                for rid, result in results.items()
            ]
        )

    if decision.actions:
        doc.heading(2, ui("actions", lang))
        items = []
        for action in decision.actions:
            aspec = next(a for a in rs.actions if a.id == action.id)
            status = ui("status." + action.status, lang)
            notes = tuple(Paragraph(inline(r.message)) for r in action.reasons)
            items.append(Item(inline(f"{aspec.title.get(lang)} ({status})"), notes))
        doc.bullets(items)

    if decision.missing_facts:
        doc.heading(2, ui("missing_facts", lang))
        items = []
        for fact in decision.missing_facts:  # the reader's words; the paths stay in the JSON
            info = entry(pattern(fact))
            question = info.question.get(lang) if info and info.question else None
            label = upper_first(fact_label(fact, lang))
            items.append(Item(inline(f"{label} — {question}" if question else label)))
        doc.bullets(items)

    if full:
        doc.heading(2, ui("values", lang))
        items = []
        for name, value in decision.values.items():
            named = rs.named(name)
            title = named.title.get(lang) if named else name
            items.append(Item(inline(f"{title} ({name}): {_value_text(rs, name, value, lang)}")))
        doc.bullets(items)

    doc.heading(2, ui("ruleset", lang))
    doc.para(f"{rs.meta.title.get(lang)} — {decision.ruleset.id} {decision.ruleset.version}")
    doc.para(decision.ruleset.fingerprint)
    return doc
