"""Backends behind a tiny protocol (like httpx's transports).

``prepare(compiled) -> Prepared`` once per rule set, then ``Prepared.evaluate(facts, on, ...)``
many times, from any thread. The compiled engine is the default and the reference semantics;
durable_rules is an optional extra that must give byte-identical decisions (``tests/conformance``).

Example:
    >>> import aidrules
    >>> from datetime import date
    >>> prepared = backend("compiled").prepare(aidrules.load())
    >>> prepared.evaluate({"client": {"consents": False}}, date(2025, 3, 1)).recommendation
    'none'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aidrules._extras import lazy_module
from aidrules.engine.compiled import CompiledPrepared
from aidrules.errors import Diagnostic, EvaluationError
from aidrules.ruleset.compiled import CompiledRuleSet, Prepared, register_backend

if TYPE_CHECKING:
    from aidrules.engine import durable
else:  # the durable backend's own module (and durable_rules) is loaded when a rule set is first prepared for it
    durable = lazy_module("aidrules.engine.durable")

#: The names of the backends, the default first.
ENGINES = ("compiled", "durable")


class Backend:
    """One backend by name: ``prepare(compiled)`` gives the rule set's prepared form (kept by it)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def prepare(self, compiled: CompiledRuleSet) -> Prepared:
        return compiled.prepare(self.name)


def backend(name: str) -> Backend:
    """The backend called ``name`` (``compiled`` or ``durable``)."""
    if name in ENGINES:
        return Backend(name)
    message = f"unknown engine `{name}`; use one of {', '.join(ENGINES)}"
    raise EvaluationError(message, [Diagnostic("EN002", message, path="engine")])


def prepare(compiled: CompiledRuleSet, engine: str = "compiled") -> Prepared:
    """``backend(engine).prepare(compiled)``."""
    return backend(engine).prepare(compiled)


def _build_durable(compiled: CompiledRuleSet) -> Prepared:
    """A rule set prepared for durable_rules (``aidrules.engine.durable.build``, loaded now)."""
    return durable.build(compiled)


# durable_rules is an optional extra: its module is only loaded when a rule set is first prepared for it.
register_backend("durable", _build_durable)

__all__ = ["ENGINES", "Backend", "CompiledPrepared", "Prepared", "backend", "prepare"]
