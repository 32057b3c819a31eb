"""The frozen value classes (``aidrules._frozen.Frozen``: the expression language's syntax nodes,
intermediate form and types) behave as the ``@dataclass(frozen=True, slots=True)`` classes they
replace: every class is compared with the dataclass of the same fields (same order, the same
fields left out of ``==``/``repr``, the same keyword-only fields)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from typing import Any

import pytest

import aidrules
from aidrules._frozen import Frozen, field_names
from aidrules.expr import ir, nodes
from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression
from aidrules.ruleset.cost import expressions
from aidrules.words import document


def _classes(base: type[Frozen]) -> Iterator[type[Frozen]]:
    for sub in base.__subclasses__():
        if sub.__module__.startswith("aidrules."):
            yield sub
        yield from _classes(sub)


CLASSES = sorted(set(_classes(Frozen)), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_the_expression_classes_are_all_frozen_values() -> None:
    """Catches a node, IR or type class left out of the comparison below."""
    modules = {c.__module__ for c in CLASSES}
    assert {"aidrules.expr.ir", "aidrules.expr.nodes", "aidrules.expr.types", "aidrules.words.document"} <= modules
    assert set(ir.KINDS) <= set(CLASSES) and {ir.Step, ir.Conjunction, nodes.Aggregate, t.Table} <= set(CLASSES)


@cache
def _twin(cls: type[Frozen]) -> Any:
    """The dataclass of ``cls``'s fields, as ``@dataclass(frozen=True, slots=True)`` made it."""
    specs = [
        (
            name,
            Any,
            dataclasses.field(
                kw_only=name in cls._keyword, compare=name not in cls._hidden, repr=name not in cls._hidden
            ),
        )
        for name in field_names(cls)
    ]
    twin = dataclasses.make_dataclass(cls.__name__, specs, frozen=True, slots=True)
    twin.__qualname__ = cls.__qualname__
    return twin


#: one NaN for all: equal to itself inside a tuple (by identity), never by ``==``
_NAN = Decimal("NaN")


def _values(cls: type[Frozen], seed: int) -> dict[str, Any]:
    """Distinct, hashable values for every field (a nested tuple, a Decimal NaN for identity)."""
    pool: list[Any] = [f"s{seed}", seed, (seed, "x"), Decimal(seed) / 4, _NAN, None, ("a", (seed,)), True]
    return {name: pool[(i + seed) % len(pool)] for i, name in enumerate(field_names(cls))}


#: Values the classes that check their fields when made accept.
_VALID: dict[type[Frozen], dict[str, Any]] = {
    document.Figure: {"svg": '<svg xmlns="http://www.w3.org/2000/svg"></svg>'},
    document.Section: {"id": "part-3"},
}


def _pair(cls: type[Frozen], seed: int) -> tuple[Any, Any]:
    values = _values(cls, seed)
    ours = cls.__new__(cls)
    for name, value in values.items():
        object.__setattr__(ours, name, value)
    return ours, _twin(cls)(**values)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_a_frozen_class_compares_hashes_shows_and_refuses_changes_as_its_dataclass(cls: type[Frozen]) -> None:
    a, twin_a = _pair(cls, 1)
    b, twin_b = _pair(cls, 1)
    c, twin_c = _pair(cls, 2)
    assert repr(a) == repr(twin_a)
    assert (a == b) == (twin_a == twin_b) and (a == c) == (twin_a == twin_c) and (a != c) == (twin_a != twin_c)
    assert hash(a) == hash(twin_a) and hash(a) == hash(b)
    assert a.__eq__(twin_a) is NotImplemented and a.__eq__(object()) is NotImplemented
    assert cls.__match_args__ == _twin(cls).__match_args__
    for name in field_names(cls):
        with pytest.raises(dataclasses.FrozenInstanceError) as ours:
            setattr(a, name, 1)
        with pytest.raises(dataclasses.FrozenInstanceError) as theirs:
            setattr(twin_a, name, 1)
        assert str(ours.value) == str(theirs.value)
        with pytest.raises(dataclasses.FrozenInstanceError) as ours:
            delattr(a, name)
        with pytest.raises(dataclasses.FrozenInstanceError) as theirs:
            delattr(twin_a, name)
        assert str(ours.value) == str(theirs.value)
    # a name that is no field: Python 3.11's slotted frozen dataclass raised a TypeError from a
    # broken super() call; what it meant to raise (and 3.12 does) is FrozenInstanceError
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'not_a_field'"):
        a.not_a_field = 1
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'not_a_field'"):
        del a.not_a_field
    for again in (pickle.loads(pickle.dumps(a)), copy.copy(a), copy.deepcopy(a)):
        assert type(again) is cls and repr(again.__getstate__()) == repr(a.__getstate__())  # hidden fields too


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_a_frozen_class_init_takes_and_sets_each_field_as_its_dataclass(cls: type[Frozen]) -> None:
    """Catches a hand-written ``__init__`` that forgets a field, swaps two, or takes one by
    position that the dataclass took by keyword (or the other way round)."""
    ours = inspect.signature(cls)
    theirs = inspect.signature(_twin(cls))
    assert [(p.name, p.kind) for p in ours.parameters.values()] == [
        (p.name, p.kind) for p in theirs.parameters.values()
    ]
    values = _values(cls, 3) | _VALID.get(cls, {})  # what the class checks when made
    made = cls(**values)
    assert all(getattr(made, name) is value for name, value in values.items())
    assert hasattr(made, "__dict__") == ("__slots__" not in cls.__dict__)  # only a subclass that adds no field
    assert made.replace() == made and made.replace() is not made


def test_the_defaults_of_the_types_are_the_dataclass_defaults() -> None:
    assert t.Number() == t.Number(money=False, integer=False, nullable=False)
    assert t.Text().choices is None and t.Record() == t.Record(type_name="record", fields=())
    assert t.ListOf().item == t.Bool() and t.Table() == t.Table(keys=(), value=t.Number())
    assert t.MONEY.replace(nullable=True) == t.Number(money=True, nullable=True) and t.MONEY.nullable is False
    assert repr(t.Number(money=True)) == "Number(nullable=False, money=True, integer=False)"


def test_the_blocks_that_check_their_fields_check_them_when_made_and_replaced() -> None:
    """``Figure`` and ``Section`` ran their checks in ``__post_init__`` as dataclasses."""
    with pytest.raises(ValueError, match="exactly one <svg>"):
        document.Figure("<div></div>")
    section = document.Section("part-3", ())
    with pytest.raises(ValueError, match="a section id"):
        section.replace(id="3 parts")
    assert document.Span("x") == document.Span("x", "plain", "") and document.Table(("a",), ()).wide is False


def test_a_class_whose_slots_differ_from_its_fields_is_refused_when_defined() -> None:
    with pytest.raises(TypeError, match="__slots__ must name exactly"):

        class Wrong(Frozen):
            __slots__ = ("a",)
            a: int
            b: int

    with pytest.raises(TypeError, match="__slots__ must name exactly"):

        class Missing(Frozen):
            a: int


def test_the_cost_walk_finds_the_expressions_inside_frozen_parts() -> None:
    """Catches a cost walk (``ruleset/cost.py``, the ``max_code_nodes`` and ``max_evaluation_steps``
    checks) that stops at a ``Frozen`` value: the conditions' messages (``Template``), the values
    they show (``NamedValue.shown``) and the reviews (``ReviewSpec``) hold compiled expressions."""
    rs = aidrules.load("noord-limburg-budgethulp")
    assert rs.reviews is not None
    found = {id(node) for _, _, node in expressions(rs)}
    inside: list[CompiledExpression] = []
    for item in (*rs.plan, *rs.reviews.plan):
        inside.append(item.expr)
        inside.extend(expr for _, expr in item.shown)
        for template in item.messages.values():
            inside.extend(p for parts in template.parts.values() for p in parts if isinstance(p, CompiledExpression))
    for row in rs.reviews.rows:
        inside.append(row.when)
        inside.extend(p for parts in row.because.parts.values() for p in parts if isinstance(p, CompiledExpression))
    assert len(inside) > 50 and any(item.messages for item in rs.plan) and rs.reviews.rows
    assert all(id(expr.node) in found for expr in inside)
