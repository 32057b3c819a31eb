"""Effective periods of several versions of the same rule set: exactly one version per day.

Versions of one rule-set id are sorted by their start. A version with an ``until`` that ends
before the next version starts leaves days on which no version is in force (SA401, an error:
a decision on such a day is refused). A version whose period reaches into the next version's,
also one without ``until``, overlaps it (SA402, an error: ``aidrules.load(id, on=…)`` cannot
choose, see :func:`aidrules.registry.index.find`). Publishing a new version therefore means
closing the previous one with ``until``: every version states the days it decides.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aidrules.errors import Diagnostic, Span
from aidrules.limits import DEFAULT_LIMITS, read_document
from aidrules.readers.yamlload import load_yaml
from aidrules.registry.index import end_hint, period_conflicts
from aidrules.ruleset.compiled import CompiledRuleSet


def period_diagnostics(rulesets: list[CompiledRuleSet]) -> list[Diagnostic]:
    out = []
    ordered = sorted(rulesets, key=lambda r: r.version)  # equal starts: in version order
    conflicts = period_conflicts(
        ordered, lambda r: r.id, lambda r: r.meta.effective.from_, lambda r: r.meta.effective.until
    )
    for kind, before, after in conflicts:
        until = before.meta.effective.until
        start = after.meta.effective.from_
        if kind == "gap":
            assert until is not None
            first, last = until + timedelta(days=1), start - timedelta(days=1)
            out.append(
                Diagnostic(
                    "SA401",
                    f"{after.id}: no version is in force from {first} to {last}: {before.version} ends on "
                    f"{until}, {after.version} starts on {start}; e.g. a decision on {first} is refused",
                    _span(after, ("ruleset", "effective", "from")),
                    f"let {after.version} start on {first}, or extend `until` of {before.version} to {last}",
                )
            )
        else:
            out.append(
                Diagnostic(
                    "SA402",
                    f"{after.id}: versions {before.version} and {after.version} are both in force from {start}"
                    + (f" to {until}" if until else "")
                    + "; a decision on those days cannot choose between them",
                    _span(before, ("ruleset", "effective", "until" if until else "from")),
                    end_hint(before.version, start),
                )
            )
    return out


def _span(rs: CompiledRuleSet, path: tuple[str, ...]) -> Span:
    try:
        doc, _ = load_yaml(read_document(Path(rs.file), DEFAULT_LIMITS), rs.file)
        return doc.span(path)
    except Exception:  # the file was compiled a moment ago; a position is a courtesy
        return Span(rs.file, 1, 1)
