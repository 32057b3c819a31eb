"""Showing an example case: one line of YAML flow style that can be pasted into a case file."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def flow(value: Any) -> str:
    """``{on: 2025-03-01, client: {consents: false}, incomes: [{monthly_net: 1700.00}]}``.

    Examples:
        >>> from decimal import Decimal
        >>> flow({"client": {"consents": False}, "incomes": [{"monthly_net": Decimal("12.50")}]})
        '{client: {consents: false}, incomes: [{monthly_net: 12.50}]}'
    """
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plain(value: Any) -> Any:
    """The case with dates and amounts as YAML-friendly values (for ``yaml.safe_dump``)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    return value
