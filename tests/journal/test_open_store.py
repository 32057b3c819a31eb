"""Opening a journal from a path or a URL: which store, and clear errors for what cannot work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aidrules.journal import DossierKeyer, Journal, JournalError, SQLiteJournalStore, open_store
from aidrules.journal.redact import redact_url

CHECK = DossierKeyer(b"a" * 32).check_value()


def test_a_plain_path_and_sqlite_urls_open_sqlite_journals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///relative.db", key_check=CHECK)
    absolute = open_store(f"sqlite:///{tmp_path}/absolute.db", key_check=CHECK)
    plain = open_store(str(tmp_path / "plain.db"), key_check=CHECK)
    as_path = open_store(tmp_path / "path.db", key_check=CHECK)
    for store in (relative, absolute, plain, as_path):
        assert isinstance(store, SQLiteJournalStore)
        assert store.key_check() == CHECK
        store.close()
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["absolute.db", "path.db", "plain.db", "relative.db"]


@pytest.mark.parametrize("url", ["mysql://ocmw:pw@db/journal", "file:///tmp/journal.db", "http://example/journal"])
def test_an_unknown_url_scheme_is_refused_without_creating_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """Catches a URL taken for a file name (a file called `mysql:` would silently appear)."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(JournalError) as info:
        Journal.open(url, keyer=DossierKeyer(b"a" * 32))
    assert info.value.code == "JR013" and "unknown journal URL scheme" in str(info.value)
    assert "pw" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite://relative.db"])
def test_a_sqlite_url_without_a_file_is_refused(url: str) -> None:
    """Catches sqlite:// taken as an in-memory journal (lost at exit) or a host name as a file."""
    with pytest.raises(JournalError) as info:
        open_store(url, key_check=CHECK)
    assert info.value.code == "JR013"


def test_postgresql_without_the_extra_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Catches an ImportError traceback when psycopg is not installed (the core install)."""
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails as if absent
    monkeypatch.delitem(sys.modules, "aidrules.journal.postgres", raising=False)
    for url in ("postgresql://ocmw:pw@db/journal", "postgres://ocmw@db/journal"):
        with pytest.raises(JournalError) as info:
            open_store(url, key_check=CHECK)
        assert info.value.code == "JR014" and "aidrules[postgres]" in (info.value.diagnostics[0].hint or "")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ocmw:s3cret@db:5432/j?schema=a", "postgresql://ocmw:***@db:5432/j?schema=a"),
        ("postgresql://ocmw@db/j", "postgresql://ocmw@db/j"),
        ("postgresql://db/j?password=s3cret&sslmode=require", "postgresql://db/j?password=%2A%2A%2A&sslmode=require"),
        ("postgresql://ocmw:s3c@r:et@db/j", "postgresql://ocmw:***@db/j"),
        ("journal.db", "journal.db"),
    ],
)
def test_a_password_is_redacted_from_a_journal_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert "s3c" not in redact_url(url)


def test_the_core_and_a_sqlite_journal_never_import_psycopg(tmp_path: Path) -> None:
    """Catches a top-level import of the optional extra: the core install has no psycopg."""
    code = (
        "import sys, aidrules, aidrules.journal, aidrules.cli.main\n"
        "from aidrules.journal import DossierKeyer, Journal\n"
        f"Journal.open({str(tmp_path / 'j.db')!r}, keyer=DossierKeyer(b'a' * 32)).close()\n"
        "print(sorted(m for m in sys.modules if m.startswith('psycopg')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
