"""Inert YAML loading with positions.

The YAML is *composed* (parsed into nodes), never constructed into objects: no tags beyond the
YAML 1.2 core schema, no Python objects. Scalars are converted here with exact decimals (a YAML
``876.13`` becomes ``Decimal("876.13")``), and only ``true``/``false`` are booleans: the YAML 1.1
rule that turns ``on``/``yes``/``no`` into booleans would turn the case key ``on`` into ``True``.

Every key and value keeps its position, so later stages can point at ``file:line:column``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from aidrules.errors import AidrulesError, Diagnostic, RuleSetError, Span

#: Refuse documents larger than this many characters.
MAX_DOCUMENT_CHARS = 2_000_000
#: Refuse documents with more nodes than this (after alias expansion).
MAX_NODES = 200_000
#: Refuse documents nested deeper than this.
MAX_DEPTH = 64

Path = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_DATE = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _CoreLoader(yaml.SafeLoader):
    """YAML 1.2 core schema resolution (plus ISO dates)."""


_CoreLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_INT, r"^[-+]?[0-9]+$", "-+0123456789"),
    (_FLOAT, r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
    (_FLOAT, r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+."),
    (_DATE, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "0123456789"),
]:
    _CoreLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


@dataclass(frozen=True, slots=True)
class Pos:
    """Where a value (and, for mapping values, its key) stands in the file."""

    line: int
    column: int
    key_line: int
    key_column: int
    style: str | None  # scalar style: None (plain), "'", '"', "|", ">"

    def span(self, file: str) -> Span:
        return Span(file, self.line, self.column)

    def key_span(self, file: str) -> Span:
        return Span(file, self.key_line, self.key_column)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    data: Any
    positions: dict[Path, Pos]
    file: str

    def span(self, path: Path, key: bool = False) -> Span:
        """The best known position for ``path`` (falling back to its nearest parent)."""
        p = path
        while p not in self.positions and p:
            p = p[:-1]
        pos = self.positions.get(p)
        if pos is None:
            return Span(self.file, 1, 1)
        return pos.key_span(self.file) if key and p == path else pos.span(self.file)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Path, Pos] = {}
        self.diagnostics: list[Diagnostic] = []
        self.count = 0

    def span(self, mark: yaml.Mark) -> Span:
        return Span(self.file, mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node, path: Path, key_mark: yaml.Mark | None, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge(f"more than {MAX_NODES} nodes (after expanding aliases)")
        if depth > MAX_DEPTH:
            raise _TooLarge(f"nested deeper than {MAX_DEPTH} levels")
        mark = node.start_mark
        km = key_mark or mark
        style = node.style if isinstance(node, yaml.ScalarNode) else None
        self.positions[path] = Pos(mark.line + 1, mark.column + 1, km.line + 1, km.column + 1, style)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self._bad_tag(node)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.diagnostics.append(
                        Diagnostic("RS003", "a key must be plain text", self.span(key_node.start_mark))
                    )
                    continue
                key = key_node.value
                if key in out:
                    self.diagnostics.append(
                        Diagnostic(
                            "RS002",
                            f"duplicate key `{key}`",
                            self.span(key_node.start_mark),
                            hint="a key may appear once in a mapping; the later value would silently win",
                        )
                    )
                    continue
                out[key] = self.build(value_node, (*path, key), key_node.start_mark, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._bad_tag(node)
            return [self.build(item, (*path, i), None, depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node)

    def _bad_tag(self, node: yaml.Node) -> None:
        self.diagnostics.append(
            Diagnostic(
                "RS003",
                f"YAML tag `{node.tag}` is not allowed",
                self.span(node.start_mark),
                hint="rule files and cases use plain YAML: no tags such as !!python/object",
            )
        )

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return value.lower() == "true"
        if tag == _INT:
            return int(value)
        if tag == _FLOAT:
            try:
                number = Decimal(value.replace("inf", "Infinity").replace("Inf", "Infinity").replace("INF", "Infinity"))
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite():
                self.diagnostics.append(
                    Diagnostic("RS005", f"`{value}` is not a finite number", self.span(node.start_mark))
                )
                return None
            return number
        if tag == _DATE:
            try:
                return date.fromisoformat(value)
            except ValueError:
                self.diagnostics.append(
                    Diagnostic("RS005", f"`{value}` is not a date that exists", self.span(node.start_mark))
                )
                return None
        self._bad_tag(node)
        return None


class _TooLarge(Exception):
    pass


def load_yaml(
    text: str, file: str, error_type: type[AidrulesError] = RuleSetError
) -> tuple[YamlDocument, list[Diagnostic]]:
    """Parse YAML into plain data with positions; problems come back as diagnostics.

    Broken YAML raises ``error_type`` at once (nothing else can be checked then).
    """
    if len(text) > MAX_DOCUMENT_CHARS:
        d = Diagnostic(
            "RS004",
            f"the document has {len(text)} characters, more than {MAX_DOCUMENT_CHARS}",
            Span(file, 1, 1),
            hint="aidrules.ruleset.yamlload.MAX_DOCUMENT_CHARS sets the limit",
        )
        raise error_type(str(d), [d])
    try:
        nodes = list(yaml.compose_all(text, Loader=_CoreLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = Span(file, mark.line + 1, mark.column + 1) if mark else Span(file, 1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        d = Diagnostic(
            "RS001",
            f"invalid YAML: {problem}{context}",
            span,
            hint="check the indentation and that every `key: value` has a space after the colon",
        )
        raise error_type(str(d), [d]) from None
    except yaml.YAMLError as exc:
        d = Diagnostic("RS001", f"invalid YAML: {exc}", Span(file, 1, 1))
        raise error_type(str(d), [d]) from None
    except RecursionError:
        d = Diagnostic("RS004", f"the document is nested too deeply (limit {MAX_DEPTH})", Span(file, 1, 1))
        raise error_type(str(d), [d]) from None
    if len(nodes) > 1:
        d = Diagnostic(
            "RS001",
            "a file must hold exactly one YAML document",
            Span(file, 1, 1),
            hint="remove the extra `---` separator",
        )
        raise error_type(str(d), [d])
    builder = _Builder(file)
    try:
        data = builder.build(nodes[0], (), None, 0) if nodes else None
    except _TooLarge as exc:
        d = Diagnostic("RS004", f"the document is too large: {exc}", Span(file, 1, 1))
        raise error_type(str(d), [d]) from None
    return YamlDocument(data, builder.positions, file), builder.diagnostics


def load_yaml_plain(text: str, file: str, error_type: type[AidrulesError] = RuleSetError) -> Any:
    """Parse YAML into plain data; any problem raises ``error_type``."""
    doc, diagnostics = load_yaml(text, file, error_type)
    if diagnostics:
        raise error_type(f"{file}: invalid YAML", diagnostics)
    return doc.data
