"""Every fixture renders for every audience, language and format with no missing text."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from aidrules.explain import render_explanation
from aidrules.explain.model import Explanation
from aidrules.text.explain import keys
from aidrules.text.interface import value_codes

from .cases import FIXTURES, explained

AUDIENCES = ("worker", "committee", "client")
FORMATS = ("text", "markdown", "html", "json")

# Interface words that must never show in a Dutch text (identifiers such as `client.motivation`
# and rule expressions are removed first: they are code, not words).
ENGLISH = {
    "the", "and", "not", "eligible", "ineligible", "undetermined", "satisfied", "unknown",
    "yes", "no", "none", "recommendation", "missing", "because", "possible", "debt", "debts",
    "income", "wage", "bailiff", "reminder", "seizure", "limited", "adequate", "rent", "energy",
    "tax", "other", "single", "cohabiting", "stable", "true", "false", "proposed", "never",
    "derived", "condition", "principle", "form", "action", "parameter_", "source", "values",
}  # fmt: skip
# Dutch interface words that must not leak into French or English texts.
DUTCH = {"voorstel", "voldaan", "onbekend", "mogelijk", "waarom", "nooit", "invordering", "schulden"}
# Interface text keys (``h.why``, ``form.eligible``…) that would show if a text were missing.
KEYS = re.compile(r"(?<![\w.])(" + "|".join(re.escape(k) for k in keys() if "." in k) + r")(?![\w.])")
# Raw codes of coded facts that must be shown with a reader's word.
CODES = {code for code in value_codes() if "_" in code}


# JSON fields a person reads (the others hold ids, codes, paths and rule expressions)
READER_KEYS = {
    "title", "text", "message", "because", "description", "note", "kind_text", "amount_text", "outcome",
    "recommendation_title", "letter", "reasons", "actions", "can_do", "missing", "explanation", "day", "title_lower",
}  # fmt: skip


def _strings(node: object, key: str = "") -> list[str]:
    if isinstance(node, str):
        return [node] if key in READER_KEYS else []
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings(v, k)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v, key)]
    return []


def _reader_text(out: str, fmt: str, expl: Explanation) -> str:
    """What a person reads: markup, code spans, rule ids, rule expressions and the rule set's
    own citations (sources are quoted as written, in the rule set's language) taken out."""
    if fmt == "json":
        text = " ".join(_strings(json.loads(out)))
    else:
        text = out
        if fmt == "html":
            text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
            text = re.sub(r"<code>.*?</code>", " ", text, flags=re.S)
            text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        text = re.sub(r"`[^`]*`", " ", text)
        text = re.sub(r"\[[a-z_.]+\]", " ", text)
    text = " ".join(text.split())
    quoted = [c.expression for c in expl.conditions.values()]
    quoted += [c.source for c in expl.conditions.values() if c.source]
    quoted += [v.source for v in [*expl.values, *expl.parameters] if v.source]
    quoted += [v.source for c in expl.conditions.values() for v in c.values if v.source]
    quoted += [a.source for a in expl.actions] + [v.source for a in expl.actions for v in a.values if v.source]
    quoted += [f.source for f in expl.forms] + [p.source for p in expl.principles]
    for q in sorted({" ".join(q.split()) for q in quoted}, key=len, reverse=True):
        text = text.replace(q, " ")
    return text


def _words(text: str) -> set[str]:
    # identifiers (with a dot or an underscore) and the parts of hyphenated words are not words
    text = re.sub(r"\S*[._]\S*", " ", text)
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem[:3] for p in FIXTURES])
def test_every_audience_language_and_format_renders_without_missing_text(path: Path) -> None:
    for lang in ("nl", "fr", "en"):
        expl = explained(path.stem, lang)
        for audience in AUDIENCES:
            for fmt in FORMATS:
                out = render_explanation(expl, audience, fmt)
                where = f"{path.stem} {audience} {lang} {fmt}"
                assert out.strip(), where
                if fmt == "json":
                    json.loads(out)
                if fmt == "html":
                    assert out.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in out, where
                text = _reader_text(out, fmt, expl)
                assert not re.search(r"[{}]", text), f"{where}: placeholder braces in {text[:200]}"
                assert "None" not in text, where
                assert not KEYS.search(text), f"{where}: untranslated key {KEYS.search(text)}"
                words = _words(text)
                leaked_codes = CODES & set(re.findall(r"[a-z]+_[a-z_]+", text))
                assert not leaked_codes, f"{where}: raw codes {leaked_codes}"
                if lang == "nl":
                    assert not words & ENGLISH, f"{where}: English words {words & ENGLISH}"
                else:
                    assert not words & DUTCH, f"{where}: Dutch words {words & DUTCH}"


def test_the_client_letter_says_how_to_object_in_each_language() -> None:
    expectations = {
        "nl": ("arbeidsrechtbank", "drie maanden"),
        "fr": ("tribunal du travail", "trois mois"),
        "en": ("labour court", "three months"),
    }
    for lang, words in expectations.items():
        out = render_explanation(explained("017-motivation-1-below-minimum", lang), "client", "text")
        for word in words:
            assert word in out, (lang, word)


def test_html_is_standalone_and_escaped() -> None:
    out = render_explanation(explained("001-single-wage-guidance-baseline"), "worker", "html")
    assert out.count("<html") == 1 and "<style>" in out and out.rstrip().endswith("</html>")
    # text given at render time (a client's name in a letter) is escaped, never raw markup
    letter = render_explanation(
        explained("001-single-wage-guidance-baseline"),
        "client",
        "html",
        recipient={"client_name": "<script>alert(1)</script> & Co"},
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in letter
    assert "<script>" not in letter
