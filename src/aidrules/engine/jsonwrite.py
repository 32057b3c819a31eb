"""The JSON of a decision written straight from its evaluation record, no reason models built.

``Decision.to_json()`` on a lazy Decision (``RuleSet.evaluate``'s, reasons not yet read) comes
here: the parts of the decision are taken from the record as shared reasons
(:class:`~aidrules.engine.prepare.Fragment`, from the reason caches of the prepared rule set,
keyed as the reasons are) and their kept JSON texts are joined, with the texts that are the same
for every decision of a rule set (stamp, provenance map) written once per rule set. A lazy
Decision is not built for it, nor the forms', principles' and actions' result models.

The bytes are those of ``model_dump_json(indent=2)`` and a newline (``compact=False``) and of
:func:`aidrules.engine.decision.compact_json` (``compact=True``) of the same decision built in
full: ``tests/engine/test_record_json.py`` compares them for every fixture in nl, fr and en and
for generated cases. The order of the parts, the reasons shared between them and the errors of
a message's expression (EV002, naming the rule) are those of
:meth:`aidrules.engine.assemble.Assembly.parts`, which builds the models from the same parts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from operator import attrgetter, itemgetter
from typing import Any, Protocol

from aidrules.engine.decision import (
    COMPACT_FORM,
    compact_values_text,
    encode_string,
    scalar_text,
    scalar_texts,
    strings_text,
    values_text,
)
from aidrules.engine.prepare import Fragment, PreparedRuleSet
from aidrules.engine.record import EvaluationRecord
from aidrules.expr.runtime import Unknown

Group = list[tuple[str, str, list[Fragment]]]  # (id, status, reasons) of each form or principle
Actions = list[tuple[str, str, dict[str, Any], Fragment]]  # (id, status, values, reason) of each action

_string = encode_string


class Parts(Protocol):
    """The parts of one decision as shared reasons (:class:`aidrules.engine.assemble.Assembly`)."""

    record: EvaluationRecord
    prep: PreparedRuleSet
    fields: dict[str, Any]  # the Decision's fields (``missing_facts`` and ``values`` once read)

    def recorded(self) -> dict[str, Any]: ...  # ``missing_facts`` and ``values``, read from the record

    def condition_fragments(self) -> dict[str, Fragment]: ...

    def condition_texts(self) -> list[str]: ...  # the compact texts of the conditions' reasons, in plan order

    def summaries(self) -> tuple[list[str], list[str], list[Fragment], list[Fragment | None], list[Fragment]]: ...

    def summary_texts(self) -> tuple[list[str], list[str], list[str | None]]: ...

    def action_parts(self) -> Actions: ...

    def action_texts(self, base: int) -> tuple[list[str], list[str]] | None: ...  # compact; None: action_parts

    def recommendation_fragment(self) -> Fragment: ...


_TOP = attrgetter("top")
_NESTED = attrgetter("nested")


def _texts(
    fragments: Sequence[Fragment], kept: Callable[[Fragment], str | None], fill: Callable[[Fragment], str]
) -> list[str]:
    """The texts of ``fragments`` that ``kept`` reads (most are written already: read in C), the
    others written now by ``fill``."""
    found: list[str | None] = list(map(kept, fragments))
    at = -1
    try:
        while True:
            at = found.index(None, at + 1)
            found[at] = fill(fragments[at])
    except ValueError:  # no more
        return found  # type: ignore[return-value]


def recorded_fields(parts: Parts) -> dict[str, Any]:
    """The Decision's fields with its missing facts and values (read from the record when the
    Decision has not read them yet)."""
    fields = parts.fields
    if "values" in fields:
        return fields
    return parts.recorded()


def write(parts: Parts, compact: bool) -> str:
    """The decision's ``to_json(compact=compact)`` text."""
    return compact_text(parts) if compact else full_text(parts)


def full_text(parts: Parts) -> str:
    """The contract JSON: ``model_dump_json(indent=2)`` of the decision built in full, and a newline."""
    record, prep = parts.record, parts.prep
    fields = recorded_fields(parts)
    layout: CompactLayout = prep.compact_layout or _layout(prep)
    conditions = parts.condition_fragments()
    form_statuses, principle_statuses, form_summaries, in_forms, principle_summaries = parts.summaries()
    slots: list[Any] = [*conditions.values(), *form_summaries, *in_forms, *principle_summaries]
    out = ['{\n  "recommendation": ', _string(record.recommendation), ',\n  "forms": ']
    _group(out, layout.full_forms, form_statuses, slots)
    out.append(',\n  "principles": ')
    _group(out, layout.full_principles, principle_statuses, slots)
    out.append(',\n  "actions": ')
    _actions(out, parts.action_parts())
    out += (
        ',\n  "missing_facts": ',
        strings_text(fields["missing_facts"], 1),
        ',\n  "values": ',
        values_text(fields["values"]),
        ',\n  "ruleset": ',
        prep.stamp_json,
        ',\n  "on": "',
        record.day.isoformat(),
        '",\n  "lang": ',
        _string(record.lang),
        ',\n  "reasons": [\n    ',
    )
    out.append(",\n    ".join(_texts((parts.recommendation_fragment(), *conditions.values()), _TOP, Fragment.fill_top)))
    out += ('\n  ],\n  "provenance": ', prep.provenance_json, "\n}\n")
    return "".join(out)


def plain_text(parts: Parts) -> str:
    """``model_dump_json()`` of the decision built in full: no indentation, no newline (the
    decision in a line of ``aidrules batch``). Each reason is its compact text (pydantic's compact
    JSON of the :class:`~aidrules.engine.decision.Reason`), written where it is met: the
    conditions' and the summaries' from the same generated loop and kept texts as
    :func:`compact_text`'s (no reason made for a reason its cache keeps nothing of)."""
    record, prep = parts.record, parts.prep
    layout: CompactLayout = prep.compact_layout or _layout(prep)
    missing, values = _missing_and_values(parts, layout)
    slots: list[Any] = parts.condition_texts()
    reasons = slots[: len(prep.conditions)]
    form_statuses, principle_statuses, summaries = parts.summary_texts()
    slots += summaries
    out = ['{"recommendation":', _string(record.recommendation), ',"forms":{']
    between = ""
    for (key, _), (_, pick), status in zip(layout.forms, layout.full_forms, form_statuses, strict=True):
        out += (between, key, status, '","reasons":[', ",".join(pick(slots)), "]}")
        between = ","
    out.append('},"principles":{')
    between = ""
    for (key, _), (_, pick), status in zip(layout.principles, layout.full_principles, principle_statuses, strict=True):
        out += (between, key, status, '","reasons":[', ",".join(pick(slots)), "]}")
        between = ","
    out.append('},"actions":[')
    out.append(
        ",".join(
            [
                _action_head(aid, status, shown) + (f.compact or f.fill_compact()) + "]}"
                for aid, status, shown, f in parts.action_parts()
            ]
        )
    )
    rec = parts.recommendation_fragment()
    out += (
        "]",
        _middle(missing, values, prep, record),
        ',"reasons":[',
        rec.compact or rec.fill_compact(),
        *["," + r for r in reasons],
        '],"provenance":',
        prep.provenance_plain,
        "}",
    )
    return "".join(out)


def _action_head(aid: str, status: str, values: dict[str, Any]) -> str:
    """An action in the unindented JSON up to its reasons' list, opened (the batch line's and the
    compact form's: the one writes its reason's text there, the other its number)."""
    return (
        '{"id":'
        + _string(aid)
        + ',"status":"'
        + status
        + '","values":{'
        + ",".join([_string(k) + ":" + scalar_text(v) for k, v in values.items()])
        + '},"reasons":['
    )


def _middle(missing: list[str], values: str, prep: PreparedRuleSet, record: EvaluationRecord) -> str:
    """The unindented JSON from ``,"missing_facts"`` to ``"lang"``, the same in a batch line and in
    the compact form (both write the compact stamp)."""
    layout: CompactLayout = prep.compact_layout or _layout(prep)
    return (
        ',"missing_facts":['
        + ",".join([_string(f) for f in missing])
        + '],"values":'
        + values
        + layout.tail(record.day, record.lang)
    )


def _missing_and_values(parts: Parts, layout: CompactLayout) -> tuple[list[str], str]:
    """The decision's missing facts, and its ``values`` as written without indentation (the
    bytes of :func:`aidrules.engine.decision.compact_values_text`): the Decision's when it read
    them already, else from the record by ``layout``."""
    fields = parts.fields
    if "values" in fields:  # read by the Decision already
        return fields["missing_facts"], compact_values_text(fields["values"])
    record = parts.record
    return layout.missing_facts(record), layout.values_text(record.ctx.values) or compact_values_text(
        record.derived_values()
    )


def _nested(out: list[str], reasons: list[Fragment]) -> None:
    """A list of reasons in a form, principle or action (depth 3)."""
    if not reasons:
        out.append("[]")
        return
    out.append("[\n        ")
    out.append(",\n        ".join(_texts(reasons, _NESTED, Fragment.fill_nested)))
    out.append("\n      ]")


def _group(
    out: list[str],
    groups: tuple[tuple[str, Callable[[list[Any]], tuple[Any, ...]]], ...],
    statuses: list[str],
    slots: list[Any],
) -> None:
    """The forms or principles (depth 1): each one's key, status and reasons (never none: its
    summary comes first), picked from the decision's ``slots`` (:class:`CompactLayout`)."""
    if not groups:
        out.append("{}")
        return
    first = "{\n    "
    for (key, pick), status in zip(groups, statuses, strict=True):
        out.append(first + key + status + '",\n      "reasons": [\n        ')
        out.append(",\n        ".join(_texts(pick(slots), _NESTED, Fragment.fill_nested)))
        out.append("\n      ]\n    }")
        first = ",\n    "
    out.append("\n  }")


def _actions(out: list[str], items: Actions) -> None:
    """The actions (depth 1)."""
    if not items:
        out.append("[]")
        return
    first = "[\n    "
    for aid, status, values, reason in items:
        out.append(
            first
            + '{\n      "id": '
            + _string(aid)
            + ',\n      "status": "'
            + status
            + '",\n      "values": '
            + scalar_texts(values, 3)
            + ',\n      "reasons": '
        )
        _nested(out, [reason])
        out.append("\n    }")
        first = ",\n    "
    out.append("\n  ]")


class CompactLayout:
    """How the compact form of every decision of a rule set numbers its reasons, worked out once.

    :func:`aidrules.engine.decision.compact_json` numbers each distinct reason (by identity) in
    the order it is first met: the forms' (each form's summary, its principles' as part of a
    form, its conditions'), the principles' (summary, conditions'), the actions', then the
    decision's ``reasons`` (the recommendation's, the conditions'). Which reason sits where is
    fixed by the rule set: a condition has one reason per decision whoever requires it, a form
    or principle one summary, a principle one summary as part of a form whatever form it is
    in, an action one reason, and no two of these places share a reason (each comes from its
    own cache, under its own key). So the reference lists of the forms and principles are the
    same texts for every decision, and the numbers after them move only with the number of
    actions a decision proposes.

    A decision's parts are taken as one list, ``slots``: the conditions' reasons in plan order,
    the forms' summaries, the principles' as part of a form, the principles' summaries. The
    contract JSON (:func:`full_text`) picks each form's and principle's reasons from the same list.
    """

    __slots__ = (
        "_conditions",
        "_decided",
        "_forms",
        "_numbered",
        "_principles",
        "_reasons",
        "_rest",
        "_stamp",
        "_tails",
        "_value_keys",
        "_values_text",
        "base",
        "first",
        "forms",
        "full_forms",
        "full_principles",
        "principles",
        "rest",
    )

    #: the most texts of forms (and of principles) kept, by statuses (3 ** the number of forms at most)
    MAX_TEXTS = 1024

    def __init__(self, prep: PreparedRuleSet) -> None:
        conditions = {c.id: i for i, c in enumerate(prep.conditions)}
        n_forms, n_principles = len(prep.forms), len(prep.principles)
        at: dict[int, int] = {}  # slot -> its number
        first: list[int] = []  # the slots in the order they are numbered

        def ref(slot: int) -> str:
            found = at.get(slot)
            if found is None:
                found = at[slot] = len(first)
                first.append(slot)
            return str(found)

        groups: list[tuple[str, Callable[[list[Any]], tuple[Any, ...]]]] = []

        def pieces(key: str, slots: list[int]) -> tuple[str, str]:
            groups.append((_string(key) + ': {\n      "status": "', _picker(slots)))
            return _string(key) + ':{"status":"', '","reasons":[' + ",".join([ref(s) for s in slots]) + "]}"

        in_forms = len(conditions) + n_forms
        self.forms = tuple(
            pieces(
                f.id,
                [len(conditions) + i]
                + [in_forms + prep.principle_index[pid] for pid in f.principles]
                + [conditions[c] for c in f.requires],
            )
            for i, (f, _, _) in enumerate(prep.forms)
        )
        self.principles = tuple(
            pieces(p.id, [in_forms + n_principles + i] + [conditions[c] for c in requires])
            for i, (p, _, requires) in enumerate(prep.principles)
        )
        #: for the contract JSON (``full_text``): each form's and principle's key and the picker of its reasons
        self.full_forms = tuple(groups[: len(self.forms)])
        self.full_principles = tuple(groups[len(self.forms) :])
        #: ``first(slots)``: the slots numbered by the forms and principles, in order; after them the
        #: actions, the recommendation and ``rest(slots)``: the conditions' reasons not yet
        #: numbered, in plan order (each a tuple)
        self.first = _picker(first)
        self.base = len(first)
        self._rest = [i for i in range(len(conditions)) if i not in at]
        self.rest = _picker(self._rest)
        self._numbered = at
        self._conditions = len(conditions)
        self._reasons: dict[int, str] = {}
        #: the derived values of a record's values, and the text before each in the compact form
        names = prep.derived
        self._value_keys = tuple(("," if i else "{") + _string(n) + ":" for i, n in enumerate(names))
        #: those texts as one generated function of the record's values (generated with the plan)
        self._values_text = prep.values_text
        #: the values whose unknowns add missing facts: the principles', the forms', the actions'
        decided = [key for _, key, _ in prep.principles] + [key for _, key, _ in prep.forms]
        decided += [name for names in prep.layout.action_values for name in names]  # absent: ruled out
        self._decided = tuple(decided)
        #: the texts of the forms and of the principles by their statuses (at most MAX_TEXTS of each)
        self._forms: dict[tuple[str, ...], str] = {}
        self._principles: dict[tuple[str, ...], str] = {}
        #: the texts of the stamp, date and language by date and language (``tail``)
        self._stamp = prep.stamp_compact
        self._tails: dict[tuple[date, str], str] = {}

    def forms_text(self, statuses: list[str]) -> str:
        """The forms of a decision whose forms have ``statuses`` (inside the braces)."""
        key = tuple(statuses)
        found = self._forms.get(key)
        if found is None:
            found = ",".join([a + s + b for (a, b), s in zip(self.forms, statuses, strict=True)])
            if len(self._forms) < self.MAX_TEXTS:
                self._forms[key] = found
        return found

    def principles_text(self, statuses: list[str]) -> str:
        """The principles of a decision whose principles have ``statuses`` (inside the braces)."""
        key = tuple(statuses)
        found = self._principles.get(key)
        if found is None:
            found = ",".join([a + s + b for (a, b), s in zip(self.principles, statuses, strict=True)])
            if len(self._principles) < self.MAX_TEXTS:
                self._principles[key] = found
        return found

    def missing_facts(self, record: EvaluationRecord) -> list[str]:
        """``record.missing_facts()``: when no principle, form, action's ``when`` or action's value
        is unknown (checked in C), only the facts that left the recommendation undetermined."""
        if Unknown in map(type, record.whens) or Unknown in map(type, map(record.ctx.values.get, self._decided)):
            return record.missing_facts()
        return sorted(record.unknown)

    def values_text(self, values: dict[str, Any]) -> str | None:
        """The decision's ``values`` in the compact form, from the record's ``values`` (an unknown
        value is null; the bytes of :func:`aidrules.engine.decision.compact_values_text` of the
        decision's values); None when a value is not one this writer knows."""
        if not self._value_keys:
            return "{}"
        try:
            return self._values_text(values)
        except (KeyError, TypeError):  # a value of another class (pydantic's encoders know it)
            return None

    def tail(self, day: date, lang: str) -> str:
        """The compact text from ``,"ruleset":`` to the language (stamp, date, language), kept by
        date and language (at most MAX_TEXTS)."""
        key = (day, lang)
        found = self._tails.get(key)
        if found is None:
            found = ',"ruleset":' + self._stamp + ',"on":"' + day.isoformat() + '","lang":' + _string(lang)
            if len(self._tails) >= self.MAX_TEXTS:
                self._tails.clear()
            self._tails[key] = found
        return found

    def reasons(self, actions: int) -> str:
        """The decision's ``reasons`` as references, when it proposes ``actions`` actions."""
        found = self._reasons.get(actions)
        if found is None:
            rec = self.base + actions
            numbers = {slot: rec + 1 + k for k, slot in enumerate(self._rest)} | self._numbered
            found = "[" + ",".join([str(rec)] + [str(numbers[i]) for i in range(self._conditions)]) + "]"
            self._reasons[actions] = found
        return found


def _picker(indices: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """``pick(items)``: the tuple of ``items`` at ``indices``."""
    if not indices:
        return lambda items: ()
    if len(indices) == 1:
        return lambda items: (items[indices[0]],)
    return itemgetter(*indices)


def compact_text(parts: Parts) -> str:
    """The compact form (:func:`aidrules.engine.decision.compact_json` of the decision built in
    full): each distinct reason once in ``reason_table``, in the order it is first met
    (numbered as :class:`CompactLayout` worked out for the rule set)."""
    record, prep = parts.record, parts.prep
    layout: CompactLayout = prep.compact_layout or _layout(prep)
    missing, values = _missing_and_values(parts, layout)
    slots: list[Any] = parts.condition_texts()
    form_statuses, principle_statuses, summaries = parts.summary_texts()
    slots += summaries
    table = list(layout.first(slots))
    found = parts.action_texts(layout.base)
    if found is not None:
        actions, texts = found
        table += texts
        ref = layout.base + len(actions)
    else:
        actions, ref = _action_texts(parts, table, layout.base)
    rec = parts.recommendation_fragment()
    table.append(rec.compact or rec.fill_compact())
    table += layout.rest(slots)
    # one join of the whole text: the reasons' texts (most of it, in two bytes a character when
    # one holds a ``€``) are copied once, not joined apart and copied again
    table[0] = "".join(
        [
            '{"form":"' + COMPACT_FORM + '","recommendation":',
            _string(record.recommendation),
            ',"forms":{',
            layout.forms_text(form_statuses),
            '},"principles":{',
            layout.principles_text(principle_statuses),
            '},"actions":[',
            ",".join(actions),
            "]",
            _middle(missing, values, prep, record),
            ',"reasons":',
            layout.reasons(ref - layout.base),
            ',"reason_table":[',
            table[0],
        ]
    )
    table[-1] += "]}\n"
    return ",".join(table)


def _action_texts(parts: Parts, table: list[str], ref: int) -> tuple[list[str], int]:
    """The texts of the actions in the compact form from the interpreted assembly
    (:meth:`Parts.action_parts`), their reasons' texts appended to ``table``, numbered from
    ``ref``; and the number after the last."""
    actions = []
    for aid, status, values, f in parts.action_parts():
        actions.append(_action_head(aid, status, values) + str(ref) + "]}")
        table.append(f.compact or f.fill_compact())
        ref += 1
    return actions, ref


def _layout(prep: PreparedRuleSet) -> CompactLayout:
    """The :class:`CompactLayout` of ``prep``, worked out now and kept with it (two threads may
    both work it out: the same layout)."""
    prep.compact_layout = found = CompactLayout(prep)
    return found
