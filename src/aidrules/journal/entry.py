"""Journal entries: what is written (``NewEntry``) and what is read back (``JournalEntry``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any, Literal

EntryKind = Literal["decision", "review"]
EntryStatus = Literal["draft", "final"]

#: The hash of "no previous entry" at the start of the chain of journals written before the
#: chain covered the key check (see :func:`genesis`); still read and verified.
GENESIS = "0" * 64


def genesis(key_check: str) -> str:
    """The ``prev_hash`` of a journal's first entry: a hash of the journal's key check, so that the
    chain covers it. Changing ``key_check`` (to let another key record) breaks the chain at its
    first entry, as changing any entry does.
    """
    return hashlib.sha256(("aidrules-journal-genesis-v2\n" + key_check).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewEntry:
    """An entry to append. The store adds ``id``, ``prev_hash`` and ``entry_hash``."""

    kind: EntryKind
    status: EntryStatus
    dossier_key: str
    decided_on: date
    outcome: str
    form: str | None
    stop_reason: str | None
    overdue: bool | None
    review_due_on: date | None
    ruleset_id: str
    ruleset_version: str
    ruleset_fingerprint: str
    prepared_by: str
    approved_by: str | None
    decision_json: str
    labels_json: str
    recorded_at: str
    approves: int | None = None

    def hash_after(self, prev_hash: str) -> str:
        """sha256 over the previous hash and a canonical form of every field."""
        data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256((prev_hash + "\n" + blob).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalEntry(NewEntry):
    """One stored entry: the fields written, its sequence number and its place in the hash chain."""

    id: int
    prev_hash: str
    entry_hash: str

    def as_new(self) -> NewEntry:
        """The fields as they were written (what the hash covers)."""
        return NewEntry(**{f.name: getattr(self, f.name) for f in fields(NewEntry)})

    @property
    def decision(self) -> dict[str, Any]:
        """The decision (or review decision) JSON as stored."""
        data: dict[str, Any] = json.loads(self.decision_json)
        return data

    @property
    def labels(self) -> dict[str, dict[str, str]]:
        """Titles (nl/fr/en) of the principles, forms, conditions and stop reasons it refers to."""
        data: dict[str, dict[str, str]] = json.loads(self.labels_json)
        return data
