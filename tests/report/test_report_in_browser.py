"""The HTML report renders with its charts in a real headless browser (Debian's chromium).

Needs ``chromium`` on PATH: ``scripts/ensure-browser.sh`` installs it (``apt-get install -y chromium``).
"""

from __future__ import annotations

import struct
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from aidrules.report.build import make_report
from docs.browser import HEADLESS, find_chromium

if TYPE_CHECKING:
    from conftest import Seeded

EXPECTED_CHARTS = {
    "chart-by-form": "Opgestart en stopgezet per vorm in 2025",
    "chart-principles-not-met": "Weigeringen: niet voldane uitgangspunten",
    "chart-stop-reasons": "Stopzettingen per reden",
    "chart-reviews": "Uitkomst van de evaluaties",
    "chart-per-month": "Opgestart, geweigerd en stopgezet per maand",
    "chart-per-ruleset": "Beslissingen en evaluaties per regelset",
}


def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.fail("no headless browser: run scripts/ensure-browser.sh (installs Debian's chromium)")
    return found


def run_chromium(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="aidrules-report-chromium-") as profile:
        return subprocess.run(
            [chromium(), *HEADLESS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=180,  # a guard against a hanging browser, not a timing check
            check=False,
        )


@dataclass
class Chart:
    role: str | None
    title: str = ""
    bars: int = 0


class _Charts(HTMLParser):
    """Collects the charts of a dumped DOM: each svg's id, its title and its bars."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: dict[str, Chart] = {}
        self.current: str | None = None
        self.in_title = False
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key) and "://" in str(a[key]):
                self.external.append(str(a[key]))
        if tag == "script":
            self.scripts += 1
        if tag == "svg" and "chart" in (a.get("class") or ""):
            self.current = str(a["id"])
            self.charts[self.current] = Chart(a.get("role"))
        elif self.current is not None and tag == "title" and not self.charts[self.current].title:
            self.in_title = True
        elif self.current is not None and tag == "rect" and "bar" in (a.get("class") or ""):
            self.charts[self.current].bars += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.current = None
        if tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.in_title:
            self.charts[self.current].title = data.strip()


@pytest.fixture(scope="module")
def html_report(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Path:
    [report] = make_report(seeded.path, 2025, "html", "nl")
    path = tmp_path_factory.mktemp("html") / report.name
    path.write_text(report.content, encoding="utf-8")
    return path


def test_the_charts_are_in_the_rendered_page(html_report: Path) -> None:
    result = run_chromium("--dump-dom", html_report.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert '<html lang="nl">' in dom and "<h1>Jaarverslag budgethulp 2025</h1>" in dom
    parser = _Charts()
    parser.feed(dom)
    assert {cid: c.title for cid, c in parser.charts.items()} == EXPECTED_CHARTS
    for cid, chart in parser.charts.items():
        assert chart.role == "img" and chart.bars > 0, cid
    assert parser.charts["chart-per-month"].bars == 36  # 12 months × started, refused, stopped
    assert parser.scripts == 0 and parser.external == []  # self-contained: nothing to run, nothing fetched


def test_a_screenshot_of_the_report(html_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    result = run_chromium("--hide-scrollbars", "--window-size=1000,2400", f"--screenshot={shot}", html_report.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 2400)
    assert len(data) > 50_000  # a page full of tables and coloured bars, not an empty white image
