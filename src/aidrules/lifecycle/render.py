"""Rendering a review decision for people: plain text and Markdown, in nl/fr/en."""

from __future__ import annotations

from datetime import date

from aidrules.lifecycle.decision import ReviewDecision, ReviewReason
from aidrules.lifecycle.texts import text
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.words import formatting

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
    """Render ``review`` as ``text`` or ``markdown``; ``full`` adds every reason with its values and source."""
    lang = review.lang
    md = fmt == "markdown"
    lines: list[str] = []

    def heading(title: str, level: int = 2) -> None:
        if md:
            lines.extend(["", "#" * level + " " + title, ""])
        else:
            underline = "=" if level == 1 else "-"
            lines.extend(["", title.upper() if level == 1 else title, underline * len(title)])

    def bullet(line: str) -> None:
        lines.append(("- " if md else "• ") + line)

    def reason_line(r: ReviewReason) -> None:
        line = f"{_MARK[r.outcome]} {r.message}"
        if full:
            extra = [", ".join(f"{k} = {v}" for k, v in r.values.items())] if r.values else []
            if r.source:
                extra.append(f"{text('source', lang)}: {r.source}")
            label = f"`{r.rule}`" if md else f"[{r.rule}]"
            line += f" {label}" + (f" ({'; '.join(extra)})" if extra else "")
        bullet(line)

    heading(f"{text('review', lang)} — {rs.meta.title.get(lang)}", 1)
    lines.append("")
    outcome = text(f"outcome.{review.outcome}", lang)
    if review.stop_reason is not None and rs.reviews is not None:
        stop = rs.reviews.stop_reason(review.stop_reason)
        outcome += f" ({stop.title.get(lang) if stop else review.stop_reason})"
    lines.append(f"{text('review_outcome', lang)}: {'**' + outcome + '**' if md else outcome}")
    lines.append(review.reasons[0].message)
    lines.append(f"{text('review_date', lang)}: {formatting.day(review.on, lang)}")
    if review.outcome != "undetermined":
        lines.append(f"{text('new_form', lang)}: {_form(rs, review.new_form, lang)}")
    overdue = {True: text("yes", lang), False: text("no", lang), None: text("unknown", lang)}[review.overdue]
    due = f"{text('due_by', lang)} {_day(review.review_due_on, lang)}"
    lines.append(f"{text('overdue', lang)}: {overdue} ({due})")
    if review.next_review_on is not None:
        lines.append(f"{text('next_review_on', lang)}: {formatting.day(review.next_review_on, lang)}")

    if review.values:
        heading(text("key_values", lang))
        for name, value in review.values.items():
            named = rs.reviews.named(name) if rs.reviews else None
            title = named.title.get(lang) if named else name
            shown = text("unknown", lang) if value is None else str(value)
            bullet(f"{title}: {shown}")

    heading(text("reasons", lang))
    for r in review.reasons[1:]:
        if full or r.outcome is not False:
            reason_line(r)

    if review.missing_facts:
        heading(text("missing_facts", lang))
        for fact in review.missing_facts:
            bullet(f"`{fact}`" if md else fact)

    heading(text("ruleset", lang))
    lines.append(f"{rs.meta.title.get(lang)} — {review.ruleset.id} {review.ruleset.version}")
    lines.append(review.ruleset.fingerprint)
    return "\n".join(lines).strip() + "\n"
