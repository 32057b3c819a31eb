"""AST nodes of the expression language: data only (no evaluation, no rendering).

Positions are 1-based line and column *inside the expression text*; the rule-set loader maps
them to the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Node:
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: Decimal | int | bool | str | date | None


@dataclass(frozen=True, slots=True)
class Name(Node):
    """A dotted reference: a fact (``client.motivation``), a parameter, a derived value, a
    condition id (``csr.own_will``), ``principles.X``, ``forms.X``, ``decision_date`` or a loop
    variable with its attributes (``d.amount``)."""

    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class Subscript(Node):
    """A parameter table entry: ``leefloon[household.category]``."""

    target: Name
    key: Node


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str  # "not" | "-"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    op: str  # "+" | "-" | "*" | "/"
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Compare(Node):
    op: str  # "==" | "!=" | "<" | "<=" | ">" | ">="
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class BoolOp(Node):
    op: str  # "and" | "or"
    values: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class In(Node):
    item: Node
    container: Node
    negate: bool


@dataclass(frozen=True, slots=True)
class IsNone(Node):
    operand: Node
    negate: bool


@dataclass(frozen=True, slots=True)
class IfElse(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class ListLiteral(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Call(Node):
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Aggregate(Node):
    """``sum(d.amount for d in debts if d.enforcement == 'bailiff')`` and count/any/all."""

    function: str
    element: Node
    variable: str
    iterable: Node
    condition: Node | None


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
