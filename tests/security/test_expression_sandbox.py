"""Expressions and message texts in a shared rule file cannot reach Python.

Expressions are parsed with ``ast.parse`` and translated construct by construct into the
language's own nodes; nothing is ever executed by Python. Each test names the naive
implementation it would catch.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import aidrules
from aidrules import RuleSetError
from aidrules.ruleset.compile import compile_text

from .helpers import minimal_text, with_derived, with_message

ESCAPES = [
    "__import__('os').system('touch {marker}')",
    "open('{marker}', 'w')",
    "eval(\"open('{marker}', 'w')\")",
    "().__class__.__bases__[0].__subclasses__()",
    "client.__class__.__init__.__globals__",
    "incomes.__len__()",
    "(lambda: open('{marker}', 'w'))()",
    "[open('{marker}', 'w') for x in [1]]",
    "getattr(client, 'motivation')",
    "client.motivation.real",
    "total_income.as_integer_ratio()",
    "sum(i.monthly_net for i in incomes).__class__",
    "f'{{client}}'",
    "__builtins__",
    "globals()",
    "(x := 1)",
    "client['motivation']",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_expression_cannot_reach_python_objects(tmp_path: Path, source: str) -> None:
    """Catches evaluating expressions with ``eval()`` (even with ``{"__builtins__": {}}``, which
    the ``().__class__.__bases__`` walk escapes): the rule file would run code on the OCMW's
    machine. Every such expression is refused when the rule file is compiled, at its position."""
    marker = tmp_path / "pwned"
    text = with_derived(("escape", "number", source.format(marker=marker)))
    with pytest.raises(RuleSetError) as exc:
        compile_text(text, "shared.yaml")
    assert not marker.exists()
    codes = {d.code for d in exc.value.diagnostics}
    assert codes and all(code.startswith("RS2") for code in codes), exc.value.report()
    d = exc.value.diagnostics[0]
    assert d.span is not None and d.span.line == 19, d  # the `expr:` line of the new derived value


@pytest.mark.parametrize(
    "placeholder",
    [
        "{client.__class__.__init__.__globals__}",
        "{client.motivation.__class__}",
        "{__import__('os')}",
        "{open('/etc/passwd')}",
        "{0.__class__}",
    ],
)
def test_message_placeholder_cannot_reach_python_objects(placeholder: str) -> None:
    """Catches rendering messages with ``str.format(**facts)``: ``{client.__class__.__init__
    .__globals__}`` walks from a fact to the module's globals (and its secrets). A placeholder is
    an expression of the language, checked when the rule file is compiled."""
    with pytest.raises(RuleSetError) as exc:
        compile_text(with_message(f"Motivatie {placeholder}."), "shared.yaml")
    assert {d.code for d in exc.value.diagnostics} == {"RS208"}, exc.value.report()


def test_case_texts_are_never_read_as_placeholders() -> None:
    """Catches formatting a rendered message a second time (``message.format(**values)``): a
    municipality typed as ``{client.__class__}`` in an exported case would then be interpreted.
    Texts from the case are shown as they are."""
    text = with_message("Gemeente {household.municipality}.")
    rules = compile_text(text, "shared.yaml")
    hostile = "{client.__class__} {0} {{x}} %s"
    decision = rules.evaluate(
        {"client": {"motivation": 3}, "household": {"municipality": hostile}}, on=date(2025, 3, 1)
    )
    reason = next(r for r in decision.reasons if r.rule == "motivation.minimum")
    assert reason.message == f"Gemeente {hostile}."


def test_powers_are_not_part_of_the_language() -> None:
    """Catches ``eval()`` and evaluators that support ``**``: ``9 ** 9 ** 9`` asks for a number of
    about 370 million digits and holds the process for hours. Powers are refused when compiled."""
    with pytest.raises(RuleSetError) as exc:
        compile_text(with_derived(("power", "number", "9 ** 9 ** 9")), "shared.yaml")
    d = exc.value.diagnostics[0]
    assert d.code == "RS201" and "powers" in (d.hint or "")


def test_the_sandbox_refuses_nothing_the_rule_sets_need() -> None:
    """The other side: the shipped reference rule set and the minimal one compile."""
    assert aidrules.load().fingerprint.startswith("sha256:")
    assert compile_text(minimal_text(), "minimal.yaml").id == "minimal"
