"""Where an outcome flips: moving one number fact of a case until a condition changes.

``aidrules diff`` asks, for every threshold a changed parameter reaches
(:func:`threshold_sites`), at which value of each number fact of a fixture case the condition
flips under the old and under the new rule set (:func:`flip_point`, a bisection over real
evaluations). The facts moved (:func:`axes`) are the number facts the condition reads in either
rule set (the dependency graph), searched within the bounds of the case model and up to ten times
the largest constant of the rule sets compared: nothing here names a fact of the reference rule
set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from aidrules.errors import AidrulesError
from aidrules.expr import nodes as n
from aidrules.expr import types as t
from aidrules.facts.paths import MISSING, Edit, all_patterns, apply, bounds, fact_type, read, steps
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.whatif.reads import numeric_literals, readers


def threshold_sites(rules: CompiledRuleSet, parameter: str) -> list[str]:
    """Conditions comparing something with an expression that reads ``parameter`` (directly or via derived values)."""
    graph = rules.graph
    depends = {parameter} | {x for x in graph.dependents(parameter, through=("derived",)) if graph.kind(x) == "derived"}
    sites = []
    for item in rules.plan:
        if item.kind != "condition":
            continue
        for node in n.walk(item.expr.node):
            if isinstance(node, n.Compare) and node.op in ("<", "<=", ">", ">="):
                sides = [{x.dotted for x in n.walk(side) if isinstance(x, n.Name)} for side in (node.left, node.right)]
                if sides[0] & depends or sides[1] & depends:
                    sites.append(item.id)
    return list(dict.fromkeys(sites))


@dataclass(frozen=True)
class Axis:
    """One number fact of a case to move, and the range to search it in (from the fact schema and
    the constants of the rule sets compared)."""

    path: str  # "incomes[0].monthly_net"
    integer: bool
    low: Decimal  # the smallest value the case model allows
    high: Decimal

    @property
    def step(self) -> Decimal:
        return Decimal(1) if self.integer else Decimal("0.01")

    @property
    def label(self) -> str:
        """``incomes.0.monthly_net``: how a boundary profile names the fact."""
        return ".".join(map(str, steps(self.path)))

    def value(self, v: Decimal) -> Any:
        return int(v) if self.integer else str(v.quantize(self.step))


def axes(rules: tuple[CompiledRuleSet, ...], rule: str, case: dict[str, Any], day: date) -> list[Axis]:
    """The number facts ``rule`` reads in any of ``rules`` that ``case`` gives, list items first (the
    amounts of incomes, expenses and debts, in the order of the case model), then single facts."""
    patterns = set().union(*(rs.graph.reads_facts(rule) for rs in rules))
    scale = _scale(rules, day)
    order = {p: i for i, p in enumerate(all_patterns())}
    out: list[Axis] = []
    for pat in sorted(patterns, key=lambda p: ("[]" not in p, order.get(p, len(order)), p)):
        typ = fact_type(pat)
        if not isinstance(typ, t.Number):
            continue
        limits = bounds(pat)
        step = Decimal(1) if typ.integer else Decimal("0.01")
        low = limits.low if limits.low is not None else Decimal(0)
        if limits.strict_low:
            low += step
        high = limits.high if limits.high is not None else scale
        if limits.strict_high and limits.high is not None:
            high -= step
        for path in _instances(case, pat):
            out.append(Axis(path, typ.integer, low, high))
    return out


def _instances(case: dict[str, Any], pat: str) -> list[str]:
    """The paths of ``case`` that fact pattern ``pat`` names and the case gives (``debts[].amount`` →
    ``debts[0].amount``, ``debts[2].amount``)."""
    head, _, rest = pat.partition("[].")
    if not rest:
        return [pat] if read(case, pat) is not MISSING else []
    items = read(case, head)
    if not isinstance(items, list):
        return []
    return [f"{head}[{i}].{rest}" for i in range(len(items)) if read(case, f"{head}[{i}].{rest}") is not MISSING]


def _scale(rules: tuple[CompiledRuleSet, ...], day: date) -> Decimal:
    """Where to stop looking for an amount's boundary: ten times the largest number the rule sets
    compare with (parameter values on ``day``, numbers written in their rules)."""
    numbers: list[Decimal] = [Decimal(1)]
    for rs in rules:
        for spec in rs.parameters.values():
            dated = spec.value_at(day)
            if dated is not None:
                numbers += _numbers(dated.value)
        for reader in readers(rs):
            numbers += numeric_literals(reader.expr.node)
    return max(numbers) * 10


def _numbers(value: Any) -> list[Decimal]:
    """The numbers in a parameter value (a table's entries included)."""
    values = value.values() if isinstance(value, dict) else [value]
    return [Decimal(v) for v in values if isinstance(v, int | Decimal) and not isinstance(v, bool)]


def _condition(rules: CompiledRuleSet, case: dict[str, Any], day: date, rule: str) -> bool | None:
    """The outcome of condition ``rule`` for ``case`` on ``day`` (None: unknown, or no decision)."""
    try:
        decision = rules.evaluate(case, day, check_period=False)
    except AidrulesError:
        return None
    for r in decision.reasons:
        if r.rule == rule:
            return r.outcome
    return None


def flip_point(rules: CompiledRuleSet, case: dict[str, Any], day: date, rule: str, axis: Axis) -> Decimal | None:
    """The smallest value of the fact on ``axis`` where ``rule`` flips, by bisection (in cents or units)."""
    lo, hi, step = axis.low, axis.high, axis.step
    at_lo = _condition(rules, with_value(case, axis, lo), day, rule)
    at_hi = _condition(rules, with_value(case, axis, hi), day, rule)
    if at_lo is None or at_hi is None or at_lo == at_hi:
        return None
    for _ in range(64):
        if hi - lo <= step:
            break
        mid = ((lo + hi) / 2).quantize(step)
        if _condition(rules, with_value(case, axis, mid), day, rule) == at_lo:
            lo = mid
        else:
            hi = mid
    return hi


def with_value(case: dict[str, Any], axis: Axis, v: Decimal) -> dict[str, Any]:
    return apply(case, [Edit(axis.path, axis.value(v))])
