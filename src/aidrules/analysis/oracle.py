"""Asking the real engine about one case, and keeping every named value it computed.

The engine's own :class:`~aidrules.engine.compiled.Evaluation` decides the case (parameters,
derived values, conditions, principles, forms: the reference semantics) and keeps every named
value; the recommendation rows and action conditions are then evaluated here with their own
compiled closures over those values, so that *every* row's outcome is known (the engine stops at
the first hit) and a gap or an overlap (which the engine refuses) does not hide the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import localcontext
from typing import Any

from aidrules.engine.compiled import Evaluation, admit, prepared
from aidrules.errors import EvaluationError
from aidrules.expr.runtime import DECIMAL_CONTEXT, Context, ExpressionFailure, Unknown
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.whatif.space import Assignment, CaseSpace


@dataclass(frozen=True)
class Observation:
    """What the engine made of one case (all facts known)."""

    assignment: Assignment
    case: dict[str, Any]
    on: date
    values: dict[str, Any]  # parameters, derived values, conditions, principles.X, forms.X
    rows: tuple[bool | None, ...]  # the outcome of every recommendation row, in order
    actions: dict[str, bool | None]  # action id -> its condition's outcome
    facts: dict[str, Any] = field(repr=False, default_factory=dict)  # the fact tree
    error: str | None = None  # the engine could not finish (e.g. division by zero)

    def context(self) -> Context:
        return Context(self.facts, self.values, self.on)


class Oracle:
    """Evaluates assignments of a :class:`CaseSpace` with the real engine; remembers every answer."""

    def __init__(self, rs: CompiledRuleSet, space: CaseSpace) -> None:
        self.rs = rs
        self.space = space
        self.cache: dict[tuple[tuple[str, Any], ...], Observation] = {}
        self.evaluations = 0

    def observe(self, a: Assignment) -> Observation:
        key = tuple(sorted(a.items(), key=lambda kv: kv[0]))
        found = self.cache.get(key)
        if found is not None:
            return found
        obs = self._evaluate(dict(a))
        self.cache[key] = obs
        return obs

    def _evaluate(self, a: Assignment) -> Observation:
        rs = self.rs
        case = self.space.build(a)
        on = a["on"]
        self.evaluations += 1
        parsed, day = admit(rs, case, on, "nl")
        evaluation = Evaluation(prepared(rs), parsed, day, "nl")
        error = None
        with localcontext(DECIMAL_CONTEXT):
            try:
                evaluation.decide()  # the reference semantics; the decision texts are not needed here
            except EvaluationError as exc:
                error = exc.report()
        values = evaluation.values
        facts = evaluation.ctx.facts
        expected = len(rs.plan) + len(rs.principles) + len(rs.forms)
        if sum(1 for k in values if k not in rs.parameters) < expected:  # stopped inside the plan
            return Observation(a, case, on, values, (), {}, facts, error or "incomplete evaluation")
        ctx = Context(facts, values, on)
        with localcontext(DECIMAL_CONTEXT):
            rows = tuple(_outcome(row.when.fn, ctx) for row in rs.rows)
            actions = {action.id: _outcome(action.when.fn, ctx) for action in rs.actions}
        # Gaps (EV005) and overlaps (EV003) are what the static checks look for, not failures.
        if error is not None and ("EV003" in error or "EV005" in error):
            error = None
        return Observation(a, case, on, values, rows, actions, facts, error)


def _outcome(fn: Any, ctx: Context) -> bool | None:
    try:
        value = fn(ctx)
    except (ExpressionFailure, ArithmeticError, KeyError):
        return None
    if isinstance(value, Unknown):
        return None
    return bool(value)
