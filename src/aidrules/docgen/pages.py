"""The Markdown pages of one rule set, for policy makers (``aidrules docs``).

Five pages: an overview (period, approval, sources, the recommendation order as a Mermaid
flowchart, the changelog), the principles, forms and actions with every condition in words, the
calculations, the parameter tables with their dates and sources, and the choices the council
must make. Everything comes from the rule file: titles, explanations, sources and formulas.

Each page is a :class:`~aidrules.words.document.Document` written by ``render_markdown``, like
every other text for people: mkdocs front matter (the page's language for the site chrome), the
chart as a ``mermaid`` code block, the illustrative amounts as a warning admonition, formulas
collapsed behind their summary and a footer saying how the page was made. Its text is escaped as
HTML only (``escape="html"``): a rule file's ``<b>`` stays visible text on the site.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from aidrules.docgen.labels import label
from aidrules.docgen.mermaid import flowchart, outcome_label
from aidrules.docgen.prose import render
from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression
from aidrules.ruleset.compiled import CompiledRuleSet, NamedValue, ParameterSpec, Template
from aidrules.text.interface import colon, value_label
from aidrules.words import formatting
from aidrules.words.document import (
    Admonition,
    Code,
    Document,
    Inline,
    Paragraph,
    Span,
    inline,
    parse_inline,
    render_markdown,
)

PAGES = ("index.md", "rules.md", "calculations.md", "parameters.md", "policy-choices.md")


def render_pages(rs: CompiledRuleSet, lang: str = "nl") -> dict[str, str]:
    """File name -> Markdown text."""
    return {name: render_markdown(doc) for name, doc in page_documents(rs, lang).items()}


def page_documents(rs: CompiledRuleSet, lang: str = "nl") -> dict[str, Document]:
    """File name -> the page as a document."""
    page = _Pages(rs, lang)
    builders: dict[str, Callable[[], Document]] = {
        "index.md": page.overview,
        "rules.md": page.rules,
        "calculations.md": page.calculations,
        "parameters.md": page.parameters,
        "policy-choices.md": page.choices,
    }
    return {name: build() for name, build in builders.items()}


class _Pages:
    def __init__(self, rs: CompiledRuleSet, lang: str) -> None:
        self.rs = rs
        self.lang = lang
        self.title = rs.meta.title.get(lang)
        self.C = colon(lang)  # ": ", in French with a no-break space before the colon

    def L(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    def document(self, title: str) -> Document:
        """An empty page: its front matter sets the site chrome's language
        (overrides/partials/language.html in the docs); its footer says it is generated."""
        return Document(
            title,
            self.lang,
            escape="html",
            front_matter=(("language", self.lang),),
            footer=parse_inline(self.L("generated")),
        )

    def source(self, text: str) -> Span:
        return Span(f"{self.L('source')}{self.C}{text}", "emphasis")

    # -- overview -------------------------------------------------------------------------
    def overview(self) -> Document:
        rs, meta = self.rs, self.rs.meta
        doc = self.document(self.title)
        doc.heading(1, self.title)
        if meta.description is not None:
            doc.para(meta.description.get(self.lang))
        period = meta.effective
        when = (
            self.L("from_until", start=self.day(period.from_), end=self.day(period.until))
            if period.until
            else self.L("from_open", start=self.day(period.from_))
        )
        rows: list[tuple[str | Inline, ...]] = [(self.L("version"), meta.version), (self.L("effective"), when)]
        if len(rs.layers) > 1:
            rows.append((self.L("layers"), _listed([Span(x, "code") for x in rs.layers])))
        rows.append((self.L("fingerprint"), (Span(rs.fingerprint, "code"),)))
        doc.table(("", ""), rows)
        doc.heading(2, self.L("approval"))
        if meta.approval is not None:
            a = meta.approval
            doc.para(*_filled(self.L("approved"), by=a.by, on=self.day(a.on), ref=Span(a.reference, "code")))
        else:
            doc.para(self.L("not_approved"))
        doc.heading(2, self.L("order"))
        doc.para(self.L("order_first" if rs.hit_policy == "first" else "order_unique"))
        doc.blocks.append(Code("mermaid", tuple(flowchart(rs, self.lang))))
        forms = {f.id: f for f in rs.forms}
        order: list[tuple[str | Inline, ...]] = []
        for i, row in enumerate(rs.rows, 1):
            form = forms.get(row.recommend)
            name = form.title.get(self.lang) if form else row.recommend
            because = _line(row.because.get(self.lang))
            holds = inline(f"{because} — {self.words(row.when)} ", self.formula(row.when))
            order.append((self.L("rule_n", n=i), (Span(name, "strong"),), holds))
        if rs.otherwise is not None and rs.otherwise_because is not None:
            outcome = (Span(outcome_label(rs.otherwise, self.lang), "strong"),)
            order.append((self.L("otherwise"), outcome, _line(rs.otherwise_because.get(self.lang))))
        doc.table(("", self.L("recommend"), self.L("holds_when")), order)
        doc.para(self.L("order_unknown"))
        if meta.sources:
            doc.heading(2, self.L("sources"))
            doc.bullets(
                [
                    inline(
                        Span(s.id, "strong"), f": {s.title}", *((" — ", Span(s.url, "link", s.url)) if s.url else ())
                    )
                    for s in meta.sources
                ]
            )
        if meta.changelog:
            doc.heading(2, self.L("changelog"))
            entries = sorted(meta.changelog, key=lambda e: e.on, reverse=True)
            doc.bullets(
                [inline(Span(e.version, "strong"), f" ({self.day(e.on)}): {e.changes.get(self.lang)}") for e in entries]
            )
        doc.heading(2, self.L("see"))
        see = (
            ("rules.md", "rules"),
            ("calculations.md", "calculations"),
            ("parameters.md", "parameters"),
            ("policy-choices.md", "choices"),
        )
        doc.bullets([inline(Span(self.L(key), "link", name)) for name, key in see])
        return doc

    # -- principles, forms, actions -------------------------------------------------------
    def rules(self) -> Document:
        rs = self.rs
        doc = self.document(f"{self.L('rules')} — {self.title}")
        doc.heading(1, doc.title)
        doc.heading(2, self.L("principles"))
        for p in rs.principles:
            doc.heading(3, *_titled(p.title.get(self.lang), p.id))
            doc.para(p.description.get(self.lang))
            doc.para(self.source(p.source))
            for cid in p.requires:
                self.condition(doc, cid)
        doc.heading(2, self.L("forms"))
        for f in rs.forms:
            doc.heading(3, *_titled(f.title.get(self.lang), f.id))
            doc.para(f.description.get(self.lang))
            doc.para(self.source(f.source), f" · {self.L('intrusiveness')}{self.C}{f.intrusiveness}")
            if f.principles:
                titles = {p.id: p.title.get(self.lang) for p in rs.principles}
                needed = ", ".join(titles.get(x, x) for x in f.principles)
                doc.para(f"{self.L('principles_needed')}{self.C}{needed}")
            for cid in f.requires:
                self.condition(doc, cid)
        if rs.actions:
            doc.heading(2, self.L("actions"))
            for a in rs.actions:
                doc.heading(3, *_titled(a.title.get(self.lang), a.id))
                doc.para(f"{self.L('proposed_when')}{self.C}{self.words(a.when)}")
                doc.para(self.formula(a.when))
                doc.para(*self.template(a.message))
                doc.bullets(
                    [inline(f"{v.title.get(self.lang)}: {self.words(v.expr)} ", self.formula(v.expr)) for v in a.values]
                )
                doc.para(self.source(a.source))
        return doc

    def condition(self, doc: Document, cid: str) -> None:
        item = self.rs.named(cid)
        if item is None:
            doc.bullets([inline(Span(cid, "code"))])
            return
        doc.heading(4, *_titled(item.title.get(self.lang), cid))
        doc.para(f"{self.L('holds_when')}{self.C}{self.words(item.expr)}")
        doc.para(self.formula(item.expr))
        explained = [
            inline(f"{self.L('if_' + outcome)}{self.C}", *self.template(item.messages[outcome]))
            for outcome in ("true", "false")
            if outcome in item.messages
        ]
        doc.bullets(explained)
        doc.para(self.source(item.source or ""))

    # -- calculations ---------------------------------------------------------------------
    def calculations(self) -> Document:
        doc = self.document(f"{self.L('calculations')} — {self.title}")
        doc.heading(1, doc.title)
        doc.para(self.L("derived_intro"))
        for item in self.rs.plan:
            if item.kind != "derived":
                continue
            doc.heading(2, *_titled(item.title.get(self.lang), item.id))
            doc.para(f"{self.L('formula')}{self.C}{self.words(item.expr)}")
            doc.para(self.formula(item.expr))
            if item.source:
                doc.para(self.source(item.source))
        return doc

    # -- parameters -----------------------------------------------------------------------
    def parameters(self) -> Document:
        doc = self.document(f"{self.L('parameters')} — {self.title}")
        doc.heading(1, doc.title)
        for pid, spec in self.rs.parameters.items():
            self.parameter(doc, pid, spec)
        return doc

    def parameter(self, doc: Document, pid: str, spec: ParameterSpec) -> None:
        doc.heading(2, *_titled(spec.title.get(self.lang), pid))
        facts: list[Inline] = [inline(f"{self.L('group')}{self.C}{self.L('group_' + spec.group)}")]
        if spec.unit:
            facts.append(inline(f"{self.L('unit')}{self.C}{spec.unit}"))
        origin = self.rs.provenance.get(f"parameters.{pid}")
        if origin and len(self.rs.layers) > 1:
            facts.append(inline(f"{self.L('layer')}{self.C}", Span(origin, "code")))
        doc.para(*_joined(facts, " · "))
        rows: list[tuple[str | Inline, ...]]
        if isinstance(spec.type, t.Table):
            keys = spec.type.keys
            value_type = spec.type.value
            header = (self.L("in_force_from"), *(value_label(k, self.lang) for k in keys), self.L("source"))
            rows = [
                (self.day(v.valid_from), *(self.value(v.value[k], value_type) for k in keys), _line(v.source))
                for v in spec.values
            ]
        else:
            header = (self.L("in_force_from"), self.L("value"), self.L("source"))
            rows = [(self.day(v.valid_from), self.value(v.value, spec.type), _line(v.source)) for v in spec.values]
        doc.table(header, rows)

    # -- policy choices -------------------------------------------------------------------
    def choices(self) -> Document:
        doc = self.document(f"{self.L('choices')} — {self.title}")
        doc.heading(1, doc.title)
        doc.para(self.L("choices_intro"))
        chosen = [(pid, s) for pid, s in self.rs.parameters.items() if s.policy_choice is not None]
        if not chosen:
            doc.para(self.L("no_choices"))
            return doc
        for pid, spec in chosen:
            choice = spec.policy_choice
            assert choice is not None
            current = spec.values[-1]
            doc.heading(2, *_titled(spec.title.get(self.lang), pid))
            if choice.illustrative:
                text = (Paragraph(inline(self.L("illustrative_text"))),)
                doc.blocks.append(Admonition("warning", self.L("illustrative"), text))
            since = f"{self.L('in_force_from')} {self.day(current.valid_from)}"
            now = f"{self.L('current')}{self.C}{self.value(current.value, spec.type)}"
            doc.para(Span(now, "strong"), f" ({since})")
            doc.para(f"{self.L('rationale')}{self.C}{choice.rationale.get(self.lang)}")
            doc.para(self.source(current.source))
        return doc

    # -- expressions ----------------------------------------------------------------------
    def words(self, expr: CompiledExpression) -> str:
        """An expression in words, for the page (never Python), on one line."""
        return _line(render(expr.node, self.rs, self.lang))

    def formula(self, expr: CompiledExpression) -> Span:
        """The original formula, collapsed, for the technically minded."""
        return Span(expr.source, "formula", self.L("formula_source"))

    # -- values ---------------------------------------------------------------------------
    def day(self, value: date | None) -> str:
        return formatting.day(value, self.lang) if value is not None else "…"

    def value(self, v: Any, typ: t.Type) -> str:
        if isinstance(typ, t.Table):
            entries = (f"{value_label(k, self.lang)}{self.C}{self.value(x, typ.value)}" for k, x in v.items())
            return ", ".join(entries)
        if isinstance(v, Decimal | int) and not isinstance(v, bool) and isinstance(typ, t.Number) and typ.money:
            return formatting.money(Decimal(v), self.lang)
        return formatting.value(v, typ, self.lang)

    def template(self, template: Template) -> Inline:
        return inline(
            *(part if isinstance(part, str) else self.placeholder(part) for part in template.parts[self.lang])
        )

    def placeholder(self, expr: CompiledExpression) -> str | Span:
        name = expr.source
        spec = self.rs.parameters.get(name)
        if spec is not None and not isinstance(spec.type, t.Table) and spec.values:
            return self.value(spec.values[-1].value, spec.type)
        # Any other placeholder is filled in for each case: say what kind of value comes there (the
        # sentence around it already names it), with the value's name as a tooltip.
        item: NamedValue | None = self.rs.named(name)
        what = item.title.get(self.lang) if item is not None else render(expr.node, self.rs, self.lang)
        typ = expr.type
        if isinstance(typ, t.Number):
            slot = "slot_money" if typ.money else "slot_number"
        elif isinstance(typ, t.Date):
            slot = "slot_date"
        elif isinstance(typ, t.Bool):
            slot = "slot_bool"
        else:
            slot = "slot_value"
        return Span(f"‹{self.L(slot)}›", "slot", what)


def _titled(title: str, ident: str) -> tuple[str | Span, ...]:
    """A heading of a named item: its title and, as code, its id (``Vrijwillig (`voluntary`)``)."""
    return (f"{title} (", Span(ident, "code"), ")")


def _line(text: str) -> str:
    """A text on one line (a table cell, the words of a formula)."""
    return " ".join(text.split())


def _listed(spans: list[Span]) -> Inline:
    return _joined([(s,) for s in spans], ", ")


def _joined(parts: list[Inline], separator: str) -> Inline:
    out: list[Span] = []
    for i, part in enumerate(parts):
        out.extend(((Span(separator),) if i else ()) + part)
    return tuple(out)


def _filled(template: str, **fields: str | Span) -> Inline:
    """``template``'s ``{fields}`` filled in, a span kept a span (a reference shown as code)."""
    parts: list[str | Span] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(literal)
        if name is not None:
            parts.append(fields[name])
    return inline(*parts)
