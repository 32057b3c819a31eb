"""The decision journal: separation of duties, append-only, pseudonymous, tamper-evident."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aidrules.engine.decision import Decision
from aidrules.journal import DossierKeyer, Journal, JournalError, SeparationOfDutiesError, SQLiteJournalStore
from aidrules.journal.postgres import PostgresJournalStore
from aidrules.lifecycle.engine import evaluate_review
from aidrules.ruleset.compiled import CompiledRuleSet
from journal_locations import Locations

REVIEW = {
    "on": "2025-09-01",
    "dossier": {"form": "budget_guidance", "started_on": "2025-03-01", "last_review_on": None},
    "progress": {
        "earn_enough": "achieved",
        "organise_money_matters": "achieved",
        "spend_responsibly": "achieved",
        "plan_ahead": "achieved",
        "months_without_new_debts": 12,
    },
    "situation": {
        "wants_to_stop": False,
        "cooperates": True,
        "moved_to_other_municipality": False,
        "transferred_to_csr": False,
        "deceased": False,
    },
}


def test_a_final_decision_is_recorded_with_its_rule_set_and_keys(
    journal: Journal, guidance: Decision, rules: CompiledRuleSet
) -> None:
    entry = journal.record_decision(guidance, rules, dossier="BB-2025-0142", prepared_by="mw-017", approved_by="hmw-3")
    assert (entry.id, entry.kind, entry.status, entry.outcome, entry.form) == (
        1,
        "decision",
        "final",
        "budget_guidance",
        "budget_guidance",
    )
    assert (entry.ruleset_id, entry.ruleset_version, entry.ruleset_fingerprint) == (
        rules.id,
        rules.version,
        rules.fingerprint,
    )
    assert entry.decided_on == date(2025, 3, 1)
    # started on 1 March, reviewed every 6 months (the rule set's parameter)
    assert entry.review_due_on == date(2025, 9, 1)
    assert entry.decision == Decision.model_validate_json(guidance.model_dump_json()).model_dump(mode="json")
    assert entry.labels["principles.dignity"]["nl"] == "Menswaardig bestaan"
    assert entry.labels["conditions.guidance.skills"]["fr"]
    assert journal.get(1) == entry


def test_a_review_is_recorded_with_its_outcome_and_next_review(journal: Journal, rules: CompiledRuleSet) -> None:
    review = evaluate_review(rules, REVIEW)
    assert (review.outcome, review.stop_reason) == ("stop", "goals_reached")
    entry = journal.record_review(review, rules, dossier="BB-2025-0142", prepared_by="mw-017", approved_by="hmw-3")
    assert (entry.kind, entry.outcome, entry.stop_reason, entry.form, entry.overdue) == (
        "review",
        "stop",
        "goals_reached",
        "budget_guidance",
        False,
    )
    assert entry.review_due_on is None  # stopped: no next review
    assert entry.labels["stop_reasons.goals_reached"]["nl"] == "Doelen bereikt"


@pytest.mark.parametrize("approver", ["mw-017", "MW-017", " mw-017 "])
def test_the_preparer_cannot_approve(
    journal: Journal, guidance: Decision, rules: CompiledRuleSet, approver: str
) -> None:
    with pytest.raises(SeparationOfDutiesError) as info:
        journal.record_decision(guidance, rules, dossier="BB-2025-0142", prepared_by="mw-017", approved_by=approver)
    assert info.value.code == "JR002" and info.value.exit_code == 2
    assert "cannot also approve" in str(info.value)
    assert list(journal.entries()) == []


def test_the_store_refuses_self_approval_too(journal: Journal, guidance: Decision, rules: CompiledRuleSet) -> None:
    draft = journal.record_decision(guidance, rules, dossier="BB-2025-0142", prepared_by="mw-017")
    forged = replace(draft.as_new(), status="final", approved_by="MW-017")
    with pytest.raises(SeparationOfDutiesError):
        journal.store.append(forged)


def test_the_database_refuses_self_approval_even_without_the_library(
    sqlite_journal: Journal, guidance: Decision, rules: CompiledRuleSet, tmp_path: Path
) -> None:
    sqlite_journal.record_decision(guidance, rules, dossier="BB-2025-0142", prepared_by="mw-017", approved_by="hmw-3")
    db = sqlite3.connect(tmp_path / "journal.db")
    columns = [r[1] for r in db.execute("PRAGMA table_info(entries)") if r[1] != "id"]
    row = db.execute(f"SELECT {', '.join(columns)} FROM entries WHERE id = 1").fetchone()
    values = dict(zip(columns, row, strict=True))
    values.update(approved_by="mw-017", entry_hash="x" * 64)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        db.execute(
            f"INSERT INTO entries ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})", [*values.values()]
        )
    db.close()


def test_a_draft_is_approved_by_someone_else(journal: Journal, guidance: Decision, rules: CompiledRuleSet) -> None:
    draft = journal.record_decision(guidance, rules, dossier="BB-2025-0142", prepared_by="mw-017")
    assert (draft.status, draft.approved_by) == ("draft", None)
    with pytest.raises(SeparationOfDutiesError):
        journal.approve(draft.id, approved_by="mw-017")
    final = journal.approve(draft.id, approved_by="hmw-3")
    assert (final.status, final.approved_by, final.approves, final.prepared_by) == ("final", "hmw-3", 1, "mw-017")
    assert final.decision_json == draft.decision_json and final.dossier_key == draft.dossier_key
    with pytest.raises(JournalError) as info:
        journal.approve(draft.id, approved_by="hmw-4")
    assert info.value.code == "JR009"  # one approval per draft
    with pytest.raises(JournalError) as info:
        journal.approve(final.id, approved_by="hmw-4")
    assert info.value.code == "JR011"


def test_an_undetermined_decision_stays_a_draft(journal: Journal, rules: CompiledRuleSet, case: dict[str, Any]) -> None:
    client = {k: v for k, v in case["client"].items() if k != "motivation"}
    decision = rules.evaluate({**case, "client": client})
    assert decision.recommendation == "undetermined"
    with pytest.raises(JournalError) as info:
        journal.record_decision(decision, rules, dossier="BB-2025-0142", prepared_by="mw-017", approved_by="hmw-3")
    assert info.value.code == "JR003"
    draft = journal.record_decision(decision, rules, dossier="BB-2025-0142", prepared_by="mw-017")
    assert draft.status == "draft" and draft.review_due_on is None
    with pytest.raises(JournalError) as info:
        journal.approve(draft.id, approved_by="hmw-3")
    assert info.value.code == "JR003"


def test_there_is_no_api_to_change_or_remove_entries() -> None:
    for cls in (Journal, SQLiteJournalStore, PostgresJournalStore):
        names = {n for n in dir(cls) if not n.startswith("_")}
        assert not names & {"update", "delete", "remove", "replace", "edit", "amend", "purge", "truncate"}, cls


def test_sqlite_triggers_refuse_update_and_delete(
    sqlite_journal: Journal, guidance: Decision, rules: CompiledRuleSet, tmp_path: Path
) -> None:
    sqlite_journal.record_decision(guidance, rules, dossier="BB-2025-0142", prepared_by="mw-017", approved_by="hmw-3")
    db = sqlite3.connect(tmp_path / "journal.db")
    for sql in (
        "UPDATE entries SET outcome = 'none' WHERE id = 1",
        "DELETE FROM entries WHERE id = 1",
        "UPDATE meta SET value = 'x'",
        "DELETE FROM meta",
    ):
        with pytest.raises(sqlite3.IntegrityError, match=r"append-only|cannot be"):
            db.execute(sql)
    db.close()
    assert sqlite_journal.get(1).outcome == "budget_guidance"


def test_verify_finds_a_changed_or_removed_entry(
    sqlite_journal: Journal, guidance: Decision, rules: CompiledRuleSet, tmp_path: Path
) -> None:
    for n in range(3):
        sqlite_journal.record_decision(
            guidance, rules, dossier=f"BB-2025-{n:04d}", prepared_by="mw-017", approved_by="hmw-3"
        )
    assert sqlite_journal.verify() == []
    db = sqlite3.connect(tmp_path / "journal.db")  # someone with file access removes the safeguards
    db.execute("DROP TRIGGER entries_no_update")
    db.execute("DROP TRIGGER entries_no_delete")
    db.execute("UPDATE entries SET outcome = 'none' WHERE id = 2")
    db.execute("DELETE FROM entries WHERE id = 3")
    db.commit()
    db.close()
    # entry 3 was the last one: cutting off the end of a chain leaves no trace in the chain itself
    # (docs/lifecycle.md: keep the last hash that `journal verify` prints, e.g. with the yearly report)
    assert sqlite_journal.verify() == ["entry 2: its content does not match its hash (it was changed)"]
    sqlite_journal.record_decision(guidance, rules, dossier="BB-2025-0009", prepared_by="mw-017", approved_by="hmw-3")
    db = sqlite3.connect(tmp_path / "journal.db")
    db.execute("DELETE FROM entries WHERE id = 1")
    db.commit()
    db.close()
    problems = sqlite_journal.verify()
    assert "entry 2: the chain is broken (an entry before it was removed or changed)" in problems


def test_no_dossier_number_or_name_is_stored(
    sqlite_journal: Journal, guidance: Decision, rules: CompiledRuleSet, tmp_path: Path
) -> None:
    sqlite_journal.record_decision(guidance, rules, dossier="BB-2025-0142", prepared_by="mw-017", approved_by="hmw-3")
    sqlite_journal.close()
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("journal.db"))
    assert b"BB-2025-0142" not in blob.upper() and b"2025-0142" not in blob


def test_a_reference_inside_the_decision_is_refused(
    journal: Journal, rules: CompiledRuleSet, case: dict[str, Any]
) -> None:
    decision = rules.evaluate(case)
    with pytest.raises(JournalError) as info:
        journal.record_decision(
            Decision.model_validate({**decision.model_dump(), "values": {**decision.values, "note": "BB-2025-0142"}}),
            rules,
            dossier="bb-2025-0142",
            prepared_by="mw-017",
            approved_by="hmw-3",
        )
    assert info.value.code == "JR008"


def test_another_key_is_refused(journal_url: str) -> None:
    Journal.open(journal_url, keyer=DossierKeyer(b"a" * 32)).close()
    with pytest.raises(JournalError) as info:
        Journal.open(journal_url, keyer=DossierKeyer(b"b" * 32))
    assert info.value.code == "JR005"


def test_a_decision_is_recorded_with_the_rule_set_that_made_it(
    journal: Journal, guidance: Decision, rules: CompiledRuleSet, minimal_text: str
) -> None:
    from aidrules.ruleset import compile_text

    other = compile_text(minimal_text, "minimal.yaml")
    with pytest.raises(JournalError) as info:
        journal.record_decision(guidance, other, dossier="BB-2025-0142", prepared_by="mw-017", approved_by="hmw-3")
    assert info.value.code == "JR012"


def test_reading_needs_no_key_and_writes_nothing(
    journal: Journal, journal_url: str, locations: Locations, guidance: Decision, rules: CompiledRuleSet
) -> None:
    journal.record_decision(guidance, rules, dossier="BB-2025-0142", prepared_by="mw-017", approved_by="hmw-3")
    journal.close()
    with Journal.open(journal_url, read_only=True) as reader:
        assert [e.outcome for e in reader.entries()] == ["budget_guidance"]
        with pytest.raises(JournalError) as info:
            reader.record_decision(guidance, rules, dossier="BB-1", prepared_by="mw-017", approved_by="hmw-3")
        assert info.value.code == "JR007"
    absent = locations.new()
    with pytest.raises(JournalError) as info:
        Journal.open(absent, read_only=True)
    assert info.value.code == "JR006"
    assert not locations.exists(absent)
    with pytest.raises(JournalError) as info:
        Journal.open(absent)  # nor is a journal created without its key
    assert info.value.code == "JR006"
    assert not locations.exists(absent)


def test_a_file_that_is_not_a_journal_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(JournalError) as info:
        Journal.open(other, keyer=DossierKeyer(b"a" * 32))
    assert info.value.code == "JR006" and "not an aidrules journal" in str(info.value)
    text = tmp_path / "text.db"
    text.write_text("not a database at all, just text " * 100)
    with pytest.raises(JournalError) as info:
        Journal.open(text, keyer=DossierKeyer(b"a" * 32))
    assert info.value.code == "JR006"


def test_entries_of_one_dossier_and_by_date(journal: Journal, guidance: Decision, rules: CompiledRuleSet) -> None:
    journal.record_decision(guidance, rules, dossier="BB-2025-0001", prepared_by="mw-017", approved_by="hmw-3")
    journal.record_decision(guidance, rules, dossier="BB-2025-0002", prepared_by="mw-017", approved_by="hmw-3")
    review = evaluate_review(rules, REVIEW)
    journal.record_review(review, rules, dossier="bb-2025-0001", prepared_by="mw-017", approved_by="hmw-3")
    assert [e.id for e in journal.dossier_entries("BB-2025-0001")] == [1, 3]
    assert [e.id for e in journal.entries(since=date(2025, 4, 1))] == [3]
    assert [e.id for e in journal.entries(until=date(2025, 3, 1), kind="decision")] == [1, 2]
