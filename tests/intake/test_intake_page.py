"""The intake page without a browser: reading a submitted form, and what the page says."""

from __future__ import annotations

import re
import threading
import urllib.request
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

import aidrules
from aidrules.intake import case_from_form, render_intake
from aidrules.intake.server import make_server
from aidrules.ruleset.compiled import CompiledRuleSet

ON = date(2025, 3, 1)


@pytest.fixture(scope="module")
def rs() -> CompiledRuleSet:
    return aidrules.load(None, ON)


def test_a_form_is_read_as_a_worker_types_it() -> None:
    form = {
        "client.consents": "ja",
        "client.motivation": "",
        "debts[0].amount": "1.180,50",
        "debts[0].enforcement": "deurwaarder",
        "debts[1].amount": "",
        "incomes.none": "on",
        "household.children[0].age": "4",
    }
    result = case_from_form(form)
    assert result.errors == {}
    assert result.data == {
        "client": {"consents": True},
        "debts": [{"amount": Decimal("1180.50"), "enforcement": "bailiff"}],
        "incomes": [],
        "household": {"children": [{"age": 4}]},
    }


def test_a_value_that_does_not_fit_stays_at_its_field_and_never_reaches_the_engine(rs: CompiledRuleSet) -> None:
    """Catches a form error turned into a traceback, or into a decision on a value nobody gave."""
    result = case_from_form({"debts[0].amount": "veel", "client.consents": "ja"})
    assert "debts[0].amount" in result.errors and "past hier niet" in result.errors["debts[0].amount"]
    assert result.data == {"client": {"consents": True}}
    page = render_intake(rs, result, ON)
    field = re.search(r'<input type="text" id="f-debts-0-amount"[^>]*>', page)
    assert field is not None
    assert 'value="veel"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="f-debts-0-amount-error"' in field.group(0)
    assert '<span class="error" id="f-debts-0-amount-error">' in page
    assert "Stemt de cliënt in" not in page.split('id="proposal"')[0]  # consent was read: not asked again


def test_the_page_escapes_what_the_worker_typed(rs: CompiledRuleSet) -> None:
    result = case_from_form({"debts[0].creditor": "<script>alert(1)</script>"})
    page = render_intake(rs, result, ON)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_next_question_comes_first_and_has_the_focus(rs: CompiledRuleSet) -> None:
    page = render_intake(rs, None, ON)
    first_section = re.search(r"<section id=\"next\".*?</section>", page, re.S)
    assert first_section is not None
    assert page.index('id="next"') < page.index('id="proposal"') < page.index("<fieldset")
    assert page.count("autofocus") == 1
    section = first_section.group(0)
    if "autofocus" not in section:
        # A list question (incomes, debts, …) is answered in its list: the section links there and
        # the list's first control has the focus.
        link = re.search(r'href="#([^"]+)"', section)
        focused = re.search(r"<[^>]*\bautofocus\b[^>]*>", page)
        assert link is not None and focused is not None
        assert re.search(rf'id="{re.escape(link.group(1))}[-"]', focused.group(0)), focused.group(0)


def test_the_page_loads_nothing_from_elsewhere(rs: CompiledRuleSet) -> None:
    page = render_intake(rs, None, ON, lang="fr")
    assert "<script" not in page and "http://" not in page and "https://" not in page and "@import" not in page
    assert '<html lang="fr">' in page and "Question suivante" in page
    assert "\u00a0:" in page  # French typography


def test_every_field_has_a_label(rs: CompiledRuleSet) -> None:
    page = render_intake(rs, None, ON)
    ids = re.findall(r'<(?:input|select) type="(?!hidden)[^"]*" id="([^"]+)"|<select id="([^"]+)"', page)
    for found in ids:
        fid = found[0] or found[1]
        assert f'for="{fid}"' in page, fid


@pytest.fixture(scope="module")
def server(rs: CompiledRuleSet) -> Iterator[str]:
    srv = make_server(lambda day: rs, 0, on=ON)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()


def test_the_server_listens_on_localhost_only_and_sets_a_strict_policy(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(server) as response:
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert response.headers["Cache-Control"] == "no-store"
        assert "Intake budgethulp" in response.read().decode("utf-8")


def test_the_server_returns_the_case_file(server: str) -> None:
    body = b"client.consents=ja&incomes%5B0%5D.monthly_net=1.180%2C50&do=download"
    with urllib.request.urlopen(urllib.request.Request(server, data=body)) as response:
        assert response.headers["Content-Disposition"] == 'attachment; filename="case.yaml"'
        text = response.read().decode("utf-8")
    assert "consents: true" in text and "monthly_net: 1180.50" in text and "'on': 2025-03-01" in text
