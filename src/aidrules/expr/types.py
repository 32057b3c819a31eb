"""Types of the expression language.

Types are small frozen values. ``Number`` covers integers and decimals; ``money`` marks euro
amounts so that texts can format them as such. ``nullable`` marks a value that may be known to be
absent (``None``), e.g. ``client.csr_revoked_on: null`` means "never revoked".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class Type:
    nullable: bool = field(default=False, kw_only=True)

    def name(self) -> str:
        raise NotImplementedError

    def describe(self) -> str:
        return self.name() + (" or none" if self.nullable else "")

    def non_null(self) -> Type:
        return replace(self, nullable=False) if self.nullable else self

    def accepts(self, other: Type) -> bool:
        """Whether a value of ``other`` may stand where this type is expected."""
        if other.nullable and not self.nullable:
            return False
        return self._same_kind(other)

    def _same_kind(self, other: Type) -> bool:
        return type(self) is type(other)


@dataclass(frozen=True, slots=True)
class Bool(Type):
    def name(self) -> str:
        return "yes/no"


@dataclass(frozen=True, slots=True)
class Number(Type):
    money: bool = False
    integer: bool = False

    def name(self) -> str:
        if self.money:
            return "amount (EUR)"
        return "whole number" if self.integer else "number"


@dataclass(frozen=True, slots=True)
class Text(Type):
    choices: tuple[str, ...] | None = None

    def name(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        return "text"


@dataclass(frozen=True, slots=True)
class Date(Type):
    def name(self) -> str:
        return "date"


@dataclass(frozen=True, slots=True)
class Record(Type):
    type_name: str = "record"
    fields: tuple[tuple[str, Type], ...] = ()

    def name(self) -> str:
        return self.type_name

    def field_type(self, name: str) -> Type | None:
        for key, value in self.fields:
            if key == name:
                return value
        return None

    def field_names(self) -> list[str]:
        return [key for key, _ in self.fields]


@dataclass(frozen=True, slots=True)
class ListOf(Type):
    item: Type = field(default_factory=Bool)

    def name(self) -> str:
        return f"list of {self.item.name()}"

    def _same_kind(self, other: Type) -> bool:
        return isinstance(other, ListOf) and self.item.accepts(other.item)


@dataclass(frozen=True, slots=True)
class Table(Type):
    """A parameter table: a fixed set of text keys to numbers (e.g. leefloon per category)."""

    keys: tuple[str, ...] = ()
    value: Type = field(default_factory=Number)

    def name(self) -> str:
        return "table by " + "/".join(self.keys)


@dataclass(frozen=True, slots=True)
class NoneType(Type):
    """The type of the literal ``None``."""

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
