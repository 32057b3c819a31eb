"""The yearly report as one self-contained HTML page with inline SVG charts (no scripts), written
through the one document model (:mod:`aidrules.words.document`)."""

from __future__ import annotations

from aidrules.report.data import YearFigures
from aidrules.report.document import report_document
from aidrules.report.sections import Section
from aidrules.words.document import render_html as render_document


def render_html(figures: YearFigures, sections: list[Section], lang: str) -> str:
    # the report's texts carry their own typography: written without the French pass of render()
    return render_document(report_document(figures, sections, lang))
