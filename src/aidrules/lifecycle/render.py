"""Rendering a review decision for people: plain text, Markdown and HTML, in nl/fr/en, written
through the one document model (:mod:`aidrules.words.document`)."""

from __future__ import annotations

from datetime import date

from aidrules.lifecycle.decision import ReviewDecision, ReviewReason
from aidrules.lifecycle.texts import text
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.words import formatting
from aidrules.words.document import Document, Item, Span, inline, render

_MARK = {True: "✔", False: "✘", None: "?"}


def _form(rs: CompiledRuleSet, form: str | None, lang: str) -> str:
    if form is None:
        return text("none", lang)
    for spec in rs.forms:
        if spec.id == form:
            return spec.title.get(lang)
    return form


def _day(value: date | None, lang: str) -> str:
    return formatting.day(value, lang) if value is not None else text("unknown", lang)


def render_review(review: ReviewDecision, rs: CompiledRuleSet, fmt: str = "text", full: bool = False) -> str:
    """Render ``review`` as ``text``, ``markdown`` or ``html``; ``full`` adds every reason, its values and source."""
    return render(review_document(review, rs, full), fmt)


def review_document(review: ReviewDecision, rs: CompiledRuleSet, full: bool = False) -> Document:
    """The review as a compact :class:`Document` (the same model as every other view)."""
    lang = review.lang
    title = f"{text('review', lang)} — {rs.meta.title.get(lang)}"
    # French review texts were never typeset; kept so that review output stays as it was
    doc = Document(title, lang, layout="compact", typeset=False)

    def reason_item(r: ReviewReason) -> Item:
        parts: list[str | Span] = [f"{_MARK[r.outcome]} {r.message}"]
        if full:
            extra = [", ".join(f"{k} = {v}" for k, v in r.values.items())] if r.values else []
            if r.source:
                extra.append(f"{text('source', lang)}: {r.source}")
            parts += [" ", Span(r.rule, "ref"), f" ({'; '.join(extra)})" if extra else ""]
        return Item(inline(*parts))

    doc.heading(1, title)
    outcome = text(f"outcome.{review.outcome}", lang)
    if review.stop_reason is not None and rs.reviews is not None:
        stop = rs.reviews.stop_reason(review.stop_reason)
        outcome += f" ({stop.title.get(lang) if stop else review.stop_reason})"
    doc.para(f"{text('review_outcome', lang)}: ", Span(outcome, "strong"))
    doc.para(review.reasons[0].message)
    doc.para(f"{text('review_date', lang)}: {formatting.day(review.on, lang)}")
    if review.outcome != "undetermined":
        doc.para(f"{text('new_form', lang)}: {_form(rs, review.new_form, lang)}")
    overdue = {True: text("yes", lang), False: text("no", lang), None: text("unknown", lang)}[review.overdue]
    due = f"{text('due_by', lang)} {_day(review.review_due_on, lang)}"
    doc.para(f"{text('overdue', lang)}: {overdue} ({due})")
    if review.next_review_on is not None:
        doc.para(f"{text('next_review_on', lang)}: {formatting.day(review.next_review_on, lang)}")

    if review.values:
        doc.heading(2, text("key_values", lang))
        items = []
        for name, value in review.values.items():
            named = rs.reviews.named(name) if rs.reviews else None
            shown = text("unknown", lang) if value is None else str(value)
            items.append(inline(f"{named.title.get(lang) if named else name}: {shown}"))
        doc.bullets(items)

    doc.heading(2, text("reasons", lang))
    doc.bullets([reason_item(r) for r in review.reasons[1:] if full or r.outcome is not False])

    if review.missing_facts:
        doc.heading(2, text("missing_facts", lang))
        doc.bullets([inline(Span(fact, "code")) for fact in review.missing_facts])

    doc.heading(2, text("ruleset", lang))
    doc.para(f"{rs.meta.title.get(lang)} — {review.ruleset.id} {review.ruleset.version}")
    doc.para(review.ruleset.fingerprint)
    return doc
