"""Texts for people in Dutch (first), French and English: gettext catalogues, one per domain.

Every text a social worker, client or policy maker reads lives in a gettext catalogue,
``aidrules/locale/<lang>/LC_MESSAGES/<domain>.po``, compiled by Babel into the ``.mo`` file shipped
beside it (``scripts/compile-texts.sh``; ``tests/text/test_catalogues.py`` fails when a ``.mo`` is
not what its ``.po`` compiles to). This module is the bottom layer that reads them: with the standard
:mod:`gettext` module only (Babel is needed to compile, not to read), each catalogue once per
language and only when first asked, after which a text is a dict lookup (:class:`Domain`).

The msgid is what the code passes (CONTRIBUTING.md, "Texts and translations"):

- the English text itself in the domains whose callers write English (``diagnostics``: the English
  message of a :class:`~aidrules.errors.Diagnostic`, with its code as msgctxt; ``cli``: ``tr`` and
  ``say``). English there is the msgid and the ``en`` catalogue repeats it;
- a stable key in the domains whose callers name a text by key (``interface``, ``explain``, ...):
  keys are composed at run time (``status.eligible``) and one English word can need two
  translations ("none": geen / aucun, aucune). There the ``en`` catalogue holds the English text
  and the ``nl``/``fr`` catalogues show it to translators as an extracted comment.

Placeholders are ``str.format`` fields (``{title}``); plural forms go through :func:`ngettext`.

Example:
    >>> lookup("interface", "nl")["yes"]
    'ja'
    >>> pgettext("diagnostics", "fr", "RS101", "unknown key `{key}`")
    'clé inconnue `{key}`'
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import cast

LANGS = ("nl", "fr", "en")

#: The catalogue domains, each a ``<domain>.po`` per language under ``aidrules/locale``.
DOMAINS = (
    "interface",
    "diagnostics",
    "explain",
    "cli",
    "lifecycle",
    "report",
    "facts",
    "questions",
    "intake",
    "impact",
    "registry",
    "schemas",
    "docgen",
)

#: gettext joins a message's context and its id with this character (``pgettext``).
CONTEXT_SEPARATOR = "\x04"


@cache
def translations(domain: str, lang: str) -> gettext.GNUTranslations:
    """The compiled catalogue of ``domain`` in ``lang`` (read once, on first use).

    Raises ``ValueError`` for a language other than nl, fr and en (as the tuples of the catalogues
    this replaces did), ``FileNotFoundError`` for a domain without a catalogue.
    """
    if lang not in LANGS:
        raise ValueError(f"no catalogue in language {lang!r}; languages: {', '.join(LANGS)}")
    path = resources.files("aidrules").joinpath("locale", lang, "LC_MESSAGES", f"{domain}.mo")
    with path.open("rb") as stream:
        return gettext.GNUTranslations(stream)


@cache
def lookup(domain: str, lang: str) -> Mapping[str, str]:
    """msgid → text of ``domain`` in ``lang``; a message with a context is under ``context\\x04msgid``.

    The plain dict gettext built when reading the file (no copy): a text is one lookup, and a
    missing one a ``KeyError``, not a silent English fallback. Plural messages are left out
    (:func:`ngettext`), as is the header (msgid ``""``).
    """
    # GNUTranslations keeps its messages in `_catalog` and offers no way to list them; reading it
    # spares parsing each file a second time. Plural entries are keyed (msgid, n): leave them out.
    catalog = cast("dict[object, str]", vars(translations(domain, lang))["_catalog"])
    return {key: text for key, text in catalog.items() if isinstance(key, str) and key}


class Domain(dict[str, Mapping[str, str]]):
    """A domain's catalogues by language, each read on first use: ``messages["fr"]["yes"]``.

    Two dict lookups per text, the cheapest way to the hot path's words (the engine words every
    reason of a decision); a module keeps one at module level, which reads nothing until asked.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __missing__(self, lang: str) -> Mapping[str, str]:
        catalogue = lookup(self.name, lang)
        self[lang] = catalogue
        return catalogue


@cache
def domain(name: str) -> Domain:
    """The one :class:`Domain` of ``name``."""
    return Domain(name)


def contexts(domain: str, lang: str) -> dict[str, dict[str, str]]:
    """msgctxt → (msgid → text) of ``domain`` in ``lang``: the messages grouped by their context."""
    return _contexts(domain, lang)


@cache
def _contexts(domain: str, lang: str) -> dict[str, dict[str, str]]:
    grouped: dict[str, dict[str, str]] = {}
    for key, text in lookup(domain, lang).items():
        context, separator, msgid = key.partition(CONTEXT_SEPARATOR)
        if separator:
            grouped.setdefault(context, {})[msgid] = text
    return grouped


def pgettext(domain: str, lang: str, context: str, msgid: str) -> str | None:
    """The text of ``msgid`` in ``context``, or ``None`` when the catalogue has none."""
    return lookup(domain, lang).get(f"{context}{CONTEXT_SEPARATOR}{msgid}")


def ngettext(domain: str, lang: str, singular: str, plural: str, n: int) -> str:
    """The form of a plural message for ``n`` in ``lang`` (the catalogue's ``Plural-Forms``)."""
    return translations(domain, lang).ngettext(singular, plural, n)


_FR_BEFORE = re.compile(r"[ \u202f]([:;?!»])")
_FR_TIGHT = re.compile(r"(?<=[\w)»’])([?!])")
_FR_AFTER = re.compile(r"«[ \u00a0\u202f]?")


def french_typography(text: str) -> str:
    """A no-break space before ``: ; ? ! »`` and after ``«``, so that they never start or end a line.

    Example:
        >>> french_typography("Proposition : « volontaire » ?") == "Proposition\u00a0: «\u00a0volontaire\u00a0»\u00a0?"
        True
    """
    text = _FR_BEFORE.sub("\u00a0\\1", text)
    text = _FR_TIGHT.sub("\u00a0\\1", text)
    return _FR_AFTER.sub("«\u00a0", text)


def fill(text: str, lang: str, fields: Mapping[str, object]) -> str:
    """``text`` with ``fields`` filled in, in French with French typography."""
    text = text.format(**fields) if fields else text
    return french_typography(text) if lang == "fr" else text
