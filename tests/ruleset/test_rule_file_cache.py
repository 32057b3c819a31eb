"""The per-user cache of parsed rule files (aidrules.ruleset.cache): a hit decides exactly as a
cold load, and nothing in the cache is trusted more than the file it stands for."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aidrules import RuleSetError
from aidrules.facts.parse import parse_case_text
from aidrules.readers.yamlload import load_yaml
from aidrules.registry import index
from aidrules.registry.signing import keygen, sign
from aidrules.ruleset import cache
from aidrules.ruleset.compile import load_ruleset
from aidrules.ruleset.shipped import load, resolve
from fresh_decisions import FIXTURES, fresh_decisions

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "examples" / "single-parent-guidance.yaml"
SHIPPED = ROOT / "rules" / "noord-limburg-budgethulp.yaml"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rule files read with the YAML reader (not from the cache)."""
    files: list[str] = []
    real = cache.load_yaml

    def counting(text: str, file: str, *args: Any, **kwargs: Any) -> Any:
        files.append(file)
        return real(text, file, *args, **kwargs)

    monkeypatch.setattr(cache, "load_yaml", counting)
    return files


def _entries(directory: Path) -> list[Path]:
    """Every entry made of rule files: parses, the registry's headers and merged chains."""
    return sorted([*directory.glob("*.parsed"), *directory.glob("*.header"), *directory.glob("*.merged")])


def _example_json(rule_file: Path) -> str:
    facts = parse_case_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    return load_ruleset(rule_file).evaluate(facts, facts.on).to_json()


def test_cache_hit_gives_byte_identical_decisions_for_every_fixture(
    cache_dir: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV_OFF, "1")
    cold = fresh_decisions()
    assert not cache_dir.exists()  # off means off: not even the directory
    monkeypatch.delenv(cache.ENV_OFF)
    filling = fresh_decisions()
    assert _entries(cache_dir)
    parses.clear()
    warm = fresh_decisions()
    assert parses == []  # every rule file came from the cache
    assert len(cold) == len(FIXTURES) and warm == cold and filling == cold


def test_cache_directory_and_entries_are_private(cache_dir: Path) -> None:
    _example_json(SHIPPED)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in _entries(cache_dir)} == {0o600}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-10] + bytes(b ^ 0xFF for b in data[-10:]), id="tampered"),
        pytest.param(lambda data: b"aidrules-cache-0\n" + data[len(cache.FORMAT) :], id="older-format"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_a_damaged_cache_entry_is_ignored_and_rebuilt(
    cache_dir: Path, parses: list[str], damage: Callable[[bytes], bytes]
) -> None:
    expected = _example_json(SHIPPED)
    for entry in _entries(cache_dir):
        entry.write_bytes(damage(entry.read_bytes()))
    parses.clear()
    assert _example_json(SHIPPED) == expected
    assert parses  # read from the files again
    parses.clear()
    assert _example_json(SHIPPED) == expected
    assert parses == []  # and the rebuilt entries are used


def test_an_entry_that_would_run_code_is_refused(cache_dir: Path, tmp_path: Path, parses: list[str]) -> None:
    """An entry with a valid checksum whose pickle calls a function (as a forged one would): the
    cache's reader builds only the plain types of a parsed rule file."""
    expected = _example_json(SHIPPED)
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (os.mkdir, (str(marker),))

    body = pickle.dumps(Payload())
    for entry in _entries(cache_dir):
        entry.write_bytes(cache.FORMAT + hashlib.sha256(body).digest() + body)
    parses.clear()
    assert _example_json(SHIPPED) == expected
    assert not marker.exists() and parses


def test_an_entry_others_may_write_is_not_trusted(cache_dir: Path, parses: list[str]) -> None:
    expected = _example_json(SHIPPED)
    for entry in _entries(cache_dir):
        entry.chmod(0o666)
    parses.clear()
    assert _example_json(SHIPPED) == expected
    assert parses
    assert {stat.S_IMODE(p.stat().st_mode) for p in _entries(cache_dir)} == {0o600}  # replaced by private ones


def test_a_cache_directory_others_may_write_is_not_used(cache_dir: Path, parses: list[str]) -> None:
    cache_dir.mkdir(mode=0o700)
    cache_dir.chmod(0o777)
    expected = _example_json(SHIPPED)
    assert _entries(cache_dir) == []
    parses.clear()
    assert _example_json(SHIPPED) == expected
    assert parses  # every time from the files


def test_a_changed_rule_file_misses_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("*.sig"))
    top = rules / "noord-limburg-budgethulp.yaml"
    before = load_ruleset(top)
    entries = len(_entries(cache_dir))
    text = top.read_text(encoding="utf-8")
    changed = text.replace("value: 36,", "value: 48,", 1)
    assert changed != text
    top.write_text(changed, encoding="utf-8")
    after = load_ruleset(top)
    assert len(_entries(cache_dir)) > entries
    assert before.fingerprint != after.fingerprint


def test_case_files_are_never_cached(cache_dir: Path) -> None:
    """Cases hold personal data: only rule files go into the cache."""
    load(str(SHIPPED))
    entries = _entries(cache_dir)
    parse_case_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    assert _entries(cache_dir) == entries


def test_signatures_are_checked_on_the_files_with_a_warm_cache(cache_dir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("*.sig"))
    private, public = keygen(tmp_path / "keys", "raad")
    for path in rules.rglob("*.yaml"):
        sign(path, private)
    top = rules / "lokaal" / "ocmw-voorbeeldgem.yaml"
    assert len(load(str(top), public_key=public).layers) == 3  # the cache now holds every layer
    base = rules / "noord-limburg-budgethulp.yaml"
    data = bytearray(base.read_bytes())
    index = data.index(b"#") + 1  # one byte of a comment: the same parse, but not the signed bytes
    data[index] = ord("X") if data[index] != ord("X") else ord("Y")
    base.write_bytes(bytes(data))
    with pytest.raises(RuleSetError) as info:
        load(str(top), public_key=public)
    assert info.value.diagnostics[0].code == "RS802"


def test_a_cached_parse_has_exactly_the_files_data_and_positions(cache_dir: Path, parses: list[str]) -> None:
    """Entries keep a parse as plain tuples; what is rebuilt from them is the reader's own result,
    every position (with its file and style) included, so every diagnostic points the same way."""
    files = sorted((ROOT / "rules").rglob("*.yaml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        cache.parse_rule_file(text, str(path))
    parses.clear()
    for path in files:
        text = path.read_text(encoding="utf-8")
        doc, diagnostics = cache.parse_rule_file(text, str(path))
        fresh, fresh_diagnostics = load_yaml(text, str(path))
        assert doc.data == fresh.data and doc.file == fresh.file
        assert doc.positions == fresh.positions and list(doc.positions) == list(fresh.positions)
        assert diagnostics == fresh_diagnostics
    assert parses == []


@pytest.fixture
def headers_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rule files whose header the registry worked out from their parse (not from the cache)."""
    files: list[str] = []
    real = index._header_fields

    def counting(text: str, file: str) -> index.HeaderFields:
        files.append(file)
        return real(text, file)

    monkeypatch.setattr(index, "_header_fields", counting)
    return files


def _found() -> tuple[list[index.Entry], Path]:
    index.refresh()  # forget the headers this process already read
    return index.discover(), resolve("noord-limburg-budgethulp")


def test_finding_a_rule_set_takes_every_header_from_the_cache(
    cache_dir: Path, headers_read: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV_OFF, "1")
    without = _found()
    monkeypatch.delenv(cache.ENV_OFF)
    filling = _found()
    assert sorted(cache_dir.glob("*.header"))
    headers_read.clear()
    warm = _found()
    assert headers_read == []
    assert warm == without and filling == without
    assert any(entry.id == "noord-limburg-budgethulp" for entry in without[0])


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param(("x", 2025, None, None, None, "t", True, "d", 1), id="version-not-text"),
        pytest.param(("x", "1", "2025-01-01", None, None, "t", True, "d", 1), id="date-as-text"),
        pytest.param(("x", "1"), id="too-short"),
        pytest.param(["x"], id="not-a-tuple"),
        pytest.param(None, id="none"),
    ],
)
def test_a_header_entry_of_another_shape_is_ignored_and_rebuilt(
    cache_dir: Path, headers_read: list[str], stored: object
) -> None:
    expected = _found()
    body = pickle.dumps(stored)
    for entry in cache_dir.glob("*.header"):
        entry.write_bytes(cache.FORMAT + hashlib.sha256(body).digest() + body)
    headers_read.clear()
    assert _found() == expected
    assert headers_read  # worked out from the files again
    headers_read.clear()
    assert _found() == expected
    assert headers_read == []  # and the rebuilt entries are used


def test_a_changed_rule_file_gets_a_new_header(cache_dir: Path, tmp_path: Path, headers_read: list[str]) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("*.sig"))
    top = rules / "noord-limburg-budgethulp.yaml"
    index.refresh()
    before = {e.label: e for e in index.discover([rules]) if e.path == top}
    text = top.read_text(encoding="utf-8")
    changed = text.replace("nl: Budgethulp Noord-Limburg", "nl: Budgethulp Noord-Limburg (gewijzigd)", 1)
    assert changed != text
    top.write_text(changed, encoding="utf-8")
    index.refresh()
    headers_read.clear()
    after = {e.label: e for e in index.discover([rules]) if e.path == top}
    assert headers_read == [str(top)]
    assert before.keys() == after.keys()
    (label,) = before
    assert before[label].digest != after[label].digest
    assert after[label].title == before[label].title.replace("Noord-Limburg", "Noord-Limburg (gewijzigd)")
