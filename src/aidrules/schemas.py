"""Standard JSON Schemas (Draft 2020-12) of the case facts, the decision and the rule-file format.

pydantic writes its own keywords for decimals (``decimal_places``, ``max_digits``, ``gt``/``ge``)
that a standard validator ignores, and English titles generated from field names ("Csr Revoked
On"). This module rewrites pydantic's schemas into ones any Draft 2020-12 validator enforces:

* an amount is a JSON number with ``minimum`` (or ``exclusiveMinimum``), ``maximum`` and
  ``multipleOf: 0.01``, or a string matching a ``pattern`` of at most two decimals;
* a date is a string with ``format: date`` and a ``YYYY-MM-DD`` ``pattern`` (format alone is only
  an annotation by default);
* ``title`` and ``description`` are Dutch; ``x-titles`` / ``x-descriptions`` hold all three
  languages (``{"nl": …, "fr": …, "en": …}``), so an editor shows Dutch and a form builder picks
  the reader's language;
* every schema has a ``$id`` with the schema version (``…/v1/facts.json``) and ``x-version``.

A rule file that ``extends`` a base (a regional or local layer) may give only the ``values``,
``title`` or ``policy_choice`` of a base parameter and may ``disable`` items: the ruleset schema
accepts those only when ``extends`` is present.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from aidrules.engine.decision import Decision
from aidrules.facts.model import Case
from aidrules.ruleset.schema import RuleSetFile
from aidrules.text import domain
from aidrules.words.labels import fact_labels

#: The version of the schemas' shape; it changes when a schema changes incompatibly.
SCHEMA_VERSION = "1.0"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
BASE_ID = "https://aidrules.be/schemas/v1"
KINDS = ("facts", "decision", "ruleset")

Json = dict[str, Any]
Trio = tuple[str, str, str]

#: Pydantic-only keywords; a standard validator would silently ignore them.
_PYDANTIC_ONLY = ("decimal_places", "max_digits", "gt", "ge", "lt", "le")
_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

#: The schemas' titles and descriptions: the gettext domain ``schemas`` (msgid ``title.<kind>``,
#: ``description.facts``, ``fact.<path>`` for a fact's description, ``name.<name>`` for the title of
#: a part of the decision or rule file by property or definition name: the same name means the same
#: thing wherever it appears). Read when a schema is first written, never on ``import aidrules``.
_TEXTS = domain("schemas")


def _trio(key: str) -> Trio | None:
    """The Dutch, French and English text of ``key``, or None when the catalogue has none."""
    nl = _TEXTS["nl"].get(key)
    if nl is None:
        return None
    return (nl, _TEXTS["fr"][key], _TEXTS["en"][key])


def schema(kind: str) -> Json:
    """The standard JSON Schema of ``kind`` (``facts``, ``decision`` or ``ruleset``).

    Example:
        >>> schema("facts")["$schema"]
        'https://json-schema.org/draft/2020-12/schema'
    """
    builders: dict[str, Callable[[], Json]] = {
        "facts": _facts,
        "decision": _decision,
        "ruleset": _ruleset,
    }
    if kind not in builders:
        raise ValueError(f"no schema `{kind}`: choose one of {', '.join(KINDS)}")
    raw = builders[kind]()
    out: Json = {
        "$schema": DIALECT,
        "$id": f"{BASE_ID}/{kind}.json",
        "x-version": SCHEMA_VERSION,
    }
    _label(out, _trio(f"title.{kind}"), _trio("description.facts") if kind == "facts" else None)
    out.update({k: v for k, v in raw.items() if k not in ("title", "description")})
    return out


def _label(node: Json, title: Trio | None, description: Trio | None = None) -> None:
    """Dutch ``title``/``description`` with ``x-titles``/``x-descriptions``; pydantic's English
    ones (generated from names and docstrings) go, a docstring kept as ``$comment`` for developers."""
    node.pop("title", None)
    english = node.pop("description", None)
    if isinstance(english, str) and description is None:
        node["$comment"] = english
    if title is not None:
        node["title"] = title[0]
        node["x-titles"] = dict(zip(("nl", "fr", "en"), title, strict=True))
    if description is not None:
        node["description"] = description[0]
        node["x-descriptions"] = dict(zip(("nl", "fr", "en"), description, strict=True))


def _standard_number(node: Json) -> Json:
    """pydantic's decimal (``anyOf`` number/string plus its own keywords) as standard keywords."""
    places = node.get("decimal_places")
    digits = node.get("max_digits")
    out: Json = {k: v for k, v in node.items() if k not in (*_PYDANTIC_ONLY, "anyOf")}
    number: Json = {"type": "number"}
    if "ge" in node:
        number["minimum"] = node["ge"]
    if "gt" in node:
        number["exclusiveMinimum"] = node["gt"]
    if places is not None:
        number["multipleOf"] = float(f"1e-{places}") if places else 1
    whole = (digits - (places or 0)) if digits is not None else None
    if whole is not None:
        number["maximum"] = float("9" * whole + ("." + "9" * places if places else ""))
    fraction = rf"(\.[0-9]{{1,{places}}})?" if places else (r"(\.[0-9]+)?" if places is None else "")
    integer = rf"(0|[1-9][0-9]{{0,{whole - 1}}})" if whole else "(0|[1-9][0-9]*)"
    zero_refused = r"(?!0*(\.0*)?$)" if "gt" in node and node["gt"] == 0 else ""
    text: Json = {"type": "string", "pattern": f"^{zero_refused}{integer}{fraction}$"}
    out["anyOf"] = [number, text]
    return out


def _walk(node: Any) -> Any:
    """Replace pydantic-only keywords everywhere below ``node``; add a pattern to dates."""
    if isinstance(node, list):
        return [_walk(item) for item in node]
    if not isinstance(node, dict):
        return node
    if any(k in node for k in _PYDANTIC_ONLY) and "anyOf" in node:
        node = _standard_number(node)
    out = {k: _walk(v) for k, v in node.items()}
    patterns = out.get("patternProperties")
    if isinstance(patterns, dict) and len(patterns) == 1 and "additionalProperties" not in out:
        # pydantic's `dict[Id, X]`: keys not matching the pattern would pass unchecked
        ((key_pattern, value_schema),) = patterns.items()
        del out["patternProperties"]
        out["propertyNames"] = {**out.get("propertyNames", {}), "pattern": key_pattern}
        out["additionalProperties"] = value_schema
    if out.get("format") == "date" and out.get("type") == "string" and "pattern" not in out:
        out["pattern"] = _DATE_PATTERN
    return out


def _nullable_inner(prop: Json) -> Json:
    """The non-null branch of ``anyOf [X, null]`` (where titles of nested objects live), else ``prop``."""
    branches = prop.get("anyOf")
    if isinstance(branches, list):
        rest = [b for b in branches if b != {"type": "null"}]
        if len(rest) == 1 and isinstance(rest[0], dict):
            return rest[0]
    return prop


def _standard(raw: Json) -> Json:
    out: Json = _walk(raw)
    return out


def _facts() -> Json:
    raw = _standard(Case.model_json_schema(by_alias=True))
    defs: Json = raw.get("$defs", {})

    def visit(node: Json, prefix: str) -> None:
        for name, prop in (node.get("properties") or {}).items():
            path = f"{prefix}{name}"
            labels = _trio("name.on") if path == "on" else fact_labels().get(path)
            _label(prop, labels, _trio(f"fact.{path}"))
            inner = _nullable_inner(prop)
            target = inner.get("items", inner) if inner.get("type") == "array" else inner
            ref = target.get("$ref") if isinstance(target, dict) else None
            if isinstance(ref, str):
                sub = defs[ref.rsplit("/", 1)[1]]
                item_path = f"{path}[]" if inner.get("type") == "array" else path
                _label(sub, fact_labels().get(path))
                visit(sub, f"{item_path}.")

    visit(raw, "")
    return raw


def _named(raw: Json) -> Json:
    """Titles by property and definition name (the decision and the rule file)."""

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        for name, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict):
                _label(prop, _trio(f"name.{name}"))
        for key, value in node.items():
            if key != "properties":
                visit(value)
            else:
                for prop in value.values():
                    visit(prop)

    for name, definition in (raw.get("$defs") or {}).items():
        _label(definition, _trio(f"name.{name}"))
    visit(raw)
    return raw


def _decision() -> Json:
    return _named(_standard(Decision.model_json_schema(mode="serialization")))


def _ruleset() -> Json:
    raw = _standard(RuleSetFile.model_json_schema(by_alias=True))
    defs: Json = raw["$defs"]
    parameter: Json = defs["Parameter"]
    defs["ParameterOverride"] = {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {k: copy.deepcopy(parameter["properties"][k]) for k in ("values", "title", "policy_choice")},
    }
    props: Json = raw["properties"]
    props["extends"] = {"type": "string", "pattern": r"^[a-z][a-z0-9-]*@[0-9A-Za-z.+-]+$"}
    props["disable"] = {
        "type": "array",
        "items": {"type": "string", "pattern": r"^(derived|conditions|actions)\.[a-z][a-z0-9_.]*$"},
    }
    # A layer may change only some fields of its base's parameters; a file on its own may not.
    loose = copy.deepcopy(props["parameters"])
    loose["additionalProperties"] = {"anyOf": [{"$ref": "#/$defs/Parameter"}, {"$ref": "#/$defs/ParameterOverride"}]}
    props["parameters"] = loose
    raw["allOf"] = [
        {
            "if": {"required": ["extends"]},
            "else": {
                "properties": {"parameters": {"additionalProperties": {"$ref": "#/$defs/Parameter"}}},
                "not": {"required": ["disable"]},
            },
        }
    ]
    return _named(raw)
