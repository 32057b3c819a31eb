"""Fact paths of a case: their types, reading and changing them in a copy of the case.

A *fact path* names one fact: ``client.motivation``, ``debts[1].enforcement`` (an item of a
list) or ``incomes`` (a whole list). Its *pattern* drops the indices: ``debts[].enforcement``.
Explanations change facts only in copies of a case (a plain ``dict``) and re-evaluate them; the
case a worker gave is never touched.
"""

from __future__ import annotations

import copy
import re
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from aidrules.engine.decision import JsonScalar
from aidrules.expr import types as t
from aidrules.facts.model import Case
from aidrules.facts.schema import case_type
from aidrules.words.labels import pattern as pattern  # defined with the labels it keys (a lower layer)

_STEP = re.compile(r"([a-z_][a-z0-9_]*)(?:\[(\d+)\])?")


def steps(path: str) -> list[str | int]:
    """``debts[1].amount`` → ``["debts", 1, "amount"]``."""
    out: list[str | int] = []
    for part in path.split("."):
        match = _STEP.fullmatch(part)
        if match is None:
            raise ValueError(f"not a fact path: {path}")
        out.append(match.group(1))
        if match.group(2) is not None:
            out.append(int(match.group(2)))
    return out


def index_of(path: str) -> int | None:
    """The list index in ``path`` (``debts[1].amount`` → 1), if any."""
    match = re.search(r"\[(\d+)\]", path)
    return int(match.group(1)) if match else None


def list_root(path: str) -> str | None:
    """The list a path points into (``debts[1].amount`` → ``debts``), if any."""
    match = re.match(r"^([a-z_.]+)\[\d+\]", path)
    return match.group(1) if match else None


@cache
def fact_type(path_pattern: str) -> t.Type | None:
    """The expression type of a fact (``client.motivation`` → whole number), or None if unknown."""
    node: t.Type = case_type()
    for part in path_pattern.replace("[]", ".[]").split("."):
        if part == "[]":
            if not isinstance(node, t.ListOf):
                return None
            node = node.item
            continue
        if not isinstance(node, t.Record):
            return None
        found = node.field_type(part)
        if found is None:
            return None
        node = found
    return node


def _all_paths(typ: t.Type, prefix: str) -> list[str]:
    out = [prefix] if prefix else []
    if isinstance(typ, t.Record):
        for name, sub in typ.fields:
            out.extend(_all_paths(sub, f"{prefix}.{name}" if prefix else name))
    elif isinstance(typ, t.ListOf):
        out.extend(_all_paths(typ.item, f"{prefix}[]"))
    return out


@cache
def all_patterns() -> tuple[str, ...]:
    """Every fact pattern of the case schema, records and lists included."""
    return tuple(p for p in _all_paths(case_type(), "") if not p.endswith("[]"))


@cache
def free_text_patterns() -> frozenset[str]:
    """Facts that are free text (a name, a municipality): never shown in anonymised views."""
    out = set()
    for p in all_patterns():
        typ = fact_type(p)
        if isinstance(typ, t.Text) and not typ.choices:
            out.add(p)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Bounds:
    """Inclusive bounds of a whole-number fact, from the case model's constraints."""

    low: int | None
    high: int | None


@cache
def int_bounds(path_pattern: str) -> Bounds:
    """The bounds the case model puts on a whole-number fact (``client.motivation`` → 0..4)."""
    model: type[BaseModel] = Case
    info = None
    parts = path_pattern.replace("[]", "").split(".")
    for i, part in enumerate(parts):
        info = model.model_fields.get(part)
        if info is None:
            return Bounds(None, None)
        if i < len(parts) - 1:
            nested = _model_in(info.annotation)
            if nested is None:
                return Bounds(None, None)
            model = nested
    low: int | None = None
    high: int | None = None
    for meta in info.metadata if info else []:
        if isinstance(meta, Ge):
            low = int(meta.ge)  # type: ignore[call-overload]
        elif isinstance(meta, Gt):
            low = int(meta.gt) + 1  # type: ignore[call-overload]
        elif isinstance(meta, Le):
            high = int(meta.le)  # type: ignore[call-overload]
        elif isinstance(meta, Lt):
            high = int(meta.lt) - 1  # type: ignore[call-overload]
    return Bounds(low, high)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    stack = [annotation]
    while stack:
        tp = stack.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp
        stack.extend(typing.get_args(tp))
    return None


def case_data(case: Case) -> dict[str, Any]:
    """A case as a plain dict that keeps the difference between unknown (left out) and ``null``."""
    return case.model_dump(mode="python", exclude_unset=True, exclude={"on"})


_ABSENT = object()


def read(data: dict[str, Any], path: str) -> Any:
    """The value at ``path`` in ``data``, or :data:`MISSING` when it is not given."""
    node: Any = data
    for step in steps(path):
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return MISSING
            node = node[step]
        else:
            if not isinstance(node, dict) or step not in node:
                return MISSING
            node = node[step]
    return node


class _Missing:
    """The value of a fact that is not in the case (unknown)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


@dataclass(frozen=True, slots=True)
class Edit:
    """Set one fact to a value (``None`` is a known absence, e.g. an event that never happened),
    or remove a list item (``remove=True``, path ``debts[2]``). The empty tuple ``()`` sets a list
    to no items (``debts: []``; a tuple, because edits are hashable cache keys)."""

    path: str
    value: JsonScalar | tuple[()] = None
    remove: bool = False


def apply(data: dict[str, Any], edits: list[Edit] | tuple[Edit, ...]) -> dict[str, Any]:
    """A copy of ``data`` with ``edits`` applied. Indices refer to the original lists; removals
    are done last, so that they do not shift the items other edits point at."""
    out = copy.deepcopy(data)
    removals: list[tuple[str, int]] = []
    for edit in edits:
        if edit.remove:
            root = list_root(edit.path)
            index = index_of(edit.path)
            if root is None or index is None:
                raise ValueError(f"only list items can be removed, not {edit.path}")
            removals.append((root, index))
            continue
        _set(out, steps(edit.path), [] if edit.value == () else edit.value)
    for root, index in sorted(removals, key=lambda r: r[1], reverse=True):
        items = read(out, root)
        if isinstance(items, list) and index < len(items):
            del items[index]
    return out


def _set(node: Any, path: list[str | int], value: Any) -> None:
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                raise ValueError(f"no list item {step} at {path}")
            if last:
                node[step] = value
                return
            node = node[step]
            continue
        if not isinstance(node, dict):
            raise ValueError(f"cannot set {path}: {step} is not in a record")
        if last:
            node[step] = value
            return
        if node.get(step) is None:
            node[step] = {}
        node = node[step]


def as_money(value: Any) -> Decimal:
    """A money fact as a Decimal with cents."""
    return Decimal(value).quantize(Decimal("0.01"))
