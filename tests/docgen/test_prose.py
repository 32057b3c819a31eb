"""Generated pages read as Dutch, French or English, never as Python (issue 17, readable rules)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import aidrules
from aidrules.docgen import render_pages
from aidrules.docgen.mermaid import SIZED, flowchart
from aidrules.docgen.prose import _RENDERERS, render
from aidrules.expr import nodes as n
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.parser import parse
from aidrules.ruleset.compile import compile_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "rules").glob("**/*.yaml"))
TOUR = ROOT / "rules" / "voorbeelden" / "taalrondleiding.yaml"
LANGS = ("nl", "fr", "en")

#: What Python looks like in a text: any of these in the words of an expression is a failure.
PYTHON = {
    "square bracket": re.compile(r"[\[\]]"),
    "straight quote": re.compile(r"['\"]"),
    "Python operator": re.compile(r"==|!=|<=|>=|\*\*|//"),
    "generator": re.compile(r"\bfor \w+ in\b"),
    "identifier with _": re.compile(r"\w_\w|\b_|_\b"),
    "dotted name": re.compile(r"[a-z]\.[a-z]"),
    "function call": re.compile(
        r"\b(sum|count|any|all|min|max|abs|round|clamp|date|months_between|years_between|days_between|add_days)\("
    ),
    "Python constant": re.compile(r"\b(True|False|None)\b"),
    "slash or star": re.compile(r"(?<!\w)[*/](?!\w)|\w[*/]\w"),
}
#: In Dutch and French, Python's keywords are not words of the language ("is" and "in" are Dutch).
KEYWORDS = {"nl": re.compile(r"\b(and|or|not|if|else)\b"), "fr": re.compile(r"\b(and|or|not|if|else|is|in)\b")}


def expressions(rs: aidrules.CompiledRuleSet) -> Iterator[CompiledExpression]:
    """Every expression of a rule set: derived values, conditions, rules, actions, reviews."""
    for item in rs.plan:
        yield item.expr
    for row in rs.rows:
        yield row.when
    for action in rs.actions:
        yield action.when
        yield from (v.expr for v in action.values)
    if rs.reviews is not None:
        yield from (item.expr for item in rs.reviews.plan)
        yield from (row.when for row in rs.reviews.rows)


def python_in(text: str, lang: str) -> list[str]:
    found = [name for name, pattern in PYTHON.items() if pattern.search(text)]
    keyword = KEYWORDS[lang].search(text) if lang in KEYWORDS else None
    if keyword:
        found.append(f"Python keyword {keyword.group(0)!r}")
    return found


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT / "rules").as_posix())
def test_every_expression_of_the_shipped_rule_sets_reads_without_python(path: Path) -> None:
    """Catches a renderer that falls back to the formula, or leaves a name, list or operator as code."""
    rs = aidrules.load(str(path))
    bad = []
    for expr in expressions(rs):
        for lang in LANGS:
            words = render(expr.node, rs, lang)
            if not words.strip() or python_in(words, lang):
                bad.append(f"{lang}: {expr.source!r} -> {words!r} {python_in(words, lang)}")
    assert not bad, "\n".join(bad)


def test_every_node_kind_of_the_language_has_words_and_the_tour_shows_each() -> None:
    """Catches a node kind added to the language without a renderer (it would reach the page as code)."""
    kinds = {k for k in vars(n).values() if isinstance(k, type) and issubclass(k, n.Node) and k is not n.Node}
    assert set(_RENDERERS) == kinds
    tour = aidrules.load(str(TOUR))
    seen = {type(node) for expr in expressions(tour) for node in n.walk(expr.node)}
    assert seen == kinds, f"the language tour no longer shows {kinds - seen}"


@pytest.mark.parametrize(
    ("source", "lang", "words"),
    [
        ("sum(i.monthly_net for i in incomes)", "nl", "som van de netto maandinkomens"),
        ("sum(i.monthly_net for i in incomes)", "fr", "somme des revenus nets mensuels"),
        ("client.budgeting_skills in ['limited', 'adequate']", "nl", "budgetvaardigheden is beperkt of voldoende"),
        ("client.budgeting_skills in ['limited', 'adequate']", "en", "budgeting skills is limited or adequate"),
        (
            "total_debt > 0 and not debts_repayable",
            "nl",
            "totale schuld > 0 en niet schulden afbetaalbaar binnen een redelijke termijn",
        ),
        ("client.motivation >= minimum_motivation", "fr", "motivation (0–4) ≥ motivation minimale (score 0-4)"),
        ("forms.budget_management", "nl", "budgetbeheer is mogelijk"),
        (
            "count(d for d in debts if d.enforcement == 'bailiff')",
            "nl",
            "aantal schulden waarbij stand van de invordering is deurwaarder",
        ),
        ("any(i.stable for i in incomes)", "en", "stable income for at least one income"),
        (
            "months_between(client.enterprise_ceased_on, decision_date) >= 6",
            "nl",
            "(aantal maanden van datum van stopzetting van de onderneming tot de beslissingsdatum) ≥ 6",
        ),
        ("leefloon[household.category]", "nl", "leefloon per categorie (maandbedrag) volgens leeflooncategorie"),
        ("client.csr_revoked_on is None", "fr", "date de révocation d’un règlement collectif antérieur est vide"),
        (
            "days_between(date('2025-01-01'), add_days(decision_date, 1))",
            "nl",
            "aantal dagen van 1 januari 2025 tot (de beslissingsdatum + 1 dagen)",
        ),
    ],
)
def test_expressions_read_as_sentences(source: str, lang: str, words: str) -> None:
    """Catches Python reprs, untranslated names and codes (``limited``) in the words of a rule."""
    assert render(parse(source), aidrules.load(), lang) == words


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("a - (b - c)", "a − (b − c)"),
        ("(a - b) - c", "a − b − c"),
        ("(a + b) * c", "(a + b) × c"),
        ("a + b * c", "a + b × c"),
        ("(a or b) and c", "(a of b) en c"),
        ("a or b and c", "a of b en c"),
        ("not (a and b)", "niet (a en b)"),
        ("-(a - b) / 2", "−(a − b) ÷ 2"),
        ("a / (b * c)", "a ÷ (b × c)"),
    ],
)
def test_parentheses_keep_the_formula_s_meaning(source: str, words: str) -> None:
    """Catches a renderer that drops brackets, so that ``a − (b − c)`` reads as ``a − b − c``."""
    assert render(parse(source), None, "nl") == words


def test_calculations_are_wrapping_words_with_the_formula_collapsed_not_code_blocks() -> None:
    """Catches formulas in fenced code blocks, which cut long formulas off at the page's edge."""
    page = render_pages(aidrules.load())["calculations.md"]
    assert "```" not in page
    assert "Formule: som van de netto maandinkomens\n" in page
    assert (
        '<details class="aidrules-formula"><summary>Formule in de regeltaal</summary>'
        "<code>sum(i.monthly_net for i in incomes)</code></details>"
    ) in page


def test_a_placeholder_names_the_kind_of_value_instead_of_repeating_the_sentence() -> None:
    """Catches "Het tekort om menswaardig te leven (*Tekort om menswaardig te leven*)": the title again."""
    page = render_pages(aidrules.load())["rules.md"]
    assert "(*Tekort om menswaardig te leven*)" not in page
    assert (
        'Het tekort om menswaardig te leven (<span class="aidrules-slot" title="Tekort om menswaardig te leven">'
        "‹bedrag›</span>) kan binnen de budgethulp overbrugd worden"
    ) in page
    french = render_pages(aidrules.load(), "fr")["rules.md"]
    assert "‹montant›" in french and "‹bedrag›" not in french


def test_table_values_of_a_choice_are_labelled_in_the_page_language() -> None:
    """Catches raw codes (``cohabiting: …``) in a Dutch page."""
    tour = aidrules.load(str(TOUR))
    text = render_pages(tour)["parameters.md"] + render_pages(tour)["policy-choices.md"]
    assert "cohabiting" not in text and "family_dependants" not in text


def test_every_page_declares_its_language_for_the_site_chrome() -> None:
    """Catches a Dutch page under English site chrome ("Search", "Table of contents")."""
    for lang in LANGS:
        for name, page in render_pages(aidrules.load(), lang).items():
            assert page.startswith(f"---\nlanguage: {lang}\n---\n\n# "), name


def test_html_in_a_rule_text_or_title_stays_visible_text() -> None:
    """Catches a page that passes ``<b>`` from a rule file through as markup (titles, texts, words, charts)."""
    text = TOUR.read_text(encoding="utf-8")
    text = text.replace("{nl: Inkomen uit arbeid,", "{nl: <b>Inkomen</b> uit arbeid,")
    text = text.replace("because: {nl: Te weinig inkomen.,", "because: {nl: <i>Te weinig</i> inkomen.,")
    text = text.replace("{nl: Genoeg inkomen, fr:", "{nl: <script>Genoeg</script> inkomen, fr:")
    text = text.replace(
        "    type: money\n    policy_choice:", "    type: money\n    unit: <u>EUR</u>\n    policy_choice:"
    )
    rs = compile_text(text, "tour.yaml")
    pages = "\n".join(render_pages(rs).values())
    assert "<b>" not in pages and "<i>" not in pages and "<script>" not in pages and "<u>" not in pages
    assert "Eenheid: &lt;u&gt;EUR&lt;/u&gt;" in pages
    assert "&lt;b&gt;Inkomen&lt;/b&gt; uit arbeid" in pages  # a title, in words and in a placeholder's tooltip
    assert "&lt;i&gt;Te weinig&lt;/i&gt; inkomen." in pages
    assert any("#lt;script#gt;Genoeg" in line for line in flowchart(rs, "nl"))  # Mermaid's own escape


def test_flowchart_is_drawn_at_its_own_size_and_asks_in_words() -> None:
    """Catches a chart stretched to the page width (three questions filling the screen) and formulas in it."""
    tour = aidrules.load(str(TOUR))
    lines = flowchart(tour, "nl")
    assert lines[0] == SIZED and lines[1] == "flowchart TD"
    assert '"useMaxWidth": false' in SIZED
    assert '    q2{{"budgetbeheer is mogelijk en niet genoeg inkomen?"}}' in lines
    assert not any("forms." in line or " and " in line for line in lines)


def test_french_pages_put_a_no_break_space_before_a_colon() -> None:
    """Catches "Proposée si: …": French typography wants a (no-break) space before the colon."""
    pages = render_pages(aidrules.load(), "fr")
    assert "Proposée si\u00a0: manque pour vivre dignement &gt; 0\n" in pages["rules.md"]
    assert "Formule\u00a0: somme des revenus nets mensuels\n" in pages["calculations.md"]
    assert "Source\u00a0: " in pages["rules.md"] and "Source: " not in pages["rules.md"]
