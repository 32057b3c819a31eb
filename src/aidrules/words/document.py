"""A small document model (headings, paragraphs, bullet lists, tables, sections, figures) and its
three renderings.

Every text for people builds a :class:`Document` (the worker's and committee's explanations, the
client's letter, the short and full decision of ``aidrules evaluate``, the review of a running
dossier, the yearly report and the impact study); it is then written as plain text for the
terminal, Markdown or a standalone HTML page, by one renderer per format. A block a format has no
meaning for is left out of it: a :class:`Figure` (a chart drawn beforehand as SVG) is shown only in
HTML, a :class:`Section` is an HTML ``<section>`` and just its blocks elsewhere; a table's row
headers and a note's class exist only in HTML. A ``compact`` document
(the terminal views of ``evaluate`` and ``review``) keeps its lines as they are: no wrapping, no
blank line between a heading and what follows or between paragraphs, a first heading in capitals,
and its Markdown unescaped, as those views always wrote it (for the terminal sanitiser). Text in a
page document is plain: each renderer escapes it for its format, so a value can never turn into
markup. Letters written as Jinja2 templates use a small
Markdown subset that :func:`parse_markup` reads back into blocks.

The generated rule-set pages (``docgen/pages.py``, mkdocs Markdown) need a few things more: page
metadata written as front matter and a closing footer line, a fenced :class:`Code` block (the
Mermaid chart), an :class:`Admonition` (``!!! warning``), links, emphasis, a formula collapsed
behind its summary and a placeholder with a tooltip (spans), and table cells holding spans. Their
text is escaped as HTML only (``escape="html"``): mkdocs shows a rule file's ``<b>`` as written.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from aidrules._frozen import Frozen
from aidrules.text.interface import french_typography

# The blocks and spans are frozen values (aidrules._frozen.Frozen), each with its own __init__:
# as dataclasses they cost every start of ``aidrules`` some 5 ms of generated methods.
_set = object.__setattr__

Style = Literal["plain", "strong", "emphasis", "code", "ref", "link", "formula", "slot"]
Layout = Literal["page", "compact"]
#: How a Markdown document escapes its text: ``markdown`` (shown as written, the default) or
#: ``html`` (only ``& < >``, for Markdown read by mkdocs with raw HTML allowed: the rule-set pages).
Escape = Literal["markdown", "html"]


class Span(Frozen):
    """A run of text: ``strong`` (bold), ``emphasis`` (italic), ``code`` (a fact path), ``ref`` (a
    rule id), ``link`` (to ``detail``, the address; the address itself when ``text`` is it),
    ``formula`` (source text shown on one line, collapsed behind its summary ``detail``) or
    ``slot`` (a value filled in per case, its name ``detail`` as a tooltip)."""

    __slots__ = ("detail", "style", "text")
    text: str
    style: Style
    detail: str

    def __init__(self, text: str, style: Style = "plain", detail: str = "") -> None:
        _set(self, "text", text)
        _set(self, "style", style)
        _set(self, "detail", detail)


Inline = tuple[Span, ...]
#: A table cell: plain text, or spans (strong, code, a collapsed formula).
Cell = str | Inline


def inline(*parts: str | Span) -> Inline:
    """Plain strings and spans as one inline run."""
    return tuple(p if isinstance(p, Span) else Span(p) for p in parts if (p.text if isinstance(p, Span) else p))


class Heading(Frozen):
    __slots__ = ("content", "level")
    level: int
    content: Inline

    def __init__(self, level: int, content: Inline) -> None:
        _set(self, "level", level)
        _set(self, "content", content)


class Paragraph(Frozen):
    __slots__ = ("content", "note")
    content: Inline
    #: A side note (``<p class="note">`` in HTML; a paragraph like any other elsewhere).
    note: bool

    def __init__(self, content: Inline, note: bool = False) -> None:
        _set(self, "content", content)
        _set(self, "note", note)


class Item(Frozen):
    __slots__ = ("children", "content")
    content: Inline
    children: tuple[Block, ...]

    def __init__(self, content: Inline, children: tuple[Block, ...] = ()) -> None:
        _set(self, "content", content)
        _set(self, "children", children)


class Bullets(Frozen):
    __slots__ = ("items",)
    items: tuple[Item, ...]

    def __init__(self, items: tuple[Item, ...]) -> None:
        _set(self, "items", items)


class Table(Frozen):
    __slots__ = ("align", "header", "row_headers", "rows", "wide")
    #: Column heads; an empty one is written ``| |`` in Markdown (a first column of row names).
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    #: ``"l"`` or ``"r"`` per column (amounts are right-aligned).
    align: tuple[str, ...]
    #: Each row's first cell names the row (``<th scope="row">``; the column heads get ``scope="col"``).
    row_headers: bool
    #: May be wider than the page: in HTML it scrolls sideways instead of widening the page.
    wide: bool

    def __init__(
        self,
        header: tuple[str, ...],
        rows: tuple[tuple[Cell, ...], ...],
        align: tuple[str, ...] = (),
        row_headers: bool = False,
        wide: bool = False,
    ) -> None:
        _set(self, "header", header)
        _set(self, "rows", rows)
        _set(self, "align", align)
        _set(self, "row_headers", row_headers)
        _set(self, "wide", wide)


_SVG_REFUSED = re.compile(
    r"<\s*(script|foreignobject|iframe|object|embed|style|image|use|a)\b"  # active or fetching elements
    r"|\son[a-z]+\s*="  # event handlers
    r"|(href|src)\s*=\s*[\"'](?!#)"  # anything referenced outside the figure
    r"|javascript:|url\(|<!|<\?",  # script URLs, fetched styles, declarations, processing instructions
    re.IGNORECASE,
)


def checked_svg(svg: str) -> str:
    """``svg`` if it is one inline ``<svg>`` element that runs nothing and fetches nothing.

    Figures are drawn by the library (``report/svg.py``, which escapes every text it puts in);
    this check keeps a page self-contained and script-free whatever a drawing function returns.

    Raises:
        ValueError: not a single ``<svg>`` element, or one with scripts, event handlers, foreign
            content, external references or declarations.
    """
    text = svg.strip()
    if not (text.startswith("<svg ") and text.endswith("</svg>")) or text.count("<svg") != 1:
        raise ValueError("a figure must be exactly one <svg> element")
    found = _SVG_REFUSED.search(text)
    if found is not None:
        raise ValueError(f"a figure may not contain `{found.group(0).strip()}`: pages run and fetch nothing")
    return text


class Figure(Frozen):
    """A chart drawn beforehand as one inline ``<svg>`` element (checked by :func:`checked_svg`);
    ``label`` names it for screen readers. Only HTML shows figures: the other formats have the
    same figures in their tables."""

    __slots__ = ("label", "svg")
    svg: str
    label: str | None

    def __init__(self, svg: str, label: str | None = None) -> None:
        _set(self, "svg", svg)
        _set(self, "label", label)
        checked_svg(svg)


_SECTION_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


class Section(Frozen):
    """A part of a page with an ``id`` to link to (an HTML ``<section>``); elsewhere just its blocks."""

    __slots__ = ("blocks", "id")
    id: str
    blocks: tuple[Block, ...]

    def __init__(self, id: str, blocks: tuple[Block, ...]) -> None:
        _set(self, "id", id)
        _set(self, "blocks", blocks)
        if not _SECTION_ID.match(id):
            raise ValueError(f"a section id must be a letter followed by letters, digits, - or _: {id!r}")


class Code(Frozen):
    """Lines shown exactly as written (a fenced block in Markdown, ``<pre>`` in HTML); ``language``
    names them (``mermaid``: mkdocs draws the chart)."""

    __slots__ = ("language", "lines")
    language: str
    lines: tuple[str, ...]

    def __init__(self, language: str, lines: tuple[str, ...]) -> None:
        _set(self, "language", language)
        _set(self, "lines", lines)


class Admonition(Frozen):
    """A part set apart with a title: ``!!! warning "title"`` in mkdocs Markdown, an ``<aside>`` in
    HTML, its title and blocks elsewhere."""

    __slots__ = ("blocks", "kind", "title")
    kind: Literal["note", "warning"]
    title: str
    blocks: tuple[Block, ...]

    def __init__(self, kind: Literal["note", "warning"], title: str, blocks: tuple[Block, ...]) -> None:
        _set(self, "kind", kind)
        _set(self, "title", title)
        _set(self, "blocks", blocks)


Block = Heading | Paragraph | Bullets | Table | Figure | Section | Code | Admonition


@dataclass
class Document:
    """A document in one language; ``title`` is also the HTML page title."""

    title: str
    lang: str
    blocks: list[Block] = field(default_factory=list)
    layout: Layout = "page"
    #: French typography (no-break spaces before ``: ; ? !``); the review views never had it.
    typeset: bool = True
    #: The HTML page's style sheet (inline, nothing fetched); None: the explanations' style.
    css: str | None = None
    #: How Markdown escapes the text (:data:`Escape`).
    escape: Escape = "markdown"
    #: Metadata for a static site (``language: nl``): Markdown front matter, nothing elsewhere.
    front_matter: tuple[tuple[str, str], ...] = ()
    #: A closing line set apart from the page (how it was made): emphasised after an extra blank
    #: line in Markdown, a ``<footer>`` in HTML.
    footer: Inline = ()

    def heading(self, level: int, *parts: str | Span) -> None:
        self.blocks.append(Heading(level, inline(*parts)))

    def para(self, *parts: str | Span) -> None:
        content = inline(*parts)
        if content:
            self.blocks.append(Paragraph(content))

    def bullets(self, items: list[Item] | list[Inline]) -> None:
        if items:
            self.blocks.append(Bullets(tuple(i if isinstance(i, Item) else Item(i) for i in items)))

    def table(self, header: tuple[str, ...], rows: Sequence[tuple[Cell, ...]], align: tuple[str, ...] = ()) -> None:
        if rows:
            self.blocks.append(Table(header, tuple(rows), align))


def flat(blocks: Iterable[Block]) -> list[Block]:
    """The blocks with every section replaced by its own blocks (formats without sections)."""
    out: list[Block] = []
    for block in blocks:
        out.extend(flat(block.blocks) if isinstance(block, Section) else [block])
    return out


# -- plain text -----------------------------------------------------------------------------
def render_text(doc: Document, width: int = 88) -> str:
    """Plain text for a terminal: underlined headings, wrapped paragraphs, aligned tables."""
    if doc.layout == "compact":
        return _compact(doc, _compact_text_heading, lambda block: _text_block(block, 0, 0))
    out: list[str] = []
    for block in flat(doc.blocks):
        if isinstance(block, Figure):
            continue
        out.extend(_text_block(block, width, 0))
        out.append("")
    return "\n".join(out).strip() + "\n"


#: A link target a document links to: a web address, or a path within the site (no scheme).
_LINK_TARGET = re.compile(r"(?:https?://|(?![a-zA-Z][a-zA-Z0-9+.-]*:))[^\s<>\"'`]+")


def _linkable(target: str) -> bool:
    """Whether a document may link to ``target``: a web address or a page of the site. A rule
    file's source can only hold a web address (``ruleset/schema.py``), and a document never
    makes a ``javascript:``, ``data:`` or other link of anything else: it writes the target as text."""
    return _LINK_TARGET.fullmatch(target) is not None


def _plain(content: Inline) -> str:
    return "".join(_plain_span(s) for s in content)


def _plain_span(span: Span) -> str:
    if span.style == "ref":
        return f"[{span.text}]"
    if span.style == "link" and span.detail != span.text:
        return f"{span.text} ({span.detail})"
    if span.style == "formula":
        return " ".join(span.text.split())
    return span.text


def _cell_text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else _plain(cell)


_NO_BREAK = {"\u00a0": "\ue000", "\u202f": "\ue001"}


def _compact(doc: Document, heading: Callable[[Heading], list[str]], block: Callable[[Block], list[str]]) -> str:
    """A compact document: a blank line before each heading, every other line as it is."""
    out: list[str] = []
    for b in flat(doc.blocks):
        if isinstance(b, Figure):
            continue
        out.extend(heading(b) if isinstance(b, Heading) else block(b))
    return "\n".join(out).strip() + "\n"


def _compact_text_heading(block: Heading) -> list[str]:
    title = _plain(block.content)
    if block.level == 1:
        return ["", title.upper(), "=" * len(title), ""]
    return ["", title, "-" * len(title)]


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    if width <= 0:  # a compact document: lines are not wrapped
        return [(first + text).rstrip()]
    # textwrap breaks at no-break spaces too; hide them so that `€ 1.314,20` stays on one line
    for space, private in _NO_BREAK.items():
        text = text.replace(space, private)
    lines = textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]
    for space, private in _NO_BREAK.items():
        lines = [line.replace(private, space) for line in lines]
    return lines


def _text_block(block: Block, width: int, indent: int) -> list[str]:
    if isinstance(block, Heading):
        title = _plain(block.content)
        if block.level == 1:
            return [title, "=" * len(title)]
        return [title, ("-" if block.level == 2 else "~") * len(title)]
    if isinstance(block, Paragraph):
        pad = " " * indent
        return _wrap(_plain(block.content), width, pad, pad)
    if isinstance(block, Bullets):
        lines: list[str] = []
        pad = " " * indent
        for item in block.items:
            lines.extend(_wrap(_plain(item.content), width, pad + "• ", pad + "  "))
            for child in item.children:
                lines.extend(_text_block(child, width, indent + 2))
        return lines
    if isinstance(block, Section):
        return [line for child in flat(block.blocks) for line in _text_block(child, width, indent)]
    if isinstance(block, Figure):
        return []
    if isinstance(block, Code):
        return [" " * indent + line for line in block.lines]
    if isinstance(block, Admonition):
        inner = [line for child in flat(block.blocks) for line in _text_block(child, width, indent + 2)]
        return [" " * indent + block.title, *inner]
    return _text_table(block, width, indent)


def _text_table(table: Table, width: int, indent: int) -> list[str]:
    columns = len(table.header)
    rows = [tuple(_cell_text(c) for c in row) for row in table.rows]
    widths = [max(len(r[i]) for r in (table.header, *rows)) for i in range(columns)]
    pad = " " * indent
    if sum(widths) + 2 * (columns - 1) + indent > width:
        # too wide for a terminal: one bullet per row, "header: value" pairs
        lines: list[str] = []
        for row in rows:
            pairs = [row[0], *(f"{h}: {v}" for h, v in zip(table.header[1:], row[1:], strict=True) if v)]
            lines.extend(_wrap("; ".join(pairs), width, pad + "• ", pad + "  "))
        return lines
    align = table.align or ("l",) * columns

    def fmt(row: tuple[str, ...]) -> str:
        cells = [c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(row, widths, align, strict=True)]
        return (pad + "  ".join(cells)).rstrip()

    return [fmt(table.header), pad + "  ".join("-" * w for w in widths), *(fmt(r) for r in rows)]


# -- Markdown -------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|])")
_MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])")


def md_escape(text: str) -> str:
    """Escape text so that Markdown shows it as written."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_UNDERSCORE.sub(r"\\_", text)


def _html_text(text: str) -> str:
    return html.escape(text, quote=False)


def _html_cell_text(text: str) -> str:
    return _html_text(text).replace("|", "\\|")


class _MdEscape(Frozen):
    """How Markdown text is escaped: in running text, in a table cell, and whether a line start
    that Markdown would read as a heading or list is escaped too."""

    __slots__ = ("cell", "line_start", "text")
    text: Callable[[str], str]
    cell: Callable[[str], str]
    line_start: bool

    def __init__(self, text: Callable[[str], str], cell: Callable[[str], str], line_start: bool) -> None:
        _set(self, "text", text)
        _set(self, "cell", cell)
        _set(self, "line_start", line_start)


_MD_ESCAPES = {
    "markdown": _MdEscape(md_escape, md_escape, True),
    "html": _MdEscape(_html_text, _html_cell_text, False),
    # a compact view's lines, unescaped for the terminal sanitiser
    "none": _MdEscape(str, str, False),
}


def _md_span(span: Span, esc: Callable[[str], str]) -> str:
    if span.style in ("code", "ref"):
        fence = "``" if "`" in span.text else "`"
        return f"{fence}{span.text}{fence}"
    if span.style == "strong":
        return f"**{esc(span.text)}**"
    if span.style == "emphasis":
        return f"*{esc(span.text)}*"
    if span.style == "link":
        if not _linkable(span.detail):
            return esc(_plain_span(span))
        return f"<{span.detail}>" if span.text == span.detail else f"[{esc(span.text)}]({span.detail})"
    if span.style in ("formula", "slot"):
        return _html_span(span)
    return esc(span.text)


def _md_inline(content: Inline, escape: _MdEscape = _MD_ESCAPES["markdown"], cell: bool = False) -> str:
    esc = escape.cell if cell else escape.text
    text = "".join(_md_span(span, esc) for span in content)
    if not escape.line_start or cell:
        return text
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def render_markdown(doc: Document) -> str:
    if doc.layout == "compact":
        # written as the terminal views always were, without Markdown escapes: a backslash put
        # inside an escape sequence from a rule text (ESC[2J) would leave its remains behind the
        # terminal sanitiser (tests/security/test_terminal_escapes.py)
        return _compact(doc, _compact_md_heading, lambda block: _md_block(block, 0, _MD_ESCAPES["none"]))
    escape = _MD_ESCAPES[doc.escape]
    out: list[str] = []
    if doc.front_matter:
        out += ["---", *(f"{key}: {value}" for key, value in doc.front_matter), "---", ""]
    for block in flat(doc.blocks):
        if isinstance(block, Figure):
            continue
        out.extend(_md_block(block, 0, escape))
        out.append("")
    if doc.footer:
        out += ["", f"*{_md_inline(doc.footer, escape)}*"]
    return "\n".join(out).strip() + "\n"


def _compact_md_heading(block: Heading) -> list[str]:
    return [
        "",
        "#" * block.level + " " + _md_inline(block.content, _MD_ESCAPES["none"]),
        "",
        *([""] if block.level == 1 else []),
    ]


def _md_block(block: Block, indent: int, escape: _MdEscape) -> list[str]:
    pad = " " * indent
    if isinstance(block, Heading):
        return ["#" * block.level + " " + _md_inline(block.content, escape)]
    if isinstance(block, Paragraph):
        return [pad + _md_inline(block.content, escape)]
    if isinstance(block, Bullets):
        lines = []
        for item in block.items:
            lines.append(f"{pad}- {_md_inline(item.content, escape)}")
            for child in item.children:
                lines.extend(_md_block(child, indent + 2, escape))
        return lines
    if isinstance(block, Section):
        return [line for child in flat(block.blocks) for line in _md_block(child, indent, escape)]
    if isinstance(block, Figure):
        return []
    if isinstance(block, Code):
        return [f"{pad}```{block.language}", *(pad + line for line in block.lines), f"{pad}```"]
    if isinstance(block, Admonition):
        inner: list[str] = []
        for child in block.blocks:
            inner += [*_md_block(child, indent + 4, escape), ""]
        title = escape.text(block.title).replace('"', "&quot;")
        return [f'{pad}!!! {block.kind} "{title}"', "", *inner[:-1]]
    align = block.align or ("l",) * len(block.header)

    def cell(c: Cell) -> str:
        return escape.cell(c) if isinstance(c, str) else _md_inline(c, escape, cell=True)

    def row(cells: tuple[Cell, ...]) -> str:
        return pad + "| " + " | ".join(cell(c) for c in cells) + " |"

    head = pad + "|" + "|".join(f" {cell(h)} " if h else " " for h in block.header) + "|"
    rule = pad + "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"
    return [head, rule, *(row(r) for r in block.rows)]


# -- HTML -----------------------------------------------------------------------------------
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.5;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #2a5d8f; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; color: #2a5d8f; }
h3 { font-size: 1.05rem; margin-top: 1.3rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #c8c8c8; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
td.r, th.r { text-align: right; white-space: nowrap; }
code { font-size: .9em; background: #f2f2f2; padding: 0 .2em; border-radius: 3px; }
li { margin: .15rem 0; }
@media print { body { margin: 0; max-width: none; } }
"""


def _html_span(span: Span) -> str:
    text = html.escape(span.text, quote=False)
    if span.style in ("code", "ref"):
        return f"<code>{text}</code>"
    if span.style == "strong":
        return f"<strong>{text}</strong>"
    if span.style == "emphasis":
        return f"<em>{text}</em>"
    if span.style == "link":
        if not _linkable(span.detail):
            return html.escape(_plain_span(span), quote=False)
        return f'<a href="{html.escape(span.detail)}">{text}</a>'
    if span.style == "formula":
        # one line, so that it fits a Markdown table cell; `|` would end the cell
        source = html.escape(" ".join(span.text.split())).replace("|", "&#124;")
        summary = html.escape(span.detail, quote=False)
        return f'<details class="aidrules-formula"><summary>{summary}</summary><code>{source}</code></details>'
    if span.style == "slot":
        return f'<span class="aidrules-slot" title="{html.escape(span.detail)}">{text}</span>'
    return text


def _html_inline(content: Inline) -> str:
    return "".join(_html_span(span) for span in content)


def _html_block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        level = min(block.level, 6)
        return [f"<h{level}>{_html_inline(block.content)}</h{level}>"]
    if isinstance(block, Paragraph):
        tag = '<p class="note">' if block.note else "<p>"
        return [f"{tag}{_html_inline(block.content)}</p>"]
    if isinstance(block, Bullets):
        lines = ["<ul>"]
        for item in block.items:
            inner = "".join(line for child in item.children for line in _html_block(child))
            lines.append(f"<li>{_html_inline(item.content)}{inner}</li>")
        lines.append("</ul>")
        return lines
    if isinstance(block, Section):
        parts = [line for child in block.blocks for line in _html_block(child)]
        return [f'<section id="{block.id}">', *parts, "</section>"]
    if isinstance(block, Figure):
        label = f' aria-label="{html.escape(block.label)}"' if block.label is not None else ""
        return [f"<figure{label}>", checked_svg(block.svg), "</figure>"]
    if isinstance(block, Code):
        code = html.escape("\n".join(block.lines), quote=False)
        return [f'<pre><code class="language-{html.escape(block.language)}">{code}</code></pre>']
    if isinstance(block, Admonition):
        parts = [line for child in block.blocks for line in _html_block(child)]
        title = f'<p class="admonition-title">{html.escape(block.title, quote=False)}</p>'
        return [f'<aside class="admonition {block.kind}">', title, *parts, "</aside>"]
    return _html_table(block)


def _html_table(block: Table) -> list[str]:
    align = block.align or ("l",) * len(block.header)

    def cell(tag: str, text: Cell, a: str, scope: str = "") -> str:
        attrs = f' scope="{scope}"' if scope else ""
        attrs += ' class="r"' if a == "r" else ""
        inner = html.escape(text, quote=False) if isinstance(text, str) else _html_inline(text)
        return f"<{tag}{attrs}>{inner}</{tag}>"

    def row(cells: tuple[Cell, ...]) -> str:
        if not block.row_headers:
            return "".join(cell("td", c, a) for c, a in zip(cells, align, strict=True))
        first = cell("th", cells[0], align[0], "row")
        return first + "".join(cell("td", c, a) for c, a in zip(cells[1:], align[1:], strict=True))

    scope = "col" if block.row_headers else ""
    head = "".join(cell("th", h, a, scope) for h, a in zip(block.header, align, strict=True))
    body = [f"<tr>{row(r)}</tr>" for r in block.rows]
    start, end = ('<div class="scroll"><table>', "</table></div>") if block.wide else ("<table>", "</table>")
    return [start, f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody>", end]


def render_html(doc: Document) -> str:
    """A standalone HTML page (UTF-8, simple CSS, printable); every text is escaped."""
    body = [line for block in doc.blocks for line in _html_block(block)]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{html.escape(doc.lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(doc.title, quote=False)}</title>",
            f"<style>{_CSS if doc.css is None else doc.css}</style>",
            "</head>",
            "<body>",
            "<main>",
            *body,
            "</main>",
            *([f"<footer><p><em>{_html_inline(doc.footer)}</em></p></footer>"] if doc.footer else []),
            "</body>",
            "</html>",
            "",
        ]
    )


def render(doc: Document, fmt: str) -> str:
    """``doc`` as ``text``, ``markdown`` or ``html`` (French with French typography)."""
    if doc.lang == "fr" and not doc.typeset:
        doc = replace(doc, lang="", typeset=True)
    if doc.lang == "fr" and doc.layout == "compact" and fmt != "html":
        # a compact view is typeset as a whole, as it always was: the `?` mark of an unknown
        # reason stays on its bullet (`• ?` with a no-break space), headings keep their rule
        return french_typography(render(replace(doc, lang=""), fmt))
    if doc.lang == "fr":
        doc = replace(
            doc,
            title=french_typography(doc.title),
            blocks=[_typeset(b) for b in doc.blocks],
            footer=_typeset_inline(doc.footer),
        )
    if fmt == "markdown":
        return render_markdown(doc)
    if fmt == "html":
        return render_html(doc)
    return render_text(doc)


def _typeset_inline(content: Inline) -> Inline:
    return tuple(
        s.replace(text=french_typography(s.text)) if s.style not in ("code", "formula") else s for s in content
    )


def _typeset_cell(cell: Cell) -> Cell:
    return french_typography(cell) if isinstance(cell, str) else _typeset_inline(cell)


def _typeset(block: Block) -> Block:
    if isinstance(block, Heading):
        return Heading(block.level, _typeset_inline(block.content))
    if isinstance(block, Paragraph):
        return Paragraph(_typeset_inline(block.content), block.note)
    if isinstance(block, Bullets):
        return Bullets(
            tuple(Item(_typeset_inline(i.content), tuple(_typeset(c) for c in i.children)) for i in block.items)
        )
    if isinstance(block, Section):
        return Section(block.id, tuple(_typeset(b) for b in block.blocks))
    if isinstance(block, Figure):
        return Figure(block.svg, french_typography(block.label) if block.label is not None else None)
    if isinstance(block, Code):
        return block
    if isinstance(block, Admonition):
        return Admonition(block.kind, french_typography(block.title), tuple(_typeset(b) for b in block.blocks))
    return block.replace(
        header=tuple(french_typography(h) for h in block.header),
        rows=tuple(tuple(_typeset_cell(c) for c in row) for row in block.rows),
    )


# -- reading a template's output ---------------------------------------------------------------
_INLINE = re.compile(r"\\(.)|\*\*(.+?)\*\*|`([^`]+)`", re.DOTALL)


def parse_inline(text: str) -> Inline:
    """``**strong**``, ```code``` and backslash escapes; everything else is plain text."""
    spans: list[Span] = []
    plain: list[str] = []
    pos = 0
    for match in _INLINE.finditer(text):
        plain.append(text[pos : match.start()])
        pos = match.end()
        if match.group(1) is not None:
            plain.append(match.group(1))
            continue
        if plain and "".join(plain):
            spans.append(Span("".join(plain)))
        plain = []
        if match.group(2) is not None:
            spans.append(Span(_unescape(match.group(2)), "strong"))
        else:
            spans.append(Span(match.group(3), "code"))
    plain.append(text[pos:])
    if "".join(plain):
        spans.append(Span("".join(plain)))
    return tuple(spans)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def parse_markup(text: str) -> list[Block]:
    """Blocks from a small Markdown subset: ``#``/``##``/``###`` headings, paragraphs separated
    by blank lines, ``- `` bullets (continuation lines and ``  - `` sub-bullets indented)."""
    blocks: list[Block] = []
    para: list[str] = []
    items: list[tuple[list[str], list[list[str]]]] = []  # (item lines, sub-items' lines)

    def flush() -> None:
        if para:
            blocks.append(Paragraph(parse_inline(" ".join(para))))
            para.clear()
        if items:
            built = []
            for lines, subs in items:
                children: tuple[Block, ...] = ()
                if subs:
                    children = (Bullets(tuple(Item(parse_inline(" ".join(s))) for s in subs)),)
                built.append(Item(parse_inline(" ".join(lines)), children))
            blocks.append(Bullets(tuple(built)))
            items.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        heading = re.match(r"^(#{1,3}) (.+)$", line)
        if heading:
            flush()
            blocks.append(Heading(len(heading.group(1)), parse_inline(heading.group(2).strip())))
        elif line.startswith("- "):
            if para:
                flush()
            items.append(([line[2:].strip()], []))
        elif items and line.startswith("  - "):
            items[-1][1].append([line[4:].strip()])
        elif items and line.startswith("  "):
            target = items[-1][1][-1] if items[-1][1] and line.startswith("    ") else items[-1][0]
            target.append(stripped)
        else:
            if items:
                flush()
            para.append(stripped)
    flush()
    return blocks
