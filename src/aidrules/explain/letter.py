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
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from aidrules.errors import Diagnostic, EvaluationError
from aidrules.explain.model import ConditionView, Explanation
from aidrules.explain.phrases import clauses, form_title
from aidrules.facts.catalogue import entry
from aidrules.facts.paths import pattern
from aidrules.text import domain
from aidrules.text.explain import lower_first, text, upper_first
from aidrules.words import formatting
from aidrules.words.labels import fact_label

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who the letter is for and from: given when the letter is rendered, never stored with the
    explanation, the decision or in the journal (they hold no names)."""

    client_name: str | None = None
    dossier_reference: str | None = None
    ocmw_name: str | None = None
    ocmw_address: str | None = None
    worker_contact: str | None = None

    @classmethod
    def of(cls, value: Recipient | Mapping[str, str | None] | None) -> Recipient:
        if value is None:
            return cls()
        if isinstance(value, Recipient):
            return value
        unknown = set(value) - set(cls.__slots__)
        if unknown:
            message = f"letter: unknown recipient field(s) {', '.join(sorted(unknown))}"
            raise EvaluationError(message, [Diagnostic("EX004", message, path="recipient")])
        return cls(**{k: (v.strip() or None) if isinstance(v, str) else None for k, v in value.items()})


#: What an undetermined proposal means for the client (``client.undetermined`` in the gettext
#: domain ``explain``): the library's own wording, since "undetermined" is the engine's outcome,
#: not a rule set's. A rule set words its forms, its ``otherwise`` outcome, its conditions and
#: actions itself (``client_text:`` in the rule file); without them the letter uses the rule's own
#: message. Read as written: the letter typesets French as a whole.
_EXPLAIN = domain("explain")

#: Client letters show at most this many "what you can do" changes.
MAX_CAN_DO = 3


def letter_context(expl: Explanation, recipient: Recipient | Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """The data a letter template receives (plain strings and lists; documented in the docs).

    An undetermined case promises nothing: no amounts, no actions, no "what you can do"; it lists
    in plain words what the OCMW still needs, asking the client only what the client can answer
    (legal and professional assessments stay with the worker).
    """
    lang = expl.lang
    undetermined = expl.recommendation == "undetermined"
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
        reasons = [_condition_sentence(expl.conditions[c]) for c in order]
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
    can_do = [] if undetermined else can_do[:MAX_CAN_DO]

    actions = []
    for action in expl.actions:
        if action.status != "proposed" or undetermined:
            continue
        values = {v.name.rsplit(".", 1)[-1]: v.text for v in action.values}
        values.update({v.name: v.text for v in action.values})
        actions.append(_fill(action.client_text, values) or action.message)

    missing: list[str] = []
    worker_checks = False
    for m in expl.missing:
        if m.changes_nothing:
            continue
        info = entry(pattern(m.path))
        if info is not None and info.asked_of == "client" and info.client_question is not None:
            missing.append(info.client_question.get(lang))
        elif info is not None and info.asked_of == "worker":
            worker_checks = True  # an assessment of the worker: never asked of the client
        else:
            missing.append(upper_first(fact_label(m.path, lang)))
    missing = list(dict.fromkeys(missing))

    return {
        "lang": lang,
        "day": formatting.day(expl.on, lang),
        "proposal": {
            "id": expl.recommendation,
            "kind": kind,
            "title": expl.recommendation_title,
            "title_lower": lower_first(expl.recommendation_title),
            # the rule set's name for the form inside a sentence (French with its article), else the title
            "with_article": expl.client_title or lower_first(expl.recommendation_title),
            "explanation": _proposal_text(expl) or (rec.description if rec else expl.because),
        },
        "reasons": reasons,
        "actions": actions,
        "can_do": can_do,
        "missing": missing,
        "worker_checks": worker_checks,
        "recipient": asdict(Recipient.of(recipient)),
        "ruleset": {"title": expl.ruleset.title, "version": expl.ruleset.version},
    }


def _proposal_text(expl: Explanation) -> str | None:
    if expl.recommendation == "undetermined":
        return _EXPLAIN[expl.lang]["client.undetermined"]
    return expl.client_proposal


def _condition_sentence(cond: ConditionView) -> str:
    if cond.free_text or cond.outcome is None:
        return cond.message if not cond.free_text else ""
    return _fill(cond.client_text, {v.name: v.text for v in cond.values}) or cond.message


def _fill(template: str | None, values: dict[str, str]) -> str | None:
    """``template`` with ``{name}`` filled in, or None if a value it needs is not there."""
    if template is None:
        return None
    parts = list(string.Formatter().parse(template))
    if any(field is not None and field not in values for _, field, _, _ in parts):
        return None
    # filled by name, not by str.format: a dotted name ({actions.debt_mediation.monthly_repayment})
    # is one value here, not an attribute lookup
    return "".join(literal + (values[field] if field is not None else "") for literal, field, _, _ in parts)


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


def render_letter(
    expl: Explanation,
    templates: str | Path | None = None,
    recipient: Recipient | Mapping[str, str | None] | None = None,
) -> str:
    """The letter as the template wrote it (Markdown subset), addressed to ``recipient``.

    Raises:
        EvaluationError: the template directory does not exist, or a template fails (EX002, EX003).
    """
    if templates is not None and not Path(templates).is_dir():
        message = f"letter templates: `{templates}` is not a directory"
        raise EvaluationError(message, [Diagnostic("EX002", message, path=str(templates))])
    env = _environment(str(Path(templates).resolve()) if templates is not None else None)
    name = f"client_letter.{expl.lang}.md.j2"
    try:
        return env.get_template(name).render(**letter_context(expl, recipient))
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or name
        line = getattr(exc, "lineno", None)
        message = f"letter template {where}{f':{line}' if line else ''}: {exc.message or type(exc).__name__}"
        raise EvaluationError(message, [Diagnostic("EX003", message, path=str(where))]) from None
