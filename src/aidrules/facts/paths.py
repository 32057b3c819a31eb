"""Fact paths of a case: the one walker of the fact schema, reading and editing copies of a case.

A *fact path* names one fact: ``client.motivation``, ``debts[1].enforcement`` (an item of a
list) or ``incomes`` (a whole list). Its *pattern* drops the indices: ``debts[].enforcement``.
Here is everything the rest of the code asks about a path: its expression type
(:func:`fact_type`), the bounds the case model puts on it (:func:`bounds`, :func:`int_bounds`),
whether it is protected (:func:`protected_fields`), its value in a case (:func:`read`) and a
copy of a case with facts set or list items removed (:func:`apply`, the one case editor that
explanations, the interview and ``aidrules diff`` use; the static checks build their cases with
:func:`put`). The case a worker gave is never touched.
"""

from __future__ import annotations

import copy
import re
import typing
from decimal import Decimal
from functools import cache
from typing import Any

import annotated_types
from pydantic import BaseModel

from aidrules._frozen import Frozen
from aidrules.engine.decision import JsonScalar
from aidrules.expr import types as t
from aidrules.facts.model import Case
from aidrules.facts.schema import case_type

_STEP = re.compile(r"([a-z_][a-z0-9_]*)(?:\[(\d+)\])?")


def pattern(path: str) -> str:
    """``debts[1].enforcement`` → ``debts[].enforcement`` (the key of a fact's label and question)."""
    return re.sub(r"\[\d+\]", "[]", path)


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


#: The JSON Schema marker of a protected fact field (see ``facts/model.py``).
PROTECTED_MARKER = "x-protected"


_init = object.__setattr__  # frozen values (aidrules._frozen.Frozen) set their fields so


class FieldBounds(Frozen):
    """Bounds the case model puts on a number fact (``None``: no bound); ``strict_low``: ``> low``."""

    __slots__ = ("high", "low", "strict_high", "strict_low")
    low: Decimal | None
    high: Decimal | None
    strict_low: bool
    strict_high: bool

    def __init__(
        self, low: Decimal | None, high: Decimal | None, strict_low: bool = False, strict_high: bool = False
    ) -> None:
        _init(self, "low", low)
        _init(self, "high", high)
        _init(self, "strict_low", strict_low)
        _init(self, "strict_high", strict_high)


class Bounds(Frozen):
    """Inclusive bounds of a whole-number fact, from the case model's constraints."""

    __slots__ = ("high", "low")
    low: int | None
    high: int | None

    def __init__(self, low: int | None, high: int | None) -> None:
        _init(self, "low", low)
        _init(self, "high", high)


@cache
def bounds(path_pattern: str) -> FieldBounds:
    """The bounds of a number fact (``debts[].amount`` → more than 0; ``client.motivation`` → 0..4)."""
    model: Any = Case
    info = None
    for part in path_pattern.replace("[]", "").split("."):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return FieldBounds(None, None)
        info = model.model_fields.get(part)
        if info is None:
            return FieldBounds(None, None)
        model = _model_in(info.annotation)
    if info is None:
        return FieldBounds(None, None)
    low: Decimal | None = None
    high: Decimal | None = None
    strict_low = strict_high = False
    for meta in _metadata(info):
        if isinstance(meta, annotated_types.Ge):
            low = Decimal(str(meta.ge))
        elif isinstance(meta, annotated_types.Gt):
            low, strict_low = Decimal(str(meta.gt)), True
        elif isinstance(meta, annotated_types.Le):
            high = Decimal(str(meta.le))
        elif isinstance(meta, annotated_types.Lt):
            high, strict_high = Decimal(str(meta.lt)), True
    return FieldBounds(low, high, strict_low, strict_high)


@cache
def int_bounds(path_pattern: str) -> Bounds:
    """The bounds the case model puts on a whole-number fact (``client.motivation`` → 0..4)."""
    b = bounds(path_pattern)
    low = None if b.low is None else int(b.low) + (1 if b.strict_low else 0)
    high = None if b.high is None else int(b.high) - (1 if b.strict_high else 0)
    return Bounds(low, high)


def _metadata(info: Any) -> list[Any]:
    """A field's constraints, those of its annotation (``Money = Annotated[Decimal, Field(ge=0)]``) included."""
    out = list(info.metadata)
    stack = [info.annotation]
    while stack:
        ann = stack.pop()
        if typing.get_origin(ann) is typing.Annotated:
            for meta in ann.__metadata__:
                out.extend(getattr(meta, "metadata", []) or [meta])
            stack.append(typing.get_args(ann)[0])
        else:
            stack.extend(a for a in typing.get_args(ann) if a is not type(None))
    return out


def _model_in(annotation: Any) -> type[BaseModel] | None:
    stack = [annotation]
    while stack:
        tp = stack.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp
        stack.extend(typing.get_args(tp))
    return None


@cache
def protected_fields() -> frozenset[str]:
    """Fact paths marked ``x-protected`` in the case model: no decision may depend on them."""
    found: set[str] = set()
    pending: list[tuple[type[BaseModel], str]] = [(Case, "")]
    while pending:
        model, prefix = pending.pop()
        for name, info in model.model_fields.items():
            path = f"{prefix}.{name}" if prefix else name
            extra = info.json_schema_extra
            if isinstance(extra, dict) and extra.get(PROTECTED_MARKER) is True:
                found.add(path)
            sub = _model_in(info.annotation)
            if sub is not None:
                is_list = isinstance(fact_type(pattern(path)), t.ListOf)
                pending.append((sub, path + ("[]" if is_list else "")))
    return frozenset(found)


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


class Edit(Frozen):
    """Set one fact to a value (``None`` is a known absence, e.g. an event that never happened),
    or remove a list item (``remove=True``, path ``debts[2]``). The empty tuple ``()`` sets a list
    to no items (``debts: []``; a tuple, because edits are hashable cache keys)."""

    __slots__ = ("path", "remove", "value")
    path: str
    value: JsonScalar | tuple[()]
    remove: bool

    def __init__(self, path: str, value: JsonScalar | tuple[()] = None, remove: bool = False) -> None:
        _init(self, "path", path)
        _init(self, "value", value)
        _init(self, "remove", remove)


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


def put(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the fact at ``path`` in ``data`` itself, making the records on the way (for building a
    case; :func:`apply` edits a copy)."""
    _set(data, steps(path), value)


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
