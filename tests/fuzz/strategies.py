"""Hypothesis strategies for rule files and cases: valid ones, harmless rewrites and hostile mutations.

Rule files start from real ones (the shipped reference rule set, its federal base layer and the
minimal test rule set); cases start from the JSON Schema of the facts. Mutations work on the data
(delete, duplicate or retype a key, flip characters in an expression) and on the text (insert
YAML/JSON junk, cut, repeat or swap lines).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from aidrules.readers.yamlload import load_yaml

from .emit import Style, render
from .schema_strategies import CaseSchema

ROOT = Path(__file__).resolve().parents[2]
#: The rule files mutations start from.
BASES = {
    "reference": ROOT / "rules" / "noord-limburg-budgethulp.yaml",
    "federal": ROOT / "rules" / "federaal" / "federale-bedragen.yaml",
    "minimal": ROOT / "tests" / "data" / "minimal.yaml",
}
#: Sections whose item order is the author's presentation order (it orders the decision's entries).
SECTIONS = ("parameters", "derived", "conditions", "principles", "forms", "actions", "reviews")


@cache
def base_data(name: str) -> Any:
    doc, problems = load_yaml(BASES[name].read_text(encoding="utf-8"), str(BASES[name]))
    assert not problems, problems
    return doc.data


def _paths(data: Any, prefix: tuple[Any, ...] = (), max_items: int | None = None) -> list[tuple[Any, ...]]:
    """Every path in ``data``; with ``max_items``, only the first items of each list. (A mutated
    case nests a list of 5,000 items inside another one: all their paths would take gigabytes.)"""
    out: list[tuple[Any, ...]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            out.append((*prefix, key))
            out.extend(_paths(value, (*prefix, key), max_items))
    elif isinstance(data, list):
        for i, value in enumerate(data[:max_items]):
            out.append((*prefix, i))
            out.extend(_paths(value, (*prefix, i), max_items))
    return out


@cache
def base_paths(name: str) -> tuple[tuple[Any, ...], ...]:
    return tuple(_paths(base_data(name)))


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


# -- styles -----------------------------------------------------------------------------------
def styles(*, shuffle: bool = True) -> st.SearchStrategy[Style]:
    """Ways to write the same YAML: indentation, quoting, flow or block, comments, key order."""
    return st.builds(
        Style,
        indent=st.sampled_from([2, 3, 4, 6]),
        indent_sequences=st.booleans(),
        flow_from_depth=st.none() | st.integers(1, 6),
        strings=st.sampled_from(["plain", "single", "double", "literal"]),
        quote_keys=st.booleans(),
        booleans=st.sampled_from(["lower", "title", "upper"]),
        nulls=st.sampled_from(["null", "~"]),
        comments=st.sampled_from([0.0, 0.1, 0.5]),
        shuffle=st.sampled_from([0.0, 0.5, 1.0]) if shuffle else st.just(0.0),
        seed=st.integers(0, 2**32 - 1),
    )


KEEP_SECTION_ORDER = frozenset((section,) for section in SECTIONS)


@st.composite
def harmless_rewrite(draw: st.DrawFn, name: str) -> str:
    """The rule file ``name`` rewritten without changing its meaning or its presentation order."""
    return render(base_data(name), draw(styles()), KEEP_SECTION_ORDER)


@st.composite
def reordered_rewrite(draw: st.DrawFn, name: str) -> str:
    """The rule file ``name`` with every mapping, including the sections' items, in another order."""
    return render(base_data(name), replace(draw(styles()), shuffle=1.0))


# -- hostile values and text ------------------------------------------------------------------
#: Fragments an attacker (or a broken exporter) might put into an expression.
EXPRESSION_JUNK = (
    "__import__('os').system('true')",
    "().__class__.__bases__[0].__subclasses__()",
    "client.__class__",
    "open('/etc/passwd')",
    "lambda: 1",
    "2 ** 999999",
    "9" * 60,
    "1e999999",
    "0.0000000000000000000000001",
    "x if",
    "for d in debts",
    "sum(d.amount for d in debts for e in debts)",
    "date('2025-02-30')",
    " and ",
    " or not ",
    " is None",
    " in [",
    "((((((((((",
    ")",
    "'",
    '"',
    "{",
    "\\",
    "\n",
    "\t",
    "\x00",
    "é",
)
#: Fragments that break or abuse YAML (tags, anchors, merges, directives, odd characters).
YAML_JUNK = (
    "!!python/object/apply:os.system ['true']",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!custom x",
    "&a [*a]",
    "*undefined",
    "<<: {x: 1}",
    "{",
    "[",
    "]",
    '"',
    "'",
    "? ",
    ": ",
    "- ",
    "|",
    ">",
    "#",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "\t",
    "\x00",
    "\ufeff",
    "\u2028",
    "\ud800",
    "~",
    ".inf",
    ".nan",
    "1e999999",
    "9" * 5000,
    "x" * 25_000,
    "[" * 200,
    "on: yes",
    "2025-02-30",
)
#: Fragments that break JSON.
JSON_JUNK = (
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    '"',
    "\\",
    "\\ud800",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999999",
    "9" * 5000,
    '"x": 1, "x": 2',
    "[" * 5000,
    "null",
    "true",
    "\x00",
)

huge_numbers = st.sampled_from(
    [10**16, -(10**30), 10**4000, Decimal("1E+999999"), Decimal("1E-999999"), Decimal("9" * 40 + ".5")]
)
junk_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**6), max_value=10**6),
    huge_numbers,
    st.dates(date(1900, 1, 1), date(2100, 12, 31)),
    st.text(max_size=20),
    st.sampled_from(EXPRESSION_JUNK),
    st.just("x" * 30_000),
)
junk_values = st.recursive(
    junk_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _delete(data: Any, path: tuple[Any, ...]) -> None:
    parent = _get(data, path[:-1])
    del parent[path[-1]]


@st.composite
def _mutate_expression(draw: st.DrawFn, text: str) -> str:
    """Flip, drop or insert characters and tokens in an expression."""
    chars = list(text)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(chars)))
        how = draw(st.sampled_from(["flip", "drop", "insert"]))
        if how == "flip" and at < len(chars):
            chars[at] = draw(st.sampled_from(list("()[]{}.,:+-*/<>=!'\"_ aAzZ09#%&|~^@$\\")))
        elif how == "drop" and at < len(chars):
            del chars[at]
        else:
            chars[at:at] = list(draw(st.sampled_from(EXPRESSION_JUNK)))
    return "".join(chars)


#: Top-level keys of a rule file (and of a layer): a section of the wrong form must be refused
#: where it stands, never skipped by the merge nor crash it.
TOP_KEYS = ("aidrules", "extends", "ruleset", "disable", *SECTIONS, "recommendation")
#: What a section written in the wrong form looks like: a scalar, a date, nothing, or a list of
#: the section's items (``- id:`` instead of ``id:``).
wrong_sections = st.one_of(
    junk_scalars,
    st.lists(junk_scalars, max_size=3),
    st.just([{"reasonable_repayment_months": {"values": [{"from": date(2024, 1, 1), "value": 1, "source": "x"}]}}]),
    st.just(["noord-limburg-budgethulp@2025.1", "federale-bedragen@2025.1"]),
)


@st.composite
def mutated_data(draw: st.DrawFn, name: str) -> Any:
    """The data of rule file ``name`` after one to three hostile edits."""
    data = _copy(base_data(name))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["delete", "retype", "expression", "rename", "duplicate", "section"]))
        current = _get(data, path)
        if how == "section" and isinstance(data, dict):
            data[draw(st.sampled_from(TOP_KEYS))] = draw(wrong_sections)
        elif how == "delete":
            _delete(data, path)
        elif how == "retype":
            _set(data, path, draw(junk_values))
        elif how == "expression" and isinstance(current, str):
            _set(data, path, draw(_mutate_expression(current)))
        elif how == "rename" and isinstance(path[-1], str):
            parent = _get(data, path[:-1])
            new_key = draw(st.sampled_from([path[-1] + "x", path[-1][:-1], path[-1].upper(), "<<", "__class__", ""]))
            if new_key not in parent:
                parent[new_key] = parent.pop(path[-1])
        elif how == "duplicate" and isinstance(path[-1], int):
            _get(data, path[:-1]).insert(path[-1], _copy(current))
    return data


@st.composite
def _mutate_text(draw: st.DrawFn, text: str, junk: tuple[str, ...]) -> str:
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["insert", "cut", "repeat_line", "swap_lines", "flip"]))
        at = draw(st.integers(0, len(text)))
        if how == "insert":
            text = text[:at] + draw(st.sampled_from(junk)) + text[at:]
        elif how == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 80)) :]
        elif how == "flip" and at < len(text):
            text = text[:at] + draw(st.characters(codec="utf-8")) + text[at + 1 :]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            if how == "repeat_line":
                lines.insert(i, lines[i])
            else:
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@st.composite
def mutated_rule_text(draw: st.DrawFn) -> tuple[str, str]:
    """A hostile rule file: (name of its base, text)."""
    name = draw(st.sampled_from(sorted(BASES)))
    data = draw(mutated_data(name)) if draw(st.booleans()) else base_data(name)
    text = render(data, draw(styles()), check=False)
    if data is base_data(name) or draw(st.booleans()):
        text = draw(_mutate_text(text, YAML_JUNK))
    return name, text


# -- cases ------------------------------------------------------------------------------------
CASES = CaseSchema()
decision_day = st.dates(date(2025, 2, 1), date(2026, 12, 31)).map(date.isoformat)


@st.composite
def valid_case(draw: st.DrawFn) -> dict[str, Any]:
    """A case valid under the JSON Schema, mostly dated within the reference rule set's period."""
    case = draw(CASES.case())
    if draw(st.integers(0, 9)) > 0:
        case["on"] = draw(decision_day)
    return case


def to_json(value: Any) -> str:
    """JSON text with decimals written as numbers, exactly as given."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    return json.dumps(value)


@st.composite
def case_text(draw: st.DrawFn, case: dict[str, Any]) -> tuple[str, str]:
    """``case`` written as JSON or as YAML in some style: (format, text)."""
    if draw(st.booleans()):
        return "json", to_json(case)
    return "yaml", render(case, draw(styles()))


#: Items of each list a case mutation may target (the lists themselves keep all their items).
MUTATED_ITEMS = 20


@st.composite
def mutated_case(draw: st.DrawFn) -> tuple[str, str]:
    """A hostile case document: (format, text)."""
    case: Any = draw(valid_case())
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(case, max_items=MUTATED_ITEMS)
        how = draw(st.sampled_from(["delete", "retype", "unknown", "long_list", "deep"]))
        if how == "unknown" or not paths:
            case[draw(st.text(max_size=10))] = draw(junk_values)
            continue
        path = draw(st.sampled_from(paths))
        if how == "delete":
            _delete(case, path)
        elif how == "retype":
            _set(case, path, draw(junk_values))
        elif how == "long_list":
            # Distinct items: with one dict repeated, a later mutation inside one item changed
            # them all, and a long list set inside the long list rendered 25 million items
            # (gigabytes: a suite killed for memory).
            _set(case, path, [{"age": 1} for _ in range(draw(st.sampled_from([501, 5000])))])
        else:
            # Written in after rendering: the writers recurse, the readers must not.
            _set(case, path, f"DEEPNESTING{draw(st.sampled_from([70, 3000]))}")
    kind = draw(st.sampled_from(["json", "yaml"]))
    text = to_json(case) if kind == "json" else render(case, draw(styles()), check=False)
    for depth in (70, 3000):
        nested = "[" * depth + "1" + "]" * depth
        for quote in ('"', "'", ""):
            text = text.replace(f"{quote}DEEPNESTING{depth}{quote}", nested)
    if draw(st.booleans()):
        text = draw(_mutate_text(text, JSON_JUNK if kind == "json" else YAML_JUNK))
    return kind, text
