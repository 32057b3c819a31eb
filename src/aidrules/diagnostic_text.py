"""Diagnostics for people: in their language (nl/fr/en), with the source line and a caret.

The texts live in one catalogue, ``diagnostic_catalogue.yaml`` beside this module, keyed by
code. The English message the code writes is the key: a catalogue entry gives it with named
placeholders (``unknown key `{key}```) and the same sentence in Dutch and French, so the checks
keep writing English (the Python API's messages stay English) and only what is shown to a reader
is translated. A message without an entry is shown as its code's summary in the reader's
language followed by the English message, never as English alone under a Dutch heading.

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

from aidrules.errors import Diagnostic, Severity
from aidrules.explain.i18n import french_typography

LANGS = ("nl", "fr", "en")
_SEVERITY = {
    "nl": {Severity.ERROR: "fout", Severity.WARNING: "waarschuwing"},
    "fr": {Severity.ERROR: "erreur", Severity.WARNING: "avertissement"},
    "en": {Severity.ERROR: "error", Severity.WARNING: "warning"},
}
#: An excerpt shows at most this many characters of a source line around the column.
_EXCERPT_WIDTH = 100
#: Source files larger than this are not read again for an excerpt.
_EXCERPT_MAX_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class Entry:
    """One sentence in the three languages, and the pattern that recognises its English form."""

    texts: dict[str, str]
    pattern: re.Pattern[str]

    def match(self, english: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(english)
        return found.groupdict() if found else None


@dataclass(frozen=True, slots=True)
class CodeTexts:
    summary: dict[str, str]
    messages: tuple[Entry, ...]
    written_in_lang: bool


@dataclass(frozen=True, slots=True)
class Catalogue:
    codes: dict[str, CodeTexts]
    hints: tuple[Entry, ...]
    words: tuple[dict[str, str], ...]


def _entry(texts: dict[str, str]) -> Entry:
    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, _spec, _conv in string.Formatter().parse(texts["en"]):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name in seen:  # the same placeholder twice: the same text twice
            parts.append(f"(?P={name})")
        else:
            seen.add(name)
            parts.append(f"(?P<{name}>.+?)")
    return Entry({lang: str(texts[lang]) for lang in LANGS}, re.compile("".join(parts), re.DOTALL))


@cache
def catalogue() -> Catalogue:
    """The catalogue of diagnostic texts (read once)."""
    raw = yaml.safe_load(resources.files("aidrules").joinpath("diagnostic_catalogue.yaml").read_text(encoding="utf-8"))
    codes = {
        code: CodeTexts(
            {lang: str(item["summary"][lang]) for lang in LANGS},
            tuple(_entry(m) for m in item.get("messages", ())),
            bool(item.get("written_in_lang", False)),
        )
        for code, item in raw["codes"].items()
    }
    return Catalogue(codes, tuple(_entry(h) for h in raw["hints"]), tuple(raw["words"]))


def _words(text: str, lang: str) -> str:
    for word in sorted(catalogue().words, key=lambda w: -len(w["en"])):
        text = re.sub(rf"(?<![\w`]){re.escape(word['en'])}(?![\w`])", word[lang], text)
    return text


def _fill(entry: Entry, values: dict[str, str], lang: str) -> str:
    values = {k: _words(v, lang) if k.endswith("_type") else v for k, v in values.items()}
    text = entry.texts[lang].format(**values)
    return french_typography(text) if lang == "fr" else text


def _translate(english: str, entries: Iterable[Entry], lang: str) -> str | None:
    for entry in entries:
        values = entry.match(english)
        if values is not None:
            return _fill(entry, values, lang)
    return None


def localise(d: Diagnostic, lang: str) -> Diagnostic:
    """``d`` with its message and hint in ``lang`` (``en`` returns it unchanged)."""
    texts = catalogue().codes.get(d.code)
    if lang == "en" or lang not in LANGS or texts is None or texts.written_in_lang:
        return d
    message = _translate(d.message, texts.messages, lang)
    if message is None:
        message = f"{texts.summary[lang]} — {d.message}"
    hint = d.hint
    if hint is not None:
        hint = _translate(hint, catalogue().hints, lang) or hint
    return replace(d, message=message, hint=hint)


def headline(d: Diagnostic, lang: str = "en") -> str:
    """``file:line:column: error CODE: message (hint)``, with the severity word in ``lang``."""
    shown = localise(d, lang)
    where = f"{d.span}: " if d.span else (f"{d.path}: " if d.path else "")
    hint = f" ({shown.hint})" if shown.hint else ""
    return f"{where}{_SEVERITY.get(lang, _SEVERITY['en'])[d.severity]} {d.code}: {shown.message}{hint}"


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
