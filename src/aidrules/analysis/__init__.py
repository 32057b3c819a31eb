"""Static checks of rule sets: unused items, rules that never fire, gaps, overlaps, periods.

``aidrules validate`` runs :func:`static_diagnostics` after compiling the files. The method is
boundary-value enumeration with the real engine as the judge (:mod:`aidrules.analysis.search`);
every gap and overlap is reported with a concrete example case.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from aidrules.analysis.checks import analyse
from aidrules.analysis.periods import period_diagnostics
from aidrules.errors import Diagnostic, RuleSetError
from aidrules.ruleset.compile import load_ruleset
from aidrules.ruleset.compiled import CompiledRuleSet


def static_diagnostics(paths: Iterable[str | Path]) -> list[Diagnostic]:
    """The static checks of every rule file that compiles (files with errors are skipped: their
    compile diagnostics come first), and the effective periods across them."""
    compiled: list[CompiledRuleSet] = []
    for path in paths:
        try:
            compiled.append(load_ruleset(path))
        except RuleSetError:
            continue
    out: list[Diagnostic] = []
    for rs in compiled:
        out.extend(analyse(rs))
    out.extend(period_diagnostics(compiled))
    return sorted(out, key=Diagnostic.sort_key)


__all__ = ["analyse", "period_diagnostics", "static_diagnostics"]
