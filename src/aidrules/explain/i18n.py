"""Fixed interface texts in Dutch (first), French and English."""

from __future__ import annotations

import re

_TEXTS: dict[str, tuple[str, str, str]] = {
    # key: (nl, fr, en)
    "yes": ("ja", "oui", "yes"),
    "no": ("nee", "non", "no"),
    "unknown_value": ("onbekend", "inconnu", "unknown"),
    "none_value": ("geen", "aucun", "none"),
    "unknown_outcome": (
        "{title}: nog niet te beoordelen; ontbrekende gegevens: {facts}.",
        "{title} : pas encore évaluable ; données manquantes : {facts}.",
        "{title}: cannot be assessed yet; missing facts: {facts}.",
    ),
    "principle_satisfied": (
        "Principe ‘{title}’ is voldaan.",
        "Le principe « {title} » est respecté.",
        "Principle ‘{title}’ is satisfied.",
    ),
    "principle_not_satisfied": (
        "Principe ‘{title}’ is niet voldaan.",
        "Le principe « {title} » n’est pas respecté.",
        "Principle ‘{title}’ is not satisfied.",
    ),
    "principle_undetermined": (
        "Principe ‘{title}’ is nog niet te beoordelen.",
        "Le principe « {title} » ne peut pas encore être évalué.",
        "Principle ‘{title}’ cannot be assessed yet.",
    ),
    "form_eligible": ("{title} is mogelijk.", "{title} est possible.", "{title} is possible."),
    "form_ineligible": ("{title} is niet mogelijk.", "{title} n’est pas possible.", "{title} is not possible."),
    "form_undetermined": (
        "Of {title} mogelijk is, is nog niet te bepalen.",
        "On ne peut pas encore déterminer si {title} est possible.",
        "Whether {title} is possible cannot be determined yet.",
    ),
    "recommendation_undetermined": (
        "Er is nog geen voorstel mogelijk: eerst ontbrekende gegevens aanvullen ({facts}).",
        "Aucune proposition n’est encore possible : compléter d’abord les données manquantes ({facts}).",
        "No recommendation is possible yet: first complete the missing facts ({facts}).",
    ),
    "action_undetermined": (
        "{title}: nog niet te bepalen ({facts}).",
        "{title} : pas encore déterminable ({facts}).",
        "{title}: cannot be determined yet ({facts}).",
    ),
    # questions (aidrules questions, interview, intake page)
    "proposal_line": ("Voorstel: {title}", "Proposition : {title}", "Proposal: {title}"),
    "next_questions": (
        "Volgende vragen (de meest beslissende eerst):",
        "Questions suivantes (les plus décisives d’abord) :",
        "Next questions (most decisive first):",
    ),
    "no_questions": (
        "Geen open vragen meer: geen enkel ontbrekend gegeven kan dit voorstel nog veranderen.",
        "Plus de questions ouvertes : aucune donnée manquante ne peut encore changer cette proposition.",
        "No open questions: no missing fact can still change this proposal.",
    ),
    "no_questions_undetermined": (
        "Er is nog geen voorstel, en geen vraag met vaste antwoorden kan het nu bepalen: "
        "vul de ontbrekende bedragen aan.",
        "Pas encore de proposition, et aucune question à réponses fixes ne peut la déterminer : "
        "complétez les montants manquants.",
        "No proposal yet, and no question with fixed answers can settle it now: fill in the missing amounts.",
    ),
    "needed_with_others": (
        "Dit antwoord alleen beslist nog niets; het is nodig samen met andere gegevens.",
        "Cette réponse seule ne décide encore rien ; elle est nécessaire avec d’autres données.",
        "This answer alone decides nothing yet; it is needed together with other facts.",
    ),
    "asked_of.client": ("te vragen aan de cliënt", "à demander à la personne", "ask the client"),
    "asked_of.worker": (
        "beoordeling door de maatschappelijk werker",
        "appréciation du service social",
        "the social worker’s assessment",
    ),
    "list_items": (
        "of geef de gegevens één voor één in",
        "ou saisissez les éléments un par un",
        "or enter the items one by one",
    ),
    "date_until": ("tot en met {day}", "jusqu’au {day} inclus", "up to and including {day}"),
    "date_from": ("vanaf {day}", "à partir du {day}", "from {day} on"),
    "hint.yes_no": ("ja of nee", "oui ou non", "yes or no"),
    "hint.amount": ("bedrag in euro, bv. 1180,50", "montant en euros, p. ex. 1180,50", "amount in euros, e.g. 1180.50"),
    "hint.range": ("{low} tot {high}", "de {low} à {high}", "{low} to {high}"),
    "hint.number": ("een geheel getal", "un nombre entier", "a whole number"),
    "hint.date": ("datum, bv. 15/03/2024", "date, p. ex. 15/03/2024", "date, e.g. 2024-03-15"),
    "hint.date_never": (
        "datum, bv. 15/03/2024, of ‘nooit’",
        "date, p. ex. 15/03/2024, ou « jamais »",
        "date, e.g. 2024-03-15, or ‘never’",
    ),
    "hint.list": (
        "‘geen’, of ‘ja’ om ze één voor één in te geven",
        "« aucun », ou « oui » pour les saisir un par un",
        "‘none’, or ‘yes’ to enter them one by one",
    ),
    "hint.text": ("vrije tekst", "texte libre", "free text"),
    "answer_invalid": (
        "‘{answer}’ past hier niet; mogelijk: {hint}. Leeg of ‘?’ als u het niet weet.",
        "« {answer} » ne convient pas ici ; possible : {hint}. Vide ou « ? » si vous ne savez pas.",
        "‘{answer}’ does not fit here; possible: {hint}. Empty or ‘?’ if you do not know.",
    ),
    "another_item": ("Nog één?", "Encore un ?", "Another one?"),
    "interview_written": ("Dossier geschreven naar {path}.", "Dossier écrit dans {path}.", "Case written to {path}."),
    # text rendering
    "decision": ("Beslissing", "Décision", "Decision"),
    "proposal_heading": ("Voorstel", "Proposition", "Proposal"),
    "recommendation": ("Voorstel", "Proposition", "Proposal"),
    "principles": ("Uitgangspunten", "Principes", "Principles"),
    "forms": ("Vormen van budgethulp", "Formes d’aide budgétaire", "Forms of budget help"),
    "actions": ("Acties", "Actions", "Actions"),
    "values": ("Berekende bedragen", "Montants calculés", "Computed values"),
    "key_values": ("Kerncijfers", "Chiffres clés", "Key figures"),
    "missing_facts": ("Ontbrekende gegevens", "Données manquantes", "Missing facts"),
    "ruleset": ("Regelset", "Ensemble de règles", "Rule set"),
    "decision_date": ("Datum", "Date", "Date"),
    "reasons": ("Redenen", "Motifs", "Reasons"),
    "source": ("bron", "source", "source"),
    "status.eligible": ("mogelijk", "possible", "eligible"),
    "status.ineligible": ("niet mogelijk", "pas possible", "not eligible"),
    "status.undetermined": ("onbepaald", "indéterminé", "undetermined"),
    "status.satisfied": ("voldaan", "respecté", "satisfied"),
    "status.not_satisfied": ("niet voldaan", "non respecté", "not satisfied"),
    "status.proposed": ("voorgesteld", "proposée", "proposed"),
    "outcome.none": ("geen budgethulp", "pas d’aide budgétaire", "no budget help"),
    "outcome.undetermined": ("nog niet te bepalen", "pas encore déterminable", "not yet determined"),
}

#: Reader's words for the coded values of the case facts (contract §1).
VALUE_LABELS: dict[str, tuple[str, str, str]] = {
    "single": ("alleenstaande", "isolé", "single"),
    "cohabiting": ("samenwonende", "cohabitant", "cohabiting"),
    "family_dependants": ("met gezin ten laste", "avec famille à charge", "with dependent family"),
    "none": ("geen", "aucune", "none"),
    "limited": ("beperkt", "limitées", "limited"),
    "adequate": ("voldoende", "suffisantes", "adequate"),
    "self": ("de cliënt zelf", "la personne elle-même", "the client"),
    "family": ("familie", "la famille", "family"),
    "third_party": ("een derde", "un tiers", "a third party"),
    "court": ("de rechtbank", "le tribunal", "the court"),
    "reminder": ("aanmaning", "rappel", "reminder"),
    "bailiff": ("deurwaarder", "huissier", "bailiff"),
    "seizure": ("beslag", "saisie", "seizure"),
    "budget_guidance": ("budgetbegeleiding", "guidance budgétaire", "budget guidance"),
    "budget_management": ("budgetbeheer", "gestion budgétaire", "budget management"),
    "collective_debt_settlement": (
        "collectieve schuldenregeling",
        "règlement collectif de dettes",
        "collective debt settlement",
    ),
    "undetermined": ("nog niet te bepalen", "pas encore déterminable", "not yet determined"),
    # housing
    "private_rental": ("private huur", "location privée", "private rental"),
    "social_rental": ("sociale huur", "logement social", "social rental"),
    "owner": ("eigenaar", "propriétaire", "owner"),
    "homeless": ("dakloos", "sans abri", "homeless"),
    # kinds of income
    "wage": ("loon", "salaire", "wage"),
    "replacement_income": ("vervangingsinkomen", "revenu de remplacement", "replacement income"),
    "integration_income": ("leefloon", "revenu d’intégration", "integration income"),
    "child_benefit": ("groeipakket (kinderbijslag)", "allocations familiales", "child benefit"),
    "alimony": ("onderhoudsgeld", "pension alimentaire", "alimony"),
    # kinds of fixed costs and debts
    "rent": ("huur", "loyer", "rent"),
    "energy": ("energie", "énergie", "energy"),
    "water": ("water", "eau", "water"),
    "insurance": ("verzekeringen", "assurances", "insurance"),
    "health": ("gezondheidszorg", "soins de santé", "health care"),
    "childcare": ("kinderopvang", "garde d’enfants", "childcare"),
    "education": ("onderwijs", "enseignement", "education"),
    "transport": ("vervoer", "transport", "transport"),
    "telecom": ("telecom", "télécom", "telecom"),
    "tax": ("belastingen", "impôts", "taxes"),
    "consumer_credit": ("consumentenkrediet", "crédit à la consommation", "consumer credit"),
    "fine": ("boetes", "amendes", "fines"),
    "other": ("andere", "autre", "other"),
}

LANGS = ("nl", "fr", "en")


def value_label(code: str, lang: str) -> str:
    """The reader's word for a coded value, or the code itself."""
    labels = VALUE_LABELS.get(code)
    return labels[LANGS.index(lang)] if labels else code


def ui(key: str, lang: str, **fields: str) -> str:
    """An interface text in ``lang`` with ``fields`` filled in."""
    text = _TEXTS[key][LANGS.index(lang)]
    text = text.format(**fields) if fields else text
    return french_typography(text) if lang == "fr" else text


_FR_BEFORE = re.compile(r"[ \u202f]([:;?!»])")
_FR_TIGHT = re.compile(r"(?<=[\w)»’])([?!])")
_FR_AFTER = re.compile(r"«[ \u00a0\u202f]?")


def french_typography(text: str) -> str:
    """A no-break space before ``: ; ? ! »`` and after ``«``, so that they never start or end a line.

    Example:
        >>> french_typography("Proposition : « volontaire » ?") == "Proposition\u00a0: «\u00a0volontaire\u00a0»\u00a0?"
        True
    """
    text = _FR_BEFORE.sub("\u00a0\\1", text)
    text = _FR_TIGHT.sub("\u00a0\\1", text)
    return _FR_AFTER.sub("«\u00a0", text)


def colon(lang: str) -> str:
    """``: `` — in French with a no-break space before the colon (French typography)."""
    return "\u00a0: " if lang == "fr" else ": "
