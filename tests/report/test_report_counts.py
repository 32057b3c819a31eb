"""The yearly report's figures, recomputed independently from the raw journal (SQL and JSON)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import pytest

from aidrules.journal import Journal
from aidrules.report.build import make_report
from aidrules.report.data import YearFigures, year_figures

if TYPE_CHECKING:
    from conftest import Seeded

YEAR = 2025
CsvFigures = dict[tuple[str, str, str], str]
IN_YEAR = "status = 'final' AND decided_on BETWEEN '2025-01-01' AND '2025-12-31'"
FORMS = ("budget_guidance", "budget_management", "collective_debt_settlement")


@contextmanager
def raw(seeded: Seeded) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(f"{seeded.path.as_uri()}?mode=ro", uri=True)
    try:
        yield db
    finally:
        db.close()


def full_months(start: date, end: date) -> int:
    """Whole months between two dates, written out again for this test."""
    months = 12 * (end.year - start.year) + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


@pytest.fixture(scope="module")
def figures(seeded: Seeded) -> YearFigures:
    with Journal.open(seeded.path, read_only=True) as journal:
        return year_figures(journal.entries(), YEAR)


@pytest.fixture(scope="module")
def csv_figures(seeded: Seeded) -> CsvFigures:
    files = make_report(seeded.path, YEAR, "csv", "nl")
    assert [f.name for f in files] == ["jaarverslag-2025-cijfers.csv", "jaarverslag-2025-beslissingen.csv"]
    rows = csv.DictReader(io.StringIO(files[0].content))
    return {(r["section"], r["key"], r["series"]): r["value"] for r in rows}


def test_the_seeded_journal_is_large_and_varied(seeded: Seeded) -> None:
    with raw(seeded) as db:
        dossiers = db.execute("SELECT count(DISTINCT dossier_key) FROM entries").fetchone()[0]
        outcomes = {
            r[0] for r in db.execute(f"SELECT DISTINCT outcome FROM entries WHERE kind = 'review' AND {IN_YEAR}")
        }
        reasons = {
            r[0] for r in db.execute(f"SELECT DISTINCT stop_reason FROM entries WHERE {IN_YEAR} AND outcome = 'stop'")
        }
    assert dossiers >= 300
    assert outcomes == {"continue", "start_phase_out", "step_down", "stop"}
    assert reasons == {
        "client_request",
        "goals_reached",
        "lack_of_cooperation",
        "moved",
        "transferred_to_csr",
        "deceased",
    }


def test_files_started_refused_and_stopped(seeded: Seeded, figures: YearFigures, csv_figures: CsvFigures) -> None:
    with raw(seeded) as db:
        started = Counter(
            dict(
                db.execute(
                    f"SELECT outcome, count(*) FROM entries WHERE kind = 'decision' AND {IN_YEAR} "
                    f"AND outcome IN {FORMS} GROUP BY outcome"
                ).fetchall()
            )
        )
        refused = db.execute(
            f"SELECT count(*) FROM entries WHERE kind = 'decision' AND {IN_YEAR} AND outcome = 'none'"
        ).fetchone()[0]
        stopped = Counter(
            dict(
                db.execute(
                    f"SELECT json_extract(decision_json, '$.dossier.form'), count(*) FROM entries "
                    f"WHERE kind = 'review' AND {IN_YEAR} AND outcome = 'stop' GROUP BY 1"
                ).fetchall()
            )
        )
        reasons = Counter(
            dict(
                db.execute(
                    f"SELECT json_extract(decision_json, '$.stop_reason'), count(*) FROM entries "
                    f"WHERE kind = 'review' AND {IN_YEAR} AND outcome = 'stop' GROUP BY 1"
                ).fetchall()
            )
        )
        decisions = db.execute(f"SELECT count(*) FROM entries WHERE kind = 'decision' AND {IN_YEAR}").fetchone()[0]
    assert figures.started == started == seeded.ledger.started
    assert figures.refused == refused == seeded.ledger.refused
    assert figures.stopped == stopped == seeded.ledger.stopped
    assert figures.stop_reasons == reasons == seeded.ledger.stop_reasons
    assert figures.decisions == decisions
    assert csv_figures[("key_figures", "started", "value")] == str(sum(started.values()))
    assert csv_figures[("key_figures", "refused", "value")] == str(refused)
    assert csv_figures[("key_figures", "stopped", "value")] == str(sum(stopped.values()))
    for form in FORMS:
        assert csv_figures[("by_form", f"forms.{form}", "started")] == str(started[form])
        assert csv_figures[("by_form", f"forms.{form}", "stopped")] == str(stopped[form])
    for reason, count in reasons.items():
        assert csv_figures[("stop_reasons", f"stop_reasons.{reason}", "stopped")] == str(count)


def test_reasons_for_refusal(seeded: Seeded, figures: YearFigures, csv_figures: CsvFigures) -> None:
    with raw(seeded) as db:
        principles = Counter(
            dict(
                db.execute(
                    f"SELECT p.key, count(*) FROM entries, json_each(entries.decision_json, '$.principles') AS p "
                    f"WHERE kind = 'decision' AND {IN_YEAR} AND outcome = 'none' "
                    "AND json_extract(p.value, '$.status') = 'not_satisfied' GROUP BY p.key"
                ).fetchall()
            )
        )
        conditions: Counter[tuple[str, str]] = Counter()
        for (text,) in db.execute(
            f"SELECT decision_json FROM entries WHERE kind = 'decision' AND {IN_YEAR} AND outcome = 'none'"
        ):
            for form, result in json.loads(text)["forms"].items():
                failed = {r["rule"] for r in result["reasons"] if r["kind"] == "condition" and r["outcome"] is False}
                conditions.update((form, rule) for rule in failed)
    assert figures.principles_not_met == principles
    assert sum(principles.values()) > 0
    assert (
        Counter({(f, c): n for f, counts in figures.conditions_not_met.items() for c, n in counts.items()})
        == conditions
    )
    for pid, count in principles.items():
        assert csv_figures[("principles_not_met", f"principles.{pid}", "refused")] == str(count)
    for (form, rule), count in conditions.items():
        assert csv_figures[("conditions_not_met", f"forms.{form}/conditions.{rule}", "refused")] == str(count)
    # the legal admission conditions of collective debt settlement are among the reasons
    assert any(form == "collective_debt_settlement" and rule.startswith("csr.") for form, rule in conditions)


def test_reviews_phase_outs_and_late_reviews(seeded: Seeded, figures: YearFigures, csv_figures: CsvFigures) -> None:
    with raw(seeded) as db:
        outcomes = Counter(
            dict(
                db.execute(
                    f"SELECT outcome, count(*) FROM entries WHERE kind = 'review' AND {IN_YEAR} GROUP BY outcome"
                ).fetchall()
            )
        )
        late = db.execute(
            f"SELECT count(*) FROM entries WHERE kind = 'review' AND {IN_YEAR} "
            "AND json_extract(decision_json, '$.overdue') = 1"
        ).fetchone()[0]
    assert figures.review_outcomes == outcomes == seeded.ledger.review_outcomes
    assert figures.reviews_late == late > 0
    assert csv_figures[("key_figures", "phase_outs_started", "value")] == str(outcomes["start_phase_out"])
    assert csv_figures[("key_figures", "step_downs", "value")] == str(outcomes["step_down"])
    assert csv_figures[("key_figures", "reviews_late", "value")] == str(late)


def test_average_time_in_budget_management(seeded: Seeded, figures: YearFigures, csv_figures: CsvFigures) -> None:
    with raw(seeded) as db:
        exits = db.execute(
            f"SELECT json_extract(decision_json, '$.dossier.started_on'), decided_on FROM entries "
            f"WHERE kind = 'review' AND {IN_YEAR} AND outcome IN ('stop', 'step_down') "
            "AND json_extract(decision_json, '$.dossier.form') = 'budget_management'"
        ).fetchall()
    months = [full_months(date.fromisoformat(a), date.fromisoformat(b)) for a, b in exits]
    assert len(months) > 5
    mean = (Decimal(sum(months)) / len(months)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert figures.average_months_in_management == mean
    assert csv_figures[("management_time", "average_months_in_management", "value")] == str(mean)
    assert csv_figures[("management_time", "management_exits", "value")] == str(len(months))
    assert csv_figures[("management_time", "shortest_months", "value")] == str(min(months))
    assert csv_figures[("management_time", "longest_months", "value")] == str(max(months))


def test_overdue_reviews_on_31_december(seeded: Seeded, figures: YearFigures, csv_figures: CsvFigures) -> None:
    with raw(seeded) as db:
        rows = db.execute(
            "SELECT dossier_key, kind, outcome, review_due_on FROM entries "
            "WHERE status = 'final' AND decided_on <= '2025-12-31' ORDER BY decided_on, id"
        ).fetchall()
    last = {key: (kind, outcome, due) for key, kind, outcome, due in rows}  # later rows win
    running = {
        key: due
        for key, (kind, outcome, due) in last.items()
        if (kind == "decision" and outcome in FORMS) or (kind == "review" and outcome != "stop")
    }
    overdue = sum(1 for due in running.values() if due is not None and due < "2025-12-31")
    assert figures.overdue_at_year_end == overdue
    assert csv_figures[("key_figures", "overdue_at_year_end", "value")] == str(overdue)


def test_decisions_per_rule_set_version(seeded: Seeded, figures: YearFigures, csv_figures: CsvFigures) -> None:
    with raw(seeded) as db:
        per = db.execute(
            f"SELECT ruleset_id || '@' || ruleset_version, kind, count(*) FROM entries WHERE {IN_YEAR} GROUP BY 1, 2"
        ).fetchall()
    expected: dict[str, Counter[str]] = {}
    for version, kind, count in per:
        expected.setdefault(version, Counter())[kind] = count
    assert figures.per_ruleset == expected
    assert set(expected) == {"noord-limburg-budgethulp@2024.1", "noord-limburg-budgethulp@2025.1"}
    for version, counts in expected.items():
        assert csv_figures[("per_ruleset", f"ruleset.{version}", "decisions")] == str(counts["decision"])
        assert csv_figures[("per_ruleset", f"ruleset.{version}", "reviews")] == str(counts["review"])


def test_drafts_are_not_counted(seeded: Seeded, figures: YearFigures, csv_figures: CsvFigures) -> None:
    with raw(seeded) as db:
        drafts = db.execute(
            "SELECT count(*) FROM entries d WHERE d.status = 'draft' "
            "AND d.decided_on BETWEEN '2025-01-01' AND '2025-12-31' "
            "AND NOT EXISTS (SELECT 1 FROM entries a WHERE a.approves = d.id)"
        ).fetchone()[0]
        finals = db.execute(f"SELECT count(*) FROM entries WHERE {IN_YEAR}").fetchone()[0]
    assert figures.drafts_pending == drafts == seeded.ledger.drafts > 0
    assert figures.decisions + figures.reviews == finals == seeded.ledger.entries
    assert csv_figures[("key_figures", "drafts_pending", "value")] == str(drafts)


def test_per_month_adds_up(figures: YearFigures, csv_figures: CsvFigures) -> None:
    for series, total in (
        ("started", figures.started_total),
        ("refused", figures.refused),
        ("stopped", figures.stopped_total),
    ):
        assert sum(int(csv_figures[("per_month", f"month.{m:02d}", series)]) for m in range(1, 13)) == total


def test_the_entries_csv_holds_the_years_entries_without_texts(seeded: Seeded) -> None:
    files = make_report(seeded.path, YEAR, "csv", "nl")
    rows = list(csv.DictReader(io.StringIO(files[1].content)))
    with raw(seeded) as db:
        count = db.execute(
            "SELECT count(*) FROM entries WHERE decided_on BETWEEN '2025-01-01' AND '2025-12-31'"
        ).fetchone()[0]
    assert len(rows) == count
    assert all(r["dossier_key"].startswith("dk_") for r in rows)
    assert "decision_json" not in rows[0] and "prepared_by" not in rows[0]
    assert "BB-" not in files[1].content


def test_the_report_is_the_same_every_time(seeded: Seeded) -> None:
    for fmt in ("markdown", "html", "csv"):
        assert make_report(seeded.path, YEAR, fmt, "nl") == make_report(seeded.path, YEAR, fmt, "nl")


def test_the_markdown_report_is_dutch_first_and_shows_the_counts(seeded: Seeded, figures: YearFigures) -> None:
    [md] = make_report(seeded.path, YEAR, "markdown", "nl")
    assert md.name == "jaarverslag-2025.md"
    text = md.content
    assert text.startswith("# Jaarverslag budgethulp 2025\n")
    assert f"| Opgestarte dossiers | {figures.started_total} |" in text
    assert f"| Geweigerde aanvragen (geen budgethulp) | {figures.refused} |" in text
    assert f"| Stopgezette dossiers | {figures.stopped_total} |" in text
    average = str(figures.average_months_in_management).replace(".", ",")
    assert f"| Gemiddelde duur in budgetbeheer (maanden) | {average} |" in text
    assert "| Doelen bereikt |" in text and "| Overlijden |" in text
    [fr] = make_report(seeded.path, YEAR, "markdown", "fr")
    assert fr.name == "rapport-annuel-2025.md" and "| Objectifs atteints |" in fr.content
    [en] = make_report(seeded.path, YEAR, "markdown", "en")
    assert en.content.startswith("# Budget help yearly report 2025") and "| Goals reached |" in en.content


def test_a_year_without_entries(seeded: Seeded) -> None:
    [md] = make_report(seeded.path, 2030, "markdown", "nl")
    assert "| Opgestarte dossiers | 0 |" in md.content
    assert "| Gemiddelde duur in budgetbeheer (maanden) | – |" in md.content
