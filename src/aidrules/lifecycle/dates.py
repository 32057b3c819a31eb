"""Calendar arithmetic for reviews."""

from __future__ import annotations

import calendar
from datetime import date


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
