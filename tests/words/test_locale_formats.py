"""What a language's formats need of Babel, kept in the per-user cache (words/formatting.py:
``formats``): days and amounts are written exactly as Babel writes them, from the cache as from
Babel, and a damaged or foreign entry is read from Babel again."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from hypothesis import given, settings
from hypothesis import strategies as st

from aidrules.readers import usercache
from aidrules.words import formatting

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("nl", "fr", "en")


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages whose formats were asked of Babel (not taken from the cache)."""
    langs: list[str] = []
    real = formatting.babel_formats

    def counting(lang: str) -> formatting.Formats:
        langs.append(lang)
        return real(lang)

    monkeypatch.setattr(formatting, "babel_formats", counting)
    return langs


def _babel_day(value: date, lang: str) -> str:
    text = format_date(value, format="long", locale=formatting.LOCALES[lang])
    return "1er " + text[2:] if lang == "fr" and value.day == 1 and text.startswith("1 ") else text


def test_every_day_of_four_years_is_written_as_babel_writes_it() -> None:
    for lang in LANGS:
        assert formatting.locale_of(lang).date_parts is not None  # the fast path is the one tested
        day = date(2024, 1, 1)
        while day.year < 2028:
            assert formatting.day(day, lang) == _babel_day(day, lang), (day, lang)
            day += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(value=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), lang=st.sampled_from(LANGS))
def test_any_day_is_written_as_babel_writes_it(value: date, lang: str) -> None:
    """Years before 1000 (Babel's ``y`` writes them as they are, too) go to Babel itself."""
    formatting.day.cache_clear()
    assert formatting.day(value, lang) == _babel_day(value, lang)


@pytest.mark.parametrize(
    ("pattern", "parts"),
    [
        ("d MMMM y", ("d", "' ", "MMMM", "' ", "y")),
        ("MMMM d, y", ("MMMM", "' ", "d", "', ", "y")),
        ("d 'de' MMMM 'de' y", None),  # quoted text
        ("dd/MM/yyyy", None),  # other fields
        ("EEEE d MMMM y", None),
        ("", ()),
    ],
)
def test_only_patterns_of_days_months_and_years_are_written_without_babel(
    pattern: str, parts: tuple[str, ...] | None
) -> None:
    assert formatting._date_parts(pattern) == parts


def test_formats_come_from_the_cache_and_equal_babels(cache_dir: Path, asked: list[str]) -> None:
    fresh = {lang: formatting.babel_formats(lang) for lang in LANGS}
    asked.clear()
    assert {lang: formatting.formats(lang) for lang in LANGS} == fresh
    assert sorted(asked) == sorted(LANGS)
    assert len(list(cache_dir.glob("*.locale"))) == len(LANGS)
    asked.clear()
    assert {lang: formatting.formats(lang) for lang in LANGS} == fresh
    assert asked == []


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param(("€ 1", "€ -1", "1", "d MMMM y", ("januari",) * 11), id="eleven-months"),
        pytest.param(("€ 1", "€ -1", 1, "d MMMM y", ("januari",) * 12), id="number-not-text"),
        pytest.param(["€ 1", "€ -1", "1", "d MMMM y", ("januari",) * 12], id="not-a-tuple"),
        pytest.param(None, id="none"),
    ],
)
def test_a_locale_entry_of_another_shape_is_asked_of_babel_again(
    cache_dir: Path, asked: list[str], stored: object
) -> None:
    expected = formatting.formats("nl")
    body = pickle.dumps(stored)
    for entry in cache_dir.glob("*.locale"):
        entry.write_bytes(usercache.FORMAT + hashlib.sha256(body).digest() + body)
    asked.clear()
    assert formatting.formats("nl") == expected and asked == ["nl"]
    asked.clear()
    assert formatting.formats("nl") == expected and asked == []  # the entry written again is used


def test_a_tampered_locale_entry_is_asked_of_babel_again(cache_dir: Path, asked: list[str]) -> None:
    expected = formatting.formats("fr")
    for entry in cache_dir.glob("*.locale"):
        data = entry.read_bytes()
        entry.write_bytes(data[:-4] + bytes(b ^ 0xFF for b in data[-4:]))
    asked.clear()
    assert formatting.formats("fr") == expected and asked == ["fr"]


def test_the_example_is_written_without_loading_babel_once_the_cache_is_warm(tmp_path: Path) -> None:
    """``aidrules evaluate`` writes its amounts and its date from the kept formats: Babel's
    modules and locale data are not loaded (on a cold cache they are, once)."""
    script = (
        "import sys\n"
        "from aidrules.cli.main import main\n"
        "sys.argv = ['aidrules', 'evaluate', 'fixtures/examples/single-parent-guidance.yaml', '--lang', sys.argv[1]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('BABEL' if any(m == 'babel' or m.startswith('babel.') for m in sys.modules) else 'NONE')\n"
    )
    env: dict[str, Any] = {**os.environ, usercache.ENV_DIR: str(tmp_path / "cache")}
    env.pop(usercache.ENV_OFF, None)
    for lang in LANGS:
        runs = [
            subprocess.run(
                [sys.executable, "-c", script, lang], cwd=ROOT, env=env, capture_output=True, text=True, check=True
            ).stdout
            for _ in range(2)
        ]
        assert runs[0].rstrip().endswith("BABEL") and runs[1].rstrip().endswith("NONE"), lang
        assert runs[0].rstrip().removesuffix("BABEL") == runs[1].rstrip().removesuffix("NONE")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("text", ["0.00", "-0.00", "-0.01", "0.01", "-1400.50", "1400.50", "-999.99", "-1000000.00"])
def test_amounts_at_the_edges_are_written_as_babel_writes_them(lang: str, text: str) -> None:
    """Whatever the language puts first (the sign, or the currency: ``-€1,400.50`` in English)."""
    value = Decimal(text)
    assert formatting.locale_of(lang).fast_money
    assert formatting.locale_of(lang).money(value) == format_currency(
        value, "EUR", locale=formatting.NUMBER_LOCALES[lang]
    )


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param(("€ x", "€ -x", "1.234.567", "d MMMM y", ("januari",) * 12), id="no-digits"),
        pytest.param(("€ 1.234.567,89", "€ -1.234.567,89", "1.234.567", "d MMMM y", ("januari",) * 12), id="ok-shape"),
        pytest.param(("€ 1,234.567,89", "€ -1,234.567,89", "1.234.567", "d MMMM y", ("januari",) * 12), id="mixed"),
    ],
)
def test_stored_formats_are_used_only_when_they_write_their_own_probes_back(stored: formatting.Formats) -> None:
    """Formats whose texts are not those of one locale (digits missing, separators mixed) are
    refused (and then asked of Babel), never an error."""
    accepted = formatting._accept_formats(stored)
    assert (accepted is not None) == (stored[0] == "€ 1.234.567,89")
