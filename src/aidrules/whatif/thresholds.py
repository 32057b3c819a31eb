"""Reading a compiled rule set's expressions: which facts a rule depends on, and its thresholds.

Dependencies come from the compiler's graph (:mod:`aidrules.ruleset.graph`); thresholds are found
by walking the AST (``CompiledExpression.node``) of every derived value and condition. A
*threshold* is a comparison between a fact and a bound that does not depend on the case: a
parameter, a literal or arithmetic on those (``client.motivation >= minimum_motivation``), or a
date rule (``months_between(client.enterprise_ceased_on, decision_date) >= 6``). Thresholds
only *suggest* values to try; what a value decides is always found by re-evaluating the case.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from aidrules.expr import nodes as n
from aidrules.expr.compiler import DECISION_DATE, CompiledExpression
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.graph import expression_facts

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@dataclass(frozen=True, slots=True)
class Threshold:
    """``fact <op> bound`` (the fact is always on the left), found in rule ``rule``.

    ``unit`` is ``"value"`` for a direct comparison, ``"months"``/``"years"`` when the fact is a
    date compared through ``months_between``/``years_between`` with the decision date. ``offset_days``
    is the whole number of days added first (``months_between(add_days(fact, 1), decision_date)``:
    a judicial period counted from the day after the event, art. 52 Ger.W.).
    """

    fact: str
    op: str
    bound: Decimal | int | str | bool | None
    unit: str
    rule: str
    bound_name: str | None
    offset_days: int = 0


class RuleSetAnalysis:
    """Dependencies and thresholds of one compiled rule set, for one decision date."""

    def __init__(self, rs: CompiledRuleSet, on: date) -> None:
        self.rs = rs
        self.on = on
        self.named = {x for x in rs.graph.kinds if rs.graph.kinds[x] != "fact"}

    # -- dependencies (the compiler's graph) ----------------------------------------------
    def facts_of(self, name: str) -> frozenset[str]:
        """Fact patterns ``name`` depends on, through derived values, principles and forms."""
        return self.rs.graph.reads_facts(name)

    def expression_facts(self, expr: CompiledExpression) -> frozenset[str]:
        """Fact patterns an expression depends on, directly or through named values."""
        out = set(expression_facts(expr.node))
        for name in expr.names:
            out |= self.rs.graph.reads_facts(name)
        return frozenset(out)

    # -- thresholds -----------------------------------------------------------------------
    @cached_property
    def thresholds(self) -> tuple[Threshold, ...]:
        """Every threshold in the rule set's derived values, conditions, rows and actions."""
        found: list[Threshold] = []
        exprs: list[tuple[str, CompiledExpression]] = [(item.id, item.expr) for item in self.rs.plan]
        exprs += [(f"recommendation.{row.recommend}", row.when) for row in self.rs.rows]
        exprs += [(f"actions.{a.id}", a.when) for a in self.rs.actions]
        for rule, expr in exprs:
            for node in _walk_scoped(expr.node, {}):
                found.extend(self._threshold(node[0], node[1], rule))
        return tuple(found)

    def thresholds_of(self, fact_pattern: str) -> list[Threshold]:
        return [th for th in self.thresholds if th.fact == fact_pattern]

    def _threshold(self, node: n.Node, scope: dict[str, str], rule: str) -> list[Threshold]:
        if isinstance(node, n.Compare):
            for subject, other, op in ((node.left, node.right, node.op), (node.right, node.left, _FLIP[node.op])):
                fact, unit = self._subject(subject, scope)
                if fact is None:
                    continue
                bound = self.bound(other)
                if bound is _NO_BOUND:
                    continue
                bound_name = other.dotted if isinstance(other, n.Name) else None
                offset = _offset_days(subject)
                return [Threshold(fact, op, bound, unit, rule, bound_name, offset)]  # type: ignore[arg-type]
        if isinstance(node, n.In) and isinstance(node.container, n.ListLiteral):
            fact, unit = self._subject(node.item, scope)
            if fact is not None and unit == "value":
                op = "not in" if node.negate else "in"
                return [
                    Threshold(fact, op, bound, unit, rule, None)  # type: ignore[arg-type]
                    for bound in (self.bound(item) for item in node.container.items)
                    if bound is not _NO_BOUND
                ]
        return []

    def _subject(self, node: n.Node, scope: dict[str, str]) -> tuple[str | None, str]:
        if isinstance(node, n.Name):
            fact = _fact_pattern(node, scope, self.named)
            return fact, "value"
        if (
            isinstance(node, n.Call)
            and node.function in ("months_between", "years_between")
            and len(node.args) == 2
            and _dated_name(node.args[0]) is not None
            and isinstance(node.args[1], n.Name)
            and node.args[1].dotted == DECISION_DATE
        ):
            name = _dated_name(node.args[0])
            assert name is not None
            fact = _fact_pattern(name, scope, self.named)
            return fact, "months" if node.function == "months_between" else "years"
        return None, "value"

    def bound(self, node: n.Node) -> object:
        """The value of an expression that does not depend on the case, or ``_NO_BOUND``."""
        if isinstance(node, n.Literal):
            return node.value
        if isinstance(node, n.Name) and node.dotted in self.rs.parameters:
            dated = self.rs.parameters[node.dotted].value_at(self.on)
            if dated is None or isinstance(dated.value, dict):
                return _NO_BOUND
            return dated.value
        if isinstance(node, n.Unary) and node.op == "-":
            inner = self.bound(node.operand)
            return -inner if isinstance(inner, Decimal | int) and not isinstance(inner, bool) else _NO_BOUND
        if isinstance(node, n.Binary):
            a, b = self.bound(node.left), self.bound(node.right)
            if not all(isinstance(x, Decimal | int) and not isinstance(x, bool) for x in (a, b)):
                return _NO_BOUND
            x, y = Decimal(a), Decimal(b)  # type: ignore[arg-type]
            if node.op == "+":
                return x + y
            if node.op == "-":
                return x - y
            if node.op == "*":
                return x * y
            if node.op == "/" and y != 0:
                return x / y
        return _NO_BOUND

    def date_candidates(self, fact_pattern: str) -> list[date]:
        """Dates on and just after the boundary of every date threshold on ``fact_pattern``."""
        out: list[date] = []
        for th in self.thresholds_of(fact_pattern):
            if th.unit not in ("months", "years") or not isinstance(th.bound, int | Decimal):
                continue
            months = int(th.bound) * (12 if th.unit == "years" else 1)
            edge = months_before(self.on, months)
            # A threshold from the rule file (a parameter of 10^15 months) may point beyond the
            # calendar: there is no date to suggest then.
            if edge is None:
                continue
            try:
                edge -= timedelta(days=th.offset_days)
                out.extend([edge, edge + timedelta(days=1)])
            except OverflowError:
                continue
        return sorted(set(out))

    def int_candidates(self, fact_pattern: str) -> list[int]:
        """Whole numbers at and around every numeric threshold on ``fact_pattern``."""
        out: set[int] = set()
        for th in self.thresholds_of(fact_pattern):
            if th.unit == "value" and isinstance(th.bound, int | Decimal) and not isinstance(th.bound, bool):
                b = int(th.bound)
                out |= {b - 1, b, b + 1}
        return sorted(out)


def _dated_name(node: n.Node) -> n.Name | None:
    """The fact in ``fact`` or ``add_days(fact, <whole number>)``."""
    if isinstance(node, n.Name):
        return node
    if _offset_days(node) and isinstance(node, n.Call) and isinstance(node.args[0], n.Name):
        return node.args[0]
    return None


def _offset_days(node: n.Node) -> int:
    """``k`` in ``months_between(add_days(fact, k), ...)`` (or ``add_days(fact, k)`` itself); else 0."""
    if isinstance(node, n.Call) and node.function in ("months_between", "years_between") and node.args:
        node = node.args[0]
    if (
        isinstance(node, n.Call)
        and node.function == "add_days"
        and len(node.args) == 2
        and isinstance(node.args[1], n.Literal)
        and isinstance(node.args[1].value, int)
        and not isinstance(node.args[1].value, bool)
    ):
        return node.args[1].value
    return 0


class _NoBound:
    def __repr__(self) -> str:
        return "NO_BOUND"


_NO_BOUND = _NoBound()


def months_before(day: date, months: int) -> date | None:
    """The date ``months`` months before ``day`` (the last day of a shorter month if needed), or
    ``None`` when that lies outside the calendar (years 1 to 9999)."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    if not date.min.year <= year <= date.max.year:
        return None
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _fact_pattern(node: n.Name, scope: dict[str, str], named: set[str]) -> str | None:
    head, rest = node.parts[0], node.parts[1:]
    if head in scope:
        return scope[head] + "[]" + ("." + ".".join(rest) if rest else "")
    if node.dotted in named or node.dotted == DECISION_DATE:
        return None
    return node.dotted


def _list_pattern(node: n.Name, scope: dict[str, str]) -> str:
    head, rest = node.parts[0], node.parts[1:]
    if head in scope:
        return scope[head] + "[]" + ("." + ".".join(rest) if rest else "")
    return node.dotted


def _walk_scoped(node: n.Node, scope: dict[str, str]) -> list[tuple[n.Node, dict[str, str]]]:
    """Every node below ``node`` with the loop variables in scope there (variable → list pattern)."""
    out: list[tuple[n.Node, dict[str, str]]] = []
    stack: list[tuple[n.Node, dict[str, str]]] = [(node, scope)]
    while stack:
        current, current_scope = stack.pop()
        if isinstance(current, n.Subscript):
            out.append((current, current_scope))
            stack.append((current.key, current_scope))
            continue
        out.append((current, current_scope))
        if isinstance(current, n.Aggregate) and isinstance(current.iterable, n.Name):
            inner = {**current_scope, current.variable: _list_pattern(current.iterable, current_scope)}
            stack.append((current.iterable, current_scope))
            stack.append((current.element, inner))
            if current.condition is not None:
                stack.append((current.condition, inner))
            continue
        stack.extend((child, current_scope) for child in reversed(n.children(current)))
    return out
