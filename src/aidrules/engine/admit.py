"""Admitting a case: what every backend checks before deciding (the language, the facts, the
decision date, the rule set's period), and the error of an expression that fails while deciding."""

from __future__ import annotations

from datetime import date
from typing import Any

from aidrules.errors import Diagnostic, EvaluationError, check_language
from aidrules.expr.runtime import ExpressionFailure
from aidrules.facts.direct import case_facts
from aidrules.facts.model import Case
from aidrules.facts.parse import parse_facts
from aidrules.ruleset.compiled import CompiledRuleSet


def admit(
    rs: CompiledRuleSet, facts: Case | dict[str, Any], on: date | None, lang: str, check_period: bool = True
) -> tuple[Case, date]:
    """Check what every backend checks before deciding: the language, the facts, the date."""
    check_language(lang)
    case = parse_facts(facts)
    return case, _admit_day(rs, on or case.on, check_period)


def admit_tree(
    rs: CompiledRuleSet, facts: Case | dict[str, Any], on: date | None, lang: str, check_period: bool = True
) -> tuple[dict[str, Any], date]:
    """:func:`admit`, giving the case's fact tree instead of its models: a dict is validated
    straight into the tree (:func:`aidrules.facts.direct.case_facts`, the same errors)."""
    check_language(lang)
    tree, own = case_facts(facts)
    return tree, _admit_day(rs, on or own, check_period)


def _admit_day(rs: CompiledRuleSet, day: date | None, check_period: bool) -> date:
    """The decision date, checked against the rule set's period (and the rule set checked)."""
    if day is None:
        message = "no decision date: give `on` in the case or as an argument (--on)"
        raise EvaluationError(message, [Diagnostic("EV007", message, path="on")])
    if not rs.decides:
        message = f"{rs.id} {rs.version} is a base layer (amounts only); evaluate a rule set that extends it"
        raise EvaluationError(message, [Diagnostic("EV004", message, path="rules")])
    period = rs.meta.effective
    if check_period and (day < period.from_ or (period.until is not None and day > period.until)):
        until = period.until.isoformat() if period.until else "…"
        message = f"rule set {rs.id} {rs.version} is in force from {period.from_} to {until}, not on {day}"
        raise EvaluationError(message, [Diagnostic("EV001", message, path="on")])
    return day


def failure(where: str, exc: Exception) -> EvaluationError:
    """The :class:`EvaluationError` for an expression that failed while deciding ``where``."""
    if isinstance(exc, ExpressionFailure):
        message = f"{where}: {exc}"
    else:
        message = f"{where}: arithmetic error ({type(exc).__name__})"
    return EvaluationError(message, [Diagnostic("EV002", message, path=where)])
