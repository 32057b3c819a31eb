"""Where the journal tests put their journals: SQLite files, or one PostgreSQL schema each."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg

#: The test server that scripts/ensure-postgres.sh sets up (and prints).
POSTGRES_URL = os.environ.get(
    "AIDRULES_TEST_POSTGRES_URL", "postgresql://aidrules:aidrules@127.0.0.1:5432/aidrules_test"
)
BACKENDS = ["sqlite", "postgresql"]


def with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "schema"] + [("schema", schema)]
    return urlunsplit(parts._replace(query=urlencode(query)))


class Locations:
    """Fresh journal locations of one backend: files in tmp_path, or schemas dropped afterwards."""

    def __init__(self, backend: str, tmp_path: Path, server: str | None) -> None:
        self.backend = backend
        self.tmp_path = tmp_path
        self.server = server
        self.schemas: list[str] = []

    def new(self) -> str:
        if self.server is None:
            return str(self.tmp_path / f"journal-{uuid.uuid4().hex[:8]}.db")
        schema = f"test_{uuid.uuid4().hex[:16]}"
        self.schemas.append(schema)
        return with_schema(self.server, schema)

    def exists(self, url: str) -> bool:
        if self.server is None:
            return Path(url).exists()
        schema = dict(parse_qsl(urlsplit(url).query))["schema"]
        with psycopg.connect(self.server) as db:
            return db.execute("SELECT FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is not None

    def drop(self) -> None:
        if self.server is None or not self.schemas:
            return
        with psycopg.connect(self.server, autocommit=True) as db:
            for schema in self.schemas:
                db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
