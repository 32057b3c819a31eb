"""Reading JSON case documents from other software, within :class:`~aidrules.limits.Limits`.

``json.loads`` alone is not safe for untrusted input: it lets a later duplicate key silently win
(``{"consents": true, "consents": false}``), raises ``RecursionError`` on deep nesting and
``ValueError`` on integers of more than 4,300 digits, and accepts numbers and texts of any size.
Here numbers are exact decimals, duplicate keys are refused, nesting is measured before parsing,
and every refusal is a :class:`~aidrules.errors.FactsError` with a ``CF`` diagnostic that names
the line and column or the path of the offending value.

A document goes one of two ways, with the same result:

- **at once** (:func:`_at_once`), the common case: when the document is no longer than any text
  or count of values it may hold, and one pass over its bytes (``bytes.translate``, then two
  searches and a count, in C) finds no number that could break a limit (no run of digits longer
  than the shortest number that could, no exponent), it is parsed by ``jiter`` (pydantic's JSON
  parser) with exact decimals, duplicate keys caught and NaN/Infinity refused. Whatever jiter
  refuses (a repeated key, NaN, a lone surrogate, invalid JSON, …) goes the second way, which
  gives the refusal, or accepts what jiter does not (``"\\ud800"``, as Python's reader does): the
  diagnostics come from one place only.
- **in full** (:func:`_in_full`): Python's ``json`` with a callback per number, object and
  constant, then, when anything needs it, a walk that names the path of every problem
  (:class:`_Cleaner`).

``tests/facts/test_jsonload_at_once.py`` checks that both ways read every document alike.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from jiter import from_json

from aidrules.codes import Code
from aidrules.errors import Diagnostic, FactsError, Span
from aidrules.limits import DECIMAL_DIGITS, Limits, number_fits

_STRUCTURE = re.compile(r'[\[\]{}"\\]')
#: A JSON string (skipped) or one of the bare constants Python's reader accepts and JSON does not.
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|-?Infinity|NaN')
_HINT = "see aidrules.limits.Limits in docs/security.md"
#: Each byte of a document as what it may be in a number or the nesting: a digit or point (``0``),
#: an exponent mark (``e``), an opening bracket (``[``), anything else (a space). A number token is
#: a run of ``0`` (after its sign), and one with an exponent has a digit right before its
#: ``e``/``E``: ``0e``. (A byte of a character beyond ASCII in UTF-8 is never an ASCII one.)
_MARKS = bytes(
    ord("0") if chr(b) in "0123456789." else ord("e") if chr(b) in "eE" else ord("[") if chr(b) in "[{" else ord(" ")
    for b in range(256)
)
#: A digit followed by an exponent mark, in the marks: found by the regular expression engine's
#: literal search, which is twice as fast here as ``bytes.__contains__`` with a two-byte needle
_EXPONENT = re.compile(b"0e")
#: What :func:`_at_once` gives when the document must be read in full.
_IN_FULL: Any = object()


class _Refused:
    """A number refused while parsing; reported with its path once the document is read."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Constant:
    """A bare ``NaN``/``Infinity``/``-Infinity`` (not JSON, not a number): the ``index``-th one
    read, located in the text once the document is read so that its path and line:column are named."""

    __slots__ = ("index", "text")

    def __init__(self, text: str, index: int) -> None:
        self.text = text
        self.index = index


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it saw twice."""

    duplicates: list[str]


def read_json_case(text: str, name: str, limits: Limits) -> Any:
    """Parse a JSON case document into plain data (dicts, lists, str, int, Decimal, bool, None).

    Raises:
        FactsError: invalid JSON (``CF003``), a limit exceeded (``CF005``) or a duplicate key
            (``CF006``); all problems of the document at once where it could be read.
    """
    if len(text) > limits.max_document_chars:
        message = f"the document has {len(text)} characters or more, more than {limits.max_document_chars}"
        _fail(name, message, Span(name, 1, 1))
    if len(text) <= min(limits.max_string_chars, limits.max_nodes):
        # No text (key or value) can be longer than the document, nor can it hold more values
        # than characters: only numbers, repeated keys, constants and nesting are left to check.
        data = _at_once(text, name, limits)
        if data is not _IN_FULL:
            return data
    else:
        _measure_nesting(text, name, limits)
    return _in_full(text, name, limits)


def _in_full(text: str, name: str, limits: Limits) -> Any:
    """:func:`read_json_case` after the size and nesting checks, the way that names every problem:
    a callback per number, object and constant, then the walk of :class:`_Cleaner` when needed."""
    constants: list[_Constant] = []
    #: set when a number was refused or an object repeated a key: the document needs cleaning
    trouble: list[bool] = []

    def constant(word: str) -> _Constant:  # the JSON scanner meets them in document order
        constants.append(_Constant(word, len(constants)))
        return constants[-1]

    def number(text: str, *, decimal: bool) -> Any:
        value = _number(text, limits, decimal=decimal)
        if value.__class__ is _Refused:
            trouble.append(True)
        return value

    # The common numbers, accepted at once: short enough to have no more digits than a Decimal
    # computes with, and within the exponent; any other goes through ``number`` (the same result).
    short = min(limits.max_number_chars, DECIMAL_DIGITS)
    exponent = limits.max_number_exponent
    bound = 10 ** (exponent + 1)

    def whole(text: str) -> Any:
        if len(text) <= short and -bound < (value := int(text)) < bound:
            return value
        return number(text, decimal=False)

    def fraction(text: str) -> Any:
        if len(text) <= short and ((value := Decimal(text)) == 0 or -exponent <= value.adjusted() <= exponent):
            return value
        return number(text, decimal=True)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) == len(items):
            return out
        trouble.append(True)
        return _pairs(items)

    try:
        data = json.loads(
            text,
            parse_float=fraction,
            parse_int=whole,
            parse_constant=constant,
            object_pairs_hook=pairs,
        )
    except RecursionError:  # pragma: no cover - _check_nesting refuses long before
        _fail(name, f"nested deeper than {limits.max_depth} levels", Span(name, 1, 1))
    except (json.JSONDecodeError, ValueError) as exc:
        raise FactsError(
            f"{name}: not valid JSON",
            [Diagnostic("CF003", f"{name}: not valid JSON: {exc}", path=name)],
        ) from None
    if not (trouble or constants) and len(text) <= min(limits.max_string_chars, limits.max_nodes):
        # Nothing to clean: no refused number, no constant, no repeated key; no text or count of
        # values beyond the limits (see above).
        return data
    problems: list[Diagnostic] = []
    cleaner = _Cleaner(limits, problems)
    cleaner.name = name
    cleaner.constant_spans = _constant_spans(text, name) if constants else []
    cleaned = cleaner.clean(data, "", 0)
    if problems:
        raise FactsError(f"{name}: the case exceeds the limits or repeats a key", problems)
    return cleaned


def _at_once(text: str, name: str, limits: Limits) -> Any:
    """The data of ``text`` read by jiter, or :data:`_IN_FULL` when it must be read in full: when it
    holds a number that could be beyond ``limits`` or anything jiter refuses (a repeated key,
    NaN or Infinity, a lone surrogate, invalid JSON). Its nesting is measured first, in either
    case (:func:`_check_nesting` when it has more opening brackets than ``max_depth``).

    A number token without an exponent of at most ``short`` characters after its sign (the least
    of ``max_number_exponent + 1``, :data:`DECIMAL_DIGITS` and ``max_number_chars - 1``) lies
    within every limit: at most ``max_number_exponent + 1`` digits before the point (below
    ``10 ** (max_number_exponent + 1)``), at most ``max_number_exponent - 1`` digits after ``0.``
    (so at or above ``10 ** -max_number_exponent``, or zero), at most :data:`DECIMAL_DIGITS`
    digits and ``max_number_chars`` characters. A run of more digits and points, or a digit
    followed by ``e``/``E``, anywhere in the document (inside a text too: a needless full read,
    never a wrong one) sends it the other way.
    """
    try:
        raw = text.encode()
    except UnicodeEncodeError:  # a lone surrogate in the text itself
        _measure_nesting(text, name, limits)
        return _IN_FULL
    marks = raw.translate(_MARKS)
    if marks.count(b"[") > limits.max_depth:  # fewer brackets cannot nest deeper
        _check_nesting(text, name, limits)
    short = min(limits.max_number_exponent + 1, DECIMAL_DIGITS, limits.max_number_chars - 1)
    if b"0" * (short + 1) in marks or _EXPONENT.search(marks) is not None:
        return _IN_FULL
    try:
        return from_json(raw, float_mode="decimal", catch_duplicate_keys=True, allow_inf_nan=False, cache_mode="keys")
    except ValueError:
        return _IN_FULL


def _fail(name: str, message: str, span: Span) -> Any:
    d = Diagnostic("CF005", f"{name}: {message}", span, hint=_HINT, path=name)
    raise FactsError(str(d), [d])


def _measure_nesting(text: str, name: str, limits: Limits) -> None:
    """:func:`_check_nesting` when ``text`` has more opening brackets than ``max_depth`` (fewer
    cannot nest deeper)."""
    if text.count("{") + text.count("[") > limits.max_depth:
        _check_nesting(text, name, limits)


def _check_nesting(text: str, name: str, limits: Limits) -> None:
    """Refuse nesting deeper than ``max_depth`` before the parser recurses into it."""
    depth = 0
    in_string = False
    escaped_until = -1
    for match in _STRUCTURE.finditer(text):
        pos = match.start()
        char = match.group()
        if in_string:
            if pos < escaped_until:
                continue
            if char == "\\":
                escaped_until = pos + 2
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limits.max_depth:
                line = text.count("\n", 0, pos) + 1
                column = pos - text.rfind("\n", 0, pos)
                _fail(name, f"nested deeper than {limits.max_depth} levels", Span(name, line, column))
        elif char in "]}":
            depth -= 1


def _number(text: str, limits: Limits, *, decimal: bool) -> Any:
    if len(text) > limits.max_number_chars:
        return _Refused(text)
    try:
        value: Decimal | int = Decimal(text) if decimal else int(text)
    except (InvalidOperation, ValueError):  # pragma: no cover - the JSON scanner only passes numbers
        return _Refused(text)
    return value if number_fits(value, limits) else _Refused(text)


def _constant_spans(text: str, name: str) -> list[Span]:
    """Where each bare constant stands, in document order (texts in quotes are skipped)."""
    out = []
    for match in _CONSTANT.finditer(text):
        if match.group().startswith('"'):
            continue
        pos = match.start()
        out.append(Span(name, text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)))
    return out


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    out = _Object()
    out.duplicates = []
    for key, value in pairs:
        if key in out:
            out.duplicates.append(key)
        else:
            out[key] = value
    return out


class _Cleaner:
    """Turns parsed JSON into plain data, collecting every problem with its path."""

    def __init__(self, limits: Limits, problems: list[Diagnostic]) -> None:
        self.limits = limits
        self.problems = problems
        self.count = 0
        self.name = "<json>"
        self.constant_spans: list[Span] = []

    def problem(self, code: Code, path: str, message: str, hint: str | None = _HINT, span: Span | None = None) -> None:
        shown = path or "(case)"
        self.problems.append(Diagnostic(code, f"{shown}: {message}", span, hint=hint, path=shown))

    def clean(self, value: Any, path: str, depth: int) -> Any:
        self.count += 1
        if self.count == self.limits.max_nodes + 1:
            self.problem("CF005", path, f"more than {self.limits.max_nodes} values in the document")
        if depth > self.limits.max_depth:  # pragma: no cover - _check_nesting refuses first
            self.problem("CF005", path, f"nested deeper than {self.limits.max_depth} levels")
            return None
        if isinstance(value, _Constant):
            spans = self.constant_spans
            self.problem(
                "CF003",
                path,
                f"`{value.text}` is not a number (JSON has no NaN or infinity)",
                "write the amount as a number, e.g. 1450.00, or leave the field out when it is unknown",
                spans[value.index] if value.index < len(spans) else Span(self.name, 1, 1),
            )
            return None
        if isinstance(value, _Refused):
            shown = value.text if len(value.text) <= 24 else f"{value.text[:20]}…"
            e = self.limits.max_number_exponent
            self.problem(
                "CF005",
                path,
                f"the number `{shown}` is too large, too small or too long",
                f"numbers lie between 10^-{e} and 10^{e + 1}, with at most {DECIMAL_DIGITS} digits and "
                f"{self.limits.max_number_chars} characters",
            )
            return None
        if isinstance(value, str):
            if len(value) > self.limits.max_string_chars:
                self.problem(
                    "CF005", path, f"a text of {len(value)} characters, more than {self.limits.max_string_chars}"
                )
                return None
            return value
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key in dict.fromkeys(getattr(value, "duplicates", ())):
                self.problem(
                    "CF006",
                    _join(path, key),
                    "the key appears more than once in one object",
                    "a later value would silently win; keep one",
                )
            for key, item in value.items():
                if len(key) > self.limits.max_string_chars:
                    self.problem(
                        "CF005", path, f"a key of {len(key)} characters, more than {self.limits.max_string_chars}"
                    )
                    continue
                out[key] = self.clean(item, _join(path, key), depth + 1)
            return out
        if isinstance(value, list):
            return [self.clean(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
        return value


def _join(path: str, key: str) -> str:
    shown = (key if len(key) <= 40 else f"{key[:37]}…") or '""'  # an empty key still needs a visible path
    return f"{path}.{shown}" if path else shown
