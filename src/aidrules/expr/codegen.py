"""Straight-line Python for compiled expressions: the same results as the closures, faster.

The compiler (:mod:`aidrules.expr.compiler`) turns an expression into a tree of closures, one per
node, and the same tree in a typed intermediate form (:mod:`aidrules.expr.ir`: what each node
computes, and its closure). Evaluating the closures costs a Python call per node.
:func:`generate` writes the intermediate form out as the body of one function instead: every
node's value becomes a local variable, Kleene logic and unknowns are spelled out with ``if``
statements, and evaluation order, short-circuits and errors stay exactly those of the closures
(``tests/expr/test_codegen.py`` compares both on every expression of the shipped rule sets and
on generated ones).

What is generated is built only from the intermediate form, one emitter per kind of node
(:data:`EMITTERS`): operators from a fixed table, local names made here, and every value of the
rule file (names, texts, numbers, dates) passed in as a constant of the function's namespace,
never written into the source. Nothing of a rule file's text is executed. A node kind without an
emitter is generated as a call of the node's closure (``node.fn``), as is a loop variable outside
a generated loop and an aggregation with such a node inside; an expression nested deeper than
:data:`MAX_DEPTH` keeps its closures from there on.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, Overflow
from functools import partial
from json.encoder import encode_basestring
from typing import Any

from aidrules.expr import ir
from aidrules.expr.runtime import CENT, Context, ExpressionFailure, Unknown, bounded
from aidrules.readers.usercache import cached_code

Fn = Callable[[Context], Any]

#: Nesting (of ``if`` blocks) beyond which a sub-expression stays a closure call.
MAX_DEPTH = 40
#: Nested aggregations beyond which an aggregation stays a closure call (Python allows 20 nested
#: loops in one function).
MAX_LOOPS = 8

#: What a hoisted read of a fact's first section holds when the case has no such section
#: (:meth:`_Writer.hoist`): never a value of a fact tree.
_NOFACT = object()
_COMPARE = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ARITH = {"+": "+", "-": "-", "*": "*"}


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {
            "U": Unknown,
            "Failure": ExpressionFailure,
            "Overflow": Overflow,
            "bounded": bounded,
            "NOFACT": _NOFACT,
        }
        self.count = 0
        self._consts: dict[int, str] = {}
        #: names and literals that hold a constant, never an Unknown: their checks are left out
        self.known: set[str] = set()
        #: loop variables of the aggregations being written: name -> (item, index) locals
        self.scope: dict[str, tuple[str, str]] = {}
        self.labels: dict[str, str] = {}
        self.loops = 0
        #: named values already computed in the function being written: name -> local
        self.computed: dict[str, str] = {}
        #: the depth of the statements that always run (the plan's body), where a named value
        #: read once is kept for the rest of the function (None: no value is kept)
        self.top: int | None = None
        #: the first sections of fact paths read once at the top of the function being written
        #: (:meth:`hoist`): section -> local
        self.heads: dict[str, str] = {}

    def temp(self) -> str:
        self.count += 1
        return f"t{self.count}"

    def const(self, value: Any) -> str:
        """A name in the namespace bound to ``value`` (the source never holds rule-file text)."""
        if value is None or value is True or value is False:
            return repr(value)
        found = self._consts.get(id(value))
        if found is None:
            found = f"k{len(self._consts)}"
            self._consts[id(value)] = found
            self.namespace[found] = value
        return found

    def unknown(self, name: str) -> str:
        """The test that ``name`` holds an Unknown (``False`` for a constant)."""
        return "False" if name in self.known else f"{name}.__class__ is U"

    def line(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def merge_into(self, depth: int, acc: str, value: str) -> None:
        """``acc`` (an Unknown or None) merged with ``value`` when that is unknown."""
        if value in self.known:
            return
        self.line(depth, f"if {value}.__class__ is U:")
        self.line(depth + 1, f"{acc} = {value} if {acc} is None else {acc}.merge({value})")

    # -- one node ---------------------------------------------------------------------------------
    def emit(self, node: ir.Expr, depth: int) -> str:
        """Write the statements computing ``node``'s value at indentation ``depth``; return the
        name (or literal) holding it. A node kind without an emitter, a node the generated code
        cannot compute here, or one nested deeper than :data:`MAX_DEPTH` is a call of its closure."""
        emitter = EMITTERS.get(type(node))
        if emitter is None or depth > MAX_DEPTH or not self.supported(node):
            out = self.temp()
            self.line(depth, f"{out} = {self.const(node.fn)}(ctx)")
            return out
        return emitter(self, depth, node)

    def supported(self, node: ir.Expr) -> bool:
        """Loop variables exist only in generated loops; an aggregation is generated only when
        everything inside it is (a closure inside would look for its loop variable in
        ``ctx.locals``)."""
        if isinstance(node, ir.Local):
            return node.variable in self.scope
        if isinstance(node, ir.Aggregate):
            return self.loops < MAX_LOOPS and all(generable(child) for child in node.children())
        return True

    def _date(self, depth: int, node: ir.DecisionDate) -> str:
        out = self.temp()
        self.line(depth, f"{out} = ctx.on")
        return out

    def _local(self, depth: int, node: ir.Local) -> str:
        var, parts = node.variable, node.parts
        item, index = self.scope[var]
        out = self.temp()
        self.line(depth, f"{out} = {item}")
        level = depth
        for i, part in enumerate(parts):
            key = self.const(part)
            path = self.const("." + ".".join(parts[: i + 1]))
            self.line(level, f"if {out} is not None:")
            self.line(level + 1, f"if {key} in {out}:")
            self.line(level + 2, f"{out} = {out}[{key}]")
            self.line(level + 1, "else:")
            self.line(
                level + 2,
                f"{out} = U(frozenset({{{self.const(self.labels[var])} + '[' + str({index}) + ']' + {path}}}))",
            )
            level += 2
        return out

    def loop(self, depth: int, items_node: ir.Expr, out: str, index: str, item: str, *start: str) -> int:
        """The head of a loop over a list: an unknown list is the result; otherwise the ``start``
        statements, then ``for index, item in enumerate(list):``. Returns the depth of the
        ``for`` (its body is one deeper)."""
        items = self.emit(items_node, depth)
        self.line(depth, f"if {items}.__class__ is U:")
        self.line(depth + 1, f"{out} = {items}")
        self.line(depth, "else:")
        for statement in start:
            self.line(depth + 1, statement)
        self.line(depth + 1, f"for {index}, {item} in enumerate({items}):")
        return depth + 1

    def _sum_field(self, depth: int, node: ir.SumField) -> str:
        field, label = node.field, node.label
        out, missing, total, item, index, v = (self.temp() for _ in range(6))
        key = self.const(field)
        d = self.loop(depth, node.items, out, index, item, f"{missing} = []", f"{total} = 0")
        self.line(d + 1, f"if {key} in {item}:")
        self.line(d + 2, f"{v} = {item}[{key}]")
        self.line(d + 2, f"if {v}.__class__ is U:")
        self.line(d + 3, f"{missing}.extend({v}.facts)")
        self.line(d + 2, f"elif not {missing}:")
        self.line(d + 3, f"{total} += {v}")
        self.line(d + 1, "else:")
        self.line(d + 2, f"{missing}.append({self.const(label)} + '[' + str({index}) + '].' + {key})")
        self.line(d, f"{out} = U(frozenset({missing})) if {missing} else bounded({total})")
        return out

    def _aggregate(self, depth: int, node: ir.Aggregate) -> str:
        function, var, condition, label = node.function, node.variable, node.condition, node.label
        out, acc, total, item, index, done = (self.temp() for _ in range(6))
        d = self.loop(depth, node.items, out, index, item, f"{acc} = None", f"{total} = 0", f"{done} = False")
        saved = self.scope.get(var), self.labels.get(var)
        self.scope[var] = (item, index)
        self.labels[var] = label
        self.loops += 1
        body = d + 1
        include = "True"
        if condition is not None:
            include = self.emit(condition, body)
            self.line(body, f"if {include} is False:")
            self.line(body + 1, "continue")
        if function == "count":
            if condition is None:
                self.line(body, f"{total} += 1")
            else:
                self.line(body, f"if {include}.__class__ is U:")
                self.line(body + 1, f"{acc} = {include} if {acc} is None else {acc}.merge({include})")
                self.line(body, "else:")
                self.line(body + 1, f"{total} += 1")
        else:
            value = self.emit(node.element, body)
            if function == "sum":
                if condition is not None:
                    self.merge_into(body, acc, include)
                self.merge_into(body, acc, value)
                self.line(body, f"if {acc} is None:")
                self.line(body + 1, f"{total} += {value}")
            else:
                stop = function == "any"  # any stops at the first true, all at the first false
                hit = self.temp()
                if condition is None:
                    self.line(body, f"{hit} = {value}")
                else:
                    self.line(
                        body,
                        f"{hit} = {value} if {include} is True else ({stop} if {value} is {stop} else "
                        f"({include}.merge({value}) if {value}.__class__ is U else {include}))",
                    )
                self.line(body, f"if {hit} is {stop}:")
                self.line(body + 1, f"{out} = {stop}")
                self.line(body + 1, f"{done} = True")
                self.line(body + 1, "break")
                self.merge_into(body, acc, hit)
        self.loops -= 1
        for name, old, table in ((var, saved[0], self.scope), (var, saved[1], self.labels)):
            if old is None:
                del table[name]
            else:
                table[name] = old  # type: ignore[assignment]
        self.line(d, f"if not {done}:")
        final = {"any": "False", "all": "True"}.get(function, f"bounded({total})")
        self.line(d + 1, f"{out} = {acc} if {acc} is not None else {final}")
        return out

    def _const(self, depth: int, node: ir.Const) -> str:
        value = node.value
        name = self.const(value)
        if not isinstance(value, Unknown):
            self.known.add(name)
        return name

    def _value(self, depth: int, node: ir.Value) -> str:
        return self.value_of(depth, node.name)

    def value_of(self, depth: int, name: str) -> str:
        """The named value ``name``: the local holding it when the plan computed it already."""
        if name in self.computed:
            return self.computed[name]
        out = self.temp()
        self.line(depth, f"{out} = values[{self.const(name)}]")
        if depth == self.top:  # read on every run of the plan: later steps reuse the local
            self.computed[name] = out
        return out

    def _fact(self, depth: int, node: ir.Fact) -> str:
        parts = node.parts
        out, m = self.temp(), self.const(node.missing)
        head = self.heads.get(parts[0])
        if head is None:
            self.line(depth, f"{out} = facts.get({self.const(parts[0])}, {m})")
            rest = parts[1:]
        elif len(parts) == 1:  # read already (:meth:`hoist`)
            self.line(depth, f"{out} = {m} if {head} is NOFACT else {head}")
            rest = ()
        else:  # its first section read already (:meth:`hoist`): absent gives ``missing``, None gives None
            self.line(
                depth,
                f"{out} = {m} if {head} is NOFACT else ({head} if {head} is None "
                f"else {head}.get({self.const(parts[1])}, {m}))",
            )
            rest = parts[2:]
        for i, part in enumerate(rest):
            self.line(depth + i, f"if {out} is not {m} and {out} is not None:")
            self.line(depth + i + 1, f"{out} = {out}.get({self.const(part)}, {m})")
        return out

    def begin(self, depth: int, exprs: Iterable[ir.Expr] = ()) -> None:
        """Start a function's body (at ``depth``) that reads the case through ``ctx``: its
        ``values`` and ``facts`` as locals, then the fact sections ``exprs`` share (:meth:`hoist`)."""
        self.line(depth, "values = ctx.values")
        self.line(depth, "facts = ctx.facts")
        self.hoist(depth, exprs)

    def hoist(self, depth: int, exprs: Iterable[ir.Expr]) -> None:
        """Start a function's fact reads: the first section of the fact paths that ``exprs`` read
        more than once (``client`` of ``client.x`` and ``client.y``, ``debts`` read by two sums) is
        read once, here (at the top of the function, ``NOFACT`` when absent), and each of those
        facts then looks in it (:meth:`_fact`): one ``get`` fewer per read. Every function that
        reads facts through this writer calls it first (the sections of another function are
        forgotten)."""
        counts = Counter(node.parts[0] for e in exprs for node in e.walk() if isinstance(node, ir.Fact))
        self.heads = {}
        for head, n in counts.items():
            if n > 1:
                name = self.heads[head] = f"h{len(self.heads)}"
                self.line(depth, f"{name} = facts.get({self.const(head)}, NOFACT)")

    def _table(self, depth: int, node: ir.TableEntry) -> str:
        name = node.name
        key = self.emit(node.key, depth)
        out = self.temp()
        self.line(depth, f"if {key}.__class__ is U:")
        self.line(depth + 1, f"{out} = {key}")
        self.line(depth, "else:")
        self.line(depth + 1, f"{out} = values[{self.const(name)}]")
        self.line(depth + 1, f"if {key} not in {out}:")
        self.line(depth + 2, f"raise Failure('table `' + {self.const(name)} + '` has no entry `' + str({key}) + '`')")
        self.line(depth + 1, f"{out} = {out}[{key}]")
        return out

    def _unary(self, depth: int, operand: ir.Expr, op: str) -> str:
        v = self.emit(operand, depth)
        out = self.temp()
        self.line(depth, f"{out} = {v} if {v}.__class__ is U else {op}{v}")
        return out

    def _not(self, depth: int, node: ir.Not) -> str:
        return self._unary(depth, node.operand, "not ")

    def _neg(self, depth: int, node: ir.Neg) -> str:
        return self._unary(depth, node.operand, "-")

    def _binary_unknown(self, depth: int, a: str, b: str, out: str) -> str:
        """Unknown operands of a binary operator; returns the keyword for what follows."""
        if a in self.known and b in self.known:
            self.line(depth, "if True:")
            return "if True"
        if a in self.known:
            self.line(depth, f"if {b}.__class__ is U:")
            self.line(depth + 1, f"{out} = {b}")
            return "else"
        self.line(depth, f"if {a}.__class__ is U:")
        self.line(depth + 1, f"{out} = {a}.merge({b}) if {self.unknown(b)} else {a}")
        if b not in self.known:
            self.line(depth, f"elif {b}.__class__ is U:")
            self.line(depth + 1, f"{out} = {b}")
        return "else"

    def binary(self, depth: int, left: ir.Expr, right: ir.Expr) -> tuple[str, str, str]:
        """Both operands, then the unknown cases; what follows at ``depth + 1`` runs when both
        are known. Returns the operands' names and the result's."""
        a = self.emit(left, depth)
        b = self.emit(right, depth)
        out = self.temp()
        if self._binary_unknown(depth, a, b, out) == "else":
            self.line(depth, "else:")
        return a, b, out

    def _arith(self, depth: int, node: ir.Arith) -> str:
        op = node.op
        a, b, out = self.binary(depth, node.left, node.right)
        if op == "/":
            self.line(depth + 1, f"if {b} == 0:")
            self.line(depth + 2, "raise Failure('division by zero')")
            expr = f"{self.const(Decimal)}({a}) / {self.const(Decimal)}({b})"
        else:
            expr = f"{a} {_ARITH[op]} {b}"
        self.line(depth + 1, "try:")
        self.line(depth + 2, f"{out} = {expr}")
        self.line(depth + 1, "except Overflow:")
        self.line(depth + 2, f"raise Failure({self.const(f'`{op}` gave a number beyond the limit 10^25')}) from None")
        if op != "/":  # a whole number is bounded (``bounded``); a Decimal is by its context
            self.line(depth + 1, f"if {out}.__class__ is int:")
            self.line(depth + 2, f"bounded({out})")
        return out

    def _compare(self, depth: int, node: ir.Compare) -> str:
        a, b, out = self.binary(depth, node.left, node.right)
        self.line(depth + 1, f"{out} = {a} {_COMPARE[node.op]} {b}")  # a bool: the values' classes compare to one
        return out

    def _kleene(self, depth: int, operands: Sequence[Callable[[int], str]], stop: bool) -> str:
        """``and`` (``stop`` False) or ``or`` (``stop`` True): the first operand that is ``stop``
        decides, unknowns merge, later operands are not evaluated after a decision. Each operand
        is guarded by ``if out is None`` at the same depth, however many operands there are.
        ``operands`` write their statements at a given depth and return the value's name."""
        out, acc = self.temp(), self.temp()
        self.line(depth, f"{acc} = None")
        self.line(depth, f"{out} = None")
        for i, operand in enumerate(operands):
            level = depth
            if i:
                self.line(depth, f"if {out} is None:")
                level = depth + 1
            v = operand(level)
            self.line(level, f"if {v} is {stop}:")
            self.line(level + 1, f"{out} = {stop}")
            if v not in self.known:
                self.line(level, f"elif {v}.__class__ is U:")
                self.line(level + 1, f"{acc} = {v} if {acc} is None else {acc}.merge({v})")
        self.line(depth, f"if {out} is None:")
        self.line(depth + 1, f"{out} = {not stop} if {acc} is None else {acc}")
        return out

    def _and(self, depth: int, node: ir.And) -> str:
        return self._kleene(depth, [partial(self.emit, operand) for operand in node.operands], False)

    def _or(self, depth: int, node: ir.Or) -> str:
        return self._kleene(depth, [partial(self.emit, operand) for operand in node.operands], True)

    def conjunction(self, depth: int, names: Sequence[str]) -> str:
        """The Kleene AND of named values (a principle's conditions, a form's parts). When every
        part is computed already, one test first settles the common cases: all true, or one false."""
        parts = [self.computed.get(name) for name in names]
        if not parts or any(v is None for v in parts):
            return self._kleene(depth, [partial(self.value_of, name=name) for name in names], False)
        out = self.temp()
        self.line(depth, "if " + " and ".join(f"{v} is True" for v in parts) + ":")
        self.line(depth + 1, f"{out} = True")
        self.line(depth, "elif " + " or ".join(f"{v} is False" for v in parts) + ":")
        self.line(depth + 1, f"{out} = False")
        self.line(depth, "else:")
        self.line(
            depth + 1, f"{out} = {self._kleene(depth + 1, [partial(self.value_of, name=n) for n in names], False)}"
        )
        return out

    def _in(self, depth: int, node: ir.In) -> str:
        negate = node.negate
        item = self.emit(node.item, depth)
        out, acc = self.temp(), self.temp()
        self.line(depth, f"{out} = {item} if {item}.__class__ is U else None")
        options = node.options
        constants = [o.value for o in options if isinstance(o, ir.Const) and o.value.__class__ is not Unknown]
        if options and len(constants) == len(options):
            # a list of constants: one membership test (a tuple compares each option ``==`` the
            # item, in order, as the statements below do)
            listed = self.const(tuple(constants))
            self.line(depth, f"if {out} is None:")
            self.line(depth + 1, f"{out} = {not negate} if {item} in {listed} else {negate}")
            return out
        self.line(depth, f"{acc} = None")
        for option in options:
            self.line(depth, f"if {out} is None:")
            v = self.emit(option, depth + 1)
            self.line(
                depth + 1, f"if {v} == {item}:" if v in self.known else f"if {v}.__class__ is not U and {v} == {item}:"
            )
            self.line(depth + 2, f"{out} = {not negate}")
            self.merge_into(depth + 1, acc, v)
        self.line(depth, f"if {out} is None:")
        self.line(depth + 1, f"{out} = {negate} if {acc} is None else {acc}")
        return out

    def _is_none(self, depth: int, node: ir.IsNone) -> str:
        v = self.emit(node.operand, depth)
        out = self.temp()
        test = "is not" if node.negate else "is"
        self.line(depth, f"{out} = {v} if {v}.__class__ is U else ({v} {test} None)")
        return out

    def _if(self, depth: int, node: ir.IfElse) -> str:
        c = self.emit(node.condition, depth)
        out = self.temp()
        self.line(depth, f"if {c} is True:")
        self.line(depth + 1, f"{out} = {self.emit(node.then, depth + 1)}")
        self.line(depth, f"elif {c} is False:")
        self.line(depth + 1, f"{out} = {self.emit(node.otherwise, depth + 1)}")
        self.line(depth, "else:")
        self.line(depth + 1, f"{out} = {c}")
        return out

    def _call(self, depth: int, node: ir.Call) -> str:
        impl = node.impl
        args = [self.emit(arg, depth) for arg in node.args]
        out, acc = self.temp(), self.temp()
        call = f"{self.const(impl)}({', '.join(args)})"
        unknowns = [a for a in args if a not in self.known]  # the arguments that may be unknown
        if not unknowns:
            self.line(depth, f"{out} = {call}")
        elif len(unknowns) == 1:
            self.line(depth, f"{out} = {unknowns[0]} if {unknowns[0]}.__class__ is U else {call}")
        else:
            self.line(depth, f"{acc} = {unknowns[0]} if {unknowns[0]}.__class__ is U else None")
            for a in unknowns[1:]:
                self.merge_into(depth, acc, a)
            self.line(depth, f"{out} = {acc} if {acc} is not None else {call}")
        return out


#: The emitter of each kind of node (:mod:`aidrules.expr.ir`); a kind not listed here is generated
#: as a call of its closure (``tests/expr/test_codegen.py`` checks that every kind the shipped rule
#: sets use has one).
EMITTERS: dict[type[ir.Expr], Callable[[_Writer, int, Any], str]] = {
    ir.Const: _Writer._const,
    ir.DecisionDate: _Writer._date,
    ir.Value: _Writer._value,
    ir.Fact: _Writer._fact,
    ir.Local: _Writer._local,
    ir.TableEntry: _Writer._table,
    ir.Not: _Writer._not,
    ir.Neg: _Writer._neg,
    ir.Arith: _Writer._arith,
    ir.Compare: _Writer._compare,
    ir.And: _Writer._and,
    ir.Or: _Writer._or,
    ir.In: _Writer._in,
    ir.IsNone: _Writer._is_none,
    ir.IfElse: _Writer._if,
    ir.Call: _Writer._call,
    ir.SumField: _Writer._sum_field,
    ir.Aggregate: _Writer._aggregate,
}


def generable(node: ir.Expr) -> bool:
    """Whether every node of the tree has an emitter (nothing in it would read ``ctx.locals``)."""
    return type(node) in EMITTERS and all(generable(child) for child in node.children())


def _run(writer: _Writer, what: str) -> dict[str, Any]:
    """Compile and run the written definitions; their namespace.

    The source holds only statements written by :class:`_Writer`; every value that comes from a
    rule file is a constant of the namespace (see the module's docstring). Compiling a large
    source is most of what generating costs (about 10 ms for the reference set's plan): its code
    object comes from the per-user cache when the same source was compiled before
    (:func:`aidrules.readers.usercache.cached_code`, found by the source's sha256).
    """
    code = cached_code("\n".join(writer.lines) + "\n", f"<aidrules generated {what}>", writer.namespace)
    exec(code, writer.namespace)
    return writer.namespace


def generate_plan(
    steps: Sequence[ir.Step], conjunctions: Sequence[ir.Conjunction]
) -> Callable[[Context, list[int]], None]:
    """The whole evaluation plan as one function ``plan(ctx, at)``.

    ``steps`` are in dependency order: each value is computed, rounded to the cent when it is
    money (half up, as the engine does), stored in ``ctx.values[step.name]`` and kept in a local
    for the steps after it. When a step fails, ``at[0]`` is set to its index before the error
    goes on, so that the error can name it: the step is found from the line of the plan the error
    came through (nothing is counted while the plan runs). Then each of ``conjunctions`` stores
    the Kleene AND of its parts' values (principles and forms).
    """
    plan: Callable[[Context, list[int]], None] = _run(_plan_writer(steps, conjunctions), "plan")["plan"]
    return plan


def generate_plan_and_values_text(
    steps: Sequence[ir.Step],
    conjunctions: Sequence[ir.Conjunction],
    names: Sequence[str],
    heads: Sequence[str],
    scalars: dict[type, Callable[[Any], str]],
    numbers: Sequence[bool] = (),
    tail: Tail | None = None,
) -> tuple[Callable[[Context, list[int]], None], Callable[[dict[str, Any]], str], TailFns | None]:
    """:func:`generate_plan`, and in the same source (compiled and cached with it: alone it would
    be too short to cache) ``values_text(values)``: the values ``names`` of a record's values as
    one compact JSON object, each value's text after its text in ``heads`` (``{"name":`` for the
    first, ``,"name":`` after it), in one join (an amount inline, any other value written by
    ``scalars`` by its class: an Unknown ``null``). A value missing, or of a class ``scalars``
    does not know, raises KeyError (the caller writes those values another way). ``numbers``
    tells which values are numbers (usually Decimals: :func:`_json_text` writes them with their
    quotes in the texts around them when all are). With ``tail``, the functions deciding what
    follows the plan (:func:`_tail`), in the same source."""
    writer = _plan_writer(steps, conjunctions)
    writer.namespace["SC"] = scalars
    writer.heads = {}  # reads no facts
    writer.line(0, "def values_text(values):")
    segments: list[Segment] = []
    decimals = []
    for i, (name, head) in enumerate(zip(names, heads, strict=True)):
        writer.line(1, f"v{i} = values[{writer.const(name)}]")
        segments += [("text", head), ("value", f"v{i}")]
        if i < len(numbers) and numbers[i]:
            decimals.append(f"v{i}")
    segments.append(("text", "}"))
    writer.line(1, f"return {_json_text(writer, segments, decimals)}")
    if tail is not None:
        _tail(writer, tail)
    namespace = _run(writer, "plan")
    fns = None if tail is None else (namespace["rows"], namespace["whens"], namespace["action_values"])
    return namespace["plan"], namespace["values_text"], fns


#: What is decided after the plan (:func:`generate_plan_and_values_text`'s ``tail``): the
#: recommendation rows' conditions, whether the first row that holds decides (hit policy
#: ``first``), each action's ``when``, and each action's values as ``(name, expr, money)``.
Tail = tuple[Sequence[ir.Expr], bool, Sequence[ir.Expr], Sequence[Sequence[tuple[str, ir.Expr, bool]]]]
#: The functions of a :data:`Tail`: ``rows(ctx, at)`` gives the indexes of the rows that hold, in
#: order, and the Unknown merged from the rows left unknown (or None); ``whens(ctx, at)`` each
#: action's ``when``; ``action_values(ctx, whens, at)`` stores the values of the actions whose
#: ``when`` holds in ``ctx.values``. An expression that fails sets ``at[0]`` to the index of its
#: row, of its action, or of its value among all actions' values, before the error goes on.
TailFns = tuple[
    Callable[[Context, list[int]], tuple[list[int], Any]],
    Callable[[Context, list[int]], list[Any]],
    Callable[[Context, Sequence[Any], list[int]], None],
]


def _tail(writer: _Writer, tail: Tail) -> None:
    """The three functions of :data:`TailFns`, written after the plan: the same values, in the same
    order, as ``engine/decide.py``'s interpreted ``recommend``, ``when_fns`` and ``record`` (rows
    after the first that holds not evaluated when it decides; an action's values only when its
    ``when`` is true; an amount rounded to the cent, half up), without a call per expression.
    Each names its failing part as the plan names its step: by the line the error came through."""
    rows, first, whens, action_values = tail
    writer.computed = {}  # the plan's locals are not this function's
    writer.top = None
    starts: list[int] = []
    writer.line(0, "def rows(ctx, at):")
    writer.line(1, "hits = []")
    writer.line(1, "unknown = None")
    writer.line(1, "try:")
    writer.begin(2, rows)
    for i, expr in enumerate(rows):
        depth = 2
        if first and i:  # the first row that holds decides: the rows after it are not evaluated
            writer.line(2, "if not hits:")
            depth = 3
        starts.append(len(writer.lines) + 1)
        v = writer.emit(expr, depth)
        writer.line(depth, f"if {v}.__class__ is U:")
        writer.line(depth + 1, f"unknown = {v} if unknown is None else unknown.merge({v})")
        writer.line(depth, f"elif {v} is True:")
        writer.line(depth + 1, f"hits.append({i})")
    _failing(writer, starts)
    writer.line(1, "return hits, unknown")
    starts = []
    writer.line(0, "def whens(ctx, at):")
    writer.line(1, "try:")
    writer.begin(2, whens)
    outs = []
    for expr in whens:
        starts.append(len(writer.lines) + 1)
        outs.append(writer.emit(expr, 2))
    _failing(writer, starts)
    writer.line(1, f"return [{', '.join(outs)}]")
    starts = []
    writer.line(0, "def action_values(ctx, whens, at):")
    writer.line(1, "try:")
    writer.begin(2, [expr for found in action_values for _, expr, _ in found])
    for i, found in enumerate(action_values):
        if not found:
            continue
        writer.line(2, f"w = whens[{i}]")
        writer.line(2, "if w is not False and w.__class__ is not U:")
        for name, expr, money in found:
            starts.append(len(writer.lines) + 1)
            v = writer.emit(expr, 3)
            if money:  # ``as_type``: an amount is a Decimal rounded to the cent (half up)
                _to_cent(writer, 3, v)
            writer.line(3, f"values[{writer.const(name)}] = {v}")
    _failing(writer, starts)


def _to_cent(writer: _Writer, depth: int, v: str) -> None:
    """An amount in the local ``v`` rounded to the cent, half up: a Decimal as it is (no copy made
    first), an int made one; anything else (an Unknown) left as it is."""
    writer.line(depth, f"if {v}.__class__ is D:")
    writer.line(depth + 1, f"{v} = {v}.quantize(CENT, HALF_UP)")
    writer.line(depth, f"elif {v}.__class__ is int:")
    writer.line(depth + 1, f"{v} = D({v}).quantize(CENT, HALF_UP)")


def _failing(writer: _Writer, starts: list[int]) -> None:
    """The end of a function's ``try``: an error sets ``at[0]`` to the index of the part whose
    first line (``starts``, numbered from 1) is the last before the line the error came through."""
    if not starts:  # nothing evaluated: nothing fails
        writer.line(2, "pass")
    writer.line(1, "except BaseException as exc:")
    writer.line(2, f"at[0] = max(0, bisect({writer.const(tuple(starts))}, exc.__traceback__.tb_lineno or 0) - 1)")
    writer.line(2, "raise")


def _plan_writer(steps: Sequence[ir.Step], conjunctions: Sequence[ir.Conjunction]) -> _Writer:
    """The writer holding the source of :func:`generate_plan`'s ``plan``."""
    writer = _Writer()
    writer.namespace.update({"D": Decimal, "CENT": CENT, "HALF_UP": ROUND_HALF_UP, "bisect": bisect_right})
    writer.line(0, "def plan(ctx, at):")
    writer.line(1, "try:")
    writer.top = 2
    writer.begin(2, [step.expr for step in steps])
    starts = []  # the first line (numbered from 1) of each step
    for step in steps:
        starts.append(len(writer.lines) + 1)
        result = writer.emit(step.expr, 2)
        if step.money:
            _to_cent(writer, 2, result)
        writer.line(2, f"values[{writer.const(step.name)}] = {result}")
        writer.computed[step.name] = result
    for conjunction in conjunctions:
        result = writer.conjunction(2, conjunction.parts)
        writer.line(2, f"values[{writer.const(conjunction.name)}] = {result}")
        writer.computed[conjunction.name] = result
    writer.line(1, "except BaseException as exc:")  # the line the error came through: its step
    writer.line(2, f"at[0] = max(0, bisect({writer.const(tuple(starts))}, exc.__traceback__.tb_lineno or 0) - 1)")
    writer.line(2, "raise")
    return writer


def generate_keys(
    rows: Sequence[tuple[Any, Sequence[ir.Expr]]],
) -> list[Callable[[Context, str], tuple[Any, ...]]]:
    """For each ``(outcome, exprs)``: a function ``(ctx, lang)`` giving ``(lang, outcome,
    *values)``, the values of ``exprs`` with each Decimal as its text (``1.5`` and ``1.50`` print
    differently, so they must not be equal keys). The engine keys its cache of reasons with them."""
    writer = _Writer()
    writer.namespace["D"] = Decimal
    for i, (outcome, exprs) in enumerate(rows):
        writer.line(0, f"def r{i}(ctx, lang):")
        writer.begin(1)
        parts = ["lang", writer.const(outcome)]
        for expr in exprs:
            v = writer.emit(expr, 1)
            parts.append(v if v in writer.known else f"(str({v}) if {v}.__class__ is D else {v})")
        writer.line(1, f"return ({', '.join(parts)},)")
    namespace = _run(writer, "keys")
    return [namespace[f"r{i}"] for i in range(len(rows))]


#: How a condition's reason with a known outcome is made in the generated loop, afresh or for a
#: key not found: ``(make, names, pieces, tail, source, shape)``, giving
#: ``make(id, "condition", outcome, message, {name: shown value}, source, [], shape)`` where the
#: message is each piece's literal text and its writer's text of a message value, then ``tail``
#: (:data:`Pieces`).
#: ``shape`` is the reason's compact texts that are the same for its rule and outcome (the text up
#: to the message, each shown value's key, the end: ``engine/decision.py``'s ``Shape``).
FreshSpec = tuple[Callable[..., Any], tuple[str, ...], "Pieces", str, Any, Any]
#: A message's literal texts before its values, each value's writer, and for a writer of amounts
#: the texts it keeps by the amount's text (looked up inline first; each needs no escaping in JSON)
#: with its writer of an amount whose text is known (``write_text(str(v), v)``), or None.
Pieces = tuple[tuple[str, Callable[[Any], str], tuple[dict[str, str], Callable[[str, Any], str]] | None], ...]
#: A row of :func:`generate_condition_loop`: ``(cond, id, (memo, unknown memo), (exprs if false,
#: exprs if true, exprs if unknown), (spec if false, spec if true))``.
ConditionRow = tuple[
    Any,
    str,
    tuple[Any, Any],
    tuple[Sequence[ir.Expr], Sequence[ir.Expr], Sequence[ir.Expr]],
    tuple[FreshSpec, FreshSpec],
]


def generate_condition_loop(
    rows: Sequence[ConditionRow],
    scalars: dict[type, Callable[[Any], str]] | None = None,
    numbers: Callable[[ir.Expr], bool] = lambda expr: True,
) -> Callable[[Context, str, Callable[..., Any]], Any]:
    """The assembly loop of the conditions' reasons in one language, as one function
    ``conditions(ctx, lang, made)`` giving each condition's reason by its id, in order (with
    ``scalars``: the compact text of each condition's reason, in order, in a list).

    ``rows`` holds, per condition in plan order, ``(cond, id, (memo, unknown memo), (exprs if
    false, exprs if true, exprs if unknown), (spec if false, spec if true))``. The condition and
    its caches of reasons with a known and with an unknown outcome (each a ``Memo``: ``cap``,
    ``entries``, ``hits``, ``misses``, ``PROBE_AFTER``, ``probe()``, ``keep(key, reason)``) are
    passed in as constants; the expressions are what its reason reads (the values it shows, then
    those its message names), which :func:`generate_keys` keys its reason with. For a known outcome they are computed
    inline (no call per condition); when the cache keeps reasons, the key ``(lang, outcome,
    *values)`` is looked up and a reason found counts a hit, a key not found has its reason made
    inline and kept; when the cache keeps nothing, the reason is made inline as the row's
    :data:`FreshSpec` for that outcome says (its message written with its value writers). An
    unknown outcome's reason is looked up in its own cache by the key ``(lang, None, *values,
    outcome)`` when that cache keeps reasons. The rest is left to the callback ``made(cond,
    outcome)``: an unknown outcome's reason not found or not kept, or a value that failed (it
    raises, naming the value).

    With ``scalars`` (the JSON text of a shown value by its class; an Unknown written as
    ``null``), the loop gives the reasons' compact texts: a reason found or kept gives its own
    (``compact``, or ``fill_compact()`` when not yet written), a reason made afresh is not made
    at all: its text is written inline from its shape (a value of a class ``scalars`` does not
    know has its reason made and written by it, as pydantic would).

    ``numbers(expr)`` tells whether an expression's value may be a Decimal (its type is a
    number): only such a value is put in a key as its text (``1.5`` and ``1.50``)."""
    compact = scalars is not None
    writer = _Writer()
    writer.namespace.update({"D": Decimal, "S": encode_basestring, "SC": scalars})
    writer.line(0, "def conditions(ctx, lang, made):")
    writer.begin(1, [e for row in rows for exprs in row[3] for e in exprs])
    if not compact:
        writer.line(1, "reasons = {}")
    outs = []
    for i, (cond, cid, (memo, unknown_memo), by_outcome, specs) in enumerate(rows):
        c, k, m, um = writer.const(cond), writer.const(cid), writer.const(memo), writer.const(unknown_memo)
        out = f"r{i}" if compact else f"reasons[{k}]"
        outs.append(out)
        writer.line(1, f"o = values[{k}]")
        for branch, outcome in (("if", True), ("elif", False)):
            make, names, pieces, tail, source, shape = specs[outcome]
            writer.line(1, f"{branch} o is {outcome}:")
            read = _guarded_reads(
                writer, by_outcome[outcome], f"{out} = made({c}, o)" + (".compact_text()" if compact else "")
            )
            writer.line(2, "else:")
            width = len(names)
            fragment = _fragment(
                writer, make, k, "'condition'", writer.const(outcome), names, read[:width], source, shape
            )
            exprs = by_outcome[outcome]
            if compact and cheap_to_write(pieces):  # written from the reason's shape, the reason not made
                _written(writer, 3, out, shape, pieces, tail, exprs, read, width, numbers, fragment)
                continue
            message = _message(writer, pieces, read[width:], tail, {})
            writer.line(3, f"if {m}.cap:")
            parts = ["lang", writer.const(outcome), *_key_parts(writer, exprs, read, numbers)]
            if compact:  # made with its compact text, then kept
                decimals = {v for expr, v in zip(exprs, read, strict=True) if numbers(expr)}
                text = _shape_text(writer, shape, [("expr", "S(msg)")], read[:width], decimals, {})
                missing = [
                    (0, f"msg = {message}"),
                    (0, f"found = {fragment}"),
                    (0, "try:"),
                    (1, f"found.compact = {text}"),
                    (0, "except (KeyError, TypeError):  # a value of a class the writers do not know"),
                    (1, "found.fill_compact()"),
                    (0, f"{out} = {m}.keep(key, found).compact"),
                ]
                _looked_up(writer, 4, m, parts, missing, f"{out} = found.compact or found.fill_compact()")
            else:
                missing = [(0, f"msg = {message}"), (0, f"{out} = {m}.keep(key, {fragment})")]
                _looked_up(writer, 4, m, parts, missing, f"{out} = found")
            writer.line(3, "else:")
            _skip(writer, 4, m, memo)
            if compact:
                _written(writer, 4, out, shape, pieces, tail, exprs, read, width, numbers, fragment)
            else:
                writer.line(4, f"msg = {message}")
                writer.line(4, f"{out} = {fragment}")
        # an unknown outcome: its reason looked up by the key (lang, None, *values, outcome); the
        # rest (a key not found, a cache that keeps nothing, a value that fails) made by ``made``
        made_text = f"made({c}, o)"
        found_text = "found"
        if compact:
            made_text += ".compact_text()"
            found_text = "found.compact or found.fill_compact()"
        writer.line(1, f"elif o.__class__ is U and {um}.cap:")
        read = _guarded_reads(writer, by_outcome[2], f"{out} = {made_text}")
        writer.line(2, "else:")
        parts = ["lang", "None", *_key_parts(writer, by_outcome[2], read, numbers), "o"]
        _looked_up(writer, 3, um, parts, [(0, f"{out} = {made_text}")], f"{out} = {found_text}")
        writer.line(1, "else:")
        writer.line(2, f"{out} = {made_text}")
    writer.line(1, f"return [{', '.join(outs)}]" if compact else "return reasons")
    loop: Callable[[Context, str, Callable[..., Any]], Any] = _run(
        writer, "compact condition loop" if compact else "condition loop"
    )["conditions"]
    return loop


#: A row of :func:`generate_action_loop`, per action: ``(memo, exprs, spec, value names, head,
#: value keys, undetermined)``: its cache of reasons, the expressions its reason reads (the values
#: it shows, then those its message names), how its reason is made (:data:`FreshSpec`, with the
#: reason's rule id first; None: it has no message), the names of its values in the record, the
#: text of its compact JSON when proposed up to its first value's text, the text before each other
#: value's, and its text when undetermined up to its reason's number.
ActionRow = tuple[Any, Sequence[ir.Expr], tuple[str, FreshSpec] | None, tuple[str, ...], str, tuple[str, ...], str]


def generate_action_loop(
    rows: Sequence[ActionRow],
    scalars: dict[type, Callable[[Any], str]],
    numbers: Callable[[ir.Expr], bool] = lambda expr: True,
) -> Callable[[Context, str, Sequence[Any], int, Callable[[int], Any]], tuple[list[str], list[str]] | None]:
    """The compact JSON of the actions of one decision in one language, as one function
    ``actions(ctx, lang, whens, base, undetermined)``: the texts of the actions not ruled out
    (``whens``: each action's ``when``; an action refers to its reason by number, ``base`` the
    first) and the compact texts of their reasons; None when the interpreted assembly must
    write them: a value that fails (the interpreted assembly raises, naming it) or a value of a
    class ``scalars`` does not know. The reason of an undetermined action (its ``when``
    unknown) is ``undetermined(index)`` (a reason with ``compact_text()``).

    Each action's reason is found in its cache (a ``Memo``) by the key ``(lang, True,
    *values)`` as :func:`generate_condition_loop` finds a condition's (a key not found: made
    inline and kept), or, when its cache keeps nothing, written inline from its shape without
    being made (``numbers``: as for :func:`generate_condition_loop`)."""
    writer = _Writer()
    writer.namespace.update({"D": Decimal, "S": encode_basestring, "SC": scalars})
    writer.line(0, "def actions(ctx, lang, whens, base, undetermined):")
    writer.begin(1, [e for row in rows for e in row[1]])
    whens = [f"w{i}" for i in range(len(rows))]
    if rows:
        writer.line(1, f"{', '.join(whens)}{',' if len(rows) == 1 else ''} = whens")
    writer.line(1, "out = []")
    writer.line(1, "table = []")
    for i, (w, (memo, exprs, made, names, head, keys, unknown)) in enumerate(zip(whens, rows, strict=True)):
        writer.line(1, f"if {w}.__class__ is U:")
        writer.line(2, f"table.append(undetermined({i}).compact_text())")
        writer.line(2, f"out.append({writer.const(unknown)} + str(base + len(out)) + {writer.const(']}')})")
        writer.line(1, f"elif {w} is not False:")
        if made is None:
            writer.line(2, "return None")
            continue
        rule, (make, shown_names, pieces, tail, source, shape) = made
        read = _guarded_reads(writer, exprs, "return None")
        width = len(shown_names)
        fragment = _fragment(
            writer, make, writer.const(rule), "'action'", "True", shown_names, read[:width], source, shape
        )
        reason = writer.temp()
        if cheap_to_write(pieces):  # written from the reason's shape, the reason not made
            _written(writer, 2, reason, shape, pieces, tail, exprs, read, width, numbers, fragment)
        else:
            m = writer.const(memo)
            writer.line(2, f"if {m}.cap:")
            parts = ["lang", "True", *_key_parts(writer, exprs, read, numbers)]
            missing = [
                (0, f"msg = {_message(writer, pieces, read[width:], tail, {})}"),
                (0, f"found = {m}.keep(key, {fragment})"),
            ]
            _looked_up(writer, 3, m, parts, missing)
            writer.line(3, f"{reason} = found.compact or found.fill_compact()")
            writer.line(2, "else:")
            _skip(writer, 3, m, memo)
            _written(writer, 3, reason, shape, pieces, tail, exprs, read, width, numbers, fragment)
        writer.line(2, f"table.append({reason})")
        # the action itself: its values as the record holds them (an unknown one is null)
        segments: list[Segment] = [("text", head)]
        for j, name in enumerate(names):
            v = writer.temp()
            writer.line(2, f"{v} = values[{writer.const(name)}]")
            if j:
                segments.append(("text", keys[j - 1]))
            segments.append(("value", v))
        segments += [("text", '},"reasons":['), ("expr", "str(base + len(out))"), ("text", "]}")]
        writer.line(2, "try:")
        # an action's values are mostly amounts: written as Decimals when all are
        writer.line(3, f"out.append({_json_text(writer, segments, [v for kind, v in segments if kind == 'value'])})")
        writer.line(2, "except (KeyError, TypeError):  # a value of a class the writers do not know")
        writer.line(3, "return None")
    writer.line(1, "return out, table")
    loop: Callable[[Context, str, Sequence[Any], int, Callable[[int], Any]], tuple[list[str], list[str]] | None] = _run(
        writer, "compact action loop"
    )["actions"]
    return loop


def _looked_up(
    writer: _Writer, depth: int, m: str, parts: Sequence[str], missing: Sequence[tuple[int, str]], found: str = ""
) -> None:
    """The lines looking a reason up in the cache ``m`` by the key of ``parts`` (in ``found``):
    a key not found runs the lines ``missing`` (each with its depth below this one), a reason
    found counts a hit and runs the line ``found`` (when given)."""
    writer.line(depth, f"key = ({', '.join(parts)},)")
    writer.line(depth, f"found = {m}.entries.get(key)")
    writer.line(depth, "if found is None:")
    for deeper, line in missing:
        writer.line(depth + 1 + deeper, line)
    writer.line(depth, "else:")
    writer.line(depth + 1, f"{m}.hits += 1")
    if found:
        writer.line(depth + 1, found)


def cheap_to_write(pieces: Pieces) -> bool:
    """Whether a reason's compact text is written as cheaply as it is found in a cache (its key
    is the same values' texts): its message names amounts only (each looked up among the texts
    its writer keeps), or nothing. A message naming another value (a date, a label) is written
    by a call that a cache saves."""
    return all(kept is not None for _, _, kept in pieces)


def _written(
    writer: _Writer,
    depth: int,
    out: str,
    shape: Any,
    pieces: Pieces,
    tail: str,
    exprs: Sequence[ir.Expr],
    read: Sequence[str],
    width: int,
    numbers: Callable[[ir.Expr], bool],
    fragment: str,
) -> None:
    """The lines setting ``out`` to the compact text of a reason with a known outcome, written from
    its ``shape``, its message's ``pieces`` and ``tail`` and the values in ``read`` (of ``exprs``;
    the first ``width`` shown), without making the reason or looking in a cache: the text of a
    cached reason would cost as much to find (its key is the same values' texts). A value of a
    class the writers do not know has the reason made (``fragment``, its message in ``msg``) and
    written by pydantic."""
    strs: dict[str, str] = {}
    message = _message_segments(writer, pieces, read[width:], tail, strs)
    decimals = {v for expr, v in zip(exprs, read, strict=True) if numbers(expr)}
    writer.line(depth, "try:")
    writer.line(depth + 1, f"{out} = {_shape_text(writer, shape, message, read[:width], decimals, strs)}")
    writer.line(depth, "except (KeyError, TypeError):  # a value of a class the writers do not know")
    writer.line(depth + 1, f"msg = {_message(writer, pieces, read[width:], tail, {})}")
    writer.line(depth + 1, f"{out} = {fragment}.fill_compact()")


def _skip(writer: _Writer, depth: int, m: str, memo: Any) -> None:
    """``memo.skip()`` written inline (a reason made without looking in a cache that keeps
    nothing: a miss counted, the cache tried again after ``memo.PROBE_AFTER`` of them), without
    the call for each reason."""
    writer.line(depth, f"{m}.misses += 1")
    writer.line(depth, f"if {m}.misses >= {writer.const(memo.PROBE_AFTER)}:")
    writer.line(depth + 1, f"{m}.probe()")


def _key_parts(
    writer: _Writer, exprs: Sequence[ir.Expr], read: Sequence[str], numbers: Callable[[ir.Expr], bool]
) -> list[str]:
    """The parts of a reason's cache key: the values in ``read`` (of ``exprs``), a Decimal as its
    text (an expression that is not a number is never a Decimal: its value as it is). A value
    read twice (shown, and named by the message) has its text made once: the first part keeps it
    in a local (``:=``), the other parts are that local (the same key)."""
    parts: list[str] = []
    texts: dict[str, str] = {}  # a value read twice: the local holding its text
    for expr, v in zip(exprs, read, strict=True):
        if v in writer.known or not numbers(expr):
            parts.append(v)
        elif v in texts:
            parts.append(texts[v])
        elif read.count(v) > 1:
            texts[v] = name = writer.temp()
            parts.append(f"({name} := (str({v}) if {v}.__class__ is D else {v}))")
        else:
            parts.append(f"(str({v}) if {v}.__class__ is D else {v})")
    return parts


def _guarded_reads(writer: _Writer, exprs: Sequence[ir.Expr], on_failure: str) -> list[str]:
    """The lines computing ``exprs`` (:func:`_emit_all`) in a ``try`` at depth 2 whose ``except``
    of a failing value runs ``on_failure``; the locals holding their values."""
    writer.line(2, "try:")
    before = len(writer.lines)
    read = _emit_all(writer, exprs, 3)
    if len(writer.lines) == before:  # nothing to compute (no values, or constants only)
        writer.line(3, "pass")
    writer.line(2, "except (Failure, ArithmeticError):")
    writer.line(3, on_failure)
    return read


def _fragment(
    writer: _Writer,
    make: Any,
    ref: str,
    kind: str,
    outcome: str,
    names: Sequence[str],
    shown: Sequence[str],
    source: Any,
    shape: Any,
) -> str:
    """The expression making a reason (``make(rule, kind, outcome, msg, values, source, [],
    shape)``) with the message in the local ``msg`` and the values ``shown`` under ``names`` (an
    unknown one as None); ``ref``, ``kind`` and ``outcome`` are source text."""
    values = ", ".join(
        f"{writer.const(name)}: (None if {writer.unknown(v)} else {v})" for name, v in zip(names, shown, strict=True)
    )
    return (
        f"{writer.const(make)}({ref}, {kind}, {outcome}, msg, {{{values}}}, "
        f"{writer.const(source)}, [], {writer.const(shape)})"
    )


def _emit_all(writer: _Writer, exprs: Sequence[ir.Expr], depth: int) -> list[str]:
    """:meth:`_Writer.emit` of each of ``exprs`` (the same object: computed once), the locals
    holding their values."""
    done: dict[int, str] = {}
    out = []
    for expr in exprs:
        found = done.get(id(expr))
        if found is None:
            found = done[id(expr)] = writer.emit(expr, depth)
        out.append(found)
    return out


def _message(writer: _Writer, pieces: Pieces, read: Sequence[str], tail: str, strs: dict[str, str]) -> str:
    """The expression writing a message: each literal text and its value's text (:func:`_piece`),
    then ``tail``."""
    out = [
        f"{writer.const(literal)} + {_piece(writer, write, kept, v, strs, False)}"
        for (literal, write, kept), v in zip(pieces, read, strict=True)
    ]
    out.append(writer.const(tail))
    return " + ".join(out)


def _message_segments(
    writer: _Writer, pieces: Pieces, read: Sequence[str], tail: str, strs: dict[str, str]
) -> list[Segment]:
    """The segments of a message as a JSON string: its quotes, each literal text escaped now and
    each value's text (:func:`_piece`, escaped unless it is an amount text its writer keeps, which
    needs no escaping), then ``tail``. Joined with the reason's other texts, the message is not
    written apart first and then escaped whole."""
    out: list[Segment] = [("text", '"')]
    for (literal, write, kept), v in zip(pieces, read, strict=True):
        out += [("text", encode_basestring(literal)[1:-1]), ("expr", _piece(writer, write, kept, v, strs, True))]
    out.append(("text", encode_basestring(tail)[1:-1] + '"'))
    return out


def _piece(
    writer: _Writer,
    write: Callable[[Any], str],
    kept: tuple[dict[str, str], Callable[[str, Any], str]] | None,
    v: str,
    strs: dict[str, str],
    escaped: bool,
) -> str:
    """The expression writing the value in ``v`` with ``write`` (``escaped``: as JSON string
    content, ``S(text)[1:-1]``). An amount whose writer keeps texts is looked up there first,
    ``texts.get(key := str(v)) or write_text(key, v)`` (a kept text needs no escaping); the
    amount's text is kept in a local (``strs``: value's local -> that local), for the reason's
    compact text written after the message (:func:`_json_text`): one ``str(v)``."""
    if kept is None:
        made = f"{writer.const(write)}({v})"
        return f"S({made})[1:-1]" if escaped else made
    texts, write_text = kept
    found = strs.get(v)
    key = found
    if found is None:
        found = strs[v] = writer.temp()
        key = f"({found} := str({v}))"
    made = f"{writer.const(write_text)}({found}, {v})"
    return f"({writer.const(texts)}.get({key}) or {f'S({made})[1:-1]' if escaped else made})"


def _shape_text(
    writer: _Writer,
    shape: Any,
    message: Sequence[Segment],
    shown: Sequence[str],
    decimals: Collection[str],
    strs: dict[str, str],
) -> str:
    """The expression writing a reason's compact text from its shape (``start``, the shown
    values' keys, ``end``: ``engine/decision.py``'s ``Shape``), its ``message``
    (:func:`_message_segments`) and its values in ``shown`` (:func:`_json_text`: an amount inline)."""
    start, keys, end = shape[0], shape[1], shape[2]
    segments: list[Segment] = [("text", start), *message]
    for j, (key_text, v) in enumerate(zip(keys, shown, strict=True)):
        segments += [("text", ("," if j else ',"values":{') + key_text), ("value", v)]
    segments.append(("text", end if keys else ',"values":{' + end))
    return _json_text(writer, segments, decimals, strs)


def _scalar_text(writer: _Writer, v: str) -> str:
    """The expression writing the value in ``v`` as a compact JSON scalar (an amount inline, a
    yes/no value inline when ``SC`` writes it ``true``/``false``; an Unknown ``null`` by ``SC``; a
    class ``SC`` does not know raises KeyError)."""
    if v in writer.known:
        return f"SC[{v}.__class__]({v})"
    scalars = writer.namespace.get("SC") or {}
    write_bool = scalars.get(bool)
    if write_bool is not None and write_bool(True) == "true" and write_bool(False) == "false":
        # a yes/no value inline too (the writer's own texts), without its writer's call
        return (
            f"('\"' + str({v}) + '\"' if {v}.__class__ is D else "
            f"'true' if {v} is True else 'false' if {v} is False else SC[{v}.__class__]({v}))"
        )
    return f"('\"' + str({v}) + '\"' if {v}.__class__ is D else SC[{v}.__class__]({v}))"


#: A part of a JSON text written by :func:`_json_text`: ``("text", constant text)``,
#: ``("expr", source of an expression giving a text)`` or ``("value", local holding a JSON scalar)``.
Segment = tuple[str, str]


def _json_text(
    writer: _Writer, segments: Sequence[Segment], decimals: Collection[str] = (), strs: dict[str, str] | None = None
) -> str:
    """The expression joining ``segments`` into one text (adjacent constant texts merged). The
    values in ``decimals`` (locals whose expression is a number: usually a Decimal) are written
    with their quotes merged into the constant texts around them, ``str(v)`` alone, in one join,
    when all of them are Decimals; otherwise (or when none may be) every value is written by
    :func:`_scalar_text` as before. The same text either way, and the same errors: a value of a
    class the writers do not know raises KeyError in both. ``strs``: the locals holding the text
    (``str(v)``) of values, written already (:func:`_message`)."""
    decimal = [v for kind, v in segments if kind == "value" and v in decimals and v not in writer.known]
    decimal = list(dict.fromkeys(decimal))
    parts = _merged(writer, segments, ())
    general = " + ".join(parts) if len(parts) < 4 else f"''.join([{', '.join(parts)}])"
    if not decimal:
        return general
    fast = _merged(writer, segments, decimal, strs or {})
    test = " and ".join(f"{v}.__class__ is D" for v in decimal)
    return f"(''.join([{', '.join(fast)}]) if {test} else {general})"


def _merged(
    writer: _Writer, segments: Sequence[Segment], decimals: Collection[str], strs: dict[str, str] | None = None
) -> list[str]:
    """The source of each part of ``segments``, adjacent constant texts as one constant; a value in
    ``decimals`` (a Decimal there) as ``str(v)`` (or the local in ``strs`` holding it) with its
    quotes in the texts around it."""
    strs = strs or {}
    out: list[str] = []
    pending: list[str] = []  # constant text not yet written
    for kind, s in segments:
        if kind == "text":
            pending.append(s)
        elif kind == "value" and s in decimals:
            pending.append('"')
            text = strs.get(s) or f"str({s})"
            out += [writer.const("".join(pending)), text] if "".join(pending) else [text]
            pending = ['"']
        else:
            if "".join(pending):
                out.append(writer.const("".join(pending)))
            pending = []
            out.append(_scalar_text(writer, s) if kind == "value" else s)
    if "".join(pending):
        out.append(writer.const("".join(pending)))
    return out


def generate(exprs: Sequence[ir.Expr]) -> list[Fn]:
    """One generated function per expression in ``exprs`` (compiled together, in one module).

    An expression whose root kind has no emitter comes back as its closure: there is nothing to
    gain.
    """
    writer = _Writer()
    names: list[str | None] = []
    for i, expr in enumerate(exprs):
        if type(expr) not in EMITTERS:
            names.append(None)
            continue
        name = f"e{i}"
        names.append(name)
        writer.line(0, f"def {name}(ctx):")
        writer.begin(1)
        result = writer.emit(expr, 1)
        writer.line(1, f"return {result}")
    if not writer.lines:
        return [expr.fn for expr in exprs]
    namespace = _run(writer, "expressions")
    return [expr.fn if name is None else namespace[name] for expr, name in zip(exprs, names, strict=True)]
