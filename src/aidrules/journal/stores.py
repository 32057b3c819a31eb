"""Opening a journal store from a path or a URL: ``open_store(url, key_check=…, read_only=…)``.

| form | store |
| --- | --- |
| ``journal.db``, ``/srv/ocmw/journal.db`` (a path) | SQLite |
| ``sqlite:///journal.db`` (relative), ``sqlite:////srv/ocmw/journal.db`` (absolute) | SQLite |
| ``postgresql://user@host:5432/db?schema=NAME``, ``postgres://…`` | PostgreSQL (``aidrules[postgres]``) |

The PostgreSQL store needs the optional ``psycopg`` package; its module is loaded here, lazily
(:func:`aidrules._extras.require`), only when such a URL is opened, so the core library and the
SQLite journal never load it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from aidrules._extras import install_hint, require
from aidrules.journal.errors import JournalError
from aidrules.journal.redact import redact_url
from aidrules.journal.sqlite import SQLiteJournalStore
from aidrules.journal.store import JournalStore

if TYPE_CHECKING:
    from aidrules.journal.postgres import PostgresJournalStore

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
POSTGRES_SCHEMES = ("postgresql", "postgres")
FORMS = "a file path, sqlite:///PATH, or postgresql://USER@HOST[:PORT]/DATABASE[?schema=NAME]"


def open_store(url: str | Path, *, key_check: str | None = None, read_only: bool = False) -> JournalStore:
    """Open (or, with ``key_check``, create) the journal at ``url``: a path or a URL (see above).

    Raises:
        JournalError: JR013 an unknown URL scheme, JR014 PostgreSQL without the ``postgres``
            extra, JR006 a journal that is missing or cannot be used.
    """
    if isinstance(url, Path):
        return SQLiteJournalStore(url, key_check=key_check, read_only=read_only)
    match = _SCHEME.match(url)
    if match is None:
        return SQLiteJournalStore(url, key_check=key_check, read_only=read_only)
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        path = url[match.end() :]
        if not path.startswith("/") or len(path) < 2:
            raise JournalError(
                "JR013",
                f"`{redact_url(url)}` names no file; SQLite journals are files",
                "journal",
                "sqlite:///journal.db (relative) or sqlite:////srv/ocmw/journal.db (absolute)",
            )
        return SQLiteJournalStore(path[1:], key_check=key_check, read_only=read_only)
    if scheme in POSTGRES_SCHEMES:
        module = require("aidrules.journal.postgres", "postgres", _no_postgres)
        store_class: type[PostgresJournalStore] = module.PostgresJournalStore
        return store_class(url, key_check=key_check, read_only=read_only)
    raise JournalError(
        "JR013",
        f"unknown journal URL scheme `{scheme}://`",
        "journal",
        f"use {FORMS}",
    )


def _no_postgres(missing: ImportError) -> JournalError:
    return JournalError(
        "JR014",
        "a PostgreSQL journal needs the `postgres` extra (the psycopg package)",
        "journal",
        install_hint("postgres"),
    )
