"""Pseudonymous dossier keys: keyed hashes; national register numbers and names are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from aidrules.journal import DossierKeyer, JournalError
from aidrules.journal.keys import KEY_ENV, KEY_FILE_ENV, check_staff_id, looks_like_national_number


def national_number(birth: str, serial: str, born_2000: bool = False) -> str:
    """A made-up number with a valid check (no real person: the serial is chosen for the test)."""
    body = int(birth + serial)
    check = 97 - ((2_000_000_000 if born_2000 else 0) + body) % 97
    return f"{birth}{serial}{check:02d}"


@pytest.mark.parametrize(
    "text",
    [
        national_number("850730", "033"),
        "85.07.30-033.28",
        national_number("050101", "998", born_2000=True),
        "RR " + national_number("901231", "101"),
        "x" + national_number("720215", "245").replace("", "-")[1:-1],
    ],
)
def test_national_register_numbers_are_recognised(text: str) -> None:
    assert looks_like_national_number(text)


@pytest.mark.parametrize("text", ["85073003329", "BB-2025-0142", "2025/000142", "12345678901", "1234567890"])
def test_other_numbers_are_not_national_numbers(text: str) -> None:
    assert not looks_like_national_number(text)


def test_the_key_is_a_keyed_hash_of_the_normalised_reference() -> None:
    keyer = DossierKeyer(b"k" * 32)
    key = keyer.key("BB-2025-0142")
    assert key.startswith("dk_") and len(key) == 67
    assert keyer.key("  bb-2025-0142 ") == key
    assert keyer.key("BB-2025-0143") != key
    assert DossierKeyer(b"j" * 32).key("BB-2025-0142") != key
    assert "0142" not in key


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("85.07.30-033.28", "national register number"),
        (national_number("850730", "033"), "national register number"),
        ("Jan Peeters", "without spaces"),
        ("Peeters", "must contain a digit"),
        ("jan.peeters@example.org", "e-mail"),
        ("", "1 to 64"),
        ("A" * 65 + "1", "1 to 64"),
    ],
)
def test_unacceptable_references_are_refused(reference: str, message: str) -> None:
    with pytest.raises(JournalError) as info:
        DossierKeyer(b"k" * 32).key(reference)
    assert info.value.code == "JR001" and message in str(info.value)
    assert reference.strip() == "" or reference not in str(info.value)


def test_staff_ids_are_ids_not_names_or_national_numbers() -> None:
    assert check_staff_id(" mw-017 ", "prepared_by") == "mw-017"
    for bad in ("Jan Peeters", "", "85.07.30-033.28"):
        with pytest.raises(JournalError) as info:
            check_staff_id(bad, "prepared_by")
        assert info.value.code == "JR004"


def test_a_short_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(JournalError) as info:
        DossierKeyer(b"short")
    assert info.value.code == "JR007" and "at least 32 bytes" in str(info.value)
    missing = tmp_path / "missing.key"
    with pytest.raises(JournalError) as info:
        DossierKeyer.from_file(missing)
    assert info.value.code == "JR007"


def test_the_key_comes_from_a_file_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = DossierKeyer.new_secret()
    assert len(secret) == 64
    path = tmp_path / "ocmw.key"
    path.write_bytes(secret + b"\n")
    from_file = DossierKeyer.from_file(path)
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    assert DossierKeyer.from_environment().key("BB-1") == from_file.key("BB-1")
    monkeypatch.delenv(KEY_FILE_ENV)
    monkeypatch.setenv(KEY_ENV, secret.decode())
    assert DossierKeyer.from_environment().key("BB-1") == from_file.key("BB-1")
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(JournalError) as info:
        DossierKeyer.from_environment()
    assert info.value.code == "JR007"
    assert "test" not in repr(from_file) and repr(from_file) == "DossierKeyer(<secret>)"
