"""Interface texts of explanations in Dutch (first), French and English.

Conditions' own messages come from the rule set; these are the words around them: headings,
sentences comparing forms, counterfactuals and missing facts, for the worker and the committee
(third person: "de cliënt") and for the client (second person: "u"). They are the gettext domain
``explain`` (``aidrules/locale/<lang>/LC_MESSAGES/explain.po``); the msgid is the key given to :func:`text`.
"""

from __future__ import annotations

from aidrules.text import domain, fill

_TEXTS = domain("explain")


def text(key: str, lang: str, **fields: str) -> str:
    """An explanation text in ``lang`` with ``fields`` filled in."""
    return fill(_TEXTS[lang][key], lang, fields)


def has(key: str) -> bool:
    return key in _TEXTS["en"]


def keys() -> list[str]:
    return list(_TEXTS["en"])


def join_words(items: list[str], lang: str, word: str = "and") -> str:
    """``a, b en c`` (``a, b et c``, ``a, b and c``)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {text(word, lang)} " + items[-1]


def lower_first(s: str) -> str:
    """``Budgetbeheer`` → ``budgetbeheer`` (for use inside a sentence)."""
    return s[:1].lower() + s[1:] if s[:2] != s[:2].upper() else s


def upper_first(s: str) -> str:
    """``leeflooncategorie`` → ``Leeflooncategorie`` (at the start of a line)."""
    return s[:1].upper() + s[1:]


def colon(lang: str) -> str:
    """``: `` — with a no-break space before it in French (``source : …``)."""
    return "\u00a0: " if lang == "fr" else ": "


def quoted(s: str, lang: str) -> str:
    """``‘vrijwillig’`` (``« volontaire »`` in French)."""
    return f"«\u00a0{s}\u00a0»" if lang == "fr" else f"‘{s}’"
