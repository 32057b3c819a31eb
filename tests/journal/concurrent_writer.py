"""A journal writer for the concurrency test: waits for a start file, then appends N entries.

Usage: python concurrent_writer.py JOURNAL KEY_FILE WRITER N START_FILE OUT_FILE

JOURNAL is a path or a URL. Each confirmed entry is written to OUT_FILE as ``<id> <entry_hash>``.
All writers load the rule set first and start together, so their appends really interleave.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import aidrules
from aidrules.journal import DossierKeyer, Journal


def main(journal_url: str, key_file: str, writer: str, count: str, start: str, out: str) -> None:
    rules = aidrules.load(None, date(2025, 3, 1))
    decision = rules.evaluate({"client": {"consents": False}}, on=date(2025, 3, 1))
    with Journal.open(journal_url, keyer=DossierKeyer.from_file(key_file)) as journal:
        Path(out + ".ready").touch()
        while not Path(start).exists():
            time.sleep(0.005)
        with open(out, "w", encoding="utf-8") as confirmed:
            for n in range(int(count)):
                entry = journal.record_decision(
                    decision, rules, dossier=f"BB-{writer}-{n:06d}", prepared_by=f"mw-{writer}", approved_by="hmw-1"
                )
                confirmed.write(f"{entry.id} {entry.entry_hash}\n")


if __name__ == "__main__":
    main(*sys.argv[1:7])
