"""Belgian formatting of values in texts (Babel: nl-BE, fr-BE, en-BE).

Babel is loaded the first time a value is formatted (:func:`aidrules._extras.deferred`), not when
the engine that imports this module is imported.
"""

from __future__ import annotations

from datetime import date
from decimal import Context, Decimal
from functools import lru_cache
from typing import Any

from aidrules._extras import deferred
from aidrules.expr import types as t
from aidrules.expr.runtime import Unknown
from aidrules.text.interface import ui, value_label

LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_BE"}
#: Amounts and numbers: Belgian English writes them the Dutch way (``1.400,50 €``), which an English
#: reader misreads; Irish English is English in the euro area (``€1,400.50``).
NUMBER_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_IE"}


@lru_cache(maxsize=4096)
def money(value: Decimal, lang: str) -> str:
    """``€ 1.314,20`` in nl-BE."""
    return str(deferred("babel.numbers").format_currency(value, "EUR", locale=NUMBER_LOCALES[lang]))


@lru_cache(maxsize=4096)
def number(value: Decimal | int, lang: str) -> str:
    return str(deferred("babel.numbers").format_decimal(value, locale=NUMBER_LOCALES[lang], decimal_quantization=False))


@lru_cache(maxsize=1024)
def day(value: date, lang: str) -> str:
    """``1 maart 2025`` in nl-BE; ``1er mars 2025`` in French (the first of a month is an ordinal)."""
    text = str(deferred("babel.dates").format_date(value, format="long", locale=LOCALES[lang]))
    if lang == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er " + text[2:]
    return text


def value(v: Any, typ: t.Type, lang: str) -> str:
    """A value for a reader, by its type (amounts and whole numbers without Babel, see :class:`_Locale`)."""
    if isinstance(v, Unknown):
        return ui("unknown_value", lang)
    if v is None:
        return ui("none_value", lang)
    if v is True or v is False:
        return ui("yes" if v else "no", lang)
    if isinstance(typ, t.Number):
        if type(v) is Decimal:
            return locale_of(lang).money(v) if typ.money else number(v, lang)
        if type(v) is int:
            return locale_of(lang).money(Decimal(v)) if typ.money else locale_of(lang).integer(v)
        if isinstance(v, Decimal | int) and not isinstance(v, bool):
            return money(Decimal(v), lang) if typ.money else number(v, lang)
    if isinstance(v, date):
        return day(v, lang)
    if isinstance(typ, t.Text) and typ.choices:
        return value_label(str(v), lang)
    return str(v)


class _Locale:
    """Separators and currency placement of one locale, read from Babel once."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        probe = money(Decimal("1234567.89"), lang)
        start = probe.index("1")
        end = probe.index("89") + 2
        self.prefix, self.suffix = probe[:start], probe[end:]
        body = probe[start:end]
        group, decimal = body[1], body[-3]
        self.group, self.decimal = group, decimal
        negative = money(Decimal("-1234567.89"), lang)
        # The fast path writes the sign right before the digits, as Babel does for nl, fr and en.
        self.fast_money = negative == self.prefix + "-" + body + self.suffix
        probe_number = number(1234567, lang)
        self.number_table = str.maketrans({",": probe_number[1]}) if len(probe_number) == 9 else None

    def money(self, value: Decimal) -> str:
        """``formatting.money`` for an amount worth a whole number of cents (Babel rounds others)."""
        if (
            not self.fast_money
            or not value.is_finite()
            or value.adjusted() > 17
            or value != value.quantize(_CENT, context=_QUANTIZE)
        ):
            return money(value, self.lang)
        text = format(value, ",.2f")  # ends in ".dd"; cheaper than translate()
        return self.prefix + text[:-3].replace(",", self.group) + self.decimal + text[-2:] + self.suffix

    def integer(self, value: int) -> str:
        if self.number_table is None or abs(value) >= 10**18:
            return number(value, self.lang)
        return format(value, ",").translate(self.number_table)


_CENT = Decimal("0.01")
#: where ``_Locale.money`` tells whole cents apart: whatever the caller's context traps
_QUANTIZE = Context(prec=40, Emin=-999_999, Emax=999_999, traps=[])
_LOCALES: dict[str, _Locale] = {}


def locale_of(lang: str) -> _Locale:
    found = _LOCALES.get(lang)
    if found is None:
        found = _LOCALES.setdefault(lang, _Locale(lang))
    return found
