"""The dependency graph of a compiled rule set: what every rule reads, built once by the compiler.

Like the ``Graph`` OPA's compiler exposes, this is the one place that knows which facts,
parameters and named values each part of a rule set reads. Explanations (which facts a blocked
form depends on), the static checks (which facts to vary for a rule), the impact study and
``aidrules diff`` (which conditions a changed parameter reaches) ask it instead of walking the
expressions themselves.

Nodes are named as the engine names values during evaluation:

========================  ================  =============================================
node                      kind              reads
========================  ================  =============================================
``client.motivation``     ``fact``          (a fact pattern: ``debts[].amount``, ``debts``)
``maximum_supplementary`` ``parameter``     nothing
``dignity_shortfall``     ``derived``       facts and named values of its expression
``csr.own_will``          ``condition``     facts and named values of its expression
``principles.voluntary``  ``principle``     its required conditions
``forms.budget_guidance`` ``form``          its principles, then its required conditions
``row:0``                 ``row``           the ``when`` of recommendation rule 1
``recommendation``        ``recommendation`` every row, in order
``action:refer``          ``action``        the action's ``when``
``actions.refer.amount``  ``action_value``  the value's expression
========================  ================  =============================================

Texts (messages, shown values) are not edges: they never change an outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal

from aidrules._frozen import Frozen
from aidrules.expr import nodes as n
from aidrules.facts.schema import case_type

if TYPE_CHECKING:
    from aidrules.expr.compiler import CompiledExpression

NodeKind = Literal[
    "fact",
    "parameter",
    "derived",
    "condition",
    "principle",
    "form",
    "row",
    "recommendation",
    "action",
    "action_value",
]

#: Kinds whose value is a yes/no a principle, form, rule or action can require.
_YES_NO: frozenset[str] = frozenset({"derived", "condition", "principle", "form"})


def expression_facts(node: n.Node) -> tuple[str, ...]:
    """Fact patterns an expression reads, in order: list item fields as ``incomes[].monthly_net``,
    the list an aggregate walks as ``incomes``, a whole list item as its list."""
    roots = set(case_type().field_names())
    out: list[str] = []
    pending: list[tuple[n.Node, dict[str, str]]] = [(node, {})]
    while pending:
        current, scope = pending.pop()
        if isinstance(current, n.Name):
            head = current.parts[0]
            if head in scope:
                rest = current.parts[1:]
                out.append(scope[head] + ("[]." + ".".join(rest) if rest else ""))
            elif head in roots:
                out.append(current.dotted)
            continue
        if isinstance(current, n.Aggregate):
            label = _list_label(current.iterable, scope)
            inner = {**scope, current.variable: label} if label else scope
            later: list[tuple[n.Node, dict[str, str]]] = [(current.iterable, scope)]
            if current.condition is not None:
                later.append((current.condition, inner))
            later.append((current.element, inner))
            pending.extend(reversed(later))
            continue
        pending.extend((child, scope) for child in reversed(n.children(current)))
    return tuple(dict.fromkeys(out))


def reads_of(expr: CompiledExpression) -> list[str]:
    """What an expression reads: its fact patterns in order, then the named values, sorted."""
    return [*expression_facts(expr.node), *sorted(expr.names)]


def _list_label(iterable: n.Node, scope: dict[str, str]) -> str | None:
    if not isinstance(iterable, n.Name):
        return None
    head = iterable.parts[0]
    if head in scope:
        return scope[head] + "[]." + ".".join(iterable.parts[1:])
    return iterable.dotted


# A Frozen value (aidrules._frozen.Frozen, with its own __init__): no dataclass methods are
# written and exec'd for it at every start.
_set = object.__setattr__


class DependencyGraph(Frozen):
    """Who reads whom in one rule set. Immutable; every query is answered from the built maps.

    Example:
        >>> import aidrules
        >>> g = aidrules.load().graph
        >>> "client.consents" in g.reads_facts("principles.voluntary")
        True
    """

    __slots__ = ("_facts", "_readers", "edges", "kinds", "order")
    _hidden = frozenset({"_facts", "_readers"})  # derived from the edges: neither compared nor shown
    kinds: Mapping[str, NodeKind]
    edges: Mapping[str, tuple[str, ...]]  # node -> what it reads directly, in the order written
    order: tuple[str, ...]  # topological: every node after everything it reads
    _facts: Mapping[str, frozenset[str]]
    _readers: Mapping[str, tuple[str, ...]]

    def __init__(
        self,
        kinds: Mapping[str, NodeKind],
        edges: Mapping[str, tuple[str, ...]],
        order: tuple[str, ...],
        _facts: Mapping[str, frozenset[str]],
        _readers: Mapping[str, tuple[str, ...]],
    ) -> None:
        _set(self, "kinds", kinds)
        _set(self, "edges", edges)
        _set(self, "order", order)
        _set(self, "_facts", _facts)
        _set(self, "_readers", _readers)

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def build(cls, items: Iterable[tuple[str, NodeKind, Iterable[str]]]) -> DependencyGraph:
        """The graph of ``(node, kind, what it reads)`` entries, in the order of the rule file; what
        is read but has no entry of its own is a fact. :func:`reads_of` gives an expression's reads."""
        kinds: dict[str, NodeKind] = {}
        edges: dict[str, tuple[str, ...]] = {}
        for node, kind, reads in items:
            kinds[node] = kind
            edges[node] = tuple(dict.fromkeys(reads))
        for reads in list(edges.values()):
            for dep in reads:
                if dep not in kinds:
                    kinds[dep] = "fact"
                    edges[dep] = ()
        order = _topological(edges)
        facts: dict[str, frozenset[str]] = {}
        readers: dict[str, list[str]] = {node: [] for node in edges}
        for node in order:
            found: set[str] = set()
            for dep in edges[node]:
                readers[dep].append(node)
                found |= {dep} if kinds[dep] == "fact" else facts[dep]
            facts[node] = frozenset(found)
        return cls(kinds, edges, order, facts, {k: tuple(v) for k, v in readers.items()})

    # -- queries ----------------------------------------------------------------------------
    def kind(self, node: str) -> NodeKind | None:
        return self.kinds.get(node)

    def nodes(self, *kinds: NodeKind) -> tuple[str, ...]:
        """Every node of the given kinds (all nodes without kinds), in topological order."""
        return tuple(x for x in self.order if not kinds or self.kinds[x] in kinds)

    def reads(self, node: str) -> tuple[str, ...]:
        """What ``node`` reads directly (facts and named values), in the order written."""
        return self.edges.get(node, ())

    def requires(self, node: str) -> tuple[str, ...]:
        """The named yes/no values ``node`` needs: a principle's conditions, a form's principles and
        conditions (in the order written); the derived values, conditions, principles and forms a
        recommendation rule or an action reads (sorted)."""
        kind = self.kinds.get(node)
        if kind in ("principle", "form"):
            return self.edges[node]
        if kind in ("row", "action"):
            return tuple(sorted(x for x in self.edges[node] if self.kinds[x] in _YES_NO))
        return ()

    def conditions_needed(self, node: str) -> frozenset[str]:
        """The conditions a principle or form needs, a form's through its principles."""
        out: set[str] = set()
        for req in self.requires(node):
            if self.kinds[req] == "principle":
                out |= self.conditions_needed(req)
            else:
                out.add(req)
        return frozenset(out)

    def reads_facts(self, node: str) -> frozenset[str]:
        """Every fact pattern ``node`` depends on, directly or through what it reads."""
        if self.kinds.get(node) == "fact":
            return frozenset({node})
        return self._facts.get(node, frozenset())

    def reads_of_kind(self, node: str, kind: NodeKind, through: Iterable[NodeKind] = ("derived",)) -> frozenset[str]:
        """Nodes of ``kind`` that ``node`` reads directly or through nodes of the kinds ``through``
        (by default derived values: what a condition itself computes with)."""
        via = frozenset(through)
        out: set[str] = set()
        seen: set[str] = set()
        pending = list(self.edges.get(node, ()))
        while pending:
            dep = pending.pop()
            if dep in seen:
                continue
            seen.add(dep)
            if self.kinds[dep] == kind:
                out.add(dep)
            if self.kinds[dep] in via:
                pending.extend(self.edges[dep])
        return frozenset(out)

    def readers(self, node: str) -> tuple[str, ...]:
        """The nodes that read ``node`` directly."""
        return self._readers.get(node, ())

    def dependents(self, node: str, through: Iterable[NodeKind] | None = None) -> frozenset[str]:
        """Every node whose value can change when ``node`` changes (transitively); with ``through``,
        only paths through nodes of those kinds are followed."""
        via = frozenset(through) if through is not None else None
        out: set[str] = set()
        pending = list(self.readers(node))
        while pending:
            current = pending.pop()
            if current in out:
                continue
            out.add(current)
            if via is None or self.kinds[current] in via:
                pending.extend(self.readers(current))
        return frozenset(out)


def _topological(edges: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Nodes after everything they read; ties in the order the nodes were added (no recursion:
    a chain of thousands of values must not reach Python's recursion limit)."""
    done: set[str] = set()
    out: list[str] = []
    for root in edges:
        if root in done:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        on_stack = {root}
        while stack:
            node, i = stack[-1]
            reads = edges[node]
            if i < len(reads):
                stack[-1] = (node, i + 1)
                dep = reads[i]
                if dep not in done and dep not in on_stack:  # the compiler has refused cycles already
                    stack.append((dep, 0))
                    on_stack.add(dep)
                continue
            stack.pop()
            on_stack.discard(node)
            done.add(node)
            out.append(node)
    return tuple(out)
