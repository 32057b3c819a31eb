"""pytest plugin: fixture YAML files become test items (registered as the ``aidrules`` plugin).

``pytest fixtures/reference`` runs every fixture file in that directory as one test; a failure is
reported in domain terms, as ``aidrules test`` does. Which YAML files are collected is set with
the ini option ``aidrules_fixtures`` (glob patterns relative to the rootdir; default
``fixtures/*.yaml``, where ``*`` also matches ``/``): a project whose ``testpaths`` does not
include ``fixtures/`` (such as this one, where ``tests/reference/test_fixtures.py`` already runs
them) collects nothing extra from a plain ``pytest`` run. Within a matching path, only files
with a top-level ``expect:`` are fixtures; plain case files are skipped. Disable the plugin with ``-p no:aidrules``.

It is loaded by every pytest run in an environment where aidrules is installed; importing it
imports the library (its package ``aidrules.testing`` already did so before its imports moved to
the top), and ``-p no:aidrules`` avoids that.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aidrules.diagnostic_text import render_text
from aidrules.errors import AidrulesError
from aidrules.testing.fixtures import load_fixture, rules_for, run_fixture
from aidrules.testing.runner import is_fixture_file

_CACHE: pytest.StashKey[dict[Any, Any]] = pytest.StashKey()  # rule sets, once per session
DEFAULT_PATTERNS = ["fixtures/*.yaml", "fixtures/*.yml"]  # fnmatch: `*` also matches `/`


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "aidrules_fixtures",
        "glob patterns (relative to the rootdir) of YAML fixture files to collect as tests",
        type="linelist",
        default=DEFAULT_PATTERNS,
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    config = parent.config
    try:
        relative = file_path.resolve().relative_to(Path(config.rootpath).resolve()).as_posix()
    except ValueError:
        relative = file_path.as_posix()
    patterns: list[str] = config.getini("aidrules_fixtures")
    if not any(fnmatch.fnmatch(relative, p) for p in patterns):
        return None
    if not is_fixture_file(file_path):
        return None
    return FixtureFile.from_parent(parent, path=file_path)


class FixtureFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield FixtureItem.from_parent(self, name=self.path.stem)


class FixtureFailed(Exception):
    """The decision differs from the fixture's expectation (the message says how)."""


class FixtureItem(pytest.Item):
    def runtest(self) -> None:
        cache = self.config.stash.setdefault(_CACHE, {})
        try:
            fixture = load_fixture(self.path)
            result = run_fixture(fixture, rules_for(fixture, cache))
        except AidrulesError as exc:
            shown = render_text(exc.diagnostics) if exc.diagnostics else str(exc)
            raise FixtureFailed(f"invalid fixture:\n{shown}") from None
        if not result.passed:
            rs = result.rules
            where = f" [{rs.id} {rs.version}]" if rs is not None else ""
            raise FixtureFailed(f"{result.fixture.title}{where}\n" + "\n".join(result.failures))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, FixtureFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"fixture {self.path.name}"
