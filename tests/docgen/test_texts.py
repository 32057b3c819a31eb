"""The generated pages' words come from the gettext domain `docgen` (and `interface` for yes/no and
a list's item noun): every key the code names exists, quantifiers exist for every list, and nothing
is read before a page is written."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from aidrules.docgen import labels, prose
from aidrules.ruleset.schema import Parameter
from aidrules.text import LANGS, lookup

DOCGEN = Path(prose.__file__).resolve().parent


def _named_keys() -> dict[str, set[str]]:
    """Literal first arguments of the calls that read a text, by the reader: `label`/`L` (pages)
    and `w` (words of expressions), in every module of aidrules/docgen."""
    found: dict[str, set[str]] = {"label": set(), "w": set()}
    for path in DOCGEN.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0]
            if name in ("label", "L", "w") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found["w" if name == "w" else "label"].add(first.value)
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_key_the_docgen_code_names_has_a_text(lang: str) -> None:
    """A key typed in the code but missing from the catalogue fails only when that page part is
    written (a KeyError in `aidrules docs`), perhaps for one rule set in one language."""
    keys = _named_keys()
    assert len(keys["label"]) > 40 and len(keys["w"]) > 10
    groups = {f"group_{group}" for group in get_args(Parameter.model_fields["group"].annotation)}
    missing = [k for k in sorted(keys["label"] | groups) if not labels.label(k, lang)]
    missing += [k for k in sorted(keys["w"]) if not prose._Context(None, lang).has_words(k)]
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_list_with_an_item_noun_has_both_quantifier_phrases(lang: str) -> None:
    """ "for every debt" / "for at least one debt" are whole phrases per list (Dutch elk/elke, French
    un/une follow the noun); a list given a noun in `interface` without them would fall back to
    the phrase for a list without a noun."""
    lists = {key.removeprefix("item.") for key in lookup("interface", lang) if key.startswith("item.")}
    assert lists
    words = lookup("docgen", lang)
    assert {q for q in ("all", "any") for x in lists if f"{q}.{x}" not in words} == set()
    for x in lists:
        noun = lookup("interface", lang)[f"item.{x}"]
        assert noun in words[f"all.{x}"] and noun in words[f"any.{x}"], (x, lang)


def test_no_docgen_or_schemas_text_is_read_until_a_page_or_schema_is_written() -> None:
    """Importing the modules reads no catalogue of theirs (`import aidrules` stays light)."""
    code = (
        "import aidrules, aidrules.docgen, aidrules.schemas\n"
        "from aidrules import text\n"
        "print(sorted(dict(text.domain('docgen'))), sorted(dict(text.domain('schemas'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "[]"]
