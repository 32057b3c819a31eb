"""Inert YAML loading with positions.

The YAML is *composed* (parsed into nodes), never constructed into objects: no tags beyond the
YAML 1.2 core schema, no Python objects. Scalars are converted here with exact decimals (a YAML
``876.13`` becomes ``Decimal("876.13")``), and only ``true``/``false`` are booleans: the YAML 1.1
rule that turns ``on``/``yes``/``no`` into booleans would turn the case key ``on`` into ``True``.

Every key and value keeps its position, so later stages can point at ``file:line:column``.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

import yaml
from yaml.composer import Composer
from yaml.resolver import BaseResolver

from aidrules._frozen import Frozen
from aidrules.errors import AidrulesError, Diagnostic, RuleSetError, Span
from aidrules.limits import DECIMAL_DIGITS, DEFAULT_LIMITS, Limits, number_fits, number_in_range

# The defaults of :class:`aidrules.limits.Limits`, kept under their former names.
MAX_DOCUMENT_CHARS = DEFAULT_LIMITS.max_document_chars
MAX_NODES = DEFAULT_LIMITS.max_nodes
MAX_DEPTH = DEFAULT_LIMITS.max_depth

Path = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_DATE = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Limited:
    """Composing under :class:`Limits`, whichever parser gives the events.

    The limits are enforced while composing, before anything is expanded: an alias adds the
    size of the node it repeats, so a "billion laughs" document is refused after reading a few
    lines instead of after building its billion nodes.
    """

    limits: Limits

    def start_limits(self, limits: Limits) -> None:
        self.limits = limits
        self.depth = 0
        self.nodes = 0
        self.chars = 0
        self.aliases = 0
        # id(node) -> (nodes, characters of texts) it stands for, aliases expanded
        self.sizes: dict[int, tuple[int, int]] = {}

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        mark = cast(yaml.Mark, event.start_mark)
        compose = super().compose_node  # type: ignore[misc]
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                raise _Refused(f"more than {self.limits.max_aliases} aliases", mark)
            node = compose(parent, index)
            size = self.sizes.get(id(node))
            if size is None:
                raise _Refused(f"the alias `*{event.anchor}` repeats a node that contains it", mark)
            self.grow(*size, mark)
            return cast(yaml.Node, node)
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise _Refused(f"nested deeper than {self.limits.max_depth} levels", mark)
        before = (self.nodes, self.chars)
        text = len(event.value) if isinstance(event, yaml.ScalarEvent) else 0
        self.grow(1, text, mark)
        node = compose(parent, index)
        self.depth -= 1
        self.sizes[id(node)] = (self.nodes - before[0], self.chars - before[1])
        return cast(yaml.Node, node)

    def grow(self, nodes: int, chars: int, mark: yaml.Mark) -> None:
        self.nodes += nodes
        if self.nodes > self.limits.max_nodes:
            raise _Refused(f"more than {self.limits.max_nodes} nodes (after expanding aliases)", mark)
        # Texts an alias repeats are counted as often as they are repeated: 45 texts of 20,000
        # characters behind one anchor, repeated 1,000 times, are 900 million characters to
        # fingerprint and check, although the file has less than a million.
        # A document without aliases never reaches the bound, also when a caller raises
        # max_document_chars alone.
        self.chars += chars
        bound = max(self.limits.max_expanded_chars, self.limits.max_document_chars)
        if self.chars > bound:
            raise _Refused(f"more than {bound} characters of text (after expanding aliases)", mark)


class _CoreLoader(_Limited, yaml.SafeLoader):
    """YAML 1.2 core schema resolution (plus ISO dates), composing under :class:`Limits`, on
    PyYAML's pure-Python scanner and parser (used where libyaml is not available)."""

    def __init__(self, stream: str, limits: Limits) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self.start_limits(limits)


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

_Loader: Any = _CoreLoader
if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _CCoreLoader(_Limited, Composer, CParser, BaseResolver):
        """The same, on libyaml's C scanner and parser: the events (with their positions) come
        from C, the composing with its limits and the resolution stay here. About ten times
        faster than the pure-Python parser (docs/performance.md)."""

        yaml_implicit_resolvers = _CoreLoader.yaml_implicit_resolvers

        def __init__(self, stream: str, limits: Limits) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            BaseResolver.__init__(self)
            self.start_limits(limits)

    _Loader = _CCoreLoader


# Frozen values (aidrules._frozen.Frozen, each with its own __init__): no dataclass methods are
# written and exec'd for them at every start.
_set = object.__setattr__


class Pos(Frozen):
    """Where a value (and, for mapping values, its key) stands in the file."""

    __slots__ = ("column", "file", "key_column", "key_line", "line", "style")
    line: int
    column: int
    key_line: int
    key_column: int
    style: str | None  # scalar style: None (plain), "'", '"', "|", ">"
    file: str | None  # set when a merged document holds positions from several files

    def __init__(
        self, line: int, column: int, key_line: int, key_column: int, style: str | None, file: str | None = None
    ) -> None:
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "key_line", key_line)
        _set(self, "key_column", key_column)
        _set(self, "style", style)
        _set(self, "file", file)

    def span(self, file: str) -> Span:
        return Span(self.file or file, self.line, self.column)

    def key_span(self, file: str) -> Span:
        return Span(self.file or file, self.key_line, self.key_column)


class YamlDocument(Frozen):
    __slots__ = ("data", "file", "positions")
    data: Any
    positions: dict[Path, Pos]
    file: str

    def __init__(self, data: Any, positions: dict[Path, Pos], file: str) -> None:
        _set(self, "data", data)
        _set(self, "positions", positions)
        _set(self, "file", file)

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
    def __init__(self, file: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.file = file
        self.limits = limits
        self.positions: dict[Path, Pos] = {}
        self.diagnostics: list[Diagnostic] = []
        self.count = 0

    def span(self, mark: yaml.Mark) -> Span:
        return Span(self.file, mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node, path: Path, key_mark: yaml.Mark | None, depth: int) -> Any:
        self.count += 1
        if self.count > self.limits.max_nodes:
            raise _TooLarge(f"more than {self.limits.max_nodes} nodes (after expanding aliases)")
        if depth > self.limits.max_depth:
            raise _TooLarge(f"nested deeper than {self.limits.max_depth} levels")
        mark = node.start_mark
        km = key_mark or mark
        style = (node.style or None) if isinstance(node, yaml.ScalarNode) else None
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
                if key == "<<" and not key_node.style:
                    # YAML 1.1 merge keys are not part of YAML 1.2: refused, so that no value can
                    # hide behind a merge (which of two values wins is easy to get wrong).
                    self.diagnostics.append(
                        Diagnostic(
                            "RS003",
                            "YAML merge keys (`<<: *name`) are not supported",
                            self.span(key_node.start_mark),
                            hint="write the keys out in full",
                        )
                    )
                    continue
                if self.too_long(key_node):
                    continue
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

    def too_long(self, node: yaml.ScalarNode) -> bool:
        if len(node.value) <= self.limits.max_string_chars:
            return False
        self.diagnostics.append(
            Diagnostic(
                "RS004",
                f"a text of {len(node.value)} characters, more than {self.limits.max_string_chars}",
                self.span(node.start_mark),
                hint="see Limits.max_string_chars in docs/security.md",
            )
        )
        return True

    def number_fits(self, node: yaml.ScalarNode) -> bool:
        """Whether a number is short enough to convert (``int()`` of a huge text is slow)."""
        text = node.value
        if len(text) > self.limits.max_number_chars:
            self.number_refused(node)
            return False
        if node.tag == _INT and not number_in_range(int(text), self.limits):
            self.number_refused(node)
            return False
        return True

    def number_refused(self, node: yaml.ScalarNode) -> None:
        e = self.limits.max_number_exponent
        shown = node.value if len(node.value) <= 24 else f"{node.value[:20]}…"
        self.diagnostics.append(
            Diagnostic(
                "RS004",
                f"the number `{shown}` is too large, too small or too long",
                self.span(node.start_mark),
                hint=f"numbers lie between 10^-{e} and 10^{e + 1}, with at most {DECIMAL_DIGITS} digits "
                f"and {self.limits.max_number_chars} characters",
            )
        )

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
            return None if self.too_long(node) else value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return value.lower() == "true"
        if tag in (_INT, _FLOAT) and not self.number_fits(node):
            return None
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
            if not number_fits(number, self.limits):
                self.number_refused(node)
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


class _Refused(Exception):
    def __init__(self, message: str, mark: yaml.Mark) -> None:
        super().__init__(message)
        self.mark = mark


# libyaml 0.2.6 (in PyYAML 6.0.3+ wheels) refuses nesting beyond 1000 levels itself, and its
# scanner looks ahead over a whole run of flow brackets, so it can refuse before our composer has
# seen level ``max_depth``. Its refusal names neither our limit nor the level where it was crossed.
_LIBYAML_DEPTH_PROBLEM = "exceeded maximum nesting depth"
_LIBYAML_MAX_DEPTH = 1000


def _compose(text: str, limits: Limits) -> list[yaml.Node]:
    try:
        return _compose_with(_Loader, text, limits)
    except yaml.MarkedYAMLError as exc:
        if _Loader is _CoreLoader or exc.problem != _LIBYAML_DEPTH_PROBLEM or exc.problem_mark is None:
            raise
        # The pure-Python parser reads events lazily: composing again with it stops at the exact
        # node where ``max_depth`` is crossed (only documents libyaml refused pay for this).
        # PyYAML's composer recurses per level: past a few hundred levels, libyaml's mark is better.
        with contextlib.suppress(RecursionError):
            _compose_with(_CoreLoader, text, limits)
        # Reached only when ``max_depth`` is above what the parsers can take: report libyaml's limit.
        raise _Refused(f"nested deeper than {_LIBYAML_MAX_DEPTH} levels", exc.problem_mark) from None


def _compose_with(loader_type: Any, text: str, limits: Limits) -> list[yaml.Node]:
    loader = loader_type(text, limits)
    try:
        nodes = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                nodes.append(node)
        return nodes
    finally:
        loader.dispose()


def load_yaml(
    text: str, file: str, error_type: type[AidrulesError] = RuleSetError, *, limits: Limits | None = None
) -> tuple[YamlDocument, list[Diagnostic]]:
    """Parse YAML into plain data with positions; problems come back as diagnostics.

    Broken YAML, and YAML beyond the ``limits`` (default :data:`aidrules.limits.DEFAULT_LIMITS`),
    raise ``error_type`` at once (nothing else can be checked then).
    """
    limits = limits or DEFAULT_LIMITS
    if len(text) > limits.max_document_chars:
        d = Diagnostic(
            "RS004",
            f"the document has {len(text)} characters or more, more than {limits.max_document_chars}",
            Span(file, 1, 1),
            hint="see Limits.max_document_chars in docs/security.md",
        )
        raise error_type(str(d), [d])
    try:
        nodes = _compose(text, limits)
    except _Refused as exc:
        d = Diagnostic(
            "RS004",
            f"the document is too large: {exc}",
            Span(file, exc.mark.line + 1, exc.mark.column + 1),
            hint="split the file; remove runaway aliases; the limits are in docs/security.md",
        )
        raise error_type(str(d), [d]) from None
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
    except (yaml.reader.ReaderError, UnicodeEncodeError) as exc:  # a character YAML does not allow, such as NUL
        # (libyaml reads UTF-8: a lone surrogate cannot even be encoded for it)
        at = exc.position if isinstance(exc, yaml.reader.ReaderError) else exc.start
        at = min(max(at, 0), len(text))
        character = exc.character if isinstance(exc, yaml.reader.ReaderError) else ord(text[at])
        span = Span(file, text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at))
        d = Diagnostic("RS001", f"invalid YAML: character #x{character:04x} is not allowed", span)
        raise error_type(str(d), [d]) from None
    except yaml.YAMLError as exc:
        d = Diagnostic("RS001", f"invalid YAML: {exc}", Span(file, 1, 1))
        raise error_type(str(d), [d]) from None
    except RecursionError:
        d = Diagnostic("RS004", f"the document is nested too deeply (limit {limits.max_depth})", Span(file, 1, 1))
        raise error_type(str(d), [d]) from None
    if len(nodes) > 1:
        d = Diagnostic(
            "RS001",
            "a file must hold exactly one YAML document",
            Span(file, 1, 1),
            hint="remove the extra `---` separator",
        )
        raise error_type(str(d), [d])
    builder = _Builder(file, limits)
    try:
        data = builder.build(nodes[0], (), None, 0) if nodes else None
    except _TooLarge as exc:
        d = Diagnostic("RS004", f"the document is too large: {exc}", Span(file, 1, 1))
        raise error_type(str(d), [d]) from None
    return YamlDocument(data, builder.positions, file), builder.diagnostics


def load_yaml_plain(
    text: str, file: str, error_type: type[AidrulesError] = RuleSetError, *, limits: Limits | None = None
) -> Any:
    """Parse YAML into plain data; any problem raises ``error_type``."""
    doc, diagnostics = load_yaml(text, file, error_type, limits=limits)
    if diagnostics:
        raise error_type(f"{file}: invalid YAML", diagnostics)
    return doc.data
