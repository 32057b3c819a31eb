"""The compiled rule set: immutable, thread-safe, ready to evaluate many cases.

Everything here is built once by :mod:`aidrules.ruleset.compile`; evaluation only reads it.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from aidrules._frozen import Frozen
from aidrules.errors import Diagnostic, EvaluationError, Span
from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression, Environment
from aidrules.facts.schema import case_type
from aidrules.ruleset.parts import NamedValue as NamedValue  # re-exported: where they were before
from aidrules.ruleset.parts import Template as Template
from aidrules.ruleset.schema import Metadata, PolicyChoice, Texts

if TYPE_CHECKING:
    from aidrules.engine.decision import Decision
    from aidrules.engine.trace import Tracer
    from aidrules.facts.model import Case
    from aidrules.lifecycle.spec import ReviewSpec
    from aidrules.ruleset.graph import DependencyGraph


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


#: How a backend prepares a rule set, by backend name (see :func:`register_backend`).
_BACKENDS: dict[str, Callable[[CompiledRuleSet], Prepared]] = {}
_PREPARE_LOCK = threading.Lock()


def register_backend(name: str, prepare: Callable[[CompiledRuleSet], Prepared]) -> None:
    """Make ``CompiledRuleSet.evaluate(..., engine=name)`` use ``prepare``.

    The engines register themselves when ``aidrules.engine`` is imported (which importing
    ``aidrules`` does): the compiled engine in ``engine/compiled.py``, durable_rules (loaded when
    first used) in ``engine/protocol.py``. The rule set only dispatches; it imports no engine.
    """
    _BACKENDS[name] = prepare


def backend_names() -> tuple[str, ...]:
    """The names of the registered backends, in the order they registered (the default first)."""
    return tuple(_BACKENDS)


# The specs are frozen values (aidrules._frozen.Frozen, each with its own __init__): no dataclass
# methods are compiled for them at every start (about 0.5 ms a class). ``CompiledRuleSet`` stays a
# dataclass: callers copy it with ``dataclasses.replace``. ``ruleset/cost.py`` walks both kinds.
_set = object.__setattr__


class DatedValue(Frozen):
    __slots__ = ("source", "valid_from", "value")
    valid_from: date
    value: Any
    source: str

    def __init__(self, valid_from: date, value: Any, source: str) -> None:
        _set(self, "valid_from", valid_from)
        _set(self, "value", value)
        _set(self, "source", source)


class ParameterSpec(Frozen):
    __slots__ = ("_starts", "group", "id", "policy_choice", "span", "title", "type", "unit", "values")
    _hidden = frozenset({"_starts"})  # the values' start days, derived from them
    id: str
    title: Texts
    type: t.Type
    group: str
    unit: str | None
    policy_choice: PolicyChoice | None
    values: tuple[DatedValue, ...]  # sorted by valid_from
    span: Span
    _starts: tuple[date, ...]

    def __init__(
        self,
        id: str,
        title: Texts,
        type: t.Type,
        group: str,
        unit: str | None,
        policy_choice: PolicyChoice | None,
        values: tuple[DatedValue, ...],
        span: Span,
        _starts: tuple[date, ...] = (),
    ) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "type", type)
        _set(self, "group", group)
        _set(self, "unit", unit)
        _set(self, "policy_choice", policy_choice)
        _set(self, "values", values)
        _set(self, "span", span)
        _set(self, "_starts", _starts)

    def value_at(self, on: date) -> DatedValue | None:
        """The value in force on ``on`` (the latest one starting on or before it)."""
        starts = self._starts or tuple(v.valid_from for v in self.values)
        i = bisect.bisect_right(starts, on)
        return self.values[i - 1] if i else None


class PrincipleSpec(Frozen):
    __slots__ = ("description", "id", "requires", "source", "span", "title")
    id: str
    title: Texts
    description: Texts
    source: str
    requires: tuple[str, ...]
    span: Span

    def __init__(
        self, id: str, title: Texts, description: Texts, source: str, requires: tuple[str, ...], span: Span
    ) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "description", description)
        _set(self, "source", source)
        _set(self, "requires", requires)
        _set(self, "span", span)


class FormSpec(Frozen):
    __slots__ = ("description", "id", "intrusiveness", "principles", "requires", "source", "span", "title")
    id: str
    title: Texts
    description: Texts
    source: str
    intrusiveness: int
    principles: tuple[str, ...]
    requires: tuple[str, ...]
    span: Span

    def __init__(
        self,
        id: str,
        title: Texts,
        description: Texts,
        source: str,
        intrusiveness: int,
        principles: tuple[str, ...],
        requires: tuple[str, ...],
        span: Span,
    ) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "description", description)
        _set(self, "source", source)
        _set(self, "intrusiveness", intrusiveness)
        _set(self, "principles", principles)
        _set(self, "requires", requires)
        _set(self, "span", span)


class RecommendationRow(Frozen):
    __slots__ = ("because", "recommend", "span", "when")
    recommend: str
    when: CompiledExpression
    because: Texts
    span: Span

    def __init__(self, recommend: str, when: CompiledExpression, because: Texts, span: Span) -> None:
        _set(self, "recommend", recommend)
        _set(self, "when", when)
        _set(self, "because", because)
        _set(self, "span", span)


class ActionValueSpec(Frozen):
    __slots__ = ("expr", "id", "title", "type")
    id: str
    title: Texts
    type: t.Type
    expr: CompiledExpression

    def __init__(self, id: str, title: Texts, type: t.Type, expr: CompiledExpression) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "type", type)
        _set(self, "expr", expr)


class ActionSpec(Frozen):
    __slots__ = ("id", "message", "shown", "source", "span", "title", "values", "when")
    id: str
    title: Texts
    when: CompiledExpression
    source: str
    message: Template
    values: tuple[ActionValueSpec, ...]
    shown: tuple[tuple[str, CompiledExpression], ...]
    span: Span

    def __init__(
        self,
        id: str,
        title: Texts,
        when: CompiledExpression,
        source: str,
        message: Template,
        values: tuple[ActionValueSpec, ...],
        shown: tuple[tuple[str, CompiledExpression], ...],
        span: Span,
    ) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "when", when)
        _set(self, "source", source)
        _set(self, "message", message)
        _set(self, "values", values)
        _set(self, "shown", shown)
        _set(self, "span", span)


@dataclass(frozen=True, slots=True)
class CompiledRuleSet:
    """A checked, compiled rule set. Immutable; safe to share between threads.

    Example:
        >>> import aidrules
        >>> rs = aidrules.load()                       # the shipped reference rule set
        >>> rs.evaluate({"client": {"consents": False}}, on=date(2025, 3, 1)).recommendation
        'none'
    """

    meta: Metadata
    fingerprint: str
    file: str
    parameters: dict[str, ParameterSpec]
    plan: tuple[NamedValue, ...]  # derived values and conditions in dependency order
    principles: tuple[PrincipleSpec, ...]
    forms: tuple[FormSpec, ...]
    hit_policy: str
    rows: tuple[RecommendationRow, ...]
    otherwise: str | None  # None: a case no rule covers is a gap (SA301) and is refused (EV005)
    otherwise_because: Texts | None
    actions: tuple[ActionSpec, ...]
    conditions_used_by: dict[str, tuple[str, ...]]  # condition id -> principles/forms using it
    graph: DependencyGraph  # who reads whom: facts, parameters, values, rules (ruleset/graph.py)
    decides: bool = True  # False for a base layer (amounts only) that cannot decide a case alone
    layers: tuple[str, ...] = ()  # "id@version" of each layer, base first
    provenance: dict[str, str] = field(default_factory=dict)  # "conditions.x" -> the layer it came from
    files: tuple[str, ...] = ()  # the rule files of the layers, base first
    warnings: tuple[Diagnostic, ...] = ()  # what `aidrules validate` reports for a file that compiles
    reviews: ReviewSpec | None = None  # the compiled `reviews:` section (docs/lifecycle.md)
    # The rule set's plain words for the client's letter (`client_text:` in the rule file), by
    # "conditions.<id>.true|false", "actions.<id>", "forms.<id>" and "otherwise"; placeholders unfilled;
    # "forms.<id>.title": the form's name inside a sentence of the letter (`client_title:`).
    client_texts: dict[str, Texts] = field(default_factory=dict)
    # The backends' prepared forms of this rule set (plans, caches, durable_rules networks), by
    # backend name: made on first use by :meth:`prepare`; never part of equality or of the fingerprint.
    prepared: dict[str, Prepared] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def version(self) -> str:
        return self.meta.version

    def environment(self) -> Environment:
        """Every name an action may read, with its type, as the rule-set compiler saw them.

        Used by the tools that compile further expressions against a compiled rule set (the
        static checks, the durable_rules backend).
        """
        names: dict[str, t.Type] = {}
        tables: dict[str, t.Table] = {}
        for pid, spec in self.parameters.items():
            if isinstance(spec.type, t.Table):
                tables[pid] = spec.type
            else:
                names[pid] = spec.type
        for item in self.plan:
            names[item.id] = item.type
        for p in self.principles:
            names[f"principles.{p.id}"] = t.BOOL
        for f in self.forms:
            names[f"forms.{f.id}"] = t.BOOL
        outcomes = (*(f.id for f in self.forms), *((self.otherwise,) if self.otherwise else ()), "undetermined")
        names["recommendation"] = t.Text(choices=tuple(dict.fromkeys(outcomes)))
        return Environment(case_type(), names, tables)

    def named(self, name: str) -> NamedValue | None:
        for item in self.plan:
            if item.id == name:
                return item
        return None

    def evaluate(
        self,
        facts: Case | dict[str, Any],
        on: date | None = None,
        *,
        lang: str = "nl",
        tracer: Tracer | None = None,
        check_period: bool = True,
        engine: str = "compiled",
    ) -> Decision:
        """Decide one case on ``on`` (default: the case's own ``on``).

        ``check_period=False`` evaluates outside the rule set's effective period: only for
        what-if comparisons between versions (``aidrules diff``/``rerun``), never for decisions.
        ``engine="durable"`` decides with the durable_rules backend (the optional extra
        ``aidrules[durable]``); every engine gives the same decision (docs/durable.md).

        Raises:
            FactsError: the facts are invalid (each path named).
            EvaluationError: no decision date, or the date is outside the effective period; an
                unknown engine, or durable_rules not installed (with how to install it).
        """
        return self.prepare(engine).evaluate(facts, on, lang=lang, tracer=tracer, check_period=check_period)

    def prepare(self, engine: str = "compiled") -> Prepared:
        """This rule set prepared by the backend ``engine`` (made on first use, then kept).

        Raises:
            EvaluationError: an unknown engine (EN002), or durable_rules not installed (EN001).
        """
        found = self.prepared.get(engine)
        if found is None:
            make = _BACKENDS.get(engine)
            if make is None:
                names = ", ".join(_BACKENDS) or "compiled"
                message = f"unknown engine `{engine}`; use one of {names}"
                raise EvaluationError(message, [Diagnostic("EN002", message, path="engine")])
            with _PREPARE_LOCK:
                found = self.prepared.get(engine)
                if found is None:
                    found = self.prepared.setdefault(engine, make(self))
        return found
