"""The limits are named, documented and adjustable; decisions keep no free text from the case."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import pytest

import aidrules
from aidrules import FactsError, RuleSetError
from aidrules.expr import parser
from aidrules.facts.parse import parse_facts, read_case_text
from aidrules.limits import DEFAULT_LIMITS, Limits
from aidrules.readers import yamlload
from aidrules.ruleset.shipped import resolve

from .helpers import only_diagnostic

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_limits_are_adjustable_by_the_caller() -> None:
    """A caller can tighten a limit (and loosen one) for its own files."""
    path = resolve("noord-limburg-budgethulp")
    with pytest.raises(RuleSetError) as exc:
        aidrules.load_ruleset(path, limits=replace(DEFAULT_LIMITS, max_document_chars=10_000))
    assert only_diagnostic(exc.value, "RS004")
    nested = "a:\n" + "".join("  " * i + f"  b{i}:\n" for i in range(4)) + "          c: 1\n"
    with pytest.raises(FactsError):
        read_case_text(nested, "case.yaml", limits=replace(DEFAULT_LIMITS, max_depth=4))
    children = {"household": {"children": [{"age": 3}] * 600}}
    with pytest.raises(FactsError):
        parse_facts(children)
    case = parse_facts(children, limits=replace(DEFAULT_LIMITS, max_list_items=600))
    assert case.household is not None and case.household.children is not None
    assert len(case.household.children) == 600


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_limits_refuse_nonsense(bad: object) -> None:
    """A limit of zero, a negative one or a non-integer is a mistake, caught at once."""
    with pytest.raises(ValueError, match="max_depth"):
        Limits(max_depth=bad)  # type: ignore[arg-type]


def test_former_constant_names_follow_the_defaults() -> None:
    """Code that read the module constants before ``Limits`` existed sees the same values."""
    assert DEFAULT_LIMITS.max_document_chars == yamlload.MAX_DOCUMENT_CHARS
    assert DEFAULT_LIMITS.max_nodes == yamlload.MAX_NODES
    assert DEFAULT_LIMITS.max_depth == yamlload.MAX_DEPTH
    assert DEFAULT_LIMITS.max_expression_chars == parser.MAX_EXPRESSION_CHARS
    assert DEFAULT_LIMITS.max_expression_depth == parser.MAX_EXPRESSION_DEPTH


def test_security_page_documents_every_limit_with_its_default() -> None:
    """docs/security.md lists each limit by name with its default, so the page cannot drift."""
    page = DOCS.read_text(encoding="utf-8")
    for f in fields(Limits):
        default = f"{getattr(DEFAULT_LIMITS, f.name):,}"
        row = re.search(rf"^\| `{f.name}` \| ([0-9,]+) \|", page, re.MULTILINE)
        assert row is not None, f"{f.name} is missing from docs/security.md"
        assert row.group(1) == default, f"{f.name}: the page says {row.group(1)}, the code {default}"


def test_decision_keeps_no_free_text_from_the_case() -> None:
    """Catches a decision that echoes its input: decisions are kept in logs and journals, and a
    creditor's or a municipality's name would put personal data in every entry. The reference
    rule set's decision holds codes, amounts and its own texts only."""
    case = {
        "on": "2025-03-01",
        "household": {"category": "single", "adults": 1, "municipality": "Zzgemeente-Uniek"},
        "client": {"motivation": 3, "consents": True},
        "debts": [{"creditor": "Zzschuldeiser Uniek", "amount": "100.00", "kind": "energy", "enforcement": "none"}],
    }
    decision = aidrules.load().evaluate(case, on=date(2025, 3, 1))
    assert "Zz" not in decision.to_json()
