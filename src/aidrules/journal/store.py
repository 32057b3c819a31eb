"""The storage interface of the journal: append and read, never change.

SQLite (:mod:`aidrules.journal.sqlite`) is the embedded default, PostgreSQL
(:mod:`aidrules.journal.postgres`) the server store; another database can follow by implementing
this protocol. A store must be append-only, write each entry atomically (all of it
or nothing), keep the hash chain (``prev_hash`` of an entry is the ``entry_hash`` of the entry
before it) and refuse a final entry whose approver is its preparer, even when called directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Protocol

from aidrules.journal.entry import EntryKind, JournalEntry, NewEntry


class JournalStore(Protocol):
    def append(self, entry: NewEntry) -> JournalEntry:
        """Write one entry in its own transaction and return it as stored."""
        ...

    def get(self, entry_id: int) -> JournalEntry:
        """The entry with this id (JournalError JR010 when there is none)."""
        ...

    def entries(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        dossier_key: str | None = None,
        kind: EntryKind | None = None,
    ) -> Iterator[JournalEntry]:
        """Entries in the order they were written, filtered by decision date (inclusive) and more."""
        ...

    def key_check(self) -> str:
        """The check value of the key the journal was created with."""
        ...

    def verify(self) -> list[str]:
        """Problems found (database integrity, hash chain); empty when all is well."""
        ...

    def close(self) -> None: ...


def entry_filters(
    mark: str,
    *,
    since: Any = None,
    until: Any = None,
    dossier_key: str | None = None,
    kind: EntryKind | None = None,
) -> tuple[list[str], list[Any]]:
    """The WHERE clauses and arguments of :meth:`JournalStore.entries`, with the driver's
    parameter ``mark`` (``?`` or ``%s``); the dates as the store keeps them."""
    where: list[str] = []
    args: list[Any] = []
    for clause, value in (
        ("decided_on >= {}", since),
        ("decided_on <= {}", until),
        ("dossier_key = {}", dossier_key),
        ("kind = {}", kind),
    ):
        if value is not None:
            where.append(clause.format(mark))
            args.append(value)
    return where, args
