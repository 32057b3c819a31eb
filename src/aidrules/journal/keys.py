"""Pseudonymous dossier keys: a keyed hash (HMAC-SHA256) of the OCMW's own dossier number.

The journal never stores the dossier number, a name or a national register number. Only the
OCMW holds the secret key; with it, all entries of one dossier share one key; without it, an
entry cannot be linked to a dossier.

Example:
    >>> keyer = DossierKeyer(b"a secret of at least thirty-two bytes!")
    >>> key = keyer.key("BB-2025-0142")
    >>> key.startswith("dk_") and len(key) == 67 and key == keyer.key(" bb-2025-0142 ")
    True
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from pathlib import Path

from aidrules.journal.errors import JournalError

#: Minimum length of the secret key, in bytes.
MIN_KEY_BYTES = 32
#: Environment variables read by :meth:`DossierKeyer.from_environment`.
KEY_FILE_ENV = "AIDRULES_JOURNAL_KEY_FILE"
KEY_ENV = "AIDRULES_JOURNAL_KEY"

_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_STAFF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_DOMAIN = b"aidrules-dossier-key-v1\x00"
_CHECK = b"aidrules-journal-key-check-v1"


def looks_like_national_number(text: str) -> bool:
    """Whether ``text`` holds a Belgian national register (or bis) number: 11 digits with a valid check.

    Every character that is not a digit is ignored, wherever it stands: separators of any kind
    (``85.07.30-033.28``, ``85_07_30_033_28``, ``85 07 30 033 28``) and letters mixed in
    (``850730X03328``), so no spelling carries one past the check. The digits of the whole text
    are read as one sequence and every 11 consecutive ones are tried. The check number is 97
    minus the first nine digits modulo 97 (for people born from 2000 on, the nine digits are
    preceded by a 2).

    Example:
        >>> looks_like_national_number("85.07.30-033.28"), looks_like_national_number("BB-2025-0142")
        (True, False)
        >>> looks_like_national_number("85_07_30_033_28"), looks_like_national_number("850730X03328")
        (True, True)
    """
    digits = "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())
    for start in range(len(digits) - 10):
        candidate = digits[start : start + 11]
        body, check = int(candidate[:9]), int(candidate[9:])
        if check in (97 - body % 97, 97 - (2_000_000_000 + body) % 97):
            return True
    return False


def check_reference(reference: str) -> str:
    """The normalised dossier reference (trimmed, upper case), or :class:`JournalError` JR001."""
    if not isinstance(reference, str):
        raise JournalError("JR001", "the dossier reference must be text", "dossier")
    normalised = reference.strip().upper()
    hint = "use the OCMW's own dossier number, such as BB-2025-0142"
    if looks_like_national_number(normalised):
        raise JournalError(
            "JR001",
            "the dossier reference looks like a national register number; it is never accepted",
            "dossier",
            hint,
        )
    if "@" in normalised:
        raise JournalError("JR001", "the dossier reference looks like an e-mail address", "dossier", hint)
    if not _REFERENCE.match(normalised):
        raise JournalError(
            "JR001",
            "a dossier reference has 1 to 64 letters, digits, `.`, `_`, `/` or `-`, without spaces",
            "dossier",
            hint,
        )
    if not any(c.isdigit() for c in normalised):
        raise JournalError(
            "JR001", "a dossier reference must contain a digit (a name is not a dossier number)", "dossier", hint
        )
    return normalised


def check_staff_id(staff: str, field: str) -> str:
    """A staff id (``mw-017``), trimmed; refuses what looks like a national register number."""
    if not isinstance(staff, str) or not _STAFF.match(staff.strip()):
        raise JournalError(
            "JR004",
            f"`{field}` must be a staff id of 1 to 64 letters, digits, `.`, `_` or `-`",
            field,
            "use the staff member's id, such as mw-017, never a name",
        )
    if looks_like_national_number(staff):
        raise JournalError("JR004", f"`{field}` looks like a national register number", field, "use a staff id")
    return staff.strip()


class DossierKeyer:
    """Turns dossier references into pseudonymous keys with the OCMW's secret key."""

    __slots__ = ("_secret",)

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_KEY_BYTES:
            raise JournalError(
                "JR007",
                f"the journal key must be at least {MIN_KEY_BYTES} bytes, got {len(secret)}",
                "key",
                "make one with `aidrules journal new-key --out FILE`",
            )
        self._secret = bytes(secret)

    def __repr__(self) -> str:
        return "DossierKeyer(<secret>)"

    @classmethod
    def from_file(cls, path: str | Path) -> DossierKeyer:
        """Read the key from a file (its text, without surrounding white space)."""
        p = Path(path)
        try:
            secret = p.read_bytes().strip()
        except OSError as exc:
            raise JournalError("JR007", f"cannot read the key file {p}: {exc.strerror}", "key") from None
        return cls(secret)

    @classmethod
    def from_environment(cls) -> DossierKeyer:
        """The key from ``AIDRULES_JOURNAL_KEY_FILE`` (a path) or ``AIDRULES_JOURNAL_KEY`` (the key)."""
        path = os.environ.get(KEY_FILE_ENV)
        if path:
            return cls.from_file(path)
        value = os.environ.get(KEY_ENV)
        if value:
            return cls(value.strip().encode("utf-8"))
        raise JournalError(
            "JR007",
            "no journal key: give --key-file, or set AIDRULES_JOURNAL_KEY_FILE",
            "key",
            "make one with `aidrules journal new-key --out FILE` and keep it apart from the journal",
        )

    @staticmethod
    def new_secret() -> bytes:
        """A fresh random key (64 hexadecimal characters) for a key file."""
        return secrets.token_hex(32).encode("ascii")

    def key(self, reference: str) -> str:
        """The pseudonymous key of a dossier reference (``dk_`` + 64 hexadecimal digits)."""
        normalised = check_reference(reference)
        digest = hmac.new(self._secret, _DOMAIN + normalised.encode("utf-8"), hashlib.sha256).hexdigest()
        return "dk_" + digest

    def check_value(self) -> str:
        """A value stored in the journal to recognise its key (reveals nothing about the key)."""
        return hmac.new(self._secret, _CHECK, hashlib.sha256).hexdigest()
