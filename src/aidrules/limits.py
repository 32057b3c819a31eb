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

This module is at the bottom of the package: it imports nothing of aidrules. What measures an
expression or a rule set against the limits lives with what it measures
(:mod:`aidrules.expr.cost`, :mod:`aidrules.facts.shape`, :mod:`aidrules.ruleset.cost`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path


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

#: Significant digits of exact arithmetic (the precision of ``aidrules.expr.runtime.DECIMAL_CONTEXT``):
#: a number read from a file with more digits than this is refused, as it could not be computed with.
DECIMAL_DIGITS = 28


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


def number_fits(value: Decimal | int, limits: Limits) -> bool:
    """Whether a number read from a document is within the limits: :func:`number_in_range`, and a
    decimal has at most :data:`DECIMAL_DIGITS` significant digits.

    Example:
        >>> number_fits(Decimal("0.12345678901234567890123456789"), DEFAULT_LIMITS)
        False
    """
    if not number_in_range(value, limits):
        return False
    return not isinstance(value, Decimal) or len(value.as_tuple().digits) <= DECIMAL_DIGITS


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
