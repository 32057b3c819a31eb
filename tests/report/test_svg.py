"""Charts drawn in Python: readable labels and values, accessible titles, sane axes."""

from __future__ import annotations

from aidrules.report.sections import Chart
from aidrules.report.svg import _ticks, render_chart


def test_bars_carry_their_labels_values_and_an_accessible_description() -> None:
    svg = render_chart(
        Chart("Stopzettingen per reden", ["Doelen bereikt", "Overlijden & andere"], [("Stopgezet", [11, 0])]), "c1"
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="c1" role="img"')
    assert '<title id="c1-title">Stopzettingen per reden</title>' in svg
    assert '<desc id="c1-desc">Doelen bereikt: Stopgezet 11; Overlijden &amp; andere: Stopgezet 0</desc>' in svg
    assert ">Overlijden &amp; andere</text>" in svg and ">11</text>" in svg and ">0</text>" in svg
    assert svg.count('class="bar"') == 2
    assert "<script" not in svg and "href" not in svg


def test_a_legend_appears_for_two_series_or_more() -> None:
    one = render_chart(Chart("t", ["a"], [("x", [1])]), "c")
    two = render_chart(Chart("t", ["a"], [("x", [1]), ("y", [2])]), "c")
    assert ">x</text>" not in one and ">x</text>" in two and ">y</text>" in two


def test_columns_have_round_grid_values() -> None:
    assert _ticks(1) == [0, 1]
    assert _ticks(17) == [0, 5, 10, 15, 20]
    assert _ticks(188) == [0, 50, 100, 150, 200]
    svg = render_chart(Chart("Per maand", ["jan", "feb"], [("a", [3, 0]), ("b", [1, 2])], columns=True), "m")
    assert svg.count('class="bar"') == 4 and ">jan</text>" in svg


def test_an_empty_chart_still_renders() -> None:
    svg = render_chart(Chart("Leeg", [], [("x", [])]), "e")
    assert svg.endswith("</svg>") and "Leeg" in svg
