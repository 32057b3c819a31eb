"""The yearly report as one self-contained HTML page with inline SVG charts (no scripts)."""

from __future__ import annotations

from html import escape

from aidrules.report.data import YearFigures
from aidrules.report.sections import Section, cell_text
from aidrules.report.svg import render_chart
from aidrules.report.texts import text

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


def _table(section: Section, lang: str) -> list[str]:
    out = [
        "<table>",
        "<thead><tr>" + "".join(f'<th scope="col">{escape(c)}</th>' for c in section.columns) + "</tr></thead>",
    ]
    out.append("<tbody>")
    for row in section.rows:
        cells = "".join(f"<td>{escape(cell_text(v, lang))}</td>" for v in row.values)
        out.append(f'<tr><th scope="row">{escape(row.label)}</th>{cells}</tr>')
    out.append("</tbody></table>")
    return out


def standalone_page_start(title: str, lang: str, css: str) -> list[str]:
    """The start of a self-contained HTML page (its style inline, nothing fetched) up to its heading."""
    return [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
    ]


def render_html(figures: YearFigures, sections: list[Section], lang: str) -> str:
    title = text("title", lang, year=figures.year)
    entries = figures.decisions + figures.reviews
    out = standalone_page_start(title, lang, _CSS)
    out.append(f"<p>{escape(text('intro', lang, entries=entries, year=figures.year))}</p>")
    for section in sections:
        out.append(f'<section id="{section.key}">')
        out.append(f"<h2>{escape(section.title)}</h2>")
        if section.chart is not None and section.rows:
            out.append(f'<figure aria-label="{escape(text("chart_label", lang))}: {escape(section.chart.title)}">')
            out.append(render_chart(section.chart, f"chart-{section.key.replace('_', '-')}"))
            out.append("</figure>")
        if section.rows:
            out += _table(section, lang)
        else:
            out.append(f"<p>{escape(text('no_data', lang))}</p>")
        if section.note:
            out.append(f'<p class="note">{escape(section.note)}</p>')
        out.append("</section>")
    out += [
        '<section id="about">',
        f"<h2>{escape(text('about', lang))}</h2>",
        f"<p>{escape(text('about_text', lang))}</p>",
        "</section>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
