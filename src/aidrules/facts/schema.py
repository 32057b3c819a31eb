"""The fact schema as types of the expression language (the type environment of facts)."""

from __future__ import annotations

import types
import typing
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel

from aidrules.expr import types as t
from aidrules.facts.model import EVENT_FIELDS, OPTIONAL_INPUTS, Case


def _type_of(annotation: Any, path: str, metadata: list[Any]) -> t.Type:
    nullable = path in EVENT_FIELDS or path in OPTIONAL_INPUTS
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _type_of(args[0], path, metadata)
    if origin is typing.Annotated:
        return _type_of(args[0], path, metadata + list(annotation.__metadata__))
    if origin is typing.Literal:
        return t.Text(choices=tuple(str(a) for a in args), nullable=nullable)
    if origin is list:
        return t.ListOf(item=_type_of(args[0], path, []), nullable=nullable)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return record_type(annotation, path, nullable)
    if annotation is bool:
        return t.Bool(nullable=nullable)
    if annotation is int:
        return t.Number(integer=True, nullable=nullable)
    if annotation is Decimal:
        return t.Number(money=True, nullable=nullable)
    if annotation is date:
        return t.Date(nullable=nullable)
    if annotation is str:
        return t.Text(nullable=nullable)
    raise TypeError(f"no expression type for {annotation!r} at {path}")  # pragma: no cover


def record_type(model: type[BaseModel], path: str = "", nullable: bool = False) -> t.Record:
    fields = []
    for name, info in model.model_fields.items():
        sub = f"{path}.{name}" if path else name
        fields.append((name, _type_of(info.annotation, sub, list(info.metadata))))
    return t.Record(type_name=model.__name__.lower(), fields=tuple(fields), nullable=nullable)


@cache
def case_type() -> t.Record:
    """The record type of a whole case, without the decision date ``on``."""
    full = record_type(Case)
    return t.Record(type_name="case", fields=tuple((k, v) for k, v in full.fields if k != "on"))


@cache
def fact_scales() -> dict[str, tuple[int | Decimal, int | Decimal]]:
    """The scale of each whole-number fact with a lowest and a highest value (``client.motivation``:
    0 to 4), from the case model's ``ge``/``le`` constraints, so that a rule compared with a value
    outside it can be caught (RS209)."""
    out: dict[str, tuple[int | Decimal, int | Decimal]] = {}

    def visit(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}.{name}" if prefix else name
            annotation = info.annotation
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            inner = args[0] if len(args) == 1 else annotation
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                visit(inner, path)
                continue
            low = next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), None)
            high = next((m.le for m in info.metadata if getattr(m, "le", None) is not None), None)
            if low is not None and high is not None:
                out[path] = (low, high)

    visit(Case, "")
    return out
