"""The yearly report as one self-contained HTML page with inline SVG charts (no scripts), written
through the one document model (:mod:`aidrules.explain.document`)."""

from __future__ import annotations

from aidrules.explain.document import render_html as render_document
from aidrules.report.data import YearFigures
from aidrules.report.document import report_document
from aidrules.report.sections import Section


def render_html(figures: YearFigures, sections: list[Section], lang: str) -> str:
    # the report's texts carry their own typography: written without the French pass of render()
    return render_document(report_document(figures, sections, lang))
