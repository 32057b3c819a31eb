"""Signatures pin what is used: one content per label, every claim of the envelope, no rollback.

Each test names, in its docstring, the naive implementation it would catch (issue 13).
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from typer.testing import CliRunner

import aidrules
from aidrules import RuleSetError
from aidrules.cli.main import app
from aidrules.registry.index import refresh
from aidrules.registry.signing import FORMAT_V1, RELEASE_STATE_ENV, key_id, keygen, sign
from aidrules.ruleset.shipped import shipped_rules_dir

runner = CliRunner()
ON = date(2026, 6, 1)


@pytest.fixture()
def signed_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """A copy of the shipped rules with every layer signed; returns (rules dir, private key, public key)."""
    monkeypatch.delenv(RELEASE_STATE_ENV, raising=False)
    # Out of the checkout: its own rules/ (unsigned) comes before AIDRULES_PATH in the search order.
    monkeypatch.chdir(tmp_path)
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules, ignore=shutil.ignore_patterns("*.sig"))
    private, public = keygen(tmp_path / "keys", "raad")
    for path in rules.rglob("*.yaml"):
        sign(path, private)
    refresh()
    return rules, private, public


def _local(rules: Path) -> Path:
    return rules / "lokaal" / "ocmw-voorbeeldgem.yaml"


def _archived_draft(rules: Path, private: Path) -> Path:
    """A signed draft of the regional rule set, same id@version, other amounts, in a subfolder."""
    archive = rules / "archief" / "noord-limburg-budgethulp.yaml"
    archive.parent.mkdir()
    text = (rules / "noord-limburg-budgethulp.yaml").read_text(encoding="utf-8")
    archive.write_text(text.replace("# ", "# ontwerp: ", 1), encoding="utf-8")
    sign(archive, private)
    return archive


def test_unreadable_signed_layer_is_not_replaced_by_an_archived_signed_copy(
    signed_tree: tuple[Path, Path, Path],
) -> None:
    """Catches "skip what cannot be read, take the next file with that label": the approved
    regional layer made unreadable, the signed archived draft under the same ``id@version`` was
    used instead, and ``aidrules verify`` said every layer was valid."""
    rules, private, public = signed_tree
    _archived_draft(rules, private)
    approved = rules / "noord-limburg-budgethulp.yaml"
    approved.write_bytes(b"\xff\xfe not a rule file any more")  # its .sig stays beside it
    refresh()
    with pytest.raises(RuleSetError) as info:
        aidrules.load(str(_local(rules)), public_key=public)
    d = info.value.diagnostics[0]
    assert d.code == "RS805" and "noord-limburg-budgethulp.yaml is signed but cannot be read" in d.message
    result = runner.invoke(app, ["verify", str(_local(rules)), "--public-key", str(public)])
    assert result.exit_code == 2 and "RS805" in result.output and "every layer" not in result.output


def test_two_different_signed_contents_under_one_label_are_refused(signed_tree: tuple[Path, Path, Path]) -> None:
    """Catches "the first file found wins" under a public key: two signed files declaring
    ``noord-limburg-budgethulp@2025.1`` with different content; which one is used depended on
    the order of directories, and both verify."""
    rules, private, public = signed_tree
    archive = _archived_draft(rules, private)
    with pytest.raises(RuleSetError) as info:
        aidrules.load(str(_local(rules)), public_key=public)
    d = info.value.diagnostics[0]
    assert d.code == "RS805" and "2 different signed files declare `noord-limburg-budgethulp@2025.1`" in d.message
    assert str(archive) in d.message
    with pytest.raises(RuleSetError):
        aidrules.load("noord-limburg-budgethulp@2025.1", public_key=public)


def test_identical_signed_copies_under_one_label_are_accepted(signed_tree: tuple[Path, Path, Path]) -> None:
    """A byte-identical copy (a backup beside the original) is no ambiguity."""
    rules, _, public = signed_tree
    backup = rules / "kopie"
    backup.mkdir()
    for name in ("noord-limburg-budgethulp.yaml", "noord-limburg-budgethulp.yaml.sig"):
        shutil.copy(rules / name, backup / name)
    refresh()
    assert aidrules.load(str(_local(rules)), public_key=public).id == "ocmw-voorbeeldgem"


def _envelope(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.with_name(path.name + ".sig").read_text(encoding="utf-8"))
    return data


def _write_envelope(path: Path, record: dict[str, object]) -> None:
    path.with_name(path.name + ".sig").write_text(json.dumps(record), encoding="utf-8")


@pytest.mark.parametrize("claim", ["file", "sha256"])
def test_format1_envelope_with_wrong_file_or_sha256_is_refused(
    signed_tree: tuple[Path, Path, Path], claim: str
) -> None:
    """Catches verifying the signature over the bytes and ignoring the rest of the envelope: a
    ``.sig`` whose ``file`` names another file or whose ``sha256`` is wrong still verified."""
    rules, private, public = signed_tree
    target = _local(rules)
    key = serialization.load_pem_private_key(private.read_bytes(), password=None)
    data = target.read_bytes()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    record: dict[str, object] = {
        "format": FORMAT_V1,
        "algorithm": "ed25519",
        "key_id": key_id(raw),
        "file": target.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "signature": base64.b64encode(key.sign(data)).decode("ascii"),  # type: ignore[union-attr,call-arg]
    }
    _write_envelope(target, record)
    assert aidrules.load(str(target), public_key=public).id == "ocmw-voorbeeldgem"  # format 1 still read
    record[claim] = "other.yaml" if claim == "file" else "0" * 64
    _write_envelope(target, record)
    with pytest.raises(RuleSetError) as info:
        aidrules.load(str(target), public_key=public)
    assert info.value.diagnostics[0].code == "RS802"


@pytest.mark.parametrize(
    ("claim", "value"),
    [("file", "noord-limburg-budgethulp.yaml"), ("sha256", "0" * 64), ("release", 99), ("expires", None)],
)
def test_edited_claim_in_a_signature_envelope_is_refused(
    signed_tree: tuple[Path, Path, Path], claim: str, value: object
) -> None:
    """Catches a signature over the bytes only: the envelope's claims (file, content, release,
    expiry) could be edited at will; now the signature covers every claim."""
    rules, private, public = signed_tree
    target = _local(rules)
    sign(target, private, expires=date.today() + timedelta(days=30))
    record = _envelope(target)
    record[claim] = value
    _write_envelope(target, record)
    with pytest.raises(RuleSetError) as info:
        aidrules.load(str(target), public_key=public)
    assert info.value.diagnostics[0].code == "RS802"


def test_signed_file_copied_under_another_name_is_refused(signed_tree: tuple[Path, Path, Path]) -> None:
    """Catches checking only content and signature: a signed file and its ``.sig`` copied under
    another name verified; the envelope names the file it was made for."""
    rules, _, public = signed_tree
    copy = rules / "lokaal" / "ocmw-andere.yaml"
    shutil.copy(_local(rules), copy)
    shutil.copy(_local(rules).with_name("ocmw-voorbeeldgem.yaml.sig"), copy.with_name("ocmw-andere.yaml.sig"))
    with pytest.raises(RuleSetError) as info:
        aidrules.load(str(copy), public_key=public)
    d = info.value.diagnostics[0]
    assert d.code == "RS802" and "ocmw-voorbeeldgem.yaml" in d.message


def _new_release(rules: Path, private: Path) -> Path:
    """Release 2: the 2025.1 version ends on 2025-12-31, a 2026.1 version starts on 2026-01-01."""
    current = _local(rules)
    text = current.read_text(encoding="utf-8")
    current.write_text(text.replace("    from: 2025-02-01\n", "    from: 2025-02-01\n    until: 2025-12-31\n", 1))
    newer = current.with_name("ocmw-voorbeeldgem-2026.yaml")
    newer.write_text(
        text.replace('version: "2025.1"', 'version: "2026.1"', 1).replace("from: 2025-02-01", "from: 2026-01-01", 1)
    )
    sign(current, private, release=2)
    sign(newer, private, release=2)
    refresh()
    return newer


def test_rollback_to_an_older_signed_release_is_refused_with_a_release_state(
    signed_tree: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Catches signatures that say nothing about their release: release 1 of the OCMW's own rule
    set (no ``until``), put back with its valid signature while release 2 (which ends it and adds
    2026.1) is removed, was accepted for today's date. The deployment's release state remembers
    that release 2 of ``ocmw-voorbeeldgem`` was accepted and refuses release 1."""
    rules, private, public = signed_tree
    monkeypatch.setenv("AIDRULES_PATH", str(rules))
    state = tmp_path / "releases.db"
    old_bytes, old_sig = _local(rules).read_bytes(), _local(rules).with_name("ocmw-voorbeeldgem.yaml.sig").read_bytes()
    assert aidrules.load("ocmw-voorbeeldgem", ON, public_key=public, release_state=state).version == "2025.1"
    newer = _new_release(rules, private)
    assert aidrules.load("ocmw-voorbeeldgem", ON, public_key=public, release_state=state).version == "2026.1"
    # the attack: the old release back in place, the current one removed
    _local(rules).write_bytes(old_bytes)
    _local(rules).with_name("ocmw-voorbeeldgem.yaml.sig").write_bytes(old_sig)
    newer.unlink()
    newer.with_name(newer.name + ".sig").unlink()
    refresh()
    assert aidrules.load("ocmw-voorbeeldgem", ON, public_key=public).version == "2025.1"  # no state: accepted
    with pytest.raises(RuleSetError) as info:
        aidrules.load("ocmw-voorbeeldgem", ON, public_key=public, release_state=state)
    d = info.value.diagnostics[0]
    assert d.code == "RS806" and "release 1 of `ocmw-voorbeeldgem`, older than release 2" in d.message
    monkeypatch.setenv(RELEASE_STATE_ENV, str(state))  # the deployment sets it once for every command
    case = tmp_path / "case.yaml"
    case.write_text("on: 2026-06-01\nclient: {motivation: 3}\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(case), "--rules", "ocmw-voorbeeldgem", "--public-key", str(public)])
    assert result.exit_code == 2 and "RS806" in result.output


def test_release_state_refuses_format1_signatures(signed_tree: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """A signature without a release number cannot be told from a rollback: refused under a state."""
    rules, _, public = signed_tree
    target = _local(rules)
    record = _envelope(target)
    assert record["release"] == 1 and record["ruleset"] == "ocmw-voorbeeldgem@2025.1"
    state = tmp_path / "releases.db"
    aidrules.load(str(target), public_key=public, release_state=state)
    sig = target.with_name(target.name + ".sig")
    sig.write_text(sig.read_text(encoding="utf-8").replace("aidrules-signature-2", FORMAT_V1), encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        aidrules.load(str(target), public_key=public, release_state=state)
    assert info.value.diagnostics[0].code in ("RS802", "RS806")


def test_expired_signature_is_refused(signed_tree: tuple[Path, Path, Path]) -> None:
    """Catches signatures valid for ever: an old release whose signature expired is refused even
    on a deployment that keeps no release state."""
    rules, private, public = signed_tree
    sign(_local(rules), private, expires=date.today() - timedelta(days=1))
    with pytest.raises(RuleSetError) as info:
        aidrules.load(str(_local(rules)), public_key=public)
    assert info.value.diagnostics[0].code == "RS807"


def test_cli_signs_a_release_with_an_expiry_and_verify_records_it(
    signed_tree: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    rules, private, public = signed_tree
    expires = (date.today() + timedelta(days=365)).isoformat()
    signed = runner.invoke(
        app, ["sign", str(_local(rules)), "--key", str(private), "--release", "3", "--expires", expires]
    )
    assert signed.exit_code == 0 and "release 3" in signed.output
    assert _envelope(_local(rules))["expires"] == expires
    state = tmp_path / "releases.db"
    args = ["verify", str(_local(rules)), "--public-key", str(public), "--release-state", str(state)]
    assert runner.invoke(app, args).exit_code == 0
    sign(_local(rules), private, release=2)
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "RS806" in again.output
    bad = runner.invoke(app, ["sign", str(_local(rules)), "--key", str(private), "--expires", "soon"])
    assert bad.exit_code == 2 and "--expires" in bad.output


def test_signing_api_raises_only_the_librarys_errors(tmp_path: Path) -> None:
    """Catches ``OSError`` or ``sqlite3.Error`` escaping the Python API: a missing rule file to
    sign, a release number of 0 and a release state that is a directory are RuleSetErrors."""
    private, public = keygen(tmp_path / "keys", "raad")
    with pytest.raises(RuleSetError) as missing:
        sign(tmp_path / "missing.yaml", private)
    assert missing.value.diagnostics[0].code == "RS000"
    rules = tmp_path / "rules.yaml"
    shutil.copy(shipped_rules_dir() / "voorbeelden" / "taalrondleiding.yaml", rules)
    with pytest.raises(RuleSetError) as zero:
        sign(rules, private, release=0)
    assert zero.value.diagnostics[0].code == "RS805"
    sign(rules, private)
    with pytest.raises(RuleSetError) as state:
        aidrules.load(str(rules), public_key=public, release_state=tmp_path)
    assert state.value.diagnostics[0].code == "RS806"
