"""Message templates of reasons: their literal parts and a writer per value, chosen once from the
value's type (:func:`aidrules.words.formatting.value`, whose amounts and whole numbers need no Babel)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from weakref import WeakKeyDictionary

from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.runtime import Context
from aidrules.ruleset.compiled import Template
from aidrules.words.formatting import locale_of, plain_json
from aidrules.words.formatting import value as format_value

Fn = Callable[[Context], Any]


class MessageText:
    """A message template in one language: its literal parts and the values it names.

    ``render`` writes the literal text between the values and each value as
    :func:`aidrules.words.formatting.value` would, with a writer chosen once per value from its
    type (amounts and whole numbers have fast writers, see :class:`_Locale`). The writers are
    chosen when the text is first rendered, not when the rule set is prepared: a language's
    number formats (Babel's locale data) are loaded only when a decision in that language is
    written. (Two threads rendering a new text at once both choose them: the same writers.)
    """

    __slots__ = ("exprs", "fns", "lang", "parts", "pieces", "types")

    def __init__(self, parts: tuple[str | CompiledExpression, ...], lang: str) -> None:
        self.parts = parts
        self.lang = lang
        self.exprs = tuple(p for p in parts if not isinstance(p, str))
        self.fns: tuple[Fn, ...] = tuple(p.fn for p in self.exprs)
        self.types: tuple[t.Type, ...] = tuple(p.type for p in parts if not isinstance(p, str))
        #: the literal text before each value and the value's writer, and the text after the last
        #: value (one attribute, set at once: another thread sees both or neither)
        self.pieces: tuple[tuple[tuple[str, Callable[[Any], str]], ...], str] | None = None

    def render(self, values: list[Any], lang: str) -> str:
        pieces, tail = self.pieces or self.choose()
        out = [literal + write(value) for (literal, write), value in zip(pieces, values, strict=True)]
        out.append(tail)
        return "".join(out)

    def choose(self) -> tuple[tuple[tuple[str, Callable[[Any], str]], ...], str]:
        """:attr:`pieces`, chosen now."""
        pieces: list[tuple[str, Callable[[Any], str]]] = []
        literal = ""
        for part in self.parts:
            if isinstance(part, str):
                literal += part
            else:
                pieces.append((literal, _writer(part.type, self.lang)))
                literal = ""
        self.pieces = found = (tuple(pieces), literal)
        return found


#: The texts of the amounts written last, per language, by the value's text (``1.5`` and
#: ``1.50``, ``0`` and ``-0`` are told apart): the parameters a message names (a minimum, a
#: limit) are the same in every decision, and a case's amount is often named by several messages.
_MONEY_TEXTS: dict[str, dict[str, str]] = {}
_MAX_MONEY_TEXTS = 4096


#: The amount texts a writer of amounts keeps (by the amount's text) and its writer of an amount
#: whose text is known, by the writer: the generated loops look an amount up there before they
#: write it (``texts.get(key := str(v)) or write_text(key, v)``). A text kept there needs no
#: escaping in JSON (its JSON string is itself between quotes): a generated loop writing a compact
#: reason puts a kept text into the JSON as it is. (Held weakly: a rule set's writers go with it.)
AMOUNT_TEXTS: WeakKeyDictionary[Callable[[Any], str], tuple[dict[str, str], Callable[[str, Any], str]]] = (
    WeakKeyDictionary()
)


def _writer(typ: t.Type, lang: str) -> Callable[[Any], str]:
    """How a value of ``typ`` is written in ``lang``: ``format_value``, with the common case first."""
    locale = locale_of(lang)
    if isinstance(typ, t.Number) and typ.money:
        texts = _MONEY_TEXTS.setdefault(lang, {})

        def money_text(key: str, v: Any) -> str:
            """The text of ``v`` whose ``str(v)`` is ``key``, which ``texts`` does not hold."""
            if v.__class__ is not Decimal:
                return format_value(v, typ, lang)
            found = locale.money_of_text(key)
            if found is None:
                found = locale.money(v)
                if not plain_json(found):  # Babel's: kept only when JSON needs no escape
                    return found
            elif not locale.plain:
                return found
            if len(texts) >= _MAX_MONEY_TEXTS:
                texts.clear()
            texts[key] = found
            return found

        def money(v: Any) -> str:
            if v.__class__ is not Decimal:
                return format_value(v, typ, lang)
            key = str(v)
            return texts.get(key) or money_text(key, v)

        AMOUNT_TEXTS[money] = (texts, money_text)
        return money
    if isinstance(typ, t.Number) and typ.integer:

        def integer(v: Any) -> str:
            return locale.integer(v) if v.__class__ is int else format_value(v, typ, lang)

        return integer
    return lambda v: format_value(v, typ, lang)


def message_texts(template: Template | None) -> dict[str, MessageText] | None:
    return None if template is None else {lang: MessageText(parts, lang) for lang, parts in template.parts.items()}
