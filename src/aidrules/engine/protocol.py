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

from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from aidrules.errors import Diagnostic, EvaluationError

if TYPE_CHECKING:
    from aidrules.engine.decision import Decision
    from aidrules.explain.trace import Tracer
    from aidrules.facts.model import Case
    from aidrules.ruleset.compiled import CompiledRuleSet

#: The names of the backends, the default first.
ENGINES = ("compiled", "durable")


class Prepared(Protocol):
    """A rule set prepared by a backend: evaluates many cases, safe to share between threads."""

    def evaluate(
        self,
        facts: Case | dict[str, Any],
        on: date | None = None,
        *,
        lang: str = "nl",
        tracer: Tracer | None = None,
        check_period: bool = True,
    ) -> Decision: ...


class Backend(Protocol):
    name: str

    def prepare(self, compiled: CompiledRuleSet) -> Prepared: ...


class CompiledPrepared:
    """The compiled engine behind the protocol (its preparation lives with the rule set)."""

    def __init__(self, rs: CompiledRuleSet) -> None:
        self.rs = rs

    def evaluate(
        self,
        facts: Case | dict[str, Any],
        on: date | None = None,
        *,
        lang: str = "nl",
        tracer: Tracer | None = None,
        check_period: bool = True,
    ) -> Decision:
        from aidrules.engine.compiled import evaluate

        return evaluate(self.rs, facts, on, lang=lang, tracer=tracer, check_period=check_period)


class CompiledBackend:
    name = "compiled"

    def prepare(self, compiled: CompiledRuleSet) -> Prepared:
        return CompiledPrepared(compiled)


class DurableBackend:
    name = "durable"

    def prepare(self, compiled: CompiledRuleSet) -> Prepared:
        from aidrules.engine.durable import prepare

        return prepare(compiled)


def backend(name: str) -> Backend:
    """The backend called ``name`` (``compiled`` or ``durable``)."""
    if name == "compiled":
        return CompiledBackend()
    if name == "durable":
        return DurableBackend()
    message = f"unknown engine `{name}`; use one of {', '.join(ENGINES)}"
    raise EvaluationError(message, [Diagnostic("EN002", message, path="engine")])


def prepare(compiled: CompiledRuleSet, engine: str = "compiled") -> Prepared:
    """``backend(engine).prepare(compiled)``."""
    return backend(engine).prepare(compiled)
