"""Type-checking expressions and compiling them into Python closures and their intermediate form.

One pass over the AST both checks types against the environment (facts, parameters, derived
values, conditions) and builds, for every node, its typed intermediate form (:mod:`aidrules.expr.ir`)
holding the closure ``fn(context) -> value`` that computes it: the closure is the reference
semantics, the intermediate form is what the code generator (:mod:`aidrules.expr.codegen`) reads.
Nothing is parsed, looked up by name or type-checked at evaluation time. Values are
``Decimal``/``int``, ``bool``, ``str``, ``date``, lists of fact records, ``None`` (known absent) or
:class:`Unknown`.

Three-valued logic (Kleene): ``False and unknown`` is ``False``, ``True or unknown`` is ``True``;
any other operation on an unknown value is unknown, and remembers which facts were missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, Overflow
from typing import Any

from aidrules._frozen import Frozen
from aidrules.codes import Code
from aidrules.errors import did_you_mean
from aidrules.expr import ir
from aidrules.expr import nodes as n
from aidrules.expr import types as t
from aidrules.expr.parser import ParseProblem, parse
from aidrules.expr.runtime import Context, ExpressionFailure, Unknown, bounded
from aidrules.limits import Limits

Fn = Callable[[Context], Any]
IR = ir.Expr

#: The name of the decision date inside expressions.
DECISION_DATE = "decision_date"

# Frozen values (aidrules._frozen.Frozen, each with its own __init__), as the nodes and types are.
_set = object.__setattr__
#: a default made anew for each object (``field(default_factory=dict)``)
_NEW: Any = object()


class Environment(Frozen):
    """What names mean: the fact schema, and the named values with their types."""

    __slots__ = ("facts", "names", "tables")
    facts: t.Record
    names: Mapping[str, t.Type]
    tables: Mapping[str, t.Table]

    def __init__(self, facts: t.Record, names: Mapping[str, t.Type], tables: Mapping[str, t.Table] = _NEW) -> None:
        _set(self, "facts", facts)
        _set(self, "names", names)
        _set(self, "tables", {} if tables is _NEW else tables)


class Problem(Frozen):
    """A problem of one expression, at its line and column in the expression's text."""

    __slots__ = ("code", "column", "hint", "line", "message")
    code: Code
    message: str
    line: int
    column: int
    hint: str | None

    def __init__(self, code: Code, message: str, line: int, column: int, hint: str | None = None) -> None:
        _set(self, "code", code)
        _set(self, "message", message)
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "hint", hint)


class CompiledExpression(Frozen):
    """An expression compiled: its source, type, closure, what it reads, syntax tree and IR."""

    __slots__ = ("facts", "fn", "ir", "names", "node", "source", "type")
    source: str
    type: t.Type
    fn: Fn  # the closure: the reference semantics
    names: frozenset[str]  # named values it reads (parameters, derived values, conditions...)
    facts: tuple[str, ...]  # fact paths it reads, in order of appearance (``debts[].amount``)
    node: n.Node  # the syntax tree
    ir: IR  # the typed intermediate form, for the code generator (aidrules.expr.codegen)

    def __init__(
        self,
        source: str,
        type: t.Type,
        fn: Fn,
        names: frozenset[str],
        facts: tuple[str, ...],
        node: n.Node,
        ir: IR,
    ) -> None:
        _set(self, "source", source)
        _set(self, "type", type)
        _set(self, "fn", fn)
        _set(self, "names", names)
        _set(self, "facts", facts)
        _set(self, "node", node)
        _set(self, "ir", ir)


class _Error(t.Type):
    """The type of an expression that already has a diagnostic (stops cascades)."""

    def name(self) -> str:
        return "error"

    def accepts(self, other: t.Type) -> bool:
        return True

    def _same_kind(self, other: t.Type) -> bool:
        return True


_ERR = _Error()


def compile_expression(
    source: str, env: Environment, expected: t.Type | None = None, *, limits: Limits | None = None
) -> tuple[CompiledExpression | None, list[Problem]]:
    """Parse, check and compile ``source``; problems are returned, not raised."""
    try:
        tree = parse(source, limits=limits)
    except ParseProblem as p:
        return None, [Problem(p.code, p.message, p.line, p.column, p.hint)]
    compiler = _Compiler(env)
    typ, code = compiler.compile(tree, {}, frozenset())
    if (
        expected is not None
        and typ is not _ERR
        and isinstance(expected, t.Number)
        and expected.integer
        and isinstance(typ, t.Number)
        and not typ.integer
    ):
        compiler.problem(
            tree,
            "RS204",
            "this expression may give a fraction, expected a whole number",
            "use round(x) or declare the type as number or money",
        )
    elif expected is not None and typ is not _ERR and not expected.accepts(typ):
        compiler.problem(
            tree,
            "RS204",
            f"this expression gives {typ.describe()}, expected {expected.describe()}",
            _nullable_hint(typ) if typ.nullable else None,
        )
    if compiler.problems:
        return None, compiler.problems
    return CompiledExpression(
        source, typ, code.fn, frozenset(compiler.names), tuple(dict.fromkeys(compiler.facts)), tree, code
    ), []


def _nullable_hint(typ: t.Type) -> str:
    return "this value may be none (never happened); check `x is None` first, as in `x is None or ...`"


Scope = dict[str, tuple[t.Type, str]]  # loop variable -> (item type, fact label of the list)


class _Compiler:
    def __init__(self, env: Environment) -> None:
        self.env = env
        self.problems: list[Problem] = []
        self.names: set[str] = set()
        self.facts: list[str] = []

    def problem(self, node: n.Node, code: Code, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(code, message, node.line, node.column, hint))

    # -- dispatch -------------------------------------------------------------------------
    def compile(self, node: n.Node, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        match node:
            case n.Literal():
                return self.literal(node)
            case n.Name():
                return self.name(node, scope, narrowed)
            case n.Subscript():
                return self.subscript(node, scope, narrowed)
            case n.Unary():
                return self.unary(node, scope, narrowed)
            case n.Binary():
                return self.binary(node, scope, narrowed)
            case n.Compare():
                return self.comparison(node, scope, narrowed)
            case n.BoolOp():
                return self.boolop(node, scope, narrowed)
            case n.In():
                return self.membership(node, scope, narrowed)
            case n.IsNone():
                return self.is_none(node, scope, narrowed)
            case n.IfElse():
                return self.if_else(node, scope, narrowed)
            case n.ListLiteral():
                self.problem(node, "RS204", "a list can only stand after `in`", "write `x in ['a', 'b']`")
                return _ERR, _const(None)
            case n.Call():
                return self.call(node, scope, narrowed)
            case n.Aggregate():
                return self.aggregate(node, scope, narrowed)
        raise AssertionError(node)  # pragma: no cover

    # -- leaves ---------------------------------------------------------------------------
    def literal(self, node: n.Literal) -> tuple[t.Type, ir.Expr]:
        v = node.value
        if v is None:
            return t.NONE, _const(None)
        if isinstance(v, bool):
            return t.BOOL, _const(v)
        if isinstance(v, int):
            return t.INTEGER, _const(v)
        if isinstance(v, Decimal):
            return t.NUMBER, _const(v)
        if isinstance(v, str):
            return t.Text(choices=(v,)), _const(v)
        return t.DATE, _const(v)  # pragma: no cover - dates come from date()

    def name(self, node: n.Name, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        parts = node.parts
        dotted = node.dotted
        head = parts[0]
        if head in scope:
            item_type = scope[head][0]
            return self.walk_record(node, item_type, parts[1:], local=head)
        if dotted in self.env.names:
            self.names.add(dotted)
            typ = self.env.names[dotted]
            if isinstance(typ, t.Table):
                self.problem(
                    node, "RS204", f"`{dotted}` is a table; pick an entry", f"write `{dotted}[household.category]`"
                )
                return _ERR, _const(None)
            return typ, _value(dotted)
        if dotted in self.env.tables:
            self.problem(
                node, "RS204", f"`{dotted}` is a table; pick an entry", f"write `{dotted}[household.category]`"
            )
            return _ERR, _const(None)
        if dotted == DECISION_DATE:
            return t.DATE, _decision_date
        if self.env.facts.field_type(head) is not None:
            typ, expr = self.walk_record(node, self.env.facts, parts, local=None)
            if dotted in narrowed:
                typ = typ.non_null()
            return typ, expr
        if head in ("principles", "forms", "recommendation"):
            self.problem(
                node,
                "RS203",
                f"`{dotted}` cannot be read here",
                "principles, forms and the recommendation are decided after derived values and "
                "conditions; only recommendation rules and actions can read them",
            )
            return _ERR, _const(None)
        candidates = [*self.env.names, *self.env.tables, *self.env.facts.field_names(), DECISION_DATE, *scope]
        hint = did_you_mean(dotted, candidates) or did_you_mean(head, candidates)
        if len(parts) > 1 and hint is None:
            hint = "facts start with household, client, incomes, expenses, debts, signals or remi"
        self.problem(node, "RS203", f"unknown name `{dotted}`: not a fact, parameter, derived value or condition", hint)
        return _ERR, _const(None)

    def walk_record(
        self, node: n.Name, root: t.Type, parts: tuple[str, ...], local: str | None
    ) -> tuple[t.Type, ir.Expr]:
        typ: t.Type = root
        nullable = False
        for i, part in enumerate(parts):
            if not isinstance(typ, t.Record):
                self.problem(node, "RS202", f"`{'.'.join(parts[:i])}` is {typ.describe()}, it has no field `{part}`")
                return _ERR, _const(None)
            field_type = typ.field_type(part)
            if field_type is None:
                shown = ".".join(((local,) if local else ()) + parts[: i + 1])
                self.problem(node, "RS202", f"unknown fact `{shown}`", did_you_mean(part, typ.field_names()))
                return _ERR, _const(None)
            nullable = nullable or typ.nullable
            typ = field_type
        if nullable and not typ.nullable:
            typ = typ.replace(nullable=True)
        if local is None:
            label = ".".join(parts)
            self.facts.append(label)
            return typ, _fact(parts, label)
        return typ, _local(local, parts)

    def subscript(self, node: n.Subscript, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        dotted = node.target.dotted
        table = self.env.tables.get(dotted)
        key_type, key_expr = self.compile(node.key, scope, narrowed)
        if table is None:
            self.problem(
                node, "RS203", f"`{dotted}` is not a parameter table", did_you_mean(dotted, list(self.env.tables))
            )
            return _ERR, _const(None)
        self.names.add(dotted)
        if key_type is not _ERR:
            if not isinstance(key_type, t.Text) or key_type.nullable:
                self.problem(node.key, "RS204", f"a table is indexed by text, got {key_type.describe()}")
            elif key_type.choices:
                missing = [c for c in key_type.choices if c not in table.keys]
                if missing:
                    self.problem(
                        node.key,
                        "RS204",
                        f"table `{dotted}` has no entry for {', '.join(map(repr, missing))}",
                        f"its entries are {', '.join(table.keys)}",
                    )
        return table.value, _table_entry(dotted, key_expr)

    # -- operators ------------------------------------------------------------------------
    def unary(self, node: n.Unary, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        typ, expr = self.compile(node.operand, scope, narrowed)
        if node.op == "not":
            self.expect(node.operand, typ, t.BOOL)
            return t.BOOL, _not(expr)
        self.expect(node.operand, typ, t.NUMBER)
        return (typ if isinstance(typ, t.Number) else t.NUMBER), _neg(expr)

    def expect(self, node: n.Node, got: t.Type, want: t.Type) -> bool:
        if got is _ERR or want.accepts(got):
            return True
        self.problem(
            node,
            "RS204",
            f"expected {want.describe()}, got {got.describe()}",
            _nullable_hint(got) if got.nullable and want.accepts(got.non_null()) else None,
        )
        return False

    def binary(self, node: n.Binary, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        lt, lexpr = self.compile(node.left, scope, narrowed)
        rt, rexpr = self.compile(node.right, scope, narrowed)
        ok = self.expect(node.left, lt, t.NUMBER) & self.expect(node.right, rt, t.NUMBER)
        if not ok or lt is _ERR or rt is _ERR:
            return _ERR, _const(None)
        assert isinstance(lt, t.Number) and isinstance(rt, t.Number)
        if node.op in "+-":
            result = t.Number(money=lt.money or rt.money, integer=lt.integer and rt.integer)
        elif node.op == "*":
            result = t.Number(money=lt.money != rt.money, integer=lt.integer and rt.integer)
        else:
            result = t.Number(money=lt.money and not rt.money)
        return result, _arith(node.op, lexpr, rexpr)

    def comparison(self, node: n.Compare, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        lt, lexpr = self.compile(node.left, scope, narrowed)
        rt, rexpr = self.compile(node.right, scope, narrowed)
        if lt is _ERR or rt is _ERR:
            return t.BOOL, _const(None)
        for side, typ in ((node.left, lt), (node.right, rt)):
            if typ.nullable:
                self.problem(side, "RS204", f"cannot compare {typ.describe()}", _nullable_hint(typ))
                return t.BOOL, _const(None)
        if not lt.non_null().accepts(rt) and not rt.accepts(lt):
            self.problem(node, "RS204", f"cannot compare {lt.describe()} with {rt.describe()}")
            return t.BOOL, _const(None)
        if isinstance(lt, t.Text | t.Bool) and node.op not in ("==", "!="):
            self.problem(
                node,
                "RS204",
                f"`{node.op}` needs numbers or dates, got {lt.describe()}",
                "texts and yes/no values can only be compared with == and !=",
            )
            return t.BOOL, _const(None)
        if isinstance(lt, t.Text) and isinstance(rt, t.Text):
            self.check_choices(node.left, lt, node.right, rt)
        return t.BOOL, _compare(node.op, lexpr, rexpr)

    def check_choices(self, left: n.Node, lt: t.Text, right: n.Node, rt: t.Text) -> None:
        for lit_node, other in ((right, lt), (left, rt)):
            if (
                isinstance(lit_node, n.Literal)
                and other.choices
                and not isinstance(lit_node.value, bool)
                and lit_node.value not in other.choices
            ):
                self.problem(
                    lit_node,
                    "RS206",
                    f"`{lit_node.value}` is never a value here; possible values: {', '.join(other.choices)}",
                    did_you_mean(str(lit_node.value), list(other.choices)),
                )

    def boolop(self, node: n.BoolOp, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        exprs = []
        current = narrowed
        for value in node.values:
            typ, expr = self.compile(value, scope, current)
            self.expect(value, typ, t.BOOL)
            exprs.append(expr)
            current = current | _narrowing(value, node.op)
        return t.BOOL, (_and if node.op == "and" else _or)(tuple(exprs))

    def membership(self, node: n.In, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        it, item_expr = self.compile(node.item, scope, narrowed)
        if not isinstance(node.container, n.ListLiteral):
            self.problem(node.container, "RS204", "`in` needs a written list", "write `x in ['a', 'b']`")
            return t.BOOL, _const(None)
        exprs = []
        for element in node.container.items:
            et, eexpr = self.compile(element, scope, narrowed)
            if it is not _ERR and et is not _ERR:
                if it.nullable:
                    self.problem(node.item, "RS204", f"cannot test {it.describe()}", _nullable_hint(it))
                    return t.BOOL, _const(None)
                if not it.accepts(et) and not et.accepts(it):
                    self.problem(element, "RS204", f"cannot compare {it.describe()} with {et.describe()}")
                elif isinstance(it, t.Text) and isinstance(et, t.Text):
                    self.check_choices(node.item, it, element, et)
            exprs.append(eexpr)
        return t.BOOL, _membership(item_expr, tuple(exprs), node.negate)

    def is_none(self, node: n.IsNone, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        typ, expr = self.compile(node.operand, scope, frozenset())
        if typ is not _ERR and not typ.nullable:
            self.problem(
                node,
                "RS204",
                f"this value is never none ({typ.describe()})",
                "only event facts such as client.csr_revoked_on can be none",
            )
        return t.BOOL, _is_none(expr, node.negate)

    def if_else(self, node: n.IfElse, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        ct, cexpr = self.compile(node.condition, scope, narrowed)
        self.expect(node.condition, ct, t.BOOL)
        at, aexpr = self.compile(node.then, scope, narrowed | _narrowing(node.condition, "and"))
        bt, bexpr = self.compile(node.otherwise, scope, narrowed | _narrowing(node.condition, "or"))
        if at is _ERR or bt is _ERR:
            return _ERR, _const(None)
        if not at.accepts(bt) and not bt.accepts(at):
            self.problem(
                node, "RS204", f"both branches must give the same kind of value: {at.describe()} vs {bt.describe()}"
            )
            return _ERR, _const(None)
        result = at
        if isinstance(at, t.Number) and isinstance(bt, t.Number):
            result = t.Number(money=at.money or bt.money, integer=at.integer and bt.integer)
        return result, _if_else(cexpr, aexpr, bexpr)

    # -- functions ------------------------------------------------------------------------
    def call(self, node: n.Call, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        name = node.function
        if name == "date":
            if len(node.args) == 1 and isinstance(node.args[0], n.Literal) and isinstance(node.args[0].value, str):
                try:
                    return t.DATE, _const(date.fromisoformat(node.args[0].value))
                except ValueError:
                    pass
            self.problem(node, "RS204", "date() takes one written date", "write `date('2025-01-01')`")
            return _ERR, _const(None)
        spec = _FUNCTIONS.get(name)
        if spec is None:
            if name in ("sum", "count", "any", "all") and len(node.args) == 1:
                return self.count_list(node, scope, narrowed)
            self.problem(
                node,
                "RS205",
                f"unknown function `{name}`",
                did_you_mean(name, [*_FUNCTIONS, "date", "sum", "count", "any", "all"]),
            )
            return _ERR, _const(None)
        params, result_of, impl = spec
        if len(node.args) not in params:
            counts = " or ".join(str(c) for c in sorted(params))
            self.problem(node, "RS204", f"`{name}` takes {counts} arguments, got {len(node.args)}")
            return _ERR, _const(None)
        types: list[t.Type] = []
        exprs: list[ir.Expr] = []
        for arg in node.args:
            typ, expr = self.compile(arg, scope, narrowed)
            types.append(typ)
            exprs.append(expr)
        if any(typ is _ERR for typ in types):
            return _ERR, _const(None)
        result = result_of(self, node, types)
        if result is _ERR:
            return _ERR, _const(None)
        return result, _strict_call(name, impl, tuple(exprs))

    def count_list(self, node: n.Call, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        typ, expr = self.compile(node.args[0], scope, narrowed)
        if node.function != "count":
            self.problem(node, "RS204", f"write `{node.function}(x.field for x in list)`")
            return _ERR, _const(None)
        if typ is not _ERR and not isinstance(typ, t.ListOf):
            self.problem(node.args[0], "RS204", f"count() needs a list, got {typ.describe()}")
            return _ERR, _const(None)
        return t.INTEGER, _strict_call("count", len, (expr,))

    def aggregate(self, node: n.Aggregate, scope: Scope, narrowed: frozenset[str]) -> tuple[t.Type, ir.Expr]:
        lt, lexpr = self.compile(node.iterable, scope, narrowed)
        if lt is _ERR:
            return _ERR, _const(None)
        if not isinstance(lt, t.ListOf) or not isinstance(node.iterable, n.Name):
            self.problem(node.iterable, "RS204", f"`for ... in` needs a list of facts, got {lt.describe()}")
            return _ERR, _const(None)
        if node.variable in scope or self.env.facts.field_type(node.variable) or node.variable in self.env.names:
            self.problem(node, "RS204", f"the loop name `{node.variable}` is already in use", "pick another letter")
            return _ERR, _const(None)
        head = node.iterable.parts[0]
        label = scope[head][1] + "[]." + ".".join(node.iterable.parts[1:]) if head in scope else node.iterable.dotted
        inner: Scope = {**scope, node.variable: (lt.item, label)}
        cond_expr: ir.Expr | None = None
        if node.condition is not None:
            ct, cond_expr = self.compile(node.condition, inner, narrowed)
            self.expect(node.condition, ct, t.BOOL)
        et, eexpr = self.compile(node.element, inner, narrowed)
        for i, fact in enumerate(self.facts):
            if fact.startswith(f"{node.variable}."):
                self.facts[i] = label + "[]" + fact[len(node.variable) :]
        if node.function == "sum":
            self.expect(node.element, et, t.NUMBER)
            result: t.Type = et if isinstance(et, t.Number) else t.NUMBER
        elif node.function == "count":
            result = t.INTEGER
        else:
            self.expect(node.element, et, t.BOOL)
            result = t.BOOL
        field = None  # `x.field` as the element: read straight from the item (the common case)
        if isinstance(node.element, n.Name) and len(node.element.parts) == 2 and node.element.parts[0] == node.variable:
            field = node.element.parts[1]
        return result, _aggregate(node.function, node.variable, lexpr, eexpr, cond_expr, label, field)


# -- function table ---------------------------------------------------------------------------
ResultOf = Callable[[_Compiler, n.Call, list[t.Type]], t.Type]


def _numbers(c: _Compiler, node: n.Call, types: list[t.Type]) -> t.Type:
    ok = all(c.expect(arg, typ, t.NUMBER) for arg, typ in zip(node.args, types, strict=True))
    if not ok:
        return _ERR
    nums = [typ for typ in types if isinstance(typ, t.Number)]
    return t.Number(money=any(x.money for x in nums), integer=all(x.integer for x in nums))


def _min_max(c: _Compiler, node: n.Call, types: list[t.Type]) -> t.Type:
    if all(isinstance(x, t.Date) and not x.nullable for x in types):
        return t.DATE
    return _numbers(c, node, types)


def _round_type(c: _Compiler, node: n.Call, types: list[t.Type]) -> t.Type:
    if len(types) == 2 and not (isinstance(types[1], t.Number) and types[1].integer):
        c.problem(node.args[1], "RS204", "round() takes a whole number of decimals")
        return _ERR
    first = _numbers(c, n.Call(node.line, node.column, node.function, node.args[:1]), types[:1])
    whole = len(node.args) == 1 or (isinstance(node.args[1], n.Literal) and node.args[1].value == 0)
    if whole and isinstance(first, t.Number) and not first.money:
        return t.INTEGER  # round(x) and round(x, 0) give whole numbers
    return first


def _dates(c: _Compiler, node: n.Call, types: list[t.Type]) -> t.Type:
    ok = all(c.expect(arg, typ, t.DATE) for arg, typ in zip(node.args, types, strict=True))
    return t.INTEGER if ok else _ERR


def _date_and_days(c: _Compiler, node: n.Call, types: list[t.Type]) -> t.Type:
    ok = c.expect(node.args[0], types[0], t.DATE)
    days = types[1]
    if not (isinstance(days, t.Number) and days.integer and not days.money):
        c.problem(node.args[1], "RS204", f"add_days() takes a whole number of days, got {days.describe()}")
        return _ERR
    return t.DATE if ok else _ERR


def _add_days(day: date, days: int) -> date:
    # Periods of the Judicial Code start the day after the event (art. 52 Ger.W.):
    # `months_between(add_days(event, 1), decision_date) >= n` says the n months are over.
    try:
        return day + timedelta(days=int(days))
    except OverflowError as exc:
        raise ExpressionFailure(f"add_days() leaves the calendar: {day} + {days} days") from exc


def _months_between(a: date, b: date) -> int:
    if b < a:
        return -_months_between(b, a)
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if b.day < a.day:
        months -= 1
    return months


def _round(x: Any, places: int = 0) -> Decimal:
    if not -10 <= places <= 10:
        raise ExpressionFailure("round() to more than 10 decimals")
    return Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _clamp(x: Any, lo: Any, hi: Any) -> Any:
    if lo > hi:
        raise ExpressionFailure(f"clamp() lower bound {lo} is above upper bound {hi}")
    return min(max(x, lo), hi)


_FUNCTIONS: dict[str, tuple[frozenset[int], ResultOf, Callable[..., Any]]] = {
    "min": (frozenset({2, 3, 4, 5, 6}), _min_max, min),
    "max": (frozenset({2, 3, 4, 5, 6}), _min_max, max),
    "abs": (frozenset({1}), _numbers, abs),
    "round": (frozenset({1, 2}), _round_type, _round),
    "clamp": (frozenset({3}), _numbers, _clamp),
    "months_between": (frozenset({2}), _dates, _months_between),
    "years_between": (frozenset({2}), _dates, lambda a, b: (1 if b >= a else -1) * (abs(_months_between(a, b)) // 12)),
    "days_between": (frozenset({2}), _dates, lambda a, b: (b - a).days),
    "add_days": (frozenset({2}), _date_and_days, _add_days),
}

FUNCTION_NAMES = (*sorted(_FUNCTIONS), "date", "sum", "count", "any", "all")


# -- narrowing --------------------------------------------------------------------------------
def _narrowing(node: n.Node, op: str) -> frozenset[str]:
    """Names known not to be none in the next operand of ``op`` after ``node`` was evaluated."""
    # `x is not None and ...` / `x is None or ...`
    if isinstance(node, n.IsNone) and isinstance(node.operand, n.Name) and node.negate == (op == "and"):
        return frozenset({node.operand.dotted})
    if isinstance(node, n.BoolOp) and node.op == op:
        out: frozenset[str] = frozenset()
        for v in node.values:
            out |= _narrowing(v, op)
        return out
    return frozenset()


# -- closures and their intermediate form ----------------------------------------------------
# Each builder returns the IR node of what it computes (aidrules.expr.ir) holding the closure that
# computes it (``node.fn``, the reference semantics). Closures call their children's closures.


def _const(value: Any) -> ir.Const:
    return ir.Const(value, fn=lambda ctx: value)


def _decision_date_read(ctx: Context) -> Any:
    return ctx.on


_decision_date = ir.DecisionDate(fn=_decision_date_read)


def _value(name: str) -> ir.Value:
    return ir.Value(name, fn=lambda ctx: ctx.values[name])


def _fact(parts: tuple[str, ...], label: str) -> ir.Fact:
    missing = Unknown(frozenset({label}))
    if len(parts) == 2:  # the common `section.field`, unrolled for speed
        head, tail = parts

        def read2(ctx: Context) -> Any:
            node = ctx.facts.get(head, missing)
            if node is missing or node is None:
                return node
            return node.get(tail, missing)

        return ir.Fact(parts, missing, fn=read2)

    def read(ctx: Context) -> Any:
        node: Any = ctx.facts
        for part in parts:
            if node is None:
                return None
            node = node.get(part, missing)
            if node is missing:
                return missing
        return node

    return ir.Fact(parts, missing, fn=read)


def _local(var: str, parts: tuple[str, ...]) -> ir.Local:
    def read(ctx: Context) -> Any:
        node, prefix = ctx.locals[var]
        for i, part in enumerate(parts):
            if node is None:
                return None
            if part not in node:  # the path is only spelled out when it is reported
                return Unknown(frozenset({".".join((prefix, *parts[: i + 1]))}))
            node = node[part]
        return node

    return ir.Local(var, parts, fn=read)


def _table_entry(name: str, key: ir.Expr) -> ir.TableEntry:
    key_fn = key.fn

    def read(ctx: Context) -> Any:
        key = key_fn(ctx)
        if isinstance(key, Unknown):
            return key
        table = ctx.values[name]
        if key not in table:
            raise ExpressionFailure(f"table `{name}` has no entry `{key}`")
        return table[key]

    return ir.TableEntry(name, key, fn=read)


def _not(operand: ir.Expr) -> ir.Not:
    fn = operand.fn

    def run(ctx: Context) -> Any:
        v = fn(ctx)
        return v if isinstance(v, Unknown) else not v

    return ir.Not(operand, fn=run)


def _neg(operand: ir.Expr) -> ir.Neg:
    fn = operand.fn

    def run(ctx: Context) -> Any:
        v = fn(ctx)
        return v if isinstance(v, Unknown) else -v

    return ir.Neg(operand, fn=run)


def _arith(op: str, left: ir.Expr, right: ir.Expr) -> ir.Arith:
    lf, rf = left.fn, right.fn

    def run(ctx: Context) -> Any:
        a = lf(ctx)
        b = rf(ctx)
        if isinstance(a, Unknown):
            return a.merge(b) if isinstance(b, Unknown) else a
        if isinstance(b, Unknown):
            return b
        if b == 0 and op == "/":
            raise ExpressionFailure("division by zero")
        try:
            if op == "+":
                return bounded(a + b)
            if op == "-":
                return bounded(a - b)
            if op == "*":
                return bounded(a * b)
            return Decimal(a) / Decimal(b)
        except Overflow:
            raise ExpressionFailure(f"`{op}` gave a number beyond the limit 10^25") from None

    return ir.Arith(op, left, right, fn=run)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _compare(op: str, left: ir.Expr, right: ir.Expr) -> ir.Compare:
    compare = _COMPARE[op]
    lf, rf = left.fn, right.fn

    def run(ctx: Context) -> Any:
        a = lf(ctx)
        b = rf(ctx)
        if isinstance(a, Unknown):
            return a.merge(b) if isinstance(b, Unknown) else a
        if isinstance(b, Unknown):
            return b
        return compare(a, b)

    return ir.Compare(op, left, right, fn=run)


def _and(operands: tuple[ir.Expr, ...]) -> ir.And:
    fns = tuple(o.fn for o in operands)

    def run(ctx: Context) -> Any:
        unknown: Unknown | None = None
        for fn in fns:
            v = fn(ctx)
            if v is False:
                return False
            if isinstance(v, Unknown):
                unknown = v if unknown is None else unknown.merge(v)
        return True if unknown is None else unknown

    return ir.And(operands, fn=run)


def _or(operands: tuple[ir.Expr, ...]) -> ir.Or:
    fns = tuple(o.fn for o in operands)

    def run(ctx: Context) -> Any:
        unknown: Unknown | None = None
        for fn in fns:
            v = fn(ctx)
            if v is True:
                return True
            if isinstance(v, Unknown):
                unknown = v if unknown is None else unknown.merge(v)
        return False if unknown is None else unknown

    return ir.Or(operands, fn=run)


def _membership(item: ir.Expr, options: tuple[ir.Expr, ...], negate: bool) -> ir.In:
    item_fn = item.fn
    fns = tuple(o.fn for o in options)

    def run(ctx: Context) -> Any:
        item = item_fn(ctx)
        if isinstance(item, Unknown):
            return item
        unknown: Unknown | None = None
        for fn in fns:
            v = fn(ctx)
            if isinstance(v, Unknown):
                unknown = v if unknown is None else unknown.merge(v)
            elif v == item:
                return not negate
        return negate if unknown is None else unknown

    return ir.In(item, options, negate, fn=run)


def _is_none(operand: ir.Expr, negate: bool) -> ir.IsNone:
    fn = operand.fn

    def run(ctx: Context) -> Any:
        v = fn(ctx)
        if isinstance(v, Unknown):
            return v
        return (v is not None) if negate else (v is None)

    return ir.IsNone(operand, negate, fn=run)


def _if_else(condition: ir.Expr, then: ir.Expr, otherwise: ir.Expr) -> ir.IfElse:
    cf, af, bf = condition.fn, then.fn, otherwise.fn

    def run(ctx: Context) -> Any:
        c = cf(ctx)
        if c is True:
            return af(ctx)
        if c is False:
            return bf(ctx)
        return c

    return ir.IfElse(condition, then, otherwise, fn=run)


def _strict_call(function: str, impl: Callable[..., Any], args: tuple[ir.Expr, ...]) -> ir.Call:
    fns = tuple(a.fn for a in args)

    def run(ctx: Context) -> Any:
        values = [fn(ctx) for fn in fns]
        unknown: Unknown | None = None
        for a in values:
            if isinstance(a, Unknown):
                unknown = a if unknown is None else unknown.merge(a)
        if unknown is not None:
            return unknown
        return impl(*values)

    return ir.Call(function, impl, args, fn=run)


def _aggregate(
    function: str,
    var: str,
    items: ir.Expr,
    element: ir.Expr,
    condition: ir.Expr | None,
    label: str,
    field: str | None = None,
) -> ir.SumField | ir.Aggregate:
    list_fn, elem_fn = items.fn, element.fn
    cond_fn = None if condition is None else condition.fn
    if field is not None and cond_fn is None and function == "sum":
        return ir.SumField(items, field, label, fn=_sum_field(list_fn, field, label))

    def run(ctx: Context) -> Any:
        items = list_fn(ctx)
        if isinstance(items, Unknown):
            return items
        unknown: Unknown | None = None
        total: Any = 0
        found = False
        saved = ctx.locals.get(var)
        try:
            for i, item in enumerate(items):
                ctx.locals[var] = (item, f"{label}[{i}]")
                include: Any = True if cond_fn is None else cond_fn(ctx)
                if include is False:
                    continue
                if function == "count":
                    if isinstance(include, Unknown):
                        unknown = include if unknown is None else unknown.merge(include)
                    else:
                        total += 1
                    continue
                value = elem_fn(ctx)
                if function == "sum":
                    for v in (include, value):
                        if isinstance(v, Unknown):
                            unknown = v if unknown is None else unknown.merge(v)
                    if unknown is None:
                        total += value
                    continue
                # any: Kleene OR of (include AND value); all: Kleene AND of (NOT include OR value)
                if function == "any":
                    hit = (
                        value
                        if include is True
                        else (
                            False if value is False else include.merge(value) if isinstance(value, Unknown) else include
                        )
                    )
                    if hit is True:
                        return True
                else:
                    hit = (
                        value
                        if include is True
                        else (
                            True if value is True else include.merge(value) if isinstance(value, Unknown) else include
                        )
                    )
                    if hit is False:
                        return False
                if isinstance(hit, Unknown):
                    unknown = hit if unknown is None else unknown.merge(hit)
                found = True
        finally:
            if saved is None:
                ctx.locals.pop(var, None)
            else:
                ctx.locals[var] = saved
        del found
        if unknown is not None:
            return unknown
        if function == "any":
            return False
        if function == "all":
            return True
        return bounded(total)

    return ir.Aggregate(function, var, items, element, condition, label, fn=run)


def _sum_field(list_fn: Fn, field: str, label: str) -> Fn:
    """``sum(x.field for x in items)``: the generic aggregate, without a loop variable."""

    def run(ctx: Context) -> Any:
        items = list_fn(ctx)
        if isinstance(items, Unknown):
            return items
        missing: list[str] = []
        total: Any = 0
        for i, item in enumerate(items):
            if field in item:
                value = item[field]
                if isinstance(value, Unknown):  # pragma: no cover - facts are values
                    missing.extend(value.facts)
                elif not missing:
                    total += value
            else:
                missing.append(f"{label}[{i}].{field}")
        if missing:
            return Unknown(frozenset(missing))
        return bounded(total)

    return run
