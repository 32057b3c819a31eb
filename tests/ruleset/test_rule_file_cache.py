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
from aidrules.facts.parse import parse_case_text, parse_facts
from aidrules.registry.signing import keygen, sign
from aidrules.ruleset import cache
from aidrules.ruleset.compile import load_ruleset
from aidrules.ruleset.shipped import load, resolve
from aidrules.testing.fixtures import load_fixture, rules_beside

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))
EXAMPLE = ROOT / "fixtures" / "examples" / "single-parent-guidance.yaml"
SHIPPED = ROOT / "rules" / "noord-limburg-budgethulp.yaml"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(directory))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    return directory


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
    return sorted(directory.glob("*.parsed"))


def _rule_file(fixture_path: Path) -> Path:
    fixture = load_fixture(fixture_path)
    spec = fixture.rules
    if spec and (fixture.path.parent / spec).exists():
        spec = str((fixture.path.parent / spec).resolve())
    beside = rules_beside(fixture.path)
    return resolve(spec, fixture.on, rules_dirs=(beside,) if beside else ()).resolve()


def _decisions() -> dict[str, str]:
    """Every reference fixture's decision JSON, each rule file loaded afresh (no in-process cache)."""
    by_file: dict[Path, list[Path]] = {}
    for path in FIXTURES:
        by_file.setdefault(_rule_file(path), []).append(path)
    out: dict[str, str] = {}
    for rule_file, fixtures in by_file.items():
        rs = load_ruleset(rule_file)
        for path in fixtures:
            out[path.name] = rs.evaluate(parse_facts(load_fixture(path).case)).to_json()
    return out


def _example_json(rule_file: Path) -> str:
    facts = parse_case_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    return load_ruleset(rule_file).evaluate(facts, facts.on).to_json()


def test_cache_hit_gives_byte_identical_decisions_for_every_fixture(
    cache_dir: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV_OFF, "1")
    cold = _decisions()
    assert not cache_dir.exists()  # off means off: not even the directory
    monkeypatch.delenv(cache.ENV_OFF)
    filling = _decisions()
    assert _entries(cache_dir)
    parses.clear()
    warm = _decisions()
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
