"""libyaml's C parser and PyYAML's pure-Python parser give the same documents and positions.

aidrules composes on libyaml's events when PyYAML has it (ten times faster, see
docs/performance.md) and on the pure-Python parser otherwise; rule authors must not be able to
tell which one ran.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aidrules import RuleSetError
from aidrules.readers import yamlload

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    p for pattern in ("rules/**/*.yaml", "fixtures/**/*.yaml", "tests/**/*.yaml") for p in ROOT.glob(pattern)
)


def _load(monkeypatch: pytest.MonkeyPatch, loader: type, text: str) -> object:
    monkeypatch.setattr(yamlload, "_Loader", loader)
    try:
        doc, diagnostics = yamlload.load_yaml(text, "doc.yaml")
    except RuleSetError as exc:
        return [(d.code, d.span) for d in exc.diagnostics]
    return doc.data, doc.positions, [(d.code, d.span, d.message) for d in diagnostics]


def test_libyaml_is_used_when_available() -> None:
    import yaml

    assert yaml.__with_libyaml__, "the PyYAML wheel has libyaml on every platform CI uses"
    assert yamlload._Loader is yamlload._CCoreLoader


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_parsers_agree_on_every_shipped_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _load(monkeypatch, yamlload._CoreLoader, text) == _load(monkeypatch, yamlload._CCoreLoader, text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: 'x'\nc: \"y\"\nd: |\n  z\ne: >\n  w\nf: [1, 2.50, 2025-03-01, true, null, on, yes]\n",
        "a: 1\na: 2\n",
        "a:\n  - b: 1\n    c: 1e3\n  - [x, {y: z}]\n",
        "<<: {a: 1}\n",
        "'<<': 1\n",
        "a: &x [1, 2]\nb: *x\n",
        "a: .inf\nb: 2025-02-30\n",
        "a: b: c\n",
        "a: [1, 2\n",
        "a: 1\n---\nb: 2\n",
        "- 1\n- 2\n",
        "a: 1\nb: x\ud800y\n",
        "a: 1\nb: x\x00y\n",
        "a: 1\nb: x\x07y\n",
    ],
)
def test_both_parsers_agree_on_edge_cases(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    assert _load(monkeypatch, yamlload._CoreLoader, text) == _load(monkeypatch, yamlload._CCoreLoader, text)
