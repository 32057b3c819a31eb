"""`aidrules docs`: pages for policy makers, from the rule file alone."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import aidrules
from aidrules.cli.main import app
from aidrules.docgen import PAGES, page_documents, render_pages
from aidrules.docgen.mermaid import SIZED, flowchart
from aidrules.ruleset.compile import compile_text
from aidrules.words.document import Admonition, Code, flat, render_html

ROOT = Path(__file__).resolve().parents[2]
PLANTED = (ROOT / "tests" / "analysis" / "data" / "planted.yaml").read_text(encoding="utf-8")


def test_the_committed_rule_set_pages_are_up_to_date(tmp_path: Path) -> None:
    """docs/rulesets/ is generated; regenerate with `aidrules docs noord-limburg-budgethulp --out docs/rulesets`."""
    result = CliRunner().invoke(app, ["docs", "noord-limburg-budgethulp", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    committed = ROOT / "docs" / "rulesets" / "noord-limburg-budgethulp"
    for name in PAGES:
        fresh = (tmp_path / "noord-limburg-budgethulp" / name).read_text(encoding="utf-8")
        assert (committed / name).read_text(encoding="utf-8") == fresh, (
            f"docs/rulesets/noord-limburg-budgethulp/{name} is stale: run "
            "`aidrules docs noord-limburg-budgethulp --out docs/rulesets`"
        )


def test_overview_has_period_approval_order_and_changelog() -> None:
    page = render_pages(aidrules.load())["index.md"]
    assert "| In voege | vanaf 1 februari 2025 |" in page
    assert "referentie `aidrules-ref-2025.1`" in page
    assert f"```mermaid\n{SIZED}\nflowchart TD" in page
    assert "- **2025.1** (1 februari 2025): Maximale aanvullende steun verhoogd van 400 naar 500 euro" in page
    # the rules in the order they are read (docs/reference-policy.md §6)
    rows = [line for line in page.splitlines() if line.startswith("| Regel ")]
    assert [r.split("**")[1] for r in rows] == ["Budgetbegeleiding", "Collectieve schuldenregeling", "Budgetbeheer"]
    assert "| Anders | **Geen budgethulp** |" in page


def test_every_condition_is_in_words_with_its_formula_and_source() -> None:
    page = render_pages(aidrules.load())["rules.md"]
    assert "#### Minimale motivatie (`motivation.minimum`)" in page
    assert "Geldt als: motivatie (0–4) ≥ minimale motivatie (score 0-4)\n" in page
    assert "<code>client.motivation &gt;= minimum_motivation</code></details>" in page  # the formula, collapsed
    # a parameter in an explanation shows its value; a fact the kind of value filled in, named in a tooltip
    assert (
        'De motivatie (<span class="aidrules-slot" title="motivatie (0–4)">‹getal›</span>) ligt onder het minimum (2).'
        in page
    )
    assert (
        "*Bron: Art. 1675/2 al. 3 Ger.W. (wet 14 januari 2013; GwH nr. 67/2015); termijn volgens art. 52 en 54" in page
    )


def test_parameter_tables_have_dates_values_and_sources() -> None:
    page = render_pages(aidrules.load())["parameters.md"]
    assert "| In voege vanaf | samenwonende | alleenstaande | met gezin ten laste | Bron |" in page
    row = "| 1 februari 2025 | € 876,13 | € 1.314,20 | € 1.776,07 | Wet 26 mei 2002 art. 14; montants au 01/02/2025"
    assert row.replace("€ ", "€\u00a0") in page  # Belgian format, with a no-break space


def test_policy_choices_flag_illustrative_amounts() -> None:
    page = render_pages(aidrules.load())["policy-choices.md"]
    assert "## Redelijke afbetalingstermijn (maanden) (`reasonable_repayment_months`)" in page
    section = page.split("(`dignity_floor_first_adult`)")[1].split("## ")[0]
    assert '!!! warning "Illustratief bedrag"' in section and "**Huidige waarde: €\u00a0650,00**" in section
    assert "`leefloon`" not in page  # a federal amount is not a choice of the council


def test_pages_in_french() -> None:
    pages = render_pages(aidrules.load(), "fr")
    assert pages["index.md"].startswith("---\nlanguage: fr\n---\n\n# Aide budgétaire Limbourg du Nord")
    assert "Choix du conseil" in pages["policy-choices.md"]


def test_flowchart_without_otherwise_ends_in_a_gap_and_unique_rules_branch_from_the_start() -> None:
    text = PLANTED.replace("  otherwise: none  # PLANT:otherwise\n", "").replace(
        "  otherwise_because: {nl: Niets, fr: Rien, en: Nothing}  # PLANT:otherwise-because\n", ""
    )
    lines = flowchart(compile_text(text.replace("hit_policy: first", "hit_policy: unique"), "x.yaml"), "nl")
    assert '    gap["Geen aanbeveling: leemte in de regels"]' in lines
    assert "    start --> q1" in lines and "    start --> q2" in lines
    assert "    q1 -- nee --> gap" in lines and "    q2 -- nee --> gap" in lines


def test_pages_are_documents_whose_chart_warning_and_formulas_are_blocks_and_spans() -> None:
    """The pages are built as documents of the one model (not Markdown strings): the chart is a
    mermaid code block, an illustrative amount a warning, each formula a collapsed span, so
    another renderer (HTML) writes the same page with every rule text escaped."""
    rs = aidrules.load()
    docs = page_documents(rs)
    assert set(docs) == set(PAGES) and all(d.front_matter == (("language", "nl"),) for d in docs.values())
    charts = [b for b in flat(docs["index.md"].blocks) if isinstance(b, Code)]
    assert [(c.language, list(c.lines)) for c in charts] == [("mermaid", flowchart(rs, "nl"))]
    warnings = [b for b in docs["policy-choices.md"].blocks if isinstance(b, Admonition)]
    assert warnings and all(w.kind == "warning" and w.title == "Illustratief bedrag" for w in warnings)
    html = render_html(docs["rules.md"])
    assert html.count('<details class="aidrules-formula">') == render_pages(rs)["rules.md"].count("<details")
    assert "<footer><p><em>Deze pagina is gemaakt met <code>aidrules docs</code>" in html


def test_a_page_built_from_a_rule_file_with_markup_writes_it_as_text_in_html_too() -> None:
    rs = compile_text(PLANTED.replace("title: {nl: Testregels", "title: {nl: <i>Test</i>regels", 1), "planted.yaml")
    for name, doc in page_documents(rs).items():
        page = render_html(doc)
        assert "<i>" not in page, name
        assert "&lt;i&gt;Test&lt;/i&gt;regels" in page, name
