"""Charts as inline SVG, drawn in Python: no scripts, no web fonts, nothing fetched.

Each chart has a visible title, a ``<title>`` and a ``<desc>`` with every value (for screen
readers), labels on every bar and a legend when there is more than one series.
"""

from __future__ import annotations

from html import escape

from aidrules.report.sections import Chart

PALETTE = ("#1f6f8b", "#d9792b", "#4f8a2b", "#8e5ea2")
WIDTH = 720
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""


def render_chart(chart: Chart, chart_id: str) -> str:
    """The chart as an ``<svg>`` element."""
    return _columns(chart, chart_id) if chart.columns else _bars(chart, chart_id)


def _desc(chart: Chart) -> str:
    parts = []
    for i, label in enumerate(chart.labels):
        values = ", ".join(f"{name} {values[i]}" for name, values in chart.series)
        parts.append(f"{label}: {values}")
    return "; ".join(parts)


def _open(chart: Chart, chart_id: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" {FONT}>',
        f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_desc(chart))}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="16" y="26" font-size="17" font-weight="600" fill="#1a1a1a">{escape(chart.title)}</text>',
    ]


def _legend(chart: Chart, y: int) -> list[str]:
    if len(chart.series) < 2:
        return []
    out = []
    x = 16
    for i, (name, _) in enumerate(chart.series):
        out.append(f'<rect x="{x}" y="{y - 11}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(f'<text x="{x + 18}" y="{y}" font-size="13" fill="#333333">{escape(name)}</text>')
        x += 18 + 8 * len(name) + 24
    return out


def _bars(chart: Chart, chart_id: str) -> str:
    """Horizontal bars; each category's label stands above its bars, so long labels fit."""
    bar, gap, label_h, group_gap = 16, 3, 18, 14
    top = 44 + (22 if len(chart.series) > 1 else 0)
    n = len(chart.series)
    group_h = label_h + n * bar + (n - 1) * gap + group_gap
    height = top + max(1, len(chart.labels)) * group_h + 8
    left, right = 16, 64
    area = WIDTH - left - right
    peak = max([v for _, values in chart.series for v in values] + [1])
    out = _open(chart, chart_id, height)
    out += _legend(chart, 52)
    if not chart.labels:
        out.append(f'<text x="16" y="{top + 14}" font-size="13" fill="#555555">–</text>')
    for i, label in enumerate(chart.labels):
        y = top + i * group_h
        out.append(f'<text x="{left}" y="{y + 13}" font-size="13" fill="#1a1a1a">{escape(label)}</text>')
        for s, (name, values) in enumerate(chart.series):
            value = values[i]
            by = y + label_h + s * (bar + gap)
            length = round(area * value / peak, 1)
            color = PALETTE[s % len(PALETTE)]
            out.append(
                f'<rect class="bar" x="{left}" y="{by}" width="{max(length, 1.5)}" height="{bar}" fill="{color}">'
                f"<title>{escape(label)} — {escape(name)}: {value}</title></rect>"
            )
            out.append(
                f'<text x="{left + max(length, 1.5) + 6}" y="{by + bar - 3}" font-size="13" '
                f'font-weight="600" fill="#1a1a1a">{value}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def _ticks(peak: int) -> list[int]:
    """Round grid values from 0 to at least ``peak`` (about five steps)."""
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        step = candidate
        if peak / candidate <= 5:
            break
    top = max(step, -(-peak // step) * step)
    return list(range(0, top + 1, step))


def _columns(chart: Chart, chart_id: str) -> str:
    """Vertical columns, grouped per category (e.g. months), with a value axis and grid lines."""
    height = 320
    top = 44 + (22 if len(chart.series) > 1 else 0) + 10
    left, right, bottom = 48, 16, 40
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    ticks = _ticks(max([v for _, values in chart.series for v in values] + [1]))
    scale = plot_h / ticks[-1]
    out = _open(chart, chart_id, height)
    out += _legend(chart, 52)
    for tick in ticks:
        y = round(top + plot_h - tick * scale, 1)
        out.append(f'<line x1="{left}" y1="{y}" x2="{WIDTH - right}" y2="{y}" stroke="#dddddd" stroke-width="1"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4}" font-size="12" text-anchor="end" fill="#555555">{tick}</text>')
    groups = max(1, len(chart.labels))
    group_w = plot_w / groups
    n = len(chart.series)
    bar_w = max(2.0, (group_w - 10) / n)
    for i, label in enumerate(chart.labels):
        gx = left + i * group_w + 5
        for s, (name, values) in enumerate(chart.series):
            value = values[i]
            h = round(value * scale, 1)
            x = round(gx + s * bar_w, 1)
            y = round(top + plot_h - h, 1)
            color = PALETTE[s % len(PALETTE)]
            out.append(
                f'<rect class="bar" x="{x}" y="{y}" width="{round(bar_w - 1, 1)}" height="{h}" fill="{color}">'
                f"<title>{escape(label)} — {escape(name)}: {value}</title></rect>"
            )
        cx = round(left + i * group_w + group_w / 2, 1)
        out.append(
            f'<text x="{cx}" y="{height - bottom + 18}" font-size="12" text-anchor="middle" fill="#333333">'
            f"{escape(label)}</text>"
        )
    axis = top + plot_h
    out.append(f'<line x1="{left}" y1="{axis}" x2="{WIDTH - right}" y2="{axis}" stroke="#888888" stroke-width="1"/>')
    out.append("</svg>")
    return "\n".join(out)
