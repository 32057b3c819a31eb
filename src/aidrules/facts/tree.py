"""The evaluation's fact tree: the facts of a validated :class:`Case` as nested dicts and lists.

A key is present exactly when its value is known. Known absence (an event field given as
``null``, or an optional input left out) is ``None``; a field left out, or given as ``null``
where ``null`` means nothing, is unknown and absent. ``on`` (the decision date) is no fact.

The tree is read straight from the validated models (their ``__dict__`` and the fields that were
set), by a function generated once per model class (and place in the case): one ``if`` per field,
what the field can hold decided from its annotation when the function is written, so that
building a tree runs no loop over the fields and looks nothing up by name.
This is the only builder of the tree; the engine and every tool that evaluates expressions use it
(``tests/facts/test_fact_tree.py`` checks its properties on generated cases).

Example:
    >>> from aidrules.facts.parse import parse_facts
    >>> fact_tree(parse_facts({"client": {"consents": True, "csr_revoked_on": None}}))
    {'client': {'consents': True, 'csr_revoked_on': None}, 'remi': None}
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from aidrules.facts.model import EVENT_FIELDS, OPTIONAL_INPUTS, Case

#: What a field holds: never a model, a model (or none), a list of models (or none), anything.
_SCALAR, _MODEL, _MODELS, _ANY = 0, 1, 2, 3
#: Per (model class, path prefix): the function that builds the tree of such a model
_BUILDERS: dict[tuple[type[Any], str], Callable[[Any], dict[str, Any]]] = {}
_LOCK = threading.Lock()
_UNIONS = (Union, UnionType)


def fact_tree(case: Case) -> dict[str, Any]:
    """The facts of ``case`` as nested dicts/lists: a key is present exactly when its value is known."""
    cls = case.__class__
    build = _BUILDERS.get((cls, "")) or _builder(cls, "", "on")
    tree = build(case)
    for name in OPTIONAL_INPUTS:
        tree.setdefault(name, None)
    return tree


def _tree(model: Any, prefix: str) -> dict[str, Any]:
    """The tree of ``model`` (a model inside the case) at ``prefix``, by its class's builder."""
    cls = model.__class__
    build = _BUILDERS.get((cls, prefix)) or _builder(cls, prefix, "")
    return build(model)


def _any(value: Any, prefix: str) -> Any:
    """A value of a field whose annotation does not say what it holds (kind ``_ANY``)."""
    if isinstance(value, BaseModel):
        return _tree(value, prefix)
    if value.__class__ is list:
        return [_tree(v, prefix) if isinstance(v, BaseModel) else v for v in value]
    return value


def _builder(cls: type[Any], prefix: str, skip: str) -> Callable[[Any], dict[str, Any]]:
    """The builder of the tree of a ``cls`` model at ``prefix`` (made once, then kept)."""
    with _LOCK:
        found = _BUILDERS.get((cls, prefix))
        if found is None:
            found = _BUILDERS[(cls, prefix)] = _generate(cls, prefix, skip, set())
        return found


def _generate(cls: type[Any], prefix: str, skip: str, making: set[type[Any]]) -> Callable[[Any], dict[str, Any]]:
    """Write the builder of ``cls`` at ``prefix`` as one straight-line function: for each field in
    the model's order, present when it was given, its value (``None`` kept only for event fields
    and optional inputs), a nested model by its own builder (made here too). Field names are
    constants of the function's namespace, never written into its source."""
    making = making | {cls}
    namespace: dict[str, Any] = {"_tree": _tree, "_any": _any}
    lines = ["def build(model):", "    data = model.__dict__", "    out = {}"]
    for i, (name, field) in enumerate(cls.model_fields.items()):
        if name == skip:
            continue
        path = f"{prefix}{name}"
        key = f"k{i}"
        namespace[key] = name
        sub = f"s{i}"
        namespace[sub] = f"{path}."
        kind, inner = _kind(field.annotation)
        if path in EVENT_FIELDS or path in OPTIONAL_INPUTS:  # given as None: known absence
            lines += [f"    if {key} in given:", f"        value = data[{key}]", "        if value is None:"]
            lines += [f"            out[{key}] = None", "        else:"]
            indent = " " * 12
        elif field.default is None and field.default_factory is None:  # not None: it was given
            lines += [f"    value = data[{key}]", "    if value is not None:"]
            indent = " " * 8
        else:
            lines += [f"    if {key} in given:", f"        value = data[{key}]", "        if value is not None:"]
            indent = " " * 12
        if kind == _SCALAR:
            made = "value"
        elif kind == _ANY:
            made = f"_any(value, {sub})"
        else:
            known = f"c{i}"
            namespace[known] = inner
            if inner in making:  # a model that holds itself: its builder is found when used
                namespace[f"b{i}"] = partial(_tree, prefix=f"{path}.")
            else:
                namespace[f"b{i}"] = _BUILDERS.get((inner, f"{path}.")) or _BUILDERS.setdefault(
                    (inner, f"{path}."), _generate(inner, f"{path}.", "", making)
                )
            if kind == _MODEL:
                made = f"b{i}(value) if value.__class__ is {known} else _tree(value, {sub})"
            else:
                made = f"[b{i}(item) if item.__class__ is {known} else _tree(item, {sub}) for item in value]"
        lines.append(f"{indent}out[{key}] = {made}")
    lines.append("    return out")
    if any("in given" in line for line in lines):
        lines.insert(1, "    given = model.__pydantic_fields_set__")
    code = compile("\n".join(lines) + "\n", f"<aidrules fact tree of {cls.__name__}>", "exec")
    exec(code, namespace)
    build: Callable[[Any], dict[str, Any]] = namespace["build"]
    return build


def _kind(annotation: Any) -> tuple[int, Any]:
    """What a field holds, from its annotation (see ``_SCALAR`` and the others), and the model
    class it holds (for ``_MODEL`` and ``_MODELS``)."""
    options = [bare(a) for a in (get_args(annotation) if get_origin(annotation) in _UNIONS else (annotation,))]
    options = [a for a in options if a is not type(None)]
    if len(options) != 1:
        return (_SCALAR if all(plain(a) for a in options) else _ANY), None
    (only,) = options
    if isinstance(only, type) and issubclass(only, BaseModel):
        return _MODEL, only
    if get_origin(only) is list:
        (item,) = [bare(a) for a in get_args(only)] or [Any]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return _MODELS, item
        return (_SCALAR if plain(item) else _ANY), None
    return (_SCALAR if plain(only) else _ANY), None


def bare(annotation: Any) -> Any:
    """``X`` for ``Annotated[X, ...]``."""
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def plain(annotation: Any) -> bool:
    """Whether values of this annotation can never hold a model."""
    if get_origin(annotation) is Literal:
        return True
    return isinstance(annotation, type) and annotation in (str, int, bool, Decimal, date)
