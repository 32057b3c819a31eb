"""The parts of a compiled rule set that other compiled sections share: message templates and
named values (derived values and conditions). Kept apart from :mod:`aidrules.ruleset.compiled`
so that the sections it holds (such as the compiled ``reviews:``, ``lifecycle/spec.py``) can use
them without importing the rule set that holds them back.
"""

from __future__ import annotations

from typing import Any

from aidrules._frozen import Frozen
from aidrules.errors import Span
from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression
from aidrules.ruleset.schema import Texts

# Frozen values (aidrules._frozen.Frozen, each with its own __init__): no dataclass methods are
# compiled for them at every start. ``ruleset/cost.py`` walks them as it walks dataclasses.
_set = object.__setattr__
#: a default made anew for each object (``field(default_factory=dict)``)
_NEW: Any = object()


class Template(Frozen):
    """A message with ``{name}`` placeholders, per language."""

    __slots__ = ("parts",)
    parts: dict[str, tuple[str | CompiledExpression, ...]]

    def __init__(self, parts: dict[str, tuple[str | CompiledExpression, ...]]) -> None:
        _set(self, "parts", parts)


class NamedValue(Frozen):
    """A derived value or a condition (a named yes/no rule with explanations)."""

    __slots__ = ("expr", "id", "kind", "messages", "shown", "source", "span", "summary", "title", "type")
    id: str
    kind: str  # "derived" | "condition"
    title: Texts
    type: t.Type
    expr: CompiledExpression
    source: str | None
    span: Span
    messages: dict[str, Template]  # outcome -> template
    shown: tuple[tuple[str, CompiledExpression], ...]  # values shown with the reason
    summary: bool  # a key figure of the short decision

    def __init__(
        self,
        id: str,
        kind: str,
        title: Texts,
        type: t.Type,
        expr: CompiledExpression,
        source: str | None,
        span: Span,
        messages: dict[str, Template] = _NEW,
        shown: tuple[tuple[str, CompiledExpression], ...] = (),
        summary: bool = False,
    ) -> None:
        _set(self, "id", id)
        _set(self, "kind", kind)
        _set(self, "title", title)
        _set(self, "type", type)
        _set(self, "expr", expr)
        _set(self, "source", source)
        _set(self, "span", span)
        _set(self, "messages", {} if messages is _NEW else messages)
        _set(self, "shown", shown)
        _set(self, "summary", summary)
