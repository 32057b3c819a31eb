"""Running many fixture files: discovery, results, rule coverage (``aidrules test``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from aidrules.diagnostic_text import render_text
from aidrules.errors import AidrulesError
from aidrules.registry.index import discover as discover_rulesets
from aidrules.testing.coverage import CoverageCollector, CoverageReport
from aidrules.testing.fixtures import FixtureResult, RuleSetCache, load_fixture, rules_beside, rules_for, run_fixture

_FIXTURE_KEY = re.compile(r"^(proposed_)?expect\s*:", re.MULTILINE)
_REVIEW_KEY = re.compile(r"^review\s*:", re.MULTILINE)


def is_fixture_file(path: Path) -> bool:
    """Whether a YAML file found in a directory is a decision fixture: it has a top-level
    ``expect:``. Plain case files and rule files beside the fixtures are left alone, and so are
    review fixtures (a top-level ``review:``, run by the lifecycle tests)."""
    if path.suffix not in (".yaml", ".yml"):
        return False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True  # let loading report why it cannot be read
    return bool(_FIXTURE_KEY.search(text)) and not _REVIEW_KEY.search(text)


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Fixture files under ``paths``: files as given, directories searched recursively."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(x for x in p.rglob("*") if x.is_file() and is_fixture_file(x))
            out.extend(found)
        else:
            out.append(p)
    return list(dict.fromkeys(out))


@dataclass
class Run:
    results: list[FixtureResult] = field(default_factory=list)
    invalid: list[tuple[Path, AidrulesError]] = field(default_factory=list)
    coverage: CoverageReport | None = None

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.passed)

    @property
    def exit_code(self) -> int:
        """0 all passed, 1 a case decided differently, 2 a fixture file is invalid."""
        if self.invalid:
            return 2
        return 1 if self.failed else 0

    def text(self) -> str:
        lines: list[str] = []
        for r in self.results:
            if r.passed:
                continue
            version = f" [{r.rules.id} {r.rules.version}]" if r.rules is not None else ""
            lines.append(f"FAIL {r.fixture.path}: {r.fixture.title}{version}")
            for failure in r.failures:
                lines.extend("  " + line for line in failure.splitlines())
        for path, error in self.invalid:
            lines.append(f"INVALID {path}")
            shown = render_text(error.diagnostics) if error.diagnostics else str(error)
            lines.extend("  " + line for line in shown.splitlines())
        used = {f"{r.rules.id}@{r.rules.version}": r.rules.files[-1] for r in self.results if r.rules is not None}
        lines.extend(f"rules: {label} from {file}" for label, file in sorted(used.items()))
        summary = f"{self.passed} passed, {self.failed} failed"
        if self.invalid:
            summary += f", {len(self.invalid)} invalid"
        lines.append(summary)
        return "\n".join(lines) + "\n"


def run(paths: Iterable[str | Path], *, coverage: bool = False, rules_dirs: Iterable[Path] = ()) -> Run:
    """Run every fixture under ``paths``; with ``coverage``, also collect rule coverage.

    Rule sets named by id are looked up in ``rules_dirs`` first, then beside each fixture
    (:func:`~aidrules.testing.fixtures.rules_for`)."""
    dirs = tuple(Path(d).resolve() for d in rules_dirs)
    result = Run()
    collector = CoverageCollector() if coverage else None
    cache: RuleSetCache = {}
    searched: set[Path] = set(dirs)
    for path in discover(paths):
        try:
            fixture = load_fixture(path)
            beside = rules_beside(fixture.path)
            if beside is not None:
                searched.add(beside)
            rs = rules_for(fixture, cache, dirs)
            tracer = collector.tracer(rs) if collector is not None else None
            result.results.append(run_fixture(fixture, rs, tracer=tracer))
        except AidrulesError as exc:
            result.invalid.append((path, exc))
    if collector is not None:
        # every version of the rule sets the cases used is an item: an untested one is a gap
        used = {r.rules.id for r in result.results if r.rules is not None}
        for entry in discover_rulesets(sorted(searched)):
            if entry.id in used and entry.decides:
                collector.expect_version(entry.id, entry.version)
        result.coverage = collector.report()
    return result
