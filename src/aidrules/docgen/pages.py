"""The Markdown pages of one rule set, for policy makers (``aidrules docs``).

Five pages: an overview (period, approval, sources, the recommendation order as a Mermaid
flowchart, the changelog), the principles, forms and actions with every condition in words, the
calculations, the parameter tables with their dates and sources, and the choices the council
must make. Everything comes from the rule file: titles, explanations, sources and formulas.
"""

from __future__ import annotations

import html
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

PAGES = ("index.md", "rules.md", "calculations.md", "parameters.md", "policy-choices.md")


def render_pages(rs: CompiledRuleSet, lang: str = "nl") -> dict[str, str]:
    """File name -> Markdown text."""
    page = _Pages(rs, lang)
    builders: dict[str, Callable[[], list[str]]] = {
        "index.md": page.overview,
        "rules.md": page.rules,
        "calculations.md": page.calculations,
        "parameters.md": page.parameters,
        "policy-choices.md": page.choices,
    }
    # The front matter sets the site chrome's language (overrides/partials/language.html in the docs).
    front = ["---", f"language: {lang}", "---", ""]
    return {
        name: "\n".join([*front, *build(), "", f"*{label('generated', lang)}*", ""]) for name, build in builders.items()
    }


class _Pages:
    def __init__(self, rs: CompiledRuleSet, lang: str) -> None:
        self.rs = rs
        self.lang = lang
        self.title = rs.meta.title.get(lang)
        self.C = colon(lang)  # ": ", in French with a no-break space before the colon

    def L(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    # -- overview -------------------------------------------------------------------------
    def overview(self) -> list[str]:
        rs, meta = self.rs, self.rs.meta
        out = [f"# {self.title}", ""]
        if meta.description is not None:
            out += [_esc(meta.description.get(self.lang)), ""]
        period = meta.effective
        when = (
            self.L("from_until", start=self.day(period.from_), end=self.day(period.until))
            if period.until
            else self.L("from_open", start=self.day(period.from_))
        )
        out += [
            "| | |",
            "|---|---|",
            f"| {self.L('version')} | {meta.version} |",
            f"| {self.L('effective')} | {when} |",
        ]
        if len(rs.layers) > 1:
            out.append(f"| {self.L('layers')} | {', '.join(f'`{x}`' for x in rs.layers)} |")
        out += [f"| {self.L('fingerprint')} | `{rs.fingerprint}` |", ""]
        out += [f"## {self.L('approval')}", ""]
        if meta.approval is not None:
            a = meta.approval
            out += [self.L("approved", by=_esc(a.by), on=self.day(a.on), ref=f"`{a.reference}`"), ""]
        else:
            out += [self.L("not_approved"), ""]
        out += [f"## {self.L('order')}", ""]
        out += [self.L("order_first" if rs.hit_policy == "first" else "order_unique"), ""]
        out += ["```mermaid", *flowchart(rs, self.lang), "```", ""]
        out += [f"| | {self.L('recommend')} | {self.L('holds_when')} |", "|---|---|---|"]
        forms = {f.id: f for f in rs.forms}
        for i, row in enumerate(rs.rows, 1):
            form = forms.get(row.recommend)
            name = _esc(form.title.get(self.lang)) if form else row.recommend
            because = _cell(row.because.get(self.lang))
            holds = f"{because} — {self.words(row.when)} {self.formula(row.when)}"
            out.append(f"| {self.L('rule_n', n=i)} | **{name}** | {holds} |")
        if rs.otherwise is not None and rs.otherwise_because is not None:
            because = _cell(rs.otherwise_because.get(self.lang))
            out.append(f"| {self.L('otherwise')} | **{_outcome(rs.otherwise, self.lang)}** | {because} |")
        out += ["", self.L("order_unknown"), ""]
        if meta.sources:
            out += [f"## {self.L('sources')}", ""]
            for s in meta.sources:
                link = f" — <{s.url}>" if s.url else ""
                out.append(f"- **{s.id}**: {_esc(s.title)}{link}")
            out.append("")
        if meta.changelog:
            out += [f"## {self.L('changelog')}", ""]
            for entry in sorted(meta.changelog, key=lambda e: e.on, reverse=True):
                out.append(f"- **{entry.version}** ({self.day(entry.on)}): {_esc(entry.changes.get(self.lang))}")
            out.append("")
        out += [f"## {self.L('see')}", ""]
        for name, key in (
            ("rules.md", "rules"),
            ("calculations.md", "calculations"),
            ("parameters.md", "parameters"),
            ("policy-choices.md", "choices"),
        ):
            out.append(f"- [{self.L(key)}]({name})")
        out.append("")
        return out

    # -- principles, forms, actions -------------------------------------------------------
    def rules(self) -> list[str]:
        rs = self.rs
        out = [f"# {self.L('rules')} — {self.title}", "", f"## {self.L('principles')}", ""]
        for p in rs.principles:
            out += [f"### {_esc(p.title.get(self.lang))} (`{p.id}`)", "", _esc(p.description.get(self.lang)), ""]
            out += [f"*{self.L('source')}{self.C}{_esc(p.source)}*", ""]
            for cid in p.requires:
                out += self.condition(cid)
        out += [f"## {self.L('forms')}", ""]
        for f in rs.forms:
            out += [f"### {_esc(f.title.get(self.lang))} (`{f.id}`)", "", _esc(f.description.get(self.lang)), ""]
            source, level = f"*{self.L('source')}{self.C}{_esc(f.source)}*", f"{self.L('intrusiveness')}{self.C}"
            out += [f"{source} · {level}{f.intrusiveness}", ""]
            if f.principles:
                titles = {p.id: _esc(p.title.get(self.lang)) for p in rs.principles}
                needed = ", ".join(titles.get(x, x) for x in f.principles)
                out += [f"{self.L('principles_needed')}{self.C}{needed}", ""]
            for cid in f.requires:
                out += self.condition(cid)
        if rs.actions:
            out += [f"## {self.L('actions')}", ""]
            for a in rs.actions:
                out += [f"### {_esc(a.title.get(self.lang))} (`{a.id}`)", ""]
                out += [f"{self.L('proposed_when')}{self.C}{self.words(a.when)}", "", self.formula(a.when), ""]
                out += [self.template(a.message), ""]
                for v in a.values:
                    out.append(f"- {_esc(v.title.get(self.lang))}: {self.words(v.expr)} {self.formula(v.expr)}")
                out += ["", f"*{self.L('source')}{self.C}{_esc(a.source)}*", ""]
        return out

    def condition(self, cid: str) -> list[str]:
        item = self.rs.named(cid)
        if item is None:
            return [f"- `{cid}`", ""]
        out = [f"#### {_esc(item.title.get(self.lang))} (`{cid}`)", ""]
        out += [f"{self.L('holds_when')}{self.C}{self.words(item.expr)}", "", self.formula(item.expr), ""]
        if "true" in item.messages:
            out += [f"- {self.L('if_true')}{self.C}{self.template(item.messages['true'])}"]
        if "false" in item.messages:
            out += [f"- {self.L('if_false')}{self.C}{self.template(item.messages['false'])}"]
        out += ["", f"*{self.L('source')}{self.C}{_esc(item.source or '')}*", ""]
        return out

    # -- calculations ---------------------------------------------------------------------
    def calculations(self) -> list[str]:
        out = [f"# {self.L('calculations')} — {self.title}", "", self.L("derived_intro"), ""]
        for item in self.rs.plan:
            if item.kind != "derived":
                continue
            out += [f"## {_esc(item.title.get(self.lang))} (`{item.id}`)", ""]
            out += [f"{self.L('formula')}{self.C}{self.words(item.expr)}", "", self.formula(item.expr), ""]
            if item.source:
                out += [f"*{self.L('source')}{self.C}{_esc(item.source)}*", ""]
        return out

    # -- parameters -----------------------------------------------------------------------
    def parameters(self) -> list[str]:
        out = [f"# {self.L('parameters')} — {self.title}", ""]
        for pid, spec in self.rs.parameters.items():
            out += self.parameter(pid, spec, heading="##")
        return out

    def parameter(self, pid: str, spec: ParameterSpec, heading: str) -> list[str]:
        out = [f"{heading} {_esc(spec.title.get(self.lang))} (`{pid}`)", ""]
        facts = [f"{self.L('group')}{self.C}{self.L('group_' + spec.group)}"]
        if spec.unit:
            facts.append(f"{self.L('unit')}{self.C}{_esc(spec.unit)}")
        origin = self.rs.provenance.get(f"parameters.{pid}")
        if origin and len(self.rs.layers) > 1:
            facts.append(f"{self.L('layer')}{self.C}`{origin}`")
        out += [" · ".join(facts), ""]
        if isinstance(spec.type, t.Table):
            keys = spec.type.keys
            out.append(
                f"| {self.L('in_force_from')} | "
                + " | ".join(_esc(value_label(k, self.lang)) for k in keys)
                + f" | {self.L('source')} |"
            )
            out.append("|---|" + "---|" * len(keys) + "---|")
            for v in spec.values:
                cells = " | ".join(self.value(v.value[k], spec.type.value) for k in keys)
                out.append(f"| {self.day(v.valid_from)} | {cells} | {_cell(v.source)} |")
        else:
            out.append(f"| {self.L('in_force_from')} | {self.L('value')} | {self.L('source')} |")
            out.append("|---|---|---|")
            for v in spec.values:
                out.append(f"| {self.day(v.valid_from)} | {self.value(v.value, spec.type)} | {_cell(v.source)} |")
        out.append("")
        return out

    # -- policy choices -------------------------------------------------------------------
    def choices(self) -> list[str]:
        out = [f"# {self.L('choices')} — {self.title}", "", self.L("choices_intro"), ""]
        chosen = [(pid, s) for pid, s in self.rs.parameters.items() if s.policy_choice is not None]
        if not chosen:
            return [*out, self.L("no_choices"), ""]
        for pid, spec in chosen:
            choice = spec.policy_choice
            assert choice is not None
            current = spec.values[-1]
            out += [f"## {_esc(spec.title.get(self.lang))} (`{pid}`)", ""]
            if choice.illustrative:
                out += [f'!!! warning "{self.L("illustrative")}"', "", f"    {self.L('illustrative_text')}", ""]
            since = f"{self.L('in_force_from')} {self.day(current.valid_from)}"
            out += [f"**{self.L('current')}{self.C}{self.value(current.value, spec.type)}** ({since})", ""]
            out += [f"{self.L('rationale')}{self.C}{_esc(choice.rationale.get(self.lang))}", ""]
            out += [f"*{self.L('source')}{self.C}{_esc(current.source)}*", ""]
        return out

    # -- expressions ----------------------------------------------------------------------
    def words(self, expr: CompiledExpression) -> str:
        """An expression in words, for the page (never Python)."""
        return _cell(render(expr.node, self.rs, self.lang))

    def formula(self, expr: CompiledExpression) -> str:
        """The original formula, collapsed, for the technically minded; one line, so it fits a table cell."""
        source = html.escape(" ".join(expr.source.split())).replace("|", "&#124;")
        return (
            f'<details class="aidrules-formula"><summary>{self.L("formula_source")}</summary>'
            f"<code>{source}</code></details>"
        )

    # -- values ---------------------------------------------------------------------------
    def day(self, value: date | None) -> str:
        return formatting.day(value, self.lang) if value is not None else "…"

    def value(self, v: Any, typ: t.Type) -> str:
        if isinstance(typ, t.Table):
            entries = (f"{_esc(value_label(k, self.lang))}{self.C}{self.value(x, typ.value)}" for k, x in v.items())
            return ", ".join(entries)
        if isinstance(v, Decimal | int) and not isinstance(v, bool) and isinstance(typ, t.Number) and typ.money:
            return formatting.money(Decimal(v), self.lang)
        return _esc(formatting.value(v, typ, self.lang))

    def template(self, template: Template) -> str:
        parts = []
        for part in template.parts[self.lang]:
            parts.append(_esc(part) if isinstance(part, str) else self.placeholder(part))
        return "".join(parts)

    def placeholder(self, expr: CompiledExpression) -> str:
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
        return f'<span class="aidrules-slot" title="{html.escape(what)}">‹{self.L(slot)}›</span>'


def _outcome(outcome: str, lang: str) -> str:
    return outcome_label(outcome, lang)


def _cell(text: str) -> str:
    return _esc(" ".join(text.split())).replace("|", "\\|")


def _esc(text: str) -> str:
    """A rule file's text in a page: shown as written, never as markup (``<b>`` stays visible)."""
    return html.escape(text, quote=False)
