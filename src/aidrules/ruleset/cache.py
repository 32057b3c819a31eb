"""A per-user cache of parsed rule files, keyed by their bytes, so a command starts fast.

Reading a rule file with positions (:func:`aidrules.readers.yamlload.load_yaml`) is most of what
loading a rule set costs in a fresh process (``aidrules evaluate``): the registry reads every rule
file's header to find a rule set and its base layers, and compiling reads each layer again. The
result is a pure function of the file's text, its name (spans carry it), the limits and the code
of the reader, so it is cached under a fingerprint of exactly those (with aidrules' and Python's
versions). A changed file has another fingerprint: it misses and is read again. Compiling itself
is not cached: the compiled expressions are closures, which cannot be stored.

Where: ``AIDRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/aidrules``, else ``~/.cache/aidrules``.
``AIDRULES_NO_CACHE`` (any value but empty or ``0``; ``aidrules --no-cache``) turns it off.

Nothing in the cache is trusted more than the rule file it stands for:

- the directory is made ``0700``; one that is not a directory of the current user, or that
  others may write, is not used at all;
- an entry is written to a temporary file and renamed into place (never half written), read
  only when it is a regular file of the current user that others cannot write, and carries the
  sha256 of its content, checked before use;
- entries are unpickled with a reader that builds only the few plain types a parsed rule file
  holds (no other class, no function is ever called), and the result's type is checked;
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
from dataclasses import astuple
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from aidrules.errors import Diagnostic, Severity, Span
from aidrules.limits import DEFAULT_LIMITS, Limits
from aidrules.readers import yamlload
from aidrules.readers.yamlload import YamlDocument, load_yaml

ENV_DIR = "AIDRULES_CACHE_DIR"
ENV_OFF = "AIDRULES_NO_CACHE"

#: Bumped when the layout of an entry changes: entries of another format miss.
FORMAT = b"aidrules-cache-1\n"
#: Entries kept; the least recently written beyond this are removed when a new one is written.
MAX_ENTRIES = 512

#: The only classes an entry may hold (besides dict, list, tuple, str, int, bool, None).
_ALLOWED = {
    ("decimal", "Decimal"): decimal.Decimal,
    ("datetime", "date"): datetime.date,
    ("aidrules.readers.yamlload", "YamlDocument"): YamlDocument,
    ("aidrules.readers.yamlload", "Pos"): yamlload.Pos,
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
def _code_fingerprint() -> bytes:
    """What the cached value depends on besides the file: aidrules' version, the reader's code,
    Python's version."""
    try:
        package = version("aidrules")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without installing
        package = "?"
    reader = Path(yamlload.__file__).read_bytes()
    parts = (FORMAT, package.encode(), sys.version.encode(), hashlib.sha256(reader).digest())
    return hashlib.sha256(b"\0".join(parts)).digest()


def fingerprint(text: str, file: str, limits: Limits) -> str:
    """The key of a parsed rule file: its text, its name, the limits and the code that reads it."""
    h = hashlib.sha256(_code_fingerprint())
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


def _read(path: Path) -> Parsed | None:
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
        value = _Unpickler(io.BytesIO(body)).load()
    except Exception:  # any malformed pickle: the entry is ignored and rebuilt
        return None
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], YamlDocument)
        and isinstance(value[1], list)
        and all(isinstance(d, Diagnostic) for d in value[1])
    ):
        return value[0], value[1]
    return None


def _write(directory: Path, path: Path, value: Parsed) -> None:
    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # pragma: no cover - a parsed rule file holds only plain data
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
    entries = [p for p in directory.iterdir() if p.suffix == ".parsed"]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()


def parse_rule_file(text: str, file: str, *, limits: Limits | None = None) -> Parsed:
    """:func:`~aidrules.readers.yamlload.load_yaml` for the text of a rule file, from the cache
    when the same text, name and limits were read before. Errors are never cached: a text that
    does not parse raises as :func:`load_yaml` does, each time."""
    limits = limits or DEFAULT_LIMITS
    directory = _usable_dir() if enabled() else None
    if directory is None:
        return load_yaml(text, file, limits=limits)
    entry = directory / f"{fingerprint(text, file, limits)}.parsed"
    found = _read(entry)
    if found is not None:
        return found
    parsed = load_yaml(text, file, limits=limits)
    _write(directory, entry, parsed)
    return parsed


__all__ = ["ENV_DIR", "ENV_OFF", "cache_dir", "enabled", "fingerprint", "parse_rule_file"]
