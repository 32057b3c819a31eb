"""A YAML writer with many harmless styles, for fuzzing (PyYAML's dumper has one style per run).

The same data can be written with another key order, indentation, quoting, flow or block
collections, boolean spelling and comments; every such text must load to the same data. The
writer checks that itself (:func:`render` re-reads its output), so a fuzz failure always means
aidrules, not the writer, treated equal documents differently.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from aidrules.readers.yamlload import load_yaml

#: Characters YAML does not allow raw (PyYAML's reader), plus line breaks and the BOM.
_SPECIAL = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_COMMENTS = ("# note", "# key: value", "# { [ & * ! | > ' \" %", "#", "# --- not a document", "# ü € 中")
_RESERVED_PLAIN = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9].*|\.[0-9].*|[-+]?\.(?:inf|Inf|INF)"
    r"|\.(?:nan|NaN|NAN)|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$"
)


@dataclass(frozen=True)
class Style:
    """How to write one document."""

    indent: int = 2
    indent_sequences: bool = True  # "key:\n  - item" rather than "key:\n- item"
    flow_from_depth: int | None = None  # collections this deep or deeper are written in flow style
    strings: str = "plain"  # preferred: plain, single, double, literal
    quote_keys: bool = False
    booleans: str = "lower"  # lower (true), title (True), upper (TRUE)
    nulls: str = "null"  # null or ~
    comments: float = 0.0  # chance of a comment before each block mapping entry
    shuffle: float = 0.0  # chance that a mapping's keys are written in another order
    seed: int = 0


def render(data: Any, style: Style, keep_order: frozenset[tuple[str, ...]] = frozenset(), *, check: bool = True) -> str:
    """``data`` as YAML text in ``style``; mappings at paths in ``keep_order`` keep their key order.

    Raises:
        AssertionError: with ``check``, the text does not load back to ``data`` (a bug in this writer).
    """
    writer = _Writer(style, keep_order)
    lines = writer.block(data, 0, ())
    text = "\n".join(lines) + "\n"
    if not check:
        return text
    doc, problems = load_yaml(text, "<emitted>")
    assert not problems, (problems, text)
    assert _same(doc.data, data), "the writer changed the data"
    return text


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


class _Writer:
    def __init__(self, style: Style, keep_order: frozenset[tuple[str, ...]]) -> None:
        self.style = style
        self.keep_order = keep_order
        self.rng = random.Random(style.seed)

    # -- collections ----------------------------------------------------------------------
    def keys(self, mapping: dict[str, Any], path: tuple[str, ...]) -> list[str]:
        keys = list(mapping)
        if path not in self.keep_order and self.rng.random() < self.style.shuffle:
            self.rng.shuffle(keys)
        return keys

    def block(self, value: Any, depth: int, path: tuple[str, ...]) -> list[str]:
        """Lines of a top-level value (a mapping, in practice)."""
        if isinstance(value, dict) and value:
            return self.mapping_lines(value, 0, depth, path)
        return [self.flow(value, path)]

    def is_flow(self, value: Any, depth: int) -> bool:
        start = self.style.flow_from_depth
        return not value or (start is not None and depth >= start)

    def mapping_lines(
        self, mapping: dict[str, Any], indent: int, depth: int, path: tuple[str, ...], item: bool = False
    ) -> list[str]:
        out: list[str] = []
        pad = " " * indent
        for key in self.keys(mapping, path):
            value = mapping[key]
            # (never between the "- " of a list item and the item's first key)
            if (out or not item) and self.rng.random() < self.style.comments:
                out.append(pad + self.rng.choice(_COMMENTS))
            head = f"{pad}{self.key(key)}:"
            out.extend(self.entry(head, value, indent, depth + 1, (*path, key)))
        return out

    def entry(self, head: str, value: Any, indent: int, depth: int, path: tuple[str, ...]) -> list[str]:
        if isinstance(value, dict) and not self.is_flow(value, depth):
            return [head, *self.mapping_lines(value, indent + self.style.indent, depth, path)]
        if isinstance(value, list) and not self.is_flow(value, depth):
            inner = indent + self.style.indent if self.style.indent_sequences else indent
            return [head, *self.sequence_lines(value, inner, depth, path)]
        if isinstance(value, str) and self.use_literal(value):
            return [head + " |-", *self.literal_lines(value, indent + self.style.indent)]
        line = f"{head} {self.flow(value, path)}"
        if self.rng.random() < self.style.comments:
            line += " " + self.rng.choice(_COMMENTS)
        return [line]

    def sequence_lines(self, items: list[Any], indent: int, depth: int, path: tuple[str, ...]) -> list[str]:
        out: list[str] = []
        pad = " " * indent
        for i, item in enumerate(items):
            item_path = (*path, str(i))
            if isinstance(item, dict) and not self.is_flow(item, depth + 1):
                inner = self.mapping_lines(item, indent + 2, depth + 1, item_path, item=True)
                out.append(pad + "- " + inner[0].lstrip(" "))
                out.extend(inner[1:])
            elif isinstance(item, list) and not self.is_flow(item, depth + 1):
                inner = self.sequence_lines(item, indent + 2, depth + 1, item_path)
                out.append(pad + "- " + inner[0].lstrip(" "))
                out.extend(inner[1:])
            elif isinstance(item, str) and self.use_literal(item):
                out.append(pad + "- |-")
                out.extend(self.literal_lines(item, indent + 2))
            else:
                out.append(pad + "- " + self.flow(item, item_path))
        return out

    def flow(self, value: Any, path: tuple[str, ...]) -> str:
        """A value in flow style (collections as ``{...}``/``[...]``)."""
        if isinstance(value, dict):
            keys = self.keys(value, path)
            return "{" + ", ".join(f"{self.key(k, flow=True)}: {self.flow(value[k], (*path, k))}" for k in keys) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v, (*path, str(i))) for i, v in enumerate(value)) + "]"
        return self.scalar(value, flow=True)

    # -- scalars --------------------------------------------------------------------------
    def key(self, key: str, flow: bool = False) -> str:
        if _PLAIN_KEY.match(key) and not _RESERVED_PLAIN.match(key) and not self.style.quote_keys:
            return key
        return self.quoted(key, "double" if self.style.strings == "double" else "single")

    def scalar(self, value: Any, flow: bool) -> str:
        if value is None:
            return self.style.nulls
        if isinstance(value, bool):
            word = "true" if value else "false"
            return {"lower": word, "title": word.title(), "upper": word.upper()}[self.style.booleans]
        if isinstance(value, int | Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        assert isinstance(value, str), value
        preferred = self.style.strings
        if preferred == "plain" and self.plain_ok(value, flow):
            return value
        if preferred == "single" and "\n" not in value and self.no_edge_spaces(value):
            return self.quoted(value, "single")
        return self.quoted(value, "double")

    @staticmethod
    def no_edge_spaces(value: str) -> bool:
        return value == value.strip(" \t") and not _SPECIAL.search(value) and "\n" not in value and "\r" not in value

    def plain_ok(self, value: str, flow: bool) -> bool:
        if not value or _RESERVED_PLAIN.match(value) or value != value.strip():
            return False
        if value[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in value or " #" in value or value.endswith(":"):
            return False
        if flow and any(ch in value for ch in ",[]{}"):
            return False
        return not _SPECIAL.search(value) and all(ch >= " " for ch in value)

    @staticmethod
    def quoted(value: str, kind: str) -> str:
        if kind == "single" and "\n" not in value and _Writer.no_edge_spaces(value):
            return "'" + value.replace("'", "''") + "'"
        out = []
        for ch in value:
            if ch == "\\":
                out.append("\\\\")
            elif ch == '"':
                out.append('\\"')
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\t":
                out.append("\\t")
            elif ch < " " or _SPECIAL.match(ch):
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'

    def use_literal(self, value: str) -> bool:
        if self.style.strings != "literal" or "\n" not in value:
            return False
        lines = value.split("\n")
        if value[0] in " \t\n" or value[-1] in " \t\n":
            return False
        if any(line.strip() == "" and line for line in lines):
            return False
        return all(self.plain_text(line) for line in lines)

    @staticmethod
    def plain_text(line: str) -> bool:
        return not _SPECIAL.search(line) and all(ch >= " " for ch in line)

    def literal_lines(self, value: str, indent: int) -> list[str]:
        pad = " " * indent
        return [pad + line if line else "" for line in value.split("\n")]
