"""Belgian formatting of values in texts (Babel: nl-BE, fr-BE, en-BE).

Babel is loaded the first time a value is formatted (:func:`aidrules._extras.deferred`), not when
the engine that imports this module is imported.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from aidrules._extras import deferred
from aidrules.explain.i18n import ui, value_label
from aidrules.expr import types as t
from aidrules.expr.runtime import Unknown

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
    """A value for a reader, by its type."""
    if isinstance(v, Unknown):
        return ui("unknown_value", lang)
    if v is None:
        return ui("none_value", lang)
    if isinstance(v, bool):
        return ui("yes" if v else "no", lang)
    if isinstance(v, Decimal | int) and isinstance(typ, t.Number):
        if typ.money:
            return money(Decimal(v), lang)
        return number(v, lang)
    if isinstance(v, date):
        return day(v, lang)
    if isinstance(typ, t.Text) and typ.choices:
        return value_label(str(v), lang)
    return str(v)
