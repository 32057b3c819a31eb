"""The question catalogue: readers' names, questions and help for every case fact, in nl/fr/en.

The facts, in the case model's order, and who answers each live in ``catalogue.yaml`` beside this
module; their texts (label, question, help, the client's question) in the gettext domain
``questions`` (msgid ``<fact>.label``, ``<fact>.question``…: one catalogue for labels, questions
and help, so that a label and the question that asks for it cannot drift apart). Allowed answers are
not in the catalogue: they follow from the case model (:mod:`aidrules.explain.questions`).

Example:
    >>> entry("client.motivation").question.get("nl")
    'Hoe beoordeelt u de motivatie van de cliënt (0 = geen, 4 = sterk)?'
    >>> entry("debts[].enforcement").asked_of
    'client'
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from aidrules.text import LANGS, lookup


class Words(BaseModel):
    """One text in Dutch, French and English."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    nl: str
    fr: str
    en: str

    def get(self, lang: str) -> str:
        return {"nl": self.nl, "fr": self.fr, "en": self.en}.get(lang, self.nl)


class FactEntry(BaseModel):
    """What the catalogue knows about one fact pattern (``debts[].amount``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    label: Words
    #: Who can answer: the client (facts of their own situation) or the worker (assessments).
    asked_of: Literal["client", "worker"] | None = None
    #: The question a worker asks (or answers) to learn the fact.
    question: Words | None = None
    help: Words | None = None
    #: The question put to the client in a letter (only for facts the client can answer).
    client_question: Words | None = None


_DOMAIN = "questions"
_TEXTS = ("label", "question", "help", "client_question")


def _words(key: str) -> dict[str, str] | None:
    texts = {lang: lookup(_DOMAIN, lang).get(key) for lang in LANGS}
    return None if any(t is None for t in texts.values()) else {lang: str(t) for lang, t in texts.items()}


@cache
def catalogue() -> dict[str, FactEntry]:
    """Every fact pattern's entry, in the catalogue's order (the case model's order)."""
    # shipped data, read with the safe loader: it holds only plain mappings and strings (libyaml's
    # when installed: ten times faster, and every command that decides reads this at start)
    text = resources.files("aidrules.facts").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    entries: dict[str, FactEntry] = {}
    for path, data in raw.items():
        texts = {field: _words(f"{path}.{field}") for field in _TEXTS}
        entries[str(path)] = FactEntry.model_validate({**data, **{k: v for k, v in texts.items() if v is not None}})
    return entries


def entry(path_pattern: str) -> FactEntry | None:
    """The entry of a fact pattern (``debts[].amount``), or None for a name the case model lacks."""
    return catalogue().get(path_pattern)
