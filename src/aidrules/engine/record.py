"""The evaluation record: what deciding one case found, before any text is written.

Deciding (``engine/decide.py``, or another backend such as ``engine/durable``) produces one
:class:`EvaluationRecord`; everything a reader sees is a view of it, built when it is read: the
:class:`~aidrules.engine.decision.Decision`'s reasons and messages (``engine/assemble.py``), the
trace (:func:`aidrules.engine.assemble.trace_events`), coverage and test-failure output.

It sits at the bottom of the layers: it imports the expression runtime only. It holds

- every value and outcome by name (:attr:`EvaluationRecord.values`): parameters on the date,
  derived values, conditions, ``principles.X``, ``forms.X``, ``recommendation`` and the values of
  proposed actions (``actions.X.Y``); an unknown one is an :class:`~aidrules.expr.runtime.Unknown`
  that carries the facts that would settle it;
- the parameter values in force with their date and source, and which of them were read
  (:meth:`EvaluationRecord.parameters_read`, from the names each evaluated expression reads, as
  the compiler found them: nothing is counted while deciding);
- the recommendation, the row that chose it and the facts that left it undetermined;
- the outcome of each action's ``when``.

A record is complete when deciding returns it and is not changed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Protocol

from aidrules.expr.runtime import Context, Unknown


class Dated(Protocol):
    """A parameter value with the date it is valid from and its source."""

    @property
    def valid_from(self) -> date: ...

    @property
    def value(self) -> Any: ...

    @property
    def source(self) -> str: ...


@dataclass(frozen=True, slots=True)
class RecordLayout:
    """What every record of one rule set shares: names, structure and which parameters each
    part of the evaluation reads (made once, by the prepared rule set)."""

    parameters: tuple[str, ...]  # parameter ids, in the rule set's order
    plan: tuple[tuple[str, str], ...]  # (id, "derived" | "condition") in dependency order
    derived: tuple[str, ...]  # ids of the derived values
    #: (principle id, its key ``principles.X``, the conditions it requires)
    principles: tuple[tuple[str, str, tuple[str, ...]], ...]
    #: (form id, its key ``forms.X``, the keys of its principles, the conditions it requires)
    forms: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]
    actions: tuple[str, ...]  # action ids, in order
    first_hit: bool  # hit policy "first": the rows after the chosen one are not read
    reads_always: frozenset[str]  # parameters read by the plan, the conditions' texts and the actions' whens
    reads_by_row: tuple[frozenset[str], ...]  # parameters read by each recommendation row
    reads_by_action: tuple[frozenset[str], ...]  # parameters read by a proposed action (values, texts)
    action_values: tuple[tuple[str, ...], ...]  # per action, the keys of its values (``actions.X.Y``)

    @property
    def readable(self) -> frozenset[str]:
        """The parameters some decision may read (those only reviews read are not among them)."""
        return self.reads_always.union(*self.reads_by_row, *self.reads_by_action)


@dataclass(frozen=True, slots=True)
class EvaluationRecord:
    """Everything one evaluation decided (see the module documentation)."""

    layout: RecordLayout
    day: date
    lang: str
    ctx: Context  # the fact tree and :attr:`values`, for the views that evaluate texts
    dated: tuple[Dated, ...]  # the parameter values in force on :attr:`day`, as layout.parameters
    recommendation: str  # the chosen form, ``none`` or ``undetermined``
    row: int  # the index of the row that chose it; -1 for ``otherwise`` or undetermined
    unknown: frozenset[str]  # the facts that left the recommendation undetermined
    whens: tuple[Any, ...]  # each action's ``when``: True, False or an Unknown

    @property
    def values(self) -> dict[str, Any]:
        return self.ctx.values

    def outcome(self, name: str) -> bool | None:
        """The outcome of a yes/no step: True, False, or None when it is unknown."""
        value = self.ctx.values[name]
        return None if value.__class__ is Unknown else bool(value)

    def settled_by(self, name: str) -> tuple[str, ...]:
        """The facts that would settle an unknown value or outcome (sorted); () when it is known."""
        value = self.ctx.values.get(name)
        return tuple(sorted(value.facts)) if isinstance(value, Unknown) else ()

    def parameters_read(self) -> list[tuple[str, Dated]]:
        """The parameters this evaluation read, with their dated values, in the rule set's order.

        Read: named by the plan, the conditions' shown values and messages, the actions' ``when``,
        the recommendation rows up to the chosen one (all rows unless the hit policy is ``first``
        and a row chose), and the values and messages of the actions that are not ruled out.
        """
        layout = self.layout
        read = set(layout.reads_always)
        rows = layout.reads_by_row
        last = self.row + 1 if layout.first_hit and self.row >= 0 else len(rows)
        for names in rows[:last]:
            read |= names
        for names, when in zip(layout.reads_by_action, self.whens, strict=True):
            if when is not False:
                read |= names
        return [(pid, dated) for pid, dated in zip(layout.parameters, self.dated, strict=True) if pid in read]

    def missing_facts(self) -> list[str]:
        """The facts whose absence leaves something undetermined (the Decision's ``missing_facts``):
        those of undetermined principles and forms and of the conditions they require, of an
        undetermined recommendation, and of the actions' ``when`` and values."""
        values = self.ctx.values
        layout = self.layout
        missing = set(self.unknown)
        for _, key, requires in layout.principles:
            if values[key].__class__ is Unknown:
                for name in (key, *requires):
                    if (value := values[name]).__class__ is Unknown:
                        missing.update(value.facts)
        for _, key, principles, requires in layout.forms:
            if values[key].__class__ is Unknown:
                for name in (key, *principles, *requires):
                    if (value := values[name]).__class__ is Unknown:
                        missing.update(value.facts)
        for keys, when in zip(layout.action_values, self.whens, strict=True):
            if when is False:
                continue
            if when.__class__ is Unknown:
                missing.update(when.facts)
                continue
            for key in keys:
                if (value := values[key]).__class__ is Unknown:
                    missing.update(value.facts)
        return sorted(missing)

    def derived_values(self) -> dict[str, Any]:
        """The Decision's ``values``: every derived value by id, None when unknown."""
        values = self.ctx.values
        return {key: None if (v := values[key]).__class__ is Unknown else v for key in self.layout.derived}


_new = object.__new__
#: the setters of a record's slots, in the order of its fields
(_LAYOUT, _DAY, _LANG, _CTX, _DATED, _RECOMMENDATION, _ROW, _UNKNOWN, _WHENS) = (
    EvaluationRecord.__dict__[f.name].__set__ for f in fields(EvaluationRecord)
)


def new_record(
    layout: RecordLayout,
    day: date,
    lang: str,
    ctx: Context,
    dated: tuple[Dated, ...],
    recommendation: str,
    row: int,
    unknown: frozenset[str],
    whens: tuple[Any, ...],
) -> EvaluationRecord:
    """``EvaluationRecord(layout, day, ...)``, its slots set directly: the frozen dataclass's own
    ``__init__`` sets each field through ``object.__setattr__`` by name, about twice as slow (a
    decision makes one record). The same record, as frozen (``tests/engine/test_decide_tail.py``)."""
    record = _new(EvaluationRecord)
    _LAYOUT(record, layout)
    _DAY(record, day)
    _LANG(record, lang)
    _CTX(record, ctx)
    _DATED(record, dated)
    _RECOMMENDATION(record, recommendation)
    _ROW(record, row)
    _UNKNOWN(record, unknown)
    _WHENS(record, whens)
    return record
