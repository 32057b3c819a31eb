"""The catalogue of diagnostic codes (src/aidrules/diagnostic_catalogue.yaml) and its texts (the
gettext domain `diagnostics`): every code documented in docs/diagnostics.md, every code's summary
and messages translated, and a message recognised by its most specific English text.
(Completeness and placeholders of every catalogue: tests/text/test_catalogues.py.)"""

from __future__ import annotations

import re
from pathlib import Path

from aidrules import text
from aidrules.diagnostic_text import DOMAIN, LANGS, catalogue, entries, localise
from aidrules.errors import Diagnostic

ROOT = Path(__file__).resolve().parents[1]


def test_every_code_has_its_summary_translated() -> None:
    for code, texts in catalogue().codes.items():
        for lang in LANGS:
            assert text.pgettext(DOMAIN, lang, "summary", texts.summary), (code, lang)


def test_every_message_context_of_the_catalogue_is_a_known_code_or_a_shared_kind() -> None:
    """A message under a misspelt code would never be shown translated."""
    contexts = set(text.contexts(DOMAIN, "en"))
    assert contexts - set(catalogue().codes) == {"summary", "hint", "word", "severity"}


def test_specific_message_wins_over_the_generic_one_that_also_matches() -> None:
    """`x` needs a whole number was shown as "moet een a geheel getal zijn" while the generic
    "needs {expected_type}" was tried first."""
    english = "`bedrag` needs a whole number, got `1.5`"
    assert entries("RS104")[0].match(english) is not None
    assert localise(Diagnostic("RS104", english), "nl").message == "`bedrag` moet een geheel getal zijn, niet `1.5`"
    assert localise(Diagnostic("RS104", english), "fr").message == "`bedrag` doit être un nombre entier, pas `1.5`"


def test_kind_of_value_in_a_type_placeholder_is_translated() -> None:
    english = "`x` needs amount (EUR), got `abc`"
    assert localise(Diagnostic("RS104", english), "nl").message == "`x` moet een bedrag (EUR) zijn, niet `abc`"


def test_message_without_entry_shows_the_translated_summary_before_the_english() -> None:
    shown = localise(Diagnostic("RS101", "something new"), "nl")
    assert shown.message == "onbekende sleutel — something new"


def test_docs_list_every_code_of_the_catalogue() -> None:
    documented = set(re.findall(r"`([A-Z]{2}\d{3})`", (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")))
    missing = set(catalogue().codes) - documented
    assert not missing, f"document these codes in docs/diagnostics.md: {sorted(missing)}"


def test_catalogue_covers_every_rule_file_code_validate_emits() -> None:
    """Every RS/SA code written by the rule-file checks that `validate` runs has its texts
    (signatures RS8xx and finding a rule set RS50x–RS506 are not part of validating a file)."""
    sources = [
        *(ROOT / "src" / "aidrules" / "ruleset").glob("*.py"),
        *(ROOT / "src" / "aidrules" / "expr").glob("*.py"),
        *(ROOT / "src" / "aidrules" / "analysis").glob("*.py"),
        ROOT / "src" / "aidrules" / "lifecycle" / "compile.py",
        ROOT / "src" / "aidrules" / "registry" / "layers.py",
        ROOT / "src" / "aidrules" / "registry" / "neighbours.py",
    ]
    emitted = {code for p in sources for code in re.findall(r'"((?:RS|SA)\d{3})"', p.read_text(encoding="utf-8"))}
    assert emitted - set(catalogue().codes) == set()
