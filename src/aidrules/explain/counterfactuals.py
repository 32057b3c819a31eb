"""Counterfactuals: the smallest changes the client or the OCMW can make that open a form of help.

Only *actionable* facts change (:data:`ACTIONABLE`): the client's consent, openness, participation,
motivation, budgeting skills and wish to keep control, the stability of an income, the stage of
enforcement of a debt, and the amounts of fixed costs and debts (downwards only). Age, household
composition and category, and dates of past events never change.

The search:

1. Only facts that the blocking conditions of the goal depend on are tried (found by walking the
   rules' ASTs, :mod:`aidrules.whatif.thresholds`); their values come from the fact schema and the
   thresholds in the rules (``client.motivation >= minimum_motivation`` suggests 1, 2 and 3).
2. Each single change is re-evaluated. Amounts are lowered by the smallest sum, to the cent, that
   reaches the goal (bisection over re-evaluations; the biggest items are lowered first).
3. When no single change reaches a goal, pairs (then triples) of changes that each move the goal
   closer are tried.

Every counterfactual reported is the outcome of an evaluation of the changed case; it claims the
recommendation and form statuses that evaluation gave.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aidrules.explain.model import Change, Counterfactual, Step
from aidrules.expr import types as t
from aidrules.facts.paths import MISSING, Edit, fact_type, int_bounds, read
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.whatif.reevaluate import Outcome, Reevaluator
from aidrules.whatif.thresholds import RuleSetAnalysis

#: Facts the client or the OCMW can act on, and the direction they can move in: ``yes`` (only to
#: true: consent, openness, participation, a stable income), ``either`` (a choice of the client),
#: ``up`` (motivation and skills can grow, not be made to shrink), ``down`` (enforcement can be
#: stopped, not escalated), ``lower`` (amounts of fixed costs and debts go down).
ACTIONABLE: dict[str, str] = {
    "client.consents": "yes",
    "client.shares_information": "yes",
    "client.participates": "yes",
    "client.motivation": "up",
    "client.budgeting_skills": "up",
    "client.wants_to_keep_control": "either",
    # client.wants_debt_settlement is left out on purpose: filing a petition is the debtor's own act
    # (art. 1675/4 Ger.W.); the aid never suggests changing that wish to reach a form.
    "incomes[].stable": "yes",
    "debts[].enforcement": "down",
    "expenses[].monthly": "lower",
    "debts[].amount": "lower",
}

#: Fixed costs are never lowered by more than this share of their total (rent cannot vanish).
MAX_COST_REDUCTION = Decimal("0.5")
#: At most this many counterfactuals per goal (the smallest ones, each on different facts).
PER_GOAL = 3
_MONEY_COST = 2.0
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One step: edits of one fact family, with a cost used to rank steps."""

    fact: str
    edits: tuple[Edit, ...]
    steps: tuple[Step, ...]
    cost: float
    lower: Decimal | None = None  # for amounts: how much lower the family total becomes

    @property
    def money(self) -> bool:
        return self.lower is not None


@dataclass(frozen=True, slots=True)
class _Goal:
    kind: str  # "form_eligible" | "recommendation"
    form: str

    def reached(self, outcome: Outcome) -> bool:
        if self.kind == "form_eligible":
            return outcome.forms.get(self.form) == "eligible"
        return outcome.recommendation == self.form


class CounterfactualSearch:
    """Finds verified counterfactuals for one case (see the module docstring)."""

    def __init__(self, rs: CompiledRuleSet, analysis: RuleSetAnalysis, reeval: Reevaluator, base: Outcome) -> None:
        self.rs = rs
        self.analysis = analysis
        self.reeval = reeval
        self.base = base
        self.data = reeval.data
        self.complete = True

    # -- goals ----------------------------------------------------------------------------
    def goals(self) -> list[_Goal]:
        out: list[_Goal] = []
        for form in self.rs.forms:
            if self.base.forms.get(form.id) == "ineligible":
                out.append(_Goal("form_eligible", form.id))
            if self.base.recommendation not in ("undetermined", form.id) and any(
                row.recommend == form.id for row in self.rs.rows
            ):
                out.append(_Goal("recommendation", form.id))
        return out

    def blocking(self, goal: _Goal) -> set[str]:
        """Conditions that must become true (and, for a recommendation, forms that must not hold)."""
        needed = self.rs.graph.conditions_needed(f"forms.{goal.form}")
        out = {c for c in needed if self.base.conditions.get(c) is not True}
        if goal.kind == "recommendation":
            for row in self.rs.rows:
                if row.recommend == goal.form:
                    break
                if self.base.forms.get(row.recommend) == "eligible":
                    out.add(f"forms.{row.recommend}")
        return out

    def relevant_facts(self, goal: _Goal) -> set[str]:
        facts: set[str] = set()
        for name in self.blocking(goal):
            facts |= self.analysis.facts_of(name)
        return facts & set(ACTIONABLE)

    # -- candidates -----------------------------------------------------------------------
    def candidates(self, facts: set[str]) -> list[_Candidate]:
        out: list[_Candidate] = []
        for fact in sorted(facts):
            how = ACTIONABLE[fact]
            if how == "lower":
                continue  # amounts are searched per goal (bisection)
            for path, current in self._instances(fact):
                out.extend(self._discrete(fact, path, current, how))
            if how == "down" and "[]" in fact:
                out.extend(self._group_choices(fact))
        return out

    def _instances(self, fact: str) -> list[tuple[str, Any]]:
        """The known values of ``fact`` in the case (every item of a list)."""
        if "[]" not in fact:
            value = read(self.data, fact)
            return [] if value is MISSING or value is None else [(fact, value)]
        root, _, leaf = fact.partition("[].")
        items = read(self.data, root)
        if not isinstance(items, list):
            return []
        out = []
        for i, item in enumerate(items):
            if isinstance(item, dict) and item.get(leaf) is not None:
                out.append((f"{root}[{i}].{leaf}", item[leaf]))
        return out

    def _discrete(self, fact: str, path: str, current: Any, how: str) -> list[_Candidate]:
        typ = fact_type(fact)
        values: list[tuple[Any, float]] = []
        if isinstance(current, bool):
            if how == "either" or (how == "yes" and not current):
                values = [(not current, 1.0)]
        elif isinstance(typ, t.Text) and typ.choices and current in typ.choices:
            order = typ.choices
            here = order.index(current)
            values = [
                (c, float(abs(order.index(c) - here)))
                for c in order
                if (order.index(c) > here if how == "up" else order.index(c) < here)
            ]
        elif isinstance(current, int) and how == "up":
            bounds = int_bounds(fact)
            tried = set(self.analysis.int_candidates(fact))
            if bounds.low is not None and bounds.high is not None and bounds.high - bounds.low < 6:
                tried |= set(range(bounds.low, bounds.high + 1))
            values = [
                (v, float(v - current))
                for v in sorted(tried)
                if v > current and (bounds.high is None or v <= bounds.high)
            ]
        return [
            _Candidate(
                fact, (Edit(path, v),), (Step(fact=fact, changes=[Change(path=path, before=current, after=v)]),), cost
            )
            for v, cost in values
        ]

    def _group_choices(self, fact: str) -> list[_Candidate]:
        """Lower every item above a choice to that choice at once (e.g. stop all enforcement)."""
        typ = fact_type(fact)
        if not isinstance(typ, t.Text) or not typ.choices:
            return []
        order = typ.choices
        instances = [(p, v) for p, v in self._instances(fact) if v in order]
        out = []
        for target in order:
            above = [(p, v) for p, v in instances if order.index(v) > order.index(target)]
            if len(above) < 2:
                continue
            changes = [Change(path=p, before=v, after=target) for p, v in above]
            cost = float(sum(order.index(v) - order.index(target) for _, v in above))
            out.append(
                _Candidate(fact, tuple(Edit(p, target) for p, _ in above), (Step(fact=fact, changes=changes),), cost)
            )
        return out

    def _lowered(self, fact: str, amount: Decimal) -> _Candidate | None:
        """Lower the total of ``fact`` (fixed costs or debts) by ``amount``, biggest items first."""
        root = fact.partition("[].")[0]
        items = [(p, Decimal(v)) for p, v in self._instances(fact)]
        if not items or amount <= 0:
            return None
        total = sum((v for _, v in items), Decimal(0))
        edits: list[Edit] = []
        changes: list[Change] = []
        left = amount
        for path, value in sorted(items, key=lambda pv: (-pv[1], pv[0])):
            if left <= 0:
                break
            take = min(left, value)
            left -= take
            new = (value - take).quantize(_CENT)
            if new == 0 and root == "debts":
                item_path = path.rsplit(".", 1)[0]
                edits.append(Edit(item_path, None, remove=True))
                changes.append(Change(path=item_path, before=value, after=None, removed=True))
            else:
                edits.append(Edit(path, new))
                changes.append(Change(path=path, before=value, after=new))
        step = Step(fact=fact, changes=changes, total_before=total, total_after=(total - amount + left).quantize(_CENT))
        return _Candidate(fact, tuple(edits), (step,), _MONEY_COST + float(amount) / 1e6, lower=amount)

    def _max_lower(self, fact: str) -> Decimal:
        total = sum((Decimal(v) for _, v in self._instances(fact)), Decimal(0))
        if fact == "expenses[].monthly":
            return (total * MAX_COST_REDUCTION).quantize(_CENT)
        return total

    # -- search ---------------------------------------------------------------------------
    def run(self) -> list[Counterfactual]:
        found: list[tuple[_Goal, tuple[_Candidate, ...], Outcome]] = []
        for goal in self.goals():
            facts = self.relevant_facts(goal)
            if not facts:
                continue
            if goal.kind == "recommendation":
                already = [r for r in found if r[0].form == goal.form and goal.reached(r[2])]
                if already:
                    continue  # making the form possible already makes it the recommendation
            found.extend((goal, combo, outcome) for combo, outcome in self.search(goal, facts))
            if self.reeval.exhausted:
                self.complete = False
                break
        out = []
        for i, (goal, combo, outcome) in enumerate(found):
            steps = [s for c in combo for s in c.steps]
            out.append(
                Counterfactual(
                    id=i + 1,
                    goal=goal.kind,
                    form=goal.form,
                    steps=steps,
                    recommendation=outcome.recommendation,
                    forms=dict(outcome.forms),
                )
            )
        return out

    def search(self, goal: _Goal, facts: set[str]) -> list[tuple[tuple[_Candidate, ...], Outcome]]:
        singles = self.candidates(facts)
        hits: list[tuple[tuple[_Candidate, ...], Outcome]] = []
        helpful: list[_Candidate] = []
        base_score = self._score(goal, self.base)
        for cand in singles:
            outcome = self.reeval.outcome(cand.edits)
            if outcome is None:
                continue
            if goal.reached(outcome):
                hits.append(((cand,), outcome))
            elif self._score(goal, outcome) > base_score:
                helpful.append(cand)
        for fact in sorted(facts):
            if ACTIONABLE[fact] != "lower":
                continue
            result = self._bisect(goal, fact, ())
            if result is not None:
                hits.append(((result[0],), result[1]))
            else:
                extreme = self._lowered(fact, self._max_lower(fact))
                outcome = self.reeval.outcome(extreme.edits) if extreme else None
                if extreme is not None and outcome is not None and self._score(goal, outcome) > base_score:
                    helpful.append(extreme)
        if not hits:
            hits = self._combinations(goal, helpful)
        return _smallest(hits)

    def _combinations(self, goal: _Goal, helpful: list[_Candidate]) -> list[tuple[tuple[_Candidate, ...], Outcome]]:
        hits: list[tuple[tuple[_Candidate, ...], Outcome]] = []
        for size in (2, 3):
            combos = [combo for combo in itertools.combinations(helpful, size) if len({c.fact for c in combo}) == size]
            combos.sort(key=lambda combo: sum(c.cost for c in combo))
            for combo in combos[: 40 if size == 2 else 20]:
                discrete = tuple(c for c in combo if not c.money)
                edits = tuple(e for c in combo for e in c.edits)
                outcome = self.reeval.outcome(edits)
                if outcome is None or not goal.reached(outcome):
                    continue
                money = [c for c in combo if c.money]
                if money:
                    # lower the amount to the smallest that still reaches the goal with the others
                    refined = self._bisect(goal, money[0].fact, discrete + tuple(money[1:]))
                    if refined is None:
                        continue
                    combo = (*discrete, *money[1:], refined[0])
                    outcome = refined[1]
                hits.append((combo, outcome))
                if len(hits) >= PER_GOAL:
                    return hits
            if hits or self.reeval.exhausted:
                return hits
        return hits

    def _bisect(self, goal: _Goal, fact: str, others: tuple[_Candidate, ...]) -> tuple[_Candidate, Outcome] | None:
        """The smallest lowering of ``fact`` (to the cent) that, with ``others``, reaches ``goal``."""
        top = self._max_lower(fact)
        extra = tuple(e for c in others for e in c.edits)

        def attempt(cents: int) -> tuple[_Candidate, Outcome] | None:
            cand = self._lowered(fact, Decimal(cents) * _CENT)
            if cand is None:
                return None
            outcome = self.reeval.outcome(extra + cand.edits)
            return (cand, outcome) if outcome is not None and goal.reached(outcome) else None

        hi_cents = int(top / _CENT)
        best = attempt(hi_cents)
        if best is None:
            return None
        lo = 0
        hi = hi_cents
        while hi - lo > 1 and not self.reeval.exhausted:
            mid = (lo + hi) // 2
            result = attempt(mid)
            if result is None:
                lo = mid
            else:
                hi, best = mid, result
        return best

    def _score(self, goal: _Goal, outcome: Outcome) -> int:
        score = 0
        for name in self.blocking(goal):
            if name.startswith("forms."):
                score += outcome.forms.get(name.removeprefix("forms.")) == "ineligible"
            else:
                score += outcome.conditions.get(name) is True
        return score


def _smallest(
    hits: list[tuple[tuple[_Candidate, ...], Outcome]],
) -> list[tuple[tuple[_Candidate, ...], Outcome]]:
    """The cheapest hit per set of facts, without hits that merely add facts to a smaller one."""
    hits = sorted(hits, key=lambda h: (len(h[0]), sum(c.cost for c in h[0]), [c.fact for c in h[0]]))
    chosen: list[tuple[tuple[_Candidate, ...], Outcome]] = []
    for combo, outcome in hits:
        facts = {c.fact for c in combo}
        if any({c.fact for c in kept} <= facts for kept, _ in chosen):
            continue
        chosen.append((combo, outcome))
        if len(chosen) >= PER_GOAL:
            break
    return chosen
