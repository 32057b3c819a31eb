"""A per-user cache of parsed rule files (and of their registry headers), keyed by their bytes,
so a command starts fast.

Reading a rule file with positions (:func:`aidrules.readers.yamlload.load_yaml`) is most of what
loading a rule set costs in a fresh process (``aidrules evaluate``): the registry reads every rule
file's header to find a rule set and its base layers, and compiling reads each layer again. The
result is a pure function of the file's text, its name (spans carry it), the limits and the code
of the reader, so it is cached under a fingerprint of exactly those (with aidrules' and Python's
versions). A changed file has another fingerprint: it misses and is read again. The registry keeps
each rule file's header the same way (:func:`cached_value`, kind ``header``), so that finding a
rule set does not rebuild every candidate's whole parse. The compiled rule set itself is not
cached (its expressions are closures); the code generated from it is, by its source
(:func:`aidrules.readers.usercache.cached_code`).

The store (where, ``AIDRULES_CACHE_DIR``/``AIDRULES_NO_CACHE``, and what makes an entry
trusted: a private directory, atomic writes, a checked sha256, an unpickler that builds only
plain types) is :mod:`aidrules.readers.usercache`. A parse is stored as plain tuples, its
positions rebuilt on reading, and its exact shape checked; anything else is ignored and rebuilt
from the file. Signature checks (``--public-key``) run on the bytes of the files, before this
cache is asked. Only rule files are cached, never cases.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import astuple
from functools import cache
from pathlib import Path

from aidrules.errors import Diagnostic
from aidrules.limits import DEFAULT_LIMITS, Limits
from aidrules.readers import usercache, yamlload
from aidrules.readers.usercache import (
    ENV_DIR,
    ENV_OFF,
    FORMAT,
    cache_dir,
    cached_value,
    enabled,
    entry,
    key,
    read,
    usable_dir,
    write,
)
from aidrules.readers.yamlload import Pos, YamlDocument, load_yaml

#: The code every cached value of a rule file depends on: the reader's, and the package's
#: ``__init__`` (which holds aidrules' version: reading it costs a twentieth of asking the
#: installed package's metadata).
_READER = (yamlload.__file__, str(Path(yamlload.__file__).resolve().parents[1] / "__init__.py"))


@cache
def _code_fingerprint(*code: str) -> bytes:
    """What a cached value depends on besides the file: aidrules' version, the reader's code,
    Python's version, and the code of the modules named in ``code`` (files) that derive it."""
    sources = [Path(f).read_bytes() for f in (*_READER, *code)]
    return key(*(hashlib.sha256(src).digest() for src in sources)).encode()


def code_key(code: tuple[str, ...]) -> bytes:
    """What a value derived by the code in the files ``code`` depends on besides its input:
    aidrules' version, the reader's code, Python's version and those files' code."""
    return _code_fingerprint(*code)


def chain_key(kind: bytes, code: tuple[str, ...], limits: Limits, files: Iterable[tuple[str, str]]) -> str:
    """The per-user cache key of a value of ``kind`` derived from rule files (``files``: each
    file's name and text, in the chain's order) under ``limits`` by the code in the files ``code``."""
    parts = [code_key(code), repr(astuple(limits)).encode()]
    for file, text in files:
        parts += [file.encode("utf-8", "surrogatepass"), text.encode("utf-8", "surrogatepass")]
    return usercache.key(kind, *parts)


def fingerprint(text: str, file: str, limits: Limits, *, code: tuple[str, ...] = ()) -> str:
    """The key of a parsed rule file: its text, its name, the limits and the code that reads it
    (and, for a value derived from the parse, the files of the code that derives it)."""
    h = hashlib.sha256(_code_fingerprint(*code))
    h.update(repr(astuple(limits)).encode())
    h.update(b"\0" + file.encode("utf-8", "surrogatepass") + b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


Parsed = tuple[YamlDocument, list[Diagnostic]]


def flat_document(doc: YamlDocument, diagnostics: list[Diagnostic]) -> tuple[object, ...]:
    """A parse as plain tuples, as the cache stores it (:func:`document_of` reads it back)."""
    positions = [
        (path, pos.line, pos.column, pos.key_line, pos.key_column, pos.style, pos.file)
        for path, pos in doc.positions.items()
    ]
    return (doc.data, positions, doc.file, diagnostics)


_PARTS = frozenset({str, int})
_INT = frozenset({int})
_TEXT = frozenset({str, type(None)})


def document_of(value: object) -> Parsed | None:
    """A parse from its stored form, or None when the form is not exactly that of :func:`flat_document`."""
    if not isinstance(value, tuple) or len(value) != 4:
        return None
    data, positions, file, diagnostics = value
    if not isinstance(positions, list) or not isinstance(file, str) or usercache.diagnostics(diagnostics) is None:
        return None
    # Checked column by column (sets of types, built in C), then built in one go: a third of the
    # time of checking and building each position in turn.
    if any(type(item) is not tuple or len(item) != 7 for item in positions):
        return None
    at: dict[tuple[str | int, ...], Pos] = {}
    if positions:
        paths, lines, columns, key_lines, key_columns, styles, wheres = zip(*positions, strict=True)
        if {type(path) for path in paths} != {tuple} or not {type(p) for path in paths for p in path} <= _PARTS:
            return None
        if not {type(n) for n in (*lines, *columns, *key_lines, *key_columns)} <= _INT:
            return None
        if not {type(text) for text in (*styles, *wheres)} <= _TEXT:
            return None
        at = dict(zip(paths, map(Pos, lines, columns, key_lines, key_columns, styles, wheres), strict=True))
    return YamlDocument(data, at, file), diagnostics


def parse_rule_file(text: str, file: str, *, limits: Limits | None = None) -> Parsed:
    """:func:`~aidrules.readers.yamlload.load_yaml` for the text of a rule file, from the cache
    when the same text, name and limits were read before. Errors are never cached: a text that
    does not parse raises as :func:`load_yaml` does, each time."""
    limits = limits or DEFAULT_LIMITS
    directory = usable_dir()
    if directory is None:
        return load_yaml(text, file, limits=limits)
    path = entry(directory, "parsed", fingerprint(text, file, limits))
    found = document_of(read(path))
    if found is not None:
        return found
    parsed = load_yaml(text, file, limits=limits)
    write(directory, path, flat_document(*parsed))
    return parsed


__all__ = ["ENV_DIR", "ENV_OFF", "FORMAT", "cache_dir", "cached_value", "enabled", "fingerprint", "parse_rule_file"]
