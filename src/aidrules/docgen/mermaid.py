"""The recommendation order of a rule set as a Mermaid flowchart."""

from __future__ import annotations

from aidrules.docgen.labels import label
from aidrules.docgen.prose import render
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.text.interface import value_label

#: A Mermaid directive: draw the chart at the size of its content, not stretched to the page width.
SIZED = '%%{init: {"flowchart": {"useMaxWidth": false, "nodeSpacing": 30, "rankSpacing": 30}}}%%'


def flowchart(rs: CompiledRuleSet, lang: str) -> list[str]:
    """Lines of a ``flowchart TD``: one question per recommendation rule, in the order they are read.

    The first line keeps the chart at its natural size (Mermaid otherwise stretches a chart of three
    questions to the full width of the page); the questions are in words, never formulas.

    Examples:
        >>> import aidrules
        >>> flowchart(aidrules.load(), "nl")[1]
        'flowchart TD'
    """
    forms = {f.id: f.title.get(lang) for f in rs.forms}
    yes, no = label("yes", lang), label("no", lang)
    out = [SIZED, "flowchart TD", f'    start(["{_q(label("start", lang))}"])']
    previous = "start"
    for i, row in enumerate(rs.rows, 1):
        name = forms.get(row.recommend, row.recommend)
        if row.when.source == f"forms.{row.recommend}":
            question = label("possible", lang, form=name)
        else:
            question = render(row.when.node, rs, lang) + "?"
        out.append(f'    q{i}{{{{"{_q(question)}"}}}}')  # a hexagon: a diamond grows with its text
        out.append(f'    r{i}["{_q(name)}"]')
        if rs.hit_policy == "first":
            edge = "-->" if previous == "start" else f"-- {no} -->"
            out.append(f"    {previous} {edge} q{i}")
            previous = f"q{i}"
        else:
            out.append(f"    start --> q{i}")
        out.append(f"    q{i} -- {yes} --> r{i}")
    if rs.otherwise is not None:
        out.append(f'    other["{_q(outcome_label(rs.otherwise, lang))}"]')
        end = "other"
    else:
        out.append(f'    gap["{_q(label("gap", lang))}"]')
        end = "gap"
    if rs.hit_policy == "first" and rs.rows:
        out.append(f"    {previous} -- {no} --> {end}")
    elif rs.rows:
        out.extend(f"    q{i} -- {no} --> {end}" for i in range(1, len(rs.rows) + 1))
    return out


def outcome_label(outcome: str, lang: str) -> str:
    """The reader's word for an outcome without a form (``none`` → "Geen budgethulp")."""
    return label("no_help", lang) if outcome == "none" else value_label(outcome, lang)


def _q(text: str) -> str:
    """Text inside a Mermaid label in double quotes."""
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
