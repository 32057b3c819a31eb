"""Hypothesis strategies for case facts, derived from the JSON Schema of the facts.

``Case.model_json_schema()`` is the contract other software exports against, so the fuzzer reads
it rather than a hand-written copy: a field added to the model is fuzzed without touching this
file. The subset pydantic emits is supported (objects, arrays, enums, strings with a format,
integers with bounds, booleans, null, ``anyOf``, ``$ref``, and decimals described by
``decimal_places``/``max_digits``/``ge``/``gt``); any other keyword fails loudly.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from aidrules.facts.model import Case

Schema = dict[str, Any]

#: Keywords that only describe a field and do not constrain its value.
_ANNOTATIONS = frozenset({"title", "description", "default", "x-unit", "x-null-means", "x-absent-means"})


class CaseSchema:
    """Strategies for valid case documents (as plain JSON-like data) from a JSON Schema."""

    def __init__(self, schema: Schema | None = None, *, max_list: int = 5) -> None:
        self.schema = schema or Case.model_json_schema()
        self.defs: dict[str, Schema] = self.schema.get("$defs", {})
        self.max_list = max_list

    def case(self) -> st.SearchStrategy[dict[str, Any]]:
        """A valid case: every field optional, values within the schema's bounds."""
        return self.of(self.schema)  # type: ignore[return-value]

    def of(self, node: Schema) -> st.SearchStrategy[Any]:
        if "$ref" in node:
            return self.of(self.defs[node["$ref"].rsplit("/", 1)[-1]])
        if "decimal_places" in node:
            return self.decimal(node)
        if "anyOf" in node:
            return st.one_of([self.of(option) for option in node["anyOf"]])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        kind = node.get("type")
        unknown = (
            set(node)
            - _ANNOTATIONS
            - {
                "type",
                "properties",
                "additionalProperties",
                "items",
                "maxItems",
                "minItems",
                "minimum",
                "maximum",
                "maxLength",
                "minLength",
                "format",
                "$defs",
                "required",
            }
        )
        assert not unknown, f"the fuzzer does not know the schema keywords {sorted(unknown)}: teach it"
        if kind == "object":
            props = node.get("properties", {})
            required = set(node.get("required", []))
            return st.fixed_dictionaries(
                {k: self.of(v) for k, v in props.items() if k in required},
                optional={k: self.of(v) for k, v in props.items() if k not in required},
            )
        if kind == "array":
            size = min(node.get("maxItems", self.max_list), self.max_list)
            return st.lists(self.of(node["items"]), min_size=node.get("minItems", 0), max_size=size)
        if kind == "string":
            if node.get("format") == "date":
                return st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(date.isoformat)
            return st.text(
                st.characters(codec="utf-8", exclude_categories=("Cs",)),
                min_size=node.get("minLength", 0),
                max_size=min(node.get("maxLength", 40), 40),
            )
        if kind == "integer":
            return st.integers(node.get("minimum", -(10**6)), node.get("maximum", 10**6))
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        raise AssertionError(f"the fuzzer does not know the schema type {kind!r}: teach it")

    @staticmethod
    def decimal(node: Schema) -> st.SearchStrategy[Any]:
        places = int(node["decimal_places"])
        digits = int(node.get("max_digits", 12))
        top = Decimal(10) ** (digits - places) - Decimal(1).scaleb(-places)
        low = Decimal(node.get("ge", node.get("gt", 0)))
        if "gt" in node:
            low += Decimal(1).scaleb(-places)
        amounts = st.decimals(min_value=low, max_value=top, places=places, allow_nan=False, allow_infinity=False)
        # Written as a JSON number or as a text: both are valid amounts.
        return amounts.flatmap(lambda d: st.sampled_from([d, str(d)]))
