"""Fixed interface texts in Dutch (first), French and English: the ``interface`` catalogue.

The texts are in ``aidrules/locale/<lang>/LC_MESSAGES/interface.po`` (msgid: the key below;
coded values of the case facts under ``value.<code>``); :mod:`aidrules.text` reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from aidrules.text import LANGS, domain, french_typography

__all__ = ["LANGS", "colon", "french_typography", "ui", "value_codes", "value_label", "value_labels", "value_words"]

_TEXTS = domain("interface")
_VALUE = "value."


def value_label(code: str, lang: str) -> str:
    """The reader's word for a coded value of the case facts (contract §1), or the code itself."""
    return value_labels(lang).get(code, code)


@cache
def value_labels(lang: str) -> Mapping[str, str]:
    """Every coded value with its reader's word in ``lang`` (built once per language)."""
    return {key.removeprefix(_VALUE): text for key, text in _TEXTS[lang].items() if key.startswith(_VALUE)}


def ui(key: str, lang: str, **fields: str) -> str:
    """An interface text in ``lang`` with ``fields`` filled in."""
    text = _TEXTS[lang][key]
    text = text.format(**fields) if fields else text
    return french_typography(text) if lang == "fr" else text


def colon(lang: str) -> str:
    """``: `` — in French with a no-break space before the colon (French typography)."""
    return "\u00a0: " if lang == "fr" else ": "


def value_words(code: str) -> tuple[str, ...]:
    """The reader's words for a coded value in nl, fr and en (in that order); ``()`` for an unknown code."""
    return _value_words().get(code, ())


def value_codes() -> list[str]:
    """Every coded value that has reader's words."""
    return list(_value_words())


@cache
def _value_words() -> dict[str, tuple[str, ...]]:
    per_lang = [value_labels(lang) for lang in LANGS]
    return {code: tuple(words[code] for words in per_lang) for code in per_lang[0]}
