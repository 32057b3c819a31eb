"""Message templates and value formatting for reasons: the same texts as
:mod:`aidrules.words.formatting`, without Babel in the common cases (amounts, whole numbers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from aidrules.explain.i18n import ui, value_label
from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.runtime import Context, Unknown
from aidrules.ruleset.compiled import Template
from aidrules.words import formatting

Fn = Callable[[Context], Any]


class MessageText:
    """A message template in one language: its literal parts and the values it names.

    ``render`` writes the literal text between the values and each value as
    :func:`aidrules.words.formatting.value` would, with a writer chosen once per value from its
    type (amounts and whole numbers have fast writers, see :class:`_Locale`).
    """

    __slots__ = ("exprs", "fns", "parts", "pieces", "tail", "types")

    def __init__(self, parts: tuple[str | CompiledExpression, ...], lang: str) -> None:
        self.parts = parts
        self.exprs = tuple(p for p in parts if not isinstance(p, str))
        self.fns: tuple[Fn, ...] = tuple(p.fn for p in self.exprs)
        self.types: tuple[t.Type, ...] = tuple(p.type for p in parts if not isinstance(p, str))
        pieces: list[tuple[str, Callable[[Any], str]]] = []
        literal = ""
        for part in parts:
            if isinstance(part, str):
                literal += part
            else:
                pieces.append((literal, _writer(part.type, lang)))
                literal = ""
        self.pieces = tuple(pieces)
        self.tail = literal

    def render(self, values: list[Any], lang: str) -> str:
        out = [literal + write(value) for (literal, write), value in zip(self.pieces, values, strict=True)]
        out.append(self.tail)
        return "".join(out)


def _writer(typ: t.Type, lang: str) -> Callable[[Any], str]:
    """How a value of ``typ`` is written in ``lang``: ``format_value``, with the common case first."""
    locale = locale_of(lang)
    if isinstance(typ, t.Number) and typ.money:

        def money(v: Any) -> str:
            return locale.money(v) if v.__class__ is Decimal else format_value(v, typ, lang)

        return money
    if isinstance(typ, t.Number) and typ.integer:

        def integer(v: Any) -> str:
            return locale.integer(v) if v.__class__ is int else format_value(v, typ, lang)

        return integer
    return lambda v: format_value(v, typ, lang)


def message_texts(template: Template | None) -> dict[str, MessageText] | None:
    return None if template is None else {lang: MessageText(parts, lang) for lang, parts in template.parts.items()}


class _Locale:
    """Separators and currency placement of one locale, read from Babel once."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        probe = formatting.money(Decimal("1234567.89"), lang)
        start = probe.index("1")
        end = probe.index("89") + 2
        self.prefix, self.suffix = probe[:start], probe[end:]
        body = probe[start:end]
        group, decimal = body[1], body[-3]
        self.money_table = str.maketrans({",": group, ".": decimal})
        negative = formatting.money(Decimal("-1234567.89"), lang)
        # The fast path writes the sign right before the digits, as Babel does for nl, fr and en.
        self.fast_money = negative == self.prefix + "-" + body + self.suffix
        number = formatting.number(1234567, lang)
        self.number_table = str.maketrans({",": number[1]}) if len(number) == 9 else None

    def money(self, value: Decimal) -> str:
        """``formatting.money`` for an amount with at most two decimals (Babel rounds others)."""
        exponent = value.as_tuple().exponent
        if not self.fast_money or not isinstance(exponent, int) or exponent < -2 or value.adjusted() > 17:
            return formatting.money(value, self.lang)
        return self.prefix + format(value, ",.2f").translate(self.money_table) + self.suffix

    def integer(self, value: int) -> str:
        if self.number_table is None or abs(value) >= 10**18:
            return formatting.number(value, self.lang)
        return format(value, ",").translate(self.number_table)


_LOCALES: dict[str, _Locale] = {}


def locale_of(lang: str) -> _Locale:
    found = _LOCALES.get(lang)
    if found is None:
        found = _LOCALES.setdefault(lang, _Locale(lang))
    return found


def format_value(v: Any, typ: t.Type, lang: str) -> str:
    """:func:`aidrules.words.formatting.value`, with fast paths for amounts and whole numbers."""
    if isinstance(v, Unknown):
        return ui("unknown_value", lang)
    if v is None:
        return ui("none_value", lang)
    if v is True or v is False:
        return ui("yes" if v else "no", lang)
    if isinstance(typ, t.Number):
        if type(v) is Decimal:
            return locale_of(lang).money(v) if typ.money else formatting.number(v, lang)
        if type(v) is int:
            return locale_of(lang).money(Decimal(v)) if typ.money else locale_of(lang).integer(v)
    if isinstance(v, date):
        return formatting.day(v, lang)
    if isinstance(typ, t.Text) and typ.choices:
        return value_label(str(v), lang)
    return formatting.value(v, typ, lang)
