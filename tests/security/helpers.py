"""Small rule files and checks shared by the security tests."""

from __future__ import annotations

from pathlib import Path

from aidrules import AidrulesError, Diagnostic

MINIMAL = Path(__file__).resolve().parent.parent / "data" / "minimal.yaml"


def minimal_text() -> str:
    """The minimal rule set: one money value, one condition, one principle, one form."""
    return MINIMAL.read_text(encoding="utf-8")


def with_derived(*items: tuple[str, str, str]) -> str:
    """The minimal rule set with extra derived values ``(id, type, expression)``."""
    block = "".join(
        f"  {name}:\n    title: {{nl: X, fr: X, en: X}}\n    type: {kind}\n    expr: {_quoted(expr)}\n"
        for name, kind, expr in items
    )
    return minimal_text().replace("derived:\n", "derived:\n" + block, 1)


def with_message(text: str) -> str:
    """The minimal rule set whose condition explains a true outcome with ``text`` (in Dutch)."""
    return minimal_text().replace('"Motivatie {client.motivation} volstaat."', _quoted(text), 1)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def only_diagnostic(exc: AidrulesError, code: str) -> Diagnostic:
    """The error's diagnostics all have ``code``; the first one, which must say where."""
    assert exc.diagnostics, exc
    assert {d.code for d in exc.diagnostics} == {code}, exc.report()
    first = exc.diagnostics[0]
    assert first.span is not None or first.path, first
    return first
