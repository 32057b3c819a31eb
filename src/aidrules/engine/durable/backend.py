"""The durable_rules backend: the yes/no inference of a rule set in a Rete network.

One evaluation: Python checks the case (as the compiled engine does), computes the terms and the
derived amounts that do not depend on any outcome (exact decimals, as the compiled engine does),
lowers them into one input fact per item and asserts those facts in a fresh durable_rules
session. The network decides every condition, principle, form, recommendation row, the
recommendation and each action's ``when``; its actions record the verdicts (and compute the
deferred terms that wait for them). The decision is then assembled from the verdicts by the
compiled engine's own code, so that texts and JSON are byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from aidrules.engine.admit import admit, failure
from aidrules.engine.assemble import decision
from aidrules.engine.compiled import prepared as compiled_state
from aidrules.engine.decide import Evaluation
from aidrules.engine.decision import Decision
from aidrules.engine.durable import rules as r
from aidrules.engine.durable.network import (
    ANY,
    BOOL,
    DATE,
    NUM,
    Arith,
    Choice,
    Item,
    Junction,
    Leaf,
    Lit,
    Network,
    Not,
    RecIs,
    Ref,
    Term,
    TermOp,
    Value,
    build,
    leaves,
    scaled,
)
from aidrules.engine.durable.rules import STATUS
from aidrules.engine.durable.runtime import OPEN, Engine, engine, load_durable
from aidrules.engine.trace import Tracer
from aidrules.errors import AidrulesError, Diagnostic, EvaluationError
from aidrules.expr.runtime import CENT, DECIMAL_CONTEXT, ExpressionFailure, Unknown
from aidrules.facts.model import Case
from aidrules.ruleset.compiled import CompiledRuleSet

#: durable_rules computes with doubles: whole numbers are exact up to 2**53.
EXACT = 2**53
#: durable_rules refuses a rule set of more rules than this (error 106, measured).
MAX_RULES = 4096


class DurablePrepared:
    """A rule set prepared for the durable_rules backend (see :func:`prepare`)."""

    def __init__(self, rs: CompiledRuleSet) -> None:
        self.rs = rs
        self.network: Network = build(rs)
        net = self.network
        self.names: dict[str, list[str]] = {}  # item key -> the named values that are its outcome
        for name, item in net.by_name.items():
            self.names.setdefault(item.target.key, []).append(name)
        self.values_by_id = {v.id: v for v in net.values}
        self.deferred_items = [i for i in net.items if i.alias is None and i.node is not None and i.waits_for()]
        self.rules: list[r.Rule] = []
        for item in net.items:
            if item.alias is not None:
                continue
            if item is net.recommendation:
                self.rules += r.recommendation_rules(net, rs.hit_policy, self.decider)
            else:
                assert item.node is not None
                self.rules += r.item_rules(item, self.decider)
        for value in net.values:
            if value.waits_for:
                waits = self.waits(value.waits_for)
                self.rules.append(r.wait_rule(f"{value.key}.compute", waits, _computer(value), value.id))
        for item in self.deferred_items:
            self.rules.append(r.wait_rule(f"{item.key}.input", self.waits(item.waits_for()), _inputter(item), item.id))
        self.rules.append(r.wait_rule("session.open", [(OPEN, "")], _nothing, "session"))
        if len(self.rules) > MAX_RULES:
            message = (
                f"rule set {rs.id} {rs.version} needs {len(self.rules)} durable_rules rules; durable_rules holds "
                f"at most {MAX_RULES} in one rule set; use --engine compiled"
            )
            raise EvaluationError(message, [Diagnostic("DU006", message, path="rules")])
        self.handlers = {rule.name: rule.handler for rule in self.rules}
        shape = json.dumps(r.definition(self.rules, lambda name: None), sort_keys=True, default=str)
        digest = hashlib.sha256((rs.fingerprint + "\n" + shape).encode("utf-8")).hexdigest()[:16]
        self.name = f"{rs.id}@{rs.version}:{digest}"

    def waits(self, keys: frozenset[str]) -> list[tuple[str, str]]:
        out = []
        for key in sorted(keys):
            value = self.values_by_id.get(key)
            out.append(("d", value.key) if value is not None else ("v", key))
        return out

    def decider(self, item: Item, outcome: r.Outcome) -> r.Handler:
        return _decider(item, outcome)

    def definition(self, run: Callable[[str], Any]) -> dict[str, Any]:
        return r.definition(self.rules, run)

    # -- the Prepared protocol ----------------------------------------------------------------
    def evaluate(
        self,
        facts: Case | dict[str, Any],
        on: date | None = None,
        *,
        lang: str = "nl",
        tracer: Tracer | None = None,
        check_period: bool = True,
    ) -> Decision:
        """Decide one case with durable_rules; the same decision as the compiled engine."""
        load_durable()  # says how to install durable_rules when it is gone (kept networks need it too)
        case, day = admit(self.rs, facts, on, lang, check_period)
        with localcontext(DECIMAL_CONTEXT):
            record = DurableEvaluation(self, case, day, lang).run()
            return decision(record, compiled_state(self.rs), tracer)


def prepare(rs: CompiledRuleSet) -> DurablePrepared:
    """The durable_rules network of ``rs`` (built once, then kept by the rule set)."""
    found = rs.prepare("durable")
    assert isinstance(found, DurablePrepared)
    return found


# -- one evaluation -------------------------------------------------------------------------------------
class DurableEvaluation(Evaluation):
    """An evaluation whose outcomes come from durable_rules; assembled like the compiled engine's."""

    def __init__(self, prepared: DurablePrepared, case: Case, day: date, lang: str) -> None:
        super().__init__(compiled_state(prepared.rs), case, day, lang)
        self.durable = prepared

    def decide(self) -> None:
        session = Session(self)
        facts = session.start()
        eng = engine()
        eng.call(_run, eng, self.durable, session, facts)
        session.finish()


def _run(eng: Engine, prepared: DurablePrepared, session: Session, facts: list[dict[str, Any]]) -> None:
    eng.register(prepared.name, prepared.definition)
    eng.session(prepared.name, session, facts)


class Session:
    """What one evaluation knows while the network runs (used on the engine thread)."""

    def __init__(self, ev: DurableEvaluation) -> None:
        self.ev = ev
        self.prepared = ev.durable
        self.net = ev.durable.network
        self.values = ev.values
        self.ctx = ev.ctx
        self.sid = ""
        self.decided: dict[str, tuple[str, list[str], int | None]] = {}
        self.errors: dict[str, BaseException] = {}  # term key or value id -> what it raised
        self.lowered: dict[str, dict[str, Any]] = {}  # term key -> its fields
        self.problems: list[BaseException] = []  # failures inside actions (never expected)
        self.inputs: set[str] = set()  # deferred items whose input fact was asserted
        self.fired = False  # whether any rule fired (see Engine.session)

    # -- before the network runs (caller's thread) ---------------------------------------------
    def start(self) -> list[dict[str, Any]]:
        """Compute what does not wait for the network; the input facts to assert."""
        for value in self.net.values:
            if not value.waits_for:
                self.compute(value)
        facts = []
        for item in self.net.items:
            if item.alias is None and item.node is not None and not item.waits_for():
                fact = self.input_fact(item)
                if fact is not None:
                    facts.append(fact)
        return facts

    def compute(self, value: Value) -> bool:
        """Compute a derived value (exact decimals); False when it failed."""
        try:
            result = value.fn(self.ctx)
        except Exception as exc:
            self.errors[value.id] = exc
            return False
        if value.money and (type(result) is Decimal or type(result) is int):
            result = Decimal(result).quantize(CENT, rounding=ROUND_HALF_UP)
        self.values[value.id] = result
        return True

    def input_fact(self, item: Item) -> dict[str, Any] | None:
        """The input fact of ``item``: its terms, lowered (None: it tests no term)."""
        terms = item.terms()
        if item.node is None or (not terms and not any(leaf.test == "const" for leaf in leaves(item.node))):
            return None
        fact: dict[str, Any] = {"t": r.fact_type("i", item.key), "k": item.key}
        for term in terms:
            fields = self.lower(term)
            fact[term.status] = fields[term.status]
            if term.missing in fields:
                fact[term.missing] = fields[term.missing]
        for term, scale in item.fields():
            name = term.at(scale)
            if name in self.lowered[term.key]:
                fact[name] = self.lowered[term.key][name]
        for leaf in item.arithmetic():
            _check_arithmetic(leaf, fact, item)
        return fact

    def lower(self, term: Term) -> dict[str, Any]:
        found = self.lowered.get(term.key)
        if found is not None:
            return found
        fields: dict[str, Any]
        try:
            value = term.fn(self.ctx)
        except Exception as exc:
            self.errors[term.key] = exc
            fields = {term.status: STATUS["x"]}
        else:
            fields = _lowered(term, value)
        self.lowered[term.key] = fields
        return fields

    # -- while the network runs (engine thread) ------------------------------------------------
    def fire(self, rule: str, matched: dict[str, Any], c: Any) -> None:
        self.fired = True
        try:
            with localcontext(DECIMAL_CONTEXT):
                self.prepared.handlers[rule](matched, self, c)
        except AidrulesError as exc:
            self.problems.append(exc)
        except Exception as exc:  # pragma: no cover - a bug here must not vanish into durable_rules
            self.problems.append(exc)

    def assert_fact(self, c: Any, fact: dict[str, Any]) -> None:
        fact["sid"] = self.sid
        try:
            c.assert_fact(fact)
        except engine().not_handled:
            pass  # no rule waits for this fact

    def record(self, item: Item, verdict: str, missing: list[str], index: int | None, c: Any) -> None:
        self.decided[item.key] = (verdict, missing, index)
        fact: dict[str, Any] = {"t": r.fact_type("v", item.key), "k": item.key, "o": verdict, "m": missing}
        if item is self.net.recommendation:
            rs = self.ev.rs
            chosen = ""
            if verdict == "T":
                chosen = rs.rows[index].recommend if index is not None and index >= 0 else rs.otherwise or ""
                if chosen:
                    self.values["recommendation"] = chosen
            elif verdict == "U":
                self.values["recommendation"] = Unknown(frozenset(missing))
            fact["x"] = chosen
            fact["i"] = -1 if index is None else index
        else:
            outcome: Any = True if verdict == "T" else False if verdict == "F" else Unknown(frozenset(missing))
            for name in self.prepared.names.get(item.key, ()):
                self.values[name] = outcome
        self.assert_fact(c, fact)

    # -- after the network ran (caller's thread) -----------------------------------------------
    def finish(self) -> None:
        if self.problems:
            raise self.problems[0]
        ev, net = self.ev, self.net
        rs = ev.rs
        for named in rs.plan:
            if named.id in self.prepared.values_by_id:
                if named.id in self.errors:
                    raise _failure(named.id, self.errors[named.id])
                if named.id not in self.values:
                    self.undecided(self.prepared.values_by_id[named.id], named.id)
            elif net.by_name[named.id].target.key not in self.decided:
                self.undecided(net.by_name[named.id], named.id)
        rec = self.decided.get(net.recommendation.key)
        if rec is None:
            for row in net.rows:
                if row.target.key not in self.decided:
                    self.undecided(row, row.where)
            raise AssertionError("durable backend: the recommendation was not decided")  # pragma: no cover
        verdict, missing, index = rec
        if verdict == "E":
            hits = [i for i, row in enumerate(net.rows) if self.decided[row.target.key][0] == "T"]
            ev.rec = ev.choose(hits, frozenset())
        elif verdict == "U":
            ev.rec = ev.choose([], frozenset(missing))
        else:
            ev.rec = ev.choose([index] if index is not None and index >= 0 else [], frozenset())
        whens = []
        for item in net.whens:
            found = self.decided.get(item.target.key)
            if found is None:
                self.undecided(item, item.where)
            else:
                whens.append(_outcome(found))
        ev.whens = whens

    def undecided(self, what: Item | Value, where: str) -> None:
        """Raise what kept ``what`` from being decided (as the compiled engine would have)."""
        exc = self.cause(what, set())
        if exc is None:  # pragma: no cover - every undecided item has a failed part
            message = f"{where}: the durable_rules backend could not decide this rule"
            raise EvaluationError(message, [Diagnostic("DU003", message, path=where)])
        raise _failure(where, exc)

    def cause(self, what: Item | Value, seen: set[str]) -> BaseException | None:
        if isinstance(what, Value):
            if what.id in self.errors:
                return self.errors[what.id]
            return self.waiting(what.waits_for, seen)
        item = what.target
        if item.key in seen:
            return None
        seen.add(item.key)
        for term in item.terms():
            if term.key in self.errors:
                return self.errors[term.key]
        found = self.waiting(item.waits_for(), seen)
        if found is not None:
            return found
        for leaf_or_ref in _references(item):
            if leaf_or_ref.target.key not in self.decided:
                found = self.cause(leaf_or_ref, seen)
                if found is not None:
                    return found
        return None

    def waiting(self, keys: frozenset[str], seen: set[str]) -> BaseException | None:
        for key in sorted(keys):
            value = self.prepared.values_by_id.get(key)
            if value is not None:
                if value.id not in self.values:
                    found = self.cause(value, seen)
                    if found is not None:
                        return found
            else:
                item = next(i for i in self.net.items if i.key == key)
                if key not in self.decided:
                    found = self.cause(item, seen)
                    if found is not None:
                        return found
        return None


def _references(item: Item) -> list[Item]:
    out: list[Item] = []

    def walk(node: Any) -> None:
        if isinstance(node, Ref | RecIs):
            out.append(node.item)
        elif isinstance(node, Not):
            walk(node.child)
        elif isinstance(node, Junction):
            for child in node.children:
                walk(child)
        elif isinstance(node, Choice):
            walk(node.cond)
            walk(node.then)
            walk(node.otherwise)

    if item.node is not None:
        walk(item.node)
    elif item.kind == "recommendation":
        pass
    return out


# -- handlers (run on the engine thread, inside durable_rules actions) -------------------------------------
def _nothing(matched: dict[str, Any], session: Session, c: Any) -> None:
    """The ``open`` rule: it only has to match."""


def _decider(item: Item, outcome: r.Outcome) -> r.Handler:
    verdict, local_sources, index = outcome.verdict, outcome.local, outcome.index
    is_recommendation = item.kind == "recommendation"

    def decide(matched: dict[str, Any], session: Session, c: Any) -> None:
        if item.key in session.decided:
            return  # another rule reached the same outcome first
        missing: list[str] = []
        if verdict == "U":
            found: set[str] = set()
            own = matched.get("j")
            if own is not None:
                for name in local_sources:
                    found.update(own.get(name, ()))
            for alias, fact in matched.items():
                if alias.startswith("r"):
                    found.update(fact["m"])
                    if is_recommendation and fact["o"] == "U" and not fact["m"]:
                        found.add("?")  # an unknown row that names no fact (as the compiled engine)
            missing = sorted(found)
        session.record(item, verdict, missing, index, c)

    return decide


def _computer(value: Value) -> r.Handler:
    def compute(matched: dict[str, Any], session: Session, c: Any) -> None:
        if value.id in session.values or value.id in session.errors:
            return
        if session.compute(value):
            session.assert_fact(c, {"t": r.fact_type("d", value.key), "k": value.key})

    return compute


def _inputter(item: Item) -> r.Handler:
    def assert_input(matched: dict[str, Any], session: Session, c: Any) -> None:
        if item.key in session.inputs:
            return
        session.inputs.add(item.key)
        fact = session.input_fact(item)
        if fact is not None:
            session.assert_fact(c, fact)

    return assert_input


# -- lowering values ------------------------------------------------------------------------------------
def _lowered(term: Term, value: Any) -> dict[str, Any]:
    if isinstance(value, Unknown):
        return {term.status: STATUS["u"], term.missing: sorted(value.facts)}
    if value is None:
        return {term.status: STATUS["n"]}
    fields: dict[str, Any] = {term.status: STATUS["k"]}
    kind = term.kind
    if kind == ANY:
        return fields
    if kind == NUM:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise EvaluationError(f"durable backend: `{term.label}` is not a number: {value!r}")
        for scale in term.scales:
            fields[term.at(scale)] = _exact(value, scale, term.label)
    elif kind == DATE:
        fields[term.key] = value.toordinal()
    elif kind == BOOL:
        fields[term.key] = bool(value)
    else:
        fields[term.key] = value
    return fields


def _exact(value: int | Decimal, scale: int, label: str) -> int:
    try:
        whole = scaled(value, scale)
    except ValueError:
        message = f"`{label}` = {value} has more decimals than the durable_rules backend can compare exactly"
        raise EvaluationError(message, [Diagnostic("DU002", message, path=label)]) from None
    if not -EXACT <= whole <= EXACT:
        message = (
            f"`{label}` = {value} is too large for the durable_rules backend (it compares numbers as "
            "doubles, exact up to 2^53); use --engine compiled"
        )
        raise EvaluationError(message, [Diagnostic("DU001", message, path=label)])
    return whole


def _check_arithmetic(leaf: Leaf, fact: dict[str, Any], item: Item) -> None:
    """Refuse a comparison whose arithmetic in the network would leave the exact range of doubles."""

    def value(op: Any) -> int | None:
        if isinstance(op, Lit):
            return int(op.value)
        if isinstance(op, TermOp):
            found = fact.get(op.term.at(op.scale))
            return None if found is None else int(found)
        assert isinstance(op, Arith)
        a, b = value(op.left), value(op.right)
        if a is None or b is None:
            return None
        result = a + b if op.op == "$add" else a - b if op.op == "$sub" else a * b
        if not -EXACT <= result <= EXACT:
            message = (
                f"{item.where}: an intermediate result is too large for the durable_rules backend (doubles, "
                "exact up to 2^53); use --engine compiled"
            )
            raise EvaluationError(message, [Diagnostic("DU001", message, path=item.where)])
        return result

    value(leaf.right)


def _outcome(found: tuple[str, list[str], int | None]) -> Any:
    verdict, missing, _ = found
    return True if verdict == "T" else False if verdict == "F" else Unknown(frozenset(missing))


def _failure(where: str, exc: BaseException) -> BaseException:
    if isinstance(exc, ExpressionFailure | ArithmeticError):
        return failure(where, exc)
    return exc
