"""Several processes appending at once keep one hash chain, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from aidrules.journal import DossierKeyer, Journal
from journal_locations import Locations

WRITER = Path(__file__).resolve().parent / "concurrent_writer.py"
PROCESSES = 4
ENTRIES_EACH = 200


def test_concurrent_writers_in_several_processes_keep_one_valid_chain(tmp_path: Path, locations: Locations) -> None:
    """Four processes × 200 entries into one journal, started together.

    Catches a store that reads the last hash before it holds the write lock (two entries would
    chain onto the same one: a fork that verify() reports as a broken chain), that numbers
    entries from a sequence (gaps after a refused entry), or that loses an acknowledged entry.
    """
    journal_url = locations.new()
    key_file = tmp_path / "ocmw.key"
    key_file.write_bytes(DossierKeyer.new_secret())
    Journal.open(journal_url, keyer=DossierKeyer.from_file(key_file)).close()
    start = tmp_path / "start"
    outs = [tmp_path / f"writer-{n}.txt" for n in range(PROCESSES)]
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), journal_url, str(key_file), str(n), str(ENTRIES_EACH), str(start), str(out)],
            stderr=subprocess.PIPE,
        )
        for n, out in enumerate(outs)
    ]
    try:
        deadline = time.monotonic() + 120  # a guard against writers that never start, not a timing check
        while not all(Path(f"{out}.ready").exists() for out in outs):
            assert all(w.poll() is None for w in writers), "a writer stopped before the start"
            assert time.monotonic() < deadline, "the writers did not get ready"
            time.sleep(0.01)
        start.touch()
        for w in writers:
            _, err = w.communicate(timeout=300)
            assert w.returncode == 0, err.decode()
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
                w.wait()

    confirmed = [line.split() for out in outs for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(confirmed) == PROCESSES * ENTRIES_EACH
    with Journal.open(journal_url, read_only=True) as journal:
        stored = {e.id: e for e in journal.entries()}
        assert sorted(stored) == list(range(1, PROCESSES * ENTRIES_EACH + 1))  # no gaps, nothing extra
        for entry_id, entry_hash in confirmed:
            assert stored[int(entry_id)].entry_hash == entry_hash
        assert journal.verify() == []
        # one chain: every entry but the first follows exactly one other
        assert len({e.prev_hash for e in stored.values()}) == len(stored)
        assert {e.prepared_by for e in stored.values()} == {f"mw-{n}" for n in range(PROCESSES)}
