"""Rule coverage: which conditions a set of cases exercised true, false and unknown.

Coverage is collected from the engine's trace events (kind ``condition``), per rule set id. A
condition is identified by its id *and* its expression: versions of a rule set that keep a
condition unchanged share its coverage; a condition whose ``when`` changed between versions is
counted once per wording. The headline figure is true/false coverage: the share of the
(condition, true) and (condition, false) outcomes that some case produced. Unknown outcomes are
reported too, but do not count towards it (a condition over facts that are always known can never
be unknown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from aidrules.explain.trace import TraceEvent
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
        self.cases = 0

    def register(self, rs: CompiledRuleSet) -> None:
        """Make every condition of ``rs`` part of the report, exercised or not."""
        version_key = (rs.id, rs.version)
        if version_key in self._by_version:
            return
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

    def tracer(self, rs: CompiledRuleSet) -> _Tracer:
        self.register(rs)
        self.cases += 1
        return _Tracer(self, self._by_version[(rs.id, rs.version)])

    def record(self, keys: dict[str, tuple[str, str, str]], event: TraceEvent) -> None:
        if event.kind != "condition" or event.id not in keys:
            return
        outcome = "unknown" if event.outcome is None else ("true" if event.outcome else "false")
        self._conditions[keys[event.id]].seen[outcome] += 1

    def report(self) -> CoverageReport:
        items = sorted(self._conditions.values(), key=lambda c: (c.ruleset, c.id, c.source))
        return CoverageReport(items, self.cases)


class _Tracer:
    __slots__ = ("collector", "keys")

    def __init__(self, collector: CoverageCollector, keys: dict[str, tuple[str, str, str]]) -> None:
        self.collector = collector
        self.keys = keys

    def __call__(self, event: TraceEvent) -> None:
        self.collector.record(self.keys, event)


@dataclass
class CoverageReport:
    conditions: list[ConditionCoverage]
    cases: int

    @property
    def percent(self) -> Decimal:
        """True/false coverage in percent, rounded down to a tenth (100.0 only when complete)."""
        if not self.conditions:
            return Decimal("100.0")
        share = Decimal(sum(c.covered for c in self.conditions) * 100) / (2 * len(self.conditions))
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

    # -- rendering ----------------------------------------------------------------------
    def text(self) -> str:
        lines = [
            f"Rule coverage over {self.cases} case(s): {self.percent}% of condition outcomes true/false "
            f"({sum(c.covered for c in self.conditions)}/{2 * len(self.conditions)}); "
            f"{self.unknown_percent}% of conditions also seen unknown"
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
