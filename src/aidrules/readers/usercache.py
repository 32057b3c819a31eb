"""The per-user cache's store: where it is, and how an entry is written and read back checked.

What is kept (the parse and registry header of a rule file, :mod:`aidrules.ruleset.cache`; the
code objects of generated code, :mod:`aidrules.expr.codegen`; the few texts of a language's
number and date formats, :mod:`aidrules.words.formatting`) is each a pure function of what its
key is made of: the input's bytes, the code that derives it, aidrules' and Python's versions.

Where: ``AIDRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/aidrules``, else ``~/.cache/aidrules``.
``AIDRULES_NO_CACHE`` (any value but empty or ``0``; ``aidrules --no-cache``) turns it off.

Nothing in the cache is trusted more than what it stands for:

- the directory is made ``0700``; one that is not a directory of the current user, or that
  others may write, is not used at all;
- an entry is written to a temporary file and renamed into place (never half written), read
  only when it is a regular file of the current user that others cannot write, and carries the
  sha256 of its content, checked before use;
- data entries are unpickled with a reader that builds only a few plain types (no other class,
  no function is ever called), and the caller checks the exact shape and types of the result
  (``accept``); a code entry is a ``marshal``-ed code object, kept under the sha256 of the exact
  source it was compiled from (which the caller has just written again), and used only when it is
  a code object of that file name that names nothing and holds no text the source does not
  (:func:`cached_code`);
- any entry that fails a check (truncated, tampered, foreign, of an older format) is ignored and
  rebuilt; a cache that cannot be written is simply not used. The cache never causes an error or
  another decision than computing the value again would.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import hashlib
import io
import marshal
import os
import pickle
import re
import stat
import sys
import tempfile
import typing
from collections.abc import Callable, Container
from pathlib import Path
from types import CodeType

from aidrules.codes import KNOWN
from aidrules.errors import Diagnostic, Severity, Span

ENV_DIR = "AIDRULES_CACHE_DIR"
ENV_OFF = "AIDRULES_NO_CACHE"

#: Bumped when the layout of an entry changes: entries of another format miss.
FORMAT = b"aidrules-cache-2\n"
#: Entries kept; the least recently written beyond this are removed when a new one is written.
MAX_ENTRIES = 512

#: The only classes a data entry may hold (besides dict, list, tuple, str, int, bool, None).
_ALLOWED = {
    ("decimal", "Decimal"): decimal.Decimal,
    ("datetime", "date"): datetime.date,
    ("aidrules.errors", "Diagnostic"): Diagnostic,
    ("aidrules.errors", "Span"): Span,
    ("aidrules.errors", "Severity"): Severity,
}

#: The kinds of entries, by the suffix of their files: a rule file's parse and registry header,
#: a chain of layers merged,
#: generated code, a language's formats, the cost check of a rule set.
SUFFIXES = frozenset({".parsed", ".header", ".merged", ".code", ".locale", ".cost"})


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


def usable_dir() -> Path | None:
    """The cache directory, made ``0700`` if missing; None when the cache is off or the directory
    is not safely ours."""
    if not enabled():
        return None
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


def diagnostics(value: object) -> list[Diagnostic] | None:
    """``value`` when it is a list of diagnostics each of whose fields has its type (an unpickled
    one was not made by its constructor, so nothing else has checked it), else None."""
    if type(value) is not list:
        return None
    for d in value:
        if type(d) is not Diagnostic or d.code not in KNOWN or type(d.message) is not str:
            return None
        span = d.span
        if span is not None and not (
            type(span) is Span and type(span.file) is str and type(span.line) is int and type(span.column) is int
        ):
            return None
        if type(d.severity) is not Severity or not all(v is None or type(v) is str for v in (d.hint, d.path)):
            return None
    return value


def key(*parts: bytes) -> str:
    """The key of an entry: the sha256 of the format, Python's version and ``parts`` (everything
    the value is a function of)."""
    h = hashlib.sha256(FORMAT + sys.version.encode() + b"\0" + str(sys.flags.optimize).encode())
    for part in parts:
        h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        allowed = _ALLOWED.get((module, name))
        if allowed is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return allowed


def _read_body(path: Path) -> bytes | None:
    """The checked content of the entry at ``path``, or None when there is none that can be trusted."""
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
    return body


def read(path: Path) -> object:
    """The data stored at ``path``, or None when there is none that can be trusted."""
    body = _read_body(path)
    if body is None:
        return None
    try:
        return _Unpickler(io.BytesIO(body)).load()
    except Exception:  # any malformed pickle: the entry is ignored and rebuilt
        return None


def write(directory: Path, path: Path, value: object) -> None:
    """Store ``value`` (plain data) at ``path`` in ``directory``."""
    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # pragma: no cover - a cached value holds only plain data
        return
    _write_body(directory, path, body)


def _write_body(directory: Path, path: Path, body: bytes) -> None:
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
    entries = [p for p in directory.iterdir() if p.suffix in SUFFIXES]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()


def entry(directory: Path, kind: str, name: str) -> Path:
    """The file of the entry of ``kind`` under ``name`` (a :func:`key`)."""
    path = directory / f"{name}.{kind}"
    if path.suffix not in SUFFIXES:
        raise ValueError(f"unknown kind of cache entry: {kind}")
    return path


V = typing.TypeVar("V")


def cached_value(kind: str, name: str, build: Callable[[], V], accept: Callable[[object], V | None]) -> V:
    """``build()``, from the cache when an entry of ``kind`` under ``name`` (a key of everything
    it depends on) holds a value ``accept`` recognises: it returns the value, or None for anything
    else (which is then rebuilt and stored again). ``build()`` must give plain data (str, int,
    bool, None, Decimal, date, tuples, lists, dicts)."""
    directory = usable_dir()
    if directory is None:
        return build()
    path = entry(directory, kind, name)
    found = accept(read(path))
    if found is not None:
        return found
    value = build()
    write(directory, path, value)
    return value


#: Generated source shorter than this is compiled each time: compiling it costs about what
#: reading an entry does (about 0.2 ms per kilobyte of source against 0.1-0.2 ms per entry).
MIN_CODE_CHARS = 4096
_CONSTANTS = (type(None), bool, int, float, str)


def cached_code(source: str, filename: str, given: Container[str] = ()) -> CodeType:
    """``compile(source, filename, "exec")``, from the cache when the same source (the same bytes)
    was compiled before by this Python.

    ``source`` is generated code (:mod:`aidrules.expr.codegen`), which the caller writes again
    each time: the entry is found by the sha256 of that text, so code is only ever reused for
    exactly the text it was compiled from. A stored code object is used only when it is a code
    object of ``filename`` whose every name (of a global, a builtin or an attribute, at every
    level) is one of the names ``given`` to it (its namespace's constants) or a word of
    ``source``, and whose constants are plain values, each text of them found in ``source``: a
    forged entry can reach nothing the source does not name."""
    directory = usable_dir() if len(source) >= MIN_CODE_CHARS else None
    if directory is None:
        return compile(source, filename, "exec")
    path = entry(directory, "code", key(b"code", filename.encode(), source.encode("utf-8", "surrogatepass")))
    body = _read_body(path)
    if body is not None:
        try:
            found = marshal.loads(body)
        except Exception:  # any malformed entry: compiled again
            found = None
        if isinstance(found, CodeType) and _code_of(found, source, filename, given, _Words(source)):
            return found
    code = compile(source, filename, "exec")
    _write_body(directory, path, marshal.dumps(code))
    return code


def _code_of(code: CodeType, source: str, filename: str, given: Container[str], words: _Words) -> bool:
    """Whether ``code`` could be compiled from ``source``: see :func:`cached_code`. (Local names
    are not checked: a local reaches nothing.)"""
    if code.co_filename != filename:
        return False
    for name in code.co_names:
        if name not in given and name not in words:
            return False
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            if not _code_of(constant, source, filename, given, words):
                return False
        elif isinstance(constant, tuple):
            if not all(type(c) in _CONSTANTS and (type(c) is not str or c in source) for c in constant):
                return False
        elif type(constant) not in _CONSTANTS or (type(constant) is str and constant not in source):
            return False
    return True


class _Words:
    """The identifiers written in a source text (each a whole word, not a part of a longer one),
    found once, when the first name is asked for: one pass over the text, however many names
    are checked (looking each name up in the text was quadratic: 0.8 s for the code of a rule set
    of 1,000 conditions)."""

    __slots__ = ("_found", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._found: frozenset[str] | None = None

    def __contains__(self, name: object) -> bool:
        if type(name) is not str or not name.isidentifier():
            return False
        if self._found is None:
            self._found = frozenset(_WORD.findall(self._source))
        return name in self._found


#: A run of word characters (``str.isalnum()`` or ``_``): an identifier, or a part of a number.
_WORD = re.compile(r"\w+")


__all__ = [
    "ENV_DIR",
    "ENV_OFF",
    "FORMAT",
    "MIN_CODE_CHARS",
    "SUFFIXES",
    "cache_dir",
    "cached_code",
    "cached_value",
    "diagnostics",
    "enabled",
    "entry",
    "key",
    "read",
    "usable_dir",
    "write",
]
