"""What one expression costs, measured against :class:`~aidrules.limits.Limits`.

``max_evaluation_steps`` bounds the steps of an evaluation on the largest case the limits allow
and ``max_code_nodes`` the size of the code generated for a rule set; both are summed over a rule
set's expressions by :mod:`aidrules.ruleset.cost`.
"""

from __future__ import annotations

from collections.abc import Callable

from aidrules.expr import nodes as n
from aidrules.limits import Limits


def expression_cost(node: n.Node, limits: Limits, cap: Callable[[str], int] | None = None) -> int:
    """An upper bound on the steps one evaluation of ``node`` takes on the largest case.

    Each node costs one step; an aggregation over a list costs its list's largest length times the
    cost of its condition and element (nested aggregations multiply). ``cap`` gives the largest
    length of the list at a fact path (``debts``; by default ``max_list_items`` for every list).
    Loop variables stand for one list item, so a list reached through a loop variable has no fact
    path: it gets ``max_list_items``.

    Example:
        >>> from aidrules.expr.parser import parse
        >>> from aidrules.limits import DEFAULT_LIMITS
        >>> expression_cost(parse("sum(d.amount for d in debts)"), DEFAULT_LIMITS)
        1002
    """
    size = cap or (lambda path: limits.max_list_items)
    loop_vars: set[str] = set()

    def cost(node: n.Node) -> int:
        if isinstance(node, n.Aggregate):
            iterable = node.iterable
            if isinstance(iterable, n.Name) and iterable.parts[0] not in loop_vars:
                length = size(iterable.dotted)
            else:
                length = limits.max_list_items
            shadowed = node.variable in loop_vars
            loop_vars.add(node.variable)
            per_item = 1 + cost(node.element) + (cost(node.condition) if node.condition is not None else 0)
            if not shadowed:
                loop_vars.discard(node.variable)
            return 1 + cost(iterable) + length * per_item
        return 1 + sum(cost(child) for child in n.children(node))

    return cost(node)


def expression_size(node: n.Node) -> int:
    """The nodes of an expression: what the code generated for it grows with.

    Example:
        >>> from aidrules.expr.parser import parse
        >>> expression_size(parse("a + b * 2"))
        5
    """
    size = 0
    stack = [node]
    while stack:  # without recursion: the depth is bounded, but a loop costs nothing
        current = stack.pop()
        size += 1
        stack.extend(n.children(current))
    return size
