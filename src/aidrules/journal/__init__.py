"""The decision journal: an append-only, pseudonymous record of decisions and reviews.

See ``docs/lifecycle.md``. :class:`Journal` records; :class:`SQLiteJournalStore` is the embedded
store behind the :class:`JournalStore` interface, ``PostgresJournalStore`` (in
:mod:`aidrules.journal.postgres`, the ``postgres`` extra) the server one; :func:`open_store` opens
either from a path or a URL; :class:`DossierKeyer` makes the keyed hashes.
"""

from aidrules.journal.entry import JournalEntry, NewEntry
from aidrules.journal.errors import JournalError, SeparationOfDutiesError
from aidrules.journal.journal import Journal
from aidrules.journal.keys import DossierKeyer
from aidrules.journal.sqlite import SQLiteJournalStore
from aidrules.journal.store import JournalStore
from aidrules.journal.stores import open_store

__all__ = [
    "DossierKeyer",
    "Journal",
    "JournalEntry",
    "JournalError",
    "JournalStore",
    "NewEntry",
    "SQLiteJournalStore",
    "SeparationOfDutiesError",
    "open_store",
]
