"""Rule coverage: which conditions a set of cases exercised true, false and unknown.

Coverage is collected from the engine's trace events (kind ``condition``), per rule set id. A
condition is identified by its id *and* its expression: versions of a rule set that keep a
condition unchanged share its coverage; a condition whose ``when`` changed between versions is
counted once per wording. The headline figure is true/false coverage: the share of the
(condition, true) and (condition, false) outcomes that some case produced. Unknown outcomes are
reported too, but do not count towards it (a condition over facts that are always known can never
be unknown).

Dated values and versions count too: a new value of a parameter from 2025-07-01 is only tested
when some case is decided while it is in force. Every *parameter period* (a dated value, for
the part of its period inside a version's effective period) and every *version* of a rule set
the cases used (and any other version the runner names with :meth:`CoverageCollector.expect_version`)
is an item of the report; it is covered when some case was decided under it. The headline
percentage counts condition outcomes, parameter periods and versions alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from aidrules.engine.compiled import prepared
from aidrules.engine.trace import TraceEvent
from aidrules.ruleset.compiled import CompiledRuleSet

OUTCOMES = ("true", "false", "unknown")


@dataclass
class ConditionCoverage:
    ruleset: str
    id: str
    source: str  # the condition's `when`
    title: str
    groups: tuple[str, ...]  # "principles.dignity", "forms.budget_guidance"; empty: used by neither
    versions: set[str] = field(default_factory=set)
    seen: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))

    @property
    def covered(self) -> int:
        """How many of true and false were exercised (0, 1 or 2)."""
        return (self.seen["true"] > 0) + (self.seen["false"] > 0)

    @property
    def missing(self) -> list[str]:
        return [o for o in ("true", "false") if self.seen[o] == 0]


@dataclass
class PeriodCoverage:
    """One dated value of a parameter, over the days it is in force in some version."""

    ruleset: str
    parameter: str
    valid_from: date
    until: date | None  # the last day in force in the versions seen; None: open-ended
    value: str
    title: str
    versions: set[str] = field(default_factory=set)
    cases: int = 0


@dataclass
class VersionCoverage:
    ruleset: str
    version: str
    cases: int = 0


def parameter_periods(rs: CompiledRuleSet) -> list[tuple[str, date, date | None, str]]:
    """(parameter, valid_from, last day, value) of each dated value in force during ``rs``'s period,
    of the parameters a decision may read (the trace lists the parameters a decision read; those
    only reviews read are covered by the review tests)."""
    start, end = rs.meta.effective.from_, rs.meta.effective.until
    readable = prepared(rs).layout.readable if rs.decides else frozenset(rs.parameters)
    out = []
    for pid, spec in rs.parameters.items():
        if pid not in readable:
            continue
        for i, dated in enumerate(spec.values):
            last = spec.values[i + 1].valid_from - timedelta(days=1) if i + 1 < len(spec.values) else None
            if (last is not None and last < start) or (end is not None and dated.valid_from > end):
                continue  # never in force while this version is
            until = min(d for d in (last, end) if d is not None) if (last or end) else None
            out.append((pid, dated.valid_from, until, str(dated.value)))
    return out


class CoverageCollector:
    """Collects condition outcomes; use :meth:`tracer` as the evaluation's tracer.

    Examples:
        >>> import aidrules
        >>> from datetime import date
        >>> rs = aidrules.load()
        >>> cov = CoverageCollector()
        >>> cov.register(rs)
        >>> _ = rs.evaluate({"client": {"consents": False}}, date(2025, 3, 1), tracer=cov.tracer(rs))
        >>> cov.report().conditions[0].seen["unknown"] >= 0
        True
    """

    def __init__(self) -> None:
        self._conditions: dict[tuple[str, str, str], ConditionCoverage] = {}
        self._by_version: dict[tuple[str, str], dict[str, tuple[str, str, str]]] = {}
        self._periods: dict[tuple[str, str, date, str], PeriodCoverage] = {}
        self._versions: dict[tuple[str, str], VersionCoverage] = {}
        self.cases = 0

    def register(self, rs: CompiledRuleSet) -> None:
        """Make every condition of ``rs`` part of the report, exercised or not."""
        version_key = (rs.id, rs.version)
        if version_key in self._by_version:
            return
        self.expect_version(rs.id, rs.version)
        for pid, start, until, value in parameter_periods(rs):
            pkey = (rs.id, pid, start, value)
            period = self._periods.get(pkey)
            if period is None:
                title = rs.parameters[pid].title.nl
                period = self._periods[pkey] = PeriodCoverage(rs.id, pid, start, until, value, title)
            elif period.until is not None and (until is None or until > period.until):
                period.until = until
            period.versions.add(rs.version)
        keys: dict[str, tuple[str, str, str]] = {}
        for item in rs.plan:
            if item.kind != "condition":
                continue
            key = (rs.id, item.id, item.expr.source)
            keys[item.id] = key
            entry = self._conditions.get(key)
            if entry is None:
                entry = ConditionCoverage(
                    rs.id, item.id, item.expr.source, item.title.nl, tuple(rs.conditions_used_by.get(item.id, ()))
                )
                self._conditions[key] = entry
            entry.versions.add(rs.version)
        self._by_version[version_key] = keys

    def expect_version(self, ruleset: str, version: str) -> None:
        """Make a version part of the report even if no case uses it (an untested version is a gap)."""
        self._versions.setdefault((ruleset, version), VersionCoverage(ruleset, version))

    def tracer(self, rs: CompiledRuleSet) -> _Tracer:
        self.register(rs)
        self.cases += 1
        self._versions[(rs.id, rs.version)].cases += 1
        return _Tracer(self, self._by_version[(rs.id, rs.version)], rs.id)

    def record(self, keys: dict[str, tuple[str, str, str]], event: TraceEvent, ruleset: str = "") -> None:
        if event.kind == "parameter" and event.valid_from is not None:
            period = self._periods.get((ruleset, event.id, event.valid_from, str(event.outcome)))
            if period is not None:
                period.cases += 1
            return
        if event.kind != "condition" or event.id not in keys:
            return
        outcome = "unknown" if event.outcome is None else ("true" if event.outcome else "false")
        self._conditions[keys[event.id]].seen[outcome] += 1

    def report(self) -> CoverageReport:
        items = sorted(self._conditions.values(), key=lambda c: (c.ruleset, c.id, c.source))
        periods = sorted(self._periods.values(), key=lambda p: (p.ruleset, p.parameter, p.valid_from))
        versions = sorted(self._versions.values(), key=lambda v: (v.ruleset, v.version))
        return CoverageReport(items, self.cases, periods, versions)


class _Tracer:
    __slots__ = ("collector", "keys", "ruleset")

    def __init__(self, collector: CoverageCollector, keys: dict[str, tuple[str, str, str]], ruleset: str) -> None:
        self.collector = collector
        self.keys = keys
        self.ruleset = ruleset

    def __call__(self, event: TraceEvent) -> None:
        self.collector.record(self.keys, event, self.ruleset)


@dataclass
class CoverageReport:
    conditions: list[ConditionCoverage]
    cases: int
    periods: list[PeriodCoverage] = field(default_factory=list)
    versions: list[VersionCoverage] = field(default_factory=list)

    @property
    def covered_items(self) -> tuple[int, int]:
        """(covered, total) over condition outcomes true/false, parameter periods and versions."""
        covered = sum(c.covered for c in self.conditions)
        covered += sum(1 for p in self.periods if p.cases) + sum(1 for v in self.versions if v.cases)
        return covered, 2 * len(self.conditions) + len(self.periods) + len(self.versions)

    @property
    def percent(self) -> Decimal:
        """Coverage in percent (condition outcomes true/false, parameter periods and versions),
        rounded down to a tenth (100.0 only when complete)."""
        covered, total = self.covered_items
        if not total:
            return Decimal("100.0")
        share = Decimal(covered * 100) / total
        return share.quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    @property
    def unknown_percent(self) -> Decimal:
        if not self.conditions:
            return Decimal("100.0")
        share = Decimal(sum(1 for c in self.conditions if c.seen["unknown"]) * 100) / len(self.conditions)
        return share.quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    def groups(self) -> list[tuple[str, str, list[ConditionCoverage]]]:
        """(rule set, group, conditions): per principle, then per form, then those used by neither."""
        out: dict[tuple[str, str], list[ConditionCoverage]] = {}
        for c in self.conditions:
            for g in c.groups or ("other",):
                out.setdefault((c.ruleset, g), []).append(c)

        def order(key: tuple[str, str]) -> tuple[str, int, str]:
            rank = 0 if key[1].startswith("principles.") else 1 if key[1].startswith("forms.") else 2
            return (key[0], rank, key[1])

        return [(k[0], k[1], out[k]) for k in sorted(out, key=order)]

    def gaps(self) -> list[ConditionCoverage]:
        return [c for c in self.conditions if c.missing]

    def period_gaps(self) -> list[PeriodCoverage]:
        return [p for p in self.periods if not p.cases]

    def version_gaps(self) -> list[VersionCoverage]:
        return [v for v in self.versions if not v.cases]

    def _dated_lines(self) -> list[str]:
        lines = [
            f"Parameter periods: {sum(1 for p in self.periods if p.cases)}/{len(self.periods)} exercised; "
            f"versions: {sum(1 for v in self.versions if v.cases)}/{len(self.versions)} used"
        ]
        for v in self.versions:
            lines.append(f"  {'V' if v.cases else '·'}  {v.ruleset}@{v.version}: {v.cases} case(s)")
        for p in self.period_gaps():
            until = p.until.isoformat() if p.until else "…"
            lines.append(
                f"  never in force for a case: {p.ruleset} {p.parameter} = {p.value} "
                f"({p.valid_from} – {until}; {', '.join(sorted(p.versions))})"
            )
        return lines

    # -- rendering ----------------------------------------------------------------------
    def text(self) -> str:
        covered, total = self.covered_items
        lines = [
            f"Rule coverage over {self.cases} case(s): {self.percent}% ({covered}/{total}: condition outcomes "
            f"true/false {sum(c.covered for c in self.conditions)}/{2 * len(self.conditions)}, parameter periods, "
            f"versions); {self.unknown_percent}% of conditions also seen unknown"
        ]
        for ruleset, group, conditions in self.groups():
            covered = sum(c.covered for c in conditions)
            lines.append(f"  {ruleset} · {_group(group)}: {covered}/{2 * len(conditions)}")
            for c in conditions:
                marks = " ".join(_mark(c, o) for o in OUTCOMES)
                lines.append(f"    {marks}  {c.id}" + (f"  (never {', '.join(c.missing)})" if c.missing else ""))
        if self.gaps():
            lines.append("Not exercised:")
            for c in self.gaps():
                lines.append(f"  {c.ruleset} {c.id} never {' / '.join(c.missing)}: {c.source}")
        lines.extend(self._dated_lines())
        return "\n".join(lines) + "\n"

    def markdown(self) -> str:
        lines = [
            "# Regeldekking / Couverture des règles / Rule coverage",
            "",
            f"{self.cases} casussen; **{self.percent} %** van de uitkomsten waar/onwaar van de voorwaarden "
            f"({sum(c.covered for c in self.conditions)}/{2 * len(self.conditions)}); "
            f"{self.unknown_percent} % van de voorwaarden ook onbekend.",
            "",
        ]
        for ruleset, group, conditions in self.groups():
            covered = sum(c.covered for c in conditions)
            lines += [f"## {ruleset} · {_group(group)} ({covered}/{2 * len(conditions)})", ""]
            lines += ["| voorwaarde | waar | onwaar | onbekend | regel |", "|---|---|---|---|---|"]
            for c in conditions:
                cells = " | ".join(str(c.seen[o]) if c.seen[o] else "**0**" for o in ("true", "false"))
                source = c.source.replace("|", "\\|")
                lines.append(f"| `{c.id}` — {c.title} | {cells} | {c.seen['unknown']} | `{source}` |")
            lines.append("")
        lines += [
            "## Parameterperiodes en versies / Périodes et versions / Parameter periods and versions",
            "",
            "| regelset | parameter | waarde | van | tot | casussen |",
            "|---|---|---|---|---|---|",
        ]
        for p in self.periods:
            until = p.until.isoformat() if p.until else "…"
            cases = str(p.cases) if p.cases else "**0**"
            lines.append(
                f"| {p.ruleset} | `{p.parameter}` — {p.title} | {p.value} | {p.valid_from} | {until} | {cases} |"
            )
        lines += ["", "| versie | casussen |", "|---|---|"]
        lines += [f"| {v.ruleset}@{v.version} | {v.cases if v.cases else '**0**'} |" for v in self.versions]
        lines.append("")
        return "\n".join(lines)


def _group(group: str) -> str:
    if group.startswith("principles."):
        return f"principle {group.split('.', 1)[1]}"
    if group.startswith("forms."):
        return f"form {group.split('.', 1)[1]}"
    return "used by no principle or form"


def _mark(c: ConditionCoverage, outcome: str) -> str:
    letter = {"true": "T", "false": "F", "unknown": "?"}[outcome]
    return letter if c.seen[outcome] else "·"
