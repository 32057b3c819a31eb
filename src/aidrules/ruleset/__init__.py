"""Rule sets: the file format, loading with diagnostics, compiling, finding shipped sets."""

from aidrules.ruleset.compile import check_ruleset, compile_text, load_ruleset
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.shipped import DEFAULT_RULESET, load, resolve, shipped_rules_dir

__all__ = [
    "DEFAULT_RULESET",
    "CompiledRuleSet",
    "check_ruleset",
    "compile_text",
    "load",
    "load_ruleset",
    "resolve",
    "shipped_rules_dir",
]
