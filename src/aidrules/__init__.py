"""aidrules: explainable, versioned rules for budget help decisions at Belgian OCMWs / CPAS.

Example:
    >>> import aidrules
    >>> from datetime import date
    >>> rules = aidrules.load()
    >>> decision = rules.evaluate({"client": {"consents": False}}, on=date(2025, 3, 1))
    >>> decision.principles["voluntary"].status
    'not_satisfied'
"""

from aidrules.engine.decision import Decision, Reason
from aidrules.engine.trace import RecordingTracer, TraceEvent
from aidrules.errors import (
    AidrulesError,
    Diagnostic,
    EvaluationError,
    FactsError,
    RuleSetError,
    RuleSetNotFoundError,
    Span,
)
from aidrules.facts.model import Case
from aidrules.facts.parse import load_case, parse_facts
from aidrules.ruleset.compile import check_ruleset, load_ruleset
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.shipped import load

__version__ = "0.1.0"

__all__ = [
    "AidrulesError",
    "Case",
    "CompiledRuleSet",
    "Decision",
    "Diagnostic",
    "EvaluationError",
    "FactsError",
    "Reason",
    "RecordingTracer",
    "RuleSetError",
    "RuleSetNotFoundError",
    "Span",
    "TraceEvent",
    "__version__",
    "check_ruleset",
    "load",
    "load_case",
    "load_ruleset",
    "parse_facts",
]
