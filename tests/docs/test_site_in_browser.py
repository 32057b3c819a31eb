"""The documentation site builds strictly, and the generated rule-set page shows in a real browser.

Needs Debian's ``chromium`` (``scripts/ensure-browser.sh`` installs it) and the docs extra.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

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
