"""The yearly report as Markdown (tables; the charts are in the HTML report)."""

from __future__ import annotations

from aidrules.report.data import YearFigures
from aidrules.report.sections import Section, cell_text
from aidrules.report.texts import text


def _cell(value: str) -> str:
    return value.replace("|", "\\|")


def _table(section: Section, lang: str) -> list[str]:
    lines = ["| " + " | ".join(_cell(c) for c in section.columns) + " |"]
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(section.columns) - 1)) + "|")
    for row in section.rows:
        cells = [_cell(row.label), *(_cell(cell_text(v, lang)) for v in row.values)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render_markdown(figures: YearFigures, sections: list[Section], lang: str) -> str:
    entries = figures.decisions + figures.reviews
    lines = [f"# {text('title', lang, year=figures.year)}", "", text("intro", lang, entries=entries, year=figures.year)]
    for section in sections:
        lines += ["", f"## {section.title}", ""]
        if section.rows:
            lines += _table(section, lang)
        else:
            lines.append(text("no_data", lang))
        if section.note:
            lines += ["", section.note]
    lines += ["", f"## {text('about', lang)}", "", text("about_text", lang)]
    return "\n".join(lines) + "\n"
