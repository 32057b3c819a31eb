"""Ed25519 signatures of rule files (the ``cryptography`` package, extra ``aidrules[signing]``).

A signature is a small JSON file beside the rule file (``<file>.sig``), the *envelope*. Its
signature covers every claim of the envelope (format ``aidrules-signature-2``): the file's name,
the sha256 of its exact bytes, the ``id@version`` it declares, the *release* number of that rule
set, the signing date and an optional expiry. Verification checks the signature, then that each
claim holds for the file being read: changing one byte, even in a comment, renaming the file or
editing a claim in the envelope breaks it. (The *fingerprint* is the opposite: it ignores layout
and comments and names the semantic content.) Loading with a required public key verifies every
layer of the chain before it is compiled.

Rollback (an older signed release put back while the current one is removed) is refused by:

* the *release state* of a deployment (:class:`ReleaseState`, a small SQLite file named by
  ``AIDRULES_RELEASE_STATE`` or ``--release-state``): the highest release of each rule set id
  accepted there; a signature of a lower release is refused (``RS806``);
* the *expiry* of a signature (``aidrules sign --expires``), checked against today's date
  (``RS807``), which bounds the window even where no state is kept.

Envelopes of format ``aidrules-signature-1`` (a signature over the bytes only) are still read:
their ``file`` and ``sha256`` fields are checked too; they name no release, so a deployment
with a release state refuses them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aidrules._extras import lazy_module, require
from aidrules._frozen import Frozen
from aidrules.codes import Code
from aidrules.errors import Diagnostic, RuleSetError, Span
from aidrules.readers.yamlload import load_yaml
from aidrules.registry.layers import label_of

if TYPE_CHECKING:
    import sqlite3
else:  # the release state's database, opened only with --release-state: not on every start
    sqlite3 = lazy_module("sqlite3")

FORMAT = "aidrules-signature-2"
#: The first format: the signature covers the file's bytes only, not the envelope's claims.
FORMAT_V1 = "aidrules-signature-1"
SUFFIX = ".sig"
#: Environment variable naming the deployment's release state (see :class:`ReleaseState`).
RELEASE_STATE_ENV = "AIDRULES_RELEASE_STATE"
#: The claims of a format-2 envelope, all covered by its signature.
_CLAIMS = ("format", "algorithm", "key_id", "file", "sha256", "ruleset", "release", "signed_on", "expires")
#: A signature record is a few hundred characters; a longer file is not one (and is not read on).
_MAX_SIGNATURE_CHARS = 4096


def _crypto() -> Any:
    serialization = require("cryptography.hazmat.primitives.serialization", "signing", _no_crypto)
    ed25519 = require("cryptography.hazmat.primitives.asymmetric.ed25519", "signing", _no_crypto)
    return serialization, ed25519


def _no_crypto(missing: ImportError) -> RuleSetError:
    message = 'signatures need the cryptography package: pip install "aidrules[signing]"'
    return RuleSetError(message, [Diagnostic("RS800", message)])


def _fail(code: Code, message: str, file: str, hint: str | None = None) -> RuleSetError:
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


def _message(record: dict[str, Any]) -> bytes:
    """The bytes a format-2 signature covers: every claim, canonically."""
    claims = {name: record.get(name) for name in _CLAIMS}
    return (FORMAT + "\n" + json.dumps(claims, sort_keys=True, separators=(",", ":"))).encode("utf-8")


def declared_label(data: bytes) -> str | None:
    """The ``id@version`` a rule file's bytes declare, or None when they are no rule file."""
    try:
        doc, _ = load_yaml(data.decode("utf-8"), "<signed>")
    except Exception:  # not readable as a rule file: it is signed as bytes, without a label
        return None
    label = label_of(doc.data)
    return None if "?" in label.split("@", 1) else label


def sign(
    rule_file: Path, private_key: Path, *, release: int = 1, expires: date | None = None, today: date | None = None
) -> Path:
    """Sign ``rule_file``: write and return ``<rule_file>.sig``, whose signature covers the
    file's name, the sha256 of its bytes, its ``id@version``, ``release`` (the release number of
    the rule set, counted up with each release) and ``expires`` (None: no expiry).
    """
    if isinstance(release, bool) or not isinstance(release, int) or not 1 <= release <= 2**31:
        raise _fail("RS805", f"the release number must be a whole number from 1, got {release!r}", str(rule_file))
    key = _load_private(private_key)
    try:
        data = rule_file.read_bytes()
    except OSError as exc:
        raise _fail("RS000", f"cannot read {rule_file}: {exc.strerror}", str(rule_file)) from None
    record: dict[str, Any] = {
        "format": FORMAT,
        "algorithm": "ed25519",
        "key_id": key_id(_public_raw(key.public_key())),
        "file": rule_file.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "ruleset": declared_label(data),
        "release": release,
        "signed_on": (today or date.today()).isoformat(),
        "expires": expires.isoformat() if expires is not None else None,
    }
    record["signature"] = base64.b64encode(key.sign(_message(record))).decode("ascii")
    out = rule_file.with_name(rule_file.name + SUFFIX)
    try:
        out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise _fail("RS000", f"cannot write {out}: {exc.strerror}", str(rule_file)) from None
    return out


# Frozen values (aidrules._frozen.Frozen, each with its own __init__): no dataclass methods are
# written and exec'd for them at every start.
_set = object.__setattr__


class Claims(Frozen):
    """What a verified signature says about the file it was checked against."""

    __slots__ = ("expires", "file", "release", "ruleset", "sha256")
    file: str
    sha256: str
    ruleset: str | None  # "id@version"; None for format 1
    release: int | None  # None for format 1
    expires: date | None

    def __init__(self, file: str, sha256: str, ruleset: str | None, release: int | None, expires: date | None) -> None:
        _set(self, "file", file)
        _set(self, "sha256", sha256)
        _set(self, "ruleset", ruleset)
        _set(self, "release", release)
        _set(self, "expires", expires)

    @property
    def ruleset_id(self) -> str | None:
        return self.ruleset.partition("@")[0] if self.ruleset else None


class ReleaseState:
    """The highest release of each rule set id a deployment has accepted (a small SQLite file).

    A signature of a lower release than the one recorded is a rollback and is refused; a higher
    one is recorded when it is accepted. Raising the number is one atomic statement, so that
    processes loading rule sets at the same time never lower it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS releases (ruleset_id TEXT PRIMARY KEY, release INTEGER NOT NULL)"
            )
        except sqlite3.Error as exc:
            raise _fail("RS806", f"the release state {self.path} cannot be used: {exc}", str(self.path)) from None

    def accepted(self, ruleset_id: str) -> int:
        """The highest release of ``ruleset_id`` accepted here (0: none yet)."""
        try:
            row = self.db.execute("SELECT release FROM releases WHERE ruleset_id = ?", (ruleset_id,)).fetchone()
        except sqlite3.Error as exc:
            raise _fail("RS806", f"the release state {self.path} cannot be read: {exc}", str(self.path)) from None
        return int(row[0]) if row is not None and isinstance(row[0], int) else 0

    def accept(self, ruleset_id: str, release: int) -> None:
        """Record ``release`` of ``ruleset_id`` unless a higher one is recorded already."""
        try:
            self.db.execute(
                "INSERT INTO releases (ruleset_id, release) VALUES (?, ?) "
                "ON CONFLICT (ruleset_id) DO UPDATE SET release = max(release, excluded.release)",
                (ruleset_id, release),
            )
        except sqlite3.Error as exc:
            raise _fail("RS806", f"the release state {self.path} cannot be written: {exc}", str(self.path)) from None

    def close(self) -> None:
        self.db.close()


def release_state_from_environment() -> Path | None:
    """The release state named by ``AIDRULES_RELEASE_STATE``, if any."""
    value = os.environ.get(RELEASE_STATE_ENV, "").strip()
    return Path(value) if value else None


class Verifier(Frozen):
    """Checks that each rule file read was signed by the holder of one public key, and, with a
    ``release_state``, that it is not of an older release than one accepted before."""

    __slots__ = ("public_key", "release_state", "today")
    public_key: Path
    release_state: Path | None
    today: date | None

    def __init__(self, public_key: Path, release_state: Path | None = None, today: date | None = None) -> None:
        _set(self, "public_key", public_key)
        _set(self, "release_state", release_state)
        _set(self, "today", today)

    def __call__(self, file: str, data: bytes) -> None:
        claims = verify_bytes(Path(file), data, self.public_key, today=self.today)
        if self.release_state is not None:
            check_release(Path(file), claims, self.release_state)


def check_release(rule_file: Path, claims: Claims, state_path: Path) -> None:
    """Refuse ``claims`` of an older release than ``state_path`` records; record a newer one."""
    if claims.ruleset_id is None or claims.release is None:
        raise _fail(
            "RS806",
            f"the signature of {rule_file} names no release (signature format 1), so a rollback cannot be told",
            str(rule_file),
            "sign it again: aidrules sign RULES --key PRIVATE_KEY --release N",
        )
    state = ReleaseState(state_path)
    try:
        accepted = state.accepted(claims.ruleset_id)
        if claims.release < accepted:
            raise _fail(
                "RS806",
                f"{rule_file} is release {claims.release} of `{claims.ruleset_id}`, older than release "
                f"{accepted} already accepted here: an older signed release was put back (rollback)",
                str(rule_file),
                "restore the current release of the rule set; never put back an older one",
            )
        if claims.release > accepted:
            state.accept(claims.ruleset_id, claims.release)
    finally:
        state.close()


def read_envelope(rule_file: Path) -> dict[str, Any] | None:
    """The envelope beside ``rule_file`` as written, not verified (None when there is none or it
    is unreadable); used to see which rule set an unreadable signed file claims to be."""
    sig_path = rule_file.with_name(rule_file.name + SUFFIX)
    try:
        if not sig_path.is_file():  # only regular files: a FIFO would block the open
            return None
        with sig_path.open(encoding="utf-8") as handle:
            record = json.loads(handle.read(_MAX_SIGNATURE_CHARS + 1))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def verify_bytes(rule_file: Path, data: bytes, public_key: Path, *, today: date | None = None) -> Claims:
    """The claims of ``rule_file``'s signature, checked against ``data`` (the file's bytes).

    Raises:
        RuleSetError: no signature (RS801), an unreadable or wrong signature, or a claim that does
            not hold: another file name or content (RS802); another key (RS803); expired (RS807).
    """
    invalid_signature: type[Exception] = require("cryptography.exceptions", "signing", _no_crypto).InvalidSignature
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
        if not isinstance(record, dict):
            raise ValueError("not a signature record")
        signature = base64.b64decode(record["signature"], validate=True)
        if record.get("format") not in (FORMAT, FORMAT_V1) or record.get("algorithm") != "ed25519":
            raise ValueError("unknown signature format")
        claims = _claims(record)
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
        key.verify(signature, _message(record) if record["format"] == FORMAT else data)
    except invalid_signature:
        raise _fail(
            "RS802",
            f"{rule_file}: {sig_path.name} was changed after it was signed (its claims are not the ones signed)"
            if record["format"] == FORMAT
            else f"{rule_file} was changed after it was signed",
            str(rule_file),
            "the file no longer matches its signature: do not use it; ask for a signed copy",
        ) from None
    # The signature holds for the envelope; now each claim must hold for the file read.
    if claims.file != rule_file.name:
        raise _fail(
            "RS802",
            f"{sig_path.name} was made for the file `{claims.file}`, not for {rule_file.name}",
            str(rule_file),
            "a signature belongs to one file: do not copy or rename signed files",
        )
    if claims.sha256 != hashlib.sha256(data).hexdigest():
        raise _fail(
            "RS802",
            f"{rule_file} was changed after it was signed (its sha256 is not the one {sig_path.name} names)",
            str(rule_file),
            "the file no longer matches its signature: do not use it; ask for a signed copy",
        )
    if claims.expires is not None and (today or date.today()) > claims.expires:
        raise _fail(
            "RS807",
            f"the signature of {rule_file} expired on {claims.expires}",
            str(rule_file),
            "ask for the current signed release of the rule set",
        )
    return claims


def _claims(record: dict[str, Any]) -> Claims:
    """The claims of an envelope, each of the type it must have (ValueError/TypeError otherwise)."""
    file, sha256 = record["file"], record["sha256"]
    if not isinstance(file, str) or not isinstance(sha256, str):
        raise ValueError("`file` and `sha256` must be texts")
    if record["format"] == FORMAT_V1:
        return Claims(file, sha256, None, None, None)
    ruleset, release, expires = record.get("ruleset"), record.get("release"), record.get("expires")
    if ruleset is not None and not isinstance(ruleset, str):
        raise ValueError("`ruleset` must be a text")
    if isinstance(release, bool) or not isinstance(release, int) or release < 1:
        raise ValueError("`release` must be a whole number from 1")
    if expires is not None and not isinstance(expires, str):
        raise ValueError("`expires` must be a date")
    return Claims(file, sha256, ruleset, release, date.fromisoformat(expires) if expires else None)


def verify_file(rule_file: Path, public_key: Path) -> Claims:
    try:
        data = rule_file.read_bytes()
    except OSError as exc:
        raise _fail("RS000", f"cannot read {rule_file}: {exc.strerror}", str(rule_file)) from None
    return verify_bytes(rule_file, data, public_key)
