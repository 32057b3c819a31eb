"""Calendar arithmetic for reviews."""

from __future__ import annotations

import calendar
from datetime import date

from aidrules.errors import Diagnostic, FactsError


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months; a day the target month lacks becomes its last day.

    Example:
        >>> add_months(date(2024, 8, 31), 6)
        datetime.date(2025, 2, 28)
        >>> add_months(date(2025, 1, 15), 6)
        datetime.date(2025, 7, 15)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_months_at(day: date, months: int, path: str) -> date:
    """:func:`add_months`, refusing a result outside the calendar (after 9999-12-31) with a
    diagnostic that names ``path``, the fact or option the date came from.

    Raises:
        FactsError: ``CF005`` when ``day`` plus ``months`` is no date.
    """
    try:
        return add_months(day, months)
    except (ValueError, OverflowError):
        message = (
            f"{path}: {day} plus {months} month(s) lies outside the calendar (after {date.max} or before {date.min})"
        )
        hint = "check the date: a review cannot be due after 9999-12-31"
        raise FactsError(message, [Diagnostic("CF005", message, hint=hint, path=path)]) from None


def months_between(start: date, end: date) -> int:
    """Full calendar months from ``start`` to ``end``, as ``months_between`` in rule expressions.

    Example:
        >>> months_between(date(2025, 1, 15), date(2025, 9, 1)), months_between(date(2025, 1, 15), date(2025, 9, 15))
        (7, 8)
    """
    if end < start:
        return -months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months - 1 if end.day < start.day else months
