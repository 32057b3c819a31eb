"""What a compiled rule set may cost: the worst-case steps of one evaluation and the size of its
generated code, per item, checked against ``max_evaluation_steps`` and ``max_code_nodes`` of
:class:`~aidrules.limits.Limits` when a rule set is compiled (``RS207``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from decimal import Decimal

from aidrules._frozen import Frozen, field_names
from aidrules.errors import Span
from aidrules.expr import nodes as n
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.cost import expression_cost, expression_size
from aidrules.facts.shape import list_cap
from aidrules.limits import Limits


def evaluation_cost(
    ruleset: object, limits: Limits, found: Expressions | None = None
) -> tuple[int, list[tuple[int, str, Span | None]]]:
    """The worst-case steps of one evaluation of a compiled rule set, and the cost per item.

    Every compiled expression of the rule set (named values, messages, recommendation rows,
    actions, and whatever else it holds) runs at most once per decision, so the sum of their
    costs bounds the work of any evaluation. A list is as long as the case model and the limits
    allow (:func:`aidrules.facts.shape.list_cap`). Items are named by their ``id`` where they have
    one, most expensive first, with the position of the item when it has one. ``found``: the
    rule set's :func:`expressions`, when the caller already has them.
    """

    def cap(path: str) -> int:
        return list_cap(path, limits)

    return _per_item(expressions(ruleset) if found is None else found, lambda node: expression_cost(node, limits, cap))


def code_size(ruleset: object, found: Expressions | None = None) -> tuple[int, list[tuple[int, str, Span | None]]]:
    """The nodes of every expression of a compiled rule set together (see ``max_code_nodes``), and
    per item, largest first, as :func:`evaluation_cost` gives the steps."""
    return _per_item(expressions(ruleset) if found is None else found, expression_size)


#: Every compiled expression of a rule set: (the item holding it, its position, its syntax tree).
Expressions = list[tuple[str, Span | None, n.Node]]

_SCALARS = frozenset({str, int, float, Decimal, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        if issubclass(cls, Frozen):
            names = _FIELDS[cls] = field_names(cls)
        else:
            names = _FIELDS[cls] = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]  # a dataclass
    return names


def expressions(ruleset: object) -> Expressions:
    """One walk over everything a compiled rule set holds (dataclasses and ``Frozen`` values,
    mappings, tuples and lists; each object once, except an expression held in several places,
    which counts in each), giving every compiled expression with the item that holds it, in the
    order found. Both measures read the same walk, so compiling walks the rule set once."""
    found: Expressions = []
    seen: set[int] = set()

    def visit(obj: object, owner: str, span: Span | None) -> None:
        if isinstance(obj, CompiledExpression):
            found.append((owner, span, obj.node))
            return
        if type(obj) in _SCALARS or isinstance(obj, str | int | float | Decimal) or id(obj) in seen:
            return
        seen.add(id(obj))
        if (is_dataclass(obj) or isinstance(obj, Frozen)) and not isinstance(obj, type):
            own = getattr(obj, "id", None) if obj is not ruleset else None
            if not isinstance(own, str) and isinstance(getattr(obj, "recommend", None), str):
                own = "recommendation"
            label = owner if not isinstance(own, str) else f"{owner}.{own}" if owner else own
            where = getattr(obj, "span", None)
            here = where if isinstance(where, Span) else span
            for name in _field_names(type(obj)):
                visit(getattr(obj, name), label, here)
        elif type(obj) is dict or isinstance(obj, Mapping):
            for value in obj.values():
                visit(value, owner, span)
        elif isinstance(obj, tuple | list):
            for item in obj:
                visit(item, owner, span)

    visit(ruleset, "", None)
    return found


def _per_item(found: Expressions, measure: Callable[[n.Node], int]) -> tuple[int, list[tuple[int, str, Span | None]]]:
    per_item: dict[str, int] = {}
    spans: dict[str, Span | None] = {}
    for owner, span, node in found:
        per_item[owner] = per_item.get(owner, 0) + measure(node)
        spans.setdefault(owner, span)
    ranked = sorted(
        ((cost, item or "(rule set)", spans[item]) for item, cost in per_item.items()),
        key=lambda r: (-r[0], r[1]),
    )
    return sum(per_item.values()), ranked
