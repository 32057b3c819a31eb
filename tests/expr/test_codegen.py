"""Generated functions (aidrules.expr.codegen) give what the closures give, error for error.

The generator reads only the typed intermediate form (aidrules.expr.ir) the compiler builds next
to each closure. Every expression of the shipped rule sets and of the features rule set is evaluated both ways on
generated cases, in plan order, with named values now and then replaced by an unknown, a zero
or none, so that every branch (unknowns merging, short-circuits, division by zero, type errors)
is taken.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidrules
from aidrules.engine.compiled import prepared
from aidrules.engine.decision import compact_values_text, encode_string
from aidrules.engine.prepare import COMPACT_SCALARS
from aidrules.expr import codegen, ir
from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression, _and, _const, _fact, _or, _value, compile_expression
from aidrules.expr.runtime import DECIMAL_CONTEXT, Context, ExpressionFailure, Unknown
from aidrules.facts.parse import parse_facts
from aidrules.facts.tree import fact_tree
from aidrules.ruleset.compile import load_ruleset
from aidrules.ruleset.compiled import CompiledRuleSet
from properties.strategies import case_and_partial

ROOT = Path(__file__).resolve().parents[2]
RULE_SETS = {
    "2025.1": lambda: aidrules.load(None, date(2025, 3, 1)),
    "2024.1": lambda: aidrules.load(None, date(2024, 6, 1)),
    "features": lambda: load_ruleset(ROOT / "tests" / "conformance" / "data" / "features.yaml"),
    "language-tour": lambda: load_ruleset(ROOT / "rules" / "voorbeelden" / "taalrondleiding.yaml"),
}
REPLACEMENTS = [Unknown(frozenset({"planted.fact"})), 0, Decimal("0.00"), None, Decimal("-1.5")]


def _outcome(fn: Any, ctx: Context) -> tuple[str, Any]:
    try:
        value = fn(ctx)
    except Exception as exc:  # the same error, whatever it is
        return "error", (type(exc).__name__, str(exc))
    if isinstance(value, Unknown):
        return "unknown", value.facts
    return type(value).__name__, str(value) if isinstance(value, Decimal) else value


def _expressions(rs: CompiledRuleSet) -> list[tuple[str, Any]]:
    return (
        [(item.id, item.expr) for item in rs.plan]
        + [(f"rows[{i}]", row.when) for i, row in enumerate(rs.rows)]
        + [(f"actions.{a.id}", a.when) for a in rs.actions]
    )


class Subject(tuple[CompiledRuleSet, list[tuple[str, Any, Any]]]):
    """A rule set and its expressions (closure, generated), with a short repr for reports."""

    def __repr__(self) -> str:
        return f"<{self[0].id} {self[0].version}>"


@pytest.fixture(scope="module", params=sorted(RULE_SETS))
def rules(request: pytest.FixtureRequest) -> Subject:
    rs = RULE_SETS[request.param]()
    exprs = _expressions(rs)
    generated = codegen.generate([e.ir for _, e in exprs])
    return Subject((rs, [(name, e.fn, g) for (name, e), g in zip(exprs, generated, strict=True)]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=case_and_partial(), plants=st.lists(st.integers(0, 10_000), max_size=12))
def test_generated_functions_agree_with_the_closures(rules: Subject, pair: Any, plants: list[int]) -> None:
    rs, exprs = rules
    case = parse_facts(pair[1])
    day = max(case.on or rs.meta.effective.from_, rs.meta.effective.from_)
    if rs.meta.effective.until is not None:
        day = min(day, rs.meta.effective.until)
    base, _ = prepared(rs).parameters_at(day)
    ctx = Context(fact_tree(case), dict(base), day)
    planted = {p % max(1, len(exprs)): REPLACEMENTS[p % len(REPLACEMENTS)] for p in plants}
    with localcontext(DECIMAL_CONTEXT):
        for i, (name, closure, generated) in enumerate(exprs):
            expected = _outcome(closure, ctx)
            assert _outcome(generated, ctx) == expected, name
            value = planted.get(i, closure(ctx) if expected[0] != "error" else None)
            ctx.values[name] = value
            for other in ("principles", "forms"):  # rows and actions read these
                for p in rs.principles if other == "principles" else rs.forms:
                    ctx.values.setdefault(f"{other}.{p.id}", planted.get(i + 1, True))


def test_most_of_the_reference_rule_set_is_generated(reference: CompiledRuleSet) -> None:
    """Only aggregations over lists and a few calls stay closures (a regression guard: a shape
    the generator forgot would silently fall back)."""
    writer = codegen._Writer()
    for item in reference.plan:
        writer.emit(item.expr.ir, 1)
    calls = sum(1 for line in writer.lines if line.rstrip().endswith("(ctx)"))
    assert len(writer.lines) > 300
    assert calls <= 12, calls


def test_rule_file_text_never_reaches_the_generated_source() -> None:
    """Names, texts and numbers of a rule file are namespace constants, not source text: a
    text built to break out of a string literal is just a value."""
    from aidrules.ruleset.compile import compile_text
    from security.helpers import with_derived

    payload = "x') or __import__('os').system('false') or ('"
    rs = compile_text(with_derived(("sneaky", "text", f'"{payload}" if client.motivation > 1 else "y"')))
    expr = next(item.expr for item in rs.plan if item.id == "sneaky")
    fn = expr.fn
    writer = codegen._Writer()
    writer.emit(expr.ir, 1)
    source = "\n".join(writer.lines)
    assert "__import__" not in source and "sneaky" not in source
    (generated,) = codegen.generate([expr.ir])
    ctx = Context({"client": {"motivation": 3}}, {}, date(2025, 3, 1))
    assert generated(ctx) == fn(ctx) == payload


EDGE_EXPRESSIONS = [
    ("number", "total_income / (client.motivation - 2)"),
    ("number", "client.motivation * 10000000000000 * 10000000000000"),
    ("number", "total_income * 10000000000000 * 10000000000000"),
    ("integer", "client.motivation * 1000000000000 * 1000000000000 * 10"),
    ("bool", "client.motivation in [1, 2, household.adults]"),
    ("bool", "client.motivation not in [household.adults, 3]"),
    ("bool", "client.consents and client.motivation > 2 or household.adults == 2"),
    ("bool", "not (client.consents or client.participates) and not client.is_enterprise"),
    ("integer", "client.motivation if client.consents else -household.adults"),
    ("bool", "client.csr_revoked_on is None or client.csr_revoked_on is not None and client.motivation > 1"),
    ("integer", "max(client.motivation, household.adults, 2) - min(household.adults, 1)"),
    ("money", "clamp(total_income - 100.50, 0, 1000) + round(total_income / 3, 2)"),
    ("integer", "years_between(client.csr_revoked_on, decision_date) if client.csr_revoked_on is not None else 0"),
    (
        "bool",
        "client.csr_revoked_on is None or months_between(add_days(client.csr_revoked_on, 1), decision_date) >= 6",
    ),
]
FACT_TREES = [
    {},
    {"client": None, "household": None},
    {"client": {}, "household": {}},
    {"client": {"motivation": 2, "consents": True}, "household": {"adults": 2}},
    {"client": {"motivation": 4, "consents": False, "participates": None, "is_enterprise": False}},
    {"client": {"motivation": None, "consents": None, "csr_revoked_on": date(2022, 5, 1)}, "household": {"adults": 1}},
    {
        "client": {"motivation": 3, "consents": True, "participates": True, "is_enterprise": True},
        "household": {"adults": 3},
    },
]


@pytest.mark.parametrize(("kind", "expression"), EDGE_EXPRESSIONS)
def test_generated_functions_agree_on_edge_cases(kind: str, expression: str) -> None:
    """Division by zero, overflow, unknowns in every position, none, short-circuits."""
    from aidrules.ruleset.compile import compile_text
    from security.helpers import with_derived

    rs = compile_text(with_derived(("edge", kind, expression)))
    expr = next(item.expr for item in rs.plan if item.id == "edge")
    fn = expr.fn
    (generated,) = codegen.generate([expr.ir])
    assert generated is not fn
    outcomes = set()
    for tree in FACT_TREES:
        for income in (Decimal("0"), Decimal("1234.56"), Unknown(frozenset({"incomes"}))):
            ctx = Context(tree, {"total_income": income}, date(2025, 3, 1))
            with localcontext(DECIMAL_CONTEXT):
                expected = _outcome(fn, ctx)
                assert _outcome(generated, ctx) == expected, (tree, income)
            outcomes.add(expected[0])
    assert len(outcomes) > 1, outcomes  # the cases reach more than one kind of result


def _closure_plan(rs: CompiledRuleSet, ctx: Context) -> tuple[str, Any]:
    """The plan as the engine ran it before it was generated: the reference semantics."""
    from decimal import ROUND_HALF_UP

    from aidrules.expr.runtime import CENT

    values = ctx.values
    for item in rs.plan:
        try:
            value = item.expr.fn(ctx)
        except Exception as exc:
            return "error", (item.id, type(exc).__name__, str(exc))
        if (
            item.kind == "derived"
            and isinstance(item.type, t.Number)
            and item.type.money
            and type(value) in (Decimal, int)
        ):
            value = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
        values[item.id] = value
    for p in rs.principles:
        values[f"principles.{p.id}"] = _kleene_and([values[c] for c in p.requires])
    for f in rs.forms:
        parts = [f"principles.{p}" for p in f.principles] + list(f.requires)
        values[f"forms.{f.id}"] = _kleene_and([values[c] for c in parts])
    return "values", {k: _outcome(lambda ctx, v=v: v, ctx) for k, v in values.items()}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=case_and_partial(), planted=st.sampled_from([None, *REPLACEMENTS]), at=st.integers(0, 200))
def test_the_generated_plan_computes_what_the_closures_compute(
    rules: Subject, pair: Any, planted: Any, at: int
) -> None:
    """Every value, its rounding to the cent, principles and forms; an error names its step.
    A planted parameter value (unknown, zero, none) takes the plan down unusual branches."""
    rs = rules[0]
    case = parse_facts(pair[1])
    day = rs.meta.effective.from_
    prep = prepared(rs)
    base, _ = prep.parameters_at(day)
    base = dict(base)
    if planted is not None and base:
        base[sorted(base)[at % len(base)]] = planted
    expected_ctx = Context(fact_tree(case), dict(base), day)
    actual_ctx = Context(fact_tree(case), dict(base), day)
    with localcontext(DECIMAL_CONTEXT):
        expected = _closure_plan(rs, expected_ctx)
        step = [0]
        try:
            prep.plan(actual_ctx, step)
            actual: tuple[str, Any] = (
                "values",
                {k: _outcome(lambda ctx, v=v: v, actual_ctx) for k, v in actual_ctx.values.items()},
            )
        except Exception as exc:
            actual = "error", (prep.step_ids[step[0]], type(exc).__name__, str(exc))
    assert actual == expected


def _kleene_and(values: list[Any]) -> Any:
    unknown: Unknown | None = None
    for v in values:
        if v is False:
            return False
        if isinstance(v, Unknown):
            unknown = v if unknown is None else unknown.merge(v)
    return True if unknown is None else unknown


@pytest.mark.parametrize("joiner", [" and ", " or "])
def test_long_conjunctions_and_lists_stay_flat(joiner: str) -> None:
    """A form over a hundred principles, an `and` of 120 operands, an `in` list of 200 items:
    Python refuses more than 100 levels of indentation, so each operand must not nest deeper."""
    from aidrules.ruleset.compile import compile_text
    from security.helpers import with_derived

    wide = joiner.join(f"client.motivation != {i}" for i in range(120))
    listed = "client.motivation in [" + ", ".join(str(i) for i in range(200)) + "]"
    rs = compile_text(with_derived(("wide", "bool", wide), ("listed", "bool", listed)))
    exprs = [item.expr for item in rs.plan if item.id in ("wide", "listed")]
    fns = [e.fn for e in exprs]
    generated = codegen.generate([e.ir for e in exprs])
    for tree in FACT_TREES:
        ctx = Context(tree, {}, date(2025, 3, 1))
        assert [_outcome(g, ctx) for g in generated] == [_outcome(f, ctx) for f in fns]
    steps = [ir.Step(f"v{i}", _value("x"), False) for i in range(3)]
    plan = codegen.generate_plan(steps, [ir.Conjunction("all", tuple(f"v{i}" for i in range(3)) * 100)])
    values: dict[str, Any] = {"x": True}
    plan(Context({}, values, date(2025, 3, 1)), [0])
    assert values["all"] is True


# -- the intermediate form ---------------------------------------------------------------------
def _every_expression(rs: CompiledRuleSet) -> list[CompiledExpression]:
    """Every compiled expression of ``rs``: the plan, the values shown and named in messages,
    recommendation rows and actions (everything the engine generates code for)."""
    found: list[CompiledExpression] = []
    templates = []
    for item in rs.plan:
        found += [item.expr, *(e for _, e in item.shown)]
        templates += list(item.messages.values())
    found += [row.when for row in rs.rows]
    for action in rs.actions:
        found += [action.when, *(v.expr for v in action.values), *(e for _, e in action.shown)]
        templates.append(action.message)
    for template in templates:
        found += [p for parts in template.parts.values() for p in parts if not isinstance(p, str)]
    return found


def test_every_node_kind_of_the_shipped_rule_sets_has_an_emitter(rules: Subject) -> None:
    """A kind without an emitter would silently run as a closure call (correct, but slow): the
    kinds the shipped rule sets use must all be generated."""
    used = {type(node) for e in _every_expression(rules[0]) for node in e.ir.walk()}
    assert used, "no expressions found"
    assert {kind.kind for kind in used if kind not in codegen.EMITTERS} == set()


def test_the_kinds_list_names_every_node_class_once() -> None:
    """``ir.KINDS`` is the catalogue the emitter table and docs go by: complete, names unique."""
    classes = {c for c in vars(ir).values() if isinstance(c, type) and issubclass(c, ir.Expr) and c is not ir.Expr}
    assert set(ir.KINDS) == classes
    assert len({c.kind for c in ir.KINDS}) == len(ir.KINDS)


def test_closures_carry_no_attributes_and_each_node_keeps_its_own_closure(rules: Subject) -> None:
    """The generator reads the typed form only: nothing is stuck on a closure any more, and the
    expression's closure is its root node's."""
    for e in _every_expression(rules[0]):
        assert e.ir.fn is e.fn, e.source
        for node in e.ir.walk():
            assert callable(node.fn) and vars(node.fn) == {}, (e.source, node.kind)


def test_the_intermediate_form_is_a_value_compiling_the_same_text_twice_gives_equal_trees(rules: Subject) -> None:
    """Nodes compare (and hash) by what they compute, not by their closures: the same text
    compiles again to an equal tree with new closures, and the rule set's texts are not all one."""
    rs = rules[0]
    env = rs.environment()
    exprs = {e.source: e for e in _every_expression(rs)}
    compared = 0
    for source, e in exprs.items():
        again, _ = compile_expression(source, env)
        if again is None:  # an action's value may name the action's own values
            continue
        assert again.ir == e.ir and hash(again.ir) == hash(e.ir) and again.ir.fn is not e.ir.fn, source
        compared += 1
    assert compared > len(exprs) // 2
    assert len({e.ir for e in exprs.values()}) > 1


class _Opaque(ir.Expr):
    """A node kind the generator has no emitter for."""

    kind = "opaque"


def test_a_node_kind_without_an_emitter_is_generated_as_a_call_of_its_closure() -> None:
    """The documented fallback: such a node, alone or inside generated code, runs its closure,
    with its unknowns taking part in the Kleene logic around it."""
    planted = Unknown(frozenset({"opaque.fact"}))
    opaque = _Opaque(fn=lambda ctx: ctx.values["x"])
    assert not codegen.generable(opaque)
    (alone,) = codegen.generate([opaque])
    assert alone is opaque.fn
    tree = _or((_and((opaque, _const(True))), _value("y")))
    writer = codegen._Writer()
    writer.emit(tree, 1)
    assert sum(1 for line in writer.lines if line.rstrip().endswith("(ctx)")) == 1
    (generated,) = codegen.generate([tree])
    outcomes = set()
    for x in (True, False, planted):
        for y in (True, False, Unknown(frozenset({"y.fact"}))):
            ctx = Context({}, {"x": x, "y": y}, date(2025, 3, 1))
            expected = _outcome(tree.fn, ctx)
            assert _outcome(generated, ctx) == expected, (x, y)
            outcomes.add(str(expected))
    assert len(outcomes) >= 4, outcomes


@pytest.mark.parametrize("failing", [0, 2, 3])
def test_a_failing_step_of_the_plan_is_named_by_the_line_its_error_came_through(failing: int) -> None:
    """Nothing is counted while the plan runs: ``at[0]`` is found from the error's line."""

    def divide() -> ir.Expr:
        return ir.Arith("/", _value("a"), _value("b"), fn=lambda ctx: None)

    steps = [ir.Step(f"s{i}", divide() if i == failing else _value("a"), False) for i in range(4)]
    plan = codegen.generate_plan(steps, [ir.Conjunction("all", ("s0",))])
    at = [0]
    with pytest.raises(ExpressionFailure, match="division by zero"):
        plan(Context({}, {"a": Decimal(1), "b": Decimal(0)}, date(2025, 3, 1)), at)
    assert at[0] == failing
    values: dict[str, Any] = {"a": Decimal(1), "b": Decimal(4)}
    plan(Context({}, values, date(2025, 3, 1)), at)
    assert values[f"s{failing}"] == Decimal("0.25")


def test_the_values_text_generated_with_the_plan_writes_the_bytes_of_compact_values_text() -> None:
    """``values_text`` (the compact ``values`` of a decision, generated in the plan's source) writes
    each class of value as the models' writer does, keeps the order of its names, and raises
    KeyError for a value missing or of a class it does not know (its caller then falls back)."""
    names = ["amount", "count", "flag", "unknown", "negative", "name"]
    heads = [("," if i else "{") + encode_string(n) + ":" for i, n in enumerate(names)]
    plan, values_text, _ = codegen.generate_plan_and_values_text(
        [ir.Step("amount", _value("a"), True)], [], names, heads, COMPACT_SCALARS
    )
    values: dict[str, Any] = {"a": Decimal("1.505")}
    plan(Context({}, values, date(2025, 3, 1)), [0])
    values |= {
        "count": 3,
        "flag": False,
        "unknown": Unknown(frozenset({"incomes"})),
        "negative": Decimal("-0.00"),
        "name": 'een "naam" – é',
    }
    shown = {n: None if values[n].__class__ is Unknown else values[n] for n in names}  # as the Decision holds them
    assert values_text(values) == compact_values_text(shown)
    assert values_text(values).startswith('{"amount":"1.51","count":3,"flag":false,"unknown":null,')
    with pytest.raises(KeyError):
        values_text({n: values[n] for n in names[:-1]})
    with pytest.raises(KeyError):
        values_text(values | {"count": 1.5j})


@pytest.mark.parametrize(
    "tree",
    [
        {},
        {"client": None, "debts": None},
        {"client": {}, "debts": []},
        {"client": {"a": 1}, "debts": [{"amount": Decimal("2.50")}]},
        {"client": {"a": None, "b": {"c": True}}},
        {"client": {"b": None}},
        {"client": {"b": {}}},
    ],
)
def test_a_fact_section_read_once_gives_what_each_read_gave(tree: dict[str, Any]) -> None:
    """Catches a fact whose first section is read once at the top of the plan (``_Writer.hoist``)
    giving another value than its own reads (the closures): a section absent (the fact's own
    unknown), known to be absent (None), a fact absent inside it, deeper paths, a fact read alone."""
    facts = [("client", "a"), ("client", "b", "c"), ("client", "a"), ("debts",), ("debts",), ("other", "x")]
    nodes = [_fact(parts, ".".join(parts)) for parts in facts]
    steps = [ir.Step(f"s{i}", node, False) for i, node in enumerate(nodes)]
    writer = codegen._plan_writer(steps, [])
    assert sum(1 for line in writer.lines if "NOFACT)" in line) == 2  # client and debts, read twice or more
    plan = codegen.generate_plan(steps, [])
    values: dict[str, Any] = {}
    plan(Context(tree, values, date(2025, 3, 1)), [0])
    ctx = Context(tree, {}, date(2025, 3, 1))
    assert [_outcome(lambda ctx, v=values[f"s{i}"]: v, ctx) for i in range(len(nodes))] == [
        _outcome(node.fn, ctx) for node in nodes
    ]
