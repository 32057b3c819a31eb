"""What a change of rule-set version does to a caseload (``aidrules impact OLD NEW``).

Every case is decided under both versions on the date the change takes effect (see
:func:`change_date`), or on the dates given, so that a dated change (a parameter value that
starts on 2025-07-01 inside the new version) is exercised even when the cases' own dates lie
before it. Per case only the outcome is kept: the recommendation under each version, which
conditions came out differently and which changed parameters they read (the *causes*), and the
case's group (household category, income band, debt size). Cases are decided on every core
(``spawn`` worker processes, as ``aidrules batch``); each worker compiles the two versions once.

Deciding uses the compiled engine's evaluation without assembling a :class:`Decision` (no
reasons, no texts): the same values and outcomes, several times faster, which matters at
100,000 cases. ``tests/impact`` checks that it agrees with ``RuleSet.evaluate``.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from aidrules.engine.compiled import Evaluation, prepared
from aidrules.errors import AidrulesError, Diagnostic, FactsError
from aidrules.expr.runtime import DECIMAL_CONTEXT, Unknown
from aidrules.facts.jsonload import read_json_case
from aidrules.facts.parse import parse_facts
from aidrules.limits import DEFAULT_LIMITS
from aidrules.ruleset.compile import load_ruleset
from aidrules.ruleset.compiled import CompiledRuleSet

#: Cases per chunk sent to a worker.
CHUNK = 500
#: Example cases kept per from→to transition.
EXAMPLES_PER_CHANGE = 3
#: Income bands (monthly net, EUR) and debt-size bands (total, EUR): lower bounds.
INCOME_BANDS = (Decimal(0), Decimal(1000), Decimal(1500), Decimal(2000), Decimal(3000))
DEBT_BANDS = (Decimal("0.01"), Decimal(2500), Decimal(10000))
DIMENSIONS = ("category", "income", "debt")
#: The kinds of change counted per group: "more" help (from none or undetermined to a form of
#: help), "less" (from a form to none or undetermined), "other" (another form; undetermined ↔ none).
KINDS = ("cases", "changed", "more", "less", "other")
NO_HELP = frozenset({"none", "undetermined"})
UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Study:
    """Which two versions (their files) are compared, and on which dates."""

    old_file: str
    new_file: str
    old_day: date
    new_day: date


@dataclass(frozen=True)
class Example:
    """An anonymised example: no names, creditors, municipality or dates; amounts rounded to € 10."""

    line: int
    old: str
    new: str
    category: str
    adults: int | None
    children: int | None
    income: Decimal | None
    debt: Decimal | None
    motivation: int | None
    causes: tuple[str, ...]


@dataclass
class ImpactReport:
    """The outcome of a study; rendered by :mod:`aidrules.impact.render`."""

    old_label: str
    new_label: str
    old_day: date
    new_day: date
    source: str  # the cases: a file, or "synthetic:<size>:<seed>"
    parameter_changes: list[tuple[str, Any, Any]]  # (parameter id, old value, new value) on the dates
    cases: int = 0
    changed: int = 0
    matrix: Counter[tuple[str, str]] = field(default_factory=Counter)
    groups: dict[str, dict[str, Counter[str]]] = field(default_factory=lambda: {d: {} for d in DIMENSIONS})
    causes: Counter[str] = field(default_factory=Counter)
    examples: dict[tuple[str, str], list[Example]] = field(default_factory=dict)
    invalid: list[tuple[int, str]] = field(default_factory=list)
    old_rules: CompiledRuleSet | None = None
    new_rules: CompiledRuleSet | None = None

    @property
    def gains(self) -> int:
        return sum(c["more"] for c in self.groups["category"].values())

    @property
    def losses(self) -> int:
        return sum(c["less"] for c in self.groups["category"].values())


def change_date(old: CompiledRuleSet, new: CompiledRuleSet) -> date:
    """The day the change takes effect: the newest of the new version's start and of the starts of
    its parameter values that differ from the old version's on that day."""
    day = new.meta.effective.from_
    for pid, spec in new.parameters.items():
        for dated in spec.values:
            if dated.valid_from <= day:
                continue
            before = old.parameters.get(pid)
            old_value = before.value_at(dated.valid_from) if before is not None else None
            if old_value is None or old_value.value != dated.value:
                day = max(day, dated.valid_from)
    return day


def parameter_changes(
    old: CompiledRuleSet, new: CompiledRuleSet, old_day: date, new_day: date
) -> list[tuple[str, Any, Any]]:
    """Parameters whose value differs between the two versions on their dates (None: absent)."""
    out = []
    for pid in sorted(set(old.parameters) | set(new.parameters)):
        a = old.parameters.get(pid)
        b = new.parameters.get(pid)
        va = a.value_at(old_day) if a is not None else None
        vb = b.value_at(new_day) if b is not None else None
        left = va.value if va is not None else None
        right = vb.value if vb is not None else None
        if left != right:
            out.append((pid, left, right))
    return out


def _parameter_reads(rs: CompiledRuleSet) -> dict[str, frozenset[str]]:
    """For each condition, every parameter it reads, directly or through derived values."""
    return {cid: rs.graph.reads_of_kind(cid, "parameter") for cid in rs.graph.nodes("condition")}


def _outcome(value: Any) -> bool | None:
    return None if isinstance(value, Unknown) else bool(value)


def _band(amount: Decimal | None, bounds: tuple[Decimal, ...], none_label: str) -> str:
    if amount is None:
        return "unknown"
    if amount < bounds[0]:
        return none_label
    index = max(i for i, b in enumerate(bounds) if amount >= b)
    return f"band{index}"


def _total(items: Any, key: str) -> Decimal | None:
    if not isinstance(items, list):
        return None
    total = Decimal(0)
    for item in items:
        value = item.get(key) if isinstance(item, dict) else None
        if value is None:
            return None
        total += Decimal(str(value))
    return total


def groups_of(case: dict[str, Any]) -> tuple[str, str, str]:
    """The case's household category, income band and debt band (codes; see render for labels)."""
    household = case.get("household") if isinstance(case.get("household"), dict) else {}
    category = household.get("category") if isinstance(household, dict) else None
    income = _total(case.get("incomes"), "monthly_net")
    debt = _total(case.get("debts"), "amount")
    return (
        str(category) if category else "unknown",
        _band(income, INCOME_BANDS, "band0"),
        _band(debt, DEBT_BANDS, "nodebt"),
    )


class _Worker:
    """The two compiled versions and what is known about them, in one process."""

    def __init__(self, study: Study) -> None:
        self.study = study
        self.old = load_ruleset(study.old_file)
        self.new = load_ruleset(study.new_file)
        changed = {pid for pid, _, _ in parameter_changes(self.old, self.new, study.old_day, study.new_day)}
        old_reads, new_reads = _parameter_reads(self.old), _parameter_reads(self.new)
        self.conditions = [nv.id for nv in self.new.plan if nv.kind == "condition"]
        self.condition_set = {nv.id for nv in self.old.plan if nv.kind == "condition"} | set(self.conditions)
        self.causes_of = {
            cid: frozenset((old_reads.get(cid, frozenset()) | new_reads.get(cid, frozenset())) & changed)
            for cid in self.condition_set
        }

    def decide(self, rs: CompiledRuleSet, case: Any, day: date) -> tuple[str, dict[str, Any]]:
        with localcontext(DECIMAL_CONTEXT):
            evaluation = Evaluation(prepared(rs), case, day, "nl")
            evaluation.decide()
        return evaluation.rec[0], evaluation.values

    def one(self, line: int, item: str | dict[str, Any]) -> tuple[Any, ...]:
        """One case, given as a line of JSON (read here, in the worker) or as data."""
        try:
            data = read_json_case(item, f"line {line}", DEFAULT_LIMITS) if isinstance(item, str) else item
            if not isinstance(data, dict):
                message = "a case is a JSON object"
                raise FactsError(message, [Diagnostic("CF001", message, path=f"line {line}")])
            facts = {k: v for k, v in data.items() if k != "on"}
            case = parse_facts(facts)
            old_rec, old_values = self.decide(self.old, case, self.study.old_day)
            new_rec, new_values = self.decide(self.new, case, self.study.new_day)
        except AidrulesError as exc:
            first = exc.diagnostics[0] if exc.diagnostics else None
            return (line, None, f"{first.code}: {first.message}" if first else str(exc))
        causes: tuple[str, ...] = ()
        if old_rec != new_rec:
            flipped = sorted(
                cid for cid in self.condition_set if _outcome(old_values.get(cid)) != _outcome(new_values.get(cid))
            )
            params = sorted({p for cid in flipped for p in self.causes_of.get(cid, frozenset())})
            causes = tuple([f"conditions.{c}" for c in flipped] + [f"parameters.{p}" for p in params])
            if not causes:
                causes = ("recommendation",)  # the recommendation rules themselves changed
            return (line, groups_of(facts), old_rec, new_rec, causes, _example(line, facts, old_rec, new_rec, causes))
        return (line, groups_of(facts), old_rec, new_rec, causes, None)


_WORKER: _Worker | None = None  # one per worker process (set by its initializer)


def _start(study: Study) -> None:
    global _WORKER
    _WORKER = _Worker(study)


Item = tuple[int, "str | dict[str, Any]"]


def _chunk(items: list[Item]) -> list[tuple[Any, ...]]:
    assert _WORKER is not None
    return [_WORKER.one(line, data) for line, data in items]


def _chunks(cases: Iterable[Item]) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in cases:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _example(line: int, data: dict[str, Any], old: str, new: str, causes: tuple[str, ...]) -> Example:
    def rounded(amount: Decimal | None) -> Decimal | None:
        return None if amount is None else (amount / 10).quantize(Decimal(1)) * 10

    household = data.get("household") or {}
    client = data.get("client") or {}
    children = household.get("children")
    return Example(
        line,
        old,
        new,
        str(household.get("category") or "unknown"),
        household.get("adults"),
        len(children) if isinstance(children, list) else None,
        rounded(_total(data.get("incomes"), "monthly_net")),
        rounded(_total(data.get("debts"), "amount")),
        client.get("motivation"),
        causes,
    )


def run_study(
    old: CompiledRuleSet,
    new: CompiledRuleSet,
    cases: Iterable[Item],
    *,
    source: str,
    old_day: date | None = None,
    new_day: date | None = None,
    workers: int | None = None,
) -> ImpactReport:
    """Decide every case under ``old`` and ``new`` and count what changed.

    ``cases`` are (line number, case as JSON-like data or as a line of JSON, read in the worker
    so that reading is spread over the cores too); a case's own ``on`` is ignored. Without
    dates, both versions decide on :func:`change_date`. ``workers`` defaults to every core; 1
    decides in this process.
    """
    day = change_date(old, new)
    study = Study(old.files[-1], new.files[-1], old_day or new_day or day, new_day or old_day or day)
    report = ImpactReport(
        f"{old.id}@{old.version}",
        f"{new.id}@{new.version}",
        study.old_day,
        study.new_day,
        source,
        parameter_changes(old, new, study.old_day, study.new_day),
        old_rules=old,
        new_rules=new,
    )
    wanted = (os.cpu_count() or 1) if workers is None else workers
    if wanted <= 1:
        worker = _Worker(study)
        _count(report, ([worker.one(line, data) for line, data in chunk] for chunk in _chunks(cases)))
    else:
        context = multiprocessing.get_context("spawn")
        with context.Pool(wanted, initializer=_start, initargs=(study,)) as pool:
            _count(report, pool.imap(_chunk, _chunks(cases)))
    return report


def _count(report: ImpactReport, results: Iterable[list[tuple[Any, ...]]]) -> None:
    for chunk in results:
        for row in chunk:
            if row[1] is None:
                report.invalid.append((row[0], str(row[2])))
                continue
            (category, income, debt), old_rec, new_rec, causes, example = row[1:]
            report.cases += 1
            report.matrix[(old_rec, new_rec)] += 1
            changed = old_rec != new_rec
            if changed:
                helped_before, helped_after = old_rec not in NO_HELP, new_rec not in NO_HELP
                kind = (
                    "more"
                    if helped_after and not helped_before
                    else "less"
                    if helped_before and not helped_after
                    else "other"
                )
                report.changed += 1
                report.causes.update(causes)
                examples = report.examples.setdefault((old_rec, new_rec), [])
                if len(examples) < EXAMPLES_PER_CHANGE:
                    examples.append(example)
            for dimension, group in zip(DIMENSIONS, (category, income, debt), strict=True):
                counts = report.groups[dimension].setdefault(group, Counter())
                counts["cases"] += 1
                if changed:
                    counts["changed"] += 1
                    counts[kind] += 1


def read_cases(path: Path) -> Iterator[tuple[int, str | dict[str, Any]]]:
    """The lines of a JSON Lines file of cases (blank lines skipped), with their numbers; each is
    read and checked as a case where it is decided (an invalid line is counted and named).

    Raises:
        FactsError: the file cannot be read.
    """
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        message = f"cannot read the cases: {exc}"
        raise FactsError(message, [Diagnostic("CF000", message, path=str(path))]) from None
    with handle:
        for number, text in enumerate(handle, start=1):
            if text.strip():
                yield number, text
