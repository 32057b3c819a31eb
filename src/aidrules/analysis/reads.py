"""What a rule set reads: fact paths (list items included), named values, constants, protected facts.

``CompiledExpression.facts`` names the lists an aggregate walks (``incomes``) but not the item
fields it reads inside the loop (``incomes[].monthly_net``); the static checks need both, so this
module walks the expression ASTs itself.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel

from aidrules.errors import Span
from aidrules.expr import nodes as n
from aidrules.expr.compiler import CompiledExpression
from aidrules.facts.model import Case
from aidrules.facts.schema import case_type
from aidrules.ruleset.compiled import CompiledRuleSet

#: The JSON Schema marker of a protected fact field (see ``facts/model.py``).
PROTECTED_MARKER = "x-protected"


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


def fact_paths(node: n.Node) -> list[str]:
    """Fact paths an expression reads, list item fields as ``incomes[].monthly_net``, in order."""
    roots = set(case_type().field_names())
    out: list[str] = []

    def visit(current: n.Node, scope: dict[str, str]) -> None:
        if isinstance(current, n.Name):
            head = current.parts[0]
            if head in scope:
                rest = current.parts[1:]
                out.append(scope[head] + ("[]." + ".".join(rest) if rest else ""))
            elif head in roots:
                out.append(current.dotted)
            return
        if isinstance(current, n.Aggregate):
            visit(current.iterable, scope)
            label = _label(current.iterable, scope)
            inner = {**scope, current.variable: label} if label else scope
            if current.condition is not None:
                visit(current.condition, inner)
            visit(current.element, inner)
            return
        for child in n.children(current):
            visit(child, scope)

    visit(node, {})
    return list(dict.fromkeys(out))


def _label(iterable: n.Node, scope: dict[str, str]) -> str | None:
    if not isinstance(iterable, n.Name):
        return None
    head = iterable.parts[0]
    if head in scope:
        return scope[head] + "[]." + ".".join(iterable.parts[1:])
    return iterable.dotted


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


def names_read(rs: CompiledRuleSet) -> dict[str, list[str]]:
    """Named value -> the readers that read it (parameters, derived values, conditions, ...)."""
    out: dict[str, list[str]] = {}
    for reader in readers(rs):
        for name in reader.expr.names:
            out.setdefault(name, []).append(reader.id)
    return out


@cache
def protected_fields() -> frozenset[str]:
    """Fact paths marked ``x-protected`` in the case model: no decision may depend on them."""
    found: set[str] = set()
    _collect_protected(Case, "", found)
    return frozenset(found)


def _collect_protected(model: type[BaseModel], prefix: str, found: set[str]) -> None:
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get(PROTECTED_MARKER) is True:
            found.add(path)
        for sub, is_list in _models_in(info.annotation):
            _collect_protected(sub, path + ("[]" if is_list else ""), found)


def _models_in(annotation: Any) -> list[tuple[type[BaseModel], bool]]:
    out: list[tuple[type[BaseModel], bool]] = []
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, False)]
    for arg in typing.get_args(annotation):
        for sub, is_list in _models_in(arg):
            out.append((sub, is_list or origin is list))
    return out
