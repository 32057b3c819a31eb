"""Bearer tokens with roles: created by ``aidrules token create``, stored only as hashes.

A token is 256 random bits (``adr_`` + 43 URL-safe characters); it is shown once and the token
file keeps only its SHA-256. Because a token is random and long, a plain hash is enough (nobody
can guess one from its hash; a slow password hash would add nothing but latency). Checking
compares the hash of the presented token with every stored hash in constant time
(:func:`hmac.compare_digest`), so the time taken says nothing about which token came closest.

The token file is JSON::

    {"tokens": [{"name": "mw-017", "role": "worker", "sha256": "…", "created": "2025-03-01"}]}

The name is the staff id the journal records as preparer or approver (never a person's name).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from aidrules.codes import Code
from aidrules.errors import AidrulesError, Diagnostic
from aidrules.journal.errors import JournalError
from aidrules.journal.keys import check_staff_id

Role = Literal["worker", "head_worker", "policy", "auditor"]
ROLES: tuple[Role, ...] = ("worker", "head_worker", "policy", "auditor")
PREFIX = "adr_"


class TokenError(AidrulesError):
    """The token file cannot be used or a token cannot be created (exit 2)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is calling: the token's name (a staff id) and its role."""

    name: str
    role: Role


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _problem(code: Code, message: str, path: str, hint: str | None = None) -> TokenError:
    return TokenError(message, [Diagnostic(code, message, path=path, hint=hint)])


class TokenStore:
    """The tokens a service accepts (their hashes, names and roles)."""

    def __init__(self, records: list[tuple[str, Identity]]) -> None:
        self._records = records

    def __len__(self) -> int:
        return len(self._records)

    @classmethod
    def read(cls, path: str | Path) -> TokenStore:
        """Read a token file (SV010 when it cannot be read or is malformed)."""
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except OSError as exc:
            raise _problem("SV010", f"cannot read the token file {p}: {exc.strerror}", str(p)) from None
        except (ValueError, UnicodeDecodeError):
            raise _problem("SV010", f"the token file {p} is not JSON", str(p)) from None
        items = data.get("tokens") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise _problem("SV010", f"the token file {p} has no `tokens` list", str(p))
        records: list[tuple[str, Identity]] = []
        for i, item in enumerate(items):
            ok = isinstance(item, dict) and isinstance(item.get("sha256"), str) and len(item["sha256"]) == 64
            if not ok or item.get("role") not in ROLES or not isinstance(item.get("name"), str):
                raise _problem("SV010", f"the token file {p}: entry {i + 1} needs name, role and sha256", str(p))
            records.append((item["sha256"], Identity(item["name"], item["role"])))
        return cls(records)

    def identify(self, token: str) -> Identity | None:
        """The identity of ``token``, or None. Every stored hash is compared, in constant time."""
        presented = _hash(token)
        found: Identity | None = None
        for stored, identity in self._records:
            if hmac.compare_digest(stored, presented):
                found = identity
        return found


def create_token(path: str | Path, *, role: str, name: str, today: date | None = None) -> str:
    """Add a new token for ``name`` with ``role`` to the token file (made if missing); return the token.

    The token itself is not stored: only its SHA-256. The file is written with mode 0600.
    """
    if role not in ROLES:
        raise _problem("SV011", f"unknown role `{role}`; use one of {', '.join(ROLES)}", "--role")
    try:
        staff = check_staff_id(name, "--name")
    except JournalError as exc:
        raise TokenError(str(exc), exc.diagnostics) from None
    p = Path(path)
    data: dict[str, list[dict[str, str]]] = {"tokens": []}
    if p.exists():
        TokenStore.read(p)  # refuse to extend a malformed file
        data = json.loads(p.read_text(encoding="utf-8"))
    if any(item["name"].lower() == staff.lower() and item["role"] == role for item in data["tokens"]):
        raise _problem(
            "SV012",
            f"`{staff}` already has a {role} token in {p}",
            "--name",
            "remove the old entry from the file to replace it",
        )
    token = PREFIX + secrets.token_urlsafe(32)
    created = (today or date.today()).isoformat()
    data["tokens"].append({"name": staff, "role": role, "sha256": _hash(token), "created": created})
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    temporary = p.with_name(p.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, p)
    return token
