"""Shared helpers for the explanation tests: the reference fixtures, their rule sets, explanations."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import aidrules
from aidrules.explain.model import Explanation
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.testing.fixtures import Fixture, load_fixture, rules_for

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))
_RULES: dict[tuple[object, ...], CompiledRuleSet] = {}


@cache
def fixture(name: str) -> Fixture:
    return load_fixture(ROOT / "fixtures" / "reference" / f"{name}.yaml")


def rules(fx: Fixture) -> CompiledRuleSet:
    """The rule set a fixture is decided with (looked up once per rule spec and date)."""
    key = (fx.rules, str(fx.case.get("on")))
    if key not in _RULES:
        _RULES[key] = rules_for(fx)
    return _RULES[key]


_BY_PERIOD: list[CompiledRuleSet] = []


def rules_on(day: date) -> CompiledRuleSet:
    """The shipped reference rule set in force on ``day`` (each version loaded once)."""
    for rs in _BY_PERIOD:
        period = rs.meta.effective
        if period.from_ <= day and (period.until is None or day <= period.until):
            return rs
    rs = aidrules.load(None, day)
    _BY_PERIOD.append(rs)
    return rs


@cache
def explained(name: str, lang: str = "nl") -> Explanation:
    from aidrules.explain import explanation

    fx = fixture(name)
    return explanation(rules(fx), fx.case, lang=lang)
