"""Ed25519 signatures of rule files (the ``cryptography`` package, extra ``aidrules[signing]``).

A signature is a small JSON file beside the rule file (``<file>.sig``) over the file's exact
bytes: changing one byte, even in a comment, breaks it. (The *fingerprint* is the opposite: it
ignores layout and comments and names the semantic content.) Loading with a required public key
verifies every layer of the chain before it is compiled.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aidrules.errors import Diagnostic, RuleSetError, Span

FORMAT = "aidrules-signature-1"
SUFFIX = ".sig"
#: A signature record is a few hundred characters; a longer file is not one (and is not read on).
_MAX_SIGNATURE_CHARS = 4096


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:  # pragma: no cover - the test extra installs it
        message = 'signatures need the cryptography package: pip install "aidrules[signing]"'
        raise RuleSetError(message, [Diagnostic("RS800", message)]) from None
    return serialization, ed25519


def _fail(code: str, message: str, file: str, hint: str | None = None) -> RuleSetError:
    d = Diagnostic(code, message, Span(file, 1, 1), hint)
    return RuleSetError(message, [d])


def key_id(public_raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(public_raw).hexdigest()[:16]


def keygen(directory: Path, name: str = "aidrules") -> tuple[Path, Path]:
    """Write a new Ed25519 key pair: ``<name>.key`` (private, mode 0600) and ``<name>.pub``."""
    serialization, ed25519 = _crypto()
    directory.mkdir(parents=True, exist_ok=True)
    private = ed25519.Ed25519PrivateKey.generate()
    private_path = directory / f"{name}.key"
    public_path = directory / f"{name}.pub"
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public_path.write_bytes(
        private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private_path, public_path


def _load_private(path: Path) -> Any:
    serialization, ed25519 = _crypto()
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise _fail("RS804", f"cannot use {path} as a private key: {exc}", str(path)) from None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise _fail("RS804", f"{path} is not an Ed25519 private key", str(path))
    return key


def _load_public(path: Path) -> Any:
    serialization, ed25519 = _crypto()
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise _fail("RS804", f"cannot use {path} as a public key: {exc}", str(path)) from None
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise _fail("RS804", f"{path} is not an Ed25519 public key", str(path))
    return key


def _public_raw(key: Any) -> bytes:
    serialization, _ = _crypto()
    raw: bytes = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw


def sign(rule_file: Path, private_key: Path) -> Path:
    """Sign ``rule_file``'s bytes; write and return ``<rule_file>.sig``."""
    key = _load_private(private_key)
    data = rule_file.read_bytes()
    record = {
        "format": FORMAT,
        "algorithm": "ed25519",
        "key_id": key_id(_public_raw(key.public_key())),
        "file": rule_file.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "signature": base64.b64encode(key.sign(data)).decode("ascii"),
    }
    out = rule_file.with_name(rule_file.name + SUFFIX)
    out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return out


@dataclass(frozen=True)
class Verifier:
    """Checks that each rule file read was signed by the holder of one public key."""

    public_key: Path

    def __call__(self, file: str, data: bytes) -> None:
        verify_bytes(Path(file), data, self.public_key)


def verify_bytes(rule_file: Path, data: bytes, public_key: Path) -> None:
    """Raise :class:`RuleSetError` unless ``data`` (the bytes of ``rule_file``) carry a valid signature."""
    from cryptography.exceptions import InvalidSignature

    key = _load_public(public_key)
    sig_path = rule_file.with_name(rule_file.name + SUFFIX)
    if not sig_path.is_file():
        raise _fail(
            "RS801",
            f"{rule_file} is not signed (no {sig_path.name})",
            str(rule_file),
            "sign it: aidrules sign RULES --key PRIVATE_KEY",
        )
    try:
        with sig_path.open(encoding="utf-8") as handle:  # a signature record is a few hundred bytes
            record = json.loads(handle.read(_MAX_SIGNATURE_CHARS + 1))
        signature = base64.b64decode(record["signature"], validate=True)
        if record.get("format") != FORMAT or record.get("algorithm") != "ed25519":
            raise ValueError("unknown signature format")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _fail("RS802", f"the signature file {sig_path.name} is unreadable: {exc}", str(rule_file)) from None
    expected_id = key_id(_public_raw(key))
    if record.get("key_id") != expected_id:
        raise _fail(
            "RS803",
            f"{rule_file} was signed with another key ({record.get('key_id')}, expected {expected_id})",
            str(rule_file),
            "verify with the public key of whoever approved it",
        )
    try:
        key.verify(signature, data)
    except InvalidSignature:
        raise _fail(
            "RS802",
            f"{rule_file} was changed after it was signed",
            str(rule_file),
            "the file no longer matches its signature: do not use it; ask for a signed copy",
        ) from None


def verify_file(rule_file: Path, public_key: Path) -> None:
    try:
        data = rule_file.read_bytes()
    except OSError as exc:
        raise _fail("RS000", f"cannot read {rule_file}: {exc.strerror}", str(rule_file)) from None
    verify_bytes(rule_file, data, public_key)
