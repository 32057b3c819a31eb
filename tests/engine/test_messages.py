"""A message's amount written from its text (``_Locale.money_of_text``, ``words/formatting.py``).

A message's amount writer writes a new amount (one the writer has not kept the text of) from
``str(v)`` when that is plain digits with two decimals, instead of ``locale.money(v)``
(``format(v, ",.2f")`` and the checks of a Decimal). It must give ``locale.money``'s text, in
every language, or None and leave the amount to it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidrules.words.formatting import locale_of

LANGS = ("nl", "fr", "en")
EDGES = [
    "0.00",
    "-0.00",
    "0.05",
    "-0.05",
    "999.99",
    "1000.00",
    "-1000.00",
    "1234567.89",
    "-1234567.89",
    "999999999999999999.99",  # 18 digits before the point: the last the locale writes itself
    "1000000000000000000.00",  # 19: Babel's (``locale.money`` hands it on)
    "1.500",
    "1.5",
    "100",
    "1E+3",
    "1.23E+5",
    "12.345",
    "NaN",
    "Infinity",
    "-Infinity",
]


def _same(v: Decimal, lang: str) -> bool:
    """``money_of_text`` of ``str(v)`` is None or ``locale.money(v)``; True when it wrote it."""
    locale = locale_of(lang)
    written = locale.money_of_text(str(v))
    if written is not None:
        assert written == locale.money(v), (str(v), lang)
    return written is not None


@pytest.mark.parametrize("lang", LANGS)
def test_an_amount_written_from_its_text_is_the_locales(lang: str) -> None:
    """Catches a text written from ``str(v)`` that differs from ``locale.money(v)`` (a sign, a
    group separator, zero, the 18-digit limit) or an amount written that is not plain cents
    (``1.500``, ``1.5``, an exponent, NaN, infinities: left to the locale)."""
    written = {text for text in EDGES if _same(Decimal(text), lang)}
    assert written == {text for text in EDGES[:10]}


@settings(max_examples=300, deadline=None)
@given(
    cents=st.integers(min_value=-(10**21), max_value=10**21),
    lang=st.sampled_from(LANGS),
)
def test_any_amount_at_the_cent_is_written_as_the_locale_writes_it(cents: int, lang: str) -> None:
    """Catches a difference with ``locale.money`` for any amount rounded to the cent, small or
    large, positive or negative."""
    v = Decimal(cents).scaleb(-2)
    assert _same(v, lang) == (abs(cents) < 10**20)
