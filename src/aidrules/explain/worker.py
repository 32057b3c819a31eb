"""The worker's view: the full reasoning a social worker can defend before the committee.

Rule ids, the values each rule used, thresholds with their legal or policy source and the date they
are in force from, the comparison between forms, verified counterfactuals, what each missing fact
would decide, the computed amounts, the rule set (version, fingerprint, approval) and the trace.
"""

from __future__ import annotations

from aidrules.explain.blocks import (
    comparison_items,
    condition_item,
    missing_items,
    money_and_signals,
    value_inline,
    values_table,
)
from aidrules.explain.model import Explanation, TraceLine
from aidrules.text.explain import colon, join_words, lower_first, quoted, text
from aidrules.text.interface import ui
from aidrules.words import formatting
from aidrules.words.document import Bullets, Document, Item, Span, inline
from aidrules.words.labels import facts_text


def worker_document(expl: Explanation) -> Document:
    lang = expl.lang
    doc = Document(text("worker.title", lang, ruleset=expl.ruleset.title), lang)
    doc.heading(1, doc.title)
    doc.para(Span(text("proposal", lang, title=expl.recommendation_title), "strong"))
    doc.para(expl.because)
    doc.para(text("decision_date", lang, day=formatting.day(expl.on, lang)))
    doc.para(
        text(
            "ruleset_line",
            lang,
            id=expl.ruleset.id,
            version=expl.ruleset.version,
            fingerprint=expl.ruleset.fingerprint,
        )
    )

    rec = next((f for f in expl.forms if f.id == expl.recommendation), None)
    if rec is not None:
        doc.heading(2, text("h.why", lang))
        doc.para(text("why.form", lang, form=rec.title, form_lower=lower_first(rec.title)))
        doc.bullets([condition_item(expl.conditions[c], lang, True) for c in rec.conditions])
        needed = [p for p in expl.principles if p.id in rec.principles]
        if needed and all(p.status == "satisfied" for p in needed):  # as it is eligible, they are
            titles = join_words([quoted(lower_first(p.title), lang) for p in needed], lang)
            doc.para(text("principles_met", lang, form_lower=lower_first(rec.title), titles=titles))
        doc.heading(2, text("h.comparison", lang))
    elif expl.recommendation == "undetermined":
        doc.heading(2, text("h.why_undetermined", lang))
    else:
        doc.heading(2, text("h.why_none", lang))
    doc.bullets(comparison_items(expl, detail=True))
    if expl.counterfactuals or any(f.status == "ineligible" for f in expl.forms):
        doc.para(text("cf.intro", lang))
    if not expl.search_complete:
        doc.para(text("search_incomplete", lang))

    if expl.missing:
        doc.heading(2, text("h.missing", lang))
        doc.para(text("mf.intro", lang))
        doc.bullets(missing_items(expl, detail=True))

    if expl.actions:
        doc.heading(2, text("h.actions", lang))
        doc.bullets(
            [
                Item(
                    inline(
                        f"{a.title} ({text('action.' + a.status, lang)}){colon(lang)}{a.message} ",
                        Span(f"actions.{a.id}", "ref"),
                    ),
                    (
                        Bullets(
                            tuple(
                                [Item(value_inline(v, lang, True)) for v in a.values]
                                + [Item(inline(f"{text('source', lang)}{colon(lang)}{a.source}"))]
                            )
                        ),
                    ),
                )
                for a in expl.actions
            ]
        )

    doc.heading(2, text("h.principles", lang))
    doc.bullets(
        [
            Item(
                inline(
                    f"{p.title}{colon(lang)}{text('principle.' + p.status, lang)} ", Span(f"principles.{p.id}", "ref")
                ),
                (Bullets(tuple(condition_item(expl.conditions[c], lang, True) for c in p.conditions)),),
            )
            for p in expl.principles
        ]
    )

    # a condition explained in full above (why, comparison, principles) is one line here: the
    # worker reads each reason once, with its values and source
    detailed = set(rec.conditions) if rec is not None else set()
    detailed |= {c for cmp in expl.comparisons if cmp.status != "eligible" for c in cmp.blocking}
    detailed |= {c for p in expl.principles for c in p.conditions}
    doc.heading(2, text("h.forms", lang))
    for form in expl.forms:
        doc.heading(3, f"{form.title}{colon(lang)}{text('form.' + form.status, lang)}")
        doc.para(form.description)
        items = [
            Item(inline(f"{p.title}{colon(lang)}{text('principle.' + p.status, lang)}"))
            for p in expl.principles
            if p.id in form.principles
        ]
        items += [condition_item(expl.conditions[c], lang, c not in detailed) for c in form.conditions]
        doc.bullets(items)
        doc.para(f"{text('source', lang)}{colon(lang)}{form.source}")

    doc.heading(2, text("h.situation", lang))
    doc.heading(3, text("h.household", lang))
    values_table(doc, expl.case.household + expl.case.client, lang)
    money_and_signals(doc, expl, lang)

    doc.heading(2, text("h.values", lang))
    doc.table(
        (text("col.name", lang), text("col.value", lang), text("col.id", lang)),
        [(v.title, v.text, v.name) for v in expl.values],
        ("l", "r", "l"),
    )
    doc.heading(2, text("h.parameters", lang))
    doc.table(
        (text("col.name", lang), text("col.value", lang), text("col.valid_from", lang), text("col.source", lang)),
        [
            (
                f"{v.title} ({v.name})",
                v.text,
                formatting.day(v.valid_from, lang) if v.valid_from else "",
                v.source or "",
            )
            for v in expl.parameters
        ],
        ("l", "r", "l", "l"),
    )

    doc.heading(2, text("h.ruleset", lang))
    rs = expl.ruleset
    until = text("rs.until", lang, day=formatting.day(rs.effective_until, lang)) if rs.effective_until else ""
    facts = [
        f"{rs.title}",
        text("rs.id", lang, id=rs.id, version=rs.version),
        text("rs.fingerprint", lang, fingerprint=rs.fingerprint),
        text("rs.effective", lang, start=formatting.day(rs.effective_from, lang), until=until),
    ]
    if rs.approved_by and rs.approved_on and rs.approval_reference:
        facts.append(
            text(
                "rs.approval",
                lang,
                by=rs.approved_by,
                day=formatting.day(rs.approved_on, lang),
                reference=rs.approval_reference,
            )
        )
    doc.bullets([inline(f) for f in facts])
    doc.para(text("evaluations", lang, n=str(expl.evaluations)))

    if expl.trace:
        doc.heading(2, text("h.trace", lang))
        doc.bullets([_trace_item(line, lang) for line in expl.trace])
    return doc


def _trace_item(line: TraceLine, lang: str) -> Item:
    parts: list[str | Span] = [
        f"{text('trace.' + line.kind, lang)} ",
        Span(line.id, "ref"),
        f"{colon(lang)}{line.outcome}",
    ]
    extra = []
    if line.valid_from is not None:
        extra.append(text("valid_from", lang, day=formatting.day(line.valid_from, lang)))
    if line.missing_facts:
        extra.append(f"{ui('missing_facts', lang).lower()}{colon(lang)}{facts_text(line.missing_facts, lang)}")
    if extra:
        parts.append(f" ({'; '.join(extra)})")
    return Item(inline(*parts))
