"""Belgian formatting of values in texts (Babel: nl-BE, fr-BE, en-BE).

Babel is loaded the first time a value is formatted (:func:`aidrules._extras.deferred`), not when
the engine that imports this module is imported. What the common values need of a language's
locale data (its separators and currency placement, read from three amounts Babel writes, and its
long date pattern with the names of the months) is kept in the per-user cache
(:mod:`aidrules.readers.usercache`, kind ``locale``, keyed by Babel's and this module's code): a
decision whose amounts are whole cents and whose dates are days of the years 1000-9999 is then
written without loading Babel (about 11 ms of a command's start). Anything else goes to Babel, as
before; ``tests/words/test_locale_formats.py`` compares both ways.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Context, Decimal
from functools import lru_cache
from importlib.util import find_spec
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from aidrules._extras import deferred
from aidrules.expr import types as t
from aidrules.expr.runtime import Unknown
from aidrules.readers.usercache import cached_value, key
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
    text = locale_of(lang).day(value)
    if lang == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er " + text[2:]
    return text


def babel_day(value: date, lang: str) -> str:
    """Babel's long date of ``value`` in ``lang`` (:func:`day` without the French ordinal)."""
    return str(deferred("babel.dates").format_date(value, format="long", locale=LOCALES[lang]))


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


#: What a language's formats are read from (:func:`formats`): Babel's texts of an amount, of the
#: same amount negative and of a whole number, then its long date pattern and the names of the
#: twelve months as a date writes them.
Formats = tuple[str, str, str, str, tuple[str, ...]]


def babel_formats(lang: str) -> Formats:
    """:data:`Formats` of ``lang``, asked of Babel."""
    locale = deferred("babel.dates").Locale.parse(LOCALES[lang])
    months = locale.months["format"]["wide"]
    return (
        money(Decimal("1234567.89"), lang),
        money(Decimal("-1234567.89"), lang),
        number(1234567, lang),
        str(locale.date_formats["long"].pattern),
        tuple(str(months[m]) for m in range(1, 13)),
    )


def _accept_formats(value: object) -> Formats | None:
    """Stored :data:`Formats`, only when every field is a text (twelve month names) and the
    locale read from them writes the probe numbers back exactly as stored."""
    if not isinstance(value, tuple) or len(value) != 5:
        return None
    *texts, months = value
    if not all(type(v) is str for v in texts) or type(months) is not tuple or len(months) != 12:
        return None
    if not all(type(m) is str for m in months):
        return None
    found: Formats = (texts[0], texts[1], texts[2], texts[3], months)
    try:
        locale = _Locale("nl", found)
    except (ValueError, IndexError):  # a probe without its digits
        return None
    if locale.fast_money and (
        locale.money(Decimal("1234567.89")) != found[0] or locale.money(Decimal("-1234567.89")) != found[1]
    ):
        return None
    if locale.number_table is not None and locale.integer(1234567) != found[2]:
        return None
    return found


@lru_cache(maxsize=1)
def _code_key() -> bytes:
    """What the stored formats depend on besides the language: Babel's code (its version is in
    its ``__init__``; its locale data comes with it) and this module's."""
    spec = find_spec("babel")
    babel = Path(spec.origin).read_bytes() if spec is not None and spec.origin else b""
    return hashlib.sha256(babel).digest() + hashlib.sha256(Path(__file__).read_bytes()).digest()


def formats(lang: str) -> Formats:
    """:func:`babel_formats`, from the per-user cache when it holds them for this Babel."""
    name = key(b"locale", _code_key(), LOCALES[lang].encode(), NUMBER_LOCALES[lang].encode())
    return cached_value("locale", name, lambda: babel_formats(lang), _accept_formats)


class _Locale:
    """Separators and currency placement of one locale, and how it writes a day, read from Babel
    once (:func:`formats`)."""

    def __init__(self, lang: str, found: Formats) -> None:
        self.lang = lang
        probe, negative, probe_number, pattern, months = found
        start = probe.index("1")
        end = probe.index("89") + 2
        self.prefix, self.suffix = probe[:start], probe[end:]
        body = probe[start:end]
        group, decimal = body[1], body[-3]
        self.group, self.decimal = group, decimal
        # The fast path writes the sign right before the digits, as Babel does for nl and fr, or
        # before the currency sign, as it does for en (``-€1,400.50``).
        self.sign_first = negative == "-" + self.prefix + body + self.suffix and not self.prefix.startswith("-")
        self.fast_money = self.sign_first or negative == self.prefix + "-" + body + self.suffix
        #: whether the amounts written here (:meth:`money_of_text`) are JSON string contents as
        #: they are (no ``"``, ``\\`` or control character among the signs and separators)
        self.plain = all(map(plain_json, (self.prefix, self.suffix, group, decimal)))
        self.number_table = str.maketrans({",": probe_number[1]}) if len(probe_number) == 9 else None
        self.months = months
        #: the long date pattern as literal texts and fields (``d``, ``MMMM``, ``y``), or None
        #: when it has anything else (then Babel writes every day)
        self.date_parts = _date_parts(pattern)

    def day(self, value: date) -> str:
        """Babel's long date of ``value`` (:func:`babel_day`)."""
        parts = self.date_parts
        if parts is None or not 1000 <= value.year <= 9999:
            return babel_day(value, self.lang)
        out = []
        for part in parts:
            if part == "d":
                out.append(str(value.day))
            elif part == "MMMM":
                out.append(self.months[value.month - 1])
            elif part == "y":
                out.append(str(value.year))
            else:
                out.append(part[1:])
        return "".join(out)

    def money(self, value: Decimal) -> str:
        """``formatting.money`` for an amount worth a whole number of cents (Babel rounds others)."""
        if (
            not self.fast_money
            or not value.is_finite()
            or value.adjusted() > 17
            or value != value.quantize(_CENT, context=_QUANTIZE)
        ):
            return money(value, self.lang)
        return self.money_of_text(format(value, ".2f")) or money(value, self.lang)

    def money_of_text(self, text: str) -> str | None:
        """:meth:`money` of the amount whose ``str(v)`` is ``text``, written from that text, when it
        is plain digits with two decimals (``[-]d+.dd``, at most 18 digits before the point: an
        amount of the plan, rounded to the cent) and this locale writes amounts itself; else None
        (the caller calls :meth:`money`). :meth:`money` writes its amounts through it, from
        ``format(v, ".2f")``; the generated messages call it with the ``str(v)`` they have
        already, without a Decimal's checks (``tests/engine/test_messages.py`` compares it with
        Babel). One f-string builds the text (a run of ``+`` would make a text per step), and
        below a million the group separator is put in by slicing, not ``format(int(digits), ",")``."""
        if not self.fast_money or text[-3:-2] != ".":
            return None
        if text[0] == "-":
            sign, digits = "-", text[1:-3]
        else:
            sign, digits = "", text[:-3]
        if not (digits.isascii() and digits.isdigit()):
            return None
        n = len(digits)
        if n > 3:
            if n <= 6:
                digits = f"{digits[:-3]}{self.group}{digits[-3:]}"
            elif n <= 18:
                digits = format(int(digits), ",").replace(",", self.group)
            else:
                return None
        if sign and self.sign_first:
            return f"-{self.prefix}{digits}{self.decimal}{text[-2:]}{self.suffix}"
        return f"{self.prefix}{sign}{digits}{self.decimal}{text[-2:]}{self.suffix}"

    def integer(self, value: int) -> str:
        if self.number_table is None or abs(value) >= 10**18:
            return number(value, self.lang)
        return format(value, ",").translate(self.number_table)


def plain_json(text: str) -> bool:
    """Whether ``text`` is its own JSON string contents (no ``"``, ``\\`` or control character:
    nothing to escape), so a JSON writer may put it between quotes as it is."""
    return encode_basestring(text)[1:-1] == text


_CENT = Decimal("0.01")
#: where ``_Locale.money`` tells whole cents apart: whatever the caller's context traps
_QUANTIZE = Context(prec=40, Emin=-999_999, Emax=999_999, traps=[])
_LOCALES: dict[str, _Locale] = {}


def locale_of(lang: str) -> _Locale:
    found = _LOCALES.get(lang)
    if found is None:
        found = _LOCALES.setdefault(lang, _Locale(lang, formats(lang)))
    return found


_FIELDS = frozenset({"d", "MMMM", "y"})


def _date_parts(pattern: str) -> tuple[str, ...] | None:
    """A long date pattern (``d MMMM y``) as its fields and its literal texts (each written with
    a leading ``'``), or None when it quotes text or has another field than ``d``, ``MMMM`` and ``y``."""
    if "'" in pattern:
        return None
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        end = i + 1
        while end < len(pattern) and pattern[end] == char:
            end += 1
        run = pattern[i:end]
        if char.isascii() and char.isalpha():
            if run not in _FIELDS:
                return None
            parts.append(run)
        elif parts and parts[-1].startswith("'"):
            parts[-1] += run
        else:
            parts.append("'" + run)
        i = end
    return tuple(parts)
