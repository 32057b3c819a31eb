"""Values for readers: what a name means (fact, parameter, derived value) and its formatted value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from aidrules.explain.model import ValueView
from aidrules.expr import types as t
from aidrules.facts.paths import fact_type, pattern
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.text.explain import text
from aidrules.text.interface import ui
from aidrules.words import formatting
from aidrules.words.labels import choice_label, fact_label


class ValueTexts:
    """Formats the values one rule set uses, on one date, in one language."""

    def __init__(self, rs: CompiledRuleSet, on: date, lang: str) -> None:
        self.rs = rs
        self.on = on
        self.lang = lang
        self._plan = {item.id: item for item in rs.plan}
        self._action_values = {f"actions.{a.id}.{v.id}": v for a in rs.actions for v in a.values}
        self._stages = {f"principles.{p.id}": p.title for p in rs.principles}
        self._stages.update({f"forms.{f.id}": f.title for f in rs.forms})

    def type_of(self, name: str) -> t.Type | None:
        if name in self._plan:
            return self._plan[name].type
        if name in self.rs.parameters:
            return self.rs.parameters[name].type
        if name in self._action_values:
            return self._action_values[name].type
        if name in self._stages:
            return t.BOOL
        return fact_type(pattern(name))

    def text(self, name: str, value: Any) -> str:
        """``value`` of ``name`` as a reader sees it (``€ 1.314,20``, ``ja``, ``deurwaarder``)."""
        if isinstance(value, dict):
            parts = [
                f"{choice_label(k, self.lang)} {self.text_typed(v, self._table_value_type(name))}"
                for k, v in value.items()
            ]
            return "; ".join(parts)
        typ = self.type_of(name)
        if typ is None:
            typ = t.NUMBER if isinstance(value, Decimal | int) and not isinstance(value, bool) else t.TEXT
        return self.text_typed(value, typ)

    def text_typed(self, value: Any, typ: t.Type) -> str:
        if isinstance(typ, t.Number) and isinstance(value, str):
            value = Decimal(value)
        if isinstance(typ, t.Date) and isinstance(value, str):
            value = date.fromisoformat(value)
        if value is None and isinstance(typ, t.Date):
            return text("never", self.lang)  # a known absent event date: it never happened
        return formatting.value(value, typ, self.lang)

    def _table_value_type(self, name: str) -> t.Type:
        spec = self.rs.parameters.get(name)
        if spec is not None and isinstance(spec.type, t.Table):
            return spec.type.value
        return t.NUMBER

    def title(self, name: str) -> str:
        if name in self._plan:
            return self._plan[name].title.get(self.lang)
        if name in self.rs.parameters:
            return self.rs.parameters[name].title.get(self.lang)
        if name in self._action_values:
            return self._action_values[name].title.get(self.lang)
        if name in self._stages:
            return self._stages[name].get(self.lang)
        if fact_type(pattern(name)) is not None:
            return fact_label(name, self.lang)
        return name

    def view(self, name: str, value: Any, unknown: bool = False) -> ValueView:
        """A value with its kind, title, text and (for parameters and derived values) source.

        A computed value (derived, condition, action value) of ``None`` is unknown: it depends on
        a missing fact. For a fact, the caller says whether it is ``unknown`` (left out of the case)
        or known to be absent (``null``: an event that never happened).
        """
        source: str | None = None
        valid_from: date | None = None
        if name in self.rs.parameters:
            kind = "parameter"
            dated = self.rs.parameters[name].value_at(self.on)
            if dated is not None:
                source, valid_from = dated.source, dated.valid_from
        elif name in self._plan:
            item = self._plan[name]
            kind = item.kind
            source = item.source
        elif fact_type(pattern(name)) is not None:
            kind = "fact"
        else:
            kind = "other"
        if value is None and (kind in ("derived", "condition") or name in self._action_values or name in self._stages):
            unknown = True
        return ValueView(
            name=name,
            kind=kind,
            title=self.title(name),
            value=value,
            text=ui("unknown_value", self.lang) if unknown else self.text(name, value),
            source=source,
            valid_from=valid_from,
        )
