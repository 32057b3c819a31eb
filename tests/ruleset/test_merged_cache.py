"""A rule file's layers merged, kept in the per-user cache (ruleset/layered.py): a hit compiles
exactly the rule set that reading and merging the files gives, a changed layer is merged again,
a chain whose base is missing is never kept, and an entry of another shape is not believed."""

from __future__ import annotations

import hashlib
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from aidrules import RuleSetError
from aidrules.errors import Diagnostic
from aidrules.facts.parse import parse_case_text
from aidrules.readers import usercache
from aidrules.registry import index
from aidrules.ruleset import layered
from aidrules.ruleset.compile import load_ruleset
from aidrules.ruleset.compiled import CompiledRuleSet

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "examples" / "single-parent-guidance.yaml"


@pytest.fixture
def merges(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The chains merged (not taken from the cache), by the top layer's label."""
    labels: list[str] = []
    real = layered.merge

    def counting(chain: list[Any]) -> Any:
        labels.append(chain[-1].label)
        return real(chain)

    monkeypatch.setattr(layered, "merge", counting)
    return labels


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy, ignore=shutil.ignore_patterns("*.sig"))
    index.refresh()
    return copy


def _seen(rs: CompiledRuleSet) -> tuple[Any, ...]:
    """What a compiled rule set shows of its layers, and a decision it makes (its JSON)."""
    facts = parse_case_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    decision = rs.evaluate(facts, facts.on, check_period=False).to_json() if rs.forms else None
    return (rs.fingerprint, rs.layers, rs.files, rs.provenance, rs.warnings, decision)


def _uncached(path: Path) -> tuple[Any, ...]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(usercache.ENV_OFF, "1")
        return _seen(load_ruleset(path))


def test_every_rule_file_compiles_the_same_from_its_merged_layers(
    cache_dir: Path, merges: list[str], rules: Path
) -> None:
    files = sorted(p for p in rules.rglob("*.yaml"))
    cold = {p.name: _uncached(p) for p in files}
    filling = {p.name: _seen(load_ruleset(p)) for p in files}
    assert list(cache_dir.glob("*.merged"))
    merges.clear()
    warm = {p.name: _seen(load_ruleset(p)) for p in files}
    assert merges == []  # every chain came from the cache
    assert warm == cold and filling == cold
    assert any(len(layers) == 3 for _, layers, *_ in cold.values())  # a chain of three layers among them


def test_a_changed_base_layer_is_merged_again(cache_dir: Path, merges: list[str], rules: Path) -> None:
    top = rules / "lokaal" / "ocmw-voorbeeldgem.yaml"
    load_ruleset(top)
    base = rules / "federaal" / "federale-bedragen.yaml"
    text = base.read_text(encoding="utf-8")
    changed = text.replace("# ", "#  ", 1)  # a comment: the same rule set, another text (positions may move)
    assert changed != text
    base.write_text(changed, encoding="utf-8")
    index.refresh()
    merges.clear()
    after = _seen(load_ruleset(top))
    assert merges == ["ocmw-voorbeeldgem@2025.1"]
    assert after == _uncached(top)


def test_a_chain_whose_base_is_missing_is_refused_every_time_and_never_kept(
    cache_dir: Path, merges: list[str], tmp_path: Path
) -> None:
    folder = tmp_path / "alone"
    folder.mkdir()
    top = folder / "overlay.yaml"
    shutil.copy(ROOT / "rules" / "lokaal" / "ocmw-voorbeeldgem.yaml", top)
    refusals = []
    for _ in range(2):
        with pytest.raises(RuleSetError) as info:
            load_ruleset(top, find=lambda spec: folder / "missing.yaml")
        refusals.append(info.value.diagnostics)
    assert refusals[0] == refusals[1] and any(d.code == "RS702" for d in refusals[0])
    assert len(merges) == 2 and not list(cache_dir.glob("*.merged"))


def test_the_problems_of_a_merge_come_back_the_same_from_the_cache(
    cache_dir: Path, merges: list[str], rules: Path
) -> None:
    top = rules / "lokaal" / "ocmw-voorbeeldgem.yaml"
    top.write_text(top.read_text(encoding="utf-8") + "\nunknown_section: 1\n", encoding="utf-8")
    index.refresh()
    found: list[list[Diagnostic]] = []
    for _ in range(2):
        with pytest.raises(RuleSetError) as info:
            load_ruleset(top)
        found.append(info.value.diagnostics)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(usercache.ENV_OFF, "1")
        with pytest.raises(RuleSetError) as info:
            load_ruleset(top)
    assert found[0] == found[1] == info.value.diagnostics
    assert any(d.code == "RS101" for d in found[0])
    assert merges == [
        "ocmw-voorbeeldgem@2025.1",
        "ocmw-voorbeeldgem@2025.1",
    ]  # the first run, and the one without cache


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda value: (value[0][:-1], *value[1:]), id="a-layer-missing"),
        pytest.param(lambda value: ([(a, "other.yaml", c) for a, _, c in value[0]], *value[1:]), id="other-files"),
        pytest.param(lambda value: (*value[:3], {"x": 1}, *value[4:]), id="provenance-not-text"),
        pytest.param(lambda value: (*value[:4], ["RS101"], value[5]), id="diagnostics-not-diagnostics"),
        pytest.param(lambda value: (value[0], (value[1][0], "positions", *value[1][2:]), *value[2:]), id="bad-doc"),
        pytest.param(lambda value: value[:5], id="too-short"),
        pytest.param(lambda value: None, id="none"),
    ],
)
def test_a_merged_entry_of_another_shape_is_merged_again(
    cache_dir: Path, merges: list[str], rules: Path, damage: Any
) -> None:
    top = rules / "noord-limburg-budgethulp.yaml"
    expected = _seen(load_ruleset(top))
    for entry in cache_dir.glob("*.merged"):
        body = pickle.dumps(damage(usercache.read(entry)))
        entry.write_bytes(usercache.FORMAT + hashlib.sha256(body).digest() + body)
    merges.clear()
    assert _seen(load_ruleset(top)) == expected
    assert merges == ["noord-limburg-budgethulp@2025.1"]
    merges.clear()
    assert _seen(load_ruleset(top)) == expected and merges == []  # the entry written again is used
