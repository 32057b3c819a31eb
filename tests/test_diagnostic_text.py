"""The catalogue of diagnostic texts (src/aidrules/diagnostic_catalogue.yaml): complete in nl/fr/en,
its placeholders consistent, and every code documented in docs/diagnostics.md."""

from __future__ import annotations

import re
import string
from pathlib import Path

import yaml

from aidrules.diagnostic_text import LANGS, catalogue

ROOT = Path(__file__).resolve().parents[1]
RAW = yaml.safe_load((ROOT / "src" / "aidrules" / "diagnostic_catalogue.yaml").read_text(encoding="utf-8"))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _entries() -> list[dict[str, str]]:
    out = [*RAW["hints"], *RAW["words"]]
    for item in RAW["codes"].values():
        out.append(item["summary"])
        out.extend(item.get("messages", ()))
    return out


def test_every_catalogue_text_has_dutch_french_and_english() -> None:
    for entry in _entries():
        assert set(entry) == set(LANGS), entry
        assert all(isinstance(entry[lang], str) and entry[lang].strip() for lang in LANGS), entry


def test_translations_use_exactly_the_placeholders_of_the_english_key() -> None:
    """Catches a Dutch text that drops or misspells a placeholder: it would lose the name of the
    key or fact the message is about, or fail to format."""
    for entry in _entries():
        assert _placeholders(entry["nl"]) == _placeholders(entry["en"]) == _placeholders(entry["fr"]), entry


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
