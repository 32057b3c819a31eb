"""Command-line help and messages in Dutch and French (the English is the text in the code).

The translations are the gettext domain ``cli`` (``aidrules/locale/<lang>/LC_MESSAGES/cli.po``),
msgid the English text: what ``tr`` and ``say`` are given (``pybabel extract`` finds those,
babel.cfg) and each paragraph of a command's docstring, its lines joined by single spaces.
:func:`tr` looks an English help text up; a text without a translation (a command added later)
stays English rather than disappearing, and ``tests/cli/test_cli_help_languages.py`` fails until
it has one. :func:`say` does the same for what the command modules print themselves (their own
errors, confirmations and summaries; diagnostics of the library translate themselves). The
language is the one of ``--lang`` on the command line, else the environment's locale, else Dutch.
"""

from __future__ import annotations

import os
import sys

from aidrules.text import LANGS as _LANGS
from aidrules.text import domain, french_typography

_TEXTS = domain("cli")


def help_lang(argv: list[str] | None = None) -> str:
    """``--lang`` from the command line, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else nl."""
    args = sys.argv if argv is None else argv
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in _LANGS:
            return args[i + 1]
        if arg.startswith("--lang=") and arg[7:] in _LANGS:
            return arg[7:]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value[:2] in _LANGS:
            return value[:2]
        if value:
            break
    return "nl"


HELP_LANG = help_lang()


def tr(english: str, lang: str | None = None) -> str:
    """The help text in the help language (English when it has no translation)."""
    return _message(english, lang or HELP_LANG)


def help_paragraphs(doc: str, lang: str | None = None) -> str | None:
    """A command's docstring in the help language, paragraph by paragraph (None: untranslated).

    Each paragraph is looked up with its lines joined by single spaces; a docstring is translated
    only when every paragraph is, so that help is never half Dutch, half English.
    """
    paragraphs = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]
    if not paragraphs or any(p not in _TEXTS["en"] for p in paragraphs):
        return None
    return "\n\n".join(tr(p, lang) for p in paragraphs)


def say(english: str, lang: str | None = None, **fields: object) -> str:
    """A message of the command line in ``lang`` (default: ``--lang`` or the locale, read now).

    The English template is the key; fields are filled in after translation, so a path or a
    reason is never translated (nor given French spacing).
    """
    lang = lang if lang in _LANGS else help_lang()
    text = _message(english, lang)
    return text.format(**fields) if fields else text


def _message(english: str, lang: str) -> str:
    """The template in ``lang``, French with its no-break spaces; English when untranslated."""
    if lang == "en":
        return english
    found = _TEXTS[lang].get(english)
    if found is None:
        return english
    return french_typography(found) if lang == "fr" else found


def translations() -> dict[str, tuple[str, str]]:
    """Every English text of the command line with its Dutch and French."""
    dutch, french = _TEXTS["nl"], _TEXTS["fr"]
    return {english: (dutch[english], french[english]) for english in _TEXTS["en"]}
