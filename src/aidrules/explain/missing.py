"""Missing facts: which facts would settle an undetermined outcome, and how each value decides.

For each missing fact, every value worth trying is put in a copy of the case, which is then
re-evaluated: yes/no facts get yes and no, coded facts each of their choices (from the fact
schema), whole numbers every value of a small range (``client.motivation`` 0..4) or the values at
and around the thresholds found in the rules, dates "never" (for events) and the dates on either
side of a date threshold. Lists, amounts and free text are never guessed: they must be supplied.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aidrules.engine.decision import Decision, JsonScalar
from aidrules.explain.model import MissingFact, Scenario
from aidrules.explain.values import ValueTexts
from aidrules.expr import types as t
from aidrules.facts.model import EVENT_FIELDS
from aidrules.facts.paths import Edit, fact_type, int_bounds, pattern
from aidrules.text.explain import text
from aidrules.whatif.reevaluate import Reevaluator
from aidrules.whatif.thresholds import RuleSetAnalysis

#: A whole-number fact with at most this many possible values is tried with every value.
SMALL_RANGE = 6


def candidate_values(path: str, analysis: RuleSetAnalysis) -> list[JsonScalar] | None:
    """The values worth trying for a missing fact, or None when it must be supplied."""
    pat = pattern(path)
    typ = fact_type(pat)
    if isinstance(typ, t.Bool):
        return [True, False]
    if isinstance(typ, t.Text) and typ.choices:
        return list(typ.choices)
    if isinstance(typ, t.Number) and typ.integer:
        bounds = int_bounds(pat)
        if bounds.low is not None and bounds.high is not None and bounds.high - bounds.low < SMALL_RANGE:
            return list(range(bounds.low, bounds.high + 1))
        values = set(analysis.int_candidates(pat))
        if bounds.low is not None:
            values |= {bounds.low, bounds.low + 1}
        values = {
            v for v in values if (bounds.low is None or v >= bounds.low) and (bounds.high is None or v <= bounds.high)
        }
        return list[JsonScalar](sorted(values)) or None
    if isinstance(typ, t.Date):
        dates: list[JsonScalar] = [*analysis.date_candidates(pat)]
        if not dates:
            return None
        return ([None] if pat in EVENT_FIELDS else []) + dates
    return None


def missing_facts(
    decision: Decision, analysis: RuleSetAnalysis, reeval: Reevaluator, texts: ValueTexts
) -> list[MissingFact]:
    """For each missing fact of ``decision``, what each of its possible values would decide."""
    out: list[MissingFact] = []
    for path in decision.missing_facts:
        values = candidate_values(path, analysis)
        scenarios: list[Scenario] = []
        if values is not None:
            for value in values:
                outcome = reeval.outcome((Edit(path, value),))
                if outcome is None:
                    continue
                scenarios.append(
                    Scenario(
                        value=value,
                        text=_value_text(texts, path, value),
                        recommendation=outcome.recommendation,
                        forms=outcome.forms,
                        missing_facts=list(outcome.missing_facts),
                    )
                )
        recommendations = {s.recommendation for s in scenarios}
        out.append(
            MissingFact(
                path=path,
                title=texts.title(path),
                must_supply=values is None,
                scenarios=scenarios,
                settles=bool(scenarios) and "undetermined" not in recommendations,
                changes_nothing=bool(scenarios) and recommendations == {decision.recommendation},
            )
        )
    return out


def _value_text(texts: ValueTexts, path: str, value: Any) -> str:
    if value is None and isinstance(fact_type(pattern(path)), t.Date):
        return text("never", texts.lang)
    if isinstance(value, date):
        return texts.text_typed(value, t.DATE)
    return texts.text(path, value)
