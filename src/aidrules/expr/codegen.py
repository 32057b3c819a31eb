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
from decimal import Decimal, Overflow
from typing import Any

from aidrules.expr.compiler import SHAPE
from aidrules.expr.runtime import Context, ExpressionFailure, Unknown, bounded

Fn = Callable[[Context], Any]

#: Nesting (of ``if`` blocks) beyond which a sub-expression stays a closure call.
MAX_DEPTH = 40

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
        if shape is None or depth > MAX_DEPTH:
            out = self.temp()
            self.line(depth, f"{out} = {self.const(fn)}(ctx)")
            return out
        kind = shape[0]
        method: Callable[..., str] = getattr(self, f"_{kind}")
        return method(depth, *shape[1:])

    def _const(self, depth: int, value: Any) -> str:
        name = self.const(value)
        if not isinstance(value, Unknown):
            self.known.add(name)
        return name

    def _value(self, depth: int, name: str) -> str:
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

    def _arith(self, depth: int, op: str, lf: Fn, rf: Fn) -> str:
        a = self.emit(lf, depth)
        b = self.emit(rf, depth)
        out = self.temp()
        if self._binary_unknown(depth, a, b, out) == "else":
            self.line(depth, "else:")
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
        a = self.emit(lf, depth)
        b = self.emit(rf, depth)
        out = self.temp()
        if self._binary_unknown(depth, a, b, out) == "else":
            self.line(depth, "else:")
        self.line(depth + 1, f"{out} = bool({a} {_COMPARE[op]} {b})")
        return out

    def _kleene(self, depth: int, fns: Sequence[Fn], stop: bool) -> str:
        """``and`` (``stop`` False) or ``or`` (``stop`` True): the first operand that is ``stop``
        decides, unknowns merge, later operands are not evaluated after a decision."""
        out, acc = self.temp(), self.temp()
        self.line(depth, f"{acc} = None")
        level = depth
        for fn in fns:
            v = self.emit(fn, level)
            self.line(level, f"if {v} is {stop}:")
            self.line(level + 1, f"{out} = {stop}")
            self.line(level, "else:")
            level += 1
            self.merge_into(level, acc, v)
        self.line(level, f"{out} = {not stop} if {acc} is None else {acc}")
        return out

    def _and(self, depth: int, fns: tuple[Fn, ...]) -> str:
        return self._kleene(depth, fns, False)

    def _or(self, depth: int, fns: tuple[Fn, ...]) -> str:
        return self._kleene(depth, fns, True)

    def _in(self, depth: int, item_fn: Fn, fns: tuple[Fn, ...], negate: bool) -> str:
        item = self.emit(item_fn, depth)
        out, acc = self.temp(), self.temp()
        self.line(depth, f"if {item}.__class__ is U:")
        self.line(depth + 1, f"{out} = {item}")
        self.line(depth, "else:")
        level = depth + 1
        self.line(level, f"{acc} = None")
        for fn in fns:
            v = self.emit(fn, level)
            self.line(level, f"if {v}.__class__ is not U and {v} == {item}:")
            self.line(level + 1, f"{out} = {not negate}")
            self.line(level, "else:")
            level += 1
            self.merge_into(level, acc, v)
        self.line(level, f"{out} = {negate} if {acc} is None else {acc}")
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
    code = compile("\n".join(writer.lines) + "\n", "<aidrules generated>", "exec")
    namespace = writer.namespace
    exec(code, namespace)
    return [fn if name is None else namespace[name] for fn, name in zip(fns, names, strict=True)]
