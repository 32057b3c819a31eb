"""Straight-line Python for compiled expressions: the same results as the closures, faster.

The compiler (:mod:`aidrules.expr.compiler`) turns an expression into a tree of closures, one per
node, each recording its *shape* (its kind and its parts). Evaluating such a tree costs a Python
call per node. :func:`generate` writes the tree out as the body of one function instead: every
node's value becomes a local variable, Kleene logic and unknowns are spelled out with ``if``
statements, and evaluation order, short-circuits and errors stay exactly those of the closures
(``tests/expr/test_codegen.py`` compares both on every expression of the shipped rule sets and
on generated ones).

What is generated is built only from the shapes: operators from a fixed table, local names made
here, and every value of the rule file (names, texts, numbers, dates) passed in as a constant of
the function's namespace, never written into the source. Nothing of a rule file's text is
executed. A node without a shape (aggregations over lists, loop variables) is called as its
closure; an expression nested deeper than :data:`MAX_DEPTH` keeps its closures from there on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal, Overflow
from functools import partial
from typing import Any

from aidrules.expr.compiler import SHAPE
from aidrules.expr.runtime import Context, ExpressionFailure, Unknown, bounded

Fn = Callable[[Context], Any]

#: Nesting (of ``if`` blocks) beyond which a sub-expression stays a closure call.
MAX_DEPTH = 40
#: Nested aggregations beyond which an aggregation stays a closure call (Python allows 20 nested
#: loops in one function).
MAX_LOOPS = 8

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
    def emit(self, fn: Fn, depth: int) -> str:
        """Write the statements computing ``fn``'s value at indentation ``depth``; return the
        name (or literal) holding it."""
        shape = getattr(fn, SHAPE, None)
        if shape is None or depth > MAX_DEPTH or not self.supported(shape):
            out = self.temp()
            self.line(depth, f"{out} = {self.const(fn)}(ctx)")
            return out
        kind = shape[0]
        method: Callable[..., str] = getattr(self, f"_{kind}")
        return method(depth, *shape[1:])

    def supported(self, shape: tuple[Any, ...]) -> bool:
        """Loop variables exist only in generated loops; an aggregation is generated only when
        everything inside it is (a closure inside would look for its loop variable in
        ``ctx.locals``)."""
        if shape[0] == "local":
            return bool(shape[1] in self.scope)
        if shape[0] == "aggregate":
            return self.loops < MAX_LOOPS and all(_generable(fn) for fn in shape[3:6] if fn is not None)
        return True

    def _date(self, depth: int) -> str:
        out = self.temp()
        self.line(depth, f"{out} = ctx.on")
        return out

    def _local(self, depth: int, var: str, parts: tuple[str, ...]) -> str:
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

    def loop(self, depth: int, list_fn: Fn, out: str, index: str, item: str, *start: str) -> int:
        """The head of a loop over a list: an unknown list is the result; otherwise the ``start``
        statements, then ``for index, item in enumerate(list):``. Returns the depth of the
        ``for`` (its body is one deeper)."""
        items = self.emit(list_fn, depth)
        self.line(depth, f"if {items}.__class__ is U:")
        self.line(depth + 1, f"{out} = {items}")
        self.line(depth, "else:")
        for statement in start:
            self.line(depth + 1, statement)
        self.line(depth + 1, f"for {index}, {item} in enumerate({items}):")
        return depth + 1

    def _sum_field(self, depth: int, list_fn: Fn, field: str, label: str) -> str:
        out, missing, total, item, index, v = (self.temp() for _ in range(6))
        key = self.const(field)
        d = self.loop(depth, list_fn, out, index, item, f"{missing} = []", f"{total} = 0")
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

    def _aggregate(
        self, depth: int, function: str, var: str, list_fn: Fn, elem_fn: Fn, cond_fn: Fn | None, label: str
    ) -> str:
        out, acc, total, item, index, done = (self.temp() for _ in range(6))
        d = self.loop(depth, list_fn, out, index, item, f"{acc} = None", f"{total} = 0", f"{done} = False")
        saved = self.scope.get(var), self.labels.get(var)
        self.scope[var] = (item, index)
        self.labels[var] = label
        self.loops += 1
        body = d + 1
        include = "True"
        if cond_fn is not None:
            include = self.emit(cond_fn, body)
            self.line(body, f"if {include} is False:")
            self.line(body + 1, "continue")
        if function == "count":
            if cond_fn is None:
                self.line(body, f"{total} += 1")
            else:
                self.line(body, f"if {include}.__class__ is U:")
                self.line(body + 1, f"{acc} = {include} if {acc} is None else {acc}.merge({include})")
                self.line(body, "else:")
                self.line(body + 1, f"{total} += 1")
        else:
            value = self.emit(elem_fn, body)
            if function == "sum":
                if cond_fn is not None:
                    self.merge_into(body, acc, include)
                self.merge_into(body, acc, value)
                self.line(body, f"if {acc} is None:")
                self.line(body + 1, f"{total} += {value}")
            else:
                stop = function == "any"  # any stops at the first true, all at the first false
                hit = self.temp()
                if cond_fn is None:
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

    def _const(self, depth: int, value: Any) -> str:
        name = self.const(value)
        if not isinstance(value, Unknown):
            self.known.add(name)
        return name

    def _value(self, depth: int, name: str) -> str:
        if name in self.computed:
            return self.computed[name]
        out = self.temp()
        self.line(depth, f"{out} = values[{self.const(name)}]")
        return out

    def _fact(self, depth: int, parts: tuple[str, ...], missing: Unknown) -> str:
        out, m = self.temp(), self.const(missing)
        self.line(depth, f"{out} = facts.get({self.const(parts[0])}, {m})")
        for i, part in enumerate(parts[1:]):
            self.line(depth + i, f"if {out} is not {m} and {out} is not None:")
            self.line(depth + i + 1, f"{out} = {out}.get({self.const(part)}, {m})")
        return out

    def _table(self, depth: int, name: str, key_fn: Fn) -> str:
        key = self.emit(key_fn, depth)
        out = self.temp()
        self.line(depth, f"if {key}.__class__ is U:")
        self.line(depth + 1, f"{out} = {key}")
        self.line(depth, "else:")
        self.line(depth + 1, f"{out} = values[{self.const(name)}]")
        self.line(depth + 1, f"if {key} not in {out}:")
        self.line(depth + 2, f"raise Failure('table `' + {self.const(name)} + '` has no entry `' + str({key}) + '`')")
        self.line(depth + 1, f"{out} = {out}[{key}]")
        return out

    def _unary(self, depth: int, fn: Fn, op: str) -> str:
        v = self.emit(fn, depth)
        out = self.temp()
        self.line(depth, f"{out} = {v} if {v}.__class__ is U else {op}{v}")
        return out

    def _not(self, depth: int, fn: Fn) -> str:
        return self._unary(depth, fn, "not ")

    def _neg(self, depth: int, fn: Fn) -> str:
        return self._unary(depth, fn, "-")

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

    def binary(self, depth: int, lf: Fn, rf: Fn) -> tuple[str, str, str]:
        """Both operands, then the unknown cases; what follows at ``depth + 1`` runs when both
        are known. Returns the operands' names and the result's."""
        a = self.emit(lf, depth)
        b = self.emit(rf, depth)
        out = self.temp()
        if self._binary_unknown(depth, a, b, out) == "else":
            self.line(depth, "else:")
        return a, b, out

    def _arith(self, depth: int, op: str, lf: Fn, rf: Fn) -> str:
        a, b, out = self.binary(depth, lf, rf)
        if op == "/":
            self.line(depth + 1, f"if {b} == 0:")
            self.line(depth + 2, "raise Failure('division by zero')")
            expr = f"{self.const(Decimal)}({a}) / {self.const(Decimal)}({b})"
        else:
            expr = f"bounded({a} {_ARITH[op]} {b})"
        self.line(depth + 1, "try:")
        self.line(depth + 2, f"{out} = {expr}")
        self.line(depth + 1, "except Overflow:")
        self.line(depth + 2, f"raise Failure({self.const(f'`{op}` gave a number beyond the limit 10^25')}) from None")
        return out

    def _compare(self, depth: int, op: str, lf: Fn, rf: Fn) -> str:
        a, b, out = self.binary(depth, lf, rf)
        self.line(depth + 1, f"{out} = bool({a} {_COMPARE[op]} {b})")
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

    def _and(self, depth: int, fns: tuple[Fn, ...]) -> str:
        return self._kleene(depth, [partial(self.emit, fn) for fn in fns], False)

    def _or(self, depth: int, fns: tuple[Fn, ...]) -> str:
        return self._kleene(depth, [partial(self.emit, fn) for fn in fns], True)

    def conjunction(self, depth: int, names: Sequence[str]) -> str:
        """The Kleene AND of named values (a principle's conditions, a form's parts). When every
        part is computed already, one test first settles the common cases: all true, or one false."""
        parts = [self.computed.get(name) for name in names]
        if not parts or any(v is None for v in parts):
            return self._kleene(depth, [partial(self._value, name=name) for name in names], False)
        out = self.temp()
        self.line(depth, "if " + " and ".join(f"{v} is True" for v in parts) + ":")
        self.line(depth + 1, f"{out} = True")
        self.line(depth, "elif " + " or ".join(f"{v} is False" for v in parts) + ":")
        self.line(depth + 1, f"{out} = False")
        self.line(depth, "else:")
        self.line(depth + 1, f"{out} = {self._kleene(depth + 1, [partial(self._value, name=n) for n in names], False)}")
        return out

    def _in(self, depth: int, item_fn: Fn, fns: tuple[Fn, ...], negate: bool) -> str:
        item = self.emit(item_fn, depth)
        out, acc = self.temp(), self.temp()
        self.line(depth, f"{out} = {item} if {item}.__class__ is U else None")
        self.line(depth, f"{acc} = None")
        for fn in fns:
            self.line(depth, f"if {out} is None:")
            v = self.emit(fn, depth + 1)
            self.line(depth + 1, f"if {v}.__class__ is not U and {v} == {item}:")
            self.line(depth + 2, f"{out} = {not negate}")
            self.merge_into(depth + 1, acc, v)
        self.line(depth, f"if {out} is None:")
        self.line(depth + 1, f"{out} = {negate} if {acc} is None else {acc}")
        return out

    def _is_none(self, depth: int, fn: Fn, negate: bool) -> str:
        v = self.emit(fn, depth)
        out = self.temp()
        test = "is not" if negate else "is"
        self.line(depth, f"{out} = {v} if {v}.__class__ is U else ({v} {test} None)")
        return out

    def _if(self, depth: int, cf: Fn, af: Fn, bf: Fn) -> str:
        c = self.emit(cf, depth)
        out = self.temp()
        self.line(depth, f"if {c} is True:")
        self.line(depth + 1, f"{out} = {self.emit(af, depth + 1)}")
        self.line(depth, f"elif {c} is False:")
        self.line(depth + 1, f"{out} = {self.emit(bf, depth + 1)}")
        self.line(depth, "else:")
        self.line(depth + 1, f"{out} = {c}")
        return out

    def _call(self, depth: int, impl: Callable[..., Any], fns: tuple[Fn, ...]) -> str:
        args = [self.emit(fn, depth) for fn in fns]
        out, acc = self.temp(), self.temp()
        self.line(depth, f"{acc} = None")
        for a in args:
            self.merge_into(depth, acc, a)
        self.line(depth, f"{out} = {acc} if {acc} is not None else {self.const(impl)}({', '.join(args)})")
        return out


def _children(shape: tuple[Any, ...]) -> list[Fn]:
    out: list[Fn] = []
    for part in shape[1:]:
        if callable(part) and getattr(part, SHAPE, None) is not None:
            out.append(part)
        elif isinstance(part, tuple):
            out.extend(p for p in part if callable(p))
        elif callable(part) and shape[0] != "call":  # a node without a shape
            out.append(part)
    return out


def _generable(fn: Fn) -> bool:
    """Whether every node of the tree has a shape (nothing in it would read ``ctx.locals``)."""
    shape = getattr(fn, SHAPE, None)
    if shape is None:
        return False
    return all(_generable(child) for child in _children(shape))


def _run(writer: _Writer, what: str) -> dict[str, Any]:
    """Compile and run the written definitions; their namespace.

    The source holds only statements written by :class:`_Writer`; every value that comes from a
    rule file is a constant of the namespace (see the module's docstring).
    """
    code = compile("\n".join(writer.lines) + "\n", f"<aidrules generated {what}>", "exec")
    exec(code, writer.namespace)
    return writer.namespace


def generate_plan(
    steps: Sequence[tuple[str, Fn, bool]], conjunctions: Sequence[tuple[str, Sequence[str]]]
) -> Callable[[Context, list[int]], None]:
    """The whole evaluation plan as one function ``plan(ctx, at)``.

    ``steps`` are ``(name, closure tree, money)`` in dependency order: each value is computed,
    rounded to the cent when it is money (half up, as the engine does), stored in
    ``ctx.values[name]`` and kept in a local for the steps after it. ``at[0]`` is the index of the
    step being computed, so that an error can name it. Then each of ``conjunctions``
    ``(name, parts)`` stores the Kleene AND of its parts' values (principles and forms).
    """
    from aidrules.expr.runtime import CENT

    writer = _Writer()
    writer.namespace.update({"D": Decimal, "CENT": CENT, "HALF_UP": ROUND_HALF_UP})
    writer.line(0, "def plan(ctx, at):")
    writer.line(1, "values = ctx.values")
    writer.line(1, "facts = ctx.facts")
    for i, (name, fn, money) in enumerate(steps):
        writer.line(1, f"at[0] = {i}")
        result = writer.emit(fn, 1)
        if money:  # a Decimal is rounded as it is (no copy made first); an int becomes one
            writer.line(1, f"if {result}.__class__ is D:")
            writer.line(2, f"{result} = {result}.quantize(CENT, HALF_UP)")
            writer.line(1, f"elif {result}.__class__ is int:")
            writer.line(2, f"{result} = D({result}).quantize(CENT, HALF_UP)")
        writer.line(1, f"values[{writer.const(name)}] = {result}")
        writer.computed[name] = result
    for name, parts in conjunctions:
        result = writer.conjunction(1, parts)
        writer.line(1, f"values[{writer.const(name)}] = {result}")
        writer.computed[name] = result
    plan: Callable[[Context, list[int]], None] = _run(writer, "plan")["plan"]
    return plan


def generate_keys(
    rows: Sequence[tuple[Any, Sequence[Fn]]],
) -> list[Callable[[Context, str], tuple[Any, ...]]]:
    """For each ``(outcome, fns)``: a function ``(ctx, lang)`` giving ``(lang, outcome,
    *values)``, the values of ``fns`` with each Decimal as its text (``1.5`` and ``1.50`` print
    differently, so they must not be equal keys). The engine keys its cache of reasons with them."""
    writer = _Writer()
    writer.namespace["D"] = Decimal
    for i, (outcome, fns) in enumerate(rows):
        writer.line(0, f"def r{i}(ctx, lang):")
        writer.line(1, "values = ctx.values")
        writer.line(1, "facts = ctx.facts")
        parts = ["lang", writer.const(outcome)]
        for fn in fns:
            v = writer.emit(fn, 1)
            parts.append(v if v in writer.known else f"(str({v}) if {v}.__class__ is D else {v})")
        writer.line(1, f"return ({', '.join(parts)},)")
    namespace = _run(writer, "keys")
    return [namespace[f"r{i}"] for i in range(len(rows))]


def generate(fns: Sequence[Fn]) -> list[Fn]:
    """One generated function per closure tree in ``fns`` (compiled together, in one module).

    Trees that are a single node without a shape come back as they are: there is nothing to
    gain.
    """
    writer = _Writer()
    names: list[str | None] = []
    for i, fn in enumerate(fns):
        if getattr(fn, SHAPE, None) is None:
            names.append(None)
            continue
        name = f"e{i}"
        names.append(name)
        writer.line(0, f"def {name}(ctx):")
        writer.line(1, "values = ctx.values")
        writer.line(1, "facts = ctx.facts")
        result = writer.emit(fn, 1)
        writer.line(1, f"return {result}")
    if not writer.lines:
        return list(fns)
    namespace = _run(writer, "expressions")
    return [fn if name is None else namespace[name] for fn, name in zip(fns, names, strict=True)]
