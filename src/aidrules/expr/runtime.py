"""Runtime values: the *unknown* value of three-valued logic and the evaluation context."""

from __future__ import annotations

import decimal
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from aidrules.expr import types as t
from aidrules.limits import DECIMAL_DIGITS

#: Arithmetic context of every evaluation: 28 significant digits, banker's rounding inside
#: computations, and errors (never silent infinities) on overflow or invalid operations.
#: Amounts of type ``money`` are rounded to the cent, half up, when a derived value is stored.
#:
#: Every result stays below 10**25 in size (``Emax``): a larger one is an ``Overflow`` error, which
#: the engine reports as ``EV002`` naming the rule. The bound leaves room to round any result to
#: the cent and to format it with three decimals within the 28 digits, so rounding and formatting
#: never fail. Results below 10**-24 (``Emin``) lose digits and at last become zero.
DECIMAL_CONTEXT = decimal.Context(
    prec=DECIMAL_DIGITS,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-24,
    Emax=24,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
CENT = Decimal("0.01")
#: Whole numbers (values of type ``integer``) are Python ints, outside the Decimal context; they
#: are held to the same bound by :func:`bounded`.
INTEGER_LIMIT = 10 ** (DECIMAL_CONTEXT.Emax + 1)


class Unknown:
    """An unknown value, carrying the fact paths whose absence made it unknown.

    Example:
        >>> u = Unknown(frozenset({"client.motivation"}))
        >>> u.merge(Unknown(frozenset({"incomes"}))).facts == {"client.motivation", "incomes"}
        True
    """

    __slots__ = ("facts",)

    def __init__(self, facts: frozenset[str]) -> None:
        self.facts = facts

    def merge(self, other: Unknown) -> Unknown:
        if other.facts <= self.facts:
            return self
        return Unknown(self.facts | other.facts)

    def __repr__(self) -> str:
        return f"Unknown({sorted(self.facts)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.facts == self.facts

    def __hash__(self) -> int:
        return hash(self.facts)


def merge_unknown(values: list[Any]) -> Unknown:
    facts: frozenset[str] = frozenset()
    for v in values:
        if isinstance(v, Unknown):
            facts |= v.facts
    return Unknown(facts)


class Context:
    """What one evaluation reads: the fact tree, named values, the decision date, loop variables."""

    __slots__ = ("facts", "locals", "on", "values")

    def __init__(self, facts: dict[str, Any], values: dict[str, Any], on: date) -> None:
        self.facts = facts
        self.values = values
        self.on = on
        self.locals: dict[str, tuple[Any, str]] = {}


class ExpressionFailure(Exception):
    """Evaluation could not proceed (e.g. division by zero); the engine adds the rule's id."""


def bounded(value: Any) -> Any:
    """``value``, unless it is a whole number beyond :data:`INTEGER_LIMIT`.

    Without it, ``x * x`` in a chain of derived values would square a Python int at every step
    and build a number of millions of digits.

    Example:
        >>> bounded(10**24)
        1000000000000000000000000
    """
    if type(value) is int and not -INTEGER_LIMIT < value < INTEGER_LIMIT:
        raise ExpressionFailure(f"a whole number reached 10^{len(str(abs(value))) - 1}, beyond the limit 10^25")
    return value


def as_type(value: Any, typ: t.Type) -> Any:
    """Money is always a Decimal rounded to the cent (half up); that rounded value is used further."""
    if isinstance(typ, t.Number) and typ.money and isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return value


def missing_facts(value: Any) -> list[str]:
    """The facts that left ``value`` unknown, sorted (none for a known value)."""
    return sorted(value.facts) if isinstance(value, Unknown) else []


def json_value(value: Any) -> Any:
    """``value`` as a decision shows it: an unknown is ``None`` (``missing_facts`` says why)."""
    return None if isinstance(value, Unknown) else value
