"""The structured explanation of one decision: the data every audience's text is built from.

An :class:`Explanation` holds, in one language, why each form is or is not possible (with the
client's values, the thresholds and their sources), a comparison between the recommended form and
the others, what each missing fact would decide, and verified counterfactuals. It never holds a
name or other free text of the case (creditors, municipality): the case appears only as an
anonymised summary by kind.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from aidrules.engine.decision import JsonScalar
from aidrules.facts.paths import Edit

ParameterValue = JsonScalar | dict[str, Decimal | int]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ValueView(_Frozen):
    """One value a rule used: a fact, a parameter (a threshold), a derived value."""

    name: str
    kind: Literal["fact", "parameter", "derived", "condition", "other"]
    title: str
    value: ParameterValue
    text: str
    source: str | None = None
    valid_from: date | None = None


class ConditionView(_Frozen):
    """A condition (a named yes/no rule) as it came out for this case."""

    id: str
    title: str
    outcome: bool | None
    message: str
    expression: str
    source: str | None
    values: list[ValueView]
    missing_facts: list[str]
    #: Named values and facts the rule reads directly.
    reads: list[str] = []
    #: The message or values show a free-text fact: left out of anonymised views.
    free_text: bool = False
    #: The rule set's plain words for this outcome in the letter (``{name}`` unfilled); not in JSON.
    client_text: str | None = Field(default=None, exclude=True)


class PrincipleView(_Frozen):
    id: str
    title: str
    description: str
    status: str
    source: str
    conditions: list[str]


class FormView(_Frozen):
    """One form of budget help: its status and the conditions that decided it."""

    id: str
    title: str
    description: str
    status: str
    source: str
    intrusiveness: int
    recommended: bool
    principles: list[str]
    conditions: list[str]
    #: Conditions (also those behind principles) that are not true: why the form is not possible.
    blocking: list[str]
    missing_facts: list[str]


class Comparison(_Frozen):
    """The recommended outcome against one other form."""

    form: str
    status: str
    #: The rule set prefers this form over the recommended one (it comes earlier in the rules).
    preferred: bool
    blocking: list[str]
    missing_facts: list[str]
    #: Ids of counterfactuals that would make this form possible or recommended.
    counterfactuals: list[int]


class Change(_Frozen):
    """One fact changed: ``before`` → ``after``; ``removed``: the debt is paid off (item removed)."""

    path: str
    before: JsonScalar
    after: JsonScalar
    removed: bool = False


class Step(_Frozen):
    """One thing the client or the OCMW can do: one kind of fact, on one or more items.

    For amounts, ``total_before``/``total_after`` are the totals of that kind (all fixed costs,
    all debts) before and after the change.
    """

    fact: str
    changes: list[Change]
    total_before: Decimal | None = None
    total_after: Decimal | None = None


class Counterfactual(_Frozen):
    """A verified "what if": applying :attr:`steps` and re-evaluating gives exactly the claimed
    :attr:`recommendation` and form statuses."""

    id: int
    goal: Literal["form_eligible", "recommendation"]
    form: str
    steps: list[Step]
    recommendation: str
    forms: dict[str, str]

    def edits(self) -> list[Edit]:
        """The changes as edits of the case (see :func:`aidrules.facts.paths.apply`)."""
        out = []
        for step in self.steps:
            for c in step.changes:
                out.append(Edit(c.path, None, remove=True) if c.removed else Edit(c.path, c.after))
        return out


class Scenario(_Frozen):
    """What the decision would be if a missing fact had ``value`` (found by re-evaluation)."""

    value: JsonScalar
    text: str
    recommendation: str
    forms: dict[str, str]
    missing_facts: list[str]


class MissingFact(_Frozen):
    """A fact that is not known, and what each possible value would decide."""

    path: str
    title: str
    #: No values can be tried (a list, an amount, free text): the fact must be supplied.
    must_supply: bool
    scenarios: list[Scenario]
    #: Every tried value gives a determined recommendation.
    settles: bool
    #: The recommendation is the same whatever the value.
    changes_nothing: bool


class ActionView(_Frozen):
    id: str
    title: str
    status: str
    message: str
    source: str
    values: list[ValueView]
    free_text: bool = False
    #: The rule set's plain words for this action in the letter (``{name}`` unfilled); not in JSON.
    client_text: str | None = Field(default=None, exclude=True)


class Line(_Frozen):
    """A line of the anonymised financial overview (an income, a fixed cost, a debt), by kind."""

    kind: str | None
    kind_text: str
    amount: Decimal | None
    amount_text: str
    note: str | None = None


class CaseSummary(_Frozen):
    """The case by kind and amount only: no names, no municipality, no free text."""

    household: list[ValueView]
    client: list[ValueView]
    incomes: list[Line] | None
    expenses: list[Line] | None
    debts: list[Line] | None
    signals: list[ValueView]


class RuleSetInfo(_Frozen):
    id: str
    version: str
    fingerprint: str
    title: str
    effective_from: date
    effective_until: date | None
    approved_by: str | None
    approved_on: date | None
    approval_reference: str | None


class TraceLine(_Frozen):
    """One step of the evaluation, from the trace event stream."""

    kind: str
    id: str
    outcome: str
    source: str | None = None
    valid_from: date | None = None
    missing_facts: list[str] = []


class Explanation(_Frozen):
    """Everything needed to explain one decision, in one language (see the module docstring)."""

    lang: str
    on: date
    ruleset: RuleSetInfo
    recommendation: str
    recommendation_title: str
    because: str
    #: The outcomes of the recommendation rules, in the order the rule set tries them.
    rule_order: list[str]
    #: Conditions that decided the recommendation (for the recommended form: the ones that made
    #: it; for forms preferred over it: the ones that failed).
    decisive: list[str]
    conditions: dict[str, ConditionView]
    principles: list[PrincipleView]
    forms: list[FormView]
    comparisons: list[Comparison]
    counterfactuals: list[Counterfactual]
    missing: list[MissingFact]
    actions: list[ActionView]
    values: list[ValueView]
    #: Names of the key figures among :attr:`values` (the rule set's ``summary`` values).
    key_values: list[str]
    parameters: list[ValueView]
    case: CaseSummary
    trace: list[TraceLine]
    #: How many re-evaluations the explanation made, and whether the search ran to its end.
    evaluations: int
    search_complete: bool
    #: The rule set's plain words for what the recommendation means for the client (the letter);
    #: not in JSON.
    client_proposal: str | None = Field(default=None, exclude=True)
    #: The recommended form's name inside a sentence of the letter (``une guidance budgétaire``,
    #: ``client_title:`` in the rule file); not in JSON.
    client_title: str | None = Field(default=None, exclude=True)

    def form(self, fid: str) -> FormView:
        return next(f for f in self.forms if f.id == fid)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"
