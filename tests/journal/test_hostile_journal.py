"""The journal against someone with file access and a careless colleague (issue 13).

Each test names, in its docstring, the naive implementation it would catch.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidrules import AidrulesError
from aidrules.cli.main import app
from aidrules.engine.decision import Decision
from aidrules.journal import DossierKeyer, Journal, JournalError
from aidrules.journal.keys import check_reference, check_staff_id, looks_like_national_number
from aidrules.ruleset.compiled import CompiledRuleSet

runner = CliRunner()


def _record(journal: Journal, guidance: Decision, rules: CompiledRuleSet, n: int = 3) -> None:
    for i in range(n):
        journal.record_decision(guidance, rules, dossier=f"BB-2025-{i:04d}", prepared_by="mw-017", approved_by="hmw-3")


def _write_around(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)  # someone with file access removes the safeguards
    db.execute("DROP TRIGGER IF EXISTS entries_no_update")
    db.execute("DROP TRIGGER IF EXISTS meta_no_update")
    for sql in statements:
        db.execute(sql)
    db.commit()
    db.close()


def test_non_utf8_text_in_the_journal_is_reported_by_verify_not_a_crash(
    sqlite_journal: Journal, guidance: Decision, rules: CompiledRuleSet, tmp_path: Path
) -> None:
    """Catches reading rows with sqlite3's default text decoding: one byte 0xff in an entry's
    outcome raised ``OperationalError: Could not decode to UTF-8`` out of ``verify``, ``list``
    and ``report`` (internal error, exit 1), so the damage could not even be located."""
    _record(sqlite_journal, guidance, rules)
    _write_around(tmp_path / "journal.db", "UPDATE entries SET outcome = CAST(x'6e6fff6e65' AS TEXT) WHERE id = 2")
    problems = sqlite_journal.verify()
    assert len(problems) == 1 and problems[0].startswith("entry 2: `outcome` holds text that is not UTF-8")
    with pytest.raises(JournalError) as exc:
        list(sqlite_journal.entries())
    assert exc.value.code == "JR009" and "entry 2" in str(exc.value)
    verify = runner.invoke(app, ["journal", "verify", "--journal", str(tmp_path / "journal.db")])
    assert verify.exit_code == 2 and "entry 2: `outcome`" in verify.output
    listing = runner.invoke(app, ["journal", "list", "--journal", str(tmp_path / "journal.db")])
    assert listing.exit_code == 2 and "JR009" in listing.output and "internal error" not in listing.output
    report = runner.invoke(app, ["report", "--journal", str(tmp_path / "journal.db"), "--year", "2025"])
    assert report.exit_code == 2 and "JR009" in report.output and "internal error" not in report.output


def test_blob_in_a_text_column_of_the_journal_is_reported_by_verify(
    sqlite_journal: Journal, guidance: Decision, rules: CompiledRuleSet, tmp_path: Path
) -> None:
    """Catches trusting the column's declared type: SQLite stores a blob in a TEXT column, and
    hashing the entry then failed with ``TypeError: Object of type bytes``."""
    _record(sqlite_journal, guidance, rules)
    _write_around(tmp_path / "journal.db", "UPDATE entries SET prepared_by = x'6d77' WHERE id = 3")
    assert sqlite_journal.verify() == [
        "entry 3: `prepared_by` holds a value of type bytes; the entry was written or changed outside aidrules"
    ]


def test_changed_key_check_in_journal_meta_is_found_and_refused(
    sqlite_journal: Journal, guidance: Decision, rules: CompiledRuleSet, tmp_path: Path
) -> None:
    """Catches a chain that starts at a constant: replacing ``key_check`` in ``meta`` by the check
    of another key went unnoticed by ``verify`` and let that key record every dossier under a
    second pseudonym."""
    _record(sqlite_journal, guidance, rules)
    sqlite_journal.close()
    other = DossierKeyer(b"another-key-of-someone-else-0123456789abcdef")
    _write_around(tmp_path / "journal.db", f"UPDATE meta SET value = '{other.check_value()}' WHERE key = 'key_check'")
    with Journal.open(tmp_path / "journal.db", read_only=True) as reader:
        problems = reader.verify()
    assert problems == [
        "entry 1: the chain does not start at the journal's key check (the key check in meta was changed: "
        "another key could record under other pseudonyms)"
    ]
    with pytest.raises(JournalError) as exc:
        Journal.open(tmp_path / "journal.db", keyer=other)
    assert exc.value.code == "JR009" and "key check was changed" in str(exc.value)


def test_journal_chain_starts_at_the_key_check(journal: Journal, guidance: Decision, rules: CompiledRuleSet) -> None:
    """The first entry's ``prev_hash`` is derived from the key check, not a constant."""
    from aidrules.journal.entry import GENESIS, genesis

    _record(journal, guidance, rules, 1)
    first = journal.get(1)
    assert first.prev_hash == genesis(journal.store.key_check()) != GENESIS
    assert journal.verify() == []


@pytest.mark.parametrize(
    "spelling",
    [
        "85_07_30_033_28",
        "850730X03328",
        "85:07:30:033:28",
        "85,07,30,033,28",
        "RR85|07|30|033|28",
        "85O730X033+28",
        "8 5 0 7 3 0 0 3 3 2 8",
        "A850730B033C28D",
    ],
)
def test_national_register_number_in_any_spelling_is_refused_as_dossier_and_staff_id(spelling: str) -> None:
    """Catches a check that only removes dots, dashes, slashes and spaces: underscores, other
    separators or a letter between the digits carried a national register number into the journal
    as a dossier key or as ``--prepared-by``."""
    assert int("85073003328"[9:]) == 97 - int("85073003328"[:9]) % 97  # a made-up number with a valid check
    digits = "".join(c for c in spelling if c.isdigit())
    if digits != "85073003328":  # a letter O standing for a zero: the digits left carry no number
        assert not looks_like_national_number(spelling)
        return
    assert looks_like_national_number(spelling)
    with pytest.raises(AidrulesError) as dossier:
        check_reference(spelling)
    assert "national register number" in str(dossier.value) or "1 to 64" in str(dossier.value)
    with pytest.raises(AidrulesError):
        check_staff_id(spelling, "prepared_by")


@pytest.mark.parametrize("reference", ["BB-2025-0142", "2025/000142", "OCMW_HE_2024_17", "dossier-7", "X1"])
def test_pseudonymous_dossier_references_keep_working(reference: str) -> None:
    """Catches refusing every number: ordinary dossier numbers stay accepted."""
    assert check_reference(reference) == reference.upper()
    assert check_staff_id("mw-017", "prepared_by") == "mw-017"


def test_national_register_number_with_underscores_is_refused_by_record_decision(
    journal: Journal, guidance: Decision, rules: CompiledRuleSet
) -> None:
    """The whole path: ``record_decision`` refuses it as dossier and as preparer (JR001/JR004)."""
    with pytest.raises(JournalError) as dossier:
        journal.record_decision(guidance, rules, dossier="85_07_30_033_28", prepared_by="mw-017")
    assert dossier.value.code == "JR001"
    with pytest.raises(JournalError) as staff:
        journal.record_decision(guidance, rules, dossier="BB-2025-0142", prepared_by="850730X03328")
    assert staff.value.code == "JR004"
