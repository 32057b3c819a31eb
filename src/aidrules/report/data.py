"""The figures of the yearly report, computed from the journal's entries (docs/lifecycle.md §4).

Only final entries count; drafts are reported as such. Everything is computed from the stored
entries (their fields, decision JSON and labels), so the report needs neither the secret key
nor the rule files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from aidrules.journal.entry import JournalEntry
from aidrules.lifecycle.dates import months_between
from aidrules.lifecycle.engine import RUNNING_OUTCOMES


@dataclass
class YearFigures:
    """Every figure of the yearly report for ``year``."""

    year: int
    decisions: int = 0
    started: Counter[str] = field(default_factory=Counter)  # form -> files started
    refused: int = 0
    reviews: int = 0
    review_outcomes: Counter[str] = field(default_factory=Counter)  # outcome -> reviews
    stopped: Counter[str] = field(default_factory=Counter)  # form -> files stopped
    stop_reasons: Counter[str] = field(default_factory=Counter)  # reason -> files stopped
    principles_not_met: Counter[str] = field(default_factory=Counter)  # principle -> refused files
    conditions_not_met: dict[str, Counter[str]] = field(default_factory=dict)  # form -> condition -> refused files
    management_months: list[int] = field(default_factory=list)  # one per exit from budget management
    reviews_late: int = 0
    overdue_at_year_end: int = 0
    per_ruleset: dict[str, Counter[str]] = field(default_factory=dict)  # "id@version" -> kind -> entries
    per_month: dict[int, Counter[str]] = field(default_factory=dict)  # month -> started/refused/stopped
    drafts_pending: int = 0
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def started_total(self) -> int:
        return sum(self.started.values())

    @property
    def stopped_total(self) -> int:
        return sum(self.stopped.values())

    @property
    def average_months_in_management(self) -> Decimal | None:
        """Mean full months in budget management over the exits of the year, to one decimal."""
        if not self.management_months:
            return None
        mean = Decimal(sum(self.management_months)) / Decimal(len(self.management_months))
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def label(self, key: str, lang: str) -> str:
        """The title of ``forms.x``, ``principles.x``, ``conditions.x`` or ``stop_reasons.x``."""
        texts = self.labels.get(key)
        return texts.get(lang, key) if texts else key.partition(".")[2] or key

    def forms(self) -> list[str]:
        """Form ids known from the entries, in a stable order."""
        known = {k.partition(".")[2] for k in self.labels if k.startswith("forms.")}
        return sorted(known | set(self.started) | set(self.stopped))


def year_figures(entries: Iterable[JournalEntry], year: int) -> YearFigures:
    """Compute the figures for ``year`` from all entries of the journal (any year)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    figures = YearFigures(year)
    approved = set()
    latest: dict[str, JournalEntry] = {}
    drafts: list[JournalEntry] = []
    for entry in entries:
        if entry.approves is not None:
            approved.add(entry.approves)
        if entry.status == "draft":
            if start <= entry.decided_on <= end:
                drafts.append(entry)
            continue
        if entry.decided_on <= end:
            current = latest.get(entry.dossier_key)
            if current is None or (entry.decided_on, entry.id) > (current.decided_on, current.id):
                latest[entry.dossier_key] = entry
        if start <= entry.decided_on <= end:
            _count(figures, entry)
    figures.drafts_pending = sum(1 for d in drafts if d.id not in approved)
    for entry in latest.values():
        running = entry.form is not None if entry.kind == "decision" else entry.outcome in RUNNING_OUTCOMES
        if running and entry.review_due_on is not None and entry.review_due_on < end:
            figures.overdue_at_year_end += 1
    return figures


def _count(figures: YearFigures, entry: JournalEntry) -> None:
    for key, texts in entry.labels.items():
        figures.labels.setdefault(key, texts)
    figures.per_ruleset.setdefault(f"{entry.ruleset_id}@{entry.ruleset_version}", Counter())[entry.kind] += 1
    month = figures.per_month.setdefault(entry.decided_on.month, Counter())
    if entry.kind == "decision":
        figures.decisions += 1
        if entry.form is not None:
            figures.started[entry.form] += 1
            month["started"] += 1
        elif entry.outcome == "none":
            figures.refused += 1
            month["refused"] += 1
            _refusal_reasons(figures, entry)
        return
    figures.reviews += 1
    figures.review_outcomes[entry.outcome] += 1
    if entry.overdue:
        figures.reviews_late += 1
    form = entry.form or "unknown"
    if entry.outcome == "stop":
        figures.stopped[form] += 1
        figures.stop_reasons[entry.stop_reason or "unknown"] += 1
        month["stopped"] += 1
    if entry.outcome in ("stop", "step_down") and entry.form == "budget_management":
        started = entry.decision.get("dossier", {}).get("started_on")
        if started:
            figures.management_months.append(months_between(date.fromisoformat(started), entry.decided_on))


def _refusal_reasons(figures: YearFigures, entry: JournalEntry) -> None:
    decision = entry.decision
    for pid, result in decision.get("principles", {}).items():
        if result.get("status") == "not_satisfied":
            figures.principles_not_met[pid] += 1
    for fid, result in decision.get("forms", {}).items():
        failed = {
            r["rule"] for r in result.get("reasons", []) if r.get("kind") == "condition" and r["outcome"] is False
        }
        if failed:
            counter = figures.conditions_not_met.setdefault(fid, Counter())
            for rule in sorted(failed):
                counter[rule] += 1
