"""The PostgreSQL store's own safeguards, attacked through raw connections to the database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import errors as pg_errors
from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.engine.decision import Decision
from aidrules.journal import DossierKeyer, Journal, JournalError, NewEntry
from aidrules.journal.entry import genesis
from aidrules.journal.postgres import TRIGGERS
from aidrules.ruleset.compiled import CompiledRuleSet
from journal_locations import Locations, with_schema


@pytest.fixture
def pg(postgres_server: str, tmp_path: Any) -> Iterator[Locations]:
    where = Locations("postgresql", tmp_path, postgres_server)
    yield where
    where.drop()


@pytest.fixture
def url(pg: Locations) -> str:
    return pg.new()


def schema_of(url: str) -> str:
    return url.rsplit("schema=", 1)[1]


def raw(url: str) -> psycopg.Connection[Any]:
    """A connection as the journal's own role, outside the library."""
    return psycopg.connect(url.rsplit("?", 1)[0], autocommit=True)


def three_entries(url: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet) -> None:
    with Journal.open(url, keyer=keyer) as journal:
        for n in range(3):
            journal.record_decision(
                guidance, rules, dossier=f"BB-2025-{n:04d}", prepared_by="mw-017", approved_by="hmw-3"
            )


def row_of(db: psycopg.Connection[Any], schema: str, entry_id: int) -> dict[str, Any]:
    names = ["id", *(f.name for f in fields(NewEntry)), "prev_hash", "entry_hash"]
    row = db.execute(f'SELECT {", ".join(names)} FROM "{schema}".entries WHERE id = %s', (entry_id,)).fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


def insert(db: psycopg.Connection[Any], schema: str, values: dict[str, Any]) -> None:
    db.execute(
        f'INSERT INTO "{schema}".entries ({", ".join(values)}) VALUES ({", ".join("%s" for _ in values)})',
        list(values.values()),
    )


CHANGES = [
    "UPDATE {s}.entries SET outcome = 'none' WHERE id = 1",
    "DELETE FROM {s}.entries WHERE id = 3",
    "TRUNCATE {s}.entries",
    "UPDATE {s}.meta SET value = 'x' WHERE key = 'key_check'",
    "DELETE FROM {s}.meta",
    "TRUNCATE {s}.meta",
]


@pytest.mark.parametrize("sql", CHANGES)
def test_update_delete_and_truncate_through_a_raw_connection_are_refused(
    url: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet, sql: str
) -> None:
    """Catches a store that relies on its library to stay append-only (and a TRUNCATE, which
    no row trigger sees): the owner's own connection is refused by privileges and, with the
    privileges granted back, by the triggers."""
    three_entries(url, keyer, guidance, rules)
    s = f'"{schema_of(url)}"'
    with raw(url) as db:
        with pytest.raises(pg_errors.InsufficientPrivilege):
            db.execute(sql.format(s=s))
        # the owner gives the privileges back to itself: the triggers still refuse
        db.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON {s}.entries, {s}.meta TO CURRENT_USER")
        with pytest.raises(pg_errors.IntegrityError, match=r"append-only|cannot be"):
            db.execute(sql.format(s=s))
    with Journal.open(url, keyer=keyer) as journal:
        assert [e.outcome for e in journal.entries()] == ["budget_guidance"] * 3
        assert journal.verify() == []


def test_a_raw_insert_cannot_fork_the_chain_or_leave_a_gap(
    url: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet
) -> None:
    """Catches a chain kept only by well-behaved writers: an insert that does not take the lock
    and chains onto an older entry, or skips an id, is refused by the database."""
    three_entries(url, keyer, guidance, rules)
    schema = schema_of(url)
    with raw(url) as db:
        second = row_of(db, schema, 2)
        fork = {**second, "id": 4, "entry_hash": "a" * 64}  # chains onto entry 1, like entry 2
        with pytest.raises(pg_errors.IntegrityError, match="continues from entry 3"):
            insert(db, schema, fork)
        last = row_of(db, schema, 3)
        gap = {**second, "id": 5, "prev_hash": last["entry_hash"], "entry_hash": "b" * 64}
        with pytest.raises(pg_errors.IntegrityError, match="continues from entry 3"):
            insert(db, schema, gap)
        # the right place but a made-up hash: the database takes it, verify() finds it
        forged = {**second, "id": 4, "prev_hash": last["entry_hash"], "entry_hash": "c" * 64}
        insert(db, schema, forged)
    with Journal.open(url, keyer=keyer) as journal:
        assert journal.verify() == ["entry 4: its content does not match its hash (it was changed)"]


def test_the_database_refuses_self_approval_even_without_the_library(
    url: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet
) -> None:
    """Catches four-eyes kept only in Python: a raw insert of a self-approved final entry."""
    three_entries(url, keyer, guidance, rules)
    schema = schema_of(url)
    with raw(url) as db:
        last = row_of(db, schema, 3)
        values = {**last, "id": 4, "prev_hash": last["entry_hash"], "entry_hash": "d" * 64, "approved_by": "MW-017 "}
        with pytest.raises(pg_errors.CheckViolation, match="four_eyes"):
            insert(db, schema, values)
        values = {**values, "approved_by": "hmw-3", "outcome": "undetermined"}
        with pytest.raises(pg_errors.CheckViolation, match="determined_when_final"):
            insert(db, schema, values)


def test_an_approval_must_point_at_an_earlier_draft_of_the_same_dossier(
    url: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet
) -> None:
    """Catches an approval forged onto a final entry or onto another dossier's draft."""
    with Journal.open(url, keyer=keyer) as journal:
        draft = journal.record_decision(guidance, rules, dossier="BB-2025-0001", prepared_by="mw-017")
        final = journal.record_decision(
            guidance, rules, dossier="BB-2025-0002", prepared_by="mw-017", approved_by="hmw-3"
        )
        for approves, dossier_key in ((final.id, final.dossier_key), (draft.id, final.dossier_key)):
            forged = NewEntry(**{**_fields(final), "approves": approves, "dossier_key": dossier_key})
            with pytest.raises(JournalError) as info:
                journal.store.append(forged)
            assert info.value.code == "JR009" and "not an earlier draft" in str(info.value)
        approval = journal.approve(draft.id, approved_by="hmw-3")
        assert (approval.approves, approval.dossier_key) == (draft.id, draft.dossier_key)
        assert journal.verify() == []


def _fields(entry: NewEntry) -> dict[str, Any]:
    return {f.name: getattr(entry, f.name) for f in fields(NewEntry)}


def test_verify_finds_removed_safeguards_and_a_changed_entry(
    url: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet
) -> None:
    """Catches a verify() that trusts the database: a DBA who removes the safeguards and changes
    an entry is found by the chain, and the missing triggers are named."""
    three_entries(url, keyer, guidance, rules)
    s = f'"{schema_of(url)}"'
    with raw(url) as db:
        db.execute(f"GRANT UPDATE, DELETE ON {s}.entries TO CURRENT_USER")
        db.execute(f"ALTER TABLE {s}.entries DISABLE TRIGGER entries_no_update")
        db.execute(f"DROP TRIGGER entries_no_delete ON {s}.entries")
        db.execute(f"UPDATE {s}.entries SET outcome = 'none' WHERE id = 2")
        db.execute(f"DELETE FROM {s}.entries WHERE id = 1")
    with Journal.open(url, read_only=True) as journal:
        assert journal.verify() == [
            "the safeguard entries_no_update on entries was removed or disabled",
            "the safeguard entries_no_delete on entries was removed or disabled",
            "entry 2: the chain is broken (an entry before it was removed or changed)",
            "entry 2: its content does not match its hash (it was changed)",
        ]
    assert len(TRIGGERS) == 7


def test_a_read_only_journal_session_cannot_write(
    url: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet
) -> None:
    """Catches a read-only open that only hides the writing methods: the session itself refuses."""
    three_entries(url, keyer, guidance, rules)
    with Journal.open(url, read_only=True) as journal:
        entry = journal.get(3)
        with pytest.raises(JournalError) as info:
            journal.store.append(NewEntry(**{**_fields(entry), "approves": None}))
        assert info.value.code == "JR006" and "read-only" in str(info.value)


def test_two_ocmws_share_a_database_with_separate_journals(
    pg: Locations, guidance: Decision, rules: CompiledRuleSet
) -> None:
    """Catches journals that see each other's entries or share one chain or key in one database."""
    hechtel, peer = pg.new(), pg.new()
    key_a, key_b = DossierKeyer(b"a" * 32), DossierKeyer(b"b" * 32)
    with Journal.open(hechtel, keyer=key_a) as a, Journal.open(peer, keyer=key_b) as b:
        a.record_decision(guidance, rules, dossier="BB-2025-0001", prepared_by="mw-1", approved_by="hmw-2")
        first_b = b.record_decision(guidance, rules, dossier="BB-2025-0001", prepared_by="mw-7", approved_by="hmw-8")
        a.record_decision(guidance, rules, dossier="BB-2025-0002", prepared_by="mw-1", approved_by="hmw-2")
        assert [e.prepared_by for e in a.entries()] == ["mw-1", "mw-1"]
        assert [e.prepared_by for e in b.entries()] == ["mw-7"]
        assert first_b.id == 1 and first_b.prev_hash == genesis(key_b.check_value())  # its own chain, from its key
        assert a.verify() == [] and b.verify() == []
    with pytest.raises(JournalError) as info:
        Journal.open(peer, keyer=key_a)
    assert info.value.code == "JR005"


def test_a_schema_that_is_not_a_journal_is_refused(url: str) -> None:
    """Catches a store that writes its tables next to someone else's."""
    schema = schema_of(url)
    with raw(url) as db:
        db.execute(f'CREATE SCHEMA "{schema}"')
        db.execute(f'CREATE TABLE "{schema}".invoices (id int)')
    with pytest.raises(JournalError) as info:
        Journal.open(url, keyer=DossierKeyer(b"a" * 32))
    assert info.value.code == "JR006" and "not an aidrules journal" in str(info.value)


@pytest.mark.parametrize("schema", ['x"; DROP SCHEMA public CASCADE; --', "Journal", "1st", "a" * 64, ""])
def test_a_schema_name_that_is_not_a_plain_identifier_is_refused(postgres_server: str, schema: str) -> None:
    """Catches a schema name pasted into SQL: only lower-case identifiers are accepted."""
    with pytest.raises(JournalError) as info:
        Journal.open(with_schema(postgres_server, schema), keyer=DossierKeyer(b"a" * 32))
    assert info.value.code == "JR006" and "schema name" in str(info.value)


def test_no_dossier_number_is_stored(url: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet) -> None:
    """Catches a store that keeps the reference somewhere: every row of the journal's tables."""
    with Journal.open(url, keyer=keyer) as journal:
        journal.record_decision(guidance, rules, dossier="BB-2025-0142", prepared_by="mw-017", approved_by="hmw-3")
    s = f'"{schema_of(url)}"'
    with raw(url) as db:
        rows = db.execute(f"SELECT row_to_json(e)::text FROM {s}.entries e UNION ALL SELECT value FROM {s}.meta")
        blob = "\n".join(r[0] for r in rows.fetchall())
    assert "dk_" in blob  # the rows were read
    assert "BB-2025-0142" not in blob.upper() and "2025-0142" not in blob


def test_a_password_in_the_url_is_never_shown(postgres_server: str, tmp_path: Any) -> None:
    """Catches a message or CLI line that echoes the URL as given: a wrong password, an unknown
    database and a successful verify all show the URL with ***."""
    secret = "Sup3rSecretPassw0rd"
    server = postgres_server.replace("aidrules:aidrules@", f"aidrules:{secret}@")
    assert secret in server
    with pytest.raises(JournalError) as info:
        Journal.open(server, read_only=True)
    assert info.value.code == "JR006" and "password authentication failed" in str(info.value)
    assert secret not in str(info.value) and "aidrules:***@" in str(info.value)
    runner = CliRunner()
    result = runner.invoke(app, ["journal", "verify", "--journal", server])
    assert result.exit_code == 2 and secret not in result.output
    where = Locations("postgresql", tmp_path, postgres_server)
    try:
        good = where.new()
        Journal.open(good, keyer=DossierKeyer(b"a" * 32)).close()
        password = postgres_server.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
        result = runner.invoke(app, ["journal", "verify", "--journal", good], env={"LC_ALL": "en_GB.UTF-8"})
        assert result.exit_code == 0, result.output
        assert "0 entries, database and hash chain intact" in result.output
        assert f":{password}@" not in result.output and ":***@" in result.output
    finally:
        where.drop()


CASE = """\
on: 2025-03-01
household: {category: single, adults: 1, children: []}
client: {consents: true, shares_information: true, participates: true, motivation: 3,
         budgeting_skills: adequate, wants_to_keep_control: true}
incomes: [{kind: wage, monthly_net: 1700.00, stable: true}]
expenses: [{kind: rent, monthly: 650.00}, {kind: energy, monthly: 120.00}]
debts: [{creditor: Energieleverancier NV, kind: energy, amount: 3000.00, enforcement: reminder}]
signals: {eviction_threat: false, utility_cutoff_threat: false, income_seized: false}
"""


def test_the_command_line_records_lists_and_reports_the_same_on_both_stores(url: str, tmp_path: Any) -> None:
    """Catches a --journal option that only takes a file: the same commands on a SQLite file and
    on a PostgreSQL URL give the same list and the same yearly report."""
    runner = CliRunner()
    case = tmp_path / "case.yaml"
    case.write_text(CASE, encoding="utf-8")
    key = tmp_path / "ocmw.key"
    assert runner.invoke(app, ["journal", "new-key", "--out", str(key)]).exit_code == 0
    outputs = []
    for journal in (str(tmp_path / "journal.db"), url):
        common = ["--journal", journal, "--key-file", str(key)]
        steps = [
            ["journal", "record-decision", str(case), *common, "--dossier", "BB-2025-0001", "--prepared-by", "mw-1"],
            ["journal", "approve", "1", *common, "--approved-by", "hmw-2"],
            ["journal", "record-decision", str(case), *common, "--dossier", "BB-2025-0002", "--prepared-by", "mw-1"],
        ]
        for step in steps:
            result = runner.invoke(app, step)
            assert result.exit_code == 0, result.output
        listed = runner.invoke(app, ["journal", "list", "--journal", journal, "--format", "json"])
        report = runner.invoke(app, ["report", "--journal", journal, "--year", "2025", "--format", "markdown"])
        assert listed.exit_code == 0 and report.exit_code == 0, listed.output + report.output
        outputs.append((listed.stdout, report.stdout))
    assert outputs[0] == outputs[1]
    listed_rows = outputs[1][0]
    assert '"status": "final"' in listed_rows and '"approved_by": "hmw-2"' in listed_rows


def test_a_service_role_that_may_only_read_and_add_cannot_touch_the_safeguards(
    pg: Locations, postgres_server: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet
) -> None:
    """The production set-up of docs/lifecycle.md: the owner creates the journal, the service
    logs in as a role granted only SELECT and INSERT. Catches grants that are too wide (the
    service could drop a trigger, then change entries) or too narrow (it could not record)."""
    url = pg.new()
    three_entries(url, keyer, guidance, rules)
    writer = f"{urlsplit(postgres_server).username}_writer"
    s = f'"{schema_of(url)}"'
    with raw(url) as db:
        if db.execute("SELECT FROM pg_roles WHERE rolname = %s", (writer,)).fetchone() is None:
            pytest.fail(f"the role {writer} is missing: run `bash scripts/ensure-postgres.sh`", pytrace=False)
        # the grants of docs/lifecycle.md, word for word
        db.execute(f'GRANT USAGE ON SCHEMA {s} TO "{writer}"')
        db.execute(f'GRANT SELECT, INSERT ON {s}.entries TO "{writer}"')
        db.execute(f'GRANT SELECT ON {s}.meta TO "{writer}"')
    # the service's connection acts as the writer role (libpq options, a space as %20)
    service = f"{url}&options=-c%20role%3D{writer}"
    with Journal.open(service, keyer=keyer) as journal:
        assert journal.store.db.execute("SELECT current_user").fetchone() == (writer,)  # type: ignore[attr-defined]
        entry = journal.record_decision(
            guidance, rules, dossier="BB-2025-0004", prepared_by="mw-1", approved_by="hmw-2"
        )
        assert entry.id == 4 and journal.verify() == []
    with raw(url) as db:
        db.execute(f'SET ROLE "{writer}"')
        for sql in (
            f"DROP TRIGGER entries_no_update ON {s}.entries",
            f"ALTER TABLE {s}.entries DISABLE TRIGGER USER",
            f"UPDATE {s}.entries SET outcome = 'none'",
            f"DELETE FROM {s}.entries",
            f"TRUNCATE {s}.entries",
            f"INSERT INTO {s}.meta (key, value) VALUES ('key_check', 'x')",
            f"DROP TABLE {s}.entries",
        ):
            with pytest.raises(pg_errors.InsufficientPrivilege):
                db.execute(sql)
        # granting itself more only warns ("no privileges were granted") and changes nothing
        db.execute(f"GRANT UPDATE, DELETE ON {s}.entries TO CURRENT_USER")
        privileges = db.execute(
            "SELECT has_table_privilege(%s, %s, 'UPDATE'), has_table_privilege(%s, %s, 'DELETE')",
            (writer, f"{s}.entries", writer, f"{s}.entries"),
        ).fetchone()
        assert privileges == (False, False)
    with Journal.open(url, read_only=True) as journal:
        assert [e.id for e in journal.entries()] == [1, 2, 3, 4] and journal.verify() == []


def test_a_dropped_connection_is_replaced_without_losing_or_doubling_an_entry(
    url: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet
) -> None:
    """A server restart or fail-over drops a long-running service's connection. Catches a store
    that fails every later call (the service would need a restart) or that sends an entry twice."""
    three_entries(url, keyer, guidance, rules)
    with Journal.open(url, keyer=keyer) as journal, raw(url) as admin:
        store: Any = journal.store

        def drop() -> int:
            pid = int(store.db.info.backend_pid)
            assert admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,)).fetchone() == (True,)
            return pid

        old = drop()
        assert [e.id for e in journal.entries()] == [1, 2, 3]  # a read reconnects
        assert store.db.info.backend_pid != old
        old = drop()
        entry = journal.record_decision(
            guidance, rules, dossier="BB-2025-0004", prepared_by="mw-1", approved_by="hmw-2"
        )
        assert store.db.info.backend_pid != old
        assert entry.id == 4
        assert [e.id for e in journal.entries()] == [1, 2, 3, 4] and journal.verify() == []


def test_a_key_check_changed_behind_the_safeguards_is_found_and_refused(
    url: str, keyer: DossierKeyer, guidance: Decision, rules: CompiledRuleSet
) -> None:
    """Catches a chain that starts at a constant: the journal's owner can grant itself UPDATE on
    ``meta``, switch the trigger off, put the check of another key in, and switch the trigger on
    again, so `verify` sees every safeguard in place. The chain starts at the key check, so the
    change is found and the other key is refused."""
    three_entries(url, keyer, guidance, rules)
    other = DossierKeyer(b"another-key-of-someone-else-0123456789abcdef")
    s = f'"{schema_of(url)}"'
    with raw(url) as db:
        db.execute(f"GRANT UPDATE ON {s}.meta TO CURRENT_USER")
        db.execute(f"ALTER TABLE {s}.meta DISABLE TRIGGER meta_no_update")
        db.execute(f"UPDATE {s}.meta SET value = %s WHERE key = 'key_check'", (other.check_value(),))
        db.execute(f"ALTER TABLE {s}.meta ENABLE TRIGGER meta_no_update")
    with Journal.open(url, read_only=True) as reader:
        assert reader.verify() == [
            "entry 1: the chain does not start at the journal's key check (the key check in meta was changed: "
            "another key could record under other pseudonyms)"
        ]
    with pytest.raises(JournalError) as exc:
        Journal.open(url, keyer=other)
    assert exc.value.code == "JR009" and "key check was changed" in str(exc.value)
