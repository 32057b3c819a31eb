"""Re-evaluating changed copies of a case: the only source of truth for "what if" claims.

Every missing-fact scenario and every counterfactual in an explanation is the outcome of a real
evaluation of the changed case with the same rule set and date. Evaluations are cached and
counted against a budget, so that an explanation stays cheap (a few hundred evaluations at most).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from aidrules.engine.decision import Decision
from aidrules.errors import AidrulesError
from aidrules.facts.paths import Edit, apply
from aidrules.ruleset.compiled import CompiledRuleSet

#: The default most evaluations one explanation may make.
DEFAULT_BUDGET = 300


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one evaluation decided, in the terms explanations compare."""

    recommendation: str
    forms: dict[str, str]
    principles: dict[str, str]
    conditions: dict[str, bool | None]
    missing_facts: tuple[str, ...]

    @classmethod
    def of(cls, decision: Decision) -> Outcome:
        return cls(
            recommendation=decision.recommendation,
            forms={fid: f.status for fid, f in decision.forms.items()},
            principles={pid: p.status for pid, p in decision.principles.items()},
            conditions={r.rule: r.outcome for r in decision.reasons if r.kind == "condition"},
            missing_facts=tuple(decision.missing_facts),
        )


class Reevaluator:
    """Evaluates ``data`` with edits applied, with a cache and a budget.

    Example:
        >>> import aidrules
        >>> from datetime import date
        >>> from aidrules.facts.paths import Edit
        >>> r = Reevaluator(aidrules.load(), {"client": {"consents": True}}, date(2025, 3, 1))
        >>> r.outcome((Edit("client.consents", False),)).principles["voluntary"]
        'not_satisfied'
    """

    def __init__(self, rs: CompiledRuleSet, data: dict[str, Any], on: date, budget: int = DEFAULT_BUDGET) -> None:
        self.rs = rs
        self.data = data
        self.on = on
        self.budget = budget
        self.evaluations = 0
        self.exhausted = False
        self._cache: dict[tuple[Edit, ...], Outcome | None] = {}

    def outcome(self, edits: tuple[Edit, ...]) -> Outcome | None:
        """The outcome with ``edits`` applied; None if the budget is spent or the change is invalid."""
        key = tuple(sorted(edits, key=lambda e: (e.path, e.remove, repr(e.value))))
        if key in self._cache:
            return self._cache[key]
        if self.evaluations >= self.budget:
            self.exhausted = True
            return None
        self.evaluations += 1
        try:
            decision = self.rs.evaluate(apply(self.data, key), self.on)
        except AidrulesError:
            result = None
        else:
            result = Outcome.of(decision)
        self._cache[key] = result
        return result

    def remaining(self) -> int:
        return max(0, self.budget - self.evaluations)
