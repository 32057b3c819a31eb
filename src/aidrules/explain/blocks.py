"""Document pieces shared by the worker's and the committee's views."""

from __future__ import annotations

from aidrules.explain.model import Comparison, ConditionView, Explanation, Line, ValueView
from aidrules.explain.phrases import (
    clauses,
    fact_list,
    form_title,
    missing_fact_lines,
    outcome_title,
)
from aidrules.text.explain import colon, lower_first, text, upper_first
from aidrules.words import formatting
from aidrules.words.document import Bullets, Document, Inline, Item, Span, inline

MARK = {True: "✔", False: "✘", None: "?"}


def value_inline(v: ValueView, lang: str, detail: bool) -> Inline:
    """``Minimale motivatie (score 0-4) `minimum_motivation` = 2 (geldig vanaf …; bron: …)``."""
    parts: list[str | Span] = [upper_first(v.title)]
    if detail and v.kind != "fact":  # a fact is named in words only: its path stays in the JSON
        parts += [" (", Span(v.name, "code"), ")"]
    parts.append(f" = {v.text}")
    extra = []
    if detail and v.valid_from is not None:
        extra.append(text("valid_from", lang, day=formatting.day(v.valid_from, lang)))
    if detail and v.source:
        extra.append(f"{text('source', lang)}{colon(lang)}{v.source}")
    if extra:
        parts.append(f" ({'; '.join(extra)})")
    return inline(*parts)


def condition_item(c: ConditionView, lang: str, detail: bool, anonymous: bool = False) -> Item:
    """A condition with its outcome; ``detail`` adds the rule, the values and the source."""
    if anonymous and c.free_text:
        outcome = {True: "outcome.true", False: "outcome.false", None: "outcome.unknown"}[c.outcome]
        return Item(inline(f"{MARK[c.outcome]} {c.title}{colon(lang)}{text(outcome, lang)}"))
    if not detail:
        return Item(inline(f"{MARK[c.outcome]} {c.message}"))
    # the rule in words (its message) and its values; the expression itself stays in the JSON
    children = [Item(value_inline(v, lang, True)) for v in c.values]
    if c.source:
        children.append(Item(inline(f"{text('source', lang)}{colon(lang)}{c.source}")))
    return Item(inline(f"{MARK[c.outcome]} {c.message} ", Span(c.id, "ref")), (Bullets(tuple(children)),))


def comparison_items(expl: Explanation, detail: bool, anonymous: bool = False) -> list[Item]:
    """The recommendation against every other form, with verified counterfactuals."""
    lang = expl.lang
    order = " → ".join(lower_first(outcome_title(expl, o)) for o in expl.rule_order)
    items: list[Item] = []
    for cmp in expl.comparisons:
        form = form_title(expl, cmp.form)
        head = _comparison_head(expl, cmp, form, order)
        children: list[Item] = []
        if cmp.status != "eligible":
            children += [condition_item(expl.conditions[c], lang, detail, anonymous) for c in cmp.blocking]
        for cf_id in cmp.counterfactuals:
            cf = next(c for c in expl.counterfactuals if c.id == cf_id)
            if cf.goal == "recommendation" and cmp.status == "eligible":
                children.append(
                    Item(
                        inline(
                            text(
                                "why.would_be_recommended",
                                lang,
                                form=form,
                                form_lower=lower_first(form),
                                clauses=clauses(cf, expl),
                            )
                        )
                    )
                )
            elif cf.goal == "form_eligible":
                then = ""
                if cf.recommendation != expl.recommendation:
                    then = text("why.then", lang, rec_lower=lower_first(outcome_title(expl, cf.recommendation)))
                children.append(
                    Item(
                        inline(
                            text(
                                "why.would_have_been",
                                lang,
                                form=form,
                                form_lower=lower_first(form),
                                clauses=clauses(cf, expl),
                                then=then,
                            )
                        )
                    )
                )
        if cmp.status == "ineligible" and not cmp.counterfactuals and expl.search_complete:
            children.append(Item(inline(text("why.nothing_found", lang, form_lower=lower_first(form)))))
        items.append(Item(inline(head), (Bullets(tuple(children)),) if children else ()))
    return items


def _comparison_head(expl: Explanation, cmp: Comparison, form: str, order: str) -> str:
    lang = expl.lang
    if cmp.status == "undetermined":
        return text("why.undetermined", lang, form_lower=lower_first(form), facts=fact_list(cmp.missing_facts, lang))
    if cmp.status == "eligible":
        if expl.recommendation in ("undetermined", "none"):
            return text("why.possible", lang, form=form, form_lower=lower_first(form))
        return text("why.also_possible", lang, form=form, form_lower=lower_first(form), order=order)
    if cmp.preferred:
        return text(
            "why.preferred_blocked", lang, rec=expl.recommendation_title, form=form, form_lower=lower_first(form)
        )
    return text("why.not_possible", lang, form=form, form_lower=lower_first(form))


def missing_items(expl: Explanation, detail: bool) -> list[Item]:
    items = []
    for mf in expl.missing:
        head, lines = missing_fact_lines(mf, expl)
        content = inline(head)
        items.append(Item(content, (Bullets(tuple(Item(inline(line)) for line in lines)),) if lines else ()))
    return items


def lines_table(doc: Document, lines: list[Line] | None, lang: str, note_header: str) -> None:
    """A table of incomes, fixed costs or debts by kind, with a total."""
    if lines is None:
        doc.para(text("unknown_list", lang))
        return
    if not lines:
        doc.para(text("none_listed", lang))
        return
    rows = [(line.kind_text, line.amount_text, line.note or "") for line in lines]
    amounts = [line.amount for line in lines]
    if all(a is not None for a in amounts):
        total = sum(a for a in amounts if a is not None)
        rows.append((text("total", lang), formatting.money(total, lang), ""))
    has_notes = any(line.note for line in lines)
    header = (text("col.kind", lang), text("col.amount", lang))
    if has_notes:
        doc.table((*header, note_header), rows, ("l", "r", "l"))
    else:
        doc.table(header, [r[:2] for r in rows], ("l", "r"))


def money_and_signals(doc: Document, expl: Explanation, lang: str) -> None:
    """The case's incomes, fixed costs and debts as tables, then its urgent signals if any."""
    for heading, lines in (
        ("h.incomes", expl.case.incomes),
        ("h.expenses", expl.case.expenses),
        ("h.debts", expl.case.debts),
    ):
        doc.heading(3, text(heading, lang))
        lines_table(doc, lines, lang, text("col.note", lang))
    if expl.case.signals:
        doc.heading(3, text("h.signals", lang))
        values_table(doc, expl.case.signals, lang)


def values_table(doc: Document, values: list[ValueView], lang: str) -> None:
    doc.table((text("col.item", lang), text("col.value", lang)), [(upper_first(v.title), v.text) for v in values])
