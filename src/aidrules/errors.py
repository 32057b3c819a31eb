"""Errors and diagnostics.

Every problem aidrules reports is data first: a :class:`Diagnostic` with a stable code, a
message, a location and a hint. Exceptions carry lists of them. The tree::

    AidrulesError                  root: catch this to catch everything aidrules raises on purpose
    ├── RuleSetError               a rule file cannot be loaded (YAML, schema, expressions, cycles)
    ├── FactsError                 a case is invalid (unknown key, wrong type, negative amount...)
    ├── RuleSetNotFoundError       no rule set with that id/version/date
    └── EvaluationError            the rule set cannot decide on this date (not in force, no value)

Codes are stable and typed: :data:`aidrules.codes.Code` lists them (mypy rejects any other),
:data:`aidrules.codes.CODES` gives each one's severity and summary, and ``docs/diagnostics.md``
documents them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import StrEnum

from aidrules.codes import KNOWN, Code


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A location in a file. Lines and columns start at 1."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a rule file or a case.

    Example:
        >>> d = Diagnostic("RS202", "unknown fact `client.motivaton`",
        ...                Span("rules.yaml", 12, 15), hint="did you mean `client.motivation`?")
        >>> str(d)
        'rules.yaml:12:15: error RS202: unknown fact `client.motivaton` (did you mean `client.motivation`?)'
    """

    code: Code
    message: str
    span: Span | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    path: str | None = field(default=None)

    def __post_init__(self) -> None:
        if self.code not in KNOWN:  # a code typed past mypy (e.g. read from data)
            raise ValueError(f"unknown diagnostic code {self.code!r}: add it to aidrules.codes")

    def sort_key(self) -> tuple[str, int, int, str, str]:
        if self.span is None:
            return ("", 0, 0, self.code, self.message)
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span else (f"{self.path}: " if self.path else "")
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.severity.value} {self.code}: {self.message}{hint}"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.span.file if self.span else None,
            "line": self.span.line if self.span else None,
            "column": self.span.column if self.span else None,
            "path": self.path,
            "hint": self.hint,
        }


class AidrulesError(Exception):
    """Root of every error aidrules raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics: list[Diagnostic] = sorted(diagnostics or [], key=Diagnostic.sort_key)

    def report(self) -> str:
        """All diagnostics, one per line, or the message when there are none."""
        if not self.diagnostics:
            return str(self)
        return "\n".join(str(d) for d in self.diagnostics)


class RuleSetError(AidrulesError):
    """A rule file has errors; :attr:`diagnostics` lists every one of them."""

    exit_code = 2


class FactsError(AidrulesError):
    """A case is invalid; each diagnostic names the offending field path."""

    exit_code = 2


class RuleSetNotFoundError(AidrulesError):
    """No rule set matches the requested id, version or date."""

    exit_code = 2


class EvaluationError(AidrulesError):
    """The rule set cannot decide this case (e.g. the date is outside its effective period)."""

    exit_code = 2


#: The languages aidrules writes its texts in, Dutch first.
LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")


def unknown_language(lang: object) -> EvaluationError:
    """The one error for a language aidrules does not write, the same from every entry point
    (``evaluate``, ``explain`` and letters, reviews, the yearly report, the service, the CLI)."""
    message = f"unknown language `{lang}`"
    hint = f"use one of {', '.join(LANGUAGES)}"
    return EvaluationError(message, [Diagnostic("EV006", message, path="lang", hint=hint)])


def check_language(lang: str) -> None:
    """Raise :func:`unknown_language` unless ``lang`` is one of :data:`LANGUAGES`."""
    if lang not in LANGUAGES:
        raise unknown_language(lang)


def did_you_mean(name: str, candidates: list[str] | set[str] | tuple[str, ...]) -> str | None:
    """A "did you mean" hint for ``name`` among ``candidates``, or ``None``."""
    matches = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f"did you mean `{matches[0]}`?" if matches else None
