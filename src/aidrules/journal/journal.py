"""Recording decisions and reviews in the journal (the Python API).

Example:
    >>> import aidrules, tempfile, pathlib
    >>> from datetime import date
    >>> rules = aidrules.load()
    >>> decision = rules.evaluate({"client": {"consents": False}}, on=date(2025, 3, 1))
    >>> keyer = DossierKeyer(b"a secret of at least thirty-two bytes!")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "journal.db"
    >>> with Journal.open(path, keyer=keyer) as journal:
    ...     entry = journal.record_decision(decision, rules, dossier="BB-2025-0142",
    ...                                     prepared_by="mw-017", approved_by="hmw-003")
    >>> entry.outcome, entry.status, entry.dossier_key.startswith("dk_")
    ('none', 'final', True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from aidrules.engine.decision import Decision
from aidrules.journal.entry import EntryKind, EntryStatus, JournalEntry, NewEntry
from aidrules.journal.errors import JournalError, SeparationOfDutiesError
from aidrules.journal.keys import DossierKeyer, check_reference, check_staff_id
from aidrules.journal.labels import decision_labels, review_labels
from aidrules.journal.store import JournalStore
from aidrules.journal.stores import open_store
from aidrules.lifecycle.dates import add_months_at
from aidrules.lifecycle.decision import ReviewDecision
from aidrules.ruleset.compiled import CompiledRuleSet

Clock = Callable[[], datetime]

#: References shorter than this are not searched for in the decision JSON (too many false hits).
MIN_SEARCHED_REFERENCE = 6


class Journal:
    """The decision journal: append-only, pseudonymous, with separation of duties."""

    def __init__(self, store: JournalStore, keyer: DossierKeyer | None = None, clock: Clock | None = None) -> None:
        self.store = store
        self.keyer = keyer
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        if keyer is not None and store.key_check() != keyer.check_value():
            raise JournalError(
                "JR005",
                "this key does not belong to this journal; every dossier would get a second pseudonym",
                "key",
                "use the key the journal was created with",
            )

    @classmethod
    def open(
        cls, path: str | Path, *, keyer: DossierKeyer | None = None, read_only: bool = False, clock: Clock | None = None
    ) -> Journal:
        """Open (or, with a key, create) a journal. Without a key, entries can only be read.

        ``path`` is a SQLite file or a URL: ``sqlite:///journal.db``, ``postgresql://…`` (see
        :func:`aidrules.journal.open_store`).
        """
        check = keyer.check_value() if keyer is not None else None
        store = open_store(path, key_check=check, read_only=read_only)
        try:
            return cls(store, keyer, clock)
        except BaseException:
            store.close()
            raise

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    # -- writing --------------------------------------------------------------------------
    def record_decision(
        self,
        decision: Decision,
        rules: CompiledRuleSet,
        *,
        dossier: str,
        prepared_by: str,
        approved_by: str | None = None,
    ) -> JournalEntry:
        """Record a decision on an application: final with an approver, else a draft."""
        self._same_rules(decision.ruleset.fingerprint, rules)
        due = None
        started = decision.recommendation in {f.id for f in rules.forms}
        if started and rules.reviews is not None:
            interval = rules.parameters[rules.reviews.interval].value_at(decision.on)
            if interval is not None:
                due = add_months_at(decision.on, int(interval.value), "on")
        return self._append(
            kind="decision",
            dossier=dossier,
            decided_on=decision.on,
            outcome=decision.recommendation,
            form=decision.recommendation if started else None,
            stop_reason=None,
            overdue=None,
            review_due_on=due,
            rules=rules,
            prepared_by=prepared_by,
            approved_by=approved_by,
            decision_json=decision.model_dump_json(),
            labels=decision_labels(decision, rules),
        )

    def record_review(
        self,
        review: ReviewDecision,
        rules: CompiledRuleSet,
        *,
        dossier: str,
        prepared_by: str,
        approved_by: str | None = None,
    ) -> JournalEntry:
        """Record a review of a running dossier: final with an approver, else a draft."""
        self._same_rules(review.ruleset.fingerprint, rules)
        return self._append(
            kind="review",
            dossier=dossier,
            decided_on=review.on,
            outcome=review.outcome,
            form=review.dossier.form,
            stop_reason=review.stop_reason,
            overdue=review.overdue,
            review_due_on=review.next_review_on,
            rules=rules,
            prepared_by=prepared_by,
            approved_by=approved_by,
            decision_json=review.model_dump_json(),
            labels=review_labels(rules),
        )

    def approve(self, draft_id: int, *, approved_by: str) -> JournalEntry:
        """Approve a draft: a new final entry with the same content, pointing at the draft."""
        draft = self.store.get(draft_id)
        if draft.status != "draft":
            raise JournalError("JR011", f"entry {draft_id} is already final", "id")
        approver = check_staff_id(approved_by, "approved_by")
        _separate(draft.prepared_by, approver)
        _determined(draft.outcome)
        return self.store.append(
            NewEntry(
                **{
                    **{name: getattr(draft, name) for name in _NEW_FIELDS},
                    "status": "final",
                    "approved_by": approver,
                    "recorded_at": self._now(),
                    "approves": draft.id,
                }
            )
        )

    def _append(
        self,
        *,
        kind: EntryKind,
        dossier: str,
        decided_on: date,
        outcome: str,
        form: str | None,
        stop_reason: str | None,
        overdue: bool | None,
        review_due_on: date | None,
        rules: CompiledRuleSet,
        prepared_by: str,
        approved_by: str | None,
        decision_json: str,
        labels: str,
    ) -> JournalEntry:
        if self.keyer is None:
            raise JournalError("JR007", "recording needs the journal key", "key", "give --key-file")
        reference = check_reference(dossier)
        preparer = check_staff_id(prepared_by, "prepared_by")
        approver = check_staff_id(approved_by, "approved_by") if approved_by is not None else None
        status: EntryStatus = "final" if approver is not None else "draft"
        if approver is not None:
            _separate(preparer, approver)
            _determined(outcome)
        if len(reference) >= MIN_SEARCHED_REFERENCE and reference in decision_json.upper():
            raise JournalError(
                "JR008",
                "the dossier reference appears in the decision itself; the journal would keep it",
                "dossier",
                "remove the dossier number from the case facts (e.g. from a creditor or municipality field)",
            )
        return self.store.append(
            NewEntry(
                kind=kind,
                status=status,
                dossier_key=self.keyer.key(reference),
                decided_on=decided_on,
                outcome=outcome,
                form=form,
                stop_reason=stop_reason,
                overdue=overdue,
                review_due_on=review_due_on,
                ruleset_id=rules.id,
                ruleset_version=rules.version,
                ruleset_fingerprint=rules.fingerprint,
                prepared_by=preparer,
                approved_by=approver,
                decision_json=decision_json,
                labels_json=labels,
                recorded_at=self._now(),
            )
        )

    def _now(self) -> str:
        return self.clock().astimezone(UTC).isoformat(timespec="seconds")

    @staticmethod
    def _same_rules(fingerprint: str, rules: CompiledRuleSet) -> None:
        if fingerprint != rules.fingerprint:
            raise JournalError(
                "JR012",
                f"the decision was not made with this rule set ({rules.id} {rules.version})",
                "rules",
                "record a decision together with the rule set that made it",
            )

    # -- reading --------------------------------------------------------------------------
    def entries(self, **filters: Any) -> Iterator[JournalEntry]:
        """Entries in the order written; filters: ``since``, ``until``, ``dossier_key``, ``kind``."""
        return self.store.entries(**filters)

    def dossier_entries(self, dossier: str) -> Iterator[JournalEntry]:
        """Every entry of one dossier (needs the key)."""
        if self.keyer is None:
            raise JournalError("JR007", "finding a dossier's entries needs the journal key", "key")
        return self.store.entries(dossier_key=self.keyer.key(dossier))

    def get(self, entry_id: int) -> JournalEntry:
        return self.store.get(entry_id)

    def verify(self) -> list[str]:
        """Problems found in the database or the hash chain; empty when all is well."""
        return self.store.verify()


_NEW_FIELDS = tuple(NewEntry.__dataclass_fields__)


def _separate(preparer: str, approver: str) -> None:
    if preparer.strip().lower() == approver.strip().lower():
        raise SeparationOfDutiesError(
            "JR002",
            f"`{approver}` prepared this decision and cannot also approve it",
            "approved_by",
            "separation of duties: another staff member (e.g. the head social worker) approves",
        )


def _determined(outcome: str) -> None:
    if outcome == "undetermined":
        raise JournalError(
            "JR003",
            "an undetermined decision cannot be final; complete the missing facts first",
            "approved_by",
            "record it without an approver to keep it as a draft",
        )
