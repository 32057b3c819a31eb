"""The yearly report as one :class:`~aidrules.words.document.Document`, written as Markdown
(``report/markdown.py``) and as a self-contained HTML page with inline SVG charts
(``report/html.py``) by the document model's renderers."""

from __future__ import annotations

from aidrules.report.data import YearFigures
from aidrules.report.sections import Section as ReportSection
from aidrules.report.sections import cell_text
from aidrules.report.svg import render_chart
from aidrules.report.texts import text
from aidrules.words.document import Block, Document, Figure, Heading, Paragraph, Section, Table, inline

_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1a1a1a;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.8rem; margin-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 2px solid #1f6f8b; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .8rem 0; min-width: 24rem; }
th, td { padding: .3rem .7rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #eef4f7; }
figure { margin: 1rem 0; }
svg.chart { max-width: 100%; height: auto; }
p.note { color: #444; font-size: .95rem; }
"""


def report_document(figures: YearFigures, sections: list[ReportSection], lang: str) -> Document:
    """The report: a section per table (amounts right-aligned), its chart as a figure (HTML only)."""
    entries = figures.decisions + figures.reviews
    title = text("title", lang, year=figures.year)
    doc = Document(title, lang, css=_CSS)
    doc.heading(1, title)
    doc.para(text("intro", lang, entries=entries, year=figures.year))
    for section in sections:
        blocks: list[Block] = [Heading(2, inline(section.title))]
        if section.chart is not None and section.rows:
            chart = render_chart(section.chart, f"chart-{section.key.replace('_', '-')}")
            blocks.append(Figure(chart, f"{text('chart_label', lang)}: {section.chart.title}"))
        if section.rows:
            align = ("l", *("r" for _ in section.columns[1:]))
            rows = tuple((row.label, *(cell_text(v, lang) for v in row.values)) for row in section.rows)
            blocks.append(Table(tuple(section.columns), rows, align, row_headers=True))
        else:
            blocks.append(Paragraph(inline(text("no_data", lang))))
        if section.note:
            blocks.append(Paragraph(inline(section.note), note=True))
        doc.blocks.append(Section(section.key, tuple(blocks)))
    about = (Heading(2, inline(text("about", lang))), Paragraph(inline(text("about_text", lang))))
    doc.blocks.append(Section("about", about))
    return doc
