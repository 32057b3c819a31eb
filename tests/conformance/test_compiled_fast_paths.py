"""The compiled engine's shortcuts (docs/performance.md) change nothing a reader or program sees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_currency, format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidrules
from aidrules.engine.compiled import prepared
from aidrules.engine.decision import Decision
from aidrules.engine.prepare import Memo
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.testing import load_fixture
from aidrules.words.formatting import NUMBER_LOCALES, locale_of

FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "reference").glob("*.yaml"))
#: Amounts as the texts write them: English the English way (``€1,400.50``; see words/formatting.py).
LOCALES = NUMBER_LOCALES
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2) | st.decimals(
    min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=0
)


@SETTINGS
@given(value=amounts, lang=st.sampled_from(["nl", "fr", "en"]))
def test_amounts_are_written_as_babel_writes_them(value: Decimal, lang: str) -> None:
    assert locale_of(lang).money(value) == format_currency(value, "EUR", locale=LOCALES[lang])


@SETTINGS
@given(value=st.decimals(min_value=Decimal("-1e4"), max_value=Decimal("1e4"), places=4), lang=st.just("nl"))
def test_amounts_with_more_than_two_decimals_are_left_to_babel(value: Decimal, lang: str) -> None:
    assert locale_of(lang).money(value) == format_currency(value, "EUR", locale=LOCALES[lang])


@SETTINGS
@given(value=st.integers(min_value=-(10**17), max_value=10**17), lang=st.sampled_from(["nl", "fr", "en"]))
def test_whole_numbers_are_written_as_babel_writes_them(value: int, lang: str) -> None:
    assert locale_of(lang).integer(value) == format_decimal(value, locale=LOCALES[lang], decimal_quantization=False)


def test_decisions_built_without_validation_are_valid_and_serialise_the_same() -> None:
    for path in FIXTURES:
        fixture = load_fixture(path)
        rules = aidrules.load(None, fixture.case.get("on"))
        for lang in ("nl", "fr", "en"):
            decision = rules.evaluate(fixture.case, lang=lang)
            validated = Decision.model_validate(decision.model_dump())
            assert validated.to_json() == decision.to_json()
            assert validated == decision


def test_cached_reasons_do_not_change_a_decision(reference: CompiledRuleSet) -> None:
    cases = [load_fixture(p).case for p in FIXTURES]
    cases = [c for c in cases if date.fromisoformat(str(c["on"])) >= date(2025, 2, 1)]
    warm = [reference.evaluate(c).to_json() for c in cases]
    prep = prepared(reference)
    prep.forget()
    cold = [reference.evaluate(c).to_json() for c in reversed(cases)]
    assert list(reversed(cold)) == warm


def test_reason_caches_shrink_where_reasons_do_not_repeat() -> None:
    """A condition that shows each case's income finds no reason twice: its cache shrinks to
    nothing (or the few entries of a new try). One that shows a yes/no fact keeps its (few)
    reasons and its full size."""
    from aidrules.ruleset.compile import load_ruleset

    rules = load_ruleset(Path(__file__).resolve().parents[2] / "rules" / "noord-limburg-budgethulp.yaml")
    for i in range(600):
        amount = f"{1000 + i}.{i % 100:02d}"
        rules.evaluate(
            {"on": "2025-03-01", "client": {"consents": i % 2 == 0}, "incomes": [{"monthly_net": amount}]}
        ).materialise()
    conditions = {c.id: c for c in prepared(rules).conditions}
    by_income = conditions["minimal_income.sufficient"]  # shows total_income
    by_consent = conditions["voluntary.consents"]  # shows client.consents
    # its outcome is unknown (no household category, so no threshold): its reasons are kept apart
    income_memo = by_income.unknown_memo
    assert income_memo.cap <= Memo.PROBE_SIZE and len(income_memo.entries) <= Memo.PROBE_SIZE
    assert by_consent.memo.cap == Memo.MAX_SIZE and 1 <= len(by_consent.memo.entries) <= 4


def test_a_changed_copy_of_a_rule_set_prepares_its_own_plan(reference: CompiledRuleSet) -> None:
    from dataclasses import replace

    case = {"on": "2025-03-01", "client": {"consents": False}}
    reference.evaluate(case)
    copy = replace(reference, otherwise="none")
    assert copy.prepared == {} and reference.prepared
    assert copy.evaluate(case).to_json() == reference.evaluate(case).to_json()
