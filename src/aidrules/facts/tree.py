"""The evaluation's fact tree: the facts of a validated :class:`Case` as nested dicts and lists.

A key is present exactly when its value is known. Known absence (an event field given as
``null``, or an optional input left out) is ``None``; a field left out, or given as ``null``
where ``null`` means nothing, is unknown and absent. ``on`` (the decision date) is no fact.

The tree is read straight from the validated models (their ``__dict__`` and the fields that were
set), by a plan made once per model class: what each field can hold, decided from its annotation.
This is the only builder of the tree; the engine and every tool that evaluates expressions use it
(``tests/facts/test_fact_tree.py`` checks its properties on generated cases).

Example:
    >>> from aidrules.facts.parse import parse_facts
    >>> fact_tree(parse_facts({"client": {"consents": True, "csr_revoked_on": None}}))
    {'client': {'consents': True, 'csr_revoked_on': None}, 'remi': None}
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from aidrules.facts.model import EVENT_FIELDS, OPTIONAL_INPUTS, Case

#: What a field holds: never a model, a model (or none), a list of models (or none), anything.
_SCALAR, _MODEL, _MODELS, _ANY = 0, 1, 2, 3
#: Per (model class, path prefix): (field name, keep an explicit None, prefix of its fields, kind)
_PLANS: dict[tuple[type[Any], str], tuple[tuple[str, bool, str, int], ...]] = {}
_UNIONS = (Union, UnionType)


def fact_tree(case: Case) -> dict[str, Any]:
    """The facts of ``case`` as nested dicts/lists: a key is present exactly when its value is known."""
    tree = _tree(case, "", skip="on")
    for name in OPTIONAL_INPUTS:
        tree.setdefault(name, None)
    return tree


def _plan(cls: type[Any], prefix: str, skip: str) -> tuple[tuple[str, bool, str, int], ...]:
    plan = tuple(
        (
            name,
            f"{prefix}{name}" in EVENT_FIELDS or f"{prefix}{name}" in OPTIONAL_INPUTS,
            f"{prefix}{name}.",
            _kind(field.annotation),
        )
        for name, field in cls.model_fields.items()
        if name != skip
    )
    _PLANS[(cls, prefix)] = plan
    return plan


def _tree(model: Any, prefix: str, skip: str = "") -> dict[str, Any]:
    cls = model.__class__
    plan = _PLANS.get((cls, prefix)) or _plan(cls, prefix, skip)
    data = model.__dict__
    given = model.__pydantic_fields_set__
    out: dict[str, Any] = {}
    for name, keep_none, sub, kind in plan:
        if name not in given:
            continue
        value = data[name]
        if value is None:
            if keep_none:
                out[name] = None
        elif kind == _SCALAR:
            out[name] = value
        elif kind == _MODEL:
            out[name] = _tree(value, sub)
        elif kind == _MODELS:
            out[name] = [_tree(v, sub) for v in value]
        elif isinstance(value, BaseModel):
            out[name] = _tree(value, sub)
        elif value.__class__ is list:
            out[name] = [_tree(v, sub) if isinstance(v, BaseModel) else v for v in value]
        else:
            out[name] = value
    return out


def _kind(annotation: Any) -> int:
    """What a field holds, from its annotation (see ``_SCALAR`` and the others)."""
    options = [_bare(a) for a in (get_args(annotation) if get_origin(annotation) in _UNIONS else (annotation,))]
    options = [a for a in options if a is not type(None)]
    if len(options) != 1:
        return _SCALAR if all(_plain(a) for a in options) else _ANY
    (only,) = options
    if isinstance(only, type) and issubclass(only, BaseModel):
        return _MODEL
    if get_origin(only) is list:
        (item,) = [_bare(a) for a in get_args(only)] or [Any]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return _MODELS
        return _SCALAR if _plain(item) else _ANY
    return _SCALAR if _plain(only) else _ANY


def _bare(annotation: Any) -> Any:
    """``X`` for ``Annotated[X, ...]``."""
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _plain(annotation: Any) -> bool:
    """Whether values of this annotation can never hold a model."""
    if get_origin(annotation) is Literal:
        return True
    return isinstance(annotation, type) and annotation in (str, int, bool, Decimal, date)
