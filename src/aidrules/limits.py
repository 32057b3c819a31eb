"""Limits on what a rule file, a case or an evaluation may cost.

Rule sets come from other organisations and cases from other software: aidrules treats them as
untrusted input. Every loader and the evaluation cost model read their bounds from one
:class:`Limits` value. The defaults are generous for real rule sets and cases (the reference
rule set uses less than a tenth of each) and small enough that loading or evaluating the largest
accepted input takes a few seconds at most. A caller may adjust them::

    >>> from dataclasses import replace
    >>> strict = replace(DEFAULT_LIMITS, max_document_chars=100_000)
    >>> strict.max_document_chars
    100000

and pass them to :func:`aidrules.load_ruleset`, :func:`aidrules.ruleset.compile_text`,
:func:`aidrules.load_case`, :func:`aidrules.facts.read_case_text` or
:func:`aidrules.parse_facts` as ``limits=``. Every refusal is a diagnostic (``RS004``/``RS207``
for rule files and YAML, ``CF005`` for cases) that names the limit. See ``docs/security.md``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cache
from pathlib import Path

from aidrules.errors import Span
from aidrules.expr import nodes as n


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on untrusted input. All values are positive whole numbers.

    Attributes:
        max_document_chars: characters in one rule file or case document (YAML or JSON). The
            reference rule set has about 70,000.
        max_nodes: YAML nodes (keys, values, list items) in one document, counting every node an
            alias repeats; JSON values in one case. The reference rule set has about 1,300; a
            case with every list full about 8,000.
        max_depth: nesting of mappings and lists in one document.
        max_aliases: uses of YAML aliases (``*name``) in one document.
        max_string_chars: characters in one text (a key, a value, a message).
        max_expanded_chars: characters of all texts (keys and values) in one YAML document,
            counting every text an alias repeats as often as it is repeated. The bound is never
            below ``max_document_chars``, so a document without aliases cannot reach it.
        max_number_chars: characters of one number as written in a file (``1250.00`` has 7).
        max_number_exponent: numbers in files and expressions lie between ``10**-e`` and
            ``10**(e+1)`` in size (or are zero); with 15, up to 9,999,999,999,999,999.
        max_expression_chars: characters in one expression.
        max_expression_depth: nesting of sub-expressions in one expression.
        max_list_items: items in any list of a case. Lists with a narrower bound of their own in
            the case model keep it (``incomes`` 100, ``expenses`` 200, ``debts`` 500).
        max_evaluation_steps: the most expensive evaluation a rule set may need, in expression
            steps, on the largest case the limits allow (every list full). Checked when the rule
            set is compiled, so a rule set that passes cannot be slowed down by any case.
        max_code_nodes: parts (nodes) of all the expressions of a rule set together, each
            expression counted wherever it is used. The Python generated for the first evaluation
            (``aidrules.expr.codegen``), and the memory and time to compile it, grow with it: about
            4 lines and 17 KB of compiler memory a node. The reference rule set has about 650.
    """

    max_document_chars: int = 1_000_000
    max_nodes: int = 50_000
    max_depth: int = 64
    max_aliases: int = 1_000
    max_string_chars: int = 20_000
    max_expanded_chars: int = 2_000_000
    max_number_chars: int = 40
    max_number_exponent: int = 15
    max_expression_chars: int = 4_000
    max_expression_depth: int = 40
    max_list_items: int = 500
    max_evaluation_steps: int = 2_000_000
    max_code_nodes: int = 10_000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits.{f.name} must be a positive whole number, got {value!r}")


#: The limits used when a caller gives none.
DEFAULT_LIMITS = Limits()


def number_in_range(value: Decimal | int, limits: Limits) -> bool:
    """Whether ``value`` is zero or lies within ``max_number_exponent``.

    Example:
        >>> number_in_range(Decimal("1E+16"), DEFAULT_LIMITS), number_in_range(1250, DEFAULT_LIMITS)
        (False, True)
    """
    if value == 0:
        return True
    if isinstance(value, int):  # compared as a whole number: converting a huge one would be slow
        bound: int = 10 ** (limits.max_number_exponent + 1)
        return -bound < value < bound
    adjusted = Decimal(value).adjusted()
    return -limits.max_number_exponent <= adjusted <= limits.max_number_exponent


def read_document(path: Path, limits: Limits) -> str:
    """Read a UTF-8 document, but never more than one character beyond the limit.

    A longer file comes back cut at ``max_document_chars + 1`` characters, so the loader refuses
    it by its length instead of reading, say, ``/dev/zero`` without end.

    Raises:
        OSError: the file cannot be read.
        UnicodeDecodeError: the file is not UTF-8.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read(limits.max_document_chars + 1)


def read_regular_document(path: Path, limits: Limits) -> str:
    """:func:`read_document` for a file that was *found* (in a searched directory), not named: only
    a regular file is read. A FIFO called ``x.yaml`` would block ``open()`` until something writes
    to it, and a device never ends; the file is opened without blocking and checked before reading.

    Raises:
        OSError: the file cannot be read, or is not a regular file.
        UnicodeDecodeError: the file is not UTF-8.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, encoding="utf-8", newline="") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read(limits.max_document_chars + 1)


def read_document_bytes(path: Path, limits: Limits) -> bytes | None:
    """Read a document's bytes, or ``None`` when it is longer than any document within the limits.

    UTF-8 takes at most four bytes a character, so more than ``4 * max_document_chars`` bytes can
    only be refused; reading stops there (for signatures, which need the bytes as they are).

    Raises:
        OSError: the file cannot be read.
    """
    cap = 4 * limits.max_document_chars
    with path.open("rb") as handle:
        data = handle.read(cap + 1)
    return None if len(data) > cap else data


# -- the evaluation cost model ---------------------------------------------------------------
@cache
def _model_list_caps() -> Mapping[str, int | None]:
    """Fact paths of the case's lists, with the bound the case model puts on each (or None)."""
    import typing

    from annotated_types import MaxLen
    from pydantic import BaseModel

    from aidrules.facts.model import Case

    caps: dict[str, int | None] = {}

    def visit(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}.{name}" if prefix else name
            stack: list[object] = [info.annotation]
            while stack:
                tp = stack.pop()
                if typing.get_origin(tp) is list:
                    cap = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
                    caps[path] = cap
                    stack.extend(typing.get_args(tp))
                elif isinstance(tp, type) and issubclass(tp, BaseModel):
                    visit(tp, path)
                else:
                    stack.extend(typing.get_args(tp))

    visit(Case, "")
    return caps


def list_cap(fact_path: str, limits: Limits) -> int:
    """The most items the list at ``fact_path`` (``debts``, ``household.children``) can hold."""
    cap = _model_list_caps().get(fact_path)
    return limits.max_list_items if cap is None else min(cap, limits.max_list_items)


def expression_cost(node: n.Node, limits: Limits, cap: Callable[[str], int] | None = None) -> int:
    """An upper bound on the steps one evaluation of ``node`` takes on the largest case.

    Each node costs one step; an aggregation over a list costs its list's largest length times the
    cost of its condition and element (nested aggregations multiply). Loop variables stand for one
    list item, so a list reached through a loop variable has no fact path: it gets
    ``max_list_items``.

    Example:
        >>> from aidrules.expr.parser import parse
        >>> expression_cost(parse("sum(d.amount for d in debts)"), DEFAULT_LIMITS)
        1002
    """
    size = cap or (lambda path: list_cap(path, limits))
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


def evaluation_cost(ruleset: object, limits: Limits) -> tuple[int, list[tuple[int, str, Span | None]]]:
    """The worst-case steps of one evaluation of a compiled rule set, and the cost per item.

    Every compiled expression of the rule set (named values, messages, recommendation rows,
    actions, and whatever else it holds) runs at most once per decision, so the sum of their
    costs bounds the work of any evaluation. Items are named by their ``id`` where they have one,
    most expensive first, with the position of the item when it has one.
    """
    return _per_item(ruleset, lambda node: expression_cost(node, limits))


def code_size(ruleset: object) -> tuple[int, list[tuple[int, str, Span | None]]]:
    """The nodes of every expression of a compiled rule set together (see ``max_code_nodes``), and
    per item, largest first, as :func:`evaluation_cost` gives the steps."""
    return _per_item(ruleset, expression_size)


def _per_item(ruleset: object, measure: Callable[[n.Node], int]) -> tuple[int, list[tuple[int, str, Span | None]]]:
    from dataclasses import is_dataclass

    from aidrules.expr.compiler import CompiledExpression

    per_item: dict[str, int] = {}
    spans: dict[str, Span | None] = {}
    seen: set[int] = set()

    def visit(obj: object, owner: str, span: Span | None) -> None:
        if isinstance(obj, CompiledExpression):
            per_item[owner] = per_item.get(owner, 0) + measure(obj.node)
            spans.setdefault(owner, span)
            return
        if isinstance(obj, str | int | float | Decimal | bool | type(None)) or id(obj) in seen:
            return
        seen.add(id(obj))
        if is_dataclass(obj) and not isinstance(obj, type):
            own = getattr(obj, "id", None) if obj is not ruleset else None
            if not isinstance(own, str) and isinstance(getattr(obj, "recommend", None), str):
                own = "recommendation"
            label = owner if not isinstance(own, str) else f"{owner}.{own}" if owner else own
            where = getattr(obj, "span", None)
            here = where if isinstance(where, Span) else span
            for f in fields(obj):
                visit(getattr(obj, f.name), label, here)
        elif isinstance(obj, Mapping):
            for value in obj.values():
                visit(value, owner, span)
        elif isinstance(obj, tuple | list):
            for item in obj:
                visit(item, owner, span)

    visit(ruleset, "", None)
    ranked = sorted(
        ((cost, item or "(rule set)", spans[item]) for item, cost in per_item.items()),
        key=lambda r: (-r[0], r[1]),
    )
    return sum(per_item.values()), ranked
