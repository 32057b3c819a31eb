"""Deciding one case: the reference semantics, producing an :class:`EvaluationRecord`.

:meth:`Evaluation.decide` runs the generated plan (parameter values on the decision date,
derived values and conditions in dependency order, principles and forms), the recommendation
(hit policy) and the actions' ``when``; :meth:`Evaluation.record` computes the values of the
actions that are not ruled out and returns the record. Other backends (``engine/durable``)
override :meth:`Evaluation.decide` and fill the same values; the views of the record
(``engine/assemble.py``) are shared, so that their decisions can be byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from aidrules.engine.admit import failure
from aidrules.engine.prepare import PreparedRuleSet
from aidrules.engine.record import EvaluationRecord, new_record
from aidrules.errors import Diagnostic, EvaluationError
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.runtime import Context, ExpressionFailure, Unknown, as_type
from aidrules.facts.model import Case
from aidrules.facts.tree import fact_tree
from aidrules.ruleset.compiled import CompiledRuleSet

Outcome = bool | Unknown
Fn = Callable[[Context], Any]


class Evaluation:
    """Deciding one case.

    :meth:`decide` fills :attr:`values` with every named value and outcome (``principles.X``,
    ``forms.X``, ``recommendation``), :attr:`rec` and :attr:`whens`. Backends override it.
    """

    def __init__(
        self, prep: PreparedRuleSet, case: Case | None, day: date, lang: str, tree: dict[str, Any] | None = None
    ) -> None:
        """Decide ``case``, or the case whose fact tree is ``tree`` (``engine/admit.py``'s
        :func:`~aidrules.engine.admit.admit_tree`)."""
        self.prep = prep
        self.rs: CompiledRuleSet = prep.rs
        self.day = day
        self.lang = lang
        base, self.parameters = prep.parameters_at(day)
        self.values: dict[str, Any] = dict(base)
        if tree is None:
            assert case is not None, "a case or its fact tree"
            tree = fact_tree(case)
        self.ctx = Context(tree, self.values, day)
        #: (chosen id, index of the row that chose it or -1, facts that left it undetermined)
        self.rec: tuple[str, int, frozenset[str]] = ("", -1, frozenset())
        #: the outcome of each action's ``when``, in the order of ``rs.actions``
        self.whens: list[Outcome] = []

    def run(self) -> EvaluationRecord:
        self.decide()
        return self.record()

    # -- deciding (the reference semantics) ----------------------------------------------------
    def decide(self) -> None:
        """The plan, the recommendation rows and the actions' ``when``, each one generated function
        (``PreparedRuleSet.plan``, ``rows_fn``, ``whens_fn``); an expression that fails is named
        (EV002) as :meth:`recommend` and :meth:`interpreted_whens` name it."""
        prep, ctx = self.prep, self.ctx
        at = [0]
        try:
            prep.plan(ctx, at)  # values, conditions, principles, forms (see PreparedRuleSet)
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(prep.step_ids[at[0]], exc) from None
        try:
            hits, unknown = prep.rows_fn(ctx, at)
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(f"recommendation.{self.rs.rows[at[0]].recommend}", exc) from None
        self.rec = self.choose(hits, frozenset() if unknown is None else unknown.facts)
        try:
            self.whens = prep.whens_fn(ctx, at)
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(f"actions.{self.rs.actions[at[0]].id}", exc) from None

    def interpreted_whens(self) -> list[Outcome]:
        """Each action's ``when``, one expression's function after the other: the reference
        ``PreparedRuleSet.whens_fn`` is compared with (``tests/engine/test_decide_tail.py``)."""
        whens: list[Outcome] = []
        try:
            for fn in self.prep.when_fns:
                whens.append(fn(self.ctx))
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(f"actions.{self.rs.actions[len(whens)].id}", exc) from None
        return whens

    def recommend(self) -> tuple[str, int, frozenset[str]]:
        """The recommendation rows in order (up to the first that holds when the hit policy is
        ``first``): :meth:`choose` with the rows that hold and the facts that left rows unknown.
        The reference ``PreparedRuleSet.rows_fn`` (what :meth:`decide` runs) is compared with."""
        rs, ctx = self.rs, self.ctx
        first = rs.hit_policy == "first"
        unknown: Unknown | None = None
        hits = []
        i = 0
        try:
            for i, fn in enumerate(self.prep.row_fns):
                v = fn(ctx)
                if v.__class__ is Unknown:
                    unknown = v if unknown is None else unknown.merge(v)
                elif v is True:
                    hits.append(i)
                    if first:
                        break
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(f"recommendation.{rs.rows[i].recommend}", exc) from None
        return self.choose(hits, frozenset() if unknown is None else unknown.facts)

    def choose(self, hits: list[int], unknown: frozenset[str]) -> tuple[str, int, frozenset[str]]:
        """The recommendation from the rows that hold (their indexes, in order) and the facts that
        left rows unknown; sets ``values["recommendation"]``."""
        rs = self.rs
        if rs.hit_policy == "unique" and len(hits) > 1:
            message = "hit policy unique: more than one recommendation holds: " + ", ".join(
                rs.rows[i].recommend for i in hits
            )
            raise EvaluationError(message, [Diagnostic("EV003", message, path="recommendation")])
        if unknown:
            self.values["recommendation"] = Unknown(unknown)
            return "undetermined", -1, unknown
        if hits:
            chosen, index = rs.rows[hits[0]].recommend, hits[0]
        elif rs.otherwise is None or rs.otherwise_because is None:
            message = "no recommendation rule holds and the rule set has no `otherwise` (a gap: see aidrules validate)"
            raise EvaluationError(message, [Diagnostic("EV005", message, path="recommendation")])
        else:
            chosen, index = rs.otherwise, -1
        self.values["recommendation"] = chosen
        return chosen, index, unknown

    def run_expr(self, expr: CompiledExpression, where: str) -> Any:
        return self.run_fn(expr.fn, where)

    def run_fn(self, fn: Fn, where: str) -> Any:
        try:
            return fn(self.ctx)
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(where, exc) from None

    # -- the record ----------------------------------------------------------------------------
    def interpreted_action_values(self) -> None:
        """The values of the actions that are not ruled out (``actions.X.Y``), one expression's
        function after the other: the reference ``PreparedRuleSet.action_values_fn`` (what
        :meth:`record` runs) is compared with."""
        values, ctx = self.values, self.ctx
        actions = zip(self.rs.actions, self.whens, self.prep.action_values, self.prep.layout.action_values, strict=True)
        for a, when, value_fns, keys in actions:
            if when is False or when.__class__ is Unknown:
                continue
            for v, fn, key in zip(a.values, value_fns, keys, strict=True):  # key: ``actions.X.Y``
                try:  # :meth:`run_fn`, inline
                    found = fn(ctx)
                except (ExpressionFailure, ArithmeticError) as exc:
                    raise failure(key, exc) from None
                values[key] = as_type(found, v.type)

    def record(self) -> EvaluationRecord:
        """The record of what was decided, with the values of every action that is not ruled out
        (``actions.X.Y``; an action whose ``when`` is unknown computes none)."""
        prep = self.prep
        at = [0]
        try:  # one generated function (``PreparedRuleSet.action_values_fn``): :meth:`interpreted_action_values`
            prep.action_values_fn(self.ctx, self.whens, at)
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(prep.action_value_keys[at[0]], exc) from None
        chosen, index, unknown = self.rec
        return new_record(
            prep.layout, self.day, self.lang, self.ctx, self.parameters, chosen, index, unknown, tuple(self.whens)
        )
