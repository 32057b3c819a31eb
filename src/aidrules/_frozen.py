"""Frozen, slotted value classes whose methods are written once, here, not generated per class.

``@dataclass(frozen=True, slots=True)`` writes the source of six methods for every class it
makes (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``) and
compiles each with ``exec`` when the module is imported: about 0.35 ms per class on Python 3.11,
paid by every start of ``aidrules`` for the dozens of node and type classes of the expression
language (``docs/performance.md``, "Command line"). A subclass of :class:`Frozen` declares its
fields as annotations (in order) and in ``__slots__``, and writes its ``__init__`` itself (it is
compiled with its module, like any other function); the other methods are :class:`Frozen`'s,
reading the fields the class declares. They
behave as the dataclass's did (``tests/test_frozen.py`` compares each class with the dataclass of
the same fields):

- ``repr``: ``Name(field=value, ...)`` over the shown fields, ``...`` for a recursive reference;
- ``==``: objects of the same class with equal compared fields (else ``NotImplemented``);
  ``hash``: of the tuple of the compared fields;
- assigning or deleting an attribute raises :class:`dataclasses.FrozenInstanceError`;
- pickling and copying keep every field; ``__match_args__`` names the positional fields.

Fields are the annotated attributes (not ``ClassVar``) of the class and its bases, bases first;
``__slots__`` names the class's own (a class whose ``__slots__`` differ is refused when defined;
a subclass that adds no field may leave ``__slots__`` out, and its objects then have a
``__dict__``, as a plain subclass of a slotted dataclass has). A field named in
``_hidden`` is left out of ``==``, ``hash`` and ``repr`` (the closure of an IR node); one named in
``_keyword`` is passed by keyword only (it is not in ``__match_args__``). Changed copies are made
with :meth:`Frozen.replace` and the fields listed by :func:`field_names` (``dataclasses.replace``
and ``dataclasses.fields`` need a dataclass).

Example:
    >>> class Point(Frozen):
    ...     __slots__ = ("x", "y")
    ...     x: int
    ...     y: int
    ...     def __init__(self, x: int, y: int) -> None:
    ...         _set = object.__setattr__
    ...         _set(self, "x", x)
    ...         _set(self, "y", y)
    >>> Point(1, 2), Point(1, 2) == Point(1, 2), Point(1, 2).replace(y=3)
    (Point(x=1, y=2), True, Point(x=1, y=3))
"""

from __future__ import annotations

import inspect
import reprlib
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from functools import partial
from operator import attrgetter
from typing import Any, ClassVar, Self


def _one(name: str, obj: object) -> tuple[Any, ...]:
    return (getattr(obj, name),)


def _none(obj: object) -> tuple[Any, ...]:
    return ()


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of the named attributes of an object (always a tuple, as the dataclass compares
    and hashes tuples: ``(x,) == (y,)`` is true for the same ``nan``, ``x == y`` is not). Neither
    kind of callable becomes a method when kept on a class."""
    if len(names) >= 2:
        return attrgetter(*names)
    return partial(_one, names[0]) if names else partial(_none)


class Frozen:
    """The base of a frozen value class with ``__slots__`` (see the module docstring)."""

    __slots__ = ()

    #: every field, bases first (set for each subclass)
    _fields: ClassVar[tuple[str, ...]] = ()
    #: fields left out of ``==``, ``hash`` and ``repr``
    _hidden: ClassVar[frozenset[str]] = frozenset()
    #: fields passed by keyword only
    _keyword: ClassVar[frozenset[str]] = frozenset()
    #: the compared (and shown) fields, and a function giving their values as a tuple
    _shown: ClassVar[tuple[str, ...]] = ()
    _compared: ClassVar[Callable[[Any], tuple[Any, ...]]] = _getter(())
    #: the positional fields (class patterns: ``case Name(a, b)``)
    __match_args__: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = tuple(
            name
            for name, annotation in inspect.get_annotations(cls).items()
            if not str(annotation).startswith(("ClassVar", "typing.ClassVar"))
        )
        slots = cls.__dict__.get("__slots__", None if own else ())
        if slots is None or set((slots,) if isinstance(slots, str) else slots) != set(own):
            raise TypeError(f"{cls.__qualname__}: __slots__ must name exactly its annotated fields {own}")
        fields = (*cls._fields, *own)
        cls._fields = fields
        cls._shown = tuple(name for name in fields if name not in cls._hidden)
        cls._compared = _getter(cls._shown)
        cls.__match_args__ = tuple(name for name in fields if name not in cls._keyword)  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        cls = self.__class__
        if other.__class__ is cls:
            return cls._compared(self) == cls._compared(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.__class__._compared(self))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> list[Any]:
        return [getattr(self, name) for name in self._fields]

    def __setstate__(self, state: list[Any]) -> None:
        for name, value in zip(self._fields, state, strict=True):
            object.__setattr__(self, name, value)

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (``dataclasses.replace``): made by ``__init__``, so its checks
        and defaults apply."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return self.__class__(**values)


def field_names(obj: Frozen | type[Frozen]) -> tuple[str, ...]:
    """The fields of a :class:`Frozen` class or object, in order (``dataclasses.fields``)."""
    return obj._fields
