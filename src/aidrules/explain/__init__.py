"""Trace events, formatting and rendering of decisions, and explanations for three audiences.

The explanation API is loaded on first use: the engine still imports this package for its trace
events (``trace.py``) and interface words (``i18n.py``), and must not pay for Jinja2 or the
explanation machinery. When both live elsewhere, these become plain imports
(``NOT_YET_DYNAMIC_IMPORTS`` in ``tests/test_layering.py``).

Example:
    >>> import aidrules
    >>> from aidrules.explain import explanation
    >>> expl = explanation(aidrules.load(), {"on": "2025-03-01", "client": {"consents": False}})
    >>> expl.recommendation
    'none'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aidrules.explain.api import AUDIENCES, FORMATS, explain, explanation, render_explanation
    from aidrules.explain.model import Counterfactual, Explanation, MissingFact
    from aidrules.facts.paths import Edit, apply

_LAZY = {
    "AUDIENCES": "aidrules.explain.api",
    "FORMATS": "aidrules.explain.api",
    "explain": "aidrules.explain.api",
    "explanation": "aidrules.explain.api",
    "render_explanation": "aidrules.explain.api",
    "Edit": "aidrules.facts.paths",
    "apply": "aidrules.facts.paths",
    "Counterfactual": "aidrules.explain.model",
    "Explanation": "aidrules.explain.model",
    "MissingFact": "aidrules.explain.model",
}

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aidrules.explain' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
