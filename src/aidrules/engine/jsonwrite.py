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

Group = list[tuple[str, str, list[Fragment]]]  # (id, status, reasons) of each form or principle
Actions = list[tuple[str, str, dict[str, Any], Fragment]]  # (id, status, values, reason) of each action

_string = encode_string


class Parts(Protocol):
    """The parts of one decision as shared reasons (:class:`aidrules.engine.assemble.Assembly`)."""

    record: EvaluationRecord
    prep: PreparedRuleSet
    fields: dict[str, Any]  # the Decision's fields set at once (``missing_facts``, ``values``)

    def condition_fragments(self) -> dict[str, Fragment]: ...

    def principle_parts(self, conditions: dict[str, Fragment]) -> Group: ...

    def form_parts(self, conditions: dict[str, Fragment]) -> Group: ...

    def action_parts(self) -> Actions: ...

    def recommendation_fragment(self) -> Fragment: ...


def write(parts: Parts, compact: bool) -> str:
    """The decision's ``to_json(compact=compact)`` text."""
    return compact_text(parts) if compact else full_text(parts)


def full_text(parts: Parts) -> str:
    """The contract JSON: ``model_dump_json(indent=2)`` of the decision built in full, and a newline."""
    record, prep = parts.record, parts.prep
    fields = parts.fields or {"missing_facts": record.missing_facts(), "values": record.derived_values()}
    conditions = parts.condition_fragments()
    principles = parts.principle_parts(conditions)  # made in the order Assembly.parts makes them
    out = ['{\n  "recommendation": ', _string(record.recommendation), ',\n  "forms": ']
    _group(out, parts.form_parts(conditions))
    out.append(',\n  "principles": ')
    _group(out, principles)
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
    rec = parts.recommendation_fragment()
    out.append(rec.top if rec.top is not None else rec.fill_top())
    for f in conditions.values():
        out.append(",\n    ")
        out.append(f.top if f.top is not None else f.fill_top())
    out += ('\n  ],\n  "provenance": ', prep.provenance_json, "\n}\n")
    return "".join(out)


def _nested(out: list[str], reasons: list[Fragment]) -> None:
    """A list of reasons in a form, principle or action (depth 3)."""
    if not reasons:
        out.append("[]")
        return
    out.append("[\n        ")
    out.append(",\n        ".join([f.nested if f.nested is not None else f.fill_nested() for f in reasons]))
    out.append("\n      ]")


def _group(out: list[str], items: Group) -> None:
    """The forms or principles (depth 1)."""
    if not items:
        out.append("{}")
        return
    first = "{\n    "
    for key, status, reasons in items:
        out.append(first + _string(key) + ': {\n      "status": "' + status + '",\n      "reasons": ')
        _nested(out, reasons)
        out.append("\n    }")
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


def compact_text(parts: Parts) -> str:
    """The compact form (:func:`aidrules.engine.decision.compact_json` of the decision built in
    full): each distinct reason once in ``reason_table``, in the order it is first met."""
    record, prep = parts.record, parts.prep
    fields = parts.fields or {"missing_facts": record.missing_facts(), "values": record.derived_values()}
    index: dict[Fragment, str] = {}  # a fragment hashes by identity: each distinct reason once
    table: list[str] = []

    def add(f: Fragment) -> str:
        i = index[f] = str(len(table))
        table.append(f.compact if f.compact is not None else f.fill_compact())
        return i

    def refs(reasons: list[Fragment]) -> str:
        return "[" + ",".join([index.get(f) or add(f) for f in reasons]) + "]"

    def group(items: Group) -> str:
        return (
            "{"
            + ",".join(
                _string(k) + ':{"status":"' + status + '","reasons":' + refs(rs) + "}" for k, status, rs in items
            )
            + "}"
        )

    def scalars(items: dict[str, Any]) -> str:
        return "{" + ",".join(_string(k) + ":" + scalar_text(v) for k, v in items.items()) + "}"

    conditions = parts.condition_fragments()
    principle_parts = parts.principle_parts(conditions)  # made in the order Assembly.parts makes them
    forms = group(parts.form_parts(conditions))  # the reasons are numbered in this order
    principles = group(principle_parts)
    actions = ",".join(
        '{"id":'
        + _string(aid)
        + ',"status":"'
        + status
        + '","values":'
        + scalars(values)
        + ',"reasons":'
        + refs([f])
        + "}"
        for aid, status, values, f in parts.action_parts()
    )
    reasons = refs([parts.recommendation_fragment(), *conditions.values()])
    return (
        '{"form":"'
        + COMPACT_FORM
        + '","recommendation":'
        + _string(record.recommendation)
        + ',"forms":'
        + forms
        + ',"principles":'
        + principles
        + ',"actions":['
        + actions
        + '],"missing_facts":['
        + ",".join(_string(f) for f in fields["missing_facts"])
        + '],"values":'
        + compact_values_text(fields["values"])
        + ',"ruleset":'
        + prep.stamp_compact
        + ',"on":"'
        + record.day.isoformat()
        + '","lang":'
        + _string(record.lang)
        + ',"reasons":'
        + reasons
        + ',"reason_table":['
        + ",".join(table)
        + "]}\n"
    )
