"""Explaining a decision from Python: the structured explanation, or a text for one audience.

Example:
    >>> import aidrules
    >>> from aidrules.explain import explain
    >>> case = {"on": "2025-03-01", "client": {"consents": False}}
    >>> print(explain(aidrules.load(), case, audience="client").splitlines()[0])
    Uw vraag om hulp bij uw budget
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from aidrules.engine.trace import RecordingTracer
from aidrules.errors import LANGUAGES, Diagnostic, EvaluationError, unknown_language
from aidrules.explain.build import build_explanation
from aidrules.explain.committee import anonymised, committee_document
from aidrules.explain.letter import Recipient, letter_context, render_letter
from aidrules.explain.model import Explanation
from aidrules.explain.worker import worker_document
from aidrules.facts.model import Case
from aidrules.facts.parse import parse_facts
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.whatif.reevaluate import DEFAULT_BUDGET
from aidrules.words.document import Document, Heading, parse_markup, render

Audience = Literal["worker", "committee", "client"]
Format = Literal["text", "markdown", "html", "json"]
AUDIENCES: tuple[str, ...] = ("worker", "committee", "client")
FORMATS: tuple[str, ...] = ("text", "markdown", "html", "json")


def explanation(
    rules: CompiledRuleSet,
    case: Case | Mapping[str, Any],
    on: date | None = None,
    *,
    lang: str = "nl",
    budget: int = DEFAULT_BUDGET,
) -> Explanation:
    """Evaluate ``case`` (with a trace) and build its structured :class:`Explanation`.

    Raises:
        FactsError: the case is invalid.
        EvaluationError: no decision date, a date outside the rule set's period, an unknown language.
    """
    facts = parse_facts(case)
    tracer = RecordingTracer()
    decision = rules.evaluate(facts, on, lang=lang, tracer=tracer)
    return build_explanation(decision, rules, facts, tracer.events, budget=budget)


def explain(
    rules: CompiledRuleSet,
    case: Case | Mapping[str, Any],
    on: date | None = None,
    audience: str = "worker",
    lang: str = "nl",
    fmt: str = "text",
    *,
    templates: str | Path | None = None,
    budget: int = DEFAULT_BUDGET,
    recipient: Recipient | Mapping[str, str | None] | None = None,
) -> str:
    """The explanation of ``case`` for ``audience`` (worker, committee, client) in ``lang`` (nl,
    fr, en) as ``fmt`` (text, markdown, html, json). ``templates``: an OCMW's own letter templates;
    ``recipient``: the letter's client name, dossier reference, OCMW name and address and worker
    contact (:class:`~aidrules.explain.letter.Recipient`), used for this text only."""
    _check(audience, fmt, lang)
    return render_explanation(
        explanation(rules, case, on, lang=lang, budget=budget), audience, fmt, templates=templates, recipient=recipient
    )


def render_explanation(
    expl: Explanation,
    audience: str,
    fmt: str,
    *,
    templates: str | Path | None = None,
    recipient: Recipient | Mapping[str, str | None] | None = None,
) -> str:
    """Render a built explanation for one audience in one format (``recipient``: for the letter)."""
    _check(audience, fmt, expl.lang)
    if audience == "worker":
        return expl.to_json() if fmt == "json" else render(worker_document(expl), fmt)
    if audience == "committee":
        return anonymised(expl).to_json() if fmt == "json" else render(committee_document(expl), fmt)
    letter = render_letter(expl, templates, recipient)
    if fmt == "json":
        data = {
            "audience": "client",
            "lang": expl.lang,
            "on": expl.on.isoformat(),
            "recommendation": expl.recommendation,
            "context": letter_context(expl, recipient),
            "letter": letter,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    blocks = parse_markup(letter)
    title = next((_plain(b) for b in blocks if isinstance(b, Heading)), expl.recommendation_title)
    return render(Document(title, expl.lang, blocks), fmt)


def _plain(block: Heading) -> str:
    return "".join(span.text for span in block.content)


def _check(audience: str, fmt: str, lang: str) -> None:
    problems = []
    if audience not in AUDIENCES:
        problems.append(f"unknown audience `{audience}`; use one of {', '.join(AUDIENCES)}")
    if fmt not in FORMATS:
        problems.append(f"unknown format `{fmt}`; use one of {', '.join(FORMATS)}")
    diagnostics = [Diagnostic("EX001", p, path="explain") for p in problems]
    if lang not in LANGUAGES:  # the same error as from every other entry point
        diagnostics += unknown_language(lang).diagnostics
    if diagnostics:
        raise EvaluationError("; ".join(d.message for d in diagnostics), diagnostics)
