"""The committee's view: an anonymised social report for the Bijzonder Comité voor de Sociale Dienst.

In the spirit of Vilvoorde's anonymous reports (seed 002): the household and finances by kind and
amount, the test against the principles and forms, the recommendation with its reasons, the
missing facts and the proposed actions. No names, no municipality, no creditors (debts by kind),
no free text about the person: the report is built only from :func:`anonymised` data.
"""

from __future__ import annotations

import calendar
from datetime import date

from aidrules.explain.blocks import (
    MARK,
    comparison_items,
    condition_item,
    missing_items,
    money_and_signals,
    values_table,
)
from aidrules.explain.model import ActionView, ConditionView, Explanation
from aidrules.facts.paths import free_text_patterns, pattern
from aidrules.text.explain import colon, lower_first, text
from aidrules.words import formatting
from aidrules.words.document import Block, Bullets, Document, Inline, Item, Span, inline


def anonymised(expl: Explanation) -> Explanation:
    """``expl`` without anything free-text: the trace, and messages or values that show free text."""
    free = free_text_patterns()

    def clean_condition(c: ConditionView) -> ConditionView:
        values = [v for v in c.values if not (v.kind == "fact" and pattern(v.name) in free)]
        if not c.free_text:
            return c.model_copy(update={"values": values})
        outcome = {True: "outcome.true", False: "outcome.false", None: "outcome.unknown"}[c.outcome]
        message = f"{c.title}{colon(expl.lang)}{text(outcome, expl.lang)}"
        return c.model_copy(update={"values": values, "message": message})

    def clean_action(a: ActionView) -> ActionView:
        values = [v for v in a.values if not (v.kind == "fact" and pattern(v.name) in free)]
        return a.model_copy(update={"values": values, "message": a.title if a.free_text else a.message})

    return expl.model_copy(
        update={
            "conditions": {cid: clean_condition(c) for cid, c in expl.conditions.items()},
            "actions": [clean_action(a) for a in expl.actions],
            "trace": [],
        }
    )


def committee_document(expl: Explanation) -> Document:
    """The social report: the proposal and its grounds first, the worker's assessment and the
    client's view to fill in, then the situation (unknown facts shown as unknown) and the tests."""
    expl = anonymised(expl)
    lang = expl.lang
    doc = Document(text("committee.title", lang), lang)
    doc.heading(1, doc.title)
    doc.para(
        text(
            "committee.for",
            lang,
            day=formatting.day(expl.on, lang),
            title=expl.ruleset.title,
            version=expl.ruleset.version,
        )
    )
    doc.para(text("committee.anonymous", lang))

    doc.heading(2, text("h.proposal", lang))
    doc.para(Span(text("proposal", lang, title=expl.recommendation_title), "strong"))
    doc.para(expl.because)
    review = _review(expl)
    if review:
        doc.para(review)
    if expl.missing:
        facts = ", ".join(dict.fromkeys(m.title for m in expl.missing))
        doc.para(text("committee.unknown_facts", lang, facts=facts))
    doc.heading(3, text("h.grounds", lang))
    doc.bullets(_grounds(expl))

    doc.heading(2, text("h.worker_assessment", lang))
    doc.para(text("committee.blank", lang))
    doc.para("…" * 40)
    doc.heading(2, text("h.client_view", lang))
    doc.para(text("committee.blank", lang))
    doc.para("…" * 40)

    doc.heading(2, text("h.motivation", lang))
    doc.bullets(comparison_items(expl, detail=False, anonymous=True))
    if expl.missing:
        doc.heading(2, text("h.missing", lang))
        doc.bullets(missing_items(expl, detail=False))

    doc.heading(2, text("h.situation", lang))
    doc.heading(3, text("h.household", lang))
    values_table(doc, expl.case.household, lang)
    if expl.case.client:
        doc.heading(3, text("h.client", lang))
        values_table(doc, expl.case.client, lang)
    money_and_signals(doc, expl, lang)
    key = [v for v in expl.values if v.name in expl.key_values]
    if key:
        doc.heading(3, text("h.key_values", lang))
        values_table(doc, key, lang)

    doc.heading(2, text("h.principles", lang))
    doc.bullets(
        [
            Item(
                inline(f"{p.title}{colon(lang)}{text('principle.' + p.status, lang)}"),
                _children(
                    [
                        condition_item(expl.conditions[c], lang, False, True)
                        for c in p.conditions
                        if expl.conditions[c].outcome is not True
                    ]
                ),
            )
            for p in expl.principles
        ]
    )
    doc.heading(2, text("h.forms", lang))
    doc.bullets(
        [
            Item(
                inline(f"{MARK[_form_mark(f.status)]} {f.title}{colon(lang)}{text('form.' + f.status, lang)}"),
            )
            for f in expl.forms
        ]
    )
    if expl.actions:
        doc.heading(2, text("h.actions", lang))
        doc.bullets(
            [inline(f"{a.title} ({text('action.' + a.status, lang)}){colon(lang)}{a.message}") for a in expl.actions]
        )

    doc.heading(2, text("h.decide", lang))
    if expl.recommendation == "undetermined":
        doc.para(text("committee.decide_undetermined", lang))
    elif expl.recommendation == "none":
        doc.para(text("committee.decide_none", lang))
    else:
        doc.para(text("committee.decide", lang, rec_lower=lower_first(expl.recommendation_title)))
        if expl.recommendation == "budget_management":
            doc.para(text("committee.phase_out", lang))
    return doc


def _grounds(expl: Explanation) -> list[Inline]:
    """The rules that decided the proposal, each with its message and legal or policy source."""
    lang = expl.lang
    out: list[Inline] = []
    form = next((f for f in expl.forms if f.id == expl.recommendation), None)
    if form is not None:
        out.append(inline(text("committee.form_source", lang, title=form.title, source=form.source)))
    for cid in expl.decisive:
        c = expl.conditions[cid]
        if c.source:
            out.append(inline(text("committee.ground", lang, title=c.title, message=c.message, source=c.source)))
        else:
            out.append(inline(f"{c.title}{colon(lang)}{c.message}"))
    for p in expl.principles:
        if p.status != "satisfied":
            out.append(inline(text("committee.form_source", lang, title=p.title, source=p.source)))
    return list(dict.fromkeys(out))


def _review(expl: Explanation) -> str | None:
    """For budget management: the date of the next review (the rule set's review interval)."""
    if expl.recommendation != "budget_management":
        return None
    interval = next((p for p in expl.parameters if p.name == "review_interval_months"), None)
    if interval is None or not isinstance(interval.value, int) or isinstance(interval.value, bool):
        return None
    day = months_after(expl.on, interval.value)
    return text(
        "committee.review",
        expl.lang,
        day=formatting.day(day, expl.lang),
        months=str(interval.value),
        source=interval.source or "",
    )


def months_after(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the last day of a shorter month when needed)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _children(items: list[Item]) -> tuple[Block, ...]:
    return (Bullets(tuple(items)),) if items else ()


def _form_mark(status: str) -> bool | None:
    return {"eligible": True, "ineligible": False}.get(status)
