"""The durable_rules rule set of a :class:`~aidrules.engine.durable.network.Network`.

Facts in one session (one evaluation):

- ``{"t": "i<g>", "k": <item>, ...}`` the *input fact* of an item: the lowered terms its tests
  read (``<g>`` groups item keys, see :data:`GROUP`).
  For each term ``xN``: ``xNs`` its status (:data:`STATUS`: 0 known, 1 unknown, 2 none, 3 failed),
  ``xN_<scale>`` (numbers) or ``xN`` (other values) when known, ``xNm`` the missing facts when
  unknown.
- ``{"t": "v<g>", "k": <item>, "o": "T"|"F"|"U", "m": [...]}`` the *verdict fact* an item's rule
  asserts: true, false or unknown with the facts that would settle it. The recommendation's
  verdict also has ``x`` (the form chosen) and ``i`` (the row that chose it; -1: ``otherwise``);
  ``o`` is ``E`` when two rows hold under hit policy ``unique``.
- ``{"t": "d<g>", "k": <value>}`` says that a deferred derived value has been computed.

Every item has one rule per way to reach each outcome (Kleene logic): ``a and b`` is false as
soon as one part is false (the parts before it decided, as the compiled engine evaluates them in
order), true when all are true, unknown when none is false and one is unknown. A rule's action
only records the outcome its conditions matched: the verdict, and for *unknown* the union of the
missing facts of the parts it matched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aidrules.engine.durable.network import (
    ANY,
    Arith,
    Choice,
    Item,
    Junction,
    Leaf,
    Lit,
    Network,
    Node,
    Not,
    Operand,
    RecIs,
    Ref,
    TermOp,
)

Json = Any
TRUE: Json = {"$true": 1}  # sentinels, removed when conditions are combined
FALSE: Json = {"$false": 1}

#: What an action does, given the matched facts (alias -> fact), the session and durable's closure.
Handler = Callable[[dict[str, Any], Any, Any], None]


@dataclass
class Rule:
    name: str
    patterns: list[tuple[str, Json]]  # (alias, pattern)
    handler: Handler
    item: str = ""  # the item (or value) it decides, for documentation


@dataclass
class Outcome:
    """What a rule of an item records."""

    verdict: str  # "T" | "F" | "U" | "E" (recommendation only)
    local: tuple[str, ...] = ()  # missing-facts fields of the input fact to unite (unknown only)
    index: int | None = None  # recommendation: the row chosen (-1: otherwise)


@dataclass
class _Alt:
    local: list[Local] = field(default_factory=list)
    remote: list[tuple[str, Json]] = field(default_factory=list)  # (item key, condition)
    sources: list[str] = field(default_factory=list)


def both(*conds: Json) -> Json:
    parts: list[Json] = []
    for c in conds:
        if c is FALSE:
            return FALSE
        if c is TRUE:
            continue
        parts.extend(c["$and"] if isinstance(c, dict) and set(c) == {"$and"} else [c])
    if not parts:
        return TRUE
    return parts[0] if len(parts) == 1 else {"$and": parts}


def either(*conds: Json) -> Json:
    parts: list[Json] = []
    for c in conds:
        if c is TRUE:
            return TRUE
        if c is FALSE:
            continue
        parts.extend(c["$or"] if isinstance(c, dict) and set(c) == {"$or"} else [c])
    if not parts:
        return FALSE
    return parts[0] if len(parts) == 1 else {"$or": parts}


# -- tests on the input fact -------------------------------------------------------------------------
# durable_rules 2.0.28 evaluates a test between two fields (a reference to another pattern)
# wrongly when the reference stands inside an `$or`, or after an `$or` in an `$and` (measured:
# about one in four such conditions fires wrongly; tests/engine/test_durable_quirks.py). Tests
# without references are reliable in any nesting. So a condition on the input fact is kept as a
# disjunction of (references, test) pairs: each pair becomes its own rule, with its references
# first, at the top level of the pattern, and the reference-free test after them.
Local = list[tuple[tuple[str, ...], Json]]  # [(references as JSON text, test without references)]
_OPS = {"==": None, "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def plain(test: Json) -> Local:
    return [] if test is FALSE else [((), test)]


def any_of(*conds: Local) -> Local:
    return [pair for cond in conds for pair in cond]


def all_of(*conds: Local) -> Local:
    out: Local = [((), TRUE)]
    for cond in conds:
        cond = grouped(cond)  # one pair per set of references: the product stays small
        out = [(refs + more, both(test, other)) for refs, test in out for more, other in cond]
        out = [(refs, test) for refs, test in out if test is not FALSE]
    return out


def grouped(cond: Local) -> Local:
    """Pairs with the same references merged into one test (fewer rules)."""
    by_refs: dict[tuple[str, ...], list[Json]] = {}
    for refs, test in cond:
        key = tuple(sorted(set(refs)))
        by_refs.setdefault(key, []).append(test)
    out = [(refs, either(*tests)) for refs, tests in by_refs.items()]
    return [(refs, test) for refs, test in out if test is not FALSE]


#: Term statuses as numbers, so that the sets of statuses tests ask for are ranges (no `$or`).
STATUS = {"k": 0, "u": 1, "n": 2, "x": 3}


def _one_status(name: str, codes: tuple[str, ...]) -> Json:
    numbers = sorted(STATUS[c] for c in codes)
    if numbers == list(range(len(numbers))) and len(numbers) > 1:
        return {"$lte": {name: numbers[-1]}}
    return either(*({name: n} for n in numbers))


def _status(leaf: Leaf, *codes: str) -> Json:
    """Every term of ``leaf`` has one of ``codes``."""
    return both(*(_one_status(t.status, codes) for t in leaf.terms))


def _some(leaf: Leaf, code: str) -> Json:
    return either(*({t.status: STATUS[code]} for t in leaf.terms))


def _rhs(op: Operand) -> Json:
    if isinstance(op, Lit):
        return op.value
    if isinstance(op, TermOp):
        return {"i": op.term.at(op.scale)}
    name = op.op
    return {name: {"$l": _rhs(op.left), "$r": _rhs(op.right)}}


def _compare(op: str, left: TermOp, right: Operand) -> Json:
    name = _OPS[op]
    field_name = left.term.at(left.scale)
    return {field_name: _rhs(right)} if name is None else {name: {field_name: _rhs(right)}}


def _has_reference(op: Operand | None) -> bool:
    if isinstance(op, TermOp):
        return True
    if isinstance(op, Arith):
        return _has_reference(op.left) or _has_reference(op.right)
    return False


def local(leaf: Leaf, want: str) -> Local:
    """The condition on the input fact for ``want`` (T, F or U) of ``leaf``."""
    if leaf.test == "const":
        holds = leaf.const if want == "T" else not leaf.const if want == "F" else False
        return plain(TRUE if holds else FALSE)
    if leaf.test == "none":
        return plain(_status(leaf, {"T": "n", "F": "k", "U": "u"}[want]))
    if want == "U":
        if leaf.test == "cmp":
            return plain(both(_status(leaf, "k", "u", "n"), _some(leaf, "u")))
        return plain(_status(leaf, "u"))
    known = _status(leaf, "k")
    assert leaf.left is not None
    value = leaf.left.term.at(leaf.left.scale)
    if leaf.test == "atom":
        return plain(both(known, {value: want == "T"}))
    if leaf.test == "in":
        if want == "T":
            return plain(both(known, either(*({value: v} for v in leaf.values))))
        return plain(both(known, *({"$neq": {value: v}} for v in leaf.values)))
    assert leaf.right is not None
    test = _compare(leaf.op if want == "T" else _NEGATED[leaf.op], leaf.left, leaf.right)
    if _has_reference(leaf.right):
        return [((json.dumps(test, sort_keys=True),), known)]
    return plain(both(known, test))


def settled(leaf: Leaf) -> Local:
    """``leaf`` has an outcome (for a comparison: its terms are known, or it is unknown)."""
    if leaf.test == "cmp":
        return plain(either(_status(leaf, "k"), both(_status(leaf, "k", "u", "n"), _some(leaf, "u"))))
    return any_of(local(leaf, "T"), local(leaf, "F"), local(leaf, "U"))


# -- children of a junction ---------------------------------------------------------------------------
def _flip(want: str) -> str:
    return {"T": "F", "F": "T", "U": "U", "TU": "FU", "FU": "TU", "S": "S"}[want]


def _require(alt: _Alt, child: Node, want: str) -> None:
    """Add to ``alt`` that ``child`` has outcome ``want`` (T, F, U, TU, FU or S: settled)."""
    while isinstance(child, Not):
        child, want = child.child, _flip(want)
    wants = {"TU": ("T", "U"), "FU": ("F", "U"), "S": ("T", "F", "U")}.get(want, (want,))
    if isinstance(child, Leaf):
        alt.local.append(settled(child) if want == "S" else any_of(*(local(child, w) for w in wants)))
        return
    if isinstance(child, Ref):
        target = child.item.target
        cond = TRUE if want == "S" else either(*({"o": w} for w in wants))
        alt.remote.append((target.key, cond))
        return
    assert isinstance(child, RecIs)
    conds = []
    for w in wants:
        w = _flip(w) if child.negate else w
        if w == "U":
            conds.append({"o": "U"})
        else:
            test = {"x": child.value} if w == "T" else {"$neq": {"x": child.value}}
            conds.append(both({"o": "T"}, test))
    alt.remote.append((child.item.target.key, TRUE if want == "S" else either(*conds)))


def _sources(child: Node) -> list[str]:
    while isinstance(child, Not):
        child = child.child
    if isinstance(child, Leaf):
        return [t.missing for t in child.terms]
    return []


def alternatives(node: Node) -> dict[str, list[_Alt]]:
    """For each outcome, the ways to reach it."""
    negated = False
    while isinstance(node, Not):
        node, negated = node.child, not negated
    out: dict[str, list[_Alt]] = {"T": [], "F": [], "U": []}
    if isinstance(node, Junction):
        children = node.children
        every, first = ("T", "F") if node.op == "and" else ("F", "T")
        all_alt = _Alt()
        for child in children:
            _require(all_alt, child, every)
        out[every].append(all_alt)
        for i, child in enumerate(children):
            alt = _Alt()
            for before in children[:i]:
                _require(alt, before, "S")
            _require(alt, child, first)
            out[first].append(alt)
        others = "TU" if node.op == "and" else "FU"
        sources = [s for child in children for s in _sources(child)]
        for i in range(len(children)):
            alt = _Alt(sources=sources)
            for j, other in enumerate(children):
                _require(alt, other, "U" if i == j else others)
            out["U"].append(alt)
    else:
        assert isinstance(node, Choice)
        for want in ("T", "F"):
            for cond, branch in (("T", node.then), ("F", node.otherwise)):
                alt = _Alt()
                _require(alt, node.cond, cond)
                _require(alt, branch, want)
                out[want].append(alt)
        alt = _Alt(sources=_sources(node.cond))
        _require(alt, node.cond, "U")
        out["U"].append(alt)
        for cond, branch in (("T", node.then), ("F", node.otherwise)):
            alt = _Alt(sources=_sources(branch))
            _require(alt, node.cond, cond)
            _require(alt, branch, "U")
            out["U"].append(alt)
    if negated:
        out["T"], out["F"] = out["F"], out["T"]
    return out


# -- the rules --------------------------------------------------------------------------------------
#: durable_rules hangs when one test has more than 512 different values to compare with (a rule
#: set of 513 rules testing `k` against 513 keys never finishes registering, measured). Facts
#: are typed by kind *and* group of keys, so that no test sees more than GROUP keys.
GROUP = 256


def fact_type(kind: str, key: str) -> str:
    """The ``t`` of a fact of ``kind`` (``i`` input, ``v`` verdict, ``d`` computed) about ``key``."""
    return f"{kind}{int(key[1:]) // GROUP}"


def input_identity(key: str) -> list[Json]:
    return [{"t": fact_type("i", key)}, {"k": key}]


def verdict_identity(key: str) -> list[Json]:
    return [{"t": fact_type("v", key)}, {"k": key}]


def item_rules(item: Item, decide: Callable[[Item, Outcome], Handler]) -> list[Rule]:
    assert item.node is not None
    rules = []
    for verdict, alts in alternatives(item.node).items():
        for n, alt in enumerate(alts):
            remote = [(key, cond) for key, cond in alt.remote]
            if any(cond is FALSE for _, cond in remote):
                continue  # this way cannot happen
            pairs = grouped(all_of(*alt.local)) if alt.local else [((), TRUE)]
            outcome = Outcome(verdict, tuple(dict.fromkeys(alt.sources)) if verdict == "U" else ())
            split = [(refs, part) for refs, test in pairs for part in small(test)]
            for m, (refs, test) in enumerate(split):
                patterns: list[tuple[str, Json]] = []
                if alt.local:
                    if refs:
                        patterns.append(("i", {"$and": input_identity(item.key)}))
                    conds = [*input_identity(item.key), *(json.loads(ref) for ref in refs)]
                    conds += [] if test is TRUE else [test]
                    patterns.append(("j", {"$and": conds}))
                for k, (key, cond) in enumerate(remote):
                    patterns.append((f"r{k}", {"$and": [*verdict_identity(key), *([] if cond is TRUE else [cond])]}))
                if not patterns:  # pragma: no cover - every item tests a term or another item
                    raise AssertionError(f"rule without facts for {item.id}")
                rules.append(Rule(f"{item.key}.{verdict}{n}.{m}", patterns, decide(item, outcome), item.id))
    return rules


#: durable_rules refuses a pattern with more than 15 `$and`/`$or` (error 113, measured); the
#: pattern's own `$and` is one of them.
MAX_JUNCTIONS = 14


def junctions(cond: Json) -> int:
    if isinstance(cond, dict):
        own = 1 if set(cond) & {"$and", "$or"} else 0
        return own + sum(junctions(v) for v in cond.values())
    if isinstance(cond, list):
        return sum(junctions(v) for v in cond)
    return 0


def small(test: Json) -> list[Json]:
    """``test`` as one or more tests (alternatives) that durable_rules accepts."""
    if test is TRUE or junctions(test) <= MAX_JUNCTIONS:
        return [test]
    if "$or" in test:
        return [part for child in test["$or"] for part in small(child)]
    parts = test["$and"]
    widest = max((p for p in parts if isinstance(p, dict) and "$or" in p), key=junctions, default=None)
    if widest is None:  # pragma: no cover - a conjunction of plain tests has no junctions to split
        raise AssertionError("a test too large for durable_rules")
    rest = [p for p in parts if p is not widest]
    return [part for choice in widest["$or"] for part in small(both(*rest, choice))]


def recommendation_rules(network: Network, hit_policy: str, decide: Callable[[Item, Outcome], Handler]) -> list[Rule]:
    """The hit policy over the rows' verdicts."""
    rec = network.recommendation
    rows = [row.target.key for row in network.rows]
    count = len(rows)
    out: list[Rule] = []

    def rule(name: str, wants: dict[int, str], outcome: Outcome) -> None:
        patterns = []
        for r, (i, want) in enumerate(sorted(wants.items())):
            cond = either(*({"o": w} for w in want))  # want: "T", "F", "U", "FU" ...
            patterns.append((f"r{r}", {"$and": [*verdict_identity(rows[i]), cond]}))
        out.append(Rule(f"{rec.key}.{name}", patterns, decide(rec, outcome), "recommendation"))

    if hit_policy == "first":
        for k in range(count):
            rule(f"T{k}", {**{j: "F" for j in range(k)}, k: "T"}, Outcome("T", index=k))
        rule("Tn", {j: "F" for j in range(count)}, Outcome("T", index=-1))
        for k in range(count + 1):
            for u in range(k):
                wants = {j: "FU" for j in range(k)}
                wants[u] = "U"
                if k < count:
                    wants[k] = "T"
                rule(f"U{k}_{u}", wants, Outcome("U"))
    else:
        for i in range(count):
            for j in range(i + 1, count):
                rule(f"E{i}_{j}", {i: "T", j: "T"}, Outcome("E"))
            rule(f"T{i}", {j: ("T" if j == i else "F") for j in range(count)}, Outcome("T", index=i))
        rule("Tn", {j: "F" for j in range(count)}, Outcome("T", index=-1))
        for u in range(count):
            for hit in [None, *range(count)]:
                if hit == u:
                    continue
                wants = {j: "FU" for j in range(count)}
                wants[u] = "U"
                if hit is not None:
                    wants[hit] = "T"
                rule(f"U{u}_{'n' if hit is None else hit}", wants, Outcome("U"))
    return out


def wait_rule(name: str, waits: list[tuple[str, str]], handler: Handler, what: str) -> Rule:
    """A rule that fires once every fact in ``waits`` ((type, key) pairs) is there."""
    patterns = [
        (f"w{i}", {"$and": [{"t": fact_type(kind, key)}, {"k": key}]} if key else {"$and": [{"t": kind}]})
        for i, (kind, key) in enumerate(waits)
    ]
    return Rule(name, patterns, handler, what)


def definition(rules: list[Rule], run: Callable[[str], Any]) -> dict[str, Json]:
    """The durable_rules definition: rule name -> ``{"all": [...], "dist": 0, "run": run(name)}``.

    ``dist: 0`` lets two patterns of a rule match the same fact: a test between two fields of one
    input fact is written as a join of that fact with itself (references go to another pattern).
    """
    return {
        r.name: {"all": [{alias: pattern} for alias, pattern in r.patterns], "dist": 0, "run": run(r.name)}
        for r in rules
    }


__all__ = ["ANY", "Arith", "Outcome", "Rule", "definition", "item_rules", "recommendation_rules", "wait_rule"]
