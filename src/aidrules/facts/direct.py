"""A case's dict validated straight into its fact tree, without building the models.

Deciding needs the fact tree (:mod:`aidrules.facts.tree`) and the case's own date, not the
:class:`~aidrules.facts.model.Case` models. :func:`case_facts` validates a dict against the same
fields as plain dicts: a mirror of every model as a ``TypedDict`` whose fields are the model's
fields with the same annotations, constraints and validators, strict and refusing unknown keys
as the models do (pydantic builds it from the models' own field information, once, on first
use); an amount has one validator that accepts only what the model accepts at once
(:func:`_amount`). Its output holds the given fields in the models' order with their validated values; the
tree is that output with ``None`` left out where it means nothing (:func:`_cleaner`).

Anything the mirror refuses (or cannot take: a model instance inside the dict, a mapping that is
no ``dict``) goes the models' way, :func:`~aidrules.facts.parse.parse_facts`, which gives the
errors, by path, that it always gave, or accepts it; the size limits are measured as
``parse_facts`` measures them. ``tests/facts/test_direct.py`` checks that both ways admit and
refuse the same cases and give the same tree.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Context, Decimal, InvalidOperation, Rounded
from types import UnionType
from typing import Annotated, Any, Union, cast, get_args, get_origin

from pydantic import BaseModel, ConfigDict, PlainValidator, TypeAdapter
from typing_extensions import TypedDict

from aidrules.facts.model import EVENT_FIELDS, OPTIONAL_INPUTS, Case, Money, PositiveMoney
from aidrules.facts.parse import may_exceed, parse_facts, refuse_oversized
from aidrules.facts.tree import fact_tree
from aidrules.limits import DEFAULT_LIMITS, Limits

_LOCK = threading.Lock()
#: the validator of the mirror of :class:`Case` and the function that turns its output into the
#: fact tree (made on first use)
_DIRECT: list[tuple[TypeAdapter[Any], Callable[[dict[str, Any]], dict[str, Any]]]] = []


def case_facts(data: Case | Mapping[str, Any], *, limits: Limits | None = None) -> tuple[dict[str, Any], date | None]:
    """The fact tree of ``data`` and the case's own date (``on``), validated as
    :func:`~aidrules.facts.parse.parse_facts` validates it (the same errors).

    Example:
        >>> case_facts({"on": "2025-03-01", "client": {"consents": True, "motivation": None}})
        ({'client': {'consents': True}, 'remi': None}, datetime.date(2025, 3, 1))
    """
    if data.__class__ is dict:
        adapter, clean = _DIRECT[0] if _DIRECT else _make()
        try:
            valid = adapter.validate_python(data)
        except Exception:  # refused (or not plain data): the models' way gives what it always gave
            valid = None
        if valid is not None:
            bounds = limits or DEFAULT_LIMITS
            if may_exceed(valid, bounds, dict.get):
                refuse_oversized(data, bounds)  # CF005 by path, when it is beyond them
            day = valid.pop("on", None)
            return clean(valid), day
    case = parse_facts(data, limits=limits)
    return fact_tree(case), case.on


def _make() -> tuple[TypeAdapter[Any], Callable[[dict[str, Any]], dict[str, Any]]]:
    with _LOCK:
        if not _DIRECT:
            mirrors: dict[type[BaseModel], Any] = {}
            _DIRECT.append((TypeAdapter(_mirror(Case, mirrors)), _cleaner(Case, "")))
        return _DIRECT[0]


def _mirror(cls: type[BaseModel], made: dict[type[BaseModel], Any]) -> Any:
    """``cls`` as a ``TypedDict``: its fields (none required) with the same annotation and the
    same constraints (``Field(ge=…)``, ``max_length``), strict, unknown keys refused."""
    found = made.get(cls)
    if found is None:
        fields = {}
        for name, field in cls.model_fields.items():
            annotation = _swap(field.annotation, made)
            fields[name] = Annotated[annotation, *field.metadata] if field.metadata else annotation
        mirror: Any = TypedDict  # the functional form: the fields are known only here
        found = mirror(f"{cls.__name__}Facts", fields, total=False)
        found.__pydantic_config__ = ConfigDict(extra="forbid", strict=True)
        made[cls] = found
    return found


def _amount(positive: bool) -> Callable[[Any], Decimal]:
    """One validator for an amount (:data:`~aidrules.facts.model.Money`, or ``PositiveMoney`` when
    ``positive``) that accepts only what the model's validators accept at once, with the same
    value: a text or whole number made a Decimal (a Decimal as it is), finite, at or above (above)
    zero, below 10^10, at most two decimals. Anything else is refused here, and so goes the
    models' way (which refuses it, or accepts ``95.930``)."""

    def amount(value: Any) -> Decimal:
        kind = value.__class__
        if kind is Decimal:  # as a JSON case's reader gives it
            found: Decimal = value
        elif kind is str:
            try:
                found = Decimal(value.strip())
            except InvalidOperation:
                raise ValueError("not an amount") from None
        elif kind is int:
            found = Decimal(value)
        else:
            raise ValueError("not an amount")
        if found.is_finite() and (found > 0 if positive else found >= 0) and found < _WHOLE_BOUND:
            if found:  # at most two decimals: written to the cent without dropping a digit (in C)
                try:
                    _TO_CENT(found, _CENT)
                except (Rounded, InvalidOperation):
                    raise ValueError("not an amount taken at once") from None
                return found
            if cast(int, found.as_tuple().exponent) >= -2:  # a zero drops no digit: its exponent read
                return found
        raise ValueError("not an amount taken at once")

    return amount


#: Amounts below this bound have at most ten digits before the decimal point.
_WHOLE_BOUND = Decimal(10) ** 10
_CENT = Decimal("0.01")
#: A context in which writing an amount to the cent fails when it drops a digit (a third decimal)
_EXACT = Context(prec=40, traps=[Rounded, InvalidOperation])
#: Writing an amount to the cent in that context: the context's own method, called with its
#: arguments in place (a third of the time of ``Decimal.quantize(…, context=…)``, a keyword call)
_TO_CENT = _EXACT.quantize
#: The amounts' annotations and their one validator in the mirrors
_AMOUNTS = {
    Money: Annotated[Decimal, PlainValidator(_amount(positive=False))],
    PositiveMoney: Annotated[Decimal, PlainValidator(_amount(positive=True))],
}


def _swap(annotation: Any, made: dict[type[BaseModel], Any]) -> Any:
    """``annotation`` with every model in it replaced by its mirror, and every amount by
    :func:`_amount`."""
    origin = get_origin(annotation)
    for money, mirror in _AMOUNTS.items():
        if annotation == money:
            return mirror
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _mirror(annotation, made)
    if origin in (Union, UnionType):
        return Union[tuple(_swap(a, made) for a in get_args(annotation))]  # noqa: UP007
    if origin is list:
        return list[_swap(get_args(annotation)[0], made)]  # type: ignore[misc]
    if origin is Annotated:
        return Annotated[_swap(get_args(annotation)[0], made), *annotation.__metadata__]
    return annotation


def _cleaner(cls: type[BaseModel], prefix: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The function that turns the mirror's output for a ``cls`` at ``prefix`` into its fact
    tree, in place: ``None`` left out where it means nothing (kept for event fields and optional
    inputs), the models inside cleaned the same way, ``remi`` set to ``None`` when left out.

    It is written once as one straight-line function (as :mod:`aidrules.facts.tree` writes its
    builders): the models inside are cleaned by their own lines, not by a call each; a mapping is
    searched for ``None`` without a Python step per value, and one with a ``None`` in it loses
    its ``None`` values in one pass over its items. Field names are constants of the function's
    namespace, never written into its source."""
    namespace: dict[str, Any] = {}
    lines = ["def clean(data):"]
    _clean_lines(cls, prefix, "data", 1, lines, namespace)
    if not prefix:
        for name in sorted(name for name in OPTIONAL_INPUTS if "." not in name):
            key = _constant(namespace, name)
            lines += [f"    if {key} not in data:", f"        data[{key}] = None"]
    lines.append("    return data")
    code = compile("\n".join(lines) + "\n", f"<aidrules fact tree cleaner of {cls.__name__}>", "exec")
    exec(code, namespace)
    clean: Callable[[dict[str, Any]], dict[str, Any]] = namespace["clean"]
    return clean


def _constant(namespace: dict[str, Any], value: Any) -> str:
    """The name under which ``value`` is a constant of the generated function's namespace."""
    name = f"c{len(namespace)}"
    namespace[name] = value
    return name


def _clean_lines(
    cls: type[BaseModel], prefix: str, var: str, depth: int, lines: list[str], namespace: dict[str, Any]
) -> None:
    """The lines (indented ``depth`` levels) that clean the mapping of a ``cls`` at ``prefix``
    held by the variable ``var``."""
    pad = "    " * depth
    keep = frozenset(name for name in cls.model_fields if f"{prefix}{name}" in EVENT_FIELDS | OPTIONAL_INPUTS)
    if any(_holds_amount(field.annotation) for field in cls.model_fields.values()):
        # ``None in values()`` would compare each amount with None: a Decimal's ``==`` asks
        # ``numbers.Rational`` whether None is one (a Python call); types compare by identity
        namespace["NoneType"] = type(None)
        lines.append(f"{pad}if NoneType in map(type, {var}.values()):")
    else:
        lines.append(f"{pad}if None in {var}.values():")
    if keep:
        kept = _constant(namespace, keep)
        found = f"[key for key, value in {var}.items() if value is None and key not in {kept}]"
    else:
        found = f"[key for key, value in {var}.items() if value is None]"
    lines += [f"{pad}    for key in {found}:", f"{pad}        del {var}[key]"]
    for name, field in cls.model_fields.items():
        holds = _model_of(field.annotation)
        if holds is None:
            continue
        is_list, model = holds
        key = _constant(namespace, name)
        inner = f"v{depth}"
        lines += [f"{pad}{inner} = {var}.get({key})", f"{pad}if {inner} is not None:"]
        if is_list:
            item = f"i{depth}"
            lines.append(f"{pad}    for {item} in {inner}:")
            _clean_lines(model, f"{prefix}{name}.", item, depth + 2, lines, namespace)
        else:
            _clean_lines(model, f"{prefix}{name}.", inner, depth + 1, lines, namespace)


def _holds_amount(annotation: Any) -> bool:
    """Whether a field is an amount (or none)."""
    options = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    return any(option == money for option in options for money in _AMOUNTS)


def _model_of(annotation: Any) -> tuple[bool, type[BaseModel]] | None:
    """The model a field holds (whether in a list), or None."""
    options = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    for option in options:
        if get_origin(option) is Annotated:
            option = get_args(option)[0]
        is_list = get_origin(option) is list
        if is_list:
            option = get_args(option)[0]
        if isinstance(option, type) and issubclass(option, BaseModel):
            return is_list, option
    return None
