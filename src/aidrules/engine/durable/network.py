"""From a compiled rule set to a network of yes/no *items* over lowered *terms*.

durable_rules matches JSON facts with comparisons, ``$and``/``$or`` and arithmetic between
fields; it has no decimals, dates, functions, aggregations or unknowns. This module splits a rule
set into what the Rete network decides and what Python computes beforehand (``docs/durable.md``):

- a **term** is a value Python computes exactly and hands to the network as a plain number,
  text or yes/no: a fact, a parameter on the decision date, a named derived amount, or a
  sub-expression durable_rules cannot express (a function such as ``months_between``, a sum over a
  list, a table lookup). Amounts become whole numbers at a fixed scale (cents), dates their day
  number. Each term also carries its *status*: known, unknown (with the missing facts) or none.
- an **item** is a yes/no outcome decided in the network: every condition and yes/no derived
  value, each principle and form, each recommendation row, the recommendation itself and each
  action's ``when``. Its expression becomes a tree of :class:`Leaf` tests on terms (comparisons,
  ``is None``, ``in [...]``) and references to other items, joined by ``and``/``or``/``not`` and
  ``if ... else`` with three-valued (Kleene) logic.

A term that reads an item's outcome (a derived amount ``x if debts_repayable else 0``) cannot be
computed before the network runs: it is *deferred* and computed by a network action once the items
it reads are decided.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from aidrules.errors import Diagnostic, EvaluationError
from aidrules.expr import nodes as n
from aidrules.expr import types as t
from aidrules.expr.compiler import DECISION_DATE, _Compiler, _narrowing
from aidrules.expr.runtime import Context
from aidrules.ruleset.compiled import CompiledRuleSet

Fn = Callable[[Context], Any]

#: The largest scale (decimal places) lowered to whole numbers; finer numbers are precomputed.
MAX_SCALE = 6
#: durable_rules joins at most 16 facts in one rule (more fails when facts arrive, error 304,
#: measured): a junction tests at most this many other items; wider ones are split in parts.
MAX_JOINED = 12
#: durable_rules refuses facts with more than about 250 fields (error 302, measured).
MAX_FIELDS = 240

#: Kinds of term values as the network sees them.
NUM, DATE, TEXT, BOOL, ANY = "num", "date", "text", "bool", "any"


class Unsupported(Exception):
    """A sub-expression the network cannot test directly (it becomes a precomputed term)."""


# -- terms ------------------------------------------------------------------------------------------
@dataclass(eq=False)
class Term:
    """A value computed in Python and lowered into the facts the network matches."""

    key: str  # field prefix in facts: "x3"
    label: str  # the expression it stands for, for documentation and errors
    kind: str  # NUM | DATE | TEXT | BOOL | ANY (status only)
    fn: Fn
    waits_for: frozenset[str]  # item keys and deferred value ids it needs first (empty: computed up front)
    scales: set[int] = field(default_factory=set)  # the scales at which a NUM term is lowered

    @property
    def status(self) -> str:
        return f"{self.key}s"

    @property
    def missing(self) -> str:
        return f"{self.key}m"

    def at(self, scale: int | None) -> str:
        """The field holding the value (at ``scale`` for numbers)."""
        return f"{self.key}_{scale}" if scale is not None else self.key


@dataclass(eq=False)
class Value:
    """A named derived value that is not yes/no: computed in Python (exactly, in plan order)."""

    id: str
    fn: Fn
    money: bool
    waits_for: frozenset[str]  # item keys and deferred value ids (empty: computed up front)
    key: str = ""  # for deferred values: the key of the fact that says it is computed


# -- the tree of an item -----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class TermOp:
    term: Term
    scale: int | None


@dataclass(frozen=True)
class Lit:
    value: Any  # already lowered: int (scaled), str, bool


@dataclass(frozen=True, eq=False)
class Arith:
    op: str  # "$add" | "$sub" | "$mul"
    left: Operand
    right: Operand


Operand = TermOp | Lit | Arith


@dataclass(frozen=True, eq=False)
class Leaf:
    """A test on terms, decided within one item's input fact.

    ``test`` is ``cmp`` (``op``, ``left`` a field, ``right`` an operand), ``none`` (the one term
    is none), ``in`` (``left`` equals one of ``values``), ``atom`` (``left`` is a yes/no term) or
    ``const``.
    """

    test: str
    terms: tuple[Term, ...]
    op: str = ""
    left: TermOp | None = None
    right: Operand | None = None
    values: tuple[Any, ...] = ()
    const: bool = False
    none_ok: bool = False  # `x is None` is decided when x is none; other tests are not


@dataclass(frozen=True, eq=False)
class Ref:
    """The outcome of another item (read from its verdict fact)."""

    item: Item


@dataclass(frozen=True, eq=False)
class RecIs:
    """``recommendation == 'x'`` (or ``!=``): a test on the recommendation's verdict fact."""

    item: Item
    value: str
    negate: bool


@dataclass(frozen=True, eq=False)
class Not:
    child: Node


@dataclass(frozen=True, eq=False)
class Junction:
    op: str  # "and" | "or"
    children: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Choice:
    """``a if c else b``."""

    cond: Node
    then: Node
    otherwise: Node


Node = Leaf | Ref | RecIs | Not | Junction | Choice


@dataclass(eq=False)
class Item:
    """A yes/no outcome decided in the network."""

    key: str  # "v3"
    id: str  # the named value it decides ("csr.own_will", "principles.dignity", ...) or a label
    kind: str  # "plan" | "part" | "principle" | "form" | "row" | "action" | "recommendation"
    node: Node | None = None  # None for the recommendation (rules built from the rows)
    where: str = ""  # named in evaluation errors, as the compiled engine names it
    alias: Item | None = None  # the item whose verdict this one is (a principle of one condition)

    @property
    def target(self) -> Item:
        return self.alias.target if self.alias is not None else self

    def terms(self) -> list[Term]:
        """The terms its input fact carries, in order of appearance."""
        out: dict[str, Term] = {}
        if self.node is not None:
            for leaf in leaves(self.node):
                for term in leaf.terms:
                    out.setdefault(term.key, term)
        return list(out.values())

    def fields(self) -> list[tuple[Term, int | None]]:
        """The value fields its input fact carries: (term, scale)."""
        out: dict[tuple[str, int | None], tuple[Term, int | None]] = {}
        if self.node is not None:
            for leaf in leaves(self.node):
                for op in (leaf.left, *_operand_terms(leaf.right)):
                    if op is not None:
                        out.setdefault((op.term.key, op.scale), (op.term, op.scale))
        return list(out.values())

    def waits_for(self) -> frozenset[str]:
        found: frozenset[str] = frozenset()
        for term in self.terms():
            found |= term.waits_for
        return found

    def arithmetic(self) -> list[Leaf]:
        """Its comparisons that compute in the network (checked against double precision)."""
        if self.node is None:
            return []
        return [leaf for leaf in leaves(self.node) if isinstance(leaf.right, Arith)]


def leaves(node: Node) -> list[Leaf]:
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, Not):
        return leaves(node.child)
    if isinstance(node, Junction):
        return [leaf for child in node.children for leaf in leaves(child)]
    if isinstance(node, Choice):
        return leaves(node.cond) + leaves(node.then) + leaves(node.otherwise)
    return []


def _operand_terms(op: Operand | None) -> list[TermOp]:
    if isinstance(op, TermOp):
        return [op]
    if isinstance(op, Arith):
        return _operand_terms(op.left) + _operand_terms(op.right)
    return []


@dataclass
class Network:
    """Everything the durable backend needs about one rule set."""

    values: list[Value]  # named derived non-yes/no values, in plan order
    terms: list[Term]
    items: list[Item]  # in dependency order
    by_name: dict[str, Item]  # named outcome -> item ("csr.own_will", "principles.x", "recommendation")
    rows: list[Item]  # the item of each recommendation row
    whens: list[Item]  # the item of each action's `when`
    recommendation: Item


# -- building ---------------------------------------------------------------------------------------
def build(rs: CompiledRuleSet) -> Network:
    """Analyse ``rs`` into a :class:`Network`."""
    return _Builder(rs).build()


class _Builder:
    def __init__(self, rs: CompiledRuleSet) -> None:
        self.rs = rs
        self.env = rs.environment()
        self.terms: dict[str, Term] = {}
        self.items: list[Item] = []
        self.by_name: dict[str, Item] = {}
        self.values: dict[str, Value] = {}
        self.deferred: set[str] = set()
        self.types: dict[str, t.Type] = {item.id: item.type for item in rs.plan}

    # -- top level ----------------------------------------------------------------------------
    def build(self) -> Network:
        rs = self.rs
        for item in rs.plan:
            if isinstance(item.type, t.Bool):
                self.item(item.id, "plan", item.expr.node, where=item.id, name=item.id)
            else:
                waits = self.waits_for(item.expr.names)
                value = Value(item.id, item.expr.fn, isinstance(item.type, t.Number) and item.type.money, waits)
                if waits:
                    value.key = f"d{len(self.deferred)}"
                    self.deferred.add(item.id)
                self.values[item.id] = value
        for p in rs.principles:
            label = f"principles.{p.id}"
            self.add(label, "principle", self.junction("and", [self.ref(c) for c in p.requires], label), name=label)
        for f in rs.forms:
            label = f"forms.{f.id}"
            parts = [self.ref(name) for name in (*(f"principles.{p}" for p in f.principles), *f.requires)]
            self.add(label, "form", self.junction("and", parts, label), name=label)
        if len(rs.rows) > MAX_JOINED:
            message = (
                f"the durable_rules backend decides at most {MAX_JOINED} recommendation rules "
                f"(it joins at most 16 facts in one rule); this rule set has {len(rs.rows)}"
            )
            raise EvaluationError(message, [Diagnostic("DU004", message, path="recommendation")])
        rows = [self.row(i, row.recommend, row.when.node) for i, row in enumerate(rs.rows)]
        recommendation = Item(f"v{len(self.items)}", "recommendation", "recommendation")
        self.items.append(recommendation)
        self.by_name["recommendation"] = recommendation
        whens = [self.item(f"actions.{a.id}", "action", a.when.node, where=f"actions.{a.id}") for a in rs.actions]
        terms = sorted(self.terms.values(), key=lambda term: int(term.key[1:]))
        return Network(list(self.values.values()), terms, self.items, self.by_name, rows, whens, recommendation)

    def row(self, index: int, recommend: str, node: n.Node) -> Item:
        return self.item(f"recommendation.{recommend}#{index}", "row", node, where=f"recommendation.{recommend}")

    def item(self, label: str, kind: str, node: n.Node, *, where: str, name: str | None = None) -> Item:
        lowered = self.lower(node, frozenset(), top=True, label=label)
        return self.add(label, kind, lowered, where=where, name=name)

    def add(self, label: str, kind: str, node: Node, *, where: str = "", name: str | None = None) -> Item:
        # An item that is just another item's outcome shares that item's verdict.
        alias = node.item if isinstance(node, Ref) else None
        if isinstance(node, Junction) and len(node.children) == 1 and isinstance(node.children[0], Ref):
            alias = node.children[0].item
        item = Item(f"v{len(self.items)}", label, kind, node, where or label, alias)
        if alias is None and len(item.terms()) * 2 + len(item.fields()) + 3 > MAX_FIELDS:
            message = f"{item.where}: tests too many values at once for the durable_rules backend (fields per fact)"
            raise EvaluationError(message, [Diagnostic("DU005", message, path=item.where)])
        self.items.append(item)
        if name is not None:
            self.by_name[name] = item
        return item

    def waits_for(self, names: frozenset[str] | set[str]) -> frozenset[str]:
        out = set()
        for name in names:
            if name in self.by_name:
                out.add(self.by_name[name].target.key)
            elif name in self.deferred:
                out.add(name)
        return frozenset(out)

    # -- yes/no expressions --------------------------------------------------------------------
    def lower(self, node: n.Node, narrowed: frozenset[str], *, top: bool, label: str) -> Node:
        """The tree of a yes/no expression. Nested ``and``/``or``/``if`` become their own items."""
        if isinstance(node, n.Unary) and node.op == "not":
            return Not(self.lower(node.operand, narrowed, top=top, label=label))
        if isinstance(node, n.BoolOp | n.IfElse) and not top:
            part = self.add(f"{label}#{len(self.items)}", "part", self.lower(node, narrowed, top=True, label=label))
            return Ref(part)
        if isinstance(node, n.BoolOp):
            children: list[Node] = []
            current = narrowed
            for value in node.values:
                if isinstance(value, n.BoolOp) and value.op == node.op:  # `a and (b and c)`: one junction
                    inner = self.lower(value, current, top=True, label=label)
                    assert isinstance(inner, Junction)
                    children.extend(inner.children)
                else:
                    children.append(self.lower(value, current, top=False, label=label))
                current = current | _narrowing(value, node.op)
            return self.junction(node.op, children, label)
        if isinstance(node, n.IfElse):
            return Choice(
                self.lower(node.condition, narrowed, top=False, label=label),
                self.lower(node.then, narrowed | _narrowing(node.condition, "and"), top=False, label=label),
                self.lower(node.otherwise, narrowed | _narrowing(node.condition, "or"), top=False, label=label),
            )
        leaf = self.leaf(node, narrowed)
        if top and not isinstance(leaf, Junction):
            return Junction("and", (leaf,))
        return leaf

    def ref(self, name: str) -> Ref:
        return Ref(self.by_name[name])

    def junction(self, op: str, children: Sequence[Node], label: str) -> Junction:
        """A junction; one that tests more than MAX_JOINED other items is split in parts."""
        if sum(1 for child in children if _remote(child)) <= MAX_JOINED:
            return Junction(op, tuple(children))
        parts: list[Node] = []
        for i in range(0, len(children), MAX_JOINED):
            group = children[i : i + MAX_JOINED]
            if len(group) == 1:
                parts.append(group[0])
            else:
                part = self.add(f"{label}#{len(self.items)}", "part", self.junction(op, group, label))
                parts.append(Ref(part))
        return self.junction(op, parts, label)

    def leaf(self, node: n.Node, narrowed: frozenset[str]) -> Node:
        if isinstance(node, n.Literal) and isinstance(node.value, bool):
            return Leaf("const", (), const=node.value)
        if isinstance(node, n.Name) and node.dotted in self.by_name:
            return Ref(self.by_name[node.dotted])
        try:
            if isinstance(node, n.Compare):
                return self.compare(node, narrowed)
            if isinstance(node, n.IsNone) and isinstance(node.operand, n.Name):
                term = self.term(node.operand, frozenset(), ANY)
                return Not(Leaf("none", (term,), none_ok=True)) if node.negate else Leaf("none", (term,), none_ok=True)
            if isinstance(node, n.In) and isinstance(node.container, n.ListLiteral):
                return self.membership(node, narrowed)
        except Unsupported:
            pass
        # A yes/no fact or parameter, or anything else: a term Python computes (sum, any, ...).
        term = self.term(node, narrowed, BOOL)
        return Leaf("atom", (term,), left=TermOp(term, None))

    def compare(self, node: n.Compare, narrowed: frozenset[str]) -> Node:
        op = node.op
        left, right = node.left, node.right
        for a, b in ((left, right), (right, left)):
            if isinstance(a, n.Name) and a.dotted == "recommendation":
                if op not in ("==", "!=") or not (isinstance(b, n.Literal) and isinstance(b.value, str)):
                    raise Unsupported
                return RecIs(self.by_name["recommendation"], b.value, op == "!=")
        ltype, rtype = self.type_of(left, narrowed), self.type_of(right, narrowed)
        if isinstance(ltype, t.Number) and isinstance(rtype, t.Number):
            lo, ls = self.number(left, narrowed)
            ro, rs = self.number(right, narrowed)
        elif isinstance(ltype, t.Date) and isinstance(rtype, t.Date):
            lo, ls = self.plain(left, narrowed, DATE), 0
            ro, rs = self.plain(right, narrowed, DATE), 0
        elif isinstance(ltype, t.Text | t.Bool) and isinstance(rtype, t.Text | t.Bool):
            kind = TEXT if isinstance(ltype, t.Text) else BOOL
            lo, ls = self.plain(left, narrowed, kind), 0
            ro, rs = self.plain(right, narrowed, kind), 0
        else:
            raise Unsupported
        if not isinstance(lo, TermOp):
            if not isinstance(ro, TermOp):
                raise Unsupported  # the left side must be a field: two computed sides are precomputed
            lo, ro, ls, rs, op = ro, lo, rs, ls, _FLIPPED[op]
        scale = max(ls, rs)
        if scale > MAX_SCALE:
            raise Unsupported
        assert isinstance(lo, TermOp)
        field_op = TermOp(lo.term, None if lo.scale is None else scale)
        other = _rescale(ro, rs, scale) if rs != scale else ro
        for term_op in (field_op, *_operand_terms(other)):
            if term_op.scale is not None:
                term_op.term.scales.add(term_op.scale)
        terms = tuple(dict.fromkeys([field_op.term, *(x.term for x in _operand_terms(other))]))
        return Leaf("cmp", terms, op=op, left=field_op, right=other)

    def membership(self, node: n.In, narrowed: frozenset[str]) -> Node:
        assert isinstance(node.container, n.ListLiteral)
        typ = self.type_of(node.item, narrowed)
        kind = NUM if isinstance(typ, t.Number) else TEXT if isinstance(typ, t.Text) else BOOL
        if isinstance(typ, t.Number):
            item, scale = self.number(node.item, narrowed)
            if not isinstance(item, TermOp) or scale > MAX_SCALE:
                raise Unsupported
        else:
            item, scale = self.plain(node.item, narrowed, kind), 0
        values = []
        for element in node.container.items:
            if not isinstance(element, n.Literal) or element.value is None:
                raise Unsupported
            values.append(_lower_literal(element.value, scale if kind == NUM else None))
        if not isinstance(item, TermOp):
            raise Unsupported
        item = TermOp(item.term, scale if kind == NUM else None)
        if kind == NUM:
            item.term.scales.add(scale)
        leaf = Leaf("in", (item.term,), left=item, values=tuple(values))
        return Not(leaf) if node.negate else leaf

    # -- operands ------------------------------------------------------------------------------
    def type_of(self, node: n.Node, narrowed: frozenset[str]) -> t.Type:
        compiler = _Compiler(self.env)
        typ, _ = compiler.compile(node, {}, narrowed)
        if compiler.problems:  # pragma: no cover - the rule set was checked when it was compiled
            raise AssertionError(f"durable backend: cannot type {node}: {compiler.problems}")
        return typ

    def number(self, node: n.Node, narrowed: frozenset[str]) -> tuple[Operand, int]:
        """A numeric operand and its natural scale (decimal places)."""
        if isinstance(node, n.Literal) and isinstance(node.value, int | Decimal) and not isinstance(node.value, bool):
            scale = _decimals(node.value)
            if scale > MAX_SCALE:
                raise Unsupported
            return Lit(scaled(node.value, scale)), scale
        if isinstance(node, n.Binary) and node.op in "+-*":
            lo, ls = self.number(node.left, narrowed)
            ro, rs = self.number(node.right, narrowed)
            if node.op == "*":
                return Arith("$mul", lo, ro), ls + rs
            scale = max(ls, rs)
            return Arith("$add" if node.op == "+" else "$sub", _rescale(lo, ls, scale), _rescale(ro, rs, scale)), scale
        if isinstance(node, n.Unary) and node.op == "-":
            operand, scale = self.number(node.operand, narrowed)
            return Arith("$mul", operand, Lit(-1)), scale
        places = self.scale_of(node, narrowed)
        if places is None:
            raise Unsupported
        return TermOp(self.term(node, narrowed, NUM), places), places

    def scale_of(self, node: n.Node, narrowed: frozenset[str]) -> int | None:
        """The decimal places a numeric term always fits in, or None (not known in advance)."""
        typ = self.type_of(node, narrowed)
        assert isinstance(typ, t.Number)
        if typ.integer:
            return 0
        spec = None
        if isinstance(node, n.Subscript):  # an entry of a parameter table
            spec = self.rs.parameters.get(node.target.dotted)
        elif isinstance(node, n.Name):
            spec = self.rs.parameters.get(node.dotted)
        if spec is not None:
            entries = [v.value for v in spec.values]
            entries = [x for e in entries for x in (e.values() if isinstance(e, dict) else [e])]
            places = max((_decimals(x) for x in entries), default=0)
            places = max(places, 2) if typ.money else places
            return places if places <= MAX_SCALE else None
        if isinstance(node, n.Name):
            name = node.dotted
            if name in self.types:  # a derived value: money is rounded to the cent when computed
                return 2 if typ.money else None
            if typ.money:  # a fact: amounts have at most two decimals
                return 2
        return None

    def plain(self, node: n.Node, narrowed: frozenset[str], kind: str) -> Operand:
        if isinstance(node, n.Literal) and node.value is not None:
            return Lit(_lower_literal(node.value, None))
        if isinstance(node, n.Call) and node.function == "date" and node.args:
            arg = node.args[0]
            if isinstance(arg, n.Literal) and isinstance(arg.value, str):
                return Lit(date.fromisoformat(arg.value).toordinal())
        if isinstance(node, n.Name) and node.dotted in self.by_name:
            raise Unsupported  # an outcome compared with ==: precomputed once it is decided
        return TermOp(self.term(node, narrowed, kind), None)

    def term(self, node: n.Node, narrowed: frozenset[str], kind: str) -> Term:
        label = show(node)
        found = self.terms.get(label)
        if found is not None:
            if found.kind == ANY and kind != ANY:
                found.kind = kind
            return found
        compiler = _Compiler(self.env)
        _, code = compiler.compile(node, {}, narrowed)
        if compiler.problems:  # pragma: no cover - the rule set was checked when it was compiled
            raise AssertionError(f"durable backend: cannot compile `{label}`: {compiler.problems}")
        term = Term(f"x{len(self.terms)}", label, kind, code.fn, self.waits_for(compiler.names))
        self.terms[label] = term
        return term


def _remote(node: Node) -> bool:
    while isinstance(node, Not):
        node = node.child
    return isinstance(node, Ref | RecIs)


_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _decimals(value: Any) -> int:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else MAX_SCALE + 1
    return 0


def _lower_literal(value: Any, scale: int | None) -> Any:
    if isinstance(value, bool | str):
        return value
    if isinstance(value, date):
        return value.toordinal()
    if scale is not None:
        return scaled(value, scale)
    return value


def _rescale(op: Operand, scale: int, target: int) -> Operand:
    """``op`` (at ``scale``) at ``target`` decimal places."""
    if scale == target:
        return op
    if isinstance(op, Lit):
        return Lit(op.value * 10 ** (target - scale))
    return Arith("$mul", op, Lit(10 ** (target - scale)))


def scaled(value: int | Decimal, scale: int) -> int:
    """``value`` as a whole number of 10**-scale units (exact, or ValueError)."""
    if isinstance(value, int):
        return int(value * 10**scale)
    shifted = value.scaleb(scale)
    whole = int(shifted)
    if whole != shifted:
        raise ValueError(f"{value} has more than {scale} decimals")
    return whole


# -- showing expressions (labels of terms, documentation) ---------------------------------------------
def show(node: n.Node) -> str:
    """The expression ``node`` as text (canonical: equal text, equal expression)."""
    if isinstance(node, n.Literal):
        return repr(node.value) if isinstance(node.value, str) else str(node.value)
    if isinstance(node, n.Name):
        return node.dotted
    if isinstance(node, n.Subscript):
        return f"{show(node.target)}[{show(node.key)}]"
    if isinstance(node, n.Unary):
        return f"not {show(node.operand)}" if node.op == "not" else f"-{show(node.operand)}"
    if isinstance(node, n.Binary | n.Compare):
        return f"({show(node.left)} {node.op} {show(node.right)})"
    if isinstance(node, n.BoolOp):
        return "(" + f" {node.op} ".join(show(v) for v in node.values) + ")"
    if isinstance(node, n.In):
        return f"({show(node.item)} {'not in' if node.negate else 'in'} {show(node.container)})"
    if isinstance(node, n.IsNone):
        return f"({show(node.operand)} is {'not ' if node.negate else ''}None)"
    if isinstance(node, n.IfElse):
        return f"({show(node.then)} if {show(node.condition)} else {show(node.otherwise)})"
    if isinstance(node, n.ListLiteral):
        return "[" + ", ".join(show(v) for v in node.items) + "]"
    if isinstance(node, n.Call):
        return f"{node.function}(" + ", ".join(show(a) for a in node.args) + ")"
    if isinstance(node, n.Aggregate):
        cond = f" if {show(node.condition)}" if node.condition is not None else ""
        return f"{node.function}({show(node.element)} for {node.variable} in {show(node.iterable)}{cond})"
    raise AssertionError(node)  # pragma: no cover


__all__ = [
    "DECISION_DATE",
    "Item",
    "Leaf",
    "Network",
    "Term",
    "Value",
    "build",
    "scaled",
    "show",
]
