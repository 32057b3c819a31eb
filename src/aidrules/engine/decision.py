"""The Decision of contract §2, as pydantic models."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, TypeAdapter

JsonScalar = Decimal | bool | int | str | date | None

Recommendation = (
    Literal["budget_guidance", "budget_management", "collective_debt_settlement", "none", "undetermined"] | str
)
FormStatus = Literal["eligible", "ineligible", "undetermined"]
PrincipleStatus = Literal["satisfied", "not_satisfied", "undetermined"]


class _Frozen(BaseModel):
    # validators built when first used, not at import: a lazy Decision is made without them
    # (tests/test_deferred_models.py)
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Reason(_Frozen):
    """Why one rule came out as it did."""

    rule: str
    kind: Literal["condition", "principle", "form", "recommendation", "action"]
    outcome: bool | None
    message: str
    values: dict[str, JsonScalar] = {}
    source: str | None = None
    missing_facts: list[str] = []


class FormResult(_Frozen):
    status: FormStatus
    reasons: list[Reason]


class PrincipleResult(_Frozen):
    status: PrincipleStatus
    reasons: list[Reason]


class ActionResult(_Frozen):
    id: str
    status: Literal["proposed", "undetermined"]
    values: dict[str, JsonScalar]
    reasons: list[Reason]


class RuleSetStamp(_Frozen):
    id: str
    version: str
    fingerprint: str  # over the whole chain of layers
    layers: list[str] = []  # "id@version", base first


#: The fields of a lazy Decision that are built when first read (they hold reasons and texts).
LAZY_FIELDS = ("forms", "principles", "actions", "reasons", "provenance")
#: The fields of a lazy Decision read from its evaluation record when first read (no texts: cheap,
#: and built apart from :data:`LAZY_FIELDS`).
RECORD_FIELDS = ("missing_facts", "values")


# ``RuleSet.evaluate`` returns a *lazy* Decision (contract §4): ``recommendation``, ``ruleset``,
# ``on`` and ``lang`` are set at once; ``missing_facts`` and ``values`` are read from the evaluation
# record when one of them is first read, and ``forms``, ``principles``, ``actions``, ``reasons``
# and ``provenance`` are built from it when one of them is first read (:meth:`Decision.materialise`).
# Every way of looking at the whole model (``model_dump``, ``model_dump_json``, ``to_json``, ``==``, ``repr``, copying,
# pickling, iterating) builds them first, so a lazy Decision cannot be told from one built at
# once. A Decision nested in another pydantic model is serialised by pydantic-core from its
# fields directly: call :meth:`Decision.materialise` before nesting one. (The class's docstring
# is the decision's description in the JSON Schema and the OpenAPI document: keep it short.)
class Decision(_Frozen):
    """The outcome of one evaluation. Same facts, rule-set version and date → identical JSON."""

    recommendation: Recommendation
    forms: dict[str, FormResult]
    principles: dict[str, PrincipleResult]
    actions: list[ActionResult]
    missing_facts: list[str]
    values: dict[str, JsonScalar]
    ruleset: RuleSetStamp
    on: date
    lang: str
    reasons: list[Reason]
    provenance: dict[str, str] = {}  # "conditions.csr.own_will" -> the layer ("id@version") it came from

    #: what builds the lazy fields (None once they are built, and for a Decision built at once)
    _pending: Callable[[], dict[str, Any]] | None = PrivateAttr(default=None)
    #: what writes the JSON of a Decision whose lazy fields are not built, from its evaluation
    #: record: ``write(compact)`` gives the bytes of :meth:`to_json` (None once they are built)
    _write: Callable[[bool], str] | None = PrivateAttr(default=None)
    #: what reads :data:`RECORD_FIELDS` from the evaluation record (None once they are read)
    _recorded: Callable[[], dict[str, Any]] | None = PrivateAttr(default=None)

    @classmethod
    def lazy(
        cls,
        fields: dict[str, Any],
        pending: Callable[[], dict[str, Any]],
        write: Callable[[bool], str] | None = None,
        recorded: Callable[[], dict[str, Any]] | None = None,
    ) -> Decision:
        """A Decision with ``fields`` set now, :data:`RECORD_FIELDS` read by ``recorded()`` (when
        given; else they are in ``fields``) and :data:`LAZY_FIELDS` built by ``pending()``, each
        when first read; ``write(compact)``, when given, writes :meth:`to_json`'s text while the
        lazy fields are not built (without building them). The data must be valid: nothing is
        checked. ``fields`` becomes the Decision's own (``write`` may read it)."""
        model = _new(cls)
        _set(model, "__dict__", fields)
        _set(model, "__pydantic_fields_set__", set(_DECISION_FIELDS))  # its own: model_copy(update=) adds to it
        _set(model, "__pydantic_extra__", None)
        _set(model, "__pydantic_private__", {"_pending": pending, "_write": write, "_recorded": recorded})
        return model

    def _read_record(self, private: dict[str, Any]) -> None:
        recorded = private.get("_recorded")
        if recorded is not None:
            self.__dict__.update(recorded())
            private["_recorded"] = None

    def materialise(self) -> None:
        """Build the lazy fields now (nothing to do when they are built)."""
        private = self.__pydantic_private__
        pending = private.get("_pending") if private else None
        if pending is not None:
            self._read_record(private)  # type: ignore[arg-type]
            parts = pending()
            given = self.__dict__
            # in the order of the fields: pydantic writes a model's fields in the order of its __dict__
            _set(self, "__dict__", {name: parts[name] if name in parts else given[name] for name in _DECISION_ORDER})
            private["_pending"] = private["_write"] = None  # type: ignore[index]

    @property
    def is_materialised(self) -> bool:
        """Whether the lazy fields are built."""
        private = self.__pydantic_private__
        return not private or private.get("_pending") is None

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name in LAZY_FIELDS:
                private = self.__pydantic_private__
                if private and private.get("_pending") is not None:
                    self.materialise()
                    return self.__dict__[name]
            elif name in RECORD_FIELDS:
                private = self.__pydantic_private__
                if private and private.get("_recorded") is not None:
                    self._read_record(private)
                    return self.__dict__[name]
            return super().__getattr__(name)

    def model_dump(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.materialise()
        return super().model_dump(*args, **kwargs)

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        self.materialise()
        return super().model_dump_json(*args, **kwargs)

    def model_copy(self, *args: Any, **kwargs: Any) -> Decision:
        self.materialise()
        return super().model_copy(*args, **kwargs)

    def __copy__(self) -> Decision:
        self.materialise()
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Decision:
        self.materialise()
        return super().__deepcopy__(memo)

    def __eq__(self, other: object) -> bool:
        self.materialise()
        if isinstance(other, Decision):
            other.materialise()
        return super().__eq__(other)

    __hash__ = _Frozen.__hash__

    def __getstate__(self) -> dict[Any, Any]:
        self.materialise()
        return super().__getstate__()

    def __repr_args__(self) -> Any:
        self.materialise()
        return super().__repr_args__()

    def __iter__(self) -> Any:
        self.materialise()
        return super().__iter__()

    def to_json(self, *, compact: bool = False) -> str:
        """The contract JSON (indented, stable key order): the bytes of
        ``model_dump_json(indent=2)`` and a newline, written faster. ``compact=True``: the compact
        form (one line, each reason once, no provenance map; docs/decisions.md), which
        :meth:`from_compact` reads back. A lazy Decision writes it from its evaluation record,
        without building its reasons (the same bytes)."""
        private = self.__pydantic_private__
        if private:
            write = private.get("_write")
            if write is not None and private.get("_pending") is not None:
                return write(compact)  # type: ignore[no-any-return]
        return compact_json(self) if compact else full_json(self)

    @classmethod
    def from_compact(cls, text: str | bytes, provenance: dict[str, str] | None = None) -> Decision:
        """The full Decision of a compact JSON form; see :func:`from_compact`."""
        return from_compact(text, provenance)


_new = object.__new__
_set = object.__setattr__
_DECISION_ORDER = tuple(Decision.model_fields)
_DECISION_FIELDS = frozenset(_DECISION_ORDER)


# -- JSON ---------------------------------------------------------------------------------------
# The JSON of a Decision, written faster than pydantic does and byte for byte the same.
#
# ``full_json`` writes the contract JSON (``Decision.to_json()``: two-space indentation, the
# fields in order, Decimals as strings, dates as ISO text); a conformance test compares it with
# pydantic's ``model_dump_json(indent=2)`` for every fixture in nl, fr and en. Reasons are shared
# between decisions (see ``engine/assemble.py``), so the text of each one is kept (per depth)
# and written again.
#
# ``compact_json`` writes the compact form (``Decision.to_json(compact=True)``, docs/decisions.md):
# no indentation, every distinct reason once in ``reason_table`` and referred to by its index,
# and no provenance map (the same for every decision of a rule set: read it from the rule set,
# or give it to ``from_compact``, which reads the compact form back into the full Decision).

_string: Callable[[str], str] = json.encoder.encode_basestring

#: The texts of shared reasons and provenance maps, by (id of the object, depth); the object is
#: kept with its text so that its id cannot be reused while the entry lives.
_TEXTS: dict[tuple[int, int], tuple[Any, str]] = {}
_REASON_JSON = Reason.__pydantic_serializer__.to_json
_VALUES_JSON = TypeAdapter(dict[str, JsonScalar]).serializer.to_json
_MAX_TEXTS = 8192
_LOCK = threading.Lock()


def _scalar(value: Any) -> str:
    cls = value.__class__
    if cls is str:
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if cls is int:
        return str(value)
    if cls is Decimal:
        return '"' + str(value) + '"'
    if isinstance(value, date):
        return '"' + value.isoformat() + '"'
    return _string(value)  # pragma: no cover - the contract's scalars are the ones above


def _mapping(items: dict[str, Any], depth: int) -> str:
    if not items:
        return "{}"
    pad = "\n" + "  " * (depth + 1)
    return "{" + ",".join(pad + _string(k) + ": " + _scalar(v) for k, v in items.items()) + "\n" + "  " * depth + "}"


def _values(items: dict[str, Any]) -> str:
    """A Decision's ``values`` at depth 1."""
    if not items:
        return "{}"
    return _VALUES_JSON(items, indent=2).decode().replace("\n", "\n  ")


def _strings(items: list[str], depth: int) -> str:
    if not items:
        return "[]"
    pad = "\n" + "  " * (depth + 1)
    return "[" + ",".join(pad + _string(v) for v in items) + "\n" + "  " * depth + "]"


def _kept(obj: Any, depth: int) -> str | None:
    found = _TEXTS.get((id(obj), depth))
    return found[1] if found is not None and found[0] is obj else None


def _keep(obj: Any, depth: int, text: str) -> str:
    if len(_TEXTS) > _MAX_TEXTS:
        with _LOCK:
            _TEXTS.clear()
    _TEXTS[(id(obj), depth)] = (obj, text)
    return text


#: The texts of the last provenance maps written (a rule set's map is the same for all its decisions).
_MAPS: list[tuple[dict[str, Any], int, str]] = []


def _kept_mapping(items: dict[str, Any], depth: int) -> str:
    for kept, at, text in _MAPS:
        if at == depth and kept == items:
            return text
    text = _mapping(items, depth)
    with _LOCK:
        _MAPS.insert(0, (dict(items), depth, text))
        del _MAPS[8:]
    return text


def _reason(reason: Reason, depth: int) -> str:
    found = _kept(reason, depth)
    if found is not None:
        return found
    # pydantic-core writes one reason faster than Python code would; only the indentation
    # differs from depth to depth (a reason is written at two: in ``reasons`` and in a form's)
    base = _kept(reason, 0)
    if base is None:
        base = _keep(reason, 0, _REASON_JSON(reason, indent=2).decode())
    return _keep(reason, depth, base.replace("\n", "\n" + "  " * depth)) if depth else base


def reason_json(reason: Reason) -> tuple[str, str]:
    """The text of ``reason`` in the contract JSON at depth 2 (in a decision's ``reasons``) and
    at depth 4 (in a form, principle or action): pydantic's, indented."""
    base = _REASON_JSON(reason, indent=2).decode()
    return base.replace("\n", "\n    "), base.replace("\n", "\n        ")


_OUTCOMES: dict[Any, str] = {True: "true", False: "false", None: "null"}
_SCALARS: dict[type[Any], Callable[[Any], str]] = {
    str: _string,
    Decimal: lambda v: '"' + str(v) + '"',
    bool: lambda v: "true" if v else "false",
    int: str,
    type(None): lambda v: "null",
    date: lambda v: '"' + v.isoformat() + '"',
}


def reason_compact_text(
    rule: str,
    kind: str,
    outcome: bool | None,
    message: str,
    values: dict[str, Any],
    source: str | None,
    missing: list[str],
) -> str | None:
    """The text of a reason with these fields in the compact form's ``reason_table``: the bytes
    of pydantic's compact JSON of the :class:`Reason` (None when a part is not one this writer
    knows, a value not a contract scalar: then write the model with :func:`reason_compact`)."""
    scalars = _SCALARS
    try:
        return "".join(
            [
                '{"rule":',
                _string(rule),
                ',"kind":',
                _string(kind),
                ',"outcome":',
                _OUTCOMES[outcome if outcome is None or outcome.__class__ is bool else ...],
                ',"message":',
                _string(message),
                ',"values":{',
                ",".join([_string(k) + ":" + scalars[v.__class__](v) for k, v in values.items()]),
                '},"source":',
                "null" if source is None else _string(source),
                ',"missing_facts":[',
                ",".join([_string(m) for m in missing]),
                "]}",
            ]
        )
    except (KeyError, TypeError):  # a value of another class (pydantic's encoders know it)
        return None


#: What is the same in the texts of all reasons of one rule and outcome with no missing facts (a
#: condition's, an action's): in the compact form the text up to the message, the values' keys
#: and the end; then the same in the contract JSON (depth 0, indented as :func:`reason_json` does).
Shape = tuple[str, tuple[str, ...], str, str, tuple[str, ...], str]


def reason_shape(rule: str, kind: str, outcome: bool | None, names: tuple[str, ...], source: str | None) -> Shape:
    """The :data:`Shape` of the reasons of ``rule`` with ``outcome``, showing values ``names``,
    and no missing facts (:func:`shaped_compact_text` and :func:`shaped_indented_texts` write one)."""
    where = "null" if source is None else _string(source)
    return (
        '{"rule":' + _string(rule) + ',"kind":' + _string(kind) + ',"outcome":' + _OUTCOMES[outcome] + ',"message":',
        tuple(_string(name) + ":" for name in names),
        '},"source":' + where + ',"missing_facts":[]}',
        '{\n  "rule": '
        + _string(rule)
        + ',\n  "kind": '
        + _string(kind)
        + ',\n  "outcome": '
        + _OUTCOMES[outcome]
        + ',\n  "message": ',
        tuple("\n    " + _string(name) + ": " for name in names),
        ',\n  "source": ' + where + ',\n  "missing_facts": []\n}',
    )


def shaped_compact_text(shape: Shape, message: str, values: dict[str, Any]) -> str | None:
    """:func:`reason_compact_text` of a reason of ``shape`` (``values``: by the shape's names, in
    order), from its prepared texts; None when a value is not one this writer knows."""
    try:
        shown = ",".join(
            [
                key + ('"' + str(v) + '"' if v.__class__ is Decimal else _SCALARS[v.__class__](v))  # amounts inline
                for key, v in zip(shape[1], values.values(), strict=True)
            ]
        )
    except (KeyError, TypeError):  # a value of another class (pydantic's encoders know it)
        return None
    return shape[0] + _string(message) + ',"values":{' + shown + shape[2]


def shaped_indented_texts(shape: Shape, message: str, values: dict[str, Any]) -> tuple[str, str] | None:
    """:func:`reason_indented_texts` of a reason of ``shape``, from its prepared texts."""
    try:
        shown = [
            key + ('"' + str(v) + '"' if v.__class__ is Decimal else _SCALARS[v.__class__](v))
            for key, v in zip(shape[4], values.values(), strict=True)
        ]
    except (KeyError, TypeError):  # a value of another class (pydantic's encoders know it)
        return None
    base = "".join(
        [shape[3], _string(message), ',\n  "values": ', "{" + ",".join(shown) + "\n  }" if shown else "{}", shape[5]]
    )
    return base.replace("\n", "\n    "), base.replace("\n", "\n        ")


def reason_indented_texts(
    rule: str,
    kind: str,
    outcome: bool | None,
    message: str,
    values: dict[str, Any],
    source: str | None,
    missing: list[str],
) -> tuple[str, str] | None:
    """:func:`reason_json` of the :class:`Reason` with these fields, written without building it
    (None when a part is not one this writer knows)."""
    scalars = _SCALARS
    try:
        if values:
            shown = (
                "{\n    "
                + ",\n    ".join([_string(k) + ": " + scalars[v.__class__](v) for k, v in values.items()])
                + "\n  }"
            )
        else:
            shown = "{}"
        base = (
            '{\n  "rule": '
            + _string(rule)
            + ',\n  "kind": '
            + _string(kind)
            + ',\n  "outcome": '
            + _OUTCOMES[outcome if outcome is None or outcome.__class__ is bool else ...]
            + ',\n  "message": '
            + _string(message)
            + ',\n  "values": '
            + shown
            + ',\n  "source": '
            + ("null" if source is None else _string(source))
            + ',\n  "missing_facts": '
            + ("[\n    " + ",\n    ".join([_string(m) for m in missing]) + "\n  ]" if missing else "[]")
            + "\n}"
        )
    except (KeyError, TypeError):  # a value of another class (pydantic's encoders know it)
        return None
    return base.replace("\n", "\n    "), base.replace("\n", "\n        ")


def reason_compact(reason: Reason) -> str:
    """The text of ``reason`` in the compact form's ``reason_table``."""
    return _REASON_JSON(reason).decode()


def static_texts(stamp: RuleSetStamp, provenance: dict[str, str]) -> tuple[str, str, str, str]:
    """The texts that are the same for every decision of a rule set: its stamp in the contract
    JSON (depth 1) and in the compact form, and its provenance map at depth 1 and without
    indentation (as ``model_dump_json()`` writes it: a line of ``aidrules batch``)."""
    plain = "{" + ",".join([_string(k) + ":" + _string(v) for k, v in provenance.items()]) + "}"
    return _stamp_text(stamp, 1), _compact_stamp(stamp), _mapping(provenance, 1), plain


def _reasons(out: list[str], reasons: list[Reason], depth: int) -> None:
    """Append the text of a list of reasons at ``depth`` to ``out``.

    (Every part goes into one list that is joined once: joining at each level would copy the
    text again at each level, and widen it again where a message has a character such as €.)
    """
    if not reasons:
        out.append("[]")
        return
    pad = "\n" + "  " * (depth + 1)
    first = "[" + pad
    for r in reasons:
        out.append(first)
        out.append(_reason(r, depth + 1))
        first = "," + pad
    out.append("\n" + "  " * depth + "]")


def _results(out: list[str], results: dict[str, Any], depth: int) -> None:
    if not results:
        out.append("{}")
        return
    pad = "\n" + "  " * (depth + 1)
    inner = "\n" + "  " * (depth + 2)
    first = "{" + pad
    for k, v in results.items():
        out.append(first + _string(k) + ": {" + inner + '"status": ' + _string(v.status) + "," + inner + '"reasons": ')
        _reasons(out, v.reasons, depth + 2)
        out.append(pad + "}")
        first = "," + pad
    out.append("\n" + "  " * depth + "}")


def _actions(out: list[str], actions: list[ActionResult], depth: int) -> None:
    if not actions:
        out.append("[]")
        return
    pad = "\n" + "  " * (depth + 1)
    inner = "\n" + "  " * (depth + 2)
    first = "[" + pad
    for a in actions:
        out.append(
            first
            + "{"
            + inner
            + '"id": '
            + _string(a.id)
            + ","
            + inner
            + '"status": '
            + _string(a.status)
            + ","
            + inner
            + '"values": '
            + _mapping(a.values, depth + 2)
            + ","
            + inner
            + '"reasons": '
        )
        _reasons(out, a.reasons, depth + 2)
        out.append(pad + "}")
        first = "," + pad
    out.append("\n" + "  " * depth + "]")


def _stamp(stamp: RuleSetStamp, depth: int) -> str:
    found = _kept(stamp, depth)
    if found is not None:
        return found
    return _keep(stamp, depth, _stamp_text(stamp, depth))


def _stamp_text(stamp: RuleSetStamp, depth: int) -> str:
    pad = "\n" + "  " * (depth + 1)
    return (
        "{"
        + pad
        + '"id": '
        + _string(stamp.id)
        + ","
        + pad
        + '"version": '
        + _string(stamp.version)
        + ","
        + pad
        + '"fingerprint": '
        + _string(stamp.fingerprint)
        + ","
        + pad
        + '"layers": '
        + _strings(stamp.layers, depth + 1)
        + "\n"
        + "  " * depth
        + "}"
    )


def full_json(decision: Decision) -> str:
    """``decision.model_dump_json(indent=2) + "\\n"``, the same bytes, faster."""
    decision.materialise()
    d = decision.__dict__
    out = ['{\n  "recommendation": ', _string(d["recommendation"]), ',\n  "forms": ']
    _results(out, d["forms"], 1)
    out.append(',\n  "principles": ')
    _results(out, d["principles"], 1)
    out.append(',\n  "actions": ')
    _actions(out, d["actions"], 1)
    out += (
        ',\n  "missing_facts": ',
        _strings(d["missing_facts"], 1),
        ',\n  "values": ',
        _values(d["values"]),
        ',\n  "ruleset": ',
        _stamp(d["ruleset"], 1),
        ',\n  "on": ',
        _scalar(d["on"]),
        ',\n  "lang": ',
        _string(d["lang"]),
        ',\n  "reasons": ',
    )
    _reasons(out, d["reasons"], 1)
    out += (',\n  "provenance": ', _kept_mapping(d["provenance"], 1), "\n}\n")
    return "".join(out)


#: The writers of JSON parts, for the writer of a decision's JSON from its record (``engine/jsonwrite.py``).
encode_string = _string
scalar_text = _scalar
#: The JSON text of a contract scalar, by its class (the generated loops write values with it).
SCALAR_TEXTS = _SCALARS
scalar_texts = _mapping
strings_text = _strings
values_text = _values


def compact_values_text(items: dict[str, Any]) -> str:
    """A Decision's ``values`` in the compact form (pydantic's compact JSON of the map: faster
    here than the project's encoders, for a map of about twenty values)."""
    return _VALUES_JSON(items).decode()


# -- the compact form ---------------------------------------------------------------------------
COMPACT_FORM = "aidrules.decision.compact/1"


def _compact_reason(reason: Reason) -> str:
    found = _kept(reason, -1)
    if found is not None:
        return found
    return _keep(reason, -1, _REASON_JSON(reason).decode())  # pydantic's compact JSON of the reason


def _compact_stamp(stamp: RuleSetStamp) -> str:
    return (
        '{"id":'
        + _string(stamp.id)
        + ',"version":'
        + _string(stamp.version)
        + ',"fingerprint":'
        + _string(stamp.fingerprint)
        + ',"layers":['
        + ",".join(_string(x) for x in stamp.layers)
        + "]}"
    )


def compact_json(decision: Decision) -> str:
    """The compact JSON form of ``decision`` (one line, ending in a newline)."""
    decision.materialise()
    d = decision.__dict__
    index: dict[int, int] = {}
    table: list[str] = []

    def refs(reasons: list[Reason]) -> str:
        out = []
        for r in reasons:
            i = index.get(id(r))
            if i is None:
                i = index[id(r)] = len(table)
                table.append(_compact_reason(r))
            out.append(str(i))
        return "[" + ",".join(out) + "]"

    def results(items: dict[str, Any]) -> str:
        return (
            "{"
            + ",".join(
                _string(k) + ':{"status":' + _string(v.status) + ',"reasons":' + refs(v.reasons) + "}"
                for k, v in items.items()
            )
            + "}"
        )

    def scalars(items: dict[str, Any]) -> str:
        return "{" + ",".join(_string(k) + ":" + _scalar(v) for k, v in items.items()) + "}"

    stamp: RuleSetStamp = d["ruleset"]
    head = (
        '{"form":"'
        + COMPACT_FORM
        + '","recommendation":'
        + _string(d["recommendation"])
        + ',"forms":'
        + results(d["forms"])
        + ',"principles":'
        + results(d["principles"])
        + ',"actions":['
        + ",".join(
            '{"id":'
            + _string(a.id)
            + ',"status":'
            + _string(a.status)
            + ',"values":'
            + scalars(a.values)
            + ',"reasons":'
            + refs(a.reasons)
            + "}"
            for a in d["actions"]
        )
        + '],"missing_facts":['
        + ",".join(_string(f) for f in d["missing_facts"])
        + '],"values":'
        + scalars(d["values"])
        + ',"ruleset":'
        + _compact_stamp(stamp)
        + ',"on":'
        + _scalar(d["on"])
        + ',"lang":'
        + _string(d["lang"])
        + ',"reasons":'
        + refs(d["reasons"])
    )
    return head + ',"reason_table":[' + ",".join(table) + "]}\n"


def from_compact(text: str | bytes, provenance: dict[str, str] | None = None) -> Decision:
    """The full Decision of a compact JSON form (``provenance``: the rule set's map, which the
    compact form leaves out; ``CompiledRuleSet.provenance``).

    Raises:
        ValueError: ``text`` is not the compact form of a Decision (pydantic's ValidationError
            names the place).
    """
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("form") != COMPACT_FORM:
        raise ValueError(f'not a compact decision (expected "form": "{COMPACT_FORM}")')
    table = data.pop("reason_table")
    del data["form"]

    def deref(refs: list[int]) -> list[Any]:
        return [table[i] for i in refs]

    for group in ("forms", "principles"):
        for result in data[group].values():
            result["reasons"] = deref(result["reasons"])
    for action in data["actions"]:
        action["reasons"] = deref(action["reasons"])
    data["reasons"] = deref(data["reasons"])
    data["provenance"] = dict(provenance or {})
    return Decision.model_validate(data)
