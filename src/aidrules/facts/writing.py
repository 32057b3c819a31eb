"""Values as Belgian workers write them: amounts ``1.180,50`` and dates ``15/03/2024``.

Shared by the interview (which accepts them as answers) and the case-file errors (which suggest
the value as a case file wants it).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_amount(text: str) -> Decimal | None:
    """An amount as a Belgian worker writes it: ``1.180,50``, ``1180,50``, ``1180.50``, ``€ 1 180``."""
    s = text.replace("€", "").replace("EUR", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", s) or re.fullmatch(r"\d+,\d{1,2}", s):
        s = s.replace(".", "").replace(",", ".")  # Belgian: . for thousands, , for cents
    elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?", s):
        s = s.replace(",", "")  # English: , for thousands
    if not re.fullmatch(r"\d+(\.\d{1,2})?", s):
        return None
    try:
        return Decimal(s).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def parse_day(text: str) -> date | None:
    """``2024-03-15``, ``15/03/2024``, ``15-3-2024`` or ``15.03.2024``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    match = _DAY.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


class _CaseDumper(yaml.SafeDumper):
    """Writes amounts as exact decimals (``1180.50``) and dates as ISO dates."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_CaseDumper.add_representer(Decimal, _decimal)


def case_yaml(data: dict[str, Any]) -> str:
    """A case as a YAML case file (amounts exact, unknown facts left out)."""
    return yaml.dump(data, Dumper=_CaseDumper, allow_unicode=True, sort_keys=False)
