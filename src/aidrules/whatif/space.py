"""The space of cases the static checks explore: boundary values of every fact a rule set reads.

Each fact the rules read is a *dimension* with a short list of candidate values: both yes/no
values, every choice of a choice fact, whole numbers around every constant the rules compare
with (within the bounds of the fact model), amounts on a grid plus every amount constant and a
cent either side of it, and dates that many months/years/days before the decision date (and a
day after, to land just either side of "at least N months"). Lists get 0, 1 or 2 items. The
decision date itself takes the first day of every parameter regime within the effective period.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from aidrules.expr import types as t
from aidrules.facts.model import EVENT_FIELDS, OPTIONAL_INPUTS
from aidrules.facts.paths import bounds, fact_type, put
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.graph import expression_facts
from aidrules.whatif.reads import numeric_literals, readers, text_literals

ON = "on"
MAX_ITEMS = 2
_CENT = Decimal("0.01")
_MONEY_GRID = tuple(
    Decimal(v)
    for v in (
        0,
        1,
        50,
        100,
        250,
        500,
        750,
        1000,
        1250,
        1500,
        1750,
        2000,
        2500,
        3000,
        5000,
        10000,
        25000,
        100000,
        250000,
    )
)
_FREE_TEXT = "Elders"

Assignment = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DateOffset:
    """A date relative to the decision date: ``amount`` units before it, plus ``plus_days``."""

    unit: str  # "days" | "months" | "years"
    amount: int
    plus_days: int = 0

    def resolve(self, on: date) -> date:
        """The date, kept within the calendar: a rule set in force from 0001-01-01 has decision
        dates from which "3 months before" does not exist; the first day there is stands in."""
        if self.unit == "days":
            day = date.min if (on - date.min).days < self.amount else on - timedelta(days=self.amount)
        else:
            months = self.amount * (12 if self.unit == "years" else 1)
            day = _minus_months(on, months)
        return date.max if (date.max - day).days < self.plus_days else day + timedelta(days=self.plus_days)


def _minus_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    if year < date.min.year:
        return date.min
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, slots=True)
class Dimension:
    """One fact (or list length, or the decision date) and its candidate values, simplest first."""

    key: str  # "client.motivation", "incomes#" (list length), "incomes[1].monthly_net", "on"
    path: str  # the fact path as rules name it: "incomes[].monthly_net"; "on" for the date
    values: tuple[Any, ...]


class CaseSpace:
    """The dimensions of a rule set's cases, and how to turn an assignment into case facts."""

    def __init__(self, rs: CompiledRuleSet) -> None:
        self.rs = rs
        paths: list[str] = []
        numbers: set[Decimal] = set()
        texts: set[str] = set()
        for reader in readers(rs):
            paths.extend(expression_facts(reader.expr.node))
            numbers.update(numeric_literals(reader.expr.node))
            texts.update(text_literals(reader.expr.node))
        self.paths = list(dict.fromkeys(paths))
        self.dates = _regime_starts(rs)
        for spec in rs.parameters.values():
            for dated in spec.values:
                numbers.update(_numbers_in(dated.value))
        self.numbers = numbers
        self.texts = sorted(texts)
        self.dimensions = self._dimensions()
        self.by_key = {d.key: d for d in self.dimensions}

    # -- building ------------------------------------------------------------------------
    def _dimensions(self) -> list[Dimension]:
        dims = [Dimension(ON, ON, tuple(self.dates))]
        lists: dict[str, list[str]] = {}
        scalars: list[str] = []
        for path in self.paths:
            if "[]" in path:
                head, _, field = path.partition("[].")
                lists.setdefault(head, [])
                if field and "[]" not in field and field not in lists[head]:
                    lists[head].append(field)
            elif isinstance(fact_type(path), t.ListOf):
                lists.setdefault(path, [])
            else:
                scalars.append(path)
        for path in scalars:
            dims.append(Dimension(path, path, self._values(path)))
        for head, fields in lists.items():
            dims.append(Dimension(f"{head}#", head, tuple(range(MAX_ITEMS + 1))))
            for i in range(MAX_ITEMS):
                for field in fields:
                    item_path = f"{head}[].{field}"
                    dims.append(Dimension(f"{head}[{i}].{field}", item_path, self._values(item_path)))
        return dims

    def _values(self, path: str) -> tuple[Any, ...]:
        typ = fact_type(path)
        limits = bounds(path)
        lo, hi, strict_lo = limits.low, limits.high, limits.strict_low
        nullable = (typ is not None and typ.nullable) or _optional_root(path)
        none: list[Any] = [None] if nullable else []
        if isinstance(typ, t.Bool):
            return (*none, False, True)
        if isinstance(typ, t.Text):
            if typ.choices:
                return (*none, *typ.choices)
            return (*none, *dict.fromkeys([*self.texts, _FREE_TEXT]))
        if isinstance(typ, t.Date):
            return (*none, *self._date_offsets())
        if isinstance(typ, t.Number) and typ.integer:
            low = int(lo) if lo is not None else 0
            high = int(hi) if hi is not None else low + 1000
            if high - low <= 12:
                return (*none, *range(low, high + 1))
            candidates = {low, low + 1, low + 2}
            for c in self.numbers:
                if c == c.to_integral_value():
                    candidates.update({int(c) - 1, int(c), int(c) + 1})
            return (*none, *sorted(v for v in candidates if low <= v <= high))
        if isinstance(typ, t.Number):
            amounts = set(_MONEY_GRID)
            for c in self.numbers:
                if c >= 10:
                    amounts.update({c - _CENT, c, c + _CENT})
            low_d = lo if lo is not None else Decimal(0)
            values = sorted(
                a.quantize(_CENT)
                for a in amounts
                if (a > low_d if strict_lo else a >= low_d) and (hi is None or a <= hi) and a < Decimal("1e9")
            )
            return (*none, *values)
        return (*none,)

    def _date_offsets(self) -> list[DateOffset]:
        counts = sorted({int(c) for c in self.numbers if c == c.to_integral_value() and 0 < c <= 60})
        out = [DateOffset("days", 0), DateOffset("days", 1)]
        for c in counts:
            for unit in ("months", "years"):
                out.append(DateOffset(unit, c))
                out.append(DateOffset(unit, c, plus_days=1))
            out.append(DateOffset("days", c))
        return list(dict.fromkeys(out))

    # -- assignments ---------------------------------------------------------------------
    def simplest(self) -> Assignment:
        """Every dimension at its first (simplest) value; the latest regime as decision date."""
        out = {d.key: d.values[0] for d in self.dimensions if d.values}
        out[ON] = self.dates[-1]
        return out

    def random(self, rng: random.Random) -> Assignment:
        return {d.key: rng.choice(d.values) for d in self.dimensions if d.values}

    def build(self, a: Assignment) -> dict[str, Any]:
        """The case facts (a dict in the shape of contract §1) of an assignment."""
        on: date = a[ON]
        case: dict[str, Any] = {"on": on}
        dropped: set[str] = set()
        for d in self.dimensions:
            if d.key == ON or "#" in d.key or "[" in d.key:
                continue
            value = a.get(d.key)
            root = d.path.split(".")[0]
            if value is None and _optional_root(d.path):
                dropped.add(root)  # an optional input left out: e.g. no REMI budget was made
                continue
            if value is None and d.path not in EVENT_FIELDS:
                continue
            put(case, d.path, value.resolve(on) if isinstance(value, DateOffset) else value)
        for d in self.dimensions:
            if not d.key.endswith("#"):
                continue
            count = a.get(d.key, 0)
            head = d.path
            fields = [x for x in self.dimensions if x.key.startswith(f"{head}[0].")]
            items = []
            for i in range(count):
                item: dict[str, Any] = {}
                for f in fields:
                    name = f.key.split("].", 1)[1]
                    value = a.get(f"{head}[{i}].{name}")
                    if value is not None:
                        item[name] = value.resolve(on) if isinstance(value, DateOffset) else value
                items.append(item)
            put(case, head, items)
        for root in dropped:
            case.pop(root, None)
        return case

    def relevant(self, fact_paths_read: Iterable[str]) -> list[Dimension]:
        """The dimensions behind the given fact paths (plus the decision date)."""
        wanted = set(fact_paths_read)
        out = [self.by_key[ON]]
        for d in self.dimensions:
            if d.key == ON:
                continue
            if d.path in wanted or any(w.startswith(d.path + "[]") for w in wanted):
                out.append(d)
        return out


def _regime_starts(rs: CompiledRuleSet) -> list[date]:
    period = rs.meta.effective
    starts = {period.from_}
    for spec in rs.parameters.values():
        for dated in spec.values:
            if dated.valid_from > period.from_ and (period.until is None or dated.valid_from <= period.until):
                starts.add(dated.valid_from)
    return sorted(starts)


def _numbers_in(value: Any) -> list[Decimal]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | Decimal):
        return [Decimal(value)]
    if isinstance(value, dict):
        return [Decimal(v) for v in value.values() if isinstance(v, int | Decimal) and not isinstance(v, bool)]
    return []


def _optional_root(path: str) -> bool:
    root = path.split(".")[0]
    return root in OPTIONAL_INPUTS and path != root
