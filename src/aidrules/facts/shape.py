"""The shape of the case model, read once: the fields of every record and the bound of every list.

One walk over :class:`~aidrules.facts.model.Case` and the models it holds gives, by fact path
without list indices (``""`` for the case, ``household``, ``debts``), the names of the record's
fields and, for each list, the most items the model allows. Validation messages suggest field
names from it; the evaluation cost model bounds lists by it.

Example:
    >>> model_shape().fields["household"][:3]
    ('category', 'adults', 'children')
    >>> from aidrules.limits import DEFAULT_LIMITS
    >>> list_cap("incomes", DEFAULT_LIMITS), list_cap("household.children", DEFAULT_LIMITS)
    (100, 500)
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import cache

from annotated_types import MaxLen
from pydantic import BaseModel

from aidrules.facts.model import Case
from aidrules.limits import Limits


@dataclass(frozen=True)
class ModelShape:
    """``fields``: field names of each record, by path; ``lists``: each list's own bound (or None)."""

    fields: dict[str, tuple[str, ...]]
    lists: dict[str, int | None]


@cache
def model_shape() -> ModelShape:
    """The shape of :class:`Case` (see the module docstring)."""
    names: dict[str, tuple[str, ...]] = {}
    lists: dict[str, int | None] = {}
    pending: list[tuple[type[BaseModel], str]] = [(Case, "")]
    while pending:
        model, prefix = pending.pop(0)
        names[prefix] = tuple(model.model_fields)
        for name, info in model.model_fields.items():
            path = f"{prefix}.{name}" if prefix else name
            stack: list[object] = [info.annotation]
            while stack:
                tp = stack.pop()
                if typing.get_origin(tp) is list:
                    lists[path] = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
                    stack.extend(typing.get_args(tp))
                elif isinstance(tp, type) and issubclass(tp, BaseModel):
                    pending.append((tp, path))
                else:
                    stack.extend(typing.get_args(tp))
    return ModelShape(names, lists)


def list_cap(fact_path: str, limits: Limits) -> int:
    """The most items the list at ``fact_path`` (``debts``, ``household.children``) can hold."""
    cap = model_shape().lists.get(fact_path)
    return limits.max_list_items if cap is None else min(cap, limits.max_list_items)
