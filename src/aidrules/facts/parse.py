"""Validating case facts and turning them into the evaluation's fact tree."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from types import UnionType
from typing import Any, Union, cast, get_args, get_origin

from pydantic import BaseModel, ValidationError

from aidrules.errors import Diagnostic, FactsError, did_you_mean
from aidrules.facts import messages
from aidrules.facts.jsonload import read_json_case
from aidrules.facts.model import Case
from aidrules.facts.shape import model_shape
from aidrules.facts.tree import bare, plain
from aidrules.limits import DEFAULT_LIMITS, Limits, read_document
from aidrules.readers.yamlload import load_yaml, load_yaml_plain


def _fields_of(parent: str) -> list[str]:
    """The field names of the record at the index-free path ``parent`` (none for an unknown path)."""
    return list(model_shape().fields.get(parent, ()))


def _path(loc: tuple[int | str, ...]) -> tuple[str, str]:
    """Printable path (``debts[0].amount``) and its index-free form (``debts.amount``)."""
    shown = ""
    plain = ""
    for part in loc:
        if isinstance(part, int):
            shown += f"[{part}]"
        else:
            if part.startswith(("function-", "decimal", "date")) or "[" in part:
                continue  # pydantic's validator step names, not fields
            name = part or '""'  # an empty key still needs a visible path
            shown += f".{name}" if shown else name
            plain += f".{part}" if plain or not part else part  # an empty key stays visible as its own part
    return shown or "(case)", plain


def _diagnostics(error: ValidationError, lang: str = "en") -> list[Diagnostic]:
    out = []
    for item in error.errors(include_url=False):
        shown, plain = _path(tuple(item["loc"]))
        hint = None
        kind = item["type"]
        value = item.get("input")
        message = item["msg"].removeprefix("Value error, ")
        fields: dict[str, Any] = {"value": value, **(item.get("ctx") or {})}
        expected = ""
        if kind == "extra_forbidden":
            parent, _, key = plain.rpartition(".")
            if not key.strip():  # `{"": 1}`: a key without a name is no field at all
                kind = "empty_key"
                fields["key"] = json.dumps(key)
                fields["fields"] = ", ".join(_fields_of(parent)) or "-"
                message = f"a field without a name ({json.dumps(key)}) is not a field of the case"
                hint = messages.hint("empty_key", lang, fields=fields["fields"])
            else:
                message = f"unknown field `{key}`"
                fields["key"] = key
                suggestion = did_you_mean(key, _fields_of(parent))
                if suggestion is not None and lang != "en":
                    close = suggestion.split("`")[1] if "`" in suggestion else suggestion
                    suggestion = messages.hint("did_you_mean", lang, fixed=close)
                hint = suggestion
                if key.isdigit():  # `amount: 1.180,50` inside `{…}`: the comma split the amount in two
                    hint = messages.hint("comma_split", lang)
        elif kind == "literal_error":
            message = f"{message}, got `{_shorten(str(value))}`"
            expected = "code"
        elif kind == "value_error" and "is not an amount" in message:
            kind, expected = "not_amount", "amount"
        elif kind == "value_error" and "is not a date" in message:
            kind, expected = "not_date", "date"
        elif kind in ("bool_type", "bool_parsing"):
            expected = "yes_no"
        elif kind in ("int_type", "int_parsing"):
            expected = "integer"
        elif kind in ("decimal_type", "decimal_parsing"):
            expected = "amount"
        message = messages.message(kind, message, lang, **fields)
        if hint is None and expected:
            choices = messages.choices_of(str(fields.get("expected", "")))
            hint = messages.belgian_hint(value, expected, lang, choices)
        out.append(Diagnostic("CF001", message, path=shown, hint=hint))  # printed as "<path>: error CF001: ..."
    return out


def _shorten(text: str, size: int = 60) -> str:
    """Echo at most ``size`` characters of a value from the input (it may be huge)."""
    return text if len(text) <= size else f"{text[: size - 1]}…"


#: Values that hold no others (the common ones, checked by class before the slower isinstance).
_LEAVES = frozenset({str, int, bool, float, Decimal, type(None)})


def _within(data: Mapping[str, Any], limits: Limits) -> bool:
    """Whether no list is longer than ``max_list_items`` and nothing is nested deeper than
    ``max_depth``: :func:`_oversized` finds nothing. One walk over the containers, without paths
    (they are only written when something is refused)."""
    max_items = limits.max_list_items
    max_depth = limits.max_depth
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth >= max_depth and node:  # its items lie deeper than allowed
            return False
        if node.__class__ is dict or isinstance(node, Mapping):
            items: Any = node.values()
        elif len(node) > max_items:
            return False
        else:
            items = node
        below = depth + 1
        for item in items:
            kind = item.__class__
            if kind is dict or kind is list or (kind not in _LEAVES and isinstance(item, Mapping | list | tuple)):
                stack.append((item, below))
    return True


def _oversized(data: Any, path: str, limits: Limits, depth: int, out: list[Diagnostic]) -> None:
    """Lists longer than ``max_list_items`` and nesting deeper than ``max_depth``, by path."""
    if depth > limits.max_depth:
        out.append(Diagnostic("CF005", f"{path}: nested deeper than {limits.max_depth} levels", path=path))
        return
    if isinstance(data, Mapping):
        for key, value in data.items():
            name = _shorten(str(key), 40) or '""'  # an empty key still needs a visible path
            _oversized(value, f"{path}.{name}" if path else name, limits, depth + 1, out)
    elif isinstance(data, list | tuple):
        if len(data) > limits.max_list_items:
            message = f"{path}: a list of {len(data)} items, more than {limits.max_list_items}"
            out.append(Diagnostic("CF005", message, path=path, hint="see Limits.max_list_items in docs/security.md"))
            return
        for i, item in enumerate(data):
            _oversized(item, f"{path}[{i}]", limits, depth + 1, out)


def parse_facts(data: Case | Mapping[str, Any], *, limits: Limits | None = None, lang: str = "en") -> Case:
    """Validate case facts; raise :class:`FactsError` naming every offending path (messages in
    ``lang``, with hints for values written the Belgian way: ``1.180,50``, ``ja``, ``deurwaarder``).

    A case with a list longer than ``limits.max_list_items`` or nested deeper than
    ``limits.max_depth`` (see :mod:`aidrules.limits`) is refused for that alone (``CF005``), whatever
    else is wrong with it. The model bounds what a valid case can hold, so the walk that measures
    this runs only when the case is refused, or could be beyond the limits all the same
    (:func:`may_exceed`).

    Example:
        >>> parse_facts({"client": {"motivation": 3}}).client.motivation
        3
    """
    if isinstance(data, Case):
        return data
    if not isinstance(data, Mapping):
        raise FactsError(
            "a case must be a mapping of fields",
            [Diagnostic("CF002", "a case must be a mapping of fields", path="(case)")],
        )
    bounds = limits or DEFAULT_LIMITS
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        refuse_oversized(data, bounds)  # the limits come first
        diagnostics = _diagnostics(exc, lang)
        raise FactsError(f"the case has {len(diagnostics)} invalid field(s)", diagnostics) from None
    except UnicodeEncodeError:  # a lone surrogate (``"\ud800"``) in a key or a text: not Unicode text
        refuse_oversized(data, bounds)
        broken = not_unicode(data)
        raise FactsError(f"the case has {len(broken)} invalid field(s)", broken) from None
    if may_exceed(case, bounds):
        refuse_oversized(data, bounds)
    return case


def refuse_oversized(data: Mapping[str, Any], limits: Limits) -> None:
    """Raise the ``CF005`` errors of ``data`` (by path) when it is beyond the size limits."""
    if not _within(data, limits):
        oversized: list[Diagnostic] = []
        _oversized(data, "", limits, 0, oversized)
        raise FactsError(f"the case exceeds the limits in {len(oversized)} place(s)", oversized)


#: Per :class:`Limits`: the lists of a valid case that the model lets grow beyond
#: ``max_list_items`` (each by the fields that lead to it), or None when a valid case may nest
#: deeper than ``max_depth`` (then every case is measured).
_UNCAPPED: dict[Limits, tuple[tuple[str, ...], ...] | None] = {}
#: The limits last asked about and their answer, found by identity: nearly every caller passes one
#: ``Limits`` (``DEFAULT_LIMITS``), and hashing its thirteen fields costs more than the answer
_LAST_UNCAPPED: tuple[Limits | None, tuple[tuple[str, ...], ...] | None] = (None, None)


def _model_field(node: Any, name: str) -> Any:
    return node.__dict__[name]


def may_exceed(case: Any, limits: Limits, field: Callable[[Any, str], Any] = _model_field) -> bool:
    """Whether the valid ``case`` could be beyond ``limits`` (then its input is measured): when
    the model allows nesting as deep as ``max_depth``, or one of its lists without a bound of
    ``max_list_items`` or less in the model is longer than that (``household.children``).
    ``field(node, name)`` reads a field: of the models by default, of a plain dict
    (``facts/direct.py``) with ``dict.get``."""
    uncapped = uncapped_lists(limits)
    if uncapped is None:
        return True
    for path in uncapped:
        node: Any = case
        for name in path:
            node = field(node, name)
            if node is None:
                break
        else:
            if len(node) > limits.max_list_items:
                return True
    return False


def uncapped_lists(limits: Limits) -> tuple[tuple[str, ...], ...] | None:
    """The lists of a valid case that the model lets grow beyond ``limits.max_list_items`` (each
    by the fields that lead to it), or None when a valid case may nest as deep as
    ``limits.max_depth`` (then every case is measured)."""
    global _LAST_UNCAPPED
    last, answer = _LAST_UNCAPPED  # one tuple, read and replaced whole: safe across threads
    if last is limits:
        return answer
    if limits not in _UNCAPPED:
        found: list[tuple[str, ...]] = []
        deepest = _deepest(Case, (), 0, limits, found)
        _UNCAPPED[limits] = None if deepest is None or deepest >= limits.max_depth else tuple(found)
    answer = _UNCAPPED[limits]
    _LAST_UNCAPPED = (limits, answer)
    return answer


def _deepest(
    cls: type[BaseModel], path: tuple[str, ...], depth: int, limits: Limits, out: list[tuple[str, ...]]
) -> int | None:
    """The deepest level at which a valid ``cls`` (at ``depth``) holds a mapping or list with
    something in it, as :func:`_within` counts levels (None when its fields do not say); adds to
    ``out`` the paths of its lists that may be longer than ``limits.max_list_items``."""
    deepest = depth  # the model's own mapping
    for name, field in cls.model_fields.items():
        holds = _holds(field.annotation)
        if holds is None:
            return None
        is_list, model = holds
        below = depth + 1
        if is_list:
            longest = min((m.max_length for m in field.metadata if getattr(m, "max_length", None)), default=None)
            if longest is None or longest > limits.max_list_items:
                if any(part.endswith("[]") for part in path):
                    return None  # a list inside the items of a list: measured for every case
                out.append((*path, name))
            deepest = max(deepest, below)
            below += 1
            name += "[]"
        if model is not None:
            inner = _deepest(model, (*path, name), below, limits, out)
            if inner is None:
                return None
            deepest = max(deepest, inner, below)
    return deepest


def _holds(annotation: Any) -> tuple[bool, type[BaseModel] | None] | None:
    """What a field of this annotation holds: whether a list, and of which model (or none); None
    when it may hold anything else that nests."""
    options = [
        bare(a) for a in (get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,))
    ]
    options = [a for a in options if a is not type(None)]
    if len(options) != 1:
        return (False, None) if all(plain(a) for a in options) else None
    (only,) = options
    is_list = get_origin(only) is list
    if is_list:
        (only,) = [bare(a) for a in get_args(only)] or [Any]
    if isinstance(only, type) and issubclass(only, BaseModel):
        return is_list, only
    return (is_list, None) if plain(only) else None


def not_unicode(data: Any) -> list[Diagnostic]:
    """Keys and texts that cannot be written as UTF-8 (lone surrogates), by path: what pydantic
    refuses with a ``UnicodeEncodeError`` instead of a ``ValidationError`` (cases, review facts)."""
    out: list[Diagnostic] = []
    _not_unicode(data, "", out)
    return out


def _not_unicode(data: Any, path: str, out: list[Diagnostic]) -> None:
    if isinstance(data, Mapping):
        for key, value in data.items():
            name = _shorten(str(key).encode("utf-8", "backslashreplace").decode("ascii", "replace"), 40) or '""'
            where = f"{path}.{name}" if path else name
            if isinstance(key, str) and not _encodable(key):
                out.append(Diagnostic("CF001", f"{where}: the field name is not valid Unicode text", path=where))
            _not_unicode(value, where, out)
    elif isinstance(data, list | tuple):
        for i, item in enumerate(data):
            _not_unicode(item, f"{path}[{i}]", out)
    elif isinstance(data, str) and not _encodable(data):
        message = f"{path}: not valid Unicode text (a lone surrogate such as \\ud800)"
        out.append(Diagnostic("CF001", message, path=path, hint="write the text in UTF-8"))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: File suffixes that say which reader a case document gets.
_JSON_SUFFIXES = (".json",)
_YAML_SUFFIXES = (".yaml", ".yml")


def read_case_text(text: str, name: str, *, limits: Limits | None = None) -> dict[str, Any]:
    """Parse a case document (YAML or JSON) with exact decimals, within ``limits``; no validation yet.

    The suffix of ``name`` decides: ``.json`` is read as JSON, ``.yaml``/``.yml`` as YAML (also in
    flow style, ``{on: 2025-03-01, client: {motivation: 3}}``). Without either (standard input),
    a document starting with ``{`` is read as JSON, and as YAML when it is no JSON at all.
    """
    suffix = Path(name).suffix.lower()
    data: Any
    if suffix in _JSON_SUFFIXES:
        data = read_json_case(text, name, limits or DEFAULT_LIMITS)
    elif suffix in _YAML_SUFFIXES or not text.lstrip().startswith("{"):
        data = load_yaml_plain(text, name, error_type=FactsError, limits=limits)
    else:
        try:
            data = read_json_case(text, name, limits or DEFAULT_LIMITS)
        except FactsError as json_error:
            if any(d.code != "CF003" or d.span is not None for d in json_error.diagnostics):
                raise  # JSON it is, with a limit exceeded or a located problem inside
            try:
                data = load_yaml_plain(text, name, error_type=FactsError, limits=limits)
            except FactsError:
                raise json_error from None
    if not isinstance(data, dict):
        raise FactsError(
            f"{name}: a case must be a mapping",
            [Diagnostic("CF002", f"{name}: a case must be a mapping of fields", path=name)],
        )
    return cast(dict[str, Any], data)


def parse_case_text(text: str, name: str, *, lang: str = "en", limits: Limits | None = None) -> Case:
    """Read and validate a case document (YAML or JSON): every invalid field located at its
    ``file:line:column``, with the message in ``lang`` and a hint for Belgian writing habits.

    Example:
        >>> try:
        ...     parse_case_text("client:\\n  consents: nee\\n", "case.yaml", lang="nl")
        ... except FactsError as exc:
        ...     print(exc.diagnostics[0].span, exc.diagnostics[0].hint)
        case.yaml:2:13 schrijf `true` voor ja en `false` voor nee: false
    """
    data = read_case_text(text, name, limits=limits)
    try:
        return parse_facts(data, limits=limits, lang=lang)
    except FactsError as exc:
        located = _locate(exc.diagnostics, text, name, limits)
        raise FactsError(str(exc), located) from None


def _locate(diagnostics: list[Diagnostic], text: str, name: str, limits: Limits | None) -> list[Diagnostic]:
    """The diagnostics with the position of their field in the document (YAML reads JSON too)."""
    try:
        doc, _ = load_yaml(text, name, FactsError, limits=limits)
    except FactsError:  # JSON that YAML cannot read: the paths alone must do
        return diagnostics
    out = []
    for d in diagnostics:
        if d.span is not None or d.path is None or d.path == "(case)":
            out.append(d)
            continue
        steps: list[str | int] = []
        for part in d.path.split("."):
            name_, _, rest = part.partition("[")
            steps.append(name_)
            steps.extend(int(i) for i in re.findall(r"(\d+)\]", "[" + rest) if rest)
        key = d.message.startswith(("unknown field", "onbekend veld", "champ inconnu"))
        out.append(replace(d, span=doc.span(tuple(steps), key=key), message=f"{d.path}: {d.message}"))
    return out


def load_case(path: str | Path, *, limits: Limits | None = None) -> Case:
    """Read and validate a case file (YAML or JSON), within ``limits``."""
    p = Path(path)
    try:
        text = read_document(p, limits or DEFAULT_LIMITS)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise FactsError(
            f"cannot read {p}: {reason}", [Diagnostic("CF004", f"cannot read {p}: {reason}", path=str(p))]
        ) from None
    return parse_facts(read_case_text(text, str(p), limits=limits), limits=limits)
