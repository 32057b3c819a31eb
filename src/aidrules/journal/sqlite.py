"""The SQLite journal store: append-only, crash-safe, with a hash chain.

- WAL mode and ``synchronous=FULL``: a committed entry survives a crash of the process (and of
  the machine); an entry being written when the process dies is either wholly there or absent.
- Every entry is one ``BEGIN IMMEDIATE`` transaction: the write lock is taken before the last
  hash is read, so two writers never chain onto the same entry.
- Triggers refuse ``UPDATE`` and ``DELETE`` on the entries and on the journal's metadata; a
  ``CHECK`` constraint refuses a final entry approved by its own preparer or left undetermined.
- ``PRAGMA application_id`` marks the file as an aidrules journal; ``user_version`` is the schema.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from aidrules.journal.entry import GENESIS, EntryKind, JournalEntry, NewEntry, genesis
from aidrules.journal.errors import JournalError, SeparationOfDutiesError
from aidrules.journal.store import entry_filters

#: "AIDR" — marks an aidrules journal.
APPLICATION_ID = 0x41494452
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('decision', 'review')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    dossier_key TEXT NOT NULL CHECK (dossier_key GLOB 'dk_*' AND length(dossier_key) = 67),
    decided_on TEXT NOT NULL CHECK (date(decided_on) = decided_on),
    outcome TEXT NOT NULL,
    form TEXT,
    stop_reason TEXT,
    overdue INTEGER CHECK (overdue IN (0, 1)),
    review_due_on TEXT CHECK (review_due_on IS NULL OR date(review_due_on) = review_due_on),
    ruleset_id TEXT NOT NULL,
    ruleset_version TEXT NOT NULL,
    ruleset_fingerprint TEXT NOT NULL,
    prepared_by TEXT NOT NULL CHECK (length(trim(prepared_by)) > 0),
    approved_by TEXT,
    decision_json TEXT NOT NULL CHECK (json_valid(decision_json)),
    labels_json TEXT NOT NULL CHECK (json_valid(labels_json)),
    recorded_at TEXT NOT NULL,
    approves INTEGER REFERENCES entries(id),
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL UNIQUE,
    -- separation of duties: a final entry is approved by someone other than its preparer
    CHECK ((status = 'draft' AND approved_by IS NULL)
        OR (status = 'final' AND approved_by IS NOT NULL
            AND lower(trim(approved_by)) <> lower(trim(prepared_by)))),
    CHECK (status = 'draft' OR outcome <> 'undetermined')
);
CREATE UNIQUE INDEX entries_approves ON entries(approves) WHERE approves IS NOT NULL;
CREATE INDEX entries_decided_on ON entries(decided_on);
CREATE INDEX entries_dossier ON entries(dossier_key);
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: entries cannot be changed'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: entries cannot be deleted'); END;
CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta
BEGIN SELECT RAISE(ABORT, 'the journal metadata cannot be changed'); END;
CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta
BEGIN SELECT RAISE(ABORT, 'the journal metadata cannot be deleted'); END;
"""

_COLUMNS = [f.name for f in fields(NewEntry)]
_INSERT = (
    f"INSERT INTO entries ({', '.join(_COLUMNS)}, prev_hash, entry_hash) "
    f"VALUES ({', '.join('?' for _ in _COLUMNS)}, ?, ?)"
)
_SELECT = f"SELECT id, {', '.join(_COLUMNS)}, prev_hash, entry_hash FROM entries"


class SQLiteJournalStore:
    """A journal in one SQLite file. Use one store per thread (or process).

    Args:
        path: the database file.
        key_check: the check value of the key; required to create a new journal.
        read_only: open without writing (the yearly report, ``verify``); the file must exist.
    """

    def __init__(self, path: str | Path, *, key_check: str | None = None, read_only: bool = False) -> None:
        self.path = Path(path)
        exists = self.path.exists()
        if read_only and not exists:
            raise JournalError("JR006", f"no journal at {self.path}", "journal")
        if not exists and key_check is None:
            raise JournalError("JR006", f"no journal at {self.path}; a new journal needs the key", "journal")
        try:
            if read_only:
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
            else:
                self.db = sqlite3.connect(self.path, isolation_level=None)
            # Text that is not UTF-8 (written around aidrules) is read, not fatal: each entry's
            # fields are checked in _from_row, so verify names the entry and reading refuses it.
            self.db.text_factory = _text
        except sqlite3.DatabaseError as exc:
            raise JournalError("JR006", f"{self.path} is not a usable journal: {exc}", "journal") from None
        try:
            self._open(exists, key_check, read_only)
        except BaseException:
            self.db.close()  # a refused file leaves no connection open behind it
            raise

    def _open(self, exists: bool, key_check: str | None, read_only: bool) -> None:
        try:
            self.db.execute("PRAGMA busy_timeout = 10000")
            if not read_only:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            if not exists or self._is_empty():
                assert key_check is not None
                self._create(key_check)
            self._check_format()
        except sqlite3.DatabaseError as exc:
            raise JournalError("JR006", f"{self.path} is not a usable journal: {exc}", "journal") from None

    # -- set-up ---------------------------------------------------------------------------
    def _is_empty(self) -> bool:
        row = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        app = self.db.execute("PRAGMA application_id").fetchone()[0]
        return bool(row[0] == 0 and app == 0)

    def _create(self, key_check: str) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                for statement in _SCHEMA.split(";\n"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute("INSERT INTO meta (key, value) VALUES ('key_check', ?)", (key_check,))
                self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _check_format(self) -> None:
        app = self.db.execute("PRAGMA application_id").fetchone()[0]
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if app != APPLICATION_ID:
            raise JournalError("JR006", f"{self.path} is not an aidrules journal", "journal")
        if version != SCHEMA_VERSION:
            raise JournalError(
                "JR006", f"{self.path} has journal format {version}; this version reads {SCHEMA_VERSION}", "journal"
            )

    # -- the protocol ---------------------------------------------------------------------
    def key_check(self) -> str:
        """The key check of the journal, refused when it no longer matches the start of the chain."""
        check = self._stored_key_check()
        first = self.db.execute("SELECT prev_hash FROM entries ORDER BY id LIMIT 1").fetchone()
        if first is not None and first[0] not in (GENESIS, genesis(check)):
            raise JournalError(
                "JR009",
                f"{self.path}: the journal's key check was changed; it no longer matches the start of the chain",
                "journal",
                "restore the journal from a backup; run `aidrules journal verify`",
            )
        return check

    def _stored_key_check(self) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'key_check'").fetchone()
        if row is None:
            raise JournalError("JR009", f"{self.path}: the journal's key check is missing", "journal")
        value = row[0]
        if not isinstance(value, str) or not _is_utf8(value):
            raise JournalError("JR009", f"{self.path}: the journal's key check is not text", "journal")
        return value

    def append(self, entry: NewEntry) -> JournalEntry:
        if entry.status == "final" and (
            entry.approved_by is None or entry.approved_by.strip().lower() == entry.prepared_by.strip().lower()
        ):
            raise SeparationOfDutiesError(
                "JR002",
                "a final entry needs an approver who is not its preparer",
                "approved_by",
                "separation of duties: another staff member (e.g. the head social worker) approves",
            )
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise JournalError("JR006", f"{self.path}: cannot write: {exc}", "journal") from None
        try:
            row = self.db.execute("SELECT entry_hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
            prev = str(row[0]) if row else genesis(self._stored_key_check())
            digest = entry.hash_after(prev)
            cursor = self.db.execute(_INSERT, (*_row(entry), prev, digest))
            new_id = cursor.lastrowid
            self.db.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            self.db.execute("ROLLBACK")
            raise JournalError("JR009", f"the journal refused the entry: {exc}", "journal") from None
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        assert new_id is not None
        return _entry(entry, new_id, prev, digest)

    def get(self, entry_id: int) -> JournalEntry:
        row = self.db.execute(f"{_SELECT} WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise JournalError("JR010", f"no entry {entry_id} in {self.path}", "id")
        return _from_row(row)

    def entries(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        dossier_key: str | None = None,
        kind: EntryKind | None = None,
    ) -> Iterator[JournalEntry]:
        where, args = entry_filters(
            "?",
            since=since.isoformat() if since else None,  # dates are ISO text in SQLite
            until=until.isoformat() if until else None,
            dossier_key=dossier_key,
            kind=kind,
        )
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        for row in self.db.execute(sql, args):
            yield _from_row(row)

    def verify(self) -> list[str]:
        problems = [f"integrity_check: {row[0]}" for row in self.db.execute("PRAGMA integrity_check") if row[0] != "ok"]
        try:
            check: str | None = self._stored_key_check()
        except JournalError as exc:
            problems.append(exc.diagnostics[0].message)
            check = None
        prev: str | None = None  # the first entry starts at the genesis of the key check (or the old zeros)
        first = True
        for row in self.db.execute(f"{_SELECT} ORDER BY id"):
            try:
                entry = _from_row(row)
            except JournalError as exc:  # a value written around aidrules: name the entry, go on
                problems.append(exc.diagnostics[0].message)
                prev, first = (row[-1] if isinstance(row[-1], str) else None), False
                continue
            if first and entry.prev_hash not in (GENESIS, genesis(check or "")):
                problems.append(
                    # ids count from 1 (AUTOINCREMENT): before entry 1 nothing can have been removed
                    f"entry {entry.id}: the chain does not start at the journal's key check (the key check "
                    "in meta was changed: another key could record under other pseudonyms)"
                    if entry.id == 1
                    else f"entry {entry.id}: the chain is broken (an entry before it was removed or changed)"
                )
            elif not first and entry.prev_hash != prev:
                problems.append(f"entry {entry.id}: the chain is broken (an entry before it was removed or changed)")
            if entry.as_new().hash_after(entry.prev_hash) != entry.entry_hash:
                problems.append(f"entry {entry.id}: its content does not match its hash (it was changed)")
            prev, first = entry.entry_hash, False
        return problems

    def close(self) -> None:
        self.db.close()


def _row(entry: NewEntry) -> tuple[Any, ...]:
    out: list[Any] = []
    for name in _COLUMNS:
        value = getattr(entry, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = int(value)
        out.append(value)
    return tuple(out)


def _text(data: bytes) -> str:
    """SQLite text as Python text; bytes that are not UTF-8 survive as surrogates (see _is_utf8)."""
    return data.decode("utf-8", "surrogateescape")


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: Columns that hold whole numbers (or NULL); every other column holds text.
_INTEGER_COLUMNS = frozenset({"id", "overdue", "approves"})
#: Columns that may be NULL (the schema's NOT NULL constraints say the same).
_NULLABLE = frozenset({"form", "stop_reason", "overdue", "review_due_on", "approved_by", "approves"})


def _from_row(row: tuple[Any, ...]) -> JournalEntry:
    """An entry as stored, or :class:`JournalError` JR009 naming the entry and the column whose
    value aidrules never writes (text that is not UTF-8, a blob, a number where text belongs)."""
    values = dict(zip(["id", *_COLUMNS, "prev_hash", "entry_hash"], row, strict=True))
    entry_id = values["id"]
    for column, value in values.items():
        if value is None and column in _NULLABLE:
            continue
        wanted = int if column in _INTEGER_COLUMNS else str
        if type(value) is not wanted or (isinstance(value, str) and not _is_utf8(value)):
            what = "text that is not UTF-8" if isinstance(value, str) else f"a value of type {type(value).__name__}"
            raise JournalError(
                "JR009",
                f"entry {entry_id}: `{column}` holds {what}; the entry was written or changed outside aidrules",
                "journal",
                "restore the journal from a backup; run `aidrules journal verify`",
            )
    try:
        values["decided_on"] = date.fromisoformat(values["decided_on"])
        if values["review_due_on"] is not None:
            values["review_due_on"] = date.fromisoformat(values["review_due_on"])
    except ValueError:
        raise JournalError(
            "JR009", f"entry {entry_id}: a date is not a date; the entry was changed outside aidrules", "journal"
        ) from None
    if values["overdue"] is not None:
        values["overdue"] = bool(values["overdue"])
    return JournalEntry(**values)


def _entry(entry: NewEntry, entry_id: int, prev: str, digest: str) -> JournalEntry:
    values = {name: getattr(entry, name) for name in _COLUMNS}
    return JournalEntry(**values, id=entry_id, prev_hash=prev, entry_hash=digest)
