"""Ed25519 signatures: unsigned, tampered (one byte, any layer) and wrongly signed sets are refused."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aidrules
from aidrules import RuleSetError
from aidrules.cli.main import app
from aidrules.registry.signing import keygen, sign
from aidrules.ruleset.shipped import shipped_rules_dir

runner = CliRunner()
EXAMPLE = shipped_rules_dir().parent / "fixtures" / "examples" / "single-parent-guidance.yaml"


@pytest.fixture()
def signed_tree(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of the shipped rules with every layer signed; returns (rules dir, private key, public key)."""
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules, ignore=shutil.ignore_patterns("*.sig"))
    private, public = keygen(tmp_path / "keys", "raad")
    for path in rules.rglob("*.yaml"):
        sign(path, private)
    return rules, private, public


def _local(rules: Path) -> Path:
    return rules / "lokaal" / "ocmw-voorbeeldgem.yaml"


def test_a_signed_chain_loads(signed_tree: tuple[Path, Path, Path]) -> None:
    rules, _, public = signed_tree
    rs = aidrules.load(str(_local(rules)), public_key=public)
    assert len(rs.layers) == 3


def test_private_key_is_private(signed_tree: tuple[Path, Path, Path]) -> None:
    _, private, _ = signed_tree
    assert private.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "layer", ["lokaal/ocmw-voorbeeldgem.yaml", "noord-limburg-budgethulp.yaml", "federaal/federale-bedragen.yaml"]
)
def test_tampering_with_one_byte_of_any_layer_is_refused(signed_tree: tuple[Path, Path, Path], layer: str) -> None:
    rules, _, public = signed_tree
    target = rules / layer
    data = bytearray(target.read_bytes())
    index = data.index(b"#") + 1  # change one byte of a comment: no semantic change, still refused
    data[index] = ord("X") if data[index] != ord("X") else ord("Y")
    target.write_bytes(bytes(data))
    with pytest.raises(RuleSetError) as info:
        aidrules.load(str(_local(rules)), public_key=public)
    assert info.value.diagnostics[0].code == "RS802"
    assert layer.split("/")[-1] in str(info.value.diagnostics[0])


def test_an_unsigned_layer_is_refused(signed_tree: tuple[Path, Path, Path]) -> None:
    rules, _, public = signed_tree
    (rules / "federaal" / "federale-bedragen.yaml.sig").unlink()
    with pytest.raises(RuleSetError) as info:
        aidrules.load(str(_local(rules)), public_key=public)
    assert info.value.diagnostics[0].code == "RS801"


def test_a_layer_signed_with_another_key_is_refused(signed_tree: tuple[Path, Path, Path], tmp_path: Path) -> None:
    rules, _, public = signed_tree
    other_private, _ = keygen(tmp_path / "other", "derde")
    sign(rules / "noord-limburg-budgethulp.yaml", other_private)
    with pytest.raises(RuleSetError) as info:
        aidrules.load(str(_local(rules)), public_key=public)
    assert info.value.diagnostics[0].code == "RS803"


def test_cli_keygen_sign_verify_and_evaluate(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules, ignore=shutil.ignore_patterns("*.sig"))
    assert runner.invoke(app, ["keygen", "--out", str(tmp_path / "k"), "--name", "raad"]).exit_code == 0
    files = [str(p) for p in rules.rglob("*.yaml")]
    assert runner.invoke(app, ["sign", *files, "--key", str(tmp_path / "k" / "raad.key")]).exit_code == 0
    public = str(tmp_path / "k" / "raad.pub")
    ok = runner.invoke(app, ["verify", str(_local(rules)), "--public-key", public], env={"LC_ALL": "en_GB.UTF-8"})
    assert ok.exit_code == 0 and "valid signature" in ok.stdout
    decided = runner.invoke(app, ["evaluate", str(EXAMPLE), "--rules", str(_local(rules)), "--public-key", public])
    assert decided.exit_code == 0
    base = rules / "noord-limburg-budgethulp.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("value: 36", "value: 60"), encoding="utf-8")
    refused = runner.invoke(app, ["evaluate", str(EXAMPLE), "--rules", str(_local(rules)), "--public-key", public])
    assert refused.exit_code == 2 and "RS802" in refused.stderr and "Traceback" not in refused.output
    assert runner.invoke(app, ["verify", str(_local(rules)), "--public-key", public]).exit_code == 2


def test_decisions_are_the_same_with_and_without_signature_checks(signed_tree: tuple[Path, Path, Path]) -> None:
    rules, _, public = signed_tree
    facts = aidrules.load_case(EXAMPLE)
    a = aidrules.load(str(_local(rules)), public_key=public).evaluate(facts, date(2025, 3, 1))
    b = aidrules.load(str(_local(rules))).evaluate(facts, date(2025, 3, 1))
    assert a.to_json() == b.to_json()
