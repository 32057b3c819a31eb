"""Rendering a decision for people: plain text (terminal) and Markdown, in nl/fr/en.

The same structured reasons give a short view (``evaluate``) and the full reasoning for a social
worker (``explain``: every rule with its values and source, the parameters and the rule set).
"""

from __future__ import annotations

from decimal import Decimal

from aidrules.engine.decision import Decision, Reason
from aidrules.explain import formatting
from aidrules.explain.i18n import colon, french_typography, ui
from aidrules.explain.labels import fact_label
from aidrules.explain.texts import upper_first
from aidrules.expr import types as t
from aidrules.facts.catalogue import entry
from aidrules.facts.paths import pattern
from aidrules.ruleset.compiled import CompiledRuleSet

_MARK = {True: "✔", False: "✘", None: "?"}


def outcome_label(rs: CompiledRuleSet, outcome: str, lang: str) -> str:
    """The reader's name of a recommendation (``Budgetbegeleiding``)."""
    for form in rs.forms:
        if form.id == outcome:
            return form.title.get(lang)
    if outcome in ("none", "undetermined"):
        return ui(f"outcome.{outcome}", lang)
    return outcome


def _value_text(rs: CompiledRuleSet, name: str, value: object, lang: str) -> str:
    typ: t.Type = t.TEXT
    item = rs.named(name)
    if item is not None:
        if value is None:  # a computed value of None depends on a missing fact: unknown, not "none"
            return ui("unknown_value", lang)
        typ = item.type
    elif isinstance(value, Decimal):
        typ = t.NUMBER
    return formatting.value(value, typ, lang)


def render(decision: Decision, rs: CompiledRuleSet, fmt: str = "text", full: bool = False) -> str:
    """Render ``decision`` as ``text`` or ``markdown``; ``full`` adds every reason and value."""
    lang = decision.lang
    md = fmt == "markdown"
    lines: list[str] = []

    def heading(text: str, level: int = 2) -> None:
        if md:
            lines.extend(["", "#" * level + " " + text, ""])
        else:
            lines.extend(["", text.upper() if level == 1 else text, "-" * len(text) if level > 1 else "=" * len(text)])

    def bullet(text: str, indent: int = 0) -> None:
        lines.append(("  " * indent) + ("- " if md else "• ") + text)

    def reason_line(r: Reason, indent: int) -> None:
        text = f"{_MARK[r.outcome]} {r.message}"
        if full:
            extra = []
            if r.values:
                shown = ", ".join(f"{k} = {_value_text(rs, k, v, lang)}" for k, v in r.values.items())
                extra.append(shown)
            if r.source:
                extra.append(f"{ui('source', lang)}{colon(lang)}{r.source}")
            label = f"`{r.rule}`" if md else f"[{r.rule}]"
            text = f"{text} {label}" + (f" ({'; '.join(extra)})" if extra else "")
        bullet(text, indent)

    # no committee has decided anything yet: what this prints is a proposal to the committee
    heading(f"{ui('proposal_heading', lang)} — {rs.meta.title.get(lang)}", 1)
    lines.append("")
    rec = outcome_label(rs, decision.recommendation, lang)
    lines.append(f"{ui('recommendation', lang)}{colon(lang)}{'**' + rec + '**' if md else rec}")
    lines.append(decision.reasons[0].message)
    lines.append(f"{ui('decision_date', lang)}{colon(lang)}{formatting.day(decision.on, lang)}")

    key = [item for item in rs.plan if item.summary and item.id in decision.values]
    if key and not full:
        heading(ui("key_values", lang))
        for item in key:
            bullet(f"{item.title.get(lang)}{colon(lang)}{_value_text(rs, item.id, decision.values[item.id], lang)}")

    heading(ui("principles", lang))
    for pid, result in decision.principles.items():
        spec = next(p for p in rs.principles if p.id == pid)
        bullet(f"{spec.title.get(lang)}{colon(lang)}{ui('status.' + result.status, lang)}")
        for r in result.reasons[1:]:
            if full or r.outcome is not True:
                reason_line(r, 1)

    heading(ui("forms", lang))
    for fid, fresult in decision.forms.items():
        fspec = next(f for f in rs.forms if f.id == fid)
        bullet(f"{fspec.title.get(lang)}{colon(lang)}{ui('status.' + fresult.status, lang)}")
        for r in fresult.reasons[1:]:
            if full or r.outcome is not True:
                reason_line(r, 1)

    if decision.actions:
        heading(ui("actions", lang))
        for action in decision.actions:
            aspec = next(a for a in rs.actions if a.id == action.id)
            status = ui("status." + action.status, lang)
            bullet(f"{aspec.title.get(lang)} ({status})")
            for r in action.reasons:
                lines.append("  " + r.message)

    if decision.missing_facts:
        heading(ui("missing_facts", lang))
        for fact in decision.missing_facts:  # the reader's words; the paths stay in the JSON
            info = entry(pattern(fact))
            question = info.question.get(lang) if info and info.question else None
            label = upper_first(fact_label(fact, lang))
            bullet(f"{label} — {question}" if question else label)

    if full:
        heading(ui("values", lang))
        for name, value in decision.values.items():
            named = rs.named(name)
            title = named.title.get(lang) if named else name
            bullet(f"{title} ({name}): {_value_text(rs, name, value, lang)}")

    heading(ui("ruleset", lang))
    lines.append(f"{rs.meta.title.get(lang)} — {decision.ruleset.id} {decision.ruleset.version}")
    lines.append(decision.ruleset.fingerprint)
    out = "\n".join(lines).strip() + "\n"
    return french_typography(out) if lang == "fr" else out
