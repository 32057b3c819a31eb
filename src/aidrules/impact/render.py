"""An impact study as Markdown or as one self-contained HTML page (inline SVG charts, no scripts),
in Dutch, French or English, written through the one document model
(:mod:`aidrules.words.document`). The charts are the yearly report's (:mod:`aidrules.report.svg`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aidrules.expr import types as t
from aidrules.impact.study import DEBT_BANDS, DIMENSIONS, INCOME_BANDS, Example, ImpactReport
from aidrules.report.sections import Chart
from aidrules.report.svg import render_chart
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.text import domain
from aidrules.text.interface import value_label
from aidrules.words import formatting
from aidrules.words.document import Block, Document, Figure, Heading, Paragraph, Section, inline, render_html
from aidrules.words.document import Table as TableBlock
from aidrules.words.document import render_markdown as render_document_markdown

#: The impact page's words: the gettext domain ``impact`` (msgid the key given to :func:`tr`).
_TEXTS = domain("impact")


def tr(key: str, lang: str, **values: Any) -> str:
    return _TEXTS[lang][key].format(**values)


def outcome_label(code: str, lang: str) -> str:
    return tr("unknown", lang) if code == "unknown" else value_label(code, lang)


def parameter_value(value: Any, typ: t.Type | None, lang: str) -> str:
    """A parameter's value for a reader: amounts in Belgian notation, tables as ``category: amount``."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        item = typ.value if isinstance(typ, t.Table) else None
        return "; ".join(f"{value_label(str(k), lang)}: {parameter_value(v, item, lang)}" for k, v in value.items())
    if typ is None:
        typ = t.Number(money=False) if isinstance(value, Decimal | int) and not isinstance(value, bool) else t.Text()
    return formatting.value(value, typ, lang)


def _percent(part: int, whole: int, lang: str) -> str:
    share = Decimal(part * 100) / whole if whole else Decimal(0)
    return formatting.number(share.quantize(Decimal("0.1")), lang) + " %"


def group_label(dimension: str, code: str, lang: str) -> str:
    if code == "unknown":
        return tr("unknown", lang)
    if dimension == "category":
        return value_label(code, lang)
    if code == "nodebt":
        return tr("nodebt", lang)
    bounds = INCOME_BANDS if dimension == "income" else DEBT_BANDS
    index = int(code.removeprefix("band"))
    low = formatting.money(bounds[index].quantize(Decimal(1)), lang)
    if index + 1 < len(bounds):
        high = formatting.money(bounds[index + 1] - Decimal("0.01"), lang)
        if index == 0:
            return tr("below", lang, amount=formatting.money(bounds[1], lang))
        return tr("from_to", lang, low=low, high=high)
    return tr("from", lang, amount=low)


def _group_order(dimension: str, codes: list[str]) -> list[str]:
    if dimension == "category":
        known = ["single", "cohabiting", "family_dependants"]
        return [c for c in known if c in codes] + sorted(c for c in codes if c not in known)
    return sorted(codes, key=lambda c: (c == "unknown", c != "nodebt", c))


def cause_label(cause: str, report: ImpactReport, lang: str) -> str:
    kind, _, ident = cause.partition(".")
    rs = report.new_rules
    old = report.old_rules
    if kind == "conditions":
        named = (rs.named(ident) if rs is not None else None) or (old.named(ident) if old is not None else None)
        title = named.title.get(lang) if named is not None else ident
        return f"{tr('condition', lang)}: {title}"
    if kind == "parameters":
        for pid, before, after in report.parameter_changes:
            if pid == ident:
                was = parameter_value(before, _ptype(ident, old), lang)
                now = parameter_value(after, _ptype(ident, rs), lang)
                return f"{parameter_title(ident, rs, old, lang)}: {was} → {now}"
    return tr("recommendation_rules", lang)


def _ptype(pid: str, rs: CompiledRuleSet | None) -> t.Type | None:
    spec = rs.parameters.get(pid) if rs is not None else None
    return spec.type if spec is not None else None


def parameter_title(pid: str, rs: CompiledRuleSet | None, old: CompiledRuleSet | None, lang: str) -> str:
    for r in (rs, old):
        spec = r.parameters.get(pid) if r is not None else None
        if spec is not None:
            return spec.title.get(lang)
    return pid


# -- the sections, as tables (header, rows) and charts -----------------------------------------------
Table = tuple[list[str], list[list[str]]]


def _outcomes(report: ImpactReport) -> list[str]:
    order = ["budget_guidance", "budget_management", "collective_debt_settlement", "none", "undetermined"]
    seen = {o for pair in report.matrix for o in pair}
    return [o for o in order if o in seen] + sorted(seen - set(order))


def matrix_table(report: ImpactReport, lang: str) -> Table:
    outcomes = _outcomes(report)
    header = [f"{tr('before', lang)} ↓ / {tr('after', lang)} →", *(outcome_label(o, lang) for o in outcomes)]
    rows = [
        [outcome_label(a, lang), *(formatting.number(report.matrix.get((a, b), 0), lang) for b in outcomes)]
        for a in outcomes
    ]
    return header, rows


def group_table(report: ImpactReport, dimension: str, lang: str) -> Table:
    header = [tr("group", lang), *(tr(k, lang) for k in ("cases", "changed", "more", "less", "other"))]
    groups = report.groups[dimension]
    rows = []
    for code in _group_order(dimension, list(groups)):
        c = groups[code]
        rows.append(
            [
                group_label(dimension, code, lang),
                formatting.number(c["cases"], lang),
                f"{formatting.number(c['changed'], lang)} ({_percent(c['changed'], c['cases'], lang)})",
                formatting.number(c["more"], lang),
                formatting.number(c["less"], lang),
                formatting.number(c["other"], lang),
            ]
        )
    return header, rows


def parameter_table(report: ImpactReport, lang: str) -> Table:
    header = [
        tr("parameter", lang),
        f"{tr('before', lang)} ({report.old_label})",
        f"{tr('after', lang)} ({report.new_label})",
    ]
    rows = [
        [
            parameter_title(pid, report.new_rules, report.old_rules, lang),
            parameter_value(before, _ptype(pid, report.old_rules), lang),
            parameter_value(after, _ptype(pid, report.new_rules), lang),
        ]
        for pid, before, after in report.parameter_changes
    ]
    return header, rows


def cause_table(report: ImpactReport, lang: str) -> Table:
    header = [tr("cause", lang), tr("cause_cases", lang)]
    rows = [
        [cause_label(cause, report, lang), formatting.number(count, lang)]
        for cause, count in sorted(report.causes.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return header, rows


def _money_or_unknown(amount: Decimal | None, lang: str) -> str:
    return tr("unknown", lang) if amount is None else formatting.money(amount, lang)


def example_table(report: ImpactReport, lang: str) -> Table:
    header = [
        tr("line", lang),
        tr("matrix", lang),
        tr("household", lang),
        tr("income_col", lang),
        tr("debt_col", lang),
        tr("motivation", lang),
        tr("cause", lang),
    ]
    rows = []
    for (old, new), examples in sorted(report.examples.items(), key=lambda kv: -report.matrix[kv[0]]):
        for ex in examples:
            rows.append(_example_row(ex, old, new, report, lang))
    return header, rows


def _example_row(ex: Example, old: str, new: str, report: ImpactReport, lang: str) -> list[str]:
    unknown = tr("unknown", lang)
    household = f"{outcome_label(ex.category, lang)}, " + tr(
        "adults_children",
        lang,
        adults=ex.adults if ex.adults is not None else unknown,
        children=ex.children if ex.children is not None else unknown,
    )
    return [
        str(ex.line),
        f"{outcome_label(old, lang)} → {outcome_label(new, lang)}",
        household,
        _money_or_unknown(ex.income, lang),
        _money_or_unknown(ex.debt, lang),
        str(ex.motivation) if ex.motivation is not None else unknown,
        "; ".join(cause_label(c, report, lang) for c in ex.causes if not c.startswith("parameters.")),
    ]


def matrix_chart(report: ImpactReport, lang: str) -> Chart:
    outcomes = _outcomes(report)
    before = [sum(report.matrix.get((o, b), 0) for b in outcomes) for o in outcomes]
    after = [sum(report.matrix.get((a, o), 0) for a in outcomes) for o in outcomes]
    return Chart(
        tr("chart_matrix", lang),
        [outcome_label(o, lang) for o in outcomes],
        [(report.old_label, before), (report.new_label, after)],
    )


def group_chart(report: ImpactReport, dimension: str, lang: str) -> Chart:
    groups = report.groups[dimension]
    codes = _group_order(dimension, list(groups))
    return Chart(
        tr("chart_groups", lang, what=tr(dimension, lang).lower()),
        [group_label(dimension, c, lang) for c in codes],
        [(tr(k, lang), [groups[c][k] for c in codes]) for k in ("more", "less", "other")],
    )


def _intro(report: ImpactReport, lang: str) -> list[str]:
    day = formatting.day
    lines = [
        tr(
            "intro",
            lang,
            old=report.old_label,
            new=report.new_label,
            old_day=day(report.old_day, lang),
            new_day=day(report.new_day, lang),
        )
    ]
    if report.source.startswith("synthetic:"):
        _, size, seed = report.source.split(":")
        lines.append(tr("source_synthetic", lang, size=formatting.number(int(size), lang), seed=seed))
    else:
        lines.append(tr("source_file", lang, source=report.source))
    if report.changed:
        lines.append(
            tr(
                "summary",
                lang,
                changed=formatting.number(report.changed, lang),
                cases=formatting.number(report.cases, lang),
                share=_percent(report.changed, report.cases, lang),
                more=formatting.number(report.gains, lang),
                less=formatting.number(report.losses, lang),
                other=formatting.number(report.changed - report.gains - report.losses, lang),
            )
        )
    else:
        lines.append(tr("none_changed", lang))
    if report.invalid:
        line, message = report.invalid[0]
        lines.append(tr("invalid", lang, count=len(report.invalid), line=line, message=message))
    return lines


def _sections(report: ImpactReport, lang: str) -> list[tuple[str, str, str | None, Table, Chart | None]]:
    """(id, heading, note, table, chart) in reading order."""
    out: list[tuple[str, str, str | None, Table, Chart | None]] = [
        (
            "parameters",
            tr("parameters", lang),
            None if report.parameter_changes else tr("no_parameters", lang),
            parameter_table(report, lang),
            None,
        ),
        (
            "matrix",
            tr("matrix", lang),
            tr("matrix_note", lang, old=report.old_label, new=report.new_label),
            matrix_table(report, lang),
            matrix_chart(report, lang),
        ),
    ]
    for dimension in DIMENSIONS:
        chart = group_chart(report, dimension, lang) if report.changed else None
        out.append((dimension, tr(dimension, lang), None, group_table(report, dimension, lang), chart))
    if report.changed:
        out.append(("causes", tr("causes", lang), None, cause_table(report, lang), None))
        out.append(("examples", tr("examples", lang), tr("examples_note", lang), example_table(report, lang), None))
    return out


def impact_document(report: ImpactReport, lang: str = "nl") -> Document:
    """The study as a :class:`Document`: the intro, then a section per table with its chart
    (shown in HTML only); numbers right-aligned, wide tables scroll sideways in HTML."""
    title = tr("title", lang, old=report.old_label, new=report.new_label)
    doc = Document(title, lang, css=_CSS)
    doc.heading(1, title)
    for line in _intro(report, lang):
        doc.para(line)
    for key, heading, note, (header, rows), chart in _sections(report, lang):
        blocks: list[Block] = [Heading(2, inline(heading))]
        if note:
            blocks.append(Paragraph(inline(note), note=True))
        if chart is not None:
            blocks.append(Figure(render_chart(chart, f"chart-{key}")))
        if rows:
            align = ("l", *("r" if _numbers(rows, i) else "l" for i in range(1, len(header))))
            cells = tuple(tuple(row) for row in rows)
            blocks.append(TableBlock(tuple(header), cells, align, row_headers=True, wide=True))
        doc.blocks.append(Section(key, tuple(blocks)))
    return doc


def to_markdown(report: ImpactReport, lang: str = "nl") -> str:
    """The study as Markdown (tables; charts only in the HTML page)."""
    # the study's texts carry their own typography: written without the French pass of render()
    return render_document_markdown(impact_document(report, lang))


_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1a1a1a;
       max-width: 62rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 2px solid #1f6f8b; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .8rem 0; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
th { background: #eef4f7; }
td.r { text-align: right; white-space: nowrap; }
figure { margin: 1rem 0; }
svg.chart { max-width: 100%; height: auto; }
p.note { color: #444; font-size: .95rem; }
div.scroll { overflow-x: auto; }
"""


def _is_number(text: str) -> bool:
    return (
        bool(text)
        and text.replace(".", "").replace(",", "").replace("\u202f", "").replace("\xa0", "").split(" ")[0].isdigit()
    )


def _numbers(rows: list[list[str]], column: int) -> bool:
    """Whether a column holds only numbers (right-aligned); an amount in euro or a word is not one."""
    return all(_is_number(row[column]) for row in rows if row[column])


def to_html(report: ImpactReport, lang: str = "nl") -> str:
    """The study as one self-contained HTML page: no scripts, no fonts or images fetched."""
    return render_html(impact_document(report, lang))
