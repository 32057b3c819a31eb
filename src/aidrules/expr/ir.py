"""The typed intermediate form of a compiled expression: what each node computes.

The compiler (:mod:`aidrules.expr.compiler`) type-checks the syntax tree (:mod:`aidrules.expr.nodes`)
and builds, for every node, one of the frozen classes below together with the closure
``fn(Context) -> value`` that computes it. The closure is the reference semantics (the durable
backend, reviews and the what-if toolkit call it); the IR node says *what* it computes, in fields
the type checker knows, so that the code generator (:mod:`aidrules.expr.codegen`) can write the
same computation out as straight-line Python without looking inside closures.

Every node keeps its own closure in :attr:`Expr.fn` (left out of equality and ``repr``): a
node kind the generator has no emitter for, or a node nested too deeply, is generated as a call
of that closure. Values of the rule file (names, texts, numbers, dates) are plain fields here;
the generator passes them to the generated code as namespace constants, never as source text.

Besides expressions, the plan of a rule set is described by :class:`Step` (a named value, rounded
to the cent when it is money) and :class:`Conjunction` (the Kleene AND of named values: principles
and forms).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from aidrules._frozen import Frozen
from aidrules.expr.runtime import Context, Unknown

Fn = Callable[[Context], Any]
_set = object.__setattr__

#: A literal value of the language (``date('…')`` is compiled to a date literal).
LiteralValue = Decimal | int | bool | str | date | None


class Expr(Frozen):
    """A node of the intermediate form. ``fn`` is the closure computing it (the reference),
    passed by keyword and left out of equality and ``repr``."""

    #: The node's kind, as the generator and the tests name it.
    kind: ClassVar[str] = "expr"
    _hidden: ClassVar[frozenset[str]] = frozenset({"fn"})
    _keyword: ClassVar[frozenset[str]] = frozenset({"fn"})

    __slots__ = ("fn",)
    fn: Fn

    def __init__(self, *, fn: Fn) -> None:
        _set(self, "fn", fn)

    def children(self) -> tuple[Expr, ...]:
        """The sub-expressions, in evaluation order."""
        return ()

    def walk(self) -> Iterator[Expr]:
        """This node and every node below it, parents first."""
        yield self
        for child in self.children():
            yield from child.walk()


class Const(Expr):
    """A constant: a literal, or ``None`` standing for an expression that already has a problem."""

    kind: ClassVar[str] = "const"
    __slots__ = ("value",)
    value: LiteralValue | Unknown

    def __init__(self, value: LiteralValue | Unknown, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "value", value)


class DecisionDate(Expr):
    """``decision_date``."""

    kind: ClassVar[str] = "date"
    __slots__ = ()

    def __init__(self, *, fn: Fn) -> None:
        _set(self, "fn", fn)


class Value(Expr):
    """A named value: a parameter (or table), derived value, condition, principle, form…"""

    kind: ClassVar[str] = "value"
    __slots__ = ("name",)
    name: str

    def __init__(self, name: str, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "name", name)


class Fact(Expr):
    """A case fact by path (``client.motivation``): ``missing`` when a part is absent, ``None``
    when a section on the way is known to be absent."""

    kind: ClassVar[str] = "fact"
    __slots__ = ("missing", "parts")
    parts: tuple[str, ...]
    missing: Unknown

    def __init__(self, parts: tuple[str, ...], missing: Unknown, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "parts", parts)
        _set(self, "missing", missing)


class Local(Expr):
    """A field of the item a loop variable of an aggregation stands for (``d.amount``)."""

    kind: ClassVar[str] = "local"
    __slots__ = ("parts", "variable")
    variable: str
    parts: tuple[str, ...]

    def __init__(self, variable: str, parts: tuple[str, ...], *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "variable", variable)
        _set(self, "parts", parts)


class TableEntry(Expr):
    """``table[key]``: an entry of a parameter table."""

    kind: ClassVar[str] = "table"
    __slots__ = ("key", "name")
    name: str
    key: Expr

    def __init__(self, name: str, key: Expr, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "name", name)
        _set(self, "key", key)

    def children(self) -> tuple[Expr, ...]:
        return (self.key,)


class Not(Expr):
    """Kleene ``not``."""

    kind: ClassVar[str] = "not"
    __slots__ = ("operand",)
    operand: Expr

    def __init__(self, operand: Expr, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "operand", operand)

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


class Neg(Expr):
    """``-x``."""

    kind: ClassVar[str] = "neg"
    __slots__ = ("operand",)
    operand: Expr

    def __init__(self, operand: Expr, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "operand", operand)

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


class Arith(Expr):
    """``+ - * /`` on numbers, held below the size limit (division by zero is an error)."""

    kind: ClassVar[str] = "arith"
    __slots__ = ("left", "op", "right")
    op: str
    left: Expr
    right: Expr

    def __init__(self, op: str, left: Expr, right: Expr, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "op", op)
        _set(self, "left", left)
        _set(self, "right", right)

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


class Compare(Expr):
    """``== != < <= > >=``."""

    kind: ClassVar[str] = "compare"
    __slots__ = ("left", "op", "right")
    op: str
    left: Expr
    right: Expr

    def __init__(self, op: str, left: Expr, right: Expr, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "op", op)
        _set(self, "left", left)
        _set(self, "right", right)

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


class And(Expr):
    """Kleene ``and``: the first false decides; later operands are not evaluated."""

    kind: ClassVar[str] = "and"
    __slots__ = ("operands",)
    operands: tuple[Expr, ...]

    def __init__(self, operands: tuple[Expr, ...], *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "operands", operands)

    def children(self) -> tuple[Expr, ...]:
        return self.operands


class Or(Expr):
    """Kleene ``or``: the first true decides; later operands are not evaluated."""

    kind: ClassVar[str] = "or"
    __slots__ = ("operands",)
    operands: tuple[Expr, ...]

    def __init__(self, operands: tuple[Expr, ...], *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "operands", operands)

    def children(self) -> tuple[Expr, ...]:
        return self.operands


class In(Expr):
    """``item in [options]`` (``not in`` when ``negate``)."""

    kind: ClassVar[str] = "in"
    __slots__ = ("item", "negate", "options")
    item: Expr
    options: tuple[Expr, ...]
    negate: bool

    def __init__(self, item: Expr, options: tuple[Expr, ...], negate: bool, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "item", item)
        _set(self, "options", options)
        _set(self, "negate", negate)

    def children(self) -> tuple[Expr, ...]:
        return (self.item, *self.options)


class IsNone(Expr):
    """``x is None`` (``is not None`` when ``negate``)."""

    kind: ClassVar[str] = "is_none"
    __slots__ = ("negate", "operand")
    operand: Expr
    negate: bool

    def __init__(self, operand: Expr, negate: bool, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "operand", operand)
        _set(self, "negate", negate)

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


class IfElse(Expr):
    """``then if condition else otherwise``."""

    kind: ClassVar[str] = "if"
    __slots__ = ("condition", "otherwise", "then")
    condition: Expr
    then: Expr
    otherwise: Expr

    def __init__(self, condition: Expr, then: Expr, otherwise: Expr, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "condition", condition)
        _set(self, "then", then)
        _set(self, "otherwise", otherwise)

    def children(self) -> tuple[Expr, ...]:
        return (self.condition, self.then, self.otherwise)


class Call(Expr):
    """A function of the language (``min``, ``round``, ``add_days``, ``count``…): unknown when
    an argument is, else ``impl(*args)``. ``impl`` is the library's own function for it (left out
    of equality and ``repr``, as ``fn``)."""

    kind: ClassVar[str] = "call"
    _hidden: ClassVar[frozenset[str]] = frozenset({"fn", "impl"})
    __slots__ = ("args", "function", "impl")
    function: str
    impl: Callable[..., Any]
    args: tuple[Expr, ...]

    def __init__(self, function: str, impl: Callable[..., Any], args: tuple[Expr, ...], *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "function", function)
        _set(self, "impl", impl)
        _set(self, "args", args)

    def children(self) -> tuple[Expr, ...]:
        return self.args


class SumField(Expr):
    """``sum(x.field for x in items)``: the common aggregation, without a loop variable."""

    kind: ClassVar[str] = "sum_field"
    __slots__ = ("field", "items", "label")
    items: Expr
    field: str
    label: str

    def __init__(self, items: Expr, field: str, label: str, *, fn: Fn) -> None:
        _set(self, "fn", fn)
        _set(self, "items", items)
        _set(self, "field", field)
        _set(self, "label", label)

    def children(self) -> tuple[Expr, ...]:
        return (self.items,)


class Aggregate(Expr):
    """``function(element for variable in items if condition)``, ``function`` one of ``sum``,
    ``count``, ``any``, ``all``; ``label`` is the list's fact path, for unknowns."""

    kind: ClassVar[str] = "aggregate"
    __slots__ = ("condition", "element", "function", "items", "label", "variable")
    function: str
    variable: str
    items: Expr
    element: Expr
    condition: Expr | None
    label: str

    def __init__(
        self, function: str, variable: str, items: Expr, element: Expr, condition: Expr | None, label: str, *, fn: Fn
    ) -> None:
        _set(self, "fn", fn)
        _set(self, "function", function)
        _set(self, "variable", variable)
        _set(self, "items", items)
        _set(self, "element", element)
        _set(self, "condition", condition)
        _set(self, "label", label)

    def children(self) -> tuple[Expr, ...]:
        inner = (self.element,) if self.condition is None else (self.condition, self.element)
        return (self.items, *inner)


#: Every kind of node, for the generator's table of emitters and its test.
KINDS: tuple[type[Expr], ...] = (
    Const,
    DecisionDate,
    Value,
    Fact,
    Local,
    TableEntry,
    Not,
    Neg,
    Arith,
    Compare,
    And,
    Or,
    In,
    IsNone,
    IfElse,
    Call,
    SumField,
    Aggregate,
)


class Step(Frozen):
    """One named value of the plan: ``values[name] = expr``, rounded to the cent (half up) when
    ``money``."""

    __slots__ = ("expr", "money", "name")
    name: str
    expr: Expr
    money: bool

    def __init__(self, name: str, expr: Expr, money: bool) -> None:
        _set(self, "name", name)
        _set(self, "expr", expr)
        _set(self, "money", money)


class Conjunction(Frozen):
    """``values[name]`` = the Kleene AND of the named values ``parts`` (a principle, a form)."""

    __slots__ = ("name", "parts")
    name: str
    parts: tuple[str, ...]

    def __init__(self, name: str, parts: tuple[str, ...]) -> None:
        _set(self, "name", name)
        _set(self, "parts", parts)
