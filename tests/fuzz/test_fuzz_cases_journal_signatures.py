"""Fuzzing cases under every name, review dates, damaged journals and edited signature envelopes.

The same two budgets as ``test_fuzz.py`` (default run and ``-m fuzz``). The property of each: no
exception other than the library's own (``AidrulesError``) escapes, and every refusal says where.
See docs/security.md, "Cases, journal and signatures: fuzzing", for the last long run.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from datetime import date
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import aidrules
from aidrules import AidrulesError, RuleSetError
from aidrules.facts.parse import parse_facts, read_case_text
from aidrules.journal import DossierKeyer, Journal, JournalError
from aidrules.lifecycle.engine import evaluate_review
from aidrules.lifecycle.model import parse_review_facts
from aidrules.registry.signing import keygen, sign, verify_bytes
from aidrules.ruleset.compiled import CompiledRuleSet

from .strategies import junk_values, mutated_case
from .test_fuzz import _twice, assert_refused_with_location, evaluate_or_refuse

NAMES = st.sampled_from(["case.json", "case.yaml", "case.yml", "<stdin>", "case.txt"])
CONSTANTS = st.sampled_from(["NaN", "Infinity", "-Infinity", "nan", ".nan", "-.inf", "1e99999"])
_NUMBER = re.compile(r"(?<![\w.\"])-?\d+(?:\.\d+)?(?![\w.\"-])")


@cache
def _reference() -> CompiledRuleSet:
    return aidrules.load("noord-limburg-budgethulp", date(2025, 9, 1))


@st.composite
def _case_under_any_name(draw: st.DrawFn) -> tuple[str, str]:
    """A hostile case, bare constants planted where numbers stood, read under any name."""
    _, text = draw(mutated_case())
    # the first numbers only: a mutated case may hold a list of thousands of items, and drawing
    # from every one of their numbers made hypothesis label a strategy of that many elements on
    # every draw (a full-suite run spent minutes and 8 GB in it)
    numbers = list(islice(_NUMBER.finditer(text), 64))
    for match in draw(st.lists(st.sampled_from(numbers), max_size=3, unique_by=lambda m: m.start())) if numbers else []:
        text = text[: match.start()] + draw(CONSTANTS) + text[match.end() :]
        break  # positions after the first replacement moved; one planted constant is enough
    return draw(NAMES), text


@_twice(_case_under_any_name(), examples=40, deadline=10)
def _cases_under_any_name(example: tuple[str, str]) -> None:
    """A hostile case read as JSON, YAML or by sniffing is decided or refused with a location, as
    case facts and as review facts."""
    name, text = example
    try:
        data = read_case_text(text, name)
    except AidrulesError as exc:
        assert_refused_with_location(exc)
        return
    try:
        facts = parse_facts(data)
    except AidrulesError as exc:
        assert_refused_with_location(exc)
    else:
        evaluate_or_refuse(_reference(), facts, None if facts.on else date(2025, 3, 1))
    try:
        review = parse_review_facts(data)
        evaluate_review(_reference(), review, date(2025, 9, 1))
    except AidrulesError as exc:
        assert exc.diagnostics and all(d.span is not None or d.path for d in exc.diagnostics), exc


test_cases_under_any_name_are_decided_or_refused, test_long_cases_under_any_name = _cases_under_any_name

#: Any day, most often near the end of the calendar or within the reference rule set's period.
ANY_DAY = st.one_of(
    st.dates(date(1, 1, 1), date(9999, 12, 31)),
    st.dates(date(9998, 1, 1), date(9999, 12, 31)),
    st.dates(date(2025, 2, 1), date(2027, 12, 31)),
)
LEVEL = st.sampled_from(["not_yet", "partly", "achieved"])


@st.composite
def _review_at_any_date(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "on": draw(ANY_DAY),
        "dossier": {
            "form": draw(st.sampled_from(["budget_guidance", "budget_management", "collective_debt_settlement"])),
            "started_on": draw(ANY_DAY),
            "last_review_on": draw(st.none() | ANY_DAY),
            "phase_out_started_on": draw(st.none() | ANY_DAY),
        },
        "progress": {
            "earn_enough": draw(LEVEL),
            "organise_money_matters": draw(LEVEL),
            "spend_responsibly": draw(LEVEL),
            "plan_ahead": draw(LEVEL),
            "months_without_new_debts": draw(st.integers(0, 600)),
        },
        "situation": {
            k: draw(st.booleans())
            for k in ("wants_to_stop", "cooperates", "moved_to_other_municipality", "transferred_to_csr", "deceased")
        },
    }


@_twice(_review_at_any_date(), examples=60, deadline=10)
def _reviews_at_any_date(facts: dict[str, Any]) -> None:
    """Review facts on any date from 0001-01-01 to 9999-12-31 are reviewed or refused with a path."""
    try:
        evaluate_review(_reference(), facts)
    except AidrulesError as exc:
        assert exc.diagnostics and all(d.path for d in exc.diagnostics), exc


test_reviews_at_any_date_are_reviewed_or_refused, test_long_reviews_at_any_date = _reviews_at_any_date

COLUMNS = [
    "kind", "status", "dossier_key", "decided_on", "outcome", "form", "stop_reason", "overdue", "review_due_on",
    "ruleset_id", "ruleset_version", "ruleset_fingerprint", "prepared_by", "approved_by", "decision_json",
    "labels_json", "recorded_at", "approves", "prev_hash", "entry_hash",
]  # fmt: skip
RAW_VALUES = st.one_of(
    st.binary(max_size=12),
    st.binary(max_size=12).map(lambda b: ("text", b)),  # bytes stored as TEXT, often not UTF-8
    st.text(max_size=12),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True),
    st.none(),
)


@cache
def _decision() -> Any:
    return _reference().evaluate({"client": {"consents": False}}, on=date(2025, 9, 1))


@_twice(
    st.lists(
        st.tuples(st.integers(1, 3), st.sampled_from([*COLUMNS, "key_check"]), RAW_VALUES), min_size=1, max_size=3
    ),
    examples=30,
    deadline=10,
)
def _damaged_journals(changes: list[tuple[int, str, Any]]) -> None:
    """A journal with values written around aidrules: verify lists problems (never raises), and
    reading refuses with JR009 or reads."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "journal.db"
        keyer = DossierKeyer(b"k" * 32)
        with Journal.open(path, keyer=keyer) as journal:
            for n in range(3):
                journal.record_decision(_decision(), _reference(), dossier=f"BB-{n}", prepared_by="a", approved_by="b")
        db = sqlite3.connect(path)
        for trigger in ("entries_no_update", "meta_no_update"):
            db.execute(f"DROP TRIGGER {trigger}")
        db.execute("PRAGMA ignore_check_constraints = ON")
        for entry_id, column, value in changes:
            if isinstance(value, tuple):
                sql_value, cast = value[1], "CAST(? AS TEXT)"
            else:
                sql_value, cast = value, "?"
            try:
                if column == "key_check":
                    db.execute(f"UPDATE meta SET value = {cast} WHERE key = 'key_check'", (sql_value,))
                else:
                    db.execute(f"UPDATE entries SET {column} = {cast} WHERE id = ?", (sql_value, entry_id))
            except sqlite3.Error:
                continue  # refused by the database itself (NOT NULL, UNIQUE)
        db.commit()
        db.close()
        try:
            with Journal.open(path, read_only=True) as reader:
                problems = reader.verify()
                assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
                try:
                    list(reader.entries())
                except JournalError as exc:
                    assert exc.code == "JR009", exc
        except JournalError as exc:
            assert exc.code in ("JR006", "JR009"), exc


test_damaged_journals_are_reported_not_crashed, test_long_damaged_journals = _damaged_journals


@cache
def _signed() -> tuple[Path, Path, bytes, dict[str, Any]]:
    directory = Path(tempfile.mkdtemp(prefix="aidrules-fuzz-sig-"))
    private, public = keygen(directory, "k")
    rules = directory / "minimal.yaml"
    rules.write_bytes((Path(__file__).resolve().parent.parent / "data" / "minimal.yaml").read_bytes())
    envelope = json.loads(sign(rules, private).read_text(encoding="utf-8"))
    return rules, public, rules.read_bytes(), envelope


@_twice(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["format", "algorithm", "key_id", "file", "sha256", "ruleset", "release", "signed_on", "expires", "x"]
            ),
            st.just("<delete>") | junk_values,
        ),
        min_size=1,
        max_size=3,
    ),
    examples=40,
    deadline=10,
)
def _edited_envelopes(edits: list[tuple[str, Any]]) -> None:
    """An edited signature envelope verifies only if nothing the signature covers changed; it is
    refused with the library's own error otherwise."""
    rules, public, data, envelope = _signed()
    record = dict(envelope)
    for field, value in edits:
        if value == "<delete>":
            record.pop(field, None)
        else:
            record[field] = value
    rules.with_name(rules.name + ".sig").write_text(json.dumps(record, default=str), encoding="utf-8")
    try:
        verify_bytes(rules, data, public)
    except RuleSetError as exc:
        assert exc.diagnostics[0].code in ("RS801", "RS802", "RS803", "RS807"), exc
        return
    # accepted: every covered claim (a missing one reads as null) and the signature are as signed
    accepted = json.loads(json.dumps(record, default=str))
    assert all(accepted.get(k) == v for k, v in envelope.items()), record


test_edited_signature_envelopes_are_refused, test_long_edited_signature_envelopes = _edited_envelopes
