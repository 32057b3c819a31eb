"""Expressions in words for the generated pages: Dutch, French or English, never Python.

One function per node kind of the expression language (:mod:`aidrules.expr.nodes`); names are
shown by their readers' names: facts by their catalogue label, parameters, derived values and
conditions by their titles, coded values by their labels (``limited`` → "beperkt"). Arithmetic
and comparisons stay readable formulas (``totale schuld > 0``, ``a − b``), with parentheses
where the reading order needs them. The pages keep the original formula beside the words.

Examples:
    >>> import aidrules
    >>> from aidrules.expr.parser import parse
    >>> rs = aidrules.load()
    >>> render(parse("sum(i.monthly_net for i in incomes)"), rs, "nl")
    'som van de netto maandinkomens'
    >>> render(parse("client.budgeting_skills in ['limited', 'adequate']"), rs, "nl")
    'budgetvaardigheden is beperkt of voldoende'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from aidrules.expr import nodes as n
from aidrules.text import domain
from aidrules.text.interface import LANGS, value_words
from aidrules.words import formatting
from aidrules.words.labels import fact_labels

if TYPE_CHECKING:
    from aidrules.ruleset.compiled import CompiledRuleSet

#: The words of the renderer: the gettext domain ``docgen`` (``words.<key>``; ``sum.<list field>``,
#: sums with a name of their own; ``all.<list>`` / ``any.<list>``, "for every debt" and "for at
#: least one debt" whole, as Dutch "elk"/"elke" and French "un"/"une" follow the noun; ``review.<fact>``,
#: the facts of a review (docs/lifecycle.md), which are not in the case's catalogue). One item of a
#: list is the ``interface`` domain's ``item.<list>`` (schuld / dette / debt), as in the explanations.
_WORDS = domain("docgen")
_INTERFACE = domain("interface")
#: Keys of the ``interface`` domain the words use as they are.
_SHARED = frozenset({"yes", "no"})


def review_fact_label(path: str, lang: str) -> str | None:
    """The reader's name of a fact of a review (or a coded value of one), None for any other path."""
    return _WORDS[lang].get(f"review.{path}")


# Precedence of what a node renders to: a child with a lower one gets parentheses.
_PHRASE = 0  # a sentence-like phrase (conditional, call, filtered aggregate): always bracketed as an operand
_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _NEGATIVE, _ATOM = 1, 2, 3, 4, 5, 6, 7, 9
_SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


@dataclass(frozen=True)
class _Context:
    rs: CompiledRuleSet | None
    lang: str
    loops: Mapping[str, str] = field(default_factory=dict)  # loop variable -> list path

    def w(self, key: str, **values: str) -> str:
        text = _INTERFACE[self.lang][key] if key in _SHARED else _WORDS[self.lang][f"words.{key}"]
        return text.format(**values)

    def has_words(self, key: str) -> bool:
        return key in _SHARED or f"words.{key}" in _WORDS[self.lang]

    def inside(self, variable: str, iterable: n.Node) -> _Context:
        path = iterable.dotted if isinstance(iterable, n.Name) else ""
        if isinstance(iterable, n.Name) and iterable.parts[0] in self.loops:
            path = ".".join((self.loops[iterable.parts[0]] + "[]", *iterable.parts[1:]))
        return _Context(self.rs, self.lang, {**self.loops, variable: path})


def render(node: n.Node, rs: CompiledRuleSet | None, lang: str) -> str:
    """``node`` in words in ``lang`` (nl, fr or en), names by their titles in ``rs``."""
    return _render(node, _Context(rs, lang))[0]


def _render(node: n.Node, ctx: _Context) -> tuple[str, int]:
    """The words of ``node`` and their precedence."""
    renderer = _RENDERERS.get(type(node))
    if renderer is None:  # pragma: no cover - a new node kind without words fails the docgen tests
        raise TypeError(f"no words for {type(node).__name__}")
    return renderer(node, ctx)


def _operand(node: n.Node, ctx: _Context, minimum: int) -> str:
    text, precedence = _render(node, ctx)
    return f"({text})" if precedence < minimum else text


# -- one function per node kind ---------------------------------------------------------------
def _literal(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.Literal)
    value = node.value
    if value is None:
        return ctx.w("nothing"), _ATOM
    if isinstance(value, bool):
        return ctx.w("yes" if value else "no"), _ATOM
    if isinstance(value, Decimal | int):
        text = formatting.number(value, ctx.lang)
        return (f"−{text[1:]}" if text.startswith("-") else text), (_NEGATIVE if value < 0 else _ATOM)
    if isinstance(value, date):
        return formatting.day(value, ctx.lang), _ATOM
    return code_label(value, ctx.lang), _ATOM


def _name(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.Name)
    return name_label(node.parts, ctx), _ATOM


def _subscript(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.Subscript)
    table = name_label(node.target.parts, ctx)
    key = _operand(node.key, ctx, _ATOM)
    return ctx.w("table_for" if isinstance(node.key, n.Literal) else "table_by", a=table, b=key), _PHRASE


def _unary(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.Unary)
    if node.op == "not":
        return f"{ctx.w('not')} {_operand(node.operand, ctx, _ATOM)}", _NOT
    return f"−{_operand(node.operand, ctx, _ATOM)}", _NEGATIVE


def _binary(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.Binary)
    precedence = _SUM if node.op in "+-" else _PRODUCT
    left = _operand(node.left, ctx, precedence)
    right = _operand(node.right, ctx, precedence + 1)  # a − (b − c), a ÷ (b × c)
    return f"{left} {_SYMBOLS[node.op]} {right}", precedence


def _compare(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.Compare)
    left = _operand(node.left, ctx, _SUM)
    right = _operand(node.right, ctx, _SUM)
    if node.op in ("==", "!="):
        numeric = any(isinstance(x, n.Literal) and isinstance(x.value, Decimal | int) for x in (node.left, node.right))
        if numeric:
            return f"{left} {'=' if node.op == '==' else '≠'} {right}", _COMPARE
        return ctx.w("is" if node.op == "==" else "is_not", a=left, b=right), _COMPARE
    return f"{left} {_SYMBOLS[node.op]} {right}", _COMPARE


def _boolop(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.BoolOp)
    precedence = _AND if node.op == "and" else _OR
    parts = [_operand(v, ctx, precedence + 1) for v in node.values]
    return f" {ctx.w(node.op)} ".join(parts), precedence


def _in(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.In)
    item = _operand(node.item, ctx, _SUM)
    if isinstance(node.container, n.ListLiteral):
        choices = [_operand(x, ctx, _SUM) for x in node.container.items]
        alternatives = _join(choices, ctx.w("or"))
        return ctx.w("is_not" if node.negate else "is", a=item, b=alternatives), _COMPARE
    container = _operand(node.container, ctx, _SUM)
    return ctx.w("not_in_list" if node.negate else "in_list", a=item, b=container), _COMPARE


def _isnone(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.IsNone)
    return ctx.w("filled" if node.negate else "empty", a=_operand(node.operand, ctx, _SUM)), _COMPARE


def _ifelse(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.IfElse)
    then = _operand(node.then, ctx, _OR)
    otherwise = _operand(node.otherwise, ctx, _OR)
    text = ctx.w("if_else", a=then, b=otherwise, c=_operand(node.condition, ctx, _OR))
    return (text.replace(" si il", " s’il") if ctx.lang == "fr" else text), _PHRASE


def _list(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.ListLiteral)
    return _join([_operand(x, ctx, _SUM) for x in node.items], ctx.w("and")), _PHRASE


def _call(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.Call)
    args = node.args
    if node.function == "date" and len(args) == 1 and isinstance(args[0], n.Literal):
        day = args[0].value if isinstance(args[0].value, date) else None
        if day is None and isinstance(args[0].value, str):
            try:
                day = date.fromisoformat(args[0].value)
            except ValueError:
                day = None
        if day is not None:
            return formatting.day(day, ctx.lang), _ATOM
    words = [_operand(a, ctx, _ATOM if len(args) > 1 else _OR) for a in args]
    if node.function == "count" and len(words) == 1:
        return _count(words[0], ctx), _PHRASE
    if node.function in ("min", "max"):
        return ctx.w(node.function, a=_join(words, ctx.w("and"))), _PHRASE
    if node.function == "round" and len(words) == 2:
        return ctx.w("round_to", a=words[0], b=words[1]), _PHRASE
    if ctx.has_words(node.function) and len(words) <= 3:
        keys = dict(zip("abc", words, strict=False))
        return ctx.w(node.function, **keys), _PHRASE
    return f"{node.function.replace('_', ' ')} ({_join(words, ctx.w('and'))})", _PHRASE


def _aggregate(node: n.Node, ctx: _Context) -> tuple[str, int]:
    assert isinstance(node, n.Aggregate)
    inner = ctx.inside(node.variable, node.iterable)
    path = inner.loops[node.variable]
    words = _WORDS[ctx.lang]
    items = _operand(node.iterable, ctx, _ATOM)
    element = node.element
    if node.function == "count":
        text = _count(items, ctx)
    elif node.function == "sum":
        own = None
        if isinstance(element, n.Name) and len(element.parts) > 1 and element.parts[0] == node.variable:
            own = words.get(f"sum.{path}[].{'.'.join(element.parts[1:])}")
        text = own if own else ctx.w("sum", a=_operand(element, inner, _ATOM), b=items)
    else:
        condition = _operand(element, inner, _NOT)
        phrase = words.get(f"{node.function}.{path}")
        text = phrase.format(a=condition) if phrase else ctx.w(node.function, a=condition, b=items)
    if node.condition is not None:
        text = ctx.w("where", a=text, c=_operand(node.condition, inner, _NOT))
    return text, _PHRASE


def _count(items: str, ctx: _Context) -> str:
    if ctx.lang == "fr" and re.match(r"[aeiouyéèêh]", items):
        return f"nombre d’{items}"
    return ctx.w("count", b=items)


_RENDERERS: dict[type[n.Node], Callable[[n.Node, _Context], tuple[str, int]]] = {
    n.Literal: _literal,
    n.Name: _name,
    n.Subscript: _subscript,
    n.Unary: _unary,
    n.Binary: _binary,
    n.Compare: _compare,
    n.BoolOp: _boolop,
    n.In: _in,
    n.IsNone: _isnone,
    n.IfElse: _ifelse,
    n.ListLiteral: _list,
    n.Call: _call,
    n.Aggregate: _aggregate,
}


# -- names --------------------------------------------------------------------------------------
def name_label(parts: tuple[str, ...], ctx: _Context) -> str:
    """The reader's name of a dotted reference."""
    lang = LANGS.index(ctx.lang)
    head, dotted = parts[0], ".".join(parts)
    if head in ctx.loops:
        path = ctx.loops[head]
        if len(parts) == 1:
            return _INTERFACE[ctx.lang].get(f"item.{path}") or _humane(path)
        fact = f"{path}[].{'.'.join(parts[1:])}"
        labels = fact_labels().get(fact)
        return labels[lang] if labels else _humane(fact)
    rs = ctx.rs
    if rs is not None:
        if head == "forms" and len(parts) == 2:
            form = next((f for f in rs.forms if f.id == parts[1]), None)
            if form is not None:
                return ctx.w("possible", a=_title(form.title.get(ctx.lang)))
        if head == "principles" and len(parts) == 2:
            principle = next((p for p in rs.principles if p.id == parts[1]), None)
            if principle is not None:
                return ctx.w("principle", a=_title(principle.title.get(ctx.lang)))
        named = rs.named(dotted) or (rs.reviews.named(dotted) if rs.reviews is not None else None)
        if named is not None:
            return _title(named.title.get(ctx.lang))
        spec = rs.parameters.get(dotted)
        if spec is not None:
            return _title(spec.title.get(ctx.lang))
    if dotted in ("decision_date", "recommendation"):
        return ctx.w(dotted)
    labels = fact_labels().get(dotted)
    return labels[lang] if labels else (review_fact_label(dotted, ctx.lang) or _humane(dotted))


def code_label(code: str, lang: str) -> str:
    """The reader's word for a coded value (``limited`` → "beperkt")."""
    labels = value_words(code)
    return labels[LANGS.index(lang)] if labels else (review_fact_label(code, lang) or _humane(code))


def _title(text: str) -> str:
    """A title inside a sentence: lower case first letter (not for acronyms), typographic apostrophe."""
    text = text.replace("'", "’")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


def _humane(code: str) -> str:
    """A last resort for a name without a label: its words, without the code's punctuation."""
    return re.sub(r"[._\[\]]+", " ", code).strip()


def _join(words: list[str], last: str) -> str:
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"
