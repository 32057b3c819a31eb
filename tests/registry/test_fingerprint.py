"""The fingerprint names the semantic content: layout-proof, and any semantic edit changes it."""

from __future__ import annotations

import json
import random
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aidrules.readers.yamlload import load_yaml_plain
from aidrules.registry.layers import digest
from aidrules.ruleset import compile_text

MINIMAL = (Path(__file__).resolve().parents[1] / "data" / "minimal.yaml").read_text(encoding="utf-8")
DATA = load_yaml_plain(MINIMAL, "minimal.yaml")


def _scalar(value: Any, rng: random.Random) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | int):
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text + ("0" if rng.random() < 0.5 and "." in text else "")  # 2.5 → 2.50: same number
    if isinstance(value, date):
        return value.isoformat()
    assert isinstance(value, str)
    return (
        json.dumps(value, ensure_ascii=rng.random() < 0.5)
        if rng.random() < 0.7 or ":" in value or "{" in value
        else "'" + value.replace("'", "''") + "'"
    )


def _emit(value: Any, rng: random.Random, indent: int, step: int, comments: bool = True) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        out = []
        if comments and rng.random() < 0.3:
            out.append(f"{pad}# a comment that means nothing")
        for key in keys:
            child = value[key]
            if isinstance(child, dict | list) and child:
                out.append(f"{pad}{key}:")
                out.extend(_emit(child, rng, indent + step, step))
            elif isinstance(child, dict | list):
                out.append(f"{pad}{key}: {'{}' if isinstance(child, dict) else '[]'}")
            else:
                out.append(f"{pad}{key}: {_scalar(child, rng)}")
        return out
    assert isinstance(value, list)
    out = []
    for item in value:
        if isinstance(item, dict) and item:
            inner = _emit(item, rng, indent + 2, step, comments=False)  # "- " is two columns wide
            out.append(f"{pad}- " + inner[0][indent + 2 :])
            out.extend(inner[1:])
        elif isinstance(item, list) and item:
            out.append(f"{pad}-")
            out.extend(_emit(item, rng, indent + step, step))
        else:
            out.append(f"{pad}- {_scalar(item, rng)}")
    return out


def reformat(data: Any, seed: int, step: int) -> str:
    return "\n".join(_emit(data, random.Random(seed), 0, step)) + "\n"


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), step=st.sampled_from([2, 3, 4]))
def test_fingerprint_is_unchanged_by_reformatting(seed: int, step: int) -> None:
    original = compile_text(MINIMAL, "a.yaml")
    text = reformat(DATA, seed, step)
    assert compile_text(text, "b.yaml").fingerprint == original.fingerprint


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


LEAVES = _leaves(DATA)


def _edit(data: Any, path: tuple[Any, ...]) -> Any:
    copy = json.loads(json.dumps(data, default=str))
    node = copy
    for part in path[:-1]:
        node = node[part]
    old = node[path[-1]]
    if isinstance(old, bool):
        node[path[-1]] = not old
    elif isinstance(old, int | float):
        node[path[-1]] = old + 1
    else:
        node[path[-1]] = str(old) + "x"
    return copy


@settings(max_examples=60, deadline=None)
@given(index=st.integers(0, len(LEAVES) - 1))
def test_any_semantic_edit_changes_the_fingerprint(index: int) -> None:
    """Every leaf value of the file, changed, gives another digest (the input of the fingerprint)."""
    path = LEAVES[index]
    assert digest(_edit(DATA, path)) != digest(json.loads(json.dumps(DATA, default=str)))
