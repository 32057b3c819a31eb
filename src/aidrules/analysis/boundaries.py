"""Boundary cases: for every threshold, a case just below and one just at/above it.

For each condition and each amount, number or date it depends on, the search first finds a case
where the form that needs the condition is eligible (so that crossing the threshold changes
something a person cares about), then scans that fact's boundary values for the place where the
condition flips, and narrows it down to the cent, the unit or the day. The pair of cases either
side is proposed to a policy maker, who labels them and adds them as fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from aidrules.analysis.oracle import Observation
from aidrules.analysis.search import Explorer, goal
from aidrules.engine.decision import Decision
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.whatif.space import ON, Assignment, DateOffset, Dimension

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class BoundaryCase:
    """One proposed case next to a threshold."""

    condition: str
    source: str  # the condition's `when`
    fact: str  # the dimension that was varied, e.g. ``incomes[0].monthly_net``
    value: Any  # its value in this case
    other: Any  # its value on the other side of the threshold
    outcome: bool  # the condition's outcome in this case
    case: dict[str, Any]
    decision: Decision


def boundary_cases(rs: CompiledRuleSet, *, seed: int = 0) -> list[BoundaryCase]:
    """Pairs of cases either side of every threshold the conditions of ``rs`` compare against."""
    ex = Explorer(rs, seed=seed)
    out: list[BoundaryCase] = []
    seen: set[str] = set()
    for item in rs.plan:
        if item.kind != "condition":
            continue
        bases = _bases(rs, ex, item.id)
        for dim in ex.space.relevant(ex.scorer.facts_of(goal(item.id, [(item.id, True)]))):
            if not _ordered(dim):
                continue
            flip = next((f for f in (_flip(ex, b, dim, item.id) for b in bases) if f is not None), None)
            if flip is None:
                continue
            for obs, other in (flip, flip[::-1]):
                key = repr(sorted(obs.case.items(), key=lambda kv: kv[0]))
                if key in seen:
                    continue
                seen.add(key)
                outcome = ex.scorer.value(obs, item.id)
                assert outcome is not None
                decision = rs.evaluate(obs.case, obs.on)
                out.append(
                    BoundaryCase(
                        item.id,
                        item.expr.source,
                        dim.key,
                        _concrete(obs.assignment[dim.key], obs.on),
                        _concrete(other.assignment[dim.key], other.on),
                        outcome,
                        obs.case,
                        decision,
                    )
                )
    return out


def _bases(rs: CompiledRuleSet, ex: Explorer, cid: str) -> list[Observation]:
    """Simple starting cases: one where a form needing ``cid`` is eligible (crossing the threshold
    then changes the decision), then one where ``cid`` holds and one where it fails."""
    users = rs.conditions_used_by.get(cid, ())
    forms = [f for f in rs.forms if f"forms.{f.id}" in users or any(f"principles.{p}" in users for p in f.principles)]
    goals = [goal(form.id, [(f"forms.{form.id}", True)]) for form in forms[:1]]
    goals += [goal(cid, [(cid, True)]), goal(cid, [(cid, False)])]
    out = []
    for g in goals:
        found, _ = ex.find(g)
        if found is not None:
            out.append(ex.simplify(found, lambda o, g=g: ex.holds(o, g)))  # type: ignore[misc]
    return out


def _ordered(dim: Dimension) -> bool:
    values = [v for v in dim.values if v is not None]
    if dim.key == ON or dim.key.endswith("#") or not values:
        return False
    return all(isinstance(v, DateOffset) for v in values) or all(
        isinstance(v, int | Decimal) and not isinstance(v, bool) for v in values
    )


def _flip(ex: Explorer, base: Observation, dim: Dimension, cid: str) -> tuple[Observation, Observation] | None:
    """Two cases, equal but for ``dim``, one unit apart, where ``cid`` differs."""
    on = base.on
    values = sorted({_concrete(v, on) for v in dim.values if v is not None})
    start = _with_count(base.assignment, dim)
    previous: tuple[Any, bool] | None = None
    for value in values:
        outcome = _outcome(ex, start, dim, value, cid)
        if outcome is None:
            continue
        if previous is not None and previous[1] != outcome:
            lo, hi = _narrow(ex, start, dim, previous[0], value, previous[1], cid)
            return _observe(ex, start, dim, lo), _observe(ex, start, dim, hi)
        previous = (value, outcome)
    return None


def _narrow(
    ex: Explorer, a: Assignment, dim: Dimension, lo: Any, hi: Any, lo_outcome: bool, cid: str
) -> tuple[Any, Any]:
    while True:
        mid = _middle(lo, hi)
        if mid is None:
            return lo, hi
        if _outcome(ex, a, dim, mid, cid) == lo_outcome:
            lo = mid
        else:
            hi = mid


def _middle(lo: Any, hi: Any) -> Any:
    if isinstance(lo, date):
        days = (hi - lo).days
        return lo + timedelta(days=days // 2) if days > 1 else None
    if isinstance(lo, int) and isinstance(hi, int):
        return (lo + hi) // 2 if hi - lo > 1 else None
    if hi - lo <= _CENT:
        return None
    return ((Decimal(lo) + Decimal(hi)) / 2).quantize(_CENT, rounding=ROUND_DOWN)


def _outcome(ex: Explorer, a: Assignment, dim: Dimension, value: Any, cid: str) -> bool | None:
    obs = _observe(ex, a, dim, value)
    if obs.error is not None and not obs.rows:
        return None
    return ex.scorer.value(obs, cid)


def _observe(ex: Explorer, a: Assignment, dim: Dimension, value: Any) -> Observation:
    changed = dict(a)
    changed[dim.key] = value
    return ex.observe(changed)


def _with_count(a: Assignment, dim: Dimension) -> Assignment:
    """Make sure the list item that ``dim`` belongs to exists in the case."""
    out = dict(a)
    if "[" in dim.key:
        head, _, rest = dim.key.partition("[")
        index = int(rest.split("]")[0])
        out[f"{head}#"] = max(out.get(f"{head}#", 0), index + 1)
    return out


def _concrete(value: Any, on: date) -> Any:
    return value.resolve(on) if isinstance(value, DateOffset) else value
