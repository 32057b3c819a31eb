"""Which rule sets exist, and which version is in force on a date.

Rule sets come from directories, searched in this order (the first source of an ``id@version``
wins, like ``PATH``):

1. directories the caller passes (``--rules-dir``; for fixtures, the ``rules/`` beside them; for
   a layer's ``extends``, the layer's own directory and the rule files directly in the one above);
2. ``rules/`` in the working directory;
3. the directories in the environment variable ``AIDRULES_PATH`` (``os.pathsep``-separated);
4. installed packages, through the entry point group ``aidrules.rulesets`` (the shipped
   reference set is one of them); each entry point names a callable that returns a directory
   (or a list of directories) of rule files.

Each directory is searched with its subfolders, at most :data:`MAX_SEARCH_DEPTH` levels deep, except
the directory above a layer: only the rule files directly in it are read. That directory is often a
checkout's root, whose ``fixtures/``, ``docs/`` or ``tests/`` hold YAML files that are no rule sets;
reading them cost most of a command's start (115 files for the shipped set) and a broken case file
there could never be meant as a base layer.

Every :class:`Entry` says where it came from (``origin``). Two sources giving the same
``id@version`` with different content is an error (RS505): which one would be used would depend
on the search order, and a fixture or a decision would silently follow the wrong file.

Versions of one id are told apart by their effective periods: ``load("<id>", on=date)`` takes
the version in force on that date, ``"<id>@<version>"`` pins one. Overlapping periods are an
error, a gap between consecutive versions a warning; except that a version from an earlier
source (a policy maker's ``rules/``) may start while an installed one is still open-ended: from
its start it replaces the installed one (warning RS506), so a new version can be tried beside
the installed set without editing it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from functools import lru_cache
from importlib.metadata import Distribution, EntryPoint, distributions
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

from aidrules._frozen import Frozen
from aidrules.errors import Diagnostic, RuleSetError, RuleSetNotFoundError, Severity, Span
from aidrules.limits import DEFAULT_LIMITS, read_document_bytes, read_regular_document
from aidrules.registry import layers
from aidrules.registry.layers import digest
from aidrules.registry.signing import SUFFIX, read_envelope
from aidrules.ruleset.cache import cached_value, fingerprint, parse_rule_file

ENTRY_POINT_GROUP = "aidrules.rulesets"
ENV_PATH = "AIDRULES_PATH"


# Frozen values (aidrules._frozen.Frozen, each with its own __init__): no dataclass methods are
# written and exec'd for them at every start.
_set = object.__setattr__


class Entry(Frozen):
    """The header of one rule file."""

    __slots__ = (
        "decides",
        "digest",
        "effective_from",
        "effective_until",
        "extends",
        "id",
        "line",
        "origin",
        "path",
        "rank",
        "title",
        "version",
    )
    id: str
    version: str
    effective_from: date
    effective_until: date | None
    extends: str | None
    path: Path
    title: str
    decides: bool  # a full policy (with forms), not a base layer of amounts only
    digest: str  # sha256 of the file's canonical content (layout and comments ignored)
    origin: str  # where it was found: "--rules-dir", "./rules", "AIDRULES_PATH", "package <name>"
    rank: int  # position of its source in the search order (0 first)
    line: int  # line of `ruleset.version` in the file

    def __init__(
        self,
        id: str,
        version: str,
        effective_from: date,
        effective_until: date | None,
        extends: str | None,
        path: Path,
        title: str,
        decides: bool = True,
        digest: str = "",
        origin: str = "",
        rank: int = 0,
        line: int = 1,
    ) -> None:
        _set(self, "id", id)
        _set(self, "version", version)
        _set(self, "effective_from", effective_from)
        _set(self, "effective_until", effective_until)
        _set(self, "extends", extends)
        _set(self, "path", path)
        _set(self, "title", title)
        _set(self, "decides", decides)
        _set(self, "digest", digest)
        _set(self, "origin", origin)
        _set(self, "rank", rank)
        _set(self, "line", line)

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}"

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_until is None or on <= self.effective_until)


_headers: dict[Path, tuple[tuple[int, int], Entry | None]] = {}


def header(path: Path) -> Entry | None:
    """The header of a rule file (None: not a rule file), kept in the process until the file
    changes and in the per-user cache by its text."""
    return _header(path)


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
        text = read_regular_document(path, DEFAULT_LIMITS)
    except Exception:
        return None
    # The header is a function of the file's text (and name), kept in the per-user cache beside
    # the parse: finding a rule set then reads no candidate's whole parse.
    key = fingerprint(text, str(path), DEFAULT_LIMITS, code=_HEADER_CODE)
    fields = cached_value("header", key, lambda: _header_fields(text, str(path)), _accept_header)
    if not fields:  # not a rule file
        return None
    rid, version, start, until, extends, title, decides, content, line = fields
    return Entry(rid, version, start, until, extends, path, title, decides, content, line=line)


#: What a header holds, in order: id, version, effective from, until, extends, title (nl), whether it
#: decides, the digest of its content, the line of ``ruleset.version``; () for no rule file.
HeaderFields = tuple[str, str, date, date | None, str | None, str, bool, str, int] | tuple[()]

#: The code that derives a header from a parse: this module and the digest's (registry/layers.py).
_HEADER_CODE = (__file__, layers.__file__)


def _header_fields(text: str, file: str) -> HeaderFields:
    try:
        doc, _ = parse_rule_file(text, file)
    except Exception:
        return ()
    data: Any = doc.data
    try:
        meta = data["ruleset"]
        period = meta["effective"]
        title = meta.get("title", {})
        return (
            str(meta["id"]),
            str(meta["version"]),
            period["from"],
            period.get("until"),
            data.get("extends") if isinstance(data.get("extends"), str) else None,
            str(title.get("nl", meta["id"])) if isinstance(title, dict) else str(meta["id"]),
            bool(data.get("forms")) or isinstance(data.get("extends"), str),
            digest(data),
            doc.span(("ruleset", "version")).line or 1,
        )
    except (KeyError, TypeError, AttributeError):
        return ()


def _accept_header(value: object) -> HeaderFields | None:
    """A stored header, only when every field has the type a header's field has."""
    if value == ():
        return ()
    if not isinstance(value, tuple) or len(value) != 9:
        return None
    rid, version, start, until, extends, title, decides, content, line = value
    texts = all(type(v) is str for v in (rid, version, title, content))
    dates = type(start) is date and (until is None or type(until) is date)
    if texts and dates and (extends is None or type(extends) is str) and type(decides) is bool and type(line) is int:
        return (rid, version, start, until, extends, title, decides, content, line)
    return None


def entry_points(group: str) -> list[EntryPoint]:
    """The installed packages' entry points of ``group``: what
    ``importlib.metadata.entry_points(group=group)`` gives (a distribution found twice on the path
    counts once, the first time, by the same normalised name), without parsing the entry points of
    every package: only a package whose ``entry_points.txt`` has the line ``[group]`` is parsed
    (about 2 ms of every start fewer with a few hundred packages installed). A test compares both."""
    head = f"[{group}]"
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for dist in distributions():
        name = _normalized_name(dist)
        if name in seen:
            continue
        seen.add(name)
        text = dist.read_text("entry_points.txt")
        if text and head in text:  # importlib reads a section from its stripped line `[group]`
            found.extend(dist.entry_points.select(group=group))
    return found


def _normalized_name(dist: Distribution) -> str:
    """The name by which ``importlib.metadata.entry_points`` counts a distribution once: its own
    (private) ``_normalized_name``, from the folder's name without reading the metadata; where a
    Python has none, the metadata's name normalised as importlib normalises it (PEP 503, with
    ``_``)."""
    found = getattr(dist, "_normalized_name", None)
    if isinstance(found, str):
        return found
    return re.sub(r"[-_.]+", "-", dist.name or "").lower().replace("-", "_")


@lru_cache(maxsize=1)
def _entry_point_dirs() -> tuple[tuple[Path, str], ...]:
    """Directories named by installed packages, with the package; read once per process (see :func:`refresh`)."""
    dirs: list[tuple[Path, str]] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            found = ep.load()()
        except Exception:
            continue
        dist = getattr(ep, "dist", None)  # None for entry points made by hand
        package = f"package {(distribution_name(dist) if dist is not None else None) or getattr(ep, 'name', '?')}"
        if isinstance(found, str | Path):
            dirs.append((Path(found), package))
        elif isinstance(found, Iterable):
            dirs.extend((Path(p), package) for p in found)
    return tuple(dirs)


def distribution_name(dist: Distribution) -> str | None:
    """``dist.name`` (its metadata's ``Name``), read from the metadata's first lines instead of
    parsing the whole file as an e-mail message (a millisecond of every start); when the name is
    not found there, ``dist.name`` after all."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    for line in text.splitlines():
        if not line:  # the end of the headers
            break
        field, colon, value = line.partition(":")
        if colon and field.strip().lower() == "name" and value.strip():
            return value.strip()
    name = dist.name
    return str(name) if name is not None else None


def refresh() -> None:
    """Forget what was read from installed packages and rule-file headers (after installing a package)."""
    _entry_point_dirs.cache_clear()
    _headers.clear()


#: The origin of the working directory's ``rules/``.
WORKING_DIR_ORIGIN = "./rules"


def shipped_rules_dir() -> Path:
    """Where the shipped rule files are: inside the installed package, or ``rules/`` in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "_shipped_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rules"


#: How deep below a search directory rule files are looked for, and how many files at most.
MAX_SEARCH_DEPTH = 3
MAX_SEARCH_FILES = 2_000
_SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "site", ".hypothesis"})


def search_sources(
    extra: Iterable[Path | str] = (), *, beside: Iterable[Path | str] = ()
) -> list[tuple[Path, str, int]]:
    """The directories searched for rule sets, in order, each with its origin and how many levels
    of subfolders are searched: ``extra`` (with subfolders), ``beside`` (its own files only; both
    ``--rules-dir``), then the working directory's ``rules/``, ``AIDRULES_PATH`` and the packages.
    A directory is listed once for each depth it is searched at (the deeper search then adds what
    the shallow one did not read)."""
    candidates = [(Path(p), "--rules-dir", MAX_SEARCH_DEPTH) for p in extra]
    candidates += [(Path(p), "--rules-dir", 0) for p in beside]
    candidates.append((Path.cwd() / "rules", WORKING_DIR_ORIGIN, MAX_SEARCH_DEPTH))
    candidates += [(Path(p), ENV_PATH, MAX_SEARCH_DEPTH) for p in os.environ.get(ENV_PATH, "").split(os.pathsep) if p]
    candidates += [(p, origin, MAX_SEARCH_DEPTH) for p, origin in _entry_point_dirs()]
    candidates.append((shipped_rules_dir(), "package aidrules", MAX_SEARCH_DEPTH))
    out: list[tuple[Path, str, int]] = []
    seen: dict[Path, int] = {}
    for c, origin, depth in candidates:
        resolved = c.resolve()
        if resolved.is_dir() and seen.get(resolved, -1) < depth:
            seen[resolved] = depth
            out.append((resolved, origin, depth))
    return out


def search_dirs(extra: Iterable[Path | str] = ()) -> list[Path]:
    """The directories searched for rule sets, in order, without duplicates."""
    return list(dict.fromkeys(d for d, _, _ in search_sources(extra)))


def _rule_files(directory: Path, max_depth: int = MAX_SEARCH_DEPTH) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        depth = len(Path(root).relative_to(directory).parts)
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".") and depth < max_depth)
        # Only regular files (or links to them): opening a FIFO named `x.yaml` waits for ever.
        found.extend(Path(root) / f for f in sorted(files) if f.endswith(".yaml") and (Path(root) / f).is_file())
        if len(found) >= MAX_SEARCH_FILES:
            break
    return found[:MAX_SEARCH_FILES]


def _all_files(extra: Iterable[Path | str] = (), beside: Iterable[Path | str] = ()) -> dict[Path, Entry | None]:
    """Every rule file in the search directories, with its header and where it was found (None: it
    cannot be read as a rule file)."""
    files: dict[Path, Entry | None] = {}
    for rank, (directory, origin, depth) in enumerate(search_sources(extra, beside=beside)):
        for path in _rule_files(directory, depth):
            if path not in files:
                entry = _header(path)
                files[path] = entry.replace(origin=origin, rank=rank) if entry is not None else None
    return files


def discover(extra: Iterable[Path | str] = ()) -> list[Entry]:
    """Every rule file found in the search directories (and a few levels below), sorted by id and date."""
    return discover_all(extra)[0]


def discover_all(extra: Iterable[Path | str] = ()) -> tuple[list[Entry], list[Diagnostic]]:
    """:func:`discover`, with an error (RS505) for each ``id@version`` that two sources give
    with different content. The first source wins, like ``PATH``."""
    return _unique(_all_files(extra))


def _unique(files: dict[Path, Entry | None]) -> tuple[list[Entry], list[Diagnostic]]:
    unique: dict[str, Entry] = {}
    conflicts: list[Diagnostic] = []
    for entry in files.values():
        if entry is None:
            continue
        first = unique.setdefault(entry.label, entry)
        if first is not entry and first.digest != entry.digest:
            conflicts.append(
                Diagnostic(
                    "RS505",
                    f"{entry.label} is given twice with different content: {first.path} ({first.origin}) "
                    f"and {entry.path} ({entry.origin})",
                    Span(str(entry.path), entry.line, 1),
                    "give the changed copy a new version (e.g. ruleset.version: 2025.2) or remove one of them",
                )
            )
    return sorted(unique.values(), key=lambda e: (e.id, e.effective_from, e.version)), conflicts


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
        span = Span(str(b.path), b.line, 1)
        if kind == "overlap" and _supersedes(b, a):
            out.append(
                Diagnostic(
                    "RS506",
                    f"{b.label} ({b.origin}) starts on {b.effective_from} while {a.label} ({a.origin}) "
                    f"has no end: from {b.effective_from} {b.label} is used",
                    span,
                    f"to compare them: aidrules impact {a.label} {b.label}",
                    severity=Severity.WARNING,
                )
            )
        elif kind == "overlap":
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


def _supersedes(newer: Entry, older: Entry) -> bool:
    """``newer``, from an earlier source, starts while ``older`` (installed further down the
    search order) is still open-ended: from its start, ``newer`` is the version in force."""
    return newer.rank < older.rank and older.effective_until is None and newer.effective_from > older.effective_from


def find(
    spec: str,
    on: date | None = None,
    extra: Iterable[Path | str] = (),
    *,
    explicit_wins: bool = False,
    strict: bool = False,
    beside: Iterable[Path | str] = (),
) -> Path:
    """The file of ``ID@VERSION``, or of ``ID`` in force on ``on`` (the newest when ``on`` is None).

    ``extra`` directories are searched first with their subfolders, then ``beside`` directories
    (only the files directly in them), then the other sources (see the top of this module).

    With ``explicit_wins`` (a layer looking up its base beside itself), a copy found in ``extra``
    is used even when another source has a different one.

    ``strict`` (loading with a public key): the file found must be the only candidate. Two
    different signed files declaring the same ``id@version`` (an archived draft in a subfolder
    beside the approved copy), or a signed file that cannot be read and may be the one meant, are
    refused (``RS805``) instead of taking the first one that reads.

    Raises:
        RuleSetNotFoundError: no such rule set (RS501), none in force on ``on`` (RS502), several (RS503).
        RuleSetError: two sources give the chosen ``id@version`` with different content (RS505), or,
            with ``strict``, the choice is not unique (RS805).
    """
    rid, _, version = spec.partition("@")
    files = _all_files(extra, beside)
    entries, conflicts = _unique(files)
    try:
        chosen = select(entries, spec, on)
    except RuleSetNotFoundError as exc:
        if strict and exc.diagnostics[0].code == "RS501":
            _refuse_unreadable_signed(spec, rid, version, files)
        raise
    clashes = [d for d in conflicts if d.message.startswith(f"{chosen.label} ")]
    if clashes and not (explicit_wins and chosen.origin == "--rules-dir"):
        raise RuleSetError(clashes[0].message, clashes)
    if strict:
        _refuse_ambiguity(spec, chosen, files)
        _refuse_unreadable_signed(spec, rid, version, files)
    return chosen.path


def select(entries: Iterable[Entry], spec: str, on: date | None = None) -> Entry:
    """The entry of ``ID@VERSION``, or of ``ID`` in force on ``on``, among ``entries``.

    The same choice as :func:`find`, on a list read once (the decision service keeps one): a
    version from an earlier source that starts while an installed one is open-ended takes over.

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
        in_force = [e for e in in_force if not any(_supersedes(o, e) for o in in_force)]
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
    """Finds the bases of the ``extends`` chain of a layer in ``directory``, before the registry's
    sources: in the directory of each layer being loaded (with its subfolders), then in the rule
    files directly in the one above the first layer (``rules/lokaal/x.yaml`` extends
    ``rules/y.yaml``, which extends ``rules/federaal/z.yaml``: found beside ``rules/y.yaml``). The
    subfolders of the one above are not read: it is often a checkout's root, whose fixtures and
    documents are no rule sets."""
    parent = directory.parent
    beside = [] if parent == Path(parent.anchor) else [parent.resolve()]
    loaded = [directory.resolve()]

    def finder(spec: str) -> Path:
        # A base found beside the layer is the one it was written on, even if another source has a
        # different copy (`aidrules list` reports that, RS505; a signature check judges the copy).
        found = find(spec, extra=loaded, beside=beside, explicit_wins=True, strict=strict)
        home = found.parent
        if home not in loaded and any(home == d or home.is_relative_to(d) for d in loaded + beside):
            loaded.append(home)  # the next base is looked up beside the layer that names it
        return found

    return finder
