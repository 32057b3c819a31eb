"""The PostgreSQL journal store: the guarantees of the SQLite store on a shared server.

For a regional service shared by several OCMWs: each OCMW's journal lives in its own schema of
one database (``postgresql://…/db?schema=ocmw_hechtel_eksel``; default ``aidrules_journal``),
with its own key check. The guarantees and how the database itself enforces them:

- **Append-only.** Statement triggers refuse ``UPDATE``, ``DELETE`` and ``TRUNCATE`` on the
  entries and on the journal's metadata (``TRUNCATE`` skips row triggers, hence statement
  triggers). The tables' owner also revokes those privileges from itself and from ``PUBLIC``, so
  a stray statement fails on permissions before it reaches a trigger. (A separate writer role
  with only ``SELECT, INSERT`` is the deployment we document: then not even dropping a trigger is
  possible for the service.)
- **Atomic entries, durable when acknowledged.** Each entry is one transaction, committed with
  ``synchronous_commit = on`` (set by the store, whatever the server's default): an entry the
  store returned survives a crash of the writer and of the server.
- **One hash chain under concurrent writers.** Appending takes a transaction-scoped advisory lock
  of the journal before it reads the last entry, so writers in any number of processes queue and
  never chain onto the same entry. The database does not rely on writers taking the lock: an
  insert trigger takes the same lock and refuses an entry whose ``id`` is not the next one or
  whose ``prev_hash`` is not the last entry's hash, and ``prev_hash`` is unique. Ids are given
  under the lock, not by a sequence, so they have no gaps.
- **A dropped connection** (a server restart, a fail-over) is replaced on the next call. An
  append whose connection was found dropped before its ``COMMIT`` was sent is sent once more
  (nothing had been written); one lost during ``COMMIT`` is reported (JR006), never repeated
  blindly, since it may have been written.
- **Four-eyes.** ``CHECK`` constraints as in SQLite (a final entry's approver is not its
  preparer; an undetermined outcome is never final); the trigger also checks that an approval
  points at an earlier draft of the same dossier, once (a unique index).

``psycopg`` (version 3) is an optional dependency, the ``aidrules[postgres]`` extra: this module
imports it at the top, and :func:`aidrules.journal.open_store` imports this module only for a
``postgresql://`` URL, so the core library never needs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors

from aidrules.journal.entry import GENESIS, EntryKind, JournalEntry, NewEntry, genesis
from aidrules.journal.errors import JournalError, SeparationOfDutiesError
from aidrules.journal.redact import redact_url, scrub
from aidrules.journal.store import entry_filters

#: Marks a schema as an aidrules journal (the metadata row ``format``).
FORMAT = "aidrules-journal"
SCHEMA_VERSION = 1
DEFAULT_SCHEMA = "aidrules_journal"
#: The first key of the advisory lock of a journal; the second is ``hashtext(schema)``.
LOCK_NAMESPACE = "aidrules.journal"
#: Rows read at a time when listing or verifying (keyset pages, no long-running transaction).
PAGE = 500
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_MAX_ID = 2**63 - 1

#: The safeguards ``verify`` expects to find enabled: (table, trigger).
TRIGGERS = (
    ("entries", "entries_chain"),
    ("entries", "entries_no_update"),
    ("entries", "entries_no_delete"),
    ("entries", "entries_no_truncate"),
    ("meta", "meta_no_update"),
    ("meta", "meta_no_delete"),
    ("meta", "meta_no_truncate"),
)

# {s} is the quoted schema name (checked against _SCHEMA_NAME, never user text otherwise).
_DDL = """
CREATE TABLE {s}.meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE {s}.entries (
    id bigint PRIMARY KEY CHECK (id >= 1),
    kind text NOT NULL CHECK (kind IN ('decision', 'review')),
    status text NOT NULL CHECK (status IN ('draft', 'final')),
    dossier_key text NOT NULL CHECK (dossier_key ~ '^dk_[0-9a-f]{{64}}$'),
    decided_on date NOT NULL,
    outcome text NOT NULL,
    form text,
    stop_reason text,
    overdue boolean,
    review_due_on date,
    ruleset_id text NOT NULL,
    ruleset_version text NOT NULL,
    ruleset_fingerprint text NOT NULL,
    prepared_by text NOT NULL CHECK (length(btrim(prepared_by)) > 0),
    approved_by text,
    decision_json text NOT NULL CHECK (decision_json::json IS NOT NULL),
    labels_json text NOT NULL CHECK (labels_json::json IS NOT NULL),
    recorded_at text NOT NULL,
    approves bigint,
    prev_hash text NOT NULL UNIQUE CHECK (prev_hash ~ '^[0-9a-f]{{64}}$'),
    entry_hash text NOT NULL UNIQUE CHECK (entry_hash ~ '^[0-9a-f]{{64}}$'),
    -- separation of duties: a final entry is approved by someone other than its preparer
    CONSTRAINT four_eyes CHECK ((status = 'draft' AND approved_by IS NULL)
        OR (status = 'final' AND approved_by IS NOT NULL
            AND lower(btrim(approved_by)) <> lower(btrim(prepared_by)))),
    CONSTRAINT determined_when_final CHECK (status = 'draft' OR outcome <> 'undetermined')
);
CREATE UNIQUE INDEX entries_approves ON {s}.entries (approves) WHERE approves IS NOT NULL;
CREATE INDEX entries_decided_on ON {s}.entries (decided_on);
CREATE INDEX entries_dossier ON {s}.entries (dossier_key);

CREATE FUNCTION {s}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON {s}.entries FOR EACH STATEMENT
    EXECUTE FUNCTION {s}.refuse_change('the journal is append-only: entries cannot be changed');
CREATE TRIGGER entries_no_delete BEFORE DELETE ON {s}.entries FOR EACH STATEMENT
    EXECUTE FUNCTION {s}.refuse_change('the journal is append-only: entries cannot be deleted');
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON {s}.entries FOR EACH STATEMENT
    EXECUTE FUNCTION {s}.refuse_change('the journal is append-only: entries cannot be deleted');
CREATE TRIGGER meta_no_update BEFORE UPDATE ON {s}.meta FOR EACH STATEMENT
    EXECUTE FUNCTION {s}.refuse_change('the journal metadata cannot be changed');
CREATE TRIGGER meta_no_delete BEFORE DELETE ON {s}.meta FOR EACH STATEMENT
    EXECUTE FUNCTION {s}.refuse_change('the journal metadata cannot be deleted');
CREATE TRIGGER meta_no_truncate BEFORE TRUNCATE ON {s}.meta FOR EACH STATEMENT
    EXECUTE FUNCTION {s}.refuse_change('the journal metadata cannot be deleted');

-- The chain continues from the last entry, whoever inserts: the lock is the one append() takes.
CREATE FUNCTION {s}.continue_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
    last_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('{lock}'), hashtext(TG_TABLE_SCHEMA));
    SELECT id, entry_hash INTO last_id, last_hash FROM {s}.entries ORDER BY id DESC LIMIT 1;
    IF NOT FOUND THEN
        -- the first entry starts at the genesis of the key check (aidrules.journal.entry.genesis)
        last_id := 0;
        SELECT encode(sha256(convert_to('aidrules-journal-genesis-v2' || chr(10) || value, 'UTF8')), 'hex')
            INTO last_hash FROM {s}.meta WHERE key = 'key_check';
    END IF;
    IF NEW.id IS DISTINCT FROM last_id + 1 OR NEW.prev_hash IS DISTINCT FROM last_hash THEN
        RAISE EXCEPTION 'the hash chain continues from entry % only: id % and prev_hash %',
            last_id, last_id + 1, last_hash USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.approves IS NOT NULL AND NOT EXISTS (
        SELECT FROM {s}.entries d
        WHERE d.id = NEW.approves AND d.status = 'draft' AND d.dossier_key = NEW.dossier_key
    ) THEN
        RAISE EXCEPTION 'entry % approves %, which is not an earlier draft of the same dossier',
            NEW.id, NEW.approves USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER entries_chain BEFORE INSERT ON {s}.entries FOR EACH ROW
    EXECUTE FUNCTION {s}.continue_chain();

-- A stray UPDATE, DELETE or TRUNCATE fails on privileges before it reaches a trigger.
REVOKE UPDATE, DELETE, TRUNCATE ON {s}.entries, {s}.meta FROM PUBLIC, CURRENT_USER;
"""

_COLUMNS = [f.name for f in fields(NewEntry)]
_ALL = ["id", *_COLUMNS, "prev_hash", "entry_hash"]


class PostgresJournalStore:
    """A journal in one schema of a PostgreSQL database. Use one store per thread (or process).

    Args:
        url: ``postgresql://[user[:password]@]host[:port]/database[?schema=NAME&…]``; every other
            query parameter is libpq's (``sslmode``, ``passfile``, …). Prefer a password file
            (``~/.pgpass``, ``PGPASSFILE``) to a password in the URL; messages never show it.
        key_check: the check value of the key; required to create a new journal.
        read_only: read without writing (listing, the yearly report, ``verify``); the journal
            must exist and the session is read-only.
    """

    def __init__(self, url: str, *, key_check: str | None = None, read_only: bool = False) -> None:
        self.url = redact_url(url)
        conninfo, self.schema, password = _split_url(url)
        self._password = password
        self._s = f'"{self.schema}"'
        self._conninfo = conninfo
        self._read_only = read_only
        self.db = self._connect()
        try:
            if self._state() == "absent":
                if read_only:
                    raise JournalError("JR006", f"no journal at {self.url}", "journal")
                if key_check is None:
                    raise JournalError("JR006", f"no journal at {self.url}; a new journal needs the key", "journal")
                self._create(key_check)
            self._check_format()
        except psycopg.Error as exc:
            self.db.close()
            raise JournalError(
                "JR006", f"{self.url} is not a usable journal: {self._message(exc)}", "journal"
            ) from None
        except BaseException:
            self.db.close()
            raise

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            db = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=10, application_name="aidrules")
        except psycopg.Error as exc:
            raise JournalError(
                "JR006",
                f"cannot connect to the journal database {self.url}: {self._message(exc)}",
                "journal",
                "check the URL, that the server runs and the role's password (e.g. in ~/.pgpass)",
            ) from None
        try:
            # durability when acknowledged does not depend on the server's configuration
            db.execute("SET synchronous_commit TO on")
            db.execute("SET default_transaction_isolation TO 'read committed'")
            if self._read_only:
                db.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        except psycopg.Error as exc:
            db.close()
            raise JournalError(
                "JR006", f"{self.url}: cannot set up the session: {self._message(exc)}", "journal"
            ) from None
        return db

    def _usable(self) -> psycopg.Connection[Any]:
        """The connection, a new one when the server dropped the old (a restart, a fail-over)."""
        if self.db.broken:
            self.db.close()
            self.db = self._connect()
        return self.db

    # -- set-up ---------------------------------------------------------------------------
    def _state(self) -> str:
        """``absent`` (no schema, or an empty one), ``present`` (has tables)."""
        row = self.db.execute(
            "SELECT count(c.oid) FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE n.nspname = %s",
            (self.schema,),
        ).fetchone()
        return "present" if row is not None and row[0] > 0 else "absent"

    def _lock(self) -> None:
        self.db.execute("SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))", (LOCK_NAMESPACE, self.schema))

    def _create(self, key_check: str) -> None:
        with self.db.transaction():
            self._lock()  # two processes creating the same journal: the second finds it made
            if self._state() == "absent":
                self.db.execute(f"CREATE SCHEMA IF NOT EXISTS {self._s}")
                self.db.execute(_DDL.format(s=self._s, lock=LOCK_NAMESPACE))
                self.db.execute(
                    f"INSERT INTO {self._s}.meta (key, value) VALUES "
                    "('format', %s), ('schema_version', %s), ('key_check', %s)",
                    (FORMAT, str(SCHEMA_VERSION), key_check),
                )

    def _meta(self) -> dict[str, str]:
        exists = self._fetch("SELECT to_regclass(%s) IS NOT NULL", [f"{self._s}.meta"]).fetchone()
        if exists is None or not exists[0]:
            return {}
        rows = self._fetch(f"SELECT key, value FROM {self._s}.meta", []).fetchall()
        return {str(k): str(v) for k, v in rows}

    def _check_format(self) -> None:
        meta = self._meta()
        if meta.get("format") != FORMAT:
            raise JournalError("JR006", f"{self.url} is not an aidrules journal", "journal")
        version = meta.get("schema_version")
        if version != str(SCHEMA_VERSION):
            raise JournalError(
                "JR006", f"{self.url} has journal format {version}; this version reads {SCHEMA_VERSION}", "journal"
            )

    def _message(self, exc: BaseException) -> str:
        """The server's message without the password (libpq does not echo it; make sure)."""
        diag = getattr(exc, "diag", None)
        primary = getattr(diag, "message_primary", None) if diag is not None else None
        return scrub(str(primary or exc).strip(), self._password)

    # -- the protocol ---------------------------------------------------------------------
    def key_check(self) -> str:
        """The key check of the journal, refused when it no longer matches the start of the chain."""
        check = self._stored_key_check()
        first = self._fetch(f"SELECT prev_hash FROM {self._s}.entries ORDER BY id LIMIT 1", []).fetchone()
        if first is not None and first[0] != genesis(check):
            raise JournalError(
                "JR009",
                f"{self.url}: the journal's key check was changed; it no longer matches the start of the chain",
                "journal",
                "restore the journal from a backup; run `aidrules journal verify`",
            )
        return check

    def _stored_key_check(self) -> str:
        value = self._meta().get("key_check")
        if value is None:
            raise JournalError("JR009", f"{self.url}: the journal's key check is missing", "journal")
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
        # a connection found dropped before the entry went to COMMIT: nothing was written, so the
        # entry is sent once more on a new connection; a connection lost during COMMIT is not
        written = self._append_once(entry, retry=True)
        if written is None:
            written = self._append_once(entry, retry=False)
        assert written is not None  # without retry, every failure raises
        return written

    def _append_once(self, entry: NewEntry, *, retry: bool) -> JournalEntry | None:
        committing = False
        try:
            db = self._usable()
            with db.transaction():
                self._lock()  # held until commit: the next writer reads this entry as the last
                row = db.execute(f"SELECT id, entry_hash FROM {self._s}.entries ORDER BY id DESC LIMIT 1").fetchone()
                new_id, prev = (int(row[0]) + 1, str(row[1])) if row else (1, genesis(self._stored_key_check()))
                digest = entry.hash_after(prev)
                values = [new_id, *(getattr(entry, name) for name in _COLUMNS), prev, digest]
                db.execute(
                    f"INSERT INTO {self._s}.entries ({', '.join(_ALL)}) VALUES ({', '.join('%s' for _ in _ALL)})",
                    values,
                )
                committing = True
        except (pg_errors.IntegrityError, pg_errors.DataError) as exc:
            raise JournalError("JR009", f"the journal refused the entry: {self._message(exc)}", "journal") from None
        except psycopg.OperationalError as exc:
            if retry and not committing and self.db.broken:
                return None
            raise JournalError(
                "JR006",
                f"{self.url}: cannot write: {self._message(exc)}",
                "journal",
                "the entry may or may not be written; check with `aidrules journal list` before recording again"
                if committing
                else None,
            ) from None
        except psycopg.Error as exc:
            raise JournalError("JR006", f"{self.url}: cannot write: {self._message(exc)}", "journal") from None
        return JournalEntry(
            **{name: getattr(entry, name) for name in _COLUMNS}, id=new_id, prev_hash=prev, entry_hash=digest
        )

    def get(self, entry_id: int) -> JournalEntry:
        row = None
        if 1 <= entry_id <= _MAX_ID:
            row = self._fetch(f"SELECT {', '.join(_ALL)} FROM {self._s}.entries WHERE id = %s", [entry_id]).fetchone()
        if row is None:
            raise JournalError("JR010", f"no entry {entry_id} in {self.url}", "id")
        return _from_row(row)

    def entries(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        dossier_key: str | None = None,
        kind: EntryKind | None = None,
    ) -> Iterator[JournalEntry]:
        where, args = entry_filters("%s", since=since, until=until, dossier_key=dossier_key, kind=kind)
        return self._pages(where, args)

    def _pages(self, where: list[str], args: list[Any]) -> Iterator[JournalEntry]:
        # pages by id: no transaction stays open while the caller works through the entries
        last = 0
        while True:
            clauses = " AND ".join(["id > %s", *where])
            rows = self._fetch(
                f"SELECT {', '.join(_ALL)} FROM {self._s}.entries WHERE {clauses} ORDER BY id LIMIT {PAGE}",
                [last, *args],
            ).fetchall()
            for row in rows:
                yield _from_row(row)
            if len(rows) < PAGE:
                return
            last = int(rows[-1][0])

    def _fetch(self, sql: str, args: list[Any]) -> psycopg.Cursor[Any]:
        for retry in (True, False):
            try:
                return self._usable().execute(sql, args)
            except psycopg.OperationalError as exc:
                if retry and self.db.broken:
                    continue  # reading is safe to repeat on a new connection
                raise JournalError("JR006", f"{self.url}: cannot read: {self._message(exc)}", "journal") from None
            except psycopg.Error as exc:
                raise JournalError("JR006", f"{self.url}: cannot read: {self._message(exc)}", "journal") from None
        raise AssertionError("unreachable")

    def verify(self) -> list[str]:
        problems: list[str] = []
        if "key_check" not in self._meta():
            problems.append("the journal's key check is missing")
        enabled = {
            (str(table), str(name))
            for table, name in self._fetch(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND t.tgenabled <> 'D'",
                [self.schema],
            ).fetchall()
        }
        for table, name in TRIGGERS:
            if (table, name) not in enabled:
                problems.append(f"the safeguard {name} on {table} was removed or disabled")
        check = self._meta().get("key_check")
        prev = genesis(check) if check is not None else GENESIS
        for entry in self._pages([], []):
            if entry.prev_hash != prev:
                problems.append(
                    f"entry {entry.id}: the chain does not start at the journal's key check (the key check "
                    "in meta was changed: another key could record under other pseudonyms)"
                    if entry.id == 1
                    else f"entry {entry.id}: the chain is broken (an entry before it was removed or changed)"
                )
            if entry.as_new().hash_after(entry.prev_hash) != entry.entry_hash:
                problems.append(f"entry {entry.id}: its content does not match its hash (it was changed)")
            prev = entry.entry_hash
        return problems

    def close(self) -> None:
        self.db.close()


def _split_url(url: str) -> tuple[str, str, str | None]:
    """libpq's URL without our ``schema`` parameter, the schema, and the password (to scrub)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [value for key, value in query if key == "schema"]
    schema = schemas[-1] if schemas else DEFAULT_SCHEMA
    if not _SCHEMA_NAME.fullmatch(schema):
        raise JournalError(
            "JR006",
            f"`{schema}` is not a usable schema name for a journal",
            "journal",
            "lower-case letters, digits and _, at most 63, not starting with a digit",
        )
    # %20 for a space, as libpq decodes it (urlencode would write +)
    rest = urlencode([(key, value) for key, value in query if key != "schema"], quote_via=quote)
    passwords = [value for key, value in query if key == "password"]
    password = parts.password or (passwords[-1] if passwords else None)
    return urlunsplit(parts._replace(query=rest)), schema, password


def _from_row(row: tuple[Any, ...]) -> JournalEntry:
    values = dict(zip(_ALL, row, strict=True))
    values["id"] = int(values["id"])
    if values["approves"] is not None:
        values["approves"] = int(values["approves"])
    return JournalEntry(**values)
