"""Case-file errors in the reader's language, with hints for Belgian writing habits.

A worker writing a case by hand writes amounts the Belgian way (``1.180,50``), answers yes/no
questions with ``ja``/``oui``, codes with their own words (``deurwaarder``) and dates as
``15/03/2024``. Each such value gets a hint that shows the value as the case file wants it. The
English messages are the ones the case model has always given (``lang="en"``); Dutch and French
say the same in the reader's words.

Example:
    >>> belgian_hint("1.180,50", "amount", "nl")
    'schrijf bedragen met een punt voor de centen en zonder scheidingsteken voor duizendtallen: 1180.50'
"""

from __future__ import annotations

import re
from typing import Any

from aidrules.facts.writing import parse_amount, parse_day
from aidrules.text import domain, fill, french_typography
from aidrules.text.interface import value_words

_YES = {"ja", "oui", "yes", "j", "waar", "vrai", "y"}
_NO = {"nee", "neen", "non", "no", "n", "onwaar", "faux"}

#: The gettext domain of these texts: ``message.<pydantic error type>`` (``{value}`` is the value
#: as written) and ``hint.<name>``. English readers get pydantic's own message (the one the case
#: model has always given); the ``en`` catalogue words the same message for translators.
_TEXTS = domain("facts")


def message(kind: str, english: str, lang: str, **fields: Any) -> str:
    """The message of a pydantic error ``kind`` in ``lang`` (``english`` when there is none)."""
    template = None if lang == "en" else _TEXTS[lang].get(f"message.{kind}")
    if template is None:
        return english
    if "expected" in fields:  # pydantic's "'none', 'limited' or 'adequate'" in the reader's words
        codes = choices_of(str(fields["expected"]))
        word = " of " if lang == "nl" else " ou "
        fields = {**fields, "expected": word.join([", ".join(codes[:-1]), codes[-1]]) if len(codes) > 1 else codes}
    try:
        text = template.format(**{k: _show(v) for k, v in fields.items()})
    except (KeyError, IndexError):
        return english
    return french_typography(text) if lang == "fr" else text


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else f"{text[:59]}…"


def hint(name: str, lang: str, **fields: str) -> str:
    return fill(_TEXTS[lang][f"hint.{name}"], lang, fields)


def belgian_hint(value: Any, expected: str, lang: str, choices: tuple[str, ...] = ()) -> str | None:
    """A hint when ``value`` is written the way Belgians write it but the case file does not.

    ``expected``: ``amount``, ``integer``, ``yes_no``, ``code`` (with ``choices``) or ``date``.
    """
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if expected in ("amount", "integer"):
        amount = parse_amount(raw)
        if amount is not None and expected == "amount":
            return hint("amount", lang, fixed=format(amount, "f"))
        if amount is not None and amount == amount.to_integral_value():
            return hint("amount", lang, fixed=str(int(amount)))
        return None
    if expected == "yes_no":
        if raw.lower() in _YES:
            return hint("yes_no", lang, fixed="true")
        if raw.lower() in _NO:
            return hint("yes_no", lang, fixed="false")
        return None
    if expected == "code":
        low = raw.lower()
        for code in choices:
            words = value_words(code)
            if low in {w.lower() for w in words} or low == code.replace("_", " "):
                return hint("code", lang, fixed=code, word=raw)
        return None
    if expected == "date":
        day = parse_day(raw)
        return hint("date", lang, fixed=day.isoformat()) if day else None
    return None


def choices_of(expected: str) -> tuple[str, ...]:
    """``'none', 'reminder' or 'bailiff'`` (pydantic's list of allowed values) → the codes."""
    return tuple(re.findall(r"'([^']*)'", expected))
