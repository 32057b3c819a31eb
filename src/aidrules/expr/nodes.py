"""AST nodes of the expression language: data only (no evaluation, no rendering).

Positions are 1-based line and column *inside the expression text*; the rule-set loader maps
them to the file. The nodes are frozen values (:class:`aidrules._frozen.Frozen`: equal when their
fields are, hashable, shown as ``Binary(line=1, column=1, op='+', ...)``), each with its own
``__init__``, so importing the module compiles no dataclass methods.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from aidrules._frozen import Frozen

_set = object.__setattr__


class Node(Frozen):
    """A node of the syntax tree, at its line and column."""

    __slots__ = ("column", "line")
    line: int
    column: int

    def __init__(self, line: int, column: int) -> None:
        _set(self, "line", line)
        _set(self, "column", column)


class Literal(Node):
    __slots__ = ("value",)
    value: Decimal | int | bool | str | date | None

    def __init__(self, line: int, column: int, value: Decimal | int | bool | str | date | None) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "value", value)


class Name(Node):
    """A dotted reference: a fact (``client.motivation``), a parameter, a derived value, a
    condition id (``csr.own_will``), ``principles.X``, ``forms.X``, ``decision_date`` or a loop
    variable with its attributes (``d.amount``)."""

    __slots__ = ("parts",)
    parts: tuple[str, ...]

    def __init__(self, line: int, column: int, parts: tuple[str, ...]) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "parts", parts)

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


class Subscript(Node):
    """A parameter table entry: ``leefloon[household.category]``."""

    __slots__ = ("key", "target")
    target: Name
    key: Node

    def __init__(self, line: int, column: int, target: Name, key: Node) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "target", target)
        _set(self, "key", key)


class Unary(Node):
    __slots__ = ("op", "operand")
    op: str  # "not" | "-"
    operand: Node

    def __init__(self, line: int, column: int, op: str, operand: Node) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "op", op)
        _set(self, "operand", operand)


class Binary(Node):
    __slots__ = ("left", "op", "right")
    op: str  # "+" | "-" | "*" | "/"
    left: Node
    right: Node

    def __init__(self, line: int, column: int, op: str, left: Node, right: Node) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "op", op)
        _set(self, "left", left)
        _set(self, "right", right)


class Compare(Node):
    __slots__ = ("left", "op", "right")
    op: str  # "==" | "!=" | "<" | "<=" | ">" | ">="
    left: Node
    right: Node

    def __init__(self, line: int, column: int, op: str, left: Node, right: Node) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "op", op)
        _set(self, "left", left)
        _set(self, "right", right)


class BoolOp(Node):
    __slots__ = ("op", "values")
    op: str  # "and" | "or"
    values: tuple[Node, ...]

    def __init__(self, line: int, column: int, op: str, values: tuple[Node, ...]) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "op", op)
        _set(self, "values", values)


class In(Node):
    __slots__ = ("container", "item", "negate")
    item: Node
    container: Node
    negate: bool

    def __init__(self, line: int, column: int, item: Node, container: Node, negate: bool) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "item", item)
        _set(self, "container", container)
        _set(self, "negate", negate)


class IsNone(Node):
    __slots__ = ("negate", "operand")
    operand: Node
    negate: bool

    def __init__(self, line: int, column: int, operand: Node, negate: bool) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "operand", operand)
        _set(self, "negate", negate)


class IfElse(Node):
    __slots__ = ("condition", "otherwise", "then")
    condition: Node
    then: Node
    otherwise: Node

    def __init__(self, line: int, column: int, condition: Node, then: Node, otherwise: Node) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "condition", condition)
        _set(self, "then", then)
        _set(self, "otherwise", otherwise)


class ListLiteral(Node):
    __slots__ = ("items",)
    items: tuple[Node, ...]

    def __init__(self, line: int, column: int, items: tuple[Node, ...]) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "items", items)


class Call(Node):
    __slots__ = ("args", "function")
    function: str
    args: tuple[Node, ...]

    def __init__(self, line: int, column: int, function: str, args: tuple[Node, ...]) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "function", function)
        _set(self, "args", args)


class Aggregate(Node):
    """``sum(d.amount for d in debts if d.enforcement == 'bailiff')`` and count/any/all."""

    __slots__ = ("condition", "element", "function", "iterable", "variable")
    function: str
    element: Node
    variable: str
    iterable: Node
    condition: Node | None

    def __init__(
        self,
        line: int,
        column: int,
        function: str,
        element: Node,
        variable: str,
        iterable: Node,
        condition: Node | None,
    ) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "function", function)
        _set(self, "element", element)
        _set(self, "variable", variable)
        _set(self, "iterable", iterable)
        _set(self, "condition", condition)


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of ``node``."""
    match node:
        case Subscript(target=t, key=k):
            return (t, k)
        case Unary(operand=o) | IsNone(operand=o):
            return (o,)
        case Binary(left=a, right=b) | Compare(left=a, right=b):
            return (a, b)
        case BoolOp(values=v):
            return v
        case In(item=a, container=b):
            return (a, b)
        case IfElse(condition=c, then=a, otherwise=b):
            return (c, a, b)
        case ListLiteral(items=items):
            return items
        case Call(args=args):
            return args
        case Aggregate(element=e, iterable=i, condition=c):
            return (i, e) if c is None else (i, e, c)
    return ()


def walk(node: Node) -> list[Node]:
    """``node`` and all nodes below it, depth first."""
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(children(current)))
    return out
