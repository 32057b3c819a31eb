"""The document model renders text, Markdown and HTML with every value escaped."""

from __future__ import annotations

import pytest

from aidrules.report.sections import Chart
from aidrules.report.svg import render_chart
from aidrules.words.document import (
    Admonition,
    Bullets,
    Code,
    Document,
    Figure,
    Heading,
    Item,
    Paragraph,
    Section,
    Span,
    Table,
    inline,
    parse_markup,
    render,
    render_html,
    render_markdown,
    render_text,
)


def _doc(*texts: str) -> Document:
    doc = Document("Titel <1>", "nl")
    doc.heading(1, "Titel <1>")
    for t in texts:
        doc.para(t)
    return doc


def test_html_escapes_every_text_and_the_title() -> None:
    out = render_html(_doc("<script>alert('x')</script> & co"))
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; co" in out
    assert "<title>Titel &lt;1&gt;</title>" in out


def test_markdown_escapes_markup_in_values() -> None:
    out = render_markdown(_doc("**niet vet** [link](x) `code` <b> | _x_ # kop", "- geen lijst"))
    assert "\\*\\*niet vet\\*\\*" in out and "\\[link\\]" in out and "\\`code\\`" in out
    assert "\\<b\\>" in out and "\\|" in out and "\\_x\\_" in out
    assert "\n\\- geen lijst" in out  # a paragraph starting with "- " stays a paragraph


def test_markdown_keeps_underscores_inside_words() -> None:
    assert "budget_guidance" in render_markdown(_doc("budget_guidance"))


def test_text_keeps_amounts_on_one_line() -> None:
    text = "x " * 40 + "een schuld van €\u00a01.314,20 per maand"
    out = render_text(_doc(text), width=50)
    assert "€\u00a01.314,20" in out


def test_text_table_too_wide_for_a_terminal_becomes_a_list() -> None:
    doc = Document("T", "nl")
    doc.table(("Naam", "Bron"), [("leefloon", "lange bron " * 12)])
    assert render_text(doc).startswith("• leefloon; Bron: ")


def test_parse_markup_reads_headings_paragraphs_bullets_and_bold() -> None:
    blocks = parse_markup("# Titel\n\nEen **vet** woord\nop twee regels.\n\n- een\n  vervolg\n  - sub\n- twee\n")
    assert blocks[0] == Heading(1, inline("Titel"))
    assert blocks[1] == Paragraph((Span("Een "), Span("vet", "strong"), Span(" woord op twee regels.")))
    assert blocks[2] == Bullets((Item(inline("een vervolg"), (Bullets((Item(inline("sub")),)),)), Item(inline("twee"))))


def test_escaped_marks_in_markup_stay_text() -> None:
    assert parse_markup("a \\*\\*b\\*\\* c") == [Paragraph((Span("a **b** c"),))]


def _compact(*texts: str) -> Document:
    doc = Document("Voorstel", "nl", layout="compact")
    doc.heading(1, "Voorstel")
    for t in texts:
        doc.para(t)
    doc.heading(2, "Acties")
    doc.bullets([Item(inline("Schuldbemiddeling"), (Paragraph(inline("Een plan " * 20)),))])
    return doc


def test_a_compact_document_keeps_its_lines_whole_and_together() -> None:
    """The terminal view of ``evaluate``: lines as written (a pipe to grep keeps a reason on one
    line), no blank line between a heading and its content, the first heading in capitals."""
    long = "Een lange reden " * 12
    out = render_text(_compact(long.strip(), "Datum: 1 maart 2025"))
    lines = out.splitlines()
    assert lines[:4] == ["VOORSTEL", "========", "", long.strip()]
    assert lines[4] == "Datum: 1 maart 2025"
    assert lines[5:9] == ["", "Acties", "------", "• Schuldbemiddeling"]
    assert lines[9] == "  " + ("Een plan " * 20).strip()
    assert render_text(_doc(long)).count("\n") > 4  # a page wraps the same paragraph


def test_a_compact_markdown_document_is_written_as_the_terminal_views_always_were() -> None:
    """The terminal sanitiser removes an escape sequence (``ESC[2J``) from a rule text only when
    it arrives whole: a Markdown backslash inside it would leave ``[2J`` on the screen."""
    out = render_markdown(_compact("Kan \x1b[2J nu"))
    assert out.startswith("# Voorstel\n\n\nKan \x1b[2J nu\n")
    assert "\n## Acties\n\n- Schuldbemiddeling\n" in out
    assert "\\[" in render_markdown(_doc("Kan \x1b[2J nu"))  # a page document escapes it


def test_a_french_compact_document_is_typeset_as_a_whole() -> None:
    doc = Document("Proposition", "fr", layout="compact")
    doc.heading(2, "Formes")
    doc.bullets([Item(inline("Gestion : possible"), (Bullets((Item(inline("? Volonté : à évaluer")),)),))])
    out = render(doc, "text")
    assert "Gestion\u00a0: possible" in out and "Volonté\u00a0: à évaluer" in out
    assert "Formes\n------\n" in out


_SVG = '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="c"><title>Grafiek</title><rect x="0"/></svg>'


def _page() -> Document:
    table = Table(("Vorm", "Aantal"), (("Budgetbeheer <b>", "12"),), ("l", "r"), row_headers=True, wide=True)
    blocks = (Heading(2, inline("Per vorm")), Figure(_SVG, "Grafiek: per vorm"), table, Paragraph(inline("Noot"), True))
    doc = Document("Verslag", "nl", css="body { color: red; }")
    doc.blocks.append(Section("by_form", blocks))
    return doc


def test_a_section_is_an_html_section_with_its_id_and_just_its_blocks_elsewhere() -> None:
    doc = _page()
    out = render_html(doc)
    assert '<section id="by_form">\n<h2>Per vorm</h2>' in out and "</p>\n</section>" in out
    section = doc.blocks[0]
    assert isinstance(section, Section)
    flat = Document("Verslag", "nl", list(section.blocks))
    assert render_markdown(doc) == render_markdown(flat)
    assert render_text(doc) == render_text(flat)


def test_a_figure_is_shown_in_html_only_with_its_label() -> None:
    doc = _page()
    assert f'<figure aria-label="Grafiek: per vorm">\n{_SVG}\n</figure>' in render_html(doc)
    for out in (render_markdown(doc), render_text(doc)):
        assert "svg" not in out and "Grafiek" not in out


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/x.png"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">x</a></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://x)"/></svg>',
        "<p>not a drawing</p>",
        '<svg xmlns="http://www.w3.org/2000/svg"></svg><svg xmlns="http://www.w3.org/2000/svg"></svg>',
    ],
)
def test_a_figure_refuses_svg_that_runs_or_fetches_anything(svg: str) -> None:
    with pytest.raises(ValueError, match="figure"):
        Figure(svg)


def test_the_report_charts_pass_the_figure_check() -> None:
    chart = Chart('Per <vorm> & "x"', ["a'b", "<c>"], [("s", [1, 2]), ("t", [3, 0])], columns=True)
    assert Figure(render_chart(chart, "c1")).svg.startswith("<svg ")


def test_a_table_with_row_headers_scopes_its_heads_and_a_wide_one_scrolls() -> None:
    out = render_html(_page())
    assert (
        '<div class="scroll"><table>\n<thead><tr><th scope="col">Vorm</th><th scope="col" class="r">Aantal</th>' in out
    )
    assert '<tr><th scope="row">Budgetbeheer &lt;b&gt;</th><td class="r">12</td></tr>' in out
    assert "</table></div>" in out
    assert "| Budgetbeheer \\<b\\> | 12 |" in render_markdown(_page())


def test_a_note_has_its_class_in_html_only_and_the_page_its_own_style() -> None:
    doc = _page()
    out = render_html(doc)
    assert '<p class="note">Noot</p>' in out
    assert "<style>body { color: red; }</style>" in out
    assert render_markdown(doc).rstrip().endswith("\n\nNoot")


def test_a_section_id_that_could_break_out_of_its_attribute_is_refused() -> None:
    with pytest.raises(ValueError, match="section id"):
        Section('x" onclick="alert(1)', ())


def test_french_typography_reaches_the_blocks_inside_a_section() -> None:
    doc = Document("Rapport", "fr")
    doc.blocks.append(Section("a", (Paragraph(inline("Dossiers : 3")), Figure(_SVG, "Graphique : x"))))
    out = render(doc, "html")
    assert "Dossiers\u00a0: 3" in out and 'aria-label="Graphique\u00a0: x"' in out


def _site_page(*blocks: Heading | Paragraph | Table | Code | Admonition) -> Document:
    """A page as the rule-set pages build one: front matter, HTML-only escaping, a footer."""
    return Document(
        "Pagina",
        "nl",
        list(blocks),
        escape="html",
        front_matter=(("language", "nl"),),
        footer=inline("Gemaakt met ", Span("aidrules docs", "code"), "."),
    )


def test_a_site_page_has_front_matter_first_and_its_footer_set_apart_last() -> None:
    out = render_markdown(_site_page(Heading(1, inline("Pagina")), Paragraph(inline("Tekst."))))
    assert out == "---\nlanguage: nl\n---\n\n# Pagina\n\nTekst.\n\n\n*Gemaakt met `aidrules docs`.*\n"
    html = render_html(_site_page(Paragraph(inline("Tekst."))))
    assert "language: nl" not in html
    assert "<footer><p><em>Gemaakt met <code>aidrules docs</code>.</em></p></footer>" in html


def test_html_escaping_shows_tags_as_text_but_leaves_markdown_emphasis_to_the_site() -> None:
    """The rule-set pages: a rule file's `<b>` stays visible; `*` and `_` are not escaped."""
    page = _site_page(Paragraph(inline("<b>vet</b> & *nadruk* a_b")), Table(("a|b",), (("x|y",),)))
    out = render_markdown(page)
    assert "&lt;b&gt;vet&lt;/b&gt; &amp; *nadruk* a_b\n" in out
    assert "| a\\|b |\n|---|\n| x\\|y |" in out
    assert "\\<b" in render_markdown(Document("t", "nl", [Paragraph(inline("<b>"))]))  # the default escapes


def test_links_emphasis_formulas_and_slots_in_markdown_and_html() -> None:
    content = inline(
        Span("Zie", "emphasis"),
        " ",
        Span("regels", "link", "rules.md"),
        " ",
        Span("https://x.be", "link", "https://x.be"),
        " ",
        Span("a  <=\n b | c", "formula", "Formule"),
        " ",
        Span("‹bedrag›", "slot", 'Tekort "x"'),
    )
    md = render_markdown(_site_page(Paragraph(content)))
    assert "*Zie* [regels](rules.md) <https://x.be> " in md
    formula = '<details class="aidrules-formula"><summary>Formule</summary><code>a &lt;= b &#124; c</code></details>'
    assert formula in md
    assert '<span class="aidrules-slot" title="Tekort &quot;x&quot;">‹bedrag›</span>' in md
    html = render_html(_site_page(Paragraph(content)))
    assert '<em>Zie</em> <a href="rules.md">regels</a> <a href="https://x.be">https://x.be</a>' in html
    assert formula in html
    assert render_text(_site_page(Paragraph(content))).startswith(
        "Zie regels (rules.md) https://x.be a <= b | c ‹bedrag›"
    )


def test_table_cells_hold_spans_and_an_empty_column_head_stays_one_space() -> None:
    table = Table(("", "Waarde"), (("Versie", (Span("1.0", "strong"),)), ("Code", (Span("a|b", "code"),))))
    md = render_markdown(_site_page(table))
    assert "| | Waarde |\n|---|---|\n| Versie | **1.0** |\n| Code | `a|b` |" in md
    html = render_html(Document("t", "nl", [table]))
    assert "<td><strong>1.0</strong></td>" in html
    assert render_text(Document("t", "nl", [table])).splitlines()[2].split() == ["Versie", "1.0"]


def test_a_code_block_is_fenced_in_markdown_and_escaped_in_html() -> None:
    chart = Code("mermaid", ("flowchart TD", '    a["<b>"] --> b'))
    assert '```mermaid\nflowchart TD\n    a["<b>"] --> b\n```' in render_markdown(_site_page(chart))
    assert '<pre><code class="language-mermaid">flowchart TD\n    a["&lt;b&gt;"] --&gt; b</code></pre>' in render_html(
        Document("t", "nl", [chart])
    )


def test_an_admonition_is_an_indented_mkdocs_block_and_an_aside_in_html() -> None:
    warning = Admonition("warning", 'Let "op"', (Paragraph(inline("Voorbeeldwaarde.")),))
    assert '!!! warning "Let &quot;op&quot;"\n\n    Voorbeeldwaarde.\n' in render_markdown(_site_page(warning))
    html = render_html(Document("t", "nl", [warning]))
    assert (
        '<aside class="admonition warning">\n<p class="admonition-title">Let "op"</p>\n<p>Voorbeeldwaarde.</p>' in html
    )
    french = render(Document("t", "fr", [Admonition("note", "Attention : ceci", ())]), "markdown")
    assert "Attention\u00a0: ceci" in french


@pytest.mark.parametrize(
    "target", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>", "file:///etc"]
)
def test_a_link_to_anything_but_a_web_address_or_a_site_page_is_written_as_text(target: str) -> None:
    """A shared rule file's source address ends up in generated pages: never as a script link."""
    page = _site_page(Paragraph(inline(Span("bron", "link", target), " ", Span(target, "link", target))))
    md, html = render_markdown(page), render_html(page)
    assert "](" not in md and "<javascript" not in md.lower() and "<data:" not in md and "<file:" not in md
    assert "<a " not in html and "href" not in html
    assert "bron (" in md and "bron (" in html  # the target stays readable, as text
