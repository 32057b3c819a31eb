"""The document model renders text, Markdown and HTML with every value escaped."""

from __future__ import annotations

from aidrules.explain.document import (
    Bullets,
    Document,
    Heading,
    Item,
    Paragraph,
    Span,
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
