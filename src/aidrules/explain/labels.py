"""Readers' names of the case facts (contract §1) in Dutch, French and English."""

from __future__ import annotations

import re

from aidrules.explain.factpaths import pattern
from aidrules.explain.i18n import LANGS, value_label

#: pattern → (nl, fr, en)
FACT_LABELS: dict[str, tuple[str, str, str]] = {
    "household": ("gezin", "ménage", "household"),
    "household.category": ("leeflooncategorie", "catégorie de revenu d’intégration", "integration income category"),
    "household.adults": ("aantal volwassenen", "nombre d’adultes", "number of adults"),
    "household.children": ("kinderen", "enfants", "children"),
    "household.children[].age": ("leeftijd van het kind", "âge de l’enfant", "age of the child"),
    "household.municipality": ("gemeente", "commune", "municipality"),
    "household.housing": ("woonsituatie", "logement", "housing"),
    "client": ("cliënt", "client", "client"),
    "client.requested_by": ("hulpvraag gesteld door", "aide demandée par", "help requested by"),
    "client.consents": ("instemming met budgethulp", "consentement à l’aide budgétaire", "consent to budget help"),
    "client.wants_debt_settlement": (
        "wil zelf een collectieve schuldenregeling aanvragen",
        "veut introduire lui-même un règlement collectif de dettes",
        "wants to file for collective debt settlement",
    ),
    "client.shares_information": (
        "volledig inzicht in inkomsten, uitgaven en schulden",
        "transparence sur revenus, dépenses et dettes",
        "full insight in income, expenses and debts",
    ),
    "client.participates": (
        "meewerken aan het budgetplan",
        "participation au plan budgétaire",
        "takes part in the plan",
    ),
    "client.motivation": ("motivatie (0–4)", "motivation (0–4)", "motivation (0–4)"),
    "client.budgeting_skills": ("budgetvaardigheden", "compétences budgétaires", "budgeting skills"),
    "client.wants_to_keep_control": (
        "wil het beheer zelf houden",
        "veut garder la gestion",
        "wants to keep control",
    ),
    "client.habitual_residence_in_belgium": (
        "gewone verblijfplaats in België",
        "résidence habituelle en Belgique",
        "habitual residence in Belgium",
    ),
    "client.is_enterprise": (
        "zelfstandige activiteit (onderneming)",
        "activité indépendante (entreprise)",
        "enterprise",
    ),
    "client.enterprise_ceased_on": (
        "datum van stopzetting van de onderneming",
        "date de cessation de l’entreprise",
        "date the enterprise ceased",
    ),
    "client.csr_revoked_on": (
        "datum van herroeping van een vorige collectieve schuldenregeling",
        "date de révocation d’un règlement collectif antérieur",
        "date an earlier debt settlement was revoked",
    ),
    "client.in_collective_debt_settlement": (
        "al in collectieve schuldenregeling",
        "déjà en règlement collectif de dettes",
        "already in collective debt settlement",
    ),
    "client.organised_insolvency": (
        "onvermogen kennelijk zelf bewerkt",
        "insolvabilité manifestement organisée",
        "insolvency manifestly organised",
    ),
    "incomes": ("inkomsten", "revenus", "incomes"),
    "incomes[].kind": ("soort inkomen", "type de revenu", "kind of income"),
    "incomes[].monthly_net": ("netto per maand", "net par mois", "net a month"),
    "incomes[].stable": ("stabiel inkomen", "revenu stable", "stable income"),
    "expenses": ("vaste kosten", "frais fixes", "fixed costs"),
    "expenses[].kind": ("soort kosten", "type de frais", "kind of cost"),
    "expenses[].monthly": ("bedrag per maand", "montant mensuel", "monthly amount"),
    "debts": ("schulden", "dettes", "debts"),
    "debts[].creditor": ("schuldeiser", "créancier", "creditor"),
    "debts[].kind": ("soort schuld", "type de dette", "kind of debt"),
    "debts[].amount": ("bedrag van de schuld", "montant de la dette", "amount of the debt"),
    "debts[].enforcement": ("stand van de invordering", "stade du recouvrement", "stage of enforcement"),
    "signals": ("signalen", "signaux", "signals"),
    "signals.eviction_threat": ("dreigende uithuiszetting", "menace d’expulsion", "eviction threat"),
    "signals.utility_cutoff_threat": (
        "dreigende afsluiting van energie of water",
        "menace de coupure d’énergie ou d’eau",
        "utility cut-off threat",
    ),
    "signals.income_seized": ("beslag op het inkomen", "saisie sur les revenus", "income seized"),
    "remi": ("REMI-referentiebudget", "budget de référence REMI", "REMI reference budget"),
    "remi.reference_budget": ("REMI-referentiebudget", "budget de référence REMI", "REMI reference budget"),
}

_ITEM: dict[str, tuple[str, str, str]] = {
    "incomes": ("inkomen", "revenu", "income"),
    "expenses": ("kost", "frais", "cost"),
    "debts": ("schuld", "dette", "debt"),
    "household.children": ("kind", "enfant", "child"),
}


def fact_label(path: str, lang: str) -> str:
    """The reader's name of a fact; items of a list are numbered from 1 (``schuld 2``)."""
    i = LANGS.index(lang)
    labels = FACT_LABELS.get(pattern(path))
    base = labels[i] if labels else path
    match = re.match(r"^([a-z_.]+)\[(\d+)\]", path)
    if match and match.group(1) in _ITEM:
        item = f"{_ITEM[match.group(1)][i]} {int(match.group(2)) + 1}"
        return item if pattern(path).endswith("[]") else f"{base} ({item})"
    return base


def choice_label(code: str, lang: str) -> str:
    """The reader's word for a coded value of a fact (``bailiff`` → ``deurwaarder``)."""
    return value_label(code, lang)
