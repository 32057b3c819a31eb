"""Message templates of reasons: their literal parts and a writer per value, chosen once from the
value's type (:func:`aidrules.words.formatting.value`, whose amounts and whole numbers need no Babel)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.runtime import Context
from aidrules.ruleset.compiled import Template
from aidrules.words.formatting import locale_of
from aidrules.words.formatting import value as format_value

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
