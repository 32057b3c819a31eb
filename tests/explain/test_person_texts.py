"""Texts a person reads (worker, committee, client, ``evaluate``): words, not paths or code; a
proposal, not a decision; no promise in a letter before anything is determined; correct French."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from tests.explain.cases import FIXTURES, explained, fixture, rules
from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.explain import render_explanation
from aidrules.explain.committee import months_after
from aidrules.explain.letter import letter_context
from aidrules.facts.writing import case_yaml
from aidrules.views.decision import render
from aidrules.words.formatting import day, money

runner = CliRunner()
LANGS = ("nl", "fr", "en")
NAMES = [p.stem for p in FIXTURES]
#: A fact path as the engine writes it (``client.motivation``, ``debts[0].amount``, ``incomes``
#: alone is a word too and is not matched).
RAW_PATH = re.compile(r"\b(client|household|incomes|expenses|debts|signals|remi)(\[\d*\])?\.[a-z_]+\b")
#: Python showing through: list literals of strings, None/True/False, comparison operators.
PYTHON = re.compile(r"\[\s*'|'\s*\]|\bNone\b|\bTrue\b|\bFalse\b|[^=!<>]==[^=]|!=|\bis None\b|\bin \[")
#: An amount of money in any of the three languages' formats.
AMOUNT = re.compile(r"€\s?\d|\d[\d.,]*\s?€|\bEUR\b")


def _undetermined(name: str) -> bool:
    return explained(name).recommendation == "undetermined"


def _texts(name: str, lang: str) -> dict[str, str]:
    expl = explained(name, lang)
    out = {aud: render_explanation(expl, aud, "text") for aud in ("worker", "committee", "client")}
    fx = fixture(name)
    out["evaluate"] = render(rules(fx).evaluate(fx.case, lang=lang), rules(fx), "text")
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_for_a_person_shows_a_fact_path_or_python(lang: str) -> None:
    """Catches a text that falls back to ``client.csr_revoked_on`` for a missing fact, or shows a
    rule as code (``client.budgeting_skills in ['limited', 'adequate']``), in any fixture."""
    for name in NAMES:
        for audience, body in _texts(name, lang).items():
            found = RAW_PATH.search(body) or PYTHON.search(body)
            assert found is None, f"{name} {audience} {lang}: {found.group(0) if found else ''!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_a_letter_for_an_undetermined_case_promises_no_amount(lang: str) -> None:
    """Catches 'Wij kunnen nog niets voorstellen' followed by 'U krijgt extra steun van € 259,50'."""
    undetermined = [n for n in NAMES if _undetermined(n)]
    assert len(undetermined) >= 5
    for name in undetermined:
        letter = render_explanation(explained(name, lang), "client", "text")
        assert AMOUNT.search(letter) is None, f"{name} {lang}: {AMOUNT.search(letter)}"
        context = letter_context(explained(name, lang))
        assert context["actions"] == [] and context["can_do"] == []
        assert context["missing"] or context["worker_checks"], "the letter must say what the OCMW still needs"


def test_a_letter_asks_the_client_only_what_the_client_can_answer() -> None:
    """Catches asking a client about 'onvermogen kennelijk zelf bewerkt' (a legal assessment)."""
    for name in NAMES:
        for lang in LANGS:
            letter = render_explanation(explained(name, lang), "client", "text").lower()
            for words in ("kennelijk zelf bewerkt", "manifestement organisé", "manifestly organised", "motivatie ("):
                assert words not in letter, (name, lang, words)


def test_the_undetermined_letter_asks_its_question_in_plain_words() -> None:
    letter = render_explanation(explained("047-undetermined-incomes-missing"), "client", "text")
    assert "Welke inkomsten hebt u" in letter
    assert "nog niets" in letter


def test_recipient_details_appear_in_the_letter_and_nowhere_stored() -> None:
    """Catches a client's name kept in the explanation or decision (which journals store)."""
    name = "001-single-wage-guidance-baseline"
    expl = explained(name)
    recipient = {
        "client_name": "Sam Peeters",
        "dossier_reference": "2025/0142",
        "ocmw_name": "OCMW Voorbeeldgem",
        "ocmw_address": "Kerkstraat 1",
        "worker_contact": "An Janssens, 011 00 00 00",
    }
    letter = render_explanation(expl, "client", "text", recipient=recipient)
    for value in recipient.values():
        assert value in letter
    assert "Beste Sam Peeters," in letter
    fx = fixture(name)
    stored = expl.to_json() + rules(fx).evaluate(fx.case).to_json()
    for value in recipient.values():
        assert value not in stored
    plain = render_explanation(expl, "client", "text")
    assert "Sam Peeters" not in plain and "Beste," in plain


def test_cli_explain_takes_the_recipient_at_render_time(tmp_path: object) -> None:
    case = case_yaml(fixture("001-single-wage-guidance-baseline").case)
    result = runner.invoke(
        app,
        ["explain", "-", "--audience", "client", "--lang", "fr", "--client-name", "Alex Dubois", "--dossier", "X-7"],
        input=case,
    )
    assert result.exit_code == 0, result.output
    assert "Bonjour Alex Dubois," in result.stdout and "X-7" in result.stdout


def test_evaluate_calls_it_a_proposal_not_a_decision() -> None:
    """No committee has decided when ``evaluate`` runs: it must not print BESLISSING."""
    fx = fixture("001-single-wage-guidance-baseline")
    for lang, word, wrong in (("nl", "VOORSTEL", "BESLISSING"), ("fr", "PROPOSITION", "DÉCISION")):
        out = render(rules(fx).evaluate(fx.case, lang=lang), rules(fx), "text")
        assert out.startswith(word) and wrong not in out


def test_evaluate_shows_unknown_values_as_unknown_and_missing_facts_as_questions() -> None:
    fx = fixture("047-undetermined-incomes-missing")
    out = render(rules(fx).evaluate(fx.case), rules(fx), "text")
    assert "Totaal maandinkomen: onbekend" in out
    assert "Welke inkomsten heeft de cliënt?" in out


def test_the_committee_report_starts_with_the_proposal_and_leaves_room_for_people() -> None:
    """Catches a report that puts the proposal after eight tables, without sources, review date or
    a place for the worker's assessment and the client's view."""
    body = render_explanation(explained("037-management-bailiff-enforcement"), "committee", "markdown")
    headings = re.findall(r"^## (.+)$", body, re.M)
    assert headings[0] == "Voorstel"
    assert "Beoordeling door de maatschappelijk werker" in headings
    assert "Standpunt van de cliënt" in headings
    first = body.split("## ", 2)[1]
    assert "Budgetbeheer" in first and "bron:" in first
    assert f"uiterlijk {day(months_after(date(2025, 3, 1), 6), 'nl')}" in first


def test_the_committee_report_shows_unknown_facts_as_unknown() -> None:
    body = render_explanation(explained("052-undetermined-enterprise-ceased-unknown"), "committee", "text")
    assert re.search(r"Datum van stopzetting van de onderneming\s+onbekend", body)
    assert "Nog onbekend" in body


def test_months_after_keeps_the_day_or_takes_the_last_of_the_month() -> None:
    assert months_after(date(2025, 3, 1), 6) == date(2025, 9, 1)
    assert months_after(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert months_after(date(2025, 11, 15), 2) == date(2026, 1, 15)


# -- French and English ----------------------------------------------------------------------------
def test_french_texts_use_french_typography_and_articles() -> None:
    """Catches 'le 1 mars', 'Nous proposons : guidance budgétaire.' and « separated from its word."""
    for name in NAMES:
        for audience, body in _texts(name, "fr").items():
            bad = re.search(
                r"(?<!•) [:;?!»]|« |«\u00a0\u00a0|\b1 (janvier|février|mars|avril|mai|juin|juillet|août)", body
            )
            assert bad is None, f"{name} {audience}: {body[max(0, bad.start() - 30) : bad.end() + 10]!r}"
    letter = render_explanation(explained("001-single-wage-guidance-baseline", "fr"), "client", "text")
    assert "Nous proposons une guidance budgétaire" in " ".join(letter.split())
    assert day(date(2025, 3, 1), "fr") == "1er mars 2025"


def test_english_amounts_are_written_the_english_way() -> None:
    assert money(__import__("decimal").Decimal("1400.50"), "en") == "€1,400.50"
    letter = render_explanation(explained("043-remi-reference-budget-supplementary-aid", "en"), "client", "text")
    assert not re.search(r"\d,\d\d\s?€", letter)


def test_letters_do_not_assume_the_client_is_a_man() -> None:
    """The letter's own words (the rule set's messages are the rule files' business)."""
    for name in NAMES:
        for lang in LANGS:
            letter = render_explanation(explained(name, lang), "client", "text")
            assert not re.search(r"\b(hij|hem|lui-même|himself|Madame, Monsieur)\b", letter), (name, lang)


def test_json_keeps_the_paths() -> None:
    """Paths leave the texts, not the data: the decision's JSON still names them."""
    fx = fixture("047-undetermined-incomes-missing")
    data = json.loads(rules(fx).evaluate(fx.case).to_json())
    assert data["missing_facts"] == ["incomes"]


def test_an_unknown_recipient_field_is_refused_with_a_code() -> None:
    """Catches a misspelt field (``client_nmae``) silently dropping the client's name."""
    from aidrules.errors import EvaluationError

    with pytest.raises(EvaluationError) as info:
        render_explanation(explained(NAMES[0]), "client", "text", recipient={"client_nmae": "X"})
    assert info.value.diagnostics[0].code == "EX004"
