"""The expressions of a rule set that take part in a decision, and the constants written in them.

Which facts and named values each part reads is the compiler's dependency graph
(:mod:`aidrules.ruleset.graph`); protected facts are in :mod:`aidrules.facts.paths`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from aidrules.errors import Span
from aidrules.expr import nodes as n
from aidrules.expr.compiler import CompiledExpression
from aidrules.ruleset.compiled import CompiledRuleSet


@dataclass(frozen=True, slots=True)
class Reader:
    """One expression that takes part in a decision, with where it lives.

    ``kind`` is ``derived``, ``condition``, ``rule`` (a recommendation row), ``action`` (its
    ``when``) or ``action_value``; ``id`` names it as a person would look it up in the file.
    """

    kind: str
    id: str
    expr: CompiledExpression
    span: Span
    ref: str  # how the search names its outcome: the named value, ``row:<i>`` or ``action:<id>``


def readers(rs: CompiledRuleSet) -> Iterator[Reader]:
    """Every expression of ``rs`` that can influence a decision (texts are not among them)."""
    for item in rs.plan:
        yield Reader(item.kind, item.id, item.expr, item.span, item.id)
    for i, row in enumerate(rs.rows):
        yield Reader("rule", f"recommendation rule {i + 1} ({row.recommend})", row.when, row.span, f"row:{i}")
    for action in rs.actions:
        yield Reader("action", f"action {action.id}", action.when, action.span, f"action:{action.id}")
        for value in action.values:
            yield Reader(
                "action_value", f"action {action.id}, value {value.id}", value.expr, action.span, f"action:{action.id}"
            )


def numeric_literals(node: n.Node) -> list[Decimal]:
    """Every number written in an expression (thresholds such as ``0`` or ``0.20``)."""
    out = []
    for current in n.walk(node):
        value = current.value if isinstance(current, n.Literal) else None
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            out.append(Decimal(value))
    return out


def text_literals(node: n.Node) -> list[str]:
    """Every text written in an expression (values compared with free-text facts)."""
    return [c.value for c in n.walk(node) if isinstance(c, n.Literal) and isinstance(c.value, str)]
