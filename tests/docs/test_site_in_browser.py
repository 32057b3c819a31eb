"""The documentation site builds strictly, and the generated rule-set page shows in a real browser.

Needs Debian's ``chromium`` (``scripts/ensure-browser.sh`` installs it) and the docs extra.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .browser import Browser, attributes, file_url, find_chromium, text, walk

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_the_site_builds_strictly_with_the_generated_pages(site: Path) -> None:
    page = site / "rulesets" / "noord-limburg-budgethulp" / "index.html"
    assert page.is_file()
    assert (site / "assets" / "javascripts" / "mermaid.min.js").is_file()
    html = (site / "api" / "index.html").read_text(encoding="utf-8")
    assert "static_diagnostics" in html and "load_ruleset" in html  # mkdocstrings rendered the API


def test_rule_set_page_renders_in_a_browser_with_its_flowchart(site: Path) -> None:
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("no headless browser: run scripts/ensure-browser.sh (installs Debian's chromium)")
    page = site / "rulesets" / "noord-limburg-budgethulp" / "index.html"
    browser = Browser(chromium, file_url(page))
    try:
        diagrams: list[dict[str, object]] = []
        doc: dict[str, object] = {}
        for _ in range(100):  # Mermaid renders after the page has loaded; wait for it, at most ~30 s
            doc = browser.document()
            diagrams = [
                n
                for n, in_shadow in walk(doc)
                if in_shadow
                and str(n.get("nodeName", "")).lower() == "svg"
                and attributes(n).get("aria-roledescription", "").startswith("flowchart")
            ]
            if diagrams:
                break
            time.sleep(0.3)
    finally:
        browser.close()
    assert len(diagrams) == 1, "the Mermaid flowchart did not render"
    labels = text(diagrams[0])
    order = [labels.index(x) for x in ("Budgetbegeleiding mogelijk?", "Collectieve schuldenregeling mogelijk?")]
    assert order == sorted(order)
    assert "Geen budgethulp" in labels
    body = text(doc)
    for expected in (
        "Budgethulp Noord-Limburg (referentieregelset)",
        "aidrules-ref-2025.1",  # the approval
        "Hoe de aanbeveling gekozen wordt",
        "Keuzes van de raad",
    ):
        assert expected in body, expected


def evaluate(browser: Browser, expression: str) -> Any:
    """The value of a JavaScript expression in the page."""
    answer = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, browser.session)
    return answer["result"].get("value")


def loaded(site: Path, page: str) -> Browser:
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("no headless browser: run scripts/ensure-browser.sh (installs Debian's chromium)")
    browser = Browser(chromium, file_url(site / "rulesets" / "noord-limburg-budgethulp" / page))
    for _ in range(100):
        if evaluate(browser, "document.readyState === 'complete' && !!document.querySelector('article')"):
            return browser
        time.sleep(0.3)
    browser.close()
    pytest.fail(f"{page} did not load")


def test_generated_rules_page_shows_prose_in_the_page_language_not_python(site: Path) -> None:
    """Catches conditions shown as Python, a formula shown open, and English chrome around a Dutch page."""
    browser = loaded(site, "rules/index.html")
    try:
        visible = str(evaluate(browser, "document.querySelector('article').innerText"))
        chrome = evaluate(
            browser,
            "[document.documentElement.lang, document.querySelector('input.md-search__input').placeholder]",
        )
        formulas = evaluate(browser, "document.querySelectorAll('article details.aidrules-formula').length")
        opened = evaluate(
            browser,
            "(() => { const d = document.querySelector('article details.aidrules-formula'); d.open = true;"
            " return d.innerText; })()",
        )
    finally:
        browser.close()
    assert "Geldt als: budgetvaardigheden is beperkt of voldoende" in visible
    assert "Geldt als: motivatie (0–4) ≥ minimale motivatie" in visible
    for python in ("client.budgeting_skills", "['limited'", "==", ">=", " for i in ", "sum("):
        assert python not in visible, python  # the formulas are there, but collapsed
    assert isinstance(formulas, int) and formulas > 20
    assert "dignity_shortfall <= maximum_supplementary_aid" in str(opened)  # one click shows the formula
    assert chrome == ["nl", "Zoeken"]


#: The header cells, and the words in them drawn on two lines (split inside the word).
SPLIT_WORDS = """(() => {
  const split = [];
  for (const th of document.querySelectorAll('article th')) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const r = document.createRange();
        r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
        if (tops.size > 1) split.push(m[0]);
      }
    }
  }
  return [document.querySelectorAll('article th').length, split];
})()"""


def test_parameter_table_headers_break_between_words_on_a_phone(site: Path) -> None:
    """Catches header cells split inside a word ("cohabitin g") when a wide table meets a narrow screen."""
    browser = loaded(site, "parameters/index.html")
    found: dict[int, list[str]] = {}
    headers = 0
    try:
        for width in (360, 480, 600, 768, 900, 1024, 1280):
            browser.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600},
                browser.session,
            )
            time.sleep(0.3)
            headers, words = evaluate(browser, SPLIT_WORDS)
            if words:
                found[width] = words
    finally:
        browser.close()
    assert headers > 10
    assert found == {}


def test_flowchart_of_three_questions_keeps_its_own_size(site: Path) -> None:
    """Catches Mermaid's default of stretching every chart to the page width (a full screen for three questions)."""
    browser = loaded(site, "index.html")
    try:
        svg: dict[str, Any] = {}
        for _ in range(100):
            found = [
                n
                for n, in_shadow in walk(browser.document())
                if in_shadow
                and str(n.get("nodeName", "")).lower() == "svg"
                and attributes(n).get("aria-roledescription", "").startswith("flowchart")
            ]
            if found:
                svg = found[0]
                break
            time.sleep(0.3)
        assert svg, "the Mermaid flowchart did not render"
        box = browser.send("DOM.getBoxModel", {"nodeId": svg["nodeId"]}, browser.session)["model"]
        article = evaluate(browser, "document.querySelector('article').getBoundingClientRect().width")
    finally:
        browser.close()
    natural = float(attributes(svg)["viewBox"].split()[2])
    assert attributes(svg).get("width") != "100%"
    assert abs(box["width"] - natural) <= 2  # drawn at its own size, not scaled up
    # three questions fit a laptop screen (stretched to the page width, diamonds made it 746 × 1164 px)
    assert box["height"] < 600 and box["width"] <= float(article)
