"""The typed intermediate form of a compiled expression: what each node computes.

The compiler (:mod:`aidrules.expr.compiler`) type-checks the syntax tree (:mod:`aidrules.expr.nodes`)
and builds, for every node, one of the frozen dataclasses below together with the closure
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
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from aidrules.expr.runtime import Context, Unknown

Fn = Callable[[Context], Any]

#: A literal value of the language (``date('…')`` is compiled to a date literal).
LiteralValue = Decimal | int | bool | str | date | None


@dataclass(frozen=True, slots=True)
class Expr:
    """A node of the intermediate form. ``fn`` is the closure computing it (the reference)."""

    #: The node's kind, as the generator and the tests name it.
    kind: ClassVar[str] = "expr"

    fn: Fn = field(kw_only=True, compare=False, repr=False)

    def children(self) -> tuple[Expr, ...]:
        """The sub-expressions, in evaluation order."""
        return ()

    def walk(self) -> Iterator[Expr]:
        """This node and every node below it, parents first."""
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Const(Expr):
    """A constant: a literal, or ``None`` standing for an expression that already has a problem."""

    kind: ClassVar[str] = "const"
    value: LiteralValue | Unknown


@dataclass(frozen=True, slots=True)
class DecisionDate(Expr):
    """``decision_date``."""

    kind: ClassVar[str] = "date"


@dataclass(frozen=True, slots=True)
class Value(Expr):
    """A named value: a parameter (or table), derived value, condition, principle, form…"""

    kind: ClassVar[str] = "value"
    name: str


@dataclass(frozen=True, slots=True)
class Fact(Expr):
    """A case fact by path (``client.motivation``): ``missing`` when a part is absent, ``None``
    when a section on the way is known to be absent."""

    kind: ClassVar[str] = "fact"
    parts: tuple[str, ...]
    missing: Unknown


@dataclass(frozen=True, slots=True)
class Local(Expr):
    """A field of the item a loop variable of an aggregation stands for (``d.amount``)."""

    kind: ClassVar[str] = "local"
    variable: str
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TableEntry(Expr):
    """``table[key]``: an entry of a parameter table."""

    kind: ClassVar[str] = "table"
    name: str
    key: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.key,)


@dataclass(frozen=True, slots=True)
class Not(Expr):
    """Kleene ``not``."""

    kind: ClassVar[str] = "not"
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class Neg(Expr):
    """``-x``."""

    kind: ClassVar[str] = "neg"
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class Arith(Expr):
    """``+ - * /`` on numbers, held below the size limit (division by zero is an error)."""

    kind: ClassVar[str] = "arith"
    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Compare(Expr):
    """``== != < <= > >=``."""

    kind: ClassVar[str] = "compare"
    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class And(Expr):
    """Kleene ``and``: the first false decides; later operands are not evaluated."""

    kind: ClassVar[str] = "and"
    operands: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.operands


@dataclass(frozen=True, slots=True)
class Or(Expr):
    """Kleene ``or``: the first true decides; later operands are not evaluated."""

    kind: ClassVar[str] = "or"
    operands: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.operands


@dataclass(frozen=True, slots=True)
class In(Expr):
    """``item in [options]`` (``not in`` when ``negate``)."""

    kind: ClassVar[str] = "in"
    item: Expr
    options: tuple[Expr, ...]
    negate: bool

    def children(self) -> tuple[Expr, ...]:
        return (self.item, *self.options)


@dataclass(frozen=True, slots=True)
class IsNone(Expr):
    """``x is None`` (``is not None`` when ``negate``)."""

    kind: ClassVar[str] = "is_none"
    operand: Expr
    negate: bool

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class IfElse(Expr):
    """``then if condition else otherwise``."""

    kind: ClassVar[str] = "if"
    condition: Expr
    then: Expr
    otherwise: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.condition, self.then, self.otherwise)


@dataclass(frozen=True, slots=True)
class Call(Expr):
    """A function of the language (``min``, ``round``, ``add_days``, ``count``…): unknown when
    an argument is, else ``impl(*args)``. ``impl`` is the library's own function for it."""

    kind: ClassVar[str] = "call"
    function: str
    impl: Callable[..., Any] = field(compare=False, repr=False)
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class SumField(Expr):
    """``sum(x.field for x in items)``: the common aggregation, without a loop variable."""

    kind: ClassVar[str] = "sum_field"
    items: Expr
    field: str
    label: str

    def children(self) -> tuple[Expr, ...]:
        return (self.items,)


@dataclass(frozen=True, slots=True)
class Aggregate(Expr):
    """``function(element for variable in items if condition)``, ``function`` one of ``sum``,
    ``count``, ``any``, ``all``; ``label`` is the list's fact path, for unknowns."""

    kind: ClassVar[str] = "aggregate"
    function: str
    variable: str
    items: Expr
    element: Expr
    condition: Expr | None
    label: str

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


@dataclass(frozen=True, slots=True)
class Step:
    """One named value of the plan: ``values[name] = expr``, rounded to the cent (half up) when
    ``money``."""

    name: str
    expr: Expr
    money: bool


@dataclass(frozen=True, slots=True)
class Conjunction:
    """``values[name]`` = the Kleene AND of the named values ``parts`` (a principle, a form)."""

    name: str
    parts: tuple[str, ...]
