"""Types of the expression language.

Types are small frozen values (:class:`aidrules._frozen.Frozen`, each with its own
``__init__``). ``Number`` covers integers and decimals; ``money`` marks euro
amounts so that texts can format them as such. ``nullable`` marks a value that may be known to be
absent (``None``), e.g. ``client.csr_revoked_on: null`` means "never revoked".
"""

from __future__ import annotations

from typing import Any, ClassVar

from aidrules._frozen import Frozen

_set = object.__setattr__
#: a default made anew for each object (``field(default_factory=...)``)
_MADE: Any = object()


class Type(Frozen):
    """A type; ``nullable`` (by keyword) when a value may be known to be absent."""

    _keyword: ClassVar[frozenset[str]] = frozenset({"nullable"})
    __slots__ = ("nullable",)
    nullable: bool

    def __init__(self, *, nullable: bool = False) -> None:
        _set(self, "nullable", nullable)

    def name(self) -> str:
        raise NotImplementedError

    def describe(self) -> str:
        return self.name() + (" or none" if self.nullable else "")

    def non_null(self) -> Type:
        return self.replace(nullable=False) if self.nullable else self

    def accepts(self, other: Type) -> bool:
        """Whether a value of ``other`` may stand where this type is expected."""
        if other.nullable and not self.nullable:
            return False
        return self._same_kind(other)

    def _same_kind(self, other: Type) -> bool:
        return type(self) is type(other)


class Bool(Type):
    __slots__ = ()

    def name(self) -> str:
        return "yes/no"


class Number(Type):
    __slots__ = ("integer", "money")
    money: bool
    integer: bool

    def __init__(self, money: bool = False, integer: bool = False, *, nullable: bool = False) -> None:
        _set(self, "nullable", nullable)
        _set(self, "money", money)
        _set(self, "integer", integer)

    def name(self) -> str:
        if self.money:
            return "amount (EUR)"
        return "whole number" if self.integer else "number"


class Text(Type):
    __slots__ = ("choices",)
    choices: tuple[str, ...] | None

    def __init__(self, choices: tuple[str, ...] | None = None, *, nullable: bool = False) -> None:
        _set(self, "nullable", nullable)
        _set(self, "choices", choices)

    def name(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        return "text"


class Date(Type):
    __slots__ = ()

    def name(self) -> str:
        return "date"


class Record(Type):
    __slots__ = ("fields", "type_name")
    type_name: str
    fields: tuple[tuple[str, Type], ...]

    def __init__(
        self, type_name: str = "record", fields: tuple[tuple[str, Type], ...] = (), *, nullable: bool = False
    ) -> None:
        _set(self, "nullable", nullable)
        _set(self, "type_name", type_name)
        _set(self, "fields", fields)

    def name(self) -> str:
        return self.type_name

    def field_type(self, name: str) -> Type | None:
        for key, value in self.fields:
            if key == name:
                return value
        return None

    def field_names(self) -> list[str]:
        return [key for key, _ in self.fields]


class ListOf(Type):
    __slots__ = ("item",)
    item: Type

    def __init__(self, item: Type = _MADE, *, nullable: bool = False) -> None:
        _set(self, "nullable", nullable)
        _set(self, "item", Bool() if item is _MADE else item)

    def name(self) -> str:
        return f"list of {self.item.name()}"

    def _same_kind(self, other: Type) -> bool:
        return isinstance(other, ListOf) and self.item.accepts(other.item)


class Table(Type):
    """A parameter table: a fixed set of text keys to numbers (e.g. leefloon per category)."""

    __slots__ = ("keys", "value")
    keys: tuple[str, ...]
    value: Type

    def __init__(self, keys: tuple[str, ...] = (), value: Type = _MADE, *, nullable: bool = False) -> None:
        _set(self, "nullable", nullable)
        _set(self, "keys", keys)
        _set(self, "value", Number() if value is _MADE else value)

    def name(self) -> str:
        return "table by " + "/".join(self.keys)


class NoneType(Type):
    """The type of the literal ``None``."""

    __slots__ = ()

    def name(self) -> str:
        return "none"


BOOL = Bool()
NUMBER = Number()
INTEGER = Number(integer=True)
MONEY = Number(money=True)
TEXT = Text()
DATE = Date()
NONE = NoneType(nullable=True)


def type_from_name(name: str) -> Type | None:
    """The type named in a rule file (``type: money``)."""
    return {
        "bool": BOOL,
        "number": NUMBER,
        "integer": INTEGER,
        "money": MONEY,
        "text": TEXT,
        "date": DATE,
    }.get(name)
