"""Explanations of a decision for three audiences: the social worker, the committee and the client.

The trace events, the interface words, the document model and the decision's own view live below
this package (:mod:`aidrules.engine.trace`, :mod:`aidrules.text.interface`,
:mod:`aidrules.words.document`, :mod:`aidrules.views.decision`): ``aidrules evaluate`` renders a
decision without loading the explanation machinery (Jinja2, counterfactual search).

Example:
    >>> import aidrules
    >>> from aidrules.explain import explanation
    >>> expl = explanation(aidrules.load(), {"on": "2025-03-01", "client": {"consents": False}})
    >>> expl.recommendation
    'none'
"""

from __future__ import annotations

from aidrules.explain.api import AUDIENCES, FORMATS, explain, explanation, render_explanation
from aidrules.explain.model import Counterfactual, Explanation, MissingFact
from aidrules.facts.paths import Edit, apply

__all__ = [
    "AUDIENCES",
    "FORMATS",
    "Counterfactual",
    "Edit",
    "Explanation",
    "MissingFact",
    "apply",
    "explain",
    "explanation",
    "render_explanation",
]
