"""The parts of a compiled rule set that other compiled sections share: message templates and
named values (derived values and conditions). Kept apart from :mod:`aidrules.ruleset.compiled`
so that the sections it holds (such as the compiled ``reviews:``, ``lifecycle/spec.py``) can use
them without importing the rule set that holds them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aidrules.errors import Span
from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression
from aidrules.ruleset.schema import Texts


@dataclass(frozen=True, slots=True)
class Template:
    """A message with ``{name}`` placeholders, per language."""

    parts: dict[str, tuple[str | CompiledExpression, ...]]


@dataclass(frozen=True, slots=True)
class NamedValue:
    """A derived value or a condition (a named yes/no rule with explanations)."""

    id: str
    kind: str  # "derived" | "condition"
    title: Texts
    type: t.Type
    expr: CompiledExpression
    source: str | None
    span: Span
    messages: dict[str, Template] = field(default_factory=dict)  # outcome -> template
    shown: tuple[tuple[str, CompiledExpression], ...] = ()  # values shown with the reason
    summary: bool = False  # a key figure of the short decision
