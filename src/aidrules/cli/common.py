"""What every command module of the command line shares: the options, the languages, reading
input and reporting errors. Each ``cli/<area>.py`` imports this module; only ``cli/main.py``
assembles the command line (so the command modules never import each other or ``main``).
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from aidrules._extras import lazy_module
from aidrules.cli.help_texts import help_lang, say, tr
from aidrules.errors import AidrulesError, Diagnostic, FactsError, unknown_language
from aidrules.limits import DEFAULT_LIMITS, read_document

if TYPE_CHECKING:
    import aidrules.diagnostic_text as diagnostic_text
else:  # loaded when a problem is shown (a decision that is made shows none)
    diagnostic_text = lazy_module("aidrules.diagnostic_text")


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Lang(StrEnum):
    nl = "nl"
    fr = "fr"
    en = "en"


class Engine(StrEnum):
    compiled = "compiled"
    durable = "durable"


RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", help=tr("Rule set: a path, ID or ID@VERSION (default: the shipped reference set).")),
]
OnOpt = Annotated[
    str | None, typer.Option("--on", help=tr("Decision date YYYY-MM-DD (default: the case's `on`, else today)."))
]
FormatOpt = Annotated[Format, typer.Option("--format", help=tr("Output format."))]


def parse_lang(value: str | Lang) -> Lang:
    """``--lang``: ``nl``, ``fr`` or ``en``; any other is the EV006 error every entry point gives."""
    try:
        return Lang(value)
    except ValueError:
        fail(unknown_language(value), help_lang([]))


#: What every ``--lang`` option passes to ``typer.Option``: the EV006 parser and the metavar.
LANG_OPTION: dict[str, Any] = {"parser": parse_lang, "metavar": "<nl|fr|en>"}
LangOpt = Annotated[
    Lang,
    typer.Option(
        "--lang", help=tr("Language of the texts and diagnostics (default: from the locale, else nl)."), **LANG_OPTION
    ),
]


def default_lang() -> Lang:
    """The language of the environment's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else Dutch."""
    return Lang(help_lang([]))


DEFAULT_LANG = default_lang()
EngineOpt = Annotated[Engine, typer.Option("--engine", help=tr("Evaluation engine."))]
PublicKeyOpt = Annotated[
    Path | None,
    typer.Option("--public-key", help=tr("Require every layer of the rule set to be signed with this Ed25519 key.")),
]


ReleaseStateOpt = Annotated[
    Path | None,
    typer.Option(
        "--release-state",
        help=tr(
            "With --public-key: refuse a signed release older than one accepted before (a SQLite file; "
            "default: $AIDRULES_RELEASE_STATE)."
        ),
    ),
]


def render_error(error: AidrulesError, lang: str = "en") -> str:
    """An error for the terminal: each diagnostic with its source line and a caret (the one
    renderer of diagnostics in text output), in ``lang``; the message when it has none."""
    return diagnostic_text.render_text(error.diagnostics, lang) if error.diagnostics else str(error)


def fail(error: AidrulesError, lang: str = "en") -> NoReturn:
    """Print ``error`` on stderr and leave with its exit code (2 for invalid input)."""
    typer.echo(render_error(error, lang), err=True)
    raise typer.Exit(error.exit_code)


def read_input(path: str, what: str = "case", lang: str | None = None) -> str:
    """A case (or review) document from a file or ``-`` (stdin), never more than the size limit;
    the error when it cannot be read is in ``lang`` (default: ``--lang`` or the locale)."""
    if path == "-":  # never more than one character past the limit, which then refuses it
        return sys.stdin.read(DEFAULT_LIMITS.max_document_chars + 1)
    try:
        return read_document(Path(path), DEFAULT_LIMITS)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = say("cannot read {what} file {path}: {reason}", lang, what=what, path=path, reason=reason)
        raise FactsError(message, [Diagnostic("CF004", message, path=path)]) from None


def parse_on(on: str | None, lang: str | None = None, option: str = "--on") -> date | None:
    """The ``--on`` option (or another date ``option``) as a date (None when not given); the error
    is in ``lang`` (default: ``--lang`` or the locale)."""
    if on is None:
        return None
    try:
        return date.fromisoformat(on)
    except ValueError:
        message = say("{option}: `{on}` is not a date in the form YYYY-MM-DD", lang, option=option, on=on)
        raise FactsError(message, [Diagnostic("CL002", message, path=option)]) from None
