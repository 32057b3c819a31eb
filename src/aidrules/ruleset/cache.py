"""A per-user cache of parsed rule files (and of their registry headers), keyed by their bytes,
so a command starts fast.

Reading a rule file with positions (:func:`aidrules.readers.yamlload.load_yaml`) is most of what
loading a rule set costs in a fresh process (``aidrules evaluate``): the registry reads every rule
file's header to find a rule set and its base layers, and compiling reads each layer again. The
result is a pure function of the file's text, its name (spans carry it), the limits and the code
of the reader, so it is cached under a fingerprint of exactly those (with aidrules' and Python's
versions). A changed file has another fingerprint: it misses and is read again. The registry keeps
each rule file's header the same way (:func:`cached_value`, kind ``header``), so that finding a
rule set does not rebuild every candidate's whole parse. Compiling itself is not cached: the
compiled expressions are closures, which cannot be stored.

Where: ``AIDRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/aidrules``, else ``~/.cache/aidrules``.
``AIDRULES_NO_CACHE`` (any value but empty or ``0``; ``aidrules --no-cache``) turns it off.

Nothing in the cache is trusted more than the rule file it stands for:

- the directory is made ``0700``; one that is not a directory of the current user, or that
  others may write, is not used at all;
- an entry is written to a temporary file and renamed into place (never half written), read
  only when it is a regular file of the current user that others cannot write, and carries the
  sha256 of its content, checked before use;
- entries are unpickled with a reader that builds only the few plain types a parsed rule file
  holds (no other class, no function is ever called), and the result's shape and types are
  checked (a parse is stored as plain tuples, its positions rebuilt on reading);
- any entry that fails a check (truncated, tampered, foreign, of an older format) is ignored and
  rebuilt from the file; a cache that cannot be written is simply not used. The cache never
  causes an error or another decision than reading the file would.

Signature checks (``--public-key``) run on the bytes of the files, before this cache is asked.
Only rule files are cached, never cases.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import hashlib
import io
import os
import pickle
import stat
import sys
import tempfile
import typing
from collections.abc import Callable
from dataclasses import astuple
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from aidrules.errors import Diagnostic, Severity, Span
from aidrules.limits import DEFAULT_LIMITS, Limits
from aidrules.readers import yamlload
from aidrules.readers.yamlload import Pos, YamlDocument, load_yaml

ENV_DIR = "AIDRULES_CACHE_DIR"
ENV_OFF = "AIDRULES_NO_CACHE"

#: Bumped when the layout of an entry changes: entries of another format miss.
FORMAT = b"aidrules-cache-2\n"
#: Entries kept; the least recently written beyond this are removed when a new one is written.
MAX_ENTRIES = 512

#: The only classes an entry may hold (besides dict, list, tuple, str, int, bool, None). A parse's
#: positions are stored as tuples, not as ``Pos`` objects: unpickling thousands of frozen
#: dataclasses one field at a time was most of the time a cache hit took.
_ALLOWED = {
    ("decimal", "Decimal"): decimal.Decimal,
    ("datetime", "date"): datetime.date,
    ("aidrules.errors", "Diagnostic"): Diagnostic,
    ("aidrules.errors", "Span"): Span,
    ("aidrules.errors", "Severity"): Severity,
}


def enabled() -> bool:
    """Whether the cache is on (``AIDRULES_NO_CACHE`` unset, empty or ``0``)."""
    return os.environ.get(ENV_OFF, "") in ("", "0")


def cache_dir() -> Path:
    """The cache directory (it may not exist yet)."""
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "aidrules"


def _owned_privately(st: os.stat_result) -> bool:
    own = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return own and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _usable_dir() -> Path | None:
    """The cache directory, made ``0700`` if missing; None when it is not safely ours."""
    try:
        directory = cache_dir()
    except (RuntimeError, KeyError):  # no home directory to be found: no cache
        return None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = directory.lstat()  # a symbolic link could lead anywhere: not used
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or not _owned_privately(st) or st.st_mode & 0o077:
        return None
    return directory


@cache
def _code_fingerprint(*code: str) -> bytes:
    """What a cached value depends on besides the file: aidrules' version, the reader's code,
    Python's version, and the code of the modules named in ``code`` (files) that derive it."""
    try:
        package = version("aidrules")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without installing
        package = "?"
    sources = [Path(yamlload.__file__).read_bytes(), *(Path(f).read_bytes() for f in code)]
    parts = (FORMAT, package.encode(), sys.version.encode(), *(hashlib.sha256(src).digest() for src in sources))
    return hashlib.sha256(b"\0".join(parts)).digest()


def fingerprint(text: str, file: str, limits: Limits, *, code: tuple[str, ...] = ()) -> str:
    """The key of a parsed rule file: its text, its name, the limits and the code that reads it
    (and, for a value derived from the parse, the files of the code that derives it)."""
    h = hashlib.sha256(_code_fingerprint(*code))
    h.update(repr(astuple(limits)).encode())
    h.update(b"\0" + file.encode("utf-8", "surrogatepass") + b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        allowed = _ALLOWED.get((module, name))
        if allowed is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return allowed


Parsed = tuple[YamlDocument, list[Diagnostic]]


def _read(path: Path) -> object:
    """The value stored at ``path``, or None when there is none that can be trusted."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode) or not _owned_privately(st):
                return None
            raw = f.read()
    except OSError:
        return None
    head, digest, body = raw[: len(FORMAT)], raw[len(FORMAT) : len(FORMAT) + 32], raw[len(FORMAT) + 32 :]
    if head != FORMAT or hashlib.sha256(body).digest() != digest:
        return None
    try:
        return _Unpickler(io.BytesIO(body)).load()
    except Exception:  # any malformed pickle: the entry is ignored and rebuilt
        return None


def _write(directory: Path, path: Path, value: object) -> None:
    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # pragma: no cover - a cached value holds only plain data
        return
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")  # 0600, ours
        with os.fdopen(fd, "wb") as f:
            f.write(FORMAT + hashlib.sha256(body).digest() + body)
        os.replace(tmp, path)
        tmp = None
        _prune(directory)
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _prune(directory: Path) -> None:
    entries = [p for p in directory.iterdir() if p.suffix in _SUFFIXES]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()


#: The kinds of entries, by the suffix of their files: a parse, or a value derived from one.
_SUFFIXES = frozenset({".parsed", ".header"})

V = typing.TypeVar("V")


def cached_value(kind: str, key: str, build: Callable[[], V], accept: Callable[[object], V | None]) -> V:
    """``build()``, from the cache when an entry of ``kind`` (``header``) under ``key`` (a
    :func:`fingerprint` of everything it depends on) holds a value ``accept`` recognises: it
    returns the value, or None for anything else (which is then rebuilt and stored again).
    ``build()`` must give plain data (str, int, bool, None, Decimal, date, tuples, lists, dicts)."""
    directory = _usable_dir() if enabled() else None
    if directory is None:
        return build()
    entry = directory / f"{key}.{kind}"
    if entry.suffix not in _SUFFIXES:
        raise ValueError(f"unknown kind of cache entry: {kind}")
    found = accept(_read(entry))
    if found is not None:
        return found
    value = build()
    _write(directory, entry, value)
    return value


def _flat(parsed: Parsed) -> tuple[object, ...]:
    doc, diagnostics = parsed
    positions = [(path, *astuple(pos)) for path, pos in doc.positions.items()]
    return (doc.data, positions, doc.file, diagnostics)


def _parsed(value: object) -> Parsed | None:
    """A parse from its stored form, or None when the form is not exactly that of :func:`_flat`."""
    if not isinstance(value, tuple) or len(value) != 4:
        return None
    data, positions, file, diagnostics = value
    if not isinstance(positions, list) or not isinstance(file, str) or not isinstance(diagnostics, list):
        return None
    if not all(isinstance(d, Diagnostic) for d in diagnostics):
        return None
    at: dict[tuple[str | int, ...], Pos] = {}
    for item in positions:
        if not (isinstance(item, tuple) and len(item) == 7 and isinstance(item[0], tuple)):
            return None
        path, line, column, key_line, key_column, style, where = item
        if not all(type(part) in (str, int) for part in path):
            return None
        if not all(type(number) is int for number in (line, column, key_line, key_column)):
            return None
        if not (style is None or type(style) is str) or not (where is None or type(where) is str):
            return None
        at[path] = Pos(line, column, key_line, key_column, style, where)
    return YamlDocument(data, at, file), diagnostics


def parse_rule_file(text: str, file: str, *, limits: Limits | None = None) -> Parsed:
    """:func:`~aidrules.readers.yamlload.load_yaml` for the text of a rule file, from the cache
    when the same text, name and limits were read before. Errors are never cached: a text that
    does not parse raises as :func:`load_yaml` does, each time."""
    limits = limits or DEFAULT_LIMITS
    directory = _usable_dir() if enabled() else None
    if directory is None:
        return load_yaml(text, file, limits=limits)
    entry = directory / f"{fingerprint(text, file, limits)}.parsed"
    found = _parsed(_read(entry))
    if found is not None:
        return found
    parsed = load_yaml(text, file, limits=limits)
    _write(directory, entry, _flat(parsed))
    return parsed


__all__ = ["ENV_DIR", "ENV_OFF", "cache_dir", "cached_value", "enabled", "fingerprint", "parse_rule_file"]
