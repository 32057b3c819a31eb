"""The gettext catalogues (src/aidrules/locale): compiled, complete in nl/fr/en, placeholders kept,
no Dutch left in French, and read by aidrules.text."""

from __future__ import annotations

import importlib.util
import io
import re
import string
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from aidrules import text
from aidrules.text import DOMAINS, LANGS

LOCALE = Path(text.__file__).resolve().parents[1] / "locale"
#: Domains whose msgid is the English text itself (the others use stable keys; aidrules/text).
ENGLISH_IDS = {"diagnostics", "cli"}


def _po(domain: str, lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as stream:
        return read_po(stream)


def _texts(domain: str) -> dict[tuple[str | None, str], dict[str, str]]:
    """(context, msgid) → {lang: text} of a domain."""
    out: dict[tuple[str | None, str], dict[str, str]] = {}
    for lang in LANGS:
        for m in _po(domain, lang):
            if m.id:
                assert isinstance(m.id, str) and isinstance(m.string, str), (domain, lang, m.id)
                out.setdefault((m.context, m.id), {})[lang] = m.string
    return out


def _placeholders(s: str) -> set[str]:
    """The fields of ``s``; ``{form_lower}`` counts as ``{form}``: the same value, lower case first,
    given by the caller for a language whose grammar puts it inside a sentence."""
    return {name.removesuffix("_lower") for _, name, _, _ in string.Formatter().parse(s) if name is not None}


def test_every_catalogue_of_every_domain_exists_in_every_language() -> None:
    found = {(p.parent.parent.name, p.stem) for p in LOCALE.glob("*/LC_MESSAGES/*.po")}
    assert found == {(lang, domain) for lang in LANGS for domain in DOMAINS}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("domain", DOMAINS)
def test_shipped_mo_file_is_compiled_from_its_current_po_file(domain: str, lang: str) -> None:
    """A .po edited without scripts/compile-texts.sh would ship the old words."""
    compiled = io.BytesIO()
    write_mo(compiled, _po(domain, lang))
    shipped = (LOCALE / lang / "LC_MESSAGES" / f"{domain}.mo").read_bytes()
    assert shipped == compiled.getvalue(), f"run scripts/compile-texts.sh ({lang}/{domain}.po changed)"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_passes_the_checks_pybabel_compile_runs(domain: str, lang: str) -> None:
    """pybabel compile fails on these (a `%` before a letter reads as a %-format to Babel: the French
    of "coverage {percent}% is below" had to keep a compatible letter after its `%`)."""
    problems = [(m.id, [str(e) for e in errors]) for m, errors in _po(domain, lang).check()]
    assert not problems


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_msgid_has_a_non_empty_dutch_french_and_english_text(domain: str) -> None:
    for key, texts in _texts(domain).items():
        assert set(texts) == set(LANGS), f"{domain} {key}: missing in {set(LANGS) - set(texts)}"
        assert all(t.strip() for t in texts.values()), f"{domain} {key}: empty text {texts}"


#: Placeholders a translation leaves out on purpose: (domain, msgid) → names.
LEFT_OUT = {
    # `what` is an English word of the caller ("case", "rules"); the translations say "the file".
    ("cli", "cannot read {what} file {path}: {reason}"): {"what"},
}


@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_keep_exactly_the_placeholders_of_the_english_text(domain: str) -> None:
    """A translation that drops a placeholder loses the name or amount it is about; one that adds
    or misspells one fails to format."""
    for (_, msgid), texts in _texts(domain).items():
        english = _placeholders(msgid if domain in ENGLISH_IDS else texts["en"])
        for lang in LANGS:
            expected = english if lang == "en" else english - LEFT_OUT.get((domain, msgid), set())
            assert _placeholders(texts[lang]) == expected, f"{domain} {msgid} ({lang}): {texts[lang]!r}"


@pytest.mark.parametrize("domain", ENGLISH_IDS & set(DOMAINS))
def test_english_catalogue_of_an_english_keyed_domain_repeats_the_msgid(domain: str) -> None:
    for (_, msgid), texts in _texts(domain).items():
        assert texts["en"] == msgid


#: Words that are Dutch and not French or English (a French text with one is an untranslated copy).
DUTCH_WORDS = {
    "het", "een", "niet", "nog", "geen", "voor", "zijn", "wordt", "worden", "deze", "dit", "naar", "ook",
    "gegevens", "ontbrekende", "mogelijk", "voorstel", "regel", "bedrag", "waarde", "moet", "mag", "kan",
    "bij", "uit", "hier", "maar", "welke", "onbekend", "nooit", "schulden", "cliënt", "van",
}  # fmt: skip
#: Texts that are the same word in Dutch and French.
SAME_IN_DUTCH_AND_FRENCH = {
    "transport", "telecom", "source", "condition", "Date", "Actions", "parameter", "formule", "Formule",
}  # fmt: skip


@pytest.mark.parametrize("domain", DOMAINS)
def test_no_untranslated_dutch_is_left_in_the_french_catalogue(domain: str) -> None:
    """Heuristics: a French text equal to the Dutch one (unless the word is also English, or one of
    the few words both languages share), or containing a word that only Dutch has, outside
    `code` and {placeholders}."""
    for key, texts in _texts(domain).items():
        french = texts["fr"]
        if french == texts["nl"]:
            assert french == texts["en"] or french in SAME_IN_DUTCH_AND_FRENCH or not re.search("[a-z]", french), (
                f"{domain} {key}: French is the Dutch text {french!r}"
            )
        prose = re.sub(r"`[^`]*`|\{[^}]*\}", " ", french)
        dutch = {w for w in re.findall(r"[\wë]+", prose.lower()) if w in DUTCH_WORDS}
        assert not dutch, f"{domain} {key}: Dutch words {sorted(dutch)} in French {french!r}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_plural_forms_of_each_language_survive_compiling_and_loading(domain: str) -> None:
    """gettext reads each language's Plural-Forms from the compiled header: French counts 0 as
    singular, Dutch and English do not."""
    assert text.translations(domain, "fr").plural(0) == 0
    assert text.translations(domain, "nl").plural(0) == 1
    assert text.translations(domain, "en").plural(0) == 1
    assert all(text.translations(domain, lang).plural(1) == 0 for lang in LANGS)


@pytest.mark.parametrize("domain", DOMAINS)
def test_lookup_gives_the_po_text_of_every_message(domain: str) -> None:
    for (context, msgid), texts in _texts(domain).items():
        for lang in LANGS:
            if context is None:
                assert text.lookup(domain, lang)[msgid] == texts[lang]
            else:
                assert text.pgettext(domain, lang, context, msgid) == texts[lang]
                assert text.contexts(domain, lang)[context][msgid] == texts[lang]


def test_unknown_language_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'de'"):
        text.translations(DOMAINS[0], "de")
    with pytest.raises(ValueError, match="'de'"):
        text.domain(DOMAINS[0])["de"]


def test_extraction_config_finds_the_command_lines_texts_and_each_is_translated() -> None:
    """babel.cfg with the keywords CONTRIBUTING.md gives (`tr`, `say`): what `pybabel extract`
    writes for the translators; a msgid it finds that the `cli` catalogue lacks stays English."""
    root = LOCALE.parents[2]
    with (root / "babel.cfg").open(encoding="utf-8") as stream:
        method_map, options_map = parse_mapping_cfg(stream)
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            root / "src" / "aidrules" / "cli", method_map, options_map, keywords={"tr": None, "say": None}
        )
    }
    assert len(found) > 100
    assert found - set(text.lookup("cli", "en")) == set()


def _template_script() -> ModuleType:
    path = LOCALE.parents[2] / "scripts" / "texts-template.py"
    spec = importlib.util.spec_from_file_location("texts_template", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("domain", DOMAINS)
def test_pybabel_update_with_the_domains_template_keeps_every_text(domain: str) -> None:
    """The translator's step 2 (CONTRIBUTING.md): updating from scripts/texts-template.py's template
    must neither drop (mark obsolete) nor change a text, nor add one the catalogue lacks."""
    pot = _template_script().template(domain)
    for lang in LANGS:
        catalogue = _po(domain, lang)
        before = {(m.context, m.id): m.string for m in catalogue if m.id}
        catalogue.update(pot, no_fuzzy_matching=True)
        after = {(m.context, m.id): m.string for m in catalogue if m.id}
        assert after == before, (domain, lang, set(before) ^ set(after))
        assert not catalogue.obsolete
