"""The cost check's result kept in the per-user cache (ruleset/compile.py: checked_cost): the same
diagnostics as checking again, checked again when a rule file or the limits change, and an entry
of another shape is never believed."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import shutil
from pathlib import Path

import pytest

from aidrules import RuleSetError
from aidrules.errors import Diagnostic, Span
from aidrules.limits import DEFAULT_LIMITS, Limits
from aidrules.readers import usercache
from aidrules.ruleset import compile as compile_module
from aidrules.ruleset.compile import load_ruleset

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "rules" / "noord-limburg-budgethulp.yaml"


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rule sets whose cost was checked (not taken from the cache), by file."""
    files: list[str] = []
    real = compile_module._check_cost

    def counting(rs: object, limits: Limits, diagnostics: list[Diagnostic]) -> None:
        files.append(rs.file)  # type: ignore[attr-defined]
        real(rs, limits, diagnostics)  # type: ignore[arg-type]

    monkeypatch.setattr(compile_module, "_check_cost", counting)
    return files


def _refusal(path: Path, limits: Limits) -> list[Diagnostic]:
    with pytest.raises(RuleSetError) as info:
        load_ruleset(path, limits=limits)
    return info.value.diagnostics


def test_a_warm_cache_does_not_check_the_cost_again(cache_dir: Path, checks: list[str]) -> None:
    first = load_ruleset(SHIPPED)
    assert checks and list(cache_dir.glob("*.cost"))
    checks.clear()
    again = load_ruleset(SHIPPED)
    assert checks == []
    assert again.warnings == first.warnings and again.fingerprint == first.fingerprint


def test_a_refusal_comes_back_the_same_from_the_cache(
    cache_dir: Path, checks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for limits in (
        dataclasses.replace(DEFAULT_LIMITS, max_evaluation_steps=100),
        dataclasses.replace(DEFAULT_LIMITS, max_code_nodes=100),
    ):
        monkeypatch.setenv(usercache.ENV_OFF, "1")
        uncached = _refusal(SHIPPED, limits)
        monkeypatch.delenv(usercache.ENV_OFF)
        assert [d.code for d in uncached] == ["RS207"]
        assert _refusal(SHIPPED, limits) == uncached
        checks.clear()
        assert _refusal(SHIPPED, limits) == uncached
        assert checks == []


def test_other_limits_or_a_changed_rule_file_are_checked_again(
    cache_dir: Path, tmp_path: Path, checks: list[str]
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("*.sig"))
    top = rules / "noord-limburg-budgethulp.yaml"
    load_ruleset(top)
    checks.clear()
    tight = dataclasses.replace(DEFAULT_LIMITS, max_evaluation_steps=100)
    assert [d.code for d in _refusal(top, tight)] == ["RS207"]
    assert checks == [str(top)]
    text = top.read_text(encoding="utf-8")
    top.write_text("# a comment moves every line down\n" + text, encoding="utf-8")
    checks.clear()
    moved = _refusal(top, tight)
    assert checks == [str(top)]  # the refusal's position is another: checked again
    assert moved[0].span is not None and moved[0].span.line > 1


def _forged(**fields: object) -> Diagnostic:
    """An RS207 with a field set past its constructor, as an unpickled entry's can be."""
    d = Diagnostic("RS207", "too costly", Span("f", 1, 1))
    for name, value in fields.items():
        object.__setattr__(d, name, value)
    return d


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param([Diagnostic("RS101", "unknown key `x`", Span("f", 1, 1))], id="another-code"),
        pytest.param([Diagnostic("RS207", "x", Span("f", 1, 1))] * 2, id="two"),
        pytest.param(("RS207",), id="not-a-list"),
        pytest.param([_forged(span="f:1:1")], id="span-not-a-span"),
        pytest.param([_forged(code="XX999")], id="unknown-code"),
        pytest.param([_forged(message=7)], id="message-not-text"),
        pytest.param(None, id="none"),
    ],
)
def test_a_cost_entry_of_another_shape_is_checked_again(cache_dir: Path, checks: list[str], stored: object) -> None:
    expected = load_ruleset(SHIPPED).warnings
    body = pickle.dumps(stored)
    for entry in cache_dir.glob("*.cost"):
        entry.write_bytes(usercache.FORMAT + hashlib.sha256(body).digest() + body)
    checks.clear()
    assert load_ruleset(SHIPPED).warnings == expected
    assert checks == [str(SHIPPED)]
