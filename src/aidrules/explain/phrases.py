"""Sentences built from structured reasons: changes ("als de cliënt …"), scenarios, statuses.

Clauses are subordinate ("als …" / "si …" / "if …"), in the third person for the worker and the
committee and in the second person ("u") for the client.
"""

from __future__ import annotations

from decimal import Decimal

from aidrules.explain.i18n import LANGS, ui
from aidrules.explain.model import Counterfactual, Explanation, Line, MissingFact, Step
from aidrules.explain.texts import colon, join_words, lower_first, text
from aidrules.facts.paths import index_of
from aidrules.words import formatting
from aidrules.words.labels import choice_label, fact_label

# (fact pattern, new value) → ((nl, fr, en) third person, (nl, fr, en) second person)
_FLIPS: dict[tuple[str, bool], tuple[tuple[str, str, str], tuple[str, str, str]]] = {
    ("client.consents", True): (
        (
            "de cliënt instemt met budgethulp",
            "la personne consent à l’aide budgétaire",
            "the client consents to budget help",
        ),
        ("u akkoord gaat met budgethulp", "vous acceptez l’aide budgétaire", "you agree to budget help"),
    ),
    ("client.consents", False): (
        (
            "de cliënt niet langer instemt met budgethulp",
            "la personne ne consent plus à l’aide budgétaire",
            "the client no longer consents to budget help",
        ),
        ("u niet langer akkoord gaat met budgethulp", "vous n’acceptez plus l’aide budgétaire", "you no longer agree"),
    ),
    ("client.shares_information", True): (
        (
            "de cliënt volledig inzicht geeft in inkomsten, uitgaven en schulden",
            "la personne donne une vue complète de ses revenus, dépenses et dettes",
            "the client gives full insight in income, expenses and debts",
        ),
        (
            "u ons alles toont over uw inkomsten, uitgaven en schulden",
            "vous nous montrez tous vos revenus, dépenses et dettes",
            "you show us all your income, expenses and debts",
        ),
    ),
    ("client.shares_information", False): (
        (
            "de cliënt geen volledig inzicht meer geeft",
            "la personne ne donne plus une vue complète",
            "the client no longer gives full insight",
        ),
        (
            "u ons niet langer alles toont",
            "vous ne nous montrez plus tout",
            "you no longer show us everything",
        ),
    ),
    ("client.participates", True): (
        (
            "de cliënt meewerkt aan het budgetplan",
            "la personne participe au plan budgétaire",
            "the client takes part in the budget plan",
        ),
        (
            "u meewerkt aan uw budgetplan",
            "vous participez à votre plan budgétaire",
            "you take part in your budget plan",
        ),
    ),
    ("client.participates", False): (
        (
            "de cliënt niet meer meewerkt aan het budgetplan",
            "la personne ne participe plus au plan budgétaire",
            "the client no longer takes part in the plan",
        ),
        ("u niet meer meewerkt aan het plan", "vous ne participez plus au plan", "you no longer take part in the plan"),
    ),
    ("client.wants_to_keep_control", True): (
        (
            "de cliënt het beheer zelf wil houden",
            "la personne veut garder la gestion",
            "the client wants to keep control",
        ),
        (
            "u uw geld zelf wilt blijven beheren",
            "vous voulez continuer à gérer votre argent vous-même",
            "you want to keep managing your money yourself",
        ),
    ),
    ("client.wants_to_keep_control", False): (
        (
            "de cliënt het beheer wil afgeven",
            "la personne veut confier la gestion",
            "the client wants to hand over control",
        ),
        (
            "u het beheer van uw geld aan het OCMW wilt geven",
            "vous voulez confier la gestion de votre argent au CPAS",
            "you want the OCMW to manage your money",
        ),
    ),
    ("incomes[].stable", True): (
        (
            "het inkomen ({kind}) stabiel wordt",
            "le revenu ({kind}) devient stable",
            "the income ({kind}) becomes stable",
        ),
        (
            "uw inkomen ({kind}) vast wordt",
            "votre revenu ({kind}) devient stable",
            "your income ({kind}) becomes stable",
        ),
    ),
    ("incomes[].stable", False): (
        (
            "het inkomen ({kind}) niet langer stabiel is",
            "le revenu ({kind}) n’est plus stable",
            "the income ({kind}) is no longer stable",
        ),
        (
            "uw inkomen ({kind}) niet langer vast is",
            "votre revenu ({kind}) n’est plus stable",
            "your income ({kind}) is no longer stable",
        ),
    ),
}

_CHOICES: dict[str, tuple[tuple[str, str, str], tuple[str, str, str]]] = {
    "client.budgeting_skills": (
        (
            "de budgetvaardigheden ‘{after}’ zijn in plaats van ‘{before}’",
            "les compétences budgétaires sont « {after} » au lieu de « {before} »",
            "the budgeting skills are ‘{after}’ instead of ‘{before}’",
        ),
        (
            "uw budgetvaardigheden ‘{after}’ zijn in plaats van ‘{before}’",
            "vos compétences budgétaires sont « {after} » au lieu de « {before} »",
            "your budgeting skills are ‘{after}’ instead of ‘{before}’",
        ),
    ),
    "client.motivation": (
        (
            "de motivatie {after} is in plaats van {before} (op 4)",
            "la motivation est de {after} au lieu de {before} (sur 4)",
            "the motivation is {after} instead of {before} (out of 4)",
        ),
        (
            "u meer zin hebt om aan uw budget te werken (uw motivatie is nu {before} op 4; met {after} kan het)",
            "vous avez plus envie de travailler à votre budget (votre motivation est de {before} sur 4 ; à {after}, "
            "c’est possible)",
            (
                "you are keener to work on your budget (your motivation is {before} out of 4 now; at {after} it is "
                "possible)"
            ),
        ),
    ),
    "debts[].enforcement": (
        (
            "de invordering van de schuld ({kind}) van ‘{before}’ naar ‘{after}’ gaat",
            "le recouvrement de la dette ({kind}) passe de « {before} » à « {after} »",
            "enforcement of the debt ({kind}) goes from ‘{before}’ to ‘{after}’",
        ),
        (
            "de invordering van uw schuld ({kind}) van ‘{before}’ naar ‘{after}’ gaat",
            "le recouvrement de votre dette ({kind}) passe de « {before} » à « {after} »",
            "enforcement of your debt ({kind}) goes from ‘{before}’ to ‘{after}’",
        ),
    ),
}

_GROUP_ENFORCEMENT = (
    (
        "de invordering van de schulden ({kinds}) naar ‘{after}’ gaat",
        "le recouvrement des dettes ({kinds}) passe à « {after} »",
        "enforcement of the debts ({kinds}) goes to ‘{after}’",
    ),
    (
        "de invordering van uw schulden ({kinds}) naar ‘{after}’ gaat",
        "le recouvrement de vos dettes ({kinds}) passe à « {after} »",
        "enforcement of your debts ({kinds}) goes to ‘{after}’",
    ),
)

_LOWER: dict[str, tuple[tuple[str, str, str], tuple[str, str, str]]] = {
    "expenses[].monthly": (
        (
            "de vaste kosten met {delta} per maand dalen, van {before} naar {after} ({items})",
            "les frais fixes baissent de {delta} par mois, de {before} à {after} ({items})",
            "the fixed costs drop by {delta} a month, from {before} to {after} ({items})",
        ),
        (
            "uw vaste kosten met {delta} per maand dalen",
            "vos frais fixes baissent de {delta} par mois",
            "your fixed costs drop by {delta} a month",
        ),
    ),
    "debts[].amount": (
        (
            (
                "de schulden met {delta} dalen, van {before} naar {after} ({items}), bijvoorbeeld door afbetaling of "
                "kwijtschelding"
            ),
            "les dettes baissent de {delta}, de {before} à {after} ({items}), par exemple par remboursement ou remise",
            "the debts drop by {delta}, from {before} to {after} ({items}), for example by repayment or remission",
        ),
        (
            "uw schulden met {delta} dalen, bijvoorbeeld doordat u een deel afbetaalt",
            "vos dettes baissent de {delta}, par exemple en en remboursant une partie",
            "your debts drop by {delta}, for example by paying part of them",
        ),
    ),
}


_FORCED = ("bailiff", "seizure")
_STOPS = (
    "er geen deurwaarder of beslag meer is voor uw schuld ({kinds})",
    "il n’y a plus d’huissier ni de saisie pour votre dette ({kinds})",
    "there is no longer a bailiff or seizure for your debt ({kinds})",
)


def _stops_enforcement(step: Step) -> bool:
    return all(c.before in _FORCED and c.after not in _FORCED for c in step.changes)


def _kind_of(expl: Explanation, path: str) -> str:
    index = index_of(path)
    lines: list[Line] | None = None
    if path.startswith("debts"):
        lines = expl.case.debts
    elif path.startswith("expenses"):
        lines = expl.case.expenses
    elif path.startswith("incomes"):
        lines = expl.case.incomes
    if lines is not None and index is not None and index < len(lines):
        return lines[index].kind_text
    return fact_label(path, expl.lang)


def step_clause(step: Step, expl: Explanation, client: bool = False) -> str:
    """One step as a subordinate clause: ``de cliënt het beheer zelf wil houden``."""
    lang = expl.lang
    i = LANGS.index(lang)
    who = 1 if client else 0
    first = step.changes[0]
    if step.fact in _LOWER:
        money = [formatting.money(Decimal(str(c.before)), lang) for c in step.changes]
        items = []
        for change, before in zip(step.changes, money, strict=True):
            kind = _kind_of(expl, change.path)
            if change.removed:
                items.append(text("removed", lang, kind=kind, amount=before))
            else:
                after = formatting.money(Decimal(str(change.after)), lang)
                items.append(text("item_change", lang, kind=kind, before=before, after=after))
        total_before = step.total_before or Decimal(0)
        total_after = step.total_after or Decimal(0)
        return _LOWER[step.fact][who][i].format(
            delta=formatting.money(total_before - total_after, lang),
            before=formatting.money(total_before, lang),
            after=formatting.money(total_after, lang),
            items="; ".join(items),
        )
    if isinstance(first.after, bool):
        template = _FLIPS.get((step.fact, first.after))
        if template is not None:
            return template[who][i].format(kind=_kind_of(expl, first.path))
    if step.fact == "debts[].enforcement" and client and _stops_enforcement(step):
        kinds = join_words([_kind_of(expl, c.path) for c in step.changes], lang)
        return _STOPS[i].format(kinds=kinds)
    if step.fact == "debts[].enforcement" and len(step.changes) > 1:
        kinds = join_words([_kind_of(expl, c.path) for c in step.changes], lang)
        return _GROUP_ENFORCEMENT[who][i].format(kinds=kinds, after=choice_label(str(first.after), lang))
    if step.fact in _CHOICES:
        return _CHOICES[step.fact][who][i].format(
            before=_label(first.before, lang),
            after=_label(first.after, lang),
            kind=_kind_of(expl, first.path),
        )
    return f"{fact_label(first.path, lang)}{colon(lang)}{_label(first.before, lang)} → {_label(first.after, lang)}"


def _label(value: object, lang: str) -> str:
    if isinstance(value, str):
        return choice_label(value, lang)
    return str(value)


def clauses(cf: Counterfactual, expl: Explanation, client: bool = False) -> str:
    """All steps of a counterfactual joined: ``… en …``."""
    return join_words([step_clause(s, expl, client) for s in cf.steps], expl.lang)


def form_title(expl: Explanation, form: str) -> str:
    for f in expl.forms:
        if f.id == form:
            return f.title
    return form


def outcome_title(expl: Explanation, outcome: str) -> str:
    if outcome == expl.recommendation:
        return expl.recommendation_title
    if any(f.id == outcome for f in expl.forms):
        return form_title(expl, outcome)
    return ui(f"outcome.{outcome}", expl.lang) if outcome in ("none", "undetermined") else outcome


def missing_fact_lines(mf: MissingFact, expl: Explanation) -> tuple[str, list[str]]:
    """A headline for a missing fact and one line per group of values with the same outcome."""
    lang = expl.lang
    if mf.must_supply or not mf.scenarios:
        return text("mf.must_supply", lang, fact=mf.title), []
    if mf.changes_nothing:
        return text("mf.changes_nothing", lang, fact=mf.title, rec_lower=lower_first(expl.recommendation_title)), []
    groups: list[tuple[str, list[str], list[str]]] = []
    for s in mf.scenarios:
        key = (s.recommendation, s.missing_facts)
        for group in groups:
            if (group[0], group[2]) == key:
                group[1].append(s.text)
                break
        else:
            groups.append((s.recommendation, [s.text], list(s.missing_facts)))
    lines = []
    for rec, values, still in groups:
        shown = join_words(values, lang, "or")
        if rec == "undetermined":
            facts = fact_list([f for f in still if f != mf.path] or still, lang)
            lines.append(text("mf.scenario_open", lang, values=shown, facts=facts))
        else:
            lines.append(text("mf.scenario", lang, values=shown, rec_lower=lower_first(outcome_title(expl, rec))))
    head = text("mf.decides" if mf.settles else "mf.partly", lang, fact=mf.title)
    return head, lines


def fact_list(paths: list[str], lang: str) -> str:
    return ", ".join(dict.fromkeys(fact_label(p, lang) for p in paths))


def status_word(kind: str, status: str, lang: str) -> str:
    return text(f"{kind}.{status}", lang)
