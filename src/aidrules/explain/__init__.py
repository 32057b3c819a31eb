"""Explanations of decisions for three audiences, and their rendering.

The trace events they are built from live in :mod:`aidrules.engine.trace` and the interface words
in :mod:`aidrules.text.interface`, below the engine, so importing this package (and its API, at
the top) is never paid by deciding alone.

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
