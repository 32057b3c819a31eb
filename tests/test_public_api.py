"""The public API surface: what `import aidrules` offers is deliberate."""

from __future__ import annotations

import subprocess
import sys

import aidrules

EXPECTED = {
    "AidrulesError",
    "Case",
    "CompiledRuleSet",
    "Decision",
    "Diagnostic",
    "EvaluationError",
    "FactsError",
    "Reason",
    "RecordingTracer",
    "RuleSetError",
    "RuleSetNotFoundError",
    "Span",
    "TraceEvent",
    "__version__",
    "check_ruleset",
    "load",
    "load_case",
    "load_ruleset",
    "parse_facts",
}


def test_exported_members() -> None:
    assert set(aidrules.__all__) == EXPECTED
    for name in aidrules.__all__:
        assert hasattr(aidrules, name), name


def test_errors_share_one_root() -> None:
    for error in (aidrules.RuleSetError, aidrules.FactsError, aidrules.EvaluationError, aidrules.RuleSetNotFoundError):
        assert issubclass(error, aidrules.AidrulesError)
        assert not issubclass(error, (SyntaxError, LookupError))


def test_core_import_is_light() -> None:
    """Importing the library does not pull in the command line, Babel or Jinja2."""
    code = (
        "import sys, aidrules; heavy = [m for m in ('typer', 'rich', 'babel', 'jinja2') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
