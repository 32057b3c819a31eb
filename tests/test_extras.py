"""The one way optional extras are loaded (aidrules._extras): lazily, with the area's own error that
says how to install the extra, and without disguising our own import errors as a missing extra."""

from __future__ import annotations

import sys
from pathlib import Path

import cryptography.exceptions  # noqa: F401  (loaded, as in a long-running process)
import pytest
from typer.testing import CliRunner

from aidrules._extras import DEFERRED, deferred, install_hint, require
from aidrules.cli.main import app
from aidrules.errors import AidrulesError, RuleSetError
from aidrules.registry.signing import keygen
from aidrules.server import StartError
from aidrules.server.worker import application


class _Missing(AidrulesError):
    pass


def _missing(exc: ImportError) -> _Missing:
    return _Missing(f"missing {exc.name}")


def test_a_missing_extra_gives_the_callers_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Catches an ImportError traceback instead of the located error of the area that needs it."""
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails as if absent
    with pytest.raises(_Missing, match="missing psycopg"):
        require("psycopg", "postgres", _missing)


def test_a_package_made_unimportable_stays_so_when_its_submodule_was_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Catches a submodule found in sys.modules while its package is gone (as `from a import b`
    refuses it): the durable backend's "not installed" test depends on it."""
    assert "cryptography.exceptions" in sys.modules  # imported at the top of this file
    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(_Missing, match="missing cryptography"):
        require("cryptography.exceptions", "signing", _missing)


def test_our_own_import_error_is_not_taken_for_a_missing_extra() -> None:
    """Catches a bug in one of our modules reported as "install the extra" (a wrong, useless hint)."""
    with pytest.raises(ModuleNotFoundError, match=r"aidrules\.no_such_module"):
        require("aidrules.no_such_module", "server", _missing)


def test_the_install_hint_names_the_extra() -> None:
    assert install_hint("signing") == 'pip install "aidrules[signing]"'


def test_only_the_listed_core_modules_are_loaded_on_first_use() -> None:
    """Catches `deferred` used as a general way around the rule "imports at the top"."""
    assert deferred("babel.numbers").__name__ == "babel.numbers"
    assert {"babel.dates", "babel.numbers"} == DEFERRED
    with pytest.raises(ValueError, match="import it at the top"):
        deferred("json")


def test_signing_without_cryptography_says_which_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(RuleSetError) as caught:
        keygen(tmp_path)
    assert caught.value.diagnostics[0].code == "RS800" and "aidrules[signing]" in str(caught.value)


def test_a_service_worker_without_the_server_extra_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fastapi", None)
    monkeypatch.delitem(sys.modules, "aidrules.server.app", raising=False)
    with pytest.raises(StartError) as caught:
        application()
    assert caught.value.diagnostics[0].code == "SV015"
    assert caught.value.diagnostics[0].hint == 'pip install "aidrules[server]"'


def test_serve_without_the_server_extra_stops_with_a_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Catches a traceback from `aidrules serve` on a core install."""
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2, result.output
    assert "SV015" in result.output and "uvicorn" in result.output
