"""Which rule sets exist, and which version is in force on a date.

Rule sets come from directories: the shipped ``rules/`` (registered, like any package's rule
sets, through the entry point group ``aidrules.rulesets``), the directories in the environment
variable ``AIDRULES_PATH`` (``os.pathsep``-separated) and directories the caller passes. Each entry
point names a callable that returns a directory (or a list of directories) of rule files.

Versions of one id are told apart by their effective periods: ``load("<id>", on=date)`` takes
the version in force on that date, ``"<id>@<version>"`` pins one. Overlapping periods are an
error, a gap between consecutive versions a warning.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib.metadata import entry_points
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

from aidrules.errors import Diagnostic, RuleSetNotFoundError, Span
from aidrules.limits import DEFAULT_LIMITS, read_regular_document
from aidrules.ruleset.yamlload import load_yaml

ENTRY_POINT_GROUP = "aidrules.rulesets"
ENV_PATH = "AIDRULES_PATH"


@dataclass(frozen=True, slots=True)
class Entry:
    """The header of one rule file."""

    id: str
    version: str
    effective_from: date
    effective_until: date | None
    extends: str | None
    path: Path
    title: str
    decides: bool = True  # a full policy (with forms), not a base layer of amounts only

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}"

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_until is None or on <= self.effective_until)


_headers: dict[Path, tuple[tuple[int, int], Entry | None]] = {}


def _header(path: Path) -> Entry | None:
    """The header of a rule file, cached until the file changes."""
    try:
        st = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _headers.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    entry = _read_header(path)
    _headers[path] = (stamp, entry)
    return entry


def _read_header(path: Path) -> Entry | None:
    try:
        # refused when too long; a FIFO or a device found in a directory is not read at all
        doc, _ = load_yaml(read_regular_document(path, DEFAULT_LIMITS), str(path))
    except Exception:
        return None
    data: Any = doc.data
    try:
        meta = data["ruleset"]
        period = meta["effective"]
        title = meta.get("title", {})
        return Entry(
            str(meta["id"]),
            str(meta["version"]),
            period["from"],
            period.get("until"),
            data.get("extends") if isinstance(data.get("extends"), str) else None,
            path,
            str(title.get("nl", meta["id"])) if isinstance(title, dict) else str(meta["id"]),
            bool(data.get("forms")) or isinstance(data.get("extends"), str),
        )
    except (KeyError, TypeError, AttributeError):
        return None


@lru_cache(maxsize=1)
def _entry_point_dirs() -> tuple[Path, ...]:
    """Directories named by installed packages; read once per process (see :func:`refresh`)."""
    dirs: list[Path] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            found = ep.load()()
        except Exception:
            continue
        if isinstance(found, str | Path):
            dirs.append(Path(found))
        elif isinstance(found, Iterable):
            dirs.extend(Path(p) for p in found)
    return tuple(dirs)


def refresh() -> None:
    """Forget what was read from installed packages and rule-file headers (after installing a package)."""
    _entry_point_dirs.cache_clear()
    _headers.clear()


def search_dirs(extra: Iterable[Path | str] = ()) -> list[Path]:
    """The directories searched for rule sets, in order, without duplicates."""
    from aidrules.ruleset.shipped import shipped_rules_dir

    candidates = [Path(p) for p in extra]
    candidates += [Path(p) for p in os.environ.get(ENV_PATH, "").split(os.pathsep) if p]
    candidates += _entry_point_dirs()
    candidates.append(shipped_rules_dir())
    out: list[Path] = []
    for c in candidates:
        resolved = c.resolve()
        if resolved.is_dir() and resolved not in out:
            out.append(resolved)
    return out


#: How deep below a search directory rule files are looked for, and how many files at most.
MAX_SEARCH_DEPTH = 3
MAX_SEARCH_FILES = 2_000
_SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "site", ".hypothesis"})


def _rule_files(directory: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        depth = len(Path(root).relative_to(directory).parts)
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".") and depth < MAX_SEARCH_DEPTH)
        # Only regular files (or links to them): opening a FIFO named `x.yaml` waits for ever.
        found.extend(Path(root) / f for f in sorted(files) if f.endswith(".yaml") and (Path(root) / f).is_file())
        if len(found) >= MAX_SEARCH_FILES:
            break
    return found[:MAX_SEARCH_FILES]


def discover(extra: Iterable[Path | str] = ()) -> list[Entry]:
    """Every rule file found in the search directories (and a few levels below), sorted by id and date."""
    entries: dict[Path, Entry] = {}
    for directory in search_dirs(extra):
        for path in _rule_files(directory):
            if path not in entries:
                entry = _header(path)
                if entry is not None:
                    entries[path] = entry
    unique: dict[str, Entry] = {}
    for entry in entries.values():
        unique.setdefault(entry.label, entry)  # the first directory wins, like PATH
    return sorted(unique.values(), key=lambda e: (e.id, e.effective_from, e.version))


T = TypeVar("T")


def period_conflicts(
    versions: Iterable[T], rid: Callable[[T], str], start: Callable[[T], date], until: Callable[[T], date | None]
) -> Iterator[tuple[str, T, T]]:
    """Per rule-set id, each pair of consecutive versions (by start) that does not meet exactly:
    ``("overlap", before, after)`` when ``before`` is still in force when ``after`` starts (also
    when it has no end), ``("gap", before, after)`` when days lie between them. The one rule for
    the registry's list (RS503/RS504) and for the static checks (SA402/SA401)."""
    by_id: dict[str, list[T]] = {}
    for v in versions:
        by_id.setdefault(rid(v), []).append(v)
    for group in by_id.values():
        group.sort(key=start)
        for before, after in pairwise(group):
            end = until(before)
            if end is None or end >= start(after):
                yield "overlap", before, after
            elif end + timedelta(days=1) < start(after):
                yield "gap", before, after


def shifted(day: date, days: int) -> date | None:
    """``day`` plus ``days``, or ``None`` beyond the calendar (0001-01-01 to 9999-12-31): a period
    may start on the first day there is, and a message about the day before must not crash."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def end_hint(label: str, start: date) -> str:
    """How to make the version ``label`` end before another that starts on ``start``."""
    before = shifted(start, -1)
    if before is None:
        return f"the other version starts on {start}, the first day there is: let it start later"
    return f"end {label} on {before} (effective.until)"


def period_diagnostics(entries: list[Entry]) -> list[Diagnostic]:
    """Overlapping and missing periods between versions of the same id (both errors, as SA402/SA401)."""
    out: list[Diagnostic] = []
    for kind, a, b in period_conflicts(
        entries, lambda e: e.id, lambda e: e.effective_from, lambda e: e.effective_until
    ):
        span = Span(str(b.path), 1, 1)
        if kind == "overlap":
            out.append(
                Diagnostic(
                    "RS503",
                    f"{a.label} and {b.label} are both in force on {b.effective_from}",
                    span,
                    end_hint(a.label, b.effective_from),
                )
            )
        else:
            assert a.effective_until is not None
            out.append(
                Diagnostic(
                    "RS504",
                    f"no version of {a.id} is in force from {a.effective_until + timedelta(days=1)} "
                    f"to {b.effective_from - timedelta(days=1)}",
                    span,
                    "extend a version's effective period or add one",
                )
            )
    return out


def find(spec: str, on: date | None = None, extra: Iterable[Path | str] = ()) -> Path:
    """The file of ``ID@VERSION``, or of ``ID`` in force on ``on`` (the newest when ``on`` is None)."""
    return select(discover(extra), spec, on).path


def select(entries: Iterable[Entry], spec: str, on: date | None = None) -> Entry:
    """The entry of ``ID@VERSION``, or of ``ID`` in force on ``on``, among ``entries``.

    The same choice as :func:`find`, on a list read once (the decision service keeps one).

    Raises:
        RuleSetNotFoundError: none matches (RS501), none is in force on ``on`` (RS502), or several
            are (RS503).
    """
    rid, _, version = spec.partition("@")
    entries = list(entries)
    candidates = [e for e in entries if e.id == rid]
    if version:
        candidates = [e for e in candidates if e.version == version]
    elif on is not None:
        in_force = [e for e in candidates if e.in_force(on)]
        if not in_force and candidates:
            periods = ", ".join(f"{e.label} ({e.effective_from} – {e.effective_until or '…'})" for e in candidates)
            message = f"no version of `{rid}` is in force on {on}; versions: {periods}"
            raise RuleSetNotFoundError(message, [Diagnostic("RS502", message, path=spec)])
        if len(in_force) > 1:
            labels = ", ".join(e.label for e in in_force)
            message = f"several versions of `{rid}` are in force on {on}: {labels}"
            raise RuleSetNotFoundError(
                message, [Diagnostic("RS503", message, path=spec, hint="pin one with ID@VERSION")]
            )
        candidates = in_force
    if not candidates:
        known = sorted({e.label for e in entries})
        message = f"no rule set `{spec}`; available: {', '.join(known) or 'none'}"
        raise RuleSetNotFoundError(message, [Diagnostic("RS501", message, path=spec)])
    return max(candidates, key=lambda e: e.effective_from)
