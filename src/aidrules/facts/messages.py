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

from aidrules.explain.i18n import LANGS, french_typography, value_words
from aidrules.facts.writing import parse_amount, parse_day

_YES = {"ja", "oui", "yes", "j", "waar", "vrai", "y"}
_NO = {"nee", "neen", "non", "no", "n", "onwaar", "faux"}

#: pydantic error type → message (nl, fr, en); ``{value}`` is the value as written.
_MESSAGES: dict[str, tuple[str, str]] = {
    "bool_type": ("`{value}` is geen ja/nee-waarde", "`{value}` n’est pas une valeur oui/non"),
    "bool_parsing": ("`{value}` is geen ja/nee-waarde", "`{value}` n’est pas une valeur oui/non"),
    "int_type": ("`{value}` is geen geheel getal", "`{value}` n’est pas un nombre entier"),
    "int_parsing": ("`{value}` is geen geheel getal", "`{value}` n’est pas un nombre entier"),
    "int_from_float": ("`{value}` is geen geheel getal", "`{value}` n’est pas un nombre entier"),
    "decimal_type": ("`{value}` is geen bedrag", "`{value}` n’est pas un montant"),
    "decimal_parsing": ("`{value}` is geen bedrag", "`{value}` n’est pas un montant"),
    "decimal_max_places": ("`{value}` heeft meer dan 2 cijfers na de komma", "`{value}` a plus de 2 décimales"),
    "greater_than": ("moet groter zijn dan {gt}, niet `{value}`", "doit être supérieur à {gt}, pas `{value}`"),
    "greater_than_equal": (
        "moet minstens {ge} zijn, niet `{value}`",
        "doit être au moins {ge}, pas `{value}`",
    ),
    "less_than_equal": ("mag hoogstens {le} zijn, niet `{value}`", "doit être au plus {le}, pas `{value}`"),
    "literal_error": (
        "`{value}` is geen toegelaten waarde; mogelijk: {expected}",
        "`{value}` n’est pas une valeur admise ; possible : {expected}",
    ),
    "string_type": ("`{value}` is geen tekst", "`{value}` n’est pas un texte"),
    "string_too_long": ("de tekst is te lang", "le texte est trop long"),
    "list_type": ("hier hoort een lijst (`- …` per item)", "une liste est attendue ici (`- …` par élément)"),
    "model_type": ("hier horen velden (`naam: waarde`)", "des champs sont attendus ici (`nom : valeur`)"),
    "dict_type": ("hier horen velden (`naam: waarde`)", "des champs sont attendus ici (`nom : valeur`)"),
    "too_long": ("de lijst is te lang", "la liste est trop longue"),
    "date_type": ("`{value}` is geen datum (JJJJ-MM-DD)", "`{value}` n’est pas une date (AAAA-MM-JJ)"),
    "date_parsing": ("`{value}` is geen datum (JJJJ-MM-DD)", "`{value}` n’est pas une date (AAAA-MM-JJ)"),
    "date_from_datetime_parsing": (
        "`{value}` is geen datum (JJJJ-MM-DD)",
        "`{value}` n’est pas une date (AAAA-MM-JJ)",
    ),
    "extra_forbidden": ("onbekend veld `{key}`", "champ inconnu `{key}`"),
    "empty_key": (
        "een veld zonder naam ({key}) is geen veld van het dossier",
        "un champ sans nom ({key}) n’est pas un champ du dossier",
    ),
    "not_amount": ("`{value}` is geen bedrag", "`{value}` n’est pas un montant"),
    "not_date": ("`{value}` is geen datum (JJJJ-MM-DD)", "`{value}` n’est pas une date (AAAA-MM-JJ)"),
    "missing": ("dit veld ontbreekt", "ce champ manque"),
}

_HINTS: dict[str, tuple[str, str, str]] = {
    "amount": (
        "schrijf bedragen met een punt voor de centen en zonder scheidingsteken voor duizendtallen: {fixed}",
        "écrivez les montants avec un point pour les centimes et sans séparateur de milliers : {fixed}",
        "write amounts with a point for the cents and no thousands separator: {fixed}",
    ),
    "yes_no": (
        "schrijf `true` voor ja en `false` voor nee: {fixed}",
        "écrivez `true` pour oui et `false` pour non : {fixed}",
        "write `true` for yes and `false` for no: {fixed}",
    ),
    "code": (
        "gebruik de code `{fixed}` (‘{word}’)",
        "utilisez le code `{fixed}` (« {word} »)",
        "use the code `{fixed}` (‘{word}’)",
    ),
    "date": (
        "schrijf datums als JJJJ-MM-DD: {fixed}",
        "écrivez les dates sous la forme AAAA-MM-JJ : {fixed}",
        "write dates as YYYY-MM-DD: {fixed}",
    ),
    "comma_split": (
        "een komma in een bedrag tussen `{{…}}` begint een nieuw veld; schrijf bedragen als 1180.50",
        "une virgule dans un montant entre `{{…}}` commence un nouveau champ ; écrivez les montants comme 1180.50",
        "a comma in an amount inside `{{…}}` starts a new field; write amounts as 1180.50",
    ),
    "empty_key": (
        "de velden hier zijn: {fields}",
        "les champs ici sont : {fields}",
        "the fields here are: {fields}",
    ),
    "did_you_mean": ("bedoelt u `{fixed}`?", "vouliez-vous dire `{fixed}` ?", "did you mean `{fixed}`?"),
}


def message(kind: str, english: str, lang: str, **fields: Any) -> str:
    """The message of a pydantic error ``kind`` in ``lang`` (``english`` when there is none)."""
    if lang == "en" or kind not in _MESSAGES:
        return english
    template = _MESSAGES[kind][0 if lang == "nl" else 1]
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
    text = _HINTS[name][LANGS.index(lang)].format(**fields)
    return french_typography(text) if lang == "fr" else text


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
