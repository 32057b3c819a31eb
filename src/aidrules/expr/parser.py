"""Parsing expressions.

The syntax is a small, Python-like subset, read with Python's own parser (``ast.parse``: parsing
only, nothing is ever executed) and then translated, construct by construct, into our own nodes.
Anything outside the subset is a diagnostic, never silently accepted.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from aidrules.codes import Code
from aidrules.expr import nodes as n
from aidrules.limits import DEFAULT_LIMITS, Limits, number_in_range

# The defaults of :class:`aidrules.limits.Limits`, kept under their former names.
MAX_EXPRESSION_CHARS = DEFAULT_LIMITS.max_expression_chars
MAX_EXPRESSION_DEPTH = DEFAULT_LIMITS.max_expression_depth

_NUMBER = re.compile(r"[0-9_]*\.?[0-9_]*(?:[eE][-+]?[0-9_]+)?")

AGGREGATES = frozenset({"sum", "count", "any", "all"})

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_CMPOPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


@dataclass(frozen=True, slots=True)
class ParseProblem(Exception):
    """A syntax problem at a position inside the expression (1-based)."""

    code: Code
    message: str
    line: int
    column: int
    hint: str | None = None


def parse(source: str, *, limits: Limits | None = None) -> n.Node:
    """Parse one expression; raise :class:`ParseProblem` on anything outside the language.

    Example:
        >>> parse("client.motivation >= minimum_motivation").op
        '>='
    """
    limits = limits or DEFAULT_LIMITS
    if len(source) > limits.max_expression_chars:
        raise ParseProblem(
            "RS207",
            f"expression longer than {limits.max_expression_chars} characters",
            1,
            1,
            "split it into named derived values",
        )
    if not source.strip():
        raise ParseProblem("RS201", "empty expression", 1, 1)
    text = source.rstrip()
    # A multi-line YAML scalar may span lines; parenthesise so line breaks are allowed.
    try:
        tree = ast.parse(f"(\n{text}\n)", mode="eval")
    except SyntaxError as exc:
        line = max((exc.lineno or 2) - 1, 1)
        col = exc.offset or 1
        raise ParseProblem(
            "RS201",
            f"syntax error: {exc.msg}",
            line,
            col,
            "expressions look like `client.motivation >= 2 and client.consents`",
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ParseProblem("RS207", "expression nested too deeply", 1, 1) from None
    return _Translator(text, limits).node(tree.body, 0)


class _Translator:
    def __init__(self, text: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.lines = text.split("\n")
        self.limits = limits

    def pos(self, node: ast.AST) -> tuple[int, int]:
        line = max(getattr(node, "lineno", 2) - 1, 1)
        byte_col = getattr(node, "col_offset", 0)
        src = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        col = len(src.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore")) + 1
        return line, col

    def fail(self, node: ast.AST, message: str, hint: str | None = None, code: Code = "RS201") -> ParseProblem:
        line, col = self.pos(node)
        return ParseProblem(code, message, line, col, hint)

    def node(self, node: ast.AST, depth: int) -> n.Node:
        if depth > self.limits.max_expression_depth:
            raise self.fail(
                node,
                f"expression nested deeper than {self.limits.max_expression_depth} levels",
                "split it into named derived values",
                code="RS207",
            )
        line, col = self.pos(node)
        d = depth + 1
        match node:
            case ast.Constant(value=value):
                return n.Literal(line, col, self.constant(node, value))
            case ast.Name() | ast.Attribute():
                return n.Name(line, col, self.dotted(node))
            case ast.Subscript(value=target, slice=key):
                if not isinstance(target, ast.Name | ast.Attribute):
                    raise self.fail(node, "only a parameter table can be indexed, as in `leefloon[household.category]`")
                return n.Subscript(line, col, n.Name(line, col, self.dotted(target)), self.node(key, d))
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                return n.Unary(line, col, "not", self.node(operand, d))
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return n.Unary(line, col, "-", self.node(operand, d))
            case ast.BinOp(op=op, left=left, right=right):
                symbol = _BINOPS.get(type(op))
                if symbol is None:
                    raise self.fail(
                        node,
                        "operator not supported",
                        "use + - * / ; powers, modulo and bit operators are not part of the language",
                    )
                return n.Binary(line, col, symbol, self.node(left, d), self.node(right, d))
            case ast.BoolOp(op=op, values=values):
                return n.BoolOp(
                    line, col, "and" if isinstance(op, ast.And) else "or", tuple(self.node(v, d) for v in values)
                )
            case ast.Compare():
                return self.compare(node, d)
            case ast.IfExp(test=test, body=body, orelse=orelse):
                return n.IfElse(line, col, self.node(test, d), self.node(body, d), self.node(orelse, d))
            case ast.List(elts=elts) | ast.Tuple(elts=elts):
                return n.ListLiteral(line, col, tuple(self.node(e, d) for e in elts))
            case ast.Call():
                return self.call(node, d)
        raise self.fail(
            node,
            f"`{type(node).__name__}` is not part of the expression language",
            "see docs/expressions.md for what an expression may contain",
        )

    def constant(self, node: ast.AST, value: object) -> Decimal | int | bool | str | None:
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, int):
            if not number_in_range(value, self.limits):
                raise self.fail(node, "number too large", code="RS207")
            return value
        if isinstance(value, float):
            line, col = self.pos(node)
            match = _NUMBER.match(self.lines[line - 1], col - 1)
            if match is None:  # pragma: no cover - ast only makes floats from number literals
                raise self.fail(node, "not a number")
            number = Decimal(match.group(0).replace("_", ""))
            if not number.is_finite() or not number_in_range(number, self.limits):
                raise self.fail(node, "number too large or too small", code="RS207")
            return number
        raise self.fail(node, f"constant `{value!r}` is not supported")

    def dotted(self, node: ast.AST) -> tuple[str, ...]:
        parts: list[str] = []
        current = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name):
            raise self.fail(node, "a name must be a dotted reference such as `client.motivation`")
        parts.append(current.id)
        parts.reverse()
        for part in parts:
            if part.startswith("_"):
                raise self.fail(node, f"names may not start with `_` (`{part}`)", code="RS202")
        return tuple(parts)

    def compare(self, node: ast.Compare, d: int) -> n.Node:
        line, col = self.pos(node)
        parts: list[n.Node] = []
        left = self.node(node.left, d)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right_ast = comparator
            if isinstance(op, ast.In | ast.NotIn):
                parts.append(n.In(line, col, left, self.node(right_ast, d), isinstance(op, ast.NotIn)))
            elif isinstance(op, ast.Is | ast.IsNot):
                if not (isinstance(right_ast, ast.Constant) and right_ast.value is None):
                    raise self.fail(node, "`is` only compares with None", "write `x is None` or `x is not None`")
                parts.append(n.IsNone(line, col, left, isinstance(op, ast.IsNot)))
            else:
                parts.append(n.Compare(line, col, _CMPOPS[type(op)], left, self.node(right_ast, d)))
            left = self.node(right_ast, d)
        return parts[0] if len(parts) == 1 else n.BoolOp(line, col, "and", tuple(parts))

    def call(self, node: ast.Call, d: int) -> n.Node:
        line, col = self.pos(node)
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only the language's functions can be called", "see docs/expressions.md")
        name = node.func.id
        if node.keywords:
            raise self.fail(node, f"`{name}` takes no named arguments")
        if len(node.args) == 1 and isinstance(node.args[0], ast.GeneratorExp):
            gen = node.args[0]
            if name not in AGGREGATES:
                raise self.fail(node, f"`{name}` cannot aggregate over a list", "aggregate with sum, count, any or all")
            if len(gen.generators) != 1:
                raise self.fail(node, "one `for` per aggregation")
            comp = gen.generators[0]
            if not isinstance(comp.target, ast.Name) or comp.is_async or len(comp.ifs) > 1:
                raise self.fail(node, "write aggregations as `sum(d.amount for d in debts if ...)`")
            condition = self.node(comp.ifs[0], d) if comp.ifs else None
            return n.Aggregate(
                line, col, name, self.node(gen.elt, d), comp.target.id, self.node(comp.iter, d), condition
            )
        for arg in node.args:
            if isinstance(arg, ast.GeneratorExp | ast.Starred):
                raise self.fail(arg, f"`{name}` takes plain arguments")
        return n.Call(line, col, name, tuple(self.node(a, d) for a in node.args))


def literal_date(text: str) -> date | None:
    """A date literal's value, or None when ``text`` is not an ISO date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
