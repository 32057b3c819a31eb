"""The yearly report as CSV for further analysis: the figures (long form) and the year's entries."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from aidrules.journal.entry import JournalEntry
from aidrules.report.sections import Section

ENTRY_COLUMNS = (
    "id",
    "kind",
    "status",
    "dossier_key",
    "decided_on",
    "outcome",
    "form",
    "stop_reason",
    "overdue",
    "review_due_on",
    "ruleset_id",
    "ruleset_version",
    "approves",
)


def figures_csv(sections: list[Section]) -> str:
    """One row per figure: section, key, label, series, value (plain numbers, `.` as decimal point)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "key", "label", "series", "value"])
    for section in sections:
        for row in section.rows:
            for series, value in zip(section.series_keys, row.values, strict=True):
                shown = "" if value is None else (format(value, "f") if isinstance(value, Decimal) else value)
                writer.writerow([section.key, row.key, row.label, series, shown])
    return buffer.getvalue()


def entries_csv(entries: Iterable[JournalEntry]) -> str:
    """One row per journal entry (pseudonymous keys; no decision texts)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ENTRY_COLUMNS)
    for entry in entries:
        row = []
        for name in ENTRY_COLUMNS:
            value = getattr(entry, name)
            if value is None:
                row.append("")
            elif isinstance(value, bool):
                row.append("true" if value else "false")
            else:
                row.append(str(value))
        writer.writerow(row)
    return buffer.getvalue()
