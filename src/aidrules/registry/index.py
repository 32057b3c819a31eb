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

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib.metadata import entry_points
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

from aidrules.errors import Diagnostic, RuleSetError, RuleSetNotFoundError, Span
from aidrules.limits import DEFAULT_LIMITS, read_document, read_document_bytes
from aidrules.registry.signing import SUFFIX, read_envelope
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
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _headers.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    entry = _read_header(path)
    _headers[path] = (stamp, entry)
    return entry


def _read_header(path: Path) -> Entry | None:
    try:
        doc, _ = load_yaml(read_document(path, DEFAULT_LIMITS), str(path))  # refused when too long
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
        found.extend(Path(root) / f for f in sorted(files) if f.endswith(".yaml"))
        if len(found) >= MAX_SEARCH_FILES:
            break
    return found[:MAX_SEARCH_FILES]


def _all_files(extra: Iterable[Path | str] = ()) -> dict[Path, Entry | None]:
    """Every rule file in the search directories, with its header (None: it cannot be read as one)."""
    files: dict[Path, Entry | None] = {}
    for directory in search_dirs(extra):
        for path in _rule_files(directory):
            if path not in files:
                files[path] = _header(path)
    return files


def discover(extra: Iterable[Path | str] = ()) -> list[Entry]:
    """Every rule file found in the search directories (and a few levels below), sorted by id and date."""
    return _unique(_all_files(extra))


def _unique(files: dict[Path, Entry | None]) -> list[Entry]:
    unique: dict[str, Entry] = {}
    for entry in files.values():
        if entry is None:
            continue
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
                    f"end {a.label} on {b.effective_from - timedelta(days=1)} (effective.until)",
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


def find(spec: str, on: date | None = None, extra: Iterable[Path | str] = (), *, strict: bool = False) -> Path:
    """The file of ``ID@VERSION``, or of ``ID`` in force on ``on`` (the newest when ``on`` is None).

    ``strict`` (loading with a public key): the file found must be the only candidate. Two
    different files declaring the same ``id@version`` (an archived draft in a subfolder beside
    the approved copy), or a signed file that cannot be read and may be the one meant, are
    refused (``RS805``) instead of taking the first one that reads.
    """
    rid, _, version = spec.partition("@")
    every = _all_files(extra)
    files = every if strict else None
    entries = _unique(every)
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
        if files is not None:
            _refuse_unreadable_signed(spec, rid, version, files)
        raise RuleSetNotFoundError(message, [Diagnostic("RS501", message, path=spec)])
    chosen = max(candidates, key=lambda e: e.effective_from)
    if files is not None:
        _refuse_ambiguity(spec, chosen, files)
        _refuse_unreadable_signed(spec, rid, version, files)
    return chosen.path


def _ambiguous(spec: str, message: str, path: Path, hint: str) -> RuleSetError:
    d = Diagnostic("RS805", message, Span(str(path), 1, 1), hint, path=spec)
    return RuleSetError(message, [d])


def _refuse_ambiguity(spec: str, chosen: Entry, files: dict[Path, Entry | None]) -> None:
    """Every signed file that declares the chosen ``id@version`` has the same bytes. (An unsigned
    one, such as the shipped reference set, cannot be loaded with a public key in any case.)"""
    contents: dict[bytes | None, list[Path]] = {}
    for path, entry in files.items():
        if entry is not None and entry.label == chosen.label and _signed(path):
            contents.setdefault(_digest(path), []).append(path)
    if len(contents) > 1:
        paths = sorted(p for group in contents.values() for p in group)
        message = (
            f"{len(contents)} different signed files declare `{chosen.label}`: "
            f"{', '.join(str(p) for p in paths)}; nothing says which of them is the approved one"
        )
        raise _ambiguous(spec, message, chosen.path, "keep one file per id@version; move archived drafts elsewhere")


def _refuse_unreadable_signed(spec: str, rid: str, version: str, files: dict[Path, Entry | None]) -> None:
    """A signed file that cannot be read may be the one ``spec`` means: then nothing else is used."""
    for path, entry in files.items():
        if entry is not None or not _signed(path):
            continue
        envelope = read_envelope(path)
        claimed = envelope.get("ruleset") if envelope is not None else None
        if isinstance(claimed, str):
            claimed_id, _, claimed_version = claimed.partition("@")
            if claimed_id != rid or (version and claimed_version != version):
                continue  # signed as another rule set: not a candidate
        message = (
            f"{path} is signed but cannot be read as a rule file; it may be the approved copy of `{spec}`, "
            "so no other copy is used in its place"
        )
        raise _ambiguous(spec, message, path, "repair or remove the unreadable file (and its .sig), then load again")


def _signed(path: Path) -> bool:
    return path.with_name(path.name + SUFFIX).exists()


def _digest(path: Path) -> bytes | None:
    try:
        data = read_document_bytes(path, DEFAULT_LIMITS) if path.is_file() else None
    except OSError:
        return None
    return hashlib.sha256(data).digest() if data is not None else None


def layer_finder(directory: Path, *, strict: bool = False) -> Callable[[str], Path]:
    """Finds the base of an ``extends`` for a layer in ``directory``: its own directory and the one
    above it (``rules/lokaal/x.yaml`` extends ``rules/y.yaml``) come before the registry's."""
    parent = directory.parent
    extra = [directory] if parent == Path(parent.anchor) else [directory, parent]

    def finder(spec: str) -> Path:
        return find(spec, extra=extra, strict=strict)

    return finder
