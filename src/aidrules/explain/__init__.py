"""Trace events, formatting and rendering of decisions, and explanations for three audiences.

The explanation API is loaded on first use: ``aidrules evaluate`` renders its decision with
``render.py`` and the document model ``document.py``, which live in this package, and must not pay
for Jinja2 or the explanation machinery (``tests/cli/test_startup.py``). When those two live
elsewhere, these become plain imports (``NOT_YET_DYNAMIC_IMPORTS`` in ``tests/test_layering.py``).
The trace events and the interface words moved out already (:mod:`aidrules.engine.trace`,
:mod:`aidrules.text.interface`).

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
