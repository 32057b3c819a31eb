"""The code objects of generated code kept in the per-user cache (aidrules.readers.usercache
.cached_code): a hit decides exactly as compiling again, a changed rule file compiles its new
code, and an entry that is damaged, forged or foreign is never run."""

from __future__ import annotations

import hashlib
import marshal
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aidrules.facts.parse import parse_case_text
from aidrules.readers import usercache
from aidrules.ruleset.compile import load_ruleset
from fresh_decisions import FIXTURES, fresh_decisions

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "rules" / "noord-limburg-budgethulp.yaml"
EXAMPLE = ROOT / "fixtures" / "examples" / "single-parent-guidance.yaml"


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The generated sources compiled (not taken from the cache), by file name."""
    names: list[str] = []

    def counting(source: str, filename: str, mode: str) -> Any:
        names.append(filename)
        return compile(source, filename, mode)

    monkeypatch.setattr(usercache, "compile", counting, raising=False)
    return names


def _example(rule_file: Path = SHIPPED) -> str:
    """The example's decision and its compact form, in Dutch and French, its reasons written: every
    kind of generated code runs (the plan, the expressions, the keys, the conditions' loops)."""
    facts = parse_case_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    rs = load_ruleset(rule_file)  # afresh: nothing prepared in this process yet
    return "".join(
        rs.evaluate(facts, facts.on, lang=lang).to_json(compact=compact)
        for lang in ("nl", "fr")
        for compact in (False, True)
    )


def _code_entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.code"))


def test_a_warm_cache_compiles_no_generated_code_and_decides_the_same(
    cache_dir: Path, compiled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(usercache.ENV_OFF, "1")
    cold = _example()
    assert not cache_dir.exists()
    assert {"<aidrules generated plan>", "<aidrules generated condition loop>"} <= set(compiled)
    monkeypatch.delenv(usercache.ENV_OFF)
    filling = _example()
    assert len(_code_entries(cache_dir)) >= 4  # plan, expressions, keys, the loops of two languages
    compiled.clear()
    warm = _example()
    assert compiled == []  # every large generated source came from the cache
    assert warm == cold and filling == cold


def test_every_fixture_decides_the_same_from_cached_code(
    cache_dir: Path, compiled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(usercache.ENV_OFF, "1")
    cold = fresh_decisions()
    monkeypatch.delenv(usercache.ENV_OFF)
    filling = fresh_decisions()
    assert _code_entries(cache_dir)
    compiled.clear()
    warm = fresh_decisions()
    assert "<aidrules generated plan>" not in compiled
    assert len(cold) == len(FIXTURES) and warm == cold and filling == cold


def _uncached(top: Path) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(usercache.ENV_OFF, "1")
        return _example(top)


def test_a_changed_rule_file_compiles_its_new_code(cache_dir: Path, tmp_path: Path, compiled: list[str]) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("*.sig"))
    top = rules / "noord-limburg-budgethulp.yaml"
    text = top.read_text(encoding="utf-8")
    before = _example(top)
    entries = set(_code_entries(cache_dir))
    changed = text.replace(
        "expr: max(0, disposable_income - dignity_floor)", "expr: max(1, disposable_income - dignity_floor)"
    )
    assert changed != text
    top.write_text(changed, encoding="utf-8")
    compiled.clear()
    after = _example(top)
    assert "<aidrules generated plan>" in compiled  # another expression: another source, compiled and kept apart
    assert set(_code_entries(cache_dir)) > entries
    assert after == _uncached(top)
    top.write_text(text, encoding="utf-8")
    compiled.clear()
    assert _example(top) == before and "<aidrules generated plan>" not in compiled  # the first one's code is kept


def test_a_changed_amount_reuses_the_code_with_the_new_amount(
    cache_dir: Path, tmp_path: Path, compiled: list[str]
) -> None:
    """A rule file's values are constants of the generated code's namespace, never its source: a
    changed amount runs the same code object, with the new amount."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("*.sig"))
    top = rules / "noord-limburg-budgethulp.yaml"
    text = top.read_text(encoding="utf-8")
    _example(top)
    changed = text.replace("value: 36,", "value: 1,", 1)
    assert changed != text
    top.write_text(changed, encoding="utf-8")
    compiled.clear()
    after = _example(top)
    assert "<aidrules generated plan>" not in compiled
    assert after == _uncached(top)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-10] + bytes(b ^ 0xFF for b in data[-10:]), id="tampered"),
        pytest.param(lambda data: b"aidrules-cache-0\n" + data[len(usercache.FORMAT) :], id="older-format"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(
            lambda data: data[: len(usercache.FORMAT)] + hashlib.sha256(b"junk").digest() + b"junk",
            id="not-marshal",
        ),
    ],
)
def test_a_damaged_code_entry_is_compiled_again(
    cache_dir: Path, compiled: list[str], damage: Callable[[bytes], bytes]
) -> None:
    expected = _example()
    for entry in _code_entries(cache_dir):
        entry.write_bytes(damage(entry.read_bytes()))
    compiled.clear()
    assert _example() == expected
    assert "<aidrules generated plan>" in compiled
    compiled.clear()
    assert _example() == expected
    assert compiled == []  # the entries written again are used


def _forge(entries: list[Path], code: Any) -> None:
    body = marshal.dumps(code)
    for entry in entries:
        entry.write_bytes(usercache.FORMAT + hashlib.sha256(body).digest() + body)


def test_a_forged_code_entry_that_names_what_the_source_does_not_is_never_run(
    cache_dir: Path, tmp_path: Path, compiled: list[str]
) -> None:
    """An entry with a valid checksum holding code compiled from another source (as a forged one
    would): it names ``__import__`` and ``mkdir``, which the generated source never does."""
    expected = _example()
    marker = tmp_path / "ran"
    _forge(_code_entries(cache_dir), compile(f"__import__('os').mkdir({str(marker)!r})", "<x>", "exec"))
    compiled.clear()
    assert _example() == expected
    assert not marker.exists() and "<aidrules generated plan>" in compiled


def test_a_code_entry_of_another_generated_source_is_not_used(cache_dir: Path, compiled: list[str]) -> None:
    """Code compiled from a real but different generated source (another file name, the names of
    another function) found under a source's key is refused: the decision is the same."""
    expected = _example()
    entries = _code_entries(cache_dir)
    other = marshal.loads(_body(entries[0]))
    for entry in entries[1:]:
        _forge([entry], other)
    compiled.clear()
    assert _example() == expected
    assert compiled  # the sources whose entry held another's code were compiled again


def _body(entry: Path) -> bytes:
    return entry.read_bytes()[len(usercache.FORMAT) + 32 :]


def test_a_code_entry_others_may_write_is_not_used(cache_dir: Path, compiled: list[str]) -> None:
    expected = _example()
    for entry in _code_entries(cache_dir):
        entry.chmod(0o666)
    compiled.clear()
    assert _example() == expected
    assert "<aidrules generated plan>" in compiled
    assert {stat.S_IMODE(p.stat().st_mode) for p in _code_entries(cache_dir)} == {0o600}


def test_small_generated_sources_are_not_cached(cache_dir: Path) -> None:
    source = "def f(ctx):\n    return 1\n"
    assert len(source) < usercache.MIN_CODE_CHARS
    namespace: dict[str, Any] = {}
    exec(usercache.cached_code(source, "<aidrules generated expressions>"), namespace)
    assert namespace["f"](None) == 1
    assert not cache_dir.exists() or _code_entries(cache_dir) == []


def test_the_code_check_accepts_what_compiling_gives_and_refuses_a_name_not_in_the_source() -> None:
    source = "def f(ctx):\n    values = ctx.values\n    return values['a'] + k0\n"
    code = compile(source, "<aidrules generated plan>", "exec")
    assert usercache._code_of(code, source, "<aidrules generated plan>", {"k0"}, usercache._Words(source))
    assert not usercache._code_of(code, source, "<aidrules generated keys>", {"k0"}, usercache._Words(source))
    other = compile(source.replace("ctx.values", "ctx.valuesx"), "<aidrules generated plan>", "exec")
    assert not usercache._code_of(
        other, source, "<aidrules generated plan>", {"k0"}, usercache._Words(source)
    )  # `valuesx` is no word of it
    part = compile(source.replace("ctx.values", "ctx.value"), "<aidrules generated plan>", "exec")
    assert not usercache._code_of(
        part, source, "<aidrules generated plan>", {"k0"}, usercache._Words(source)
    )  # only a part of `values`
    text = compile(source.replace("'a'", "'secret'"), "<aidrules generated plan>", "exec")
    assert not usercache._code_of(text, source, "<aidrules generated plan>", {"k0"}, usercache._Words(source))
