"""Examples in the documentation and the docstrings run as tests, so they cannot drift from the code."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import aidrules
from aidrules.facts.parse import parse_facts, read_case_text
from aidrules.ruleset import compile_text

DOCS = Path(__file__).resolve().parents[2] / "docs"
YAML_BLOCK = re.compile(r"```ya?ml\n(.*?)```", re.S)


def _blocks(page: str) -> list[str]:
    return YAML_BLOCK.findall((DOCS / page).read_text(encoding="utf-8"))


RULE_FILES = [
    (page, i, b)
    for page in ("rule-format.md",)
    for i, b in enumerate(_blocks(page))
    if b.lstrip().startswith("aidrules: 1")
]
CASES = [
    (page, i, b)
    for page in ("getting-started.md", "facts.md")
    for i, b in enumerate(_blocks(page))
    if b.lstrip().startswith(("on:", "household:", "client:"))
]


def test_the_docs_hold_complete_examples() -> None:
    assert RULE_FILES and CASES


@pytest.mark.parametrize(("page", "index", "text"), RULE_FILES, ids=[f"{p}#{i}" for p, i, _ in RULE_FILES])
def test_rule_file_examples_compile(page: str, index: int, text: str) -> None:
    rules = compile_text(text, f"{page}#{index}")
    assert rules.id


@pytest.mark.parametrize(("page", "index", "text"), CASES, ids=[f"{p}#{i}" for p, i, _ in CASES])
def test_case_examples_are_valid_and_decide(page: str, index: int, text: str) -> None:
    facts = parse_facts(read_case_text(text, f"{page}#{index}"))
    if facts.on is not None:
        assert aidrules.load(None, facts.on).evaluate(facts).recommendation


def _modules() -> list[str]:
    names = ["aidrules"]
    for info in pkgutil.walk_packages(aidrules.__path__, "aidrules."):
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize(
    "name",
    [
        # the durable backend's examples need the durable extra (absent on Python 3.13+)
        pytest.param(n, marks=pytest.mark.durable) if n.startswith("aidrules.engine.durable") else n
        for n in _modules()
        if ">>>"
        in (
            Path(importlib.util.find_spec(n).origin or "").read_text(encoding="utf-8")
            if importlib.util.find_spec(n)
            else ""
        )
    ],
)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
