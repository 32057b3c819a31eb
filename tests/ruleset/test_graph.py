"""The compiler's dependency graph agrees with what the engine decides (ruleset/graph.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import aidrules
from aidrules.engine.decision import Decision
from aidrules.errors import AidrulesError
from aidrules.expr import types as t
from aidrules.facts.paths import Edit, all_patterns, apply, fact_type, int_bounds, pattern, read
from aidrules.ruleset.compile import load_ruleset
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.graph import DependencyGraph, NodeKind
from aidrules.testing.fixtures import Fixture, load_fixture, rules_for

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))
RULE_FILES = sorted((ROOT / "rules").rglob("*.yaml"))


@cache
def _fixture(path: Path) -> tuple[Fixture, CompiledRuleSet, Decision]:
    """A reference fixture, its rule set and its decision (reference fixtures are valid cases)."""
    fx = load_fixture(path)
    rs = rules_for(fx)
    return fx, rs, rs.evaluate(fx.case)


@cache
def _shipped(path: Path) -> CompiledRuleSet:
    return load_ruleset(path)


def _reachable(graph: DependencyGraph, node: str) -> set[str]:
    """Everything ``node`` reads, transitively, by the plain definition (the oracle for the queries)."""
    out: set[str] = set()
    pending = list(graph.reads(node))
    while pending:
        dep = pending.pop()
        if dep not in out:
            out.add(dep)
            pending.extend(graph.reads(dep))
    return out


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_forms_requirements_in_the_graph_are_what_the_engines_reasons_list(path: Path) -> None:
    _, rs, decision = _fixture(path)
    for fid, result in decision.forms.items():
        node = f"forms.{fid}"
        # the form's own summary, then one reason per principle and condition it requires
        assert [r.rule for r in result.reasons[1:]] == list(rs.graph.requires(node))
        # every fact the engine says would settle the form is one the graph says it reads
        facts = rs.graph.reads_facts(node)
        assert {pattern(m) for r in result.reasons for m in r.missing_facts} <= facts


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_the_graphs_order_puts_every_node_after_what_it_reads(path: Path) -> None:
    graph = _shipped(path).graph
    position = {node: i for i, node in enumerate(graph.order)}
    assert set(position) == set(graph.kinds)
    for node in graph.order:
        assert all(position[dep] < position[node] for dep in graph.reads(node)), node


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_dependents_and_reads_facts_agree_with_the_edges(path: Path) -> None:
    graph = _shipped(path).graph
    for node in graph.order:
        reached = _reachable(graph, node)
        assert graph.reads_facts(node) == {x for x in reached if graph.kind(x) == "fact"} or graph.kind(node) == "fact"
        for dep in reached:
            assert node in graph.dependents(dep)
    for node in graph.order:
        assert all(node in _reachable(graph, d) for d in graph.dependents(node))


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_the_graph_reads_every_fact_the_compiler_recorded(path: Path) -> None:
    rs = _shipped(path)
    for item in rs.plan:
        direct = {x for x in rs.graph.reads(item.id) if rs.graph.kind(x) == "fact"}
        assert set(item.expr.facts) <= direct, item.id
        assert {x for x in rs.graph.reads(item.id) if rs.graph.kind(x) != "fact"} == set(item.expr.names), item.id


def test_a_condition_reads_the_parameters_of_its_derived_values() -> None:
    rs = aidrules.load("noord-limburg-budgethulp@2025.1")
    graph = rs.graph
    for cid in graph.nodes("condition"):
        through_derived = graph.reads_of_kind(cid, "parameter")
        direct = {x for x in graph.reads(cid) if graph.kind(x) == "parameter"}
        via = {p for d in graph.reads(cid) if graph.kind(d) == "derived" for p in graph.reads_of_kind(d, "parameter")}
        assert through_derived == direct | via


# -- a fact a form does not read never changes its status (hypothesis) ---------------------------


def _values(typ: t.Type, pat: str) -> st.SearchStrategy[Any]:
    if isinstance(typ, t.Bool):
        return st.booleans()
    if isinstance(typ, t.Text):
        return st.sampled_from(typ.choices) if typ.choices else st.text("abcé -", min_size=1, max_size=12)
    if isinstance(typ, t.Number) and typ.integer:
        b = int_bounds(pat)
        low = b.low if b.low is not None else 0
        return st.integers(low, b.high if b.high is not None else low + 100)
    if isinstance(typ, t.Number):
        return st.decimals(Decimal("0.01"), Decimal("100000"), places=2).map(str)
    if isinstance(typ, t.Date):
        return st.dates(date(1990, 1, 1), date(2030, 12, 31))
    return st.nothing()


_SCALARS = tuple(p for p in all_patterns() if not isinstance(fact_type(p), t.Record | t.ListOf) and p.count("[]") <= 1)


def _outcome(decision: Decision, node: str) -> object:
    """A form's or principle's status, a condition's outcome (the engine's word for the node)."""
    kind, _, name = node.partition(".")
    if kind == "forms":
        return decision.forms[name].status
    if kind == "principles":
        return decision.principles[name].status
    return next(r.outcome for r in decision.reasons if r.kind == "condition" and r.rule == node)


@st.composite
def _unread_change(draw: st.DrawFn, kinds: tuple[NodeKind, ...]) -> tuple[Path, str, str, Any]:
    """A fixture, a node of one of ``kinds``, a fact the graph says that node does not read, a value."""
    path = draw(st.sampled_from(FIXTURES))
    fx, rs, _ = _fixture(path)
    node = draw(st.sampled_from(rs.graph.nodes(*kinds)))
    unread = [p for p in _SCALARS if p not in rs.graph.reads_facts(node)]
    pat = draw(st.sampled_from(unread))
    if "[]" in pat:
        head, _, rest = pat.partition("[].")
        items = read(fx.case, head)
        assume(isinstance(items, list) and items)
        assert isinstance(items, list)
        pat = f"{head}[{draw(st.integers(0, len(items) - 1))}].{rest}"
    typ = fact_type(pattern(pat))
    assert typ is not None
    value = draw(st.none() | _values(typ, pattern(pat)))
    return path, node, pat, value


def _unchanged(change: tuple[Path, str, str, Any]) -> None:
    path, node, fact, value = change
    fx, rs, decision = _fixture(path)
    changed = apply(dict(fx.case), [Edit(fact, value)])
    try:
        after = rs.evaluate(changed)
    except AidrulesError:
        assume(False)  # not a valid case (e.g. null where the model refuses it)
        return
    assert _outcome(after, node) == _outcome(decision, node)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_unread_change(("form",)))
def test_a_fact_the_graph_says_a_form_does_not_read_never_changes_its_status(
    change: tuple[Path, str, str, Any],
) -> None:
    _unchanged(change)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_unread_change(("condition", "principle")))
def test_a_fact_the_graph_says_a_condition_or_principle_does_not_read_never_changes_it(
    change: tuple[Path, str, str, Any],
) -> None:
    _unchanged(change)
