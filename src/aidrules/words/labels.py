"""Readers' names of the case facts (contract §1) in Dutch, French and English (from the catalogue)."""

from __future__ import annotations

import re
from functools import cache

from aidrules.facts.catalogue import catalogue
from aidrules.facts.paths import pattern
from aidrules.text import domain
from aidrules.text.interface import LANGS, value_label


@cache
def fact_labels() -> dict[str, tuple[str, str, str]]:
    """pattern → (nl, fr, en), from the question catalogue (``aidrules/facts/catalogue.yaml``),
    read when a fact is first named (a decision whose facts are all known names none; reading the
    catalogue at import cost every start of ``aidrules`` a few milliseconds)."""
    return {path: (e.label.nl, e.label.fr, e.label.en) for path, e in catalogue().items()}


#: The noun of one item of a list fact (``item.debts``: schuld / dette / debt): ``interface`` texts.
_TEXTS = domain("interface")


def fact_label(path: str, lang: str) -> str:
    """The reader's name of a fact; items of a list are numbered from 1 (``schuld 2``)."""
    i = LANGS.index(lang)
    labels = fact_labels().get(pattern(path))
    base = labels[i] if labels else path
    match = re.match(r"^([a-z_.]+)\[(\d+)\]", path)
    noun = _TEXTS[lang].get(f"item.{match.group(1)}") if match else None
    if match and noun is not None:
        item = f"{noun} {int(match.group(2)) + 1}"
        return item if pattern(path).endswith("[]") else f"{base} ({item})"
    return base


def facts_text(paths: list[str] | tuple[str, ...], lang: str) -> str:
    """The readers' names of facts, each once, in order (``inkomsten, motivatie (0–4)``): what a
    text says instead of the paths, which stay in the JSON's ``missing_facts``."""
    return ", ".join(dict.fromkeys(fact_label(p, lang) for p in paths))


def choice_label(code: str, lang: str) -> str:
    """The reader's word for a coded value of a fact (``bailiff`` → ``deurwaarder``)."""
    return value_label(code, lang)
