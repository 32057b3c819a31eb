"""Diagnostics for people: in their language (nl/fr/en), with the source line and a caret.

The checks write English (the Python API's messages stay English); only what is shown to a reader
is translated, from the gettext domain ``diagnostics`` (``aidrules/locale/<lang>/LC_MESSAGES/
diagnostics.po``). Its msgids are English: a message with named placeholders (``unknown key
`{key}```) under its code as msgctxt, a code's summary under ``summary``, a hint under ``hint``,
the words for kinds of values (``amount (EUR)``, in placeholders ending in ``_type``) under
``word`` and ``error``/``warning`` under ``severity``. A message is recognised by matching its
English text against the code's msgids, the most specific first (the one with the most fixed
words). A message without an entry is shown as its code's summary in the reader's language
followed by the English message, never as English alone under a Dutch heading. The codes
themselves, with their English summaries, are listed in ``diagnostic_catalogue.yaml`` beside this module.

Example:
    >>> from aidrules.errors import Diagnostic
    >>> localise(Diagnostic("RS101", "unknown key `exrp`", hint="did you mean `expr`?"), "nl").message
    'onbekende sleutel `exrp`'
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from aidrules import text
from aidrules.errors import Diagnostic, Severity

LANGS = text.LANGS
DOMAIN = "diagnostics"
#: The English word of each severity: the msgid of its word (msgctxt ``severity``).
_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning"}
#: An excerpt shows at most this many characters of a source line around the column.
_EXCERPT_WIDTH = 100
#: Source files larger than this are not read again for an excerpt.
_EXCERPT_MAX_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class Entry:
    """One English text with named placeholders, and the pattern that recognises it filled in."""

    english: str
    pattern: re.Pattern[str]

    def match(self, english: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(english)
        return found.groupdict() if found else None


@dataclass(frozen=True, slots=True)
class CodeTexts:
    """A code's English summary and whether its check words its messages in the reader's language."""

    summary: str
    written_in_lang: bool


@dataclass(frozen=True, slots=True)
class Catalogue:
    codes: dict[str, CodeTexts]


def _entry(english: str) -> Entry:
    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, _spec, _conv in string.Formatter().parse(english):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name in seen:  # the same placeholder twice: the same text twice
            parts.append(f"(?P={name})")
        else:
            seen.add(name)
            parts.append(f"(?P<{name}>.+?)")
    return Entry(english, re.compile("".join(parts), re.DOTALL))


def _fixed_length(english: str) -> int:
    return sum(len(literal) for literal, _name, _spec, _conv in string.Formatter().parse(english))


@cache
def catalogue() -> Catalogue:
    """The diagnostic codes with their English summaries (read once)."""
    raw = yaml.safe_load(resources.files("aidrules").joinpath("diagnostic_catalogue.yaml").read_text(encoding="utf-8"))
    return Catalogue(
        {
            code: CodeTexts(str(item["summary"]), bool(item.get("written_in_lang", False)))
            for code, item in raw["codes"].items()
        }
    )


@cache
def entries(context: str) -> tuple[Entry, ...]:
    """The English msgids of ``context`` (a code, ``hint``), the most specific first.

    "`{name}` needs a whole number, got `{value}`" is tried before "`{name}` needs {expected_type},
    got `{value}`", which would match it too and word it worse.
    """
    msgids = text.contexts(DOMAIN, "en").get(context, {})
    return tuple(_entry(m) for m in sorted(msgids, key=lambda m: (-_fixed_length(m), m)))


def _words(value: str, lang: str) -> str:
    words = text.contexts(DOMAIN, lang)["word"]
    for english in sorted(words, key=lambda w: -len(w)):
        value = re.sub(rf"(?<![\w`]){re.escape(english)}(?![\w`])", words[english], value)
    return value


def _fill(entry: Entry, context: str, values: dict[str, str], lang: str) -> str:
    values = {k: _words(v, lang) if k.endswith("_type") else v for k, v in values.items()}
    translated = text.contexts(DOMAIN, lang)[context][entry.english]
    return text.fill(translated, lang, values)


def _translate(english: str, context: str, lang: str) -> str | None:
    for entry in entries(context):
        values = entry.match(english)
        if values is not None:
            return _fill(entry, context, values, lang)
    return None


def summary(code: str, lang: str) -> str | None:
    """The summary of ``code`` in ``lang``, or ``None`` for a code without one."""
    texts = catalogue().codes.get(code)
    return None if texts is None else text.contexts(DOMAIN, lang)["summary"][texts.summary]


def localise(d: Diagnostic, lang: str) -> Diagnostic:
    """``d`` with its message and hint in ``lang`` (``en`` returns it unchanged)."""
    texts = catalogue().codes.get(d.code)
    if lang == "en" or lang not in LANGS or texts is None or texts.written_in_lang:
        return d
    message = _translate(d.message, d.code, lang)
    if message is None:
        message = f"{summary(d.code, lang)} — {d.message}"
    hint = d.hint
    if hint is not None:
        hint = _translate(hint, "hint", lang) or hint
    return replace(d, message=message, hint=hint)


def headline(d: Diagnostic, lang: str = "en") -> str:
    """``file:line:column: error CODE: message (hint)``, with the severity word in ``lang``."""
    shown = localise(d, lang)
    where = f"{d.span}: " if d.span else (f"{d.path}: " if d.path else "")
    hint = f" ({shown.hint})" if shown.hint else ""
    severity = text.contexts(DOMAIN, lang if lang in LANGS else "en")["severity"][_SEVERITY[d.severity]]
    return f"{where}{severity} {d.code}: {shown.message}{hint}"


def _read_source(file: str) -> list[str] | None:
    path = Path(file)
    try:
        if not path.is_file() or path.stat().st_size > _EXCERPT_MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None


def excerpt(d: Diagnostic, lines: list[str] | None) -> list[str]:
    """The source line of ``d`` and a caret under its column, like a compiler shows them."""
    if d.span is None or lines is None or not 1 <= d.span.line <= len(lines):
        return []
    line = lines[d.span.line - 1].replace("\t", " ")
    column = min(max(d.span.column, 1), len(line) + 1)
    start = max(0, column - 1 - _EXCERPT_WIDTH // 2) if len(line) > _EXCERPT_WIDTH else 0
    shown = line[start : start + _EXCERPT_WIDTH]
    if start > 0:
        shown = "…" + shown[1:]
    if start + _EXCERPT_WIDTH < len(line):
        shown = shown[:-1] + "…"
    number = str(d.span.line)
    gutter = " " * len(number)
    return [f" {number} | {shown}", f" {gutter} | {' ' * (column - 1 - start)}^"]


def render_text(
    diagnostics: Iterable[Diagnostic],
    lang: str = "en",
    *,
    excerpts: bool = True,
    read: Callable[[str], list[str] | None] = _read_source,
) -> str:
    """Every diagnostic as a headline in ``lang``, each followed by its source line and a caret.

    This is the one renderer of the command line's text output; ``read`` gives a file's lines
    (files are read once).
    """
    sources: dict[str, list[str] | None] = {}
    out: list[str] = []
    for d in diagnostics:
        out.append(headline(d, lang))
        if excerpts and d.span is not None:
            if d.span.file not in sources:
                sources[d.span.file] = read(d.span.file)
            out.extend(excerpt(d, sources[d.span.file]))
    return "\n".join(out)
