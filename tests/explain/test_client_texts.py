"""The client's letter speaks the rule set's own plain words (``client_text:`` in the rule file),
not words the library keeps for the reference rule set's ids; a rule set without them still gets a
letter, and a broken client text is a located error, like every other text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.explain.cases import ROOT, fixture

from aidrules.errors import RuleSetError
from aidrules.explain.api import explanation
from aidrules.explain.letter import letter_context
from aidrules.ruleset.compile import compile_text, load_ruleset
from aidrules.ruleset.compiled import CompiledRuleSet

REFERENCE = ROOT / "rules" / "noord-limburg-budgethulp.yaml"
SRC = ROOT / "src" / "aidrules"
#: A fixture recommending budget guidance, with debt mediation proposed.
GUIDANCE = "001-single-wage-guidance-baseline"


def _compile(text: str) -> CompiledRuleSet:
    return compile_text(text, str(REFERENCE), find=lambda ref: _layer(ref))


def _layer(ref: str) -> Path | None:
    files = {"federale-bedragen@2026.1": ROOT / "rules" / "federaal" / "federale-bedragen.yaml"}
    return files.get(ref)


def _without_client_texts(text: str) -> str:
    """The reference rule file with every ``client_text`` block and ``client_title`` taken out."""
    out: list[str] = []
    skip_deeper_than: int | None = None
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        if skip_deeper_than is not None and (not line.strip() or indent > skip_deeper_than):
            continue
        skip_deeper_than = None
        if re.match(r"^\s*client_title:", line):
            continue
        if re.match(r"^\s*(client_text|otherwise_client_text):$", line):
            skip_deeper_than = indent
            continue
        out.append(line)
    return "\n".join(out)


def test_the_reference_rule_set_carries_its_client_texts_in_all_three_languages() -> None:
    rs = load_ruleset(REFERENCE)
    conditions = [item.id for item in rs.plan if item.kind == "condition"]
    for cid in conditions:
        for outcome in ("true", "false"):
            assert f"conditions.{cid}.{outcome}" in rs.client_texts, cid
    assert {f"forms.{f.id}" for f in rs.forms} <= set(rs.client_texts)
    assert {f"actions.{a.id}" for a in rs.actions} <= set(rs.client_texts)
    assert "otherwise" in rs.client_texts


def test_the_letter_uses_a_rule_sets_own_client_text() -> None:
    """Catches a letter that still reads texts keyed by the reference ids from library code."""
    text = REFERENCE.read_text(encoding="utf-8")
    mine = "Wij bekijken samen uw afbetalingen."
    changed = re.sub(
        r"(  debt_mediation:\n(?:    .*\n|      .*\n)*?    client_text:\n      nl: ).*\n",
        lambda m: m.group(1) + mine + "\n",
        text,
        count=1,
    )
    assert changed != text
    rs = _compile(changed)
    context = letter_context(explanation(rs, fixture(GUIDANCE).case, lang="nl"))
    assert mine in context["actions"]


def test_a_rule_set_without_client_texts_gets_a_letter_in_its_own_rule_words() -> None:
    """Another OCMW's rule set without ``client_text`` keys: the letter falls back to the rules'
    own messages and the form's description, never to the reference rule set's plain words."""
    reference = load_ruleset(REFERENCE)
    bare = _compile(_without_client_texts(REFERENCE.read_text(encoding="utf-8")))
    assert bare.client_texts == {}
    expl = explanation(bare, fixture(GUIDANCE).case, lang="nl")
    context = letter_context(expl)
    form = next(f for f in bare.forms if f.id == expl.recommendation)
    assert context["proposal"]["explanation"] == form.description.get("nl")
    plain = {t.get("nl") for t in reference.client_texts.values()}
    assert context["reasons"]
    for sentence in [*context["reasons"], *context["actions"]]:
        assert sentence not in plain
    messages = {c.message for c in expl.conditions.values()} | {a.message for a in expl.actions}
    assert set(context["reasons"]) <= messages
    assert set(context["actions"]) <= messages


def test_a_client_text_without_its_french_is_a_located_error() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    start = text.index("    client_text:\n      if_true:\n")
    fr = text.index("        fr: ", start)
    broken = text[:fr] + text[text.index("\n", fr) + 1 :]
    with pytest.raises(RuleSetError) as caught:
        _compile(broken)
    diagnostics = caught.value.diagnostics
    assert diagnostics
    first = diagnostics[0]
    assert (first.code, first.message) == ("RS102", "`fr` is required here")
    assert "French" in (first.hint or "")
    line = text[:start].count("\n") + 1  # the `client_text:` line
    assert first.span is not None and line < first.span.line <= line + 2


def test_a_client_text_naming_an_unknown_value_is_refused_with_rs208() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    broken = text.replace("{total_debt}) binnen {reasonable_repayment_months}", "{total_dept}) binnen {x}", 1)
    assert broken != text
    with pytest.raises(RuleSetError) as caught:
        _compile(broken)
    codes = {(d.code, "total_dept" in d.message) for d in caught.value.diagnostics}
    assert ("RS208", True) in codes


def test_no_library_module_keeps_texts_keyed_by_the_reference_rule_sets_condition_ids() -> None:
    """Catches a dictionary like the old ``explain/client_texts.py`` coming back: the reference
    rule set's condition ids belong in ``rules/``, not in library code."""
    ids = [item.id for item in load_ruleset(REFERENCE).plan if item.kind == "condition"]
    offenders = []
    for path in SRC.rglob("*.py"):
        body = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(SRC)}: {cid}" for cid in ids if re.search(f'"{re.escape(cid)}"\\s*:', body)]
    assert offenders == []


def test_every_reference_form_has_its_name_for_a_sentence_of_the_letter() -> None:
    rs = load_ruleset(REFERENCE)
    for form in rs.forms:
        named = rs.client_texts[f"forms.{form.id}.title"]
        assert named.get("fr").startswith(("un ", "une ")), form.id  # French needs the article
        assert named.get("nl") == form.title.get("nl").lower(), form.id


def test_the_french_letter_names_the_form_as_the_rule_set_words_it() -> None:
    """Catches the article coming from a table keyed by the reference form ids in library code
    (the old ``letter._FR_ARTICLE``): the rule file's ``client_title`` decides the words."""
    text = REFERENCE.read_text(encoding="utf-8")
    mine = "notre accompagnement budgétaire"
    changed = text.replace("fr: une guidance budgétaire,", f"fr: {mine},", 1)
    assert changed != text
    context = letter_context(explanation(_compile(changed), fixture(GUIDANCE).case, lang="fr"))
    assert context["proposal"]["id"] == "budget_guidance"
    assert context["proposal"]["with_article"] == mine


def test_a_form_without_client_title_is_named_by_its_title_in_lower_case() -> None:
    """Another OCMW's form without ``client_title``: no article invented by the library."""
    text = REFERENCE.read_text(encoding="utf-8")
    bare = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("client_title:"))
    rs = _compile(bare)
    assert not any(key.endswith(".title") for key in rs.client_texts)
    for lang, name in (("fr", "guidance budgétaire"), ("nl", "budgetbegeleiding"), ("en", "budget guidance")):
        context = letter_context(explanation(rs, fixture(GUIDANCE).case, lang=lang))
        assert context["proposal"]["with_article"] == name
