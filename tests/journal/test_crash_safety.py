"""A writing process killed mid-stream loses no committed entry and leaves the journal intact."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import aidrules
from aidrules.journal import DossierKeyer, Journal
from journal_locations import Locations

WRITER = Path(__file__).resolve().parent / "crash_writer.py"
#: Entries the writer must have confirmed before it is killed.
CONFIRMED_BEFORE_KILL = 150


def committed(path: Path) -> list[tuple[int, str]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").split("\n")
    # the last line may be cut off by the kill: only whole lines count
    return [(int(a), b) for a, b in (line.split() for line in lines[:-1])]


def test_every_committed_entry_survives_a_kill(tmp_path: Path, locations: Locations) -> None:
    """On both stores: SQLite's WAL is recovered; PostgreSQL aborts the killed writer's open
    transaction and releases its lock. Catches a store that acknowledges before it commits."""
    journal_url = locations.new()
    key_file = tmp_path / "ocmw.key"
    key_file.write_bytes(DossierKeyer.new_secret())
    confirmed_path = tmp_path / "committed.txt"
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), journal_url, str(key_file), str(confirmed_path)],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120  # a guard against a writer that never starts, not a timing check
        while len(committed(confirmed_path)) < CONFIRMED_BEFORE_KILL:
            assert writer.poll() is None, f"the writer stopped by itself: {writer.stderr.read()!r}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the writer did not confirm enough entries"
            time.sleep(0.01)
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait()
        assert writer.stderr is not None
        writer.stderr.close()
    assert writer.returncode == -signal.SIGKILL  # killed in the middle of the stream, not finished

    confirmed = committed(confirmed_path)
    assert len(confirmed) >= CONFIRMED_BEFORE_KILL
    if locations.backend == "sqlite":
        assert Path(journal_url + "-wal").exists()  # the kill left a write-ahead log to recover
        db = sqlite3.connect(journal_url)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.close()
    with Journal.open(journal_url, keyer=DossierKeyer.from_file(key_file)) as journal:
        stored = {e.id: e for e in journal.entries()}
        for entry_id, entry_hash in confirmed:
            assert entry_id in stored, f"committed entry {entry_id} was lost"
            assert stored[entry_id].entry_hash == entry_hash
        # at most the one entry committed after the last confirmation; ids without gaps
        assert len(confirmed) <= len(stored) <= len(confirmed) + 1
        assert sorted(stored) == list(range(1, len(stored) + 1))
        assert journal.verify() == []
        assert {(e.outcome, e.decided_on.isoformat()) for e in stored.values()} == {
            ("none", "2025-03-01"),
            ("none", "2025-03-02"),
        }
        # the killed writer holds nothing: the next entry continues the chain
        rules = aidrules.load(None, date(2025, 3, 1))
        decision = rules.evaluate({"client": {"consents": False}}, on=date(2025, 3, 1))
        after = journal.record_decision(
            decision, rules, dossier="BB-2025-9999", prepared_by="mw-1", approved_by="hmw-2"
        )
        assert (after.id, after.prev_hash) == (len(stored) + 1, stored[len(stored)].entry_hash)
        assert journal.verify() == []
