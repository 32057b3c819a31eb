"""A journal writer for the crash-safety test: writes entries until it is killed.

Usage: python crash_writer.py JOURNAL KEY_FILE COMMITTED_FILE  (JOURNAL: a path or a URL)

After each committed entry it appends ``<id> <entry_hash>`` to COMMITTED_FILE and flushes it, so
the test knows exactly which entries the journal confirmed before the process died.
"""

from __future__ import annotations

import sys
from datetime import date

import aidrules
from aidrules.journal import DossierKeyer, Journal


def main(journal_path: str, key_file: str, committed_path: str) -> None:
    rules = aidrules.load(None, date(2025, 3, 1))
    decisions = [
        rules.evaluate({"client": {"consents": False}}, on=date(2025, 3, 1)),
        rules.evaluate({"client": {"consents": False, "motivation": 0}}, on=date(2025, 3, 2)),
    ]
    with (
        Journal.open(journal_path, keyer=DossierKeyer.from_file(key_file)) as journal,
        open(committed_path, "a", encoding="utf-8") as committed,
    ):
        n = 0
        while True:  # until SIGKILL
            entry = journal.record_decision(
                decisions[n % 2], rules, dossier=f"BB-2025-{n:06d}", prepared_by="mw-017", approved_by="hmw-003"
            )
            committed.write(f"{entry.id} {entry.entry_hash}\n")
            committed.flush()
            n += 1


if __name__ == "__main__":
    main(*sys.argv[1:4])
