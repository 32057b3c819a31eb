"""Making the yearly report from a journal file: ``make_report(journal, year, fmt, lang)``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aidrules.errors import AidrulesError, Diagnostic, check_language
from aidrules.journal.entry import JournalEntry
from aidrules.journal.journal import Journal
from aidrules.report.csvout import entries_csv, figures_csv
from aidrules.report.data import YearFigures, year_figures
from aidrules.report.html import render_html
from aidrules.report.markdown import render_markdown
from aidrules.report.sections import build_sections
from aidrules.report.texts import text

FORMATS = ("markdown", "html", "csv")


@dataclass(frozen=True)
class ReportFile:
    name: str
    content: str


def make_report(journal_path: str | Path, year: int, fmt: str = "markdown", lang: str = "nl") -> list[ReportFile]:
    """The report files for ``year``: one Markdown or HTML file, or two CSV files.

    Raises:
        JournalError: the journal cannot be read.
        ReportError: an unknown format or year.
        EvaluationError: an unknown language (EV006, as from every entry point).
    """
    if fmt not in FORMATS:
        raise _problem(f"unknown report format `{fmt}`; use one of {', '.join(FORMATS)}", "--format")
    check_language(lang)
    if not 2000 <= year <= 2200:
        raise _problem(f"the year {year} is out of range", "--year")
    with Journal.open(journal_path, read_only=True) as journal:
        entries = list(journal.entries())
    figures = year_figures(entries, year)
    return render(figures, entries, fmt, lang)


def render(figures: YearFigures, entries: list[JournalEntry], fmt: str, lang: str) -> list[ReportFile]:
    """Render computed figures; ``entries`` feed the CSV of the year's entries."""
    sections = build_sections(figures, lang)
    stem = f"{text('file_stem', lang)}-{figures.year}"
    if fmt == "markdown":
        return [ReportFile(f"{stem}.md", render_markdown(figures, sections, lang))]
    if fmt == "html":
        return [ReportFile(f"{stem}.html", render_html(figures, sections, lang))]
    start, end = date(figures.year, 1, 1), date(figures.year, 12, 31)
    of_year = [e for e in entries if start <= e.decided_on <= end]
    return [
        ReportFile(f"{stem}-{text('figures_stem', lang)}.csv", figures_csv(sections)),
        ReportFile(f"{stem}-{text('entries_stem', lang)}.csv", entries_csv(of_year)),
    ]


class ReportError(AidrulesError):
    """The report cannot be made as asked (format, year, output directory)."""

    exit_code = 2


def _problem(message: str, path: str) -> ReportError:
    return ReportError(message, [Diagnostic("RP001", message, path=path)])
