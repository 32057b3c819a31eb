"""Finding a case that makes a goal hold: random boundary cases, then hill climbing.

A *goal* is a conjunction of literals ("forms.budget_guidance is true", "rule 2 is false",
"action referral fires"). The search first looks among every case already evaluated, then climbs:
it changes one fact at a time to another boundary value and keeps the change when the goal came
closer. "Closer" is measured on the expressions' own structure (search-based testing's branch
distance): an ``and`` counts its parts that hold, an ``or`` its best part, a comparison how far
its two sides are apart, a principle or form the share of its requirements that hold. Every
verdict comes from the real engine; the distance only steers the search.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from aidrules.analysis.oracle import Observation, Oracle
from aidrules.errors import Span
from aidrules.expr import nodes as n
from aidrules.expr.compiler import CompiledExpression, _Compiler
from aidrules.expr.runtime import Context, Unknown
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.cost import code_size
from aidrules.whatif.space import Assignment, CaseSpace, Dimension

Fn = Callable[[Context], Any]


@dataclass(frozen=True, slots=True)
class Lit:
    """One requirement of a goal: ``ref`` has the value ``want``.

    ``ref`` is a named value (``forms.budget_guidance``, ``csr.own_will``), ``row:<i>`` for the
    i-th recommendation rule or ``action:<id>`` for an action's condition.
    """

    ref: str
    want: bool


@dataclass(frozen=True, slots=True)
class Goal:
    lits: tuple[Lit, ...]
    label: str


#: What one evaluation of a case by the engine counts for in the work of a search, in the unit
#: of the scorer's steps (one distance of one sub-expression in one case), plus one for every
#: :data:`NODES_PER_WORK` nodes of the rule set's expressions: an evaluation takes about as
#: long as that many steps.
EVALUATION_WORK = 20
NODES_PER_WORK = 25


class SearchExhausted(Exception):
    """The search's work budget is spent: the goal being searched is settled neither way."""


class Explorer:
    """Searches the case space of one rule set. Deterministic for a given seed.

    ``work_budget`` bounds the whole exploration (engine evaluations, each counted as
    :data:`EVALUATION_WORK` and more for a larger rule set, plus the scorer's steps); once it is
    spent, every search raises :class:`SearchExhausted` instead of answering, so that "not found"
    always means "searched".
    ``None``: no bound. The work is counted, not timed, so results stay deterministic.
    """

    def __init__(
        self,
        rs: CompiledRuleSet,
        *,
        seed: int = 0,
        warm_cases: int = 300,
        budget: int = 2500,
        work_budget: int | None = None,
    ) -> None:
        self.rs = rs
        self.space = CaseSpace(rs)
        self.oracle = Oracle(rs, self.space)
        self.rng = random.Random(seed)
        self.budget = budget
        self.work_budget = work_budget
        self.evaluation_work = EVALUATION_WORK + code_size(rs)[0] // NODES_PER_WORK
        #: what a check could not settle because the work budget ran out: (what, where)
        self.unchecked: list[tuple[str, Span]] = []
        self.scorer = _Scorer(rs, self.space)
        self.observe(self.space.simplest())
        for _ in range(warm_cases):
            self.observe(self.space.random(self.rng))

    @property
    def work(self) -> int:
        """The work done so far (see the class's docstring)."""
        return self.oracle.evaluations * self.evaluation_work + self.scorer.work

    def charge(self) -> None:
        """Raise :class:`SearchExhausted` when the work budget is spent."""
        if self.work_budget is not None and self.work > self.work_budget:
            raise SearchExhausted(f"the work budget of {self.work_budget:,} is spent")

    def observe(self, a: Assignment) -> Observation:
        self.charge()
        return self.oracle.observe(a)

    @property
    def observations(self) -> list[Observation]:
        return [o for o in self.oracle.cache.values() if o.error is None or o.rows]

    def holds(self, obs: Observation, goal: Goal) -> bool:
        self.scorer.work += 1
        return all(self.scorer.value(obs, lit.ref) is lit.want for lit in goal.lits)

    def score(self, obs: Observation, goal: Goal) -> float:
        self.charge()
        return sum(self.scorer.credit_ref(obs, lit.ref, lit.want) for lit in goal.lits)

    def find(self, goal: Goal) -> tuple[Observation | None, Observation | None]:
        """(a case where the goal holds, or None; the closest case seen).

        Raises:
            SearchExhausted: the work budget ran out before the goal was settled.
        """
        self.charge()
        pool = self.observations
        for obs in pool:
            if self.holds(obs, goal):
                return obs, obs
        dims = self.space.relevant(self.scorer.facts_of(goal))
        ranked = sorted(pool, key=lambda o: self.score(o, goal), reverse=True)
        starts = ranked[:3] + [self.observe(self.space.random(self.rng)) for _ in range(2)]
        best = ranked[0] if ranked else None
        best_score = self.score(best, goal) if best else -1.0
        spent = 0
        for start in starts:
            current, current_score = start, self.score(start, goal)
            while spent < self.budget:
                improved = False
                for dim in self.rng.sample(dims, len(dims)):
                    for value in self._candidates(dim, current.assignment.get(dim.key)):
                        a = dict(current.assignment)
                        a[dim.key] = value
                        before = self.oracle.evaluations
                        obs = self.observe(a)
                        spent += self.oracle.evaluations - before
                        if obs.error is not None and not obs.rows:
                            continue
                        if self.holds(obs, goal):
                            return obs, obs
                        s = self.score(obs, goal)
                        if s > current_score + 1e-9:
                            current, current_score, improved = obs, s, True
                            break
                    if spent >= self.budget:
                        break
                if current_score > best_score:
                    best, best_score = current, current_score
                if not improved:
                    break
        return None, best

    def simplify(self, obs: Observation, keep: Callable[[Observation], bool]) -> Observation:
        """A simpler case that still satisfies ``keep``: each fact moved to its simplest value, or
        to the smallest of a few values below the current one (amounts and list lengths)."""
        current = obs
        for dim in self.space.dimensions:
            if dim.key == "on" or not dim.values:
                continue
            value = current.assignment.get(dim.key)
            below = list(dim.values[: dim.values.index(value)]) if value in dim.values else [dim.values[0]]
            step = max(1, len(below) // 8)
            options = below[::step] if len(below) > 1 else below
            for value in options:
                if current.assignment.get(dim.key) == value:
                    break
                a = dict(current.assignment)
                a[dim.key] = value
                candidate = self.observe(a)
                if (candidate.error is None or candidate.rows) and keep(candidate):
                    current = candidate
                    break
        return current

    def _candidates(self, dim: Dimension, current: Any) -> list[Any]:
        values = list(dim.values)
        if len(values) <= 16:
            return [v for v in values if v != current]
        i = values.index(current) if current in values else 0
        near = [values[j] for j in (i - 1, i + 1, i - 3, i + 3, i - 10, i + 10) if 0 <= j < len(values)]
        return list(dict.fromkeys([*near, *self.rng.sample(values, 10)]))


class _Scorer:
    """Values and distances of goal literals, over the compiled expressions of one rule set."""

    def __init__(self, rs: CompiledRuleSet, space: CaseSpace) -> None:
        self.rs = rs
        self.env = rs.environment()
        self.narrowed = frozenset(space.paths)
        self.plan = {item.id: item for item in rs.plan}
        self.actions = {a.id: a for a in rs.actions}
        self.fns: dict[int, Fn | None] = {}
        #: steps taken (values looked up, sub-expressions scored): the search's work besides evaluating
        self.work = 0

    # -- values ---------------------------------------------------------------------------
    def value(self, obs: Observation, ref: str) -> bool | None:
        if ref.startswith("row:"):
            i = int(ref[4:])
            return obs.rows[i] if i < len(obs.rows) else None
        if ref.startswith("action:"):
            return obs.actions.get(ref[7:])
        v = obs.values.get(ref)
        return v if isinstance(v, bool) else None

    def facts_of(self, goal: Goal) -> set[str]:
        """The fact patterns the goal's literals depend on (the rule set's dependency graph)."""
        out: set[str] = set()
        for lit in goal.lits:
            out |= self.rs.graph.reads_facts(lit.ref)  # refs are the graph's node names
        return out

    def _expr(self, ref: str) -> CompiledExpression | None:
        if ref.startswith("row:"):
            return self.rs.rows[int(ref[4:])].when
        if ref.startswith("action:"):
            return self.actions[ref[7:]].when
        item = self.plan.get(ref)
        return item.expr if item is not None else None

    def requirements(self, ref: str) -> list[str]:
        """The named yes/no values ``ref`` needs: a principle's conditions, a form's principles and
        conditions, the forms, principles and conditions a rule or an action reads."""
        return list(self.rs.graph.requires(ref))

    # -- credit: 1 when the literal holds, less the further away it is -------------------
    def credit_ref(self, obs: Observation, ref: str, want: bool, depth: int = 0) -> float:
        self.work += 1
        if self.value(obs, ref) is want:
            return 1.0
        if depth > 12:
            return 0.0
        expr = self._expr(ref)
        if expr is not None:
            return 0.9 * self.credit_node(obs, expr.node, want, depth + 1)
        reqs = self.requirements(ref)
        if not reqs:
            return 0.0
        parts = [self.credit_ref(obs, r, want, depth + 1) for r in reqs]
        return 0.9 * (sum(parts) / len(parts) if want else max(parts))

    def credit_node(self, obs: Observation, node: n.Node, want: bool, depth: int) -> float:
        self.work += 1
        fn = self._fn(node)
        ctx = obs.context()
        if fn is not None:
            v = _safe(fn, ctx)
            if v is want:
                return 1.0
        if isinstance(node, n.BoolOp):
            parts = [self.credit_node(obs, v, want, depth + 1) for v in node.values]
            conjunctive = (node.op == "and") == want
            return 0.9 * (sum(parts) / len(parts) if conjunctive else max(parts))
        if isinstance(node, n.Unary) and node.op == "not":
            return self.credit_node(obs, node.operand, not want, depth + 1)
        if isinstance(node, n.Name) and (node.dotted in self.plan or node.dotted.startswith(("principles.", "forms."))):
            return self.credit_ref(obs, node.dotted, want, depth + 1)
        if isinstance(node, n.Compare) and node.op not in ("==", "!="):
            left, right = self._fn(node.left), self._fn(node.right)
            if left is None or right is None:
                return 0.0
            distance = _distance(_safe(left, ctx), _safe(right, ctx))
            return 0.0 if distance is None else 0.8 / (1.0 + math.log10(1.0 + distance))
        return 0.0

    def _fn(self, node: n.Node) -> Fn | None:
        key = id(node)
        if key not in self.fns:
            compiler = _Compiler(self.env)
            try:
                _, code = compiler.compile(node, {}, self.narrowed)
                fn: Fn | None = code.fn
            except (AssertionError, KeyError, TypeError):
                fn = None
            self.fns[key] = None if compiler.problems else fn
        return self.fns[key]


def _safe(fn: Fn, ctx: Context) -> Any:
    try:
        return fn(ctx)
    except Exception:  # a sub-expression out of its guard (e.g. a date that is none): no signal
        return None


def _distance(a: Any, b: Any) -> float | None:
    if isinstance(a, Unknown) or isinstance(b, Unknown) or isinstance(a, bool) or isinstance(b, bool):
        return None
    if isinstance(a, int | Decimal) and isinstance(b, int | Decimal):
        return float(abs(Decimal(a) - Decimal(b)))
    if isinstance(a, date) and isinstance(b, date):
        return float(abs((a - b).days))
    return None


def goal(label: str, lits: Iterable[tuple[str, bool]]) -> Goal:
    return Goal(tuple(Lit(ref, want) for ref, want in lits), label)
