"""The intake page in a real headless Chromium (Debian's): from an empty form to a determined
proposal, answering the question the page puts first each time, with screenshots checked.

Needs ``chromium`` on PATH: ``scripts/ensure-browser.sh`` installs it.
"""

from __future__ import annotations

import base64
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.docs.browser import Browser, find_chromium

import aidrules
from aidrules.intake.server import make_server
from aidrules.ruleset.compiled import CompiledRuleSet

ON = date(2025, 3, 1)
#: What the worker knows, as typed in the form (Belgian habits included: `1.700,00`, `ja`).
KNOWN: dict[str, str] = {
    "client.consents": "true",
    "client.wants_debt_settlement": "false",
    "client.shares_information": "true",
    "client.participates": "true",
    "client.motivation": "3",
    "client.budgeting_skills": "adequate",
    "client.wants_to_keep_control": "true",
    "client.habitual_residence_in_belgium": "true",
    "client.is_enterprise": "false",
    "client.enterprise_ceased_on": "nooit",
    "client.csr_revoked_on": "nooit",
    "client.in_collective_debt_settlement": "false",
    "client.organised_insolvency": "false",
    "household.category": "single",
    "household.adults": "1",
    "household.housing": "private_rental",
    "signals.eviction_threat": "false",
    "signals.utility_cutoff_threat": "false",
    "signals.income_seized": "false",
    "incomes[0].kind": "wage",
    "incomes[0].monthly_net": "1.700,00",
    "incomes[0].stable": "true",
    "expenses[0].kind": "rent",
    "expenses[0].monthly": "650",
    "debts[0].creditor": "Energieleverancier",
    "debts[0].kind": "energy",
    "debts[0].amount": "3000",
    "debts[0].enforcement": "reminder",
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    rs: CompiledRuleSet = aidrules.load(None, ON)
    srv = make_server(lambda day: rs, 0, lang="nl", on=ON)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def browser(server: str) -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.fail("no headless browser: run scripts/ensure-browser.sh (installs Debian's chromium)")
    b = Browser(executable, server)
    try:
        _wait_loaded(b)
        yield b
    finally:
        b.close()


def _js(b: Browser, expression: str) -> Any:
    answer = b.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, b.session)
    return answer.get("result", {}).get("value")


def _wait_loaded(b: Browser, marker_gone: bool = False) -> None:
    deadline = time.monotonic() + 60  # a guard against a hanging page, not a timing check
    while time.monotonic() < deadline:
        ready = _js(
            b,
            "document.readyState === 'complete' && !!document.getElementById('proposal')"
            " && (!document.querySelector('[autofocus]') || document.activeElement !== document.body)",
        )
        old = _js(b, "window.__old === true")
        if ready and not (marker_gone and old):
            return
        time.sleep(0.1)
    raise AssertionError("the page did not load")


def _key(b: Browser, key: str, code: int, text: str = "") -> None:
    for kind in ("keyDown", "keyUp"):
        params: dict[str, Any] = {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code}
        if text and kind == "keyDown":
            params["text"] = text
        b.send("Input.dispatchKeyEvent", params, b.session)


def _submit_by_keyboard(b: Browser) -> None:
    """Tab from the focused field to the first Update button and press Enter, as a keyboard user."""
    _js(b, "window.__old = true")
    for _ in range(40):
        if _js(b, "document.activeElement && document.activeElement.tagName === 'BUTTON'"):
            break
        _key(b, "Tab", 9)
    assert _js(b, "document.activeElement.value") == "update"
    _key(b, "Enter", 13, "\r")
    _wait_loaded(b, marker_gone=True)


def _screenshot(b: Browser, path: Path) -> bytes:
    data = base64.b64decode(b.send("Page.captureScreenshot", {"format": "png"}, b.session)["data"])
    path.write_bytes(data)
    return data


def _pixels(png: bytes) -> tuple[int, int, bytes]:
    """Width, height and the raw (filtered) scanlines of a PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    pos, idat = 8, b""
    while pos < len(png):
        length = struct.unpack(">I", png[pos : pos + 4])[0]
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def _assert_not_blank(png: bytes) -> None:
    width, height, raw = _pixels(png)
    assert width >= 400 and height >= 300
    assert len(set(raw)) > 20, "the screenshot is blank"
    assert raw.count(b"\xff") < 0.98 * len(raw), "the screenshot is (almost) all white"


def test_the_intake_goes_from_an_empty_form_to_a_determined_proposal(browser: Browser, tmp_path: Path) -> None:
    """Catches a page that cannot be used with the keyboard, a next question that is not the
    focused field, or a proposal that never updates."""
    b = browser
    assert _js(b, "document.documentElement.lang") == "nl"
    assert "nog niet te bepalen" in _js(b, "document.getElementById('proposal-h').textContent")
    assert _js(b, "document.scripts.length") == 0  # no scripts at all
    first = _screenshot(b, tmp_path / "intake-empty.png")
    _assert_not_blank(first)

    asked: list[str] = []
    typed_ahead = False
    for _ in range(30):
        if _js(b, "document.getElementById('proposal').className") == "determined":
            break
        focused = _js(b, "document.activeElement && document.activeElement.name")
        assert focused, f"no field has the focus after {asked}"
        # the focused control is the next question's: in its section, or in the list it links to
        assert _js(
            b,
            "document.activeElement.closest('#next') !== null || "
            "document.activeElement.id.startsWith(document.querySelector('#next a').getAttribute('href').slice(1))",
        ), focused
        asked.append(focused)
        root = focused.removesuffix(".none")
        fields = {k: v for k, v in KNOWN.items() if k == root or k.startswith(root + "[")}
        if not fields and focused.endswith(".none"):  # a list without items: tick "geen" with Space
            _key(b, " ", 32, " ")
            assert _js(b, "document.activeElement.checked") is True
        elif fields == {focused: "true"} and _js(b, "document.activeElement.tagName") == "SELECT":
            _key(b, "j", 74, "j")  # keyboard only: type-ahead picks "ja"
            assert _js(b, "document.activeElement.value") == "true"
            typed_ahead = True
            fields = {}
        for name, value in fields.items():
            _js(b, f"document.getElementsByName({name!r})[0].value = {value!r}")
        _submit_by_keyboard(b)
    assert typed_ahead, f"no yes/no question was answered by keyboard: {asked}"
    heading = _js(b, "document.getElementById('proposal-h').textContent")
    assert heading == "Voorstel: Budgetbegeleiding", heading
    assert len(asked) == len(set(asked)), f"a question came back: {asked}"
    body = _js(b, "document.body.innerText")
    assert "Dit is een voorstel, geen beslissing" in body
    assert "client." not in body  # the page names facts in words
    last = _screenshot(b, tmp_path / "intake-determined.png")  # kept in pytest's tmp dir for a look
    _assert_not_blank(last)
    assert last != first


def test_every_control_is_labelled_and_reachable_with_tab(browser: Browser) -> None:
    """Catches an input a screen reader announces without a name, or one Tab never reaches."""
    b = browser
    unlabelled = _js(
        b,
        "[...document.querySelectorAll('input:not([type=hidden]), select')]"
        ".filter(e => !e.labels || e.labels.length === 0).map(e => e.name)",
    )
    assert unlabelled == []
    controls = set(
        _js(
            b,
            "[...document.querySelectorAll('input:not([type=hidden]), select, button')]"
            ".map(e => e.id || e.name + e.value)",
        )
    )
    reached = set()
    for _ in range(len(controls) + 5):
        _key(b, "Tab", 9)
        reached.add(_js(b, "document.activeElement.id || document.activeElement.name + document.activeElement.value"))
    assert controls <= reached, controls - reached
