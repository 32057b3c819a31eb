"""The client's letter: plain language, from a Jinja2 template an OCMW can replace.

The letter's facts come from the structured explanation (what is proposed, why, what the OCMW
does, what the client can do, which information is missing); its wording lives in the template
``client_letter.<lang>.md.j2``. An OCMW passes its own template directory (``templates=`` in
Python, ``--templates`` on the command line); a language missing there falls back to the
shipped template. Templates write a small Markdown subset (headings, paragraphs, ``- `` bullets,
``**bold**``) that renders as text, Markdown or HTML; every value put in is escaped.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from aidrules.errors import Diagnostic, EvaluationError
from aidrules.explain import formatting
from aidrules.explain.client_texts import action_text, condition_text, proposal_text
from aidrules.explain.labels import fact_label
from aidrules.explain.model import ConditionView, Explanation
from aidrules.explain.phrases import clauses, form_title
from aidrules.explain.texts import lower_first, text, upper_first

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Client letters show at most this many "what you can do" changes.
MAX_CAN_DO = 3


def letter_context(expl: Explanation) -> dict[str, Any]:
    """The data a letter template receives (plain strings and lists; documented in the docs)."""
    lang = expl.lang
    forms = {f.id: f for f in expl.forms}
    rec = forms.get(expl.recommendation)
    kind = "form" if rec is not None else expl.recommendation

    reasons: list[str] = []
    if expl.recommendation != "undetermined":  # an undetermined proposal lists the missing information
        # why not the lighter forms first, then what made the proposal possible (unless a reason
        # given already reads the same values: "your debts are too high" twice says nothing new)
        order = expl.decisive
        if rec is not None:
            blockers = [c for c in order if c not in rec.conditions]
            said = {name for c in blockers for name in expl.conditions[c].reads}
            own = [c for c in order if c in rec.conditions and not said & set(expl.conditions[c].reads)]
            order = blockers + own
        reasons = [_condition_sentence(expl.conditions[c], lang) for c in order]
    reasons = list(dict.fromkeys(r for r in reasons if r))

    can_do: list[str] = []
    for cf in expl.counterfactuals:
        target = forms.get(cf.form)
        if target is None or cf.recommendation != cf.form:
            continue
        if rec is not None and target.intrusiveness >= rec.intrusiveness:
            continue
        if any(s.fact == "client.wants_to_keep_control" and s.changes[0].after is False for s in cf.steps):
            continue  # handing over control is the client's choice, not advice in a letter
        line = text("client.can_do", lang, form=form_title(expl, cf.form), clauses=clauses(cf, expl, client=True))
        if line not in can_do:
            can_do.append(line)
    can_do = can_do[:MAX_CAN_DO]

    actions = []
    for action in expl.actions:
        if action.status != "proposed":
            continue
        values = {v.name.rsplit(".", 1)[-1]: v.text for v in action.values}
        values.update({v.name: v.text for v in action.values})
        actions.append(_fill(action_text(action.id, lang), values) or action.message)

    return {
        "lang": lang,
        "day": formatting.day(expl.on, lang),
        "proposal": {
            "id": expl.recommendation,
            "kind": kind,
            "title": expl.recommendation_title,
            "title_lower": lower_first(expl.recommendation_title),
            "explanation": proposal_text(expl.recommendation, lang) or (rec.description if rec else expl.because),
        },
        "reasons": reasons,
        "actions": actions,
        "can_do": can_do,
        "missing": [upper_first(fact_label(m.path, lang)) for m in expl.missing if not m.changes_nothing],
        "ruleset": {"title": expl.ruleset.title, "version": expl.ruleset.version},
    }


def _condition_sentence(cond: ConditionView, lang: str) -> str:
    if cond.free_text or cond.outcome is None:
        return cond.message if not cond.free_text else ""
    plain = condition_text(cond.id, cond.outcome, lang)
    return _fill(plain, {v.name: v.text for v in cond.values}) or cond.message


def _fill(template: str | None, values: dict[str, str]) -> str | None:
    """``template`` with ``{name}`` filled in, or None if a value it needs is not there."""
    if template is None:
        return None
    names = [field for _, field, _, _ in string.Formatter().parse(template) if field]
    if any(name not in values for name in names):
        return None
    return template.format_map(values)


def _markup_value(value: Any) -> str:
    """Values put into a template: one line, with Markdown's inline marks escaped."""
    s = "" if value is None else str(value)
    s = " ".join(s.split())
    for ch in "\\*`":
        s = s.replace(ch, "\\" + ch)
    return s


@lru_cache(maxsize=16)
def _environment(templates: str | None) -> jinja2.Environment:
    """A template environment: the OCMW's directory first, then the shipped templates."""
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        loaders.append(jinja2.FileSystemLoader(templates))
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # the output is markup read back by parse_markup; values are escaped by finalize
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_markup_value,
        auto_reload=True,
    )


def render_letter(expl: Explanation, templates: str | Path | None = None) -> str:
    """The letter as the template wrote it (Markdown subset).

    Raises:
        EvaluationError: the template directory does not exist, or a template fails (EX002, EX003).
    """
    if templates is not None and not Path(templates).is_dir():
        message = f"letter templates: `{templates}` is not a directory"
        raise EvaluationError(message, [Diagnostic("EX002", message, path=str(templates))])
    env = _environment(str(Path(templates).resolve()) if templates is not None else None)
    name = f"client_letter.{expl.lang}.md.j2"
    try:
        return env.get_template(name).render(**letter_context(expl))
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or name
        line = getattr(exc, "lineno", None)
        message = f"letter template {where}{f':{line}' if line else ''}: {exc.message or type(exc).__name__}"
        raise EvaluationError(message, [Diagnostic("EX003", message, path=str(where))]) from None
