"""The yearly report as Markdown (tables; the charts are in the HTML report), written through the
one document model (:mod:`aidrules.explain.document`)."""

from __future__ import annotations

from aidrules.explain.document import Document
from aidrules.explain.document import render_markdown as render_document
from aidrules.report.data import YearFigures
from aidrules.report.sections import Section, cell_text
from aidrules.report.texts import text


def report_document(figures: YearFigures, sections: list[Section], lang: str) -> Document:
    """The report as a :class:`Document`: a table per section (amounts right-aligned)."""
    entries = figures.decisions + figures.reviews
    title = text("title", lang, year=figures.year)
    doc = Document(title, lang)
    doc.heading(1, title)
    doc.para(text("intro", lang, entries=entries, year=figures.year))
    for section in sections:
        doc.heading(2, section.title)
        if section.rows:
            align = ("l", *("r" for _ in section.columns[1:]))
            rows = [(row.label, *(cell_text(v, lang) for v in row.values)) for row in section.rows]
            doc.table(tuple(section.columns), rows, align)
        else:
            doc.para(text("no_data", lang))
        if section.note:
            doc.para(section.note)
    doc.heading(2, text("about", lang))
    doc.para(text("about_text", lang))
    return doc


def render_markdown(figures: YearFigures, sections: list[Section], lang: str) -> str:
    # the report's texts carry their own typography: written without the French pass of render()
    return render_document(report_document(figures, sections, lang))
