"""Interface texts of explanations in Dutch (first), French and English.

Conditions' own messages come from the rule set; these are the words around them: headings,
sentences comparing forms, counterfactuals and missing facts, for the worker and the committee
(third person: "de cliënt") and for the client (second person: "u").
"""

from __future__ import annotations

from aidrules.explain.i18n import LANGS, french_typography

_T: dict[str, tuple[str, str, str]] = {
    # -- words -------------------------------------------------------------------------------
    "never": ("nooit", "jamais", "never"),
    "children_count": ("aantal kinderen", "nombre d’enfants", "number of children"),
    "stable": ("stabiel", "stable", "stable"),
    "not_stable": ("niet stabiel", "pas stable", "not stable"),
    "enforcement": ("invordering: {stage}", "recouvrement : {stage}", "enforcement: {stage}"),
    "enforcement_unknown": ("invordering: onbekend", "recouvrement : inconnu", "enforcement: unknown"),
    "outcome.true": ("ja", "oui", "yes"),
    "outcome.false": ("nee", "non", "no"),
    "outcome.unknown": ("onbekend", "inconnu", "unknown"),
    "and": ("en", "et", "and"),
    "or": ("of", "ou", "or"),
    "rule": ("regel", "règle", "rule"),
    "values": ("waarden", "valeurs", "values"),
    "source": ("bron", "source", "source"),
    "valid_from": ("geldig vanaf {day}", "en vigueur depuis le {day}", "in force from {day}"),
    "removed": ("{kind}: {amount} afbetaald", "{kind} : {amount} remboursés", "{kind}: {amount} paid off"),
    "item_change": ("{kind}: {before} → {after}", "{kind} : {before} → {after}", "{kind}: {before} → {after}"),
    "trace.parameter": ("parameter", "paramètre", "parameter"),
    "trace.derived": ("berekend", "calculé", "derived"),
    "trace.condition": ("voorwaarde", "condition", "condition"),
    "trace.principle": ("uitgangspunt", "principe", "principle"),
    "trace.form": ("vorm", "forme", "form"),
    "trace.recommendation": ("voorstel", "proposition", "recommendation"),
    "trace.action": ("actie", "action", "action"),
    # -- headings ----------------------------------------------------------------------------
    "worker.title": (
        "Toelichting bij het voorstel — {ruleset}",
        "Explication de la proposition — {ruleset}",
        "Explanation of the recommendation — {ruleset}",
    ),
    "proposal": ("Voorstel: {title}", "Proposition : {title}", "Proposal: {title}"),
    # the date the case is assessed on; no committee has decided yet (issue 16: "voorstel", not "beslissing")
    "decision_date": ("Beoordeeld op {day}.", "Évalué le {day}.", "Assessed on {day}."),
    "ruleset_line": (
        "Regelset {id} versie {version} ({fingerprint}).",
        "Ensemble de règles {id} version {version} ({fingerprint}).",
        "Rule set {id} version {version} ({fingerprint}).",
    ),
    "h.why": ("Waarom dit voorstel", "Pourquoi cette proposition", "Why this recommendation"),
    "h.why_none": ("Waarom geen budgethulp", "Pourquoi pas d’aide budgétaire", "Why no budget help"),
    "h.why_undetermined": (
        "Waarom nog geen voorstel",
        "Pourquoi pas encore de proposition",
        "Why there is no recommendation yet",
    ),
    "h.comparison": (
        "Vergelijking met de andere vormen",
        "Comparaison avec les autres formes",
        "Compared with the other forms",
    ),
    "h.missing": ("Ontbrekende gegevens", "Données manquantes", "Missing facts"),
    "h.principles": ("Uitgangspunten", "Principes", "Principles"),
    "h.forms": ("Vormen van budgethulp", "Formes d’aide budgétaire", "Forms of budget help"),
    "h.actions": ("Voorgestelde acties", "Actions proposées", "Proposed actions"),
    "h.situation": ("Gezin en financiën", "Ménage et finances", "Household and finances"),
    "h.household": ("Gezinssituatie", "Situation familiale", "Household"),
    "h.client": ("Hulpvraag en medewerking", "Demande d’aide et collaboration", "Request and cooperation"),
    "h.incomes": ("Inkomsten per maand", "Revenus mensuels", "Monthly income"),
    "h.expenses": ("Vaste kosten per maand", "Frais fixes mensuels", "Monthly fixed costs"),
    "h.debts": ("Schulden", "Dettes", "Debts"),
    "h.signals": ("Dringende signalen", "Signaux urgents", "Urgent signals"),
    "h.values": ("Berekende bedragen", "Montants calculés", "Computed values"),
    "h.key_values": ("Kerncijfers", "Chiffres clés", "Key figures"),
    "h.parameters": (
        "Parameters op de beslissingsdatum",
        "Paramètres à la date de décision",
        "Parameters on the decision date",
    ),
    "h.ruleset": ("Regelset", "Ensemble de règles", "Rule set"),
    "h.trace": ("Verloop van de beoordeling", "Déroulement de l’évaluation", "Course of the evaluation"),
    "h.decide": ("Gevraagde beslissing", "Décision demandée", "Decision requested"),
    "h.motivation": ("Voorstel en motivering", "Proposition et motivation", "Proposal and reasons"),
    # -- table headers ---------------------------------------------------------------------------
    "col.kind": ("Soort", "Type", "Kind"),
    "col.amount": ("Bedrag", "Montant", "Amount"),
    "col.note": ("Opmerking", "Remarque", "Note"),
    "col.item": ("Gegeven", "Donnée", "Fact"),
    "col.value": ("Waarde", "Valeur", "Value"),
    "col.name": ("Naam", "Nom", "Name"),
    "col.id": ("Id", "Id", "Id"),
    "col.valid_from": ("Geldig vanaf", "En vigueur depuis", "In force from"),
    "col.source": ("Bron", "Source", "Source"),
    "total": ("Totaal", "Total", "Total"),
    "none_listed": ("geen", "aucun", "none"),
    "unknown_list": (
        "onbekend (niet opgegeven)",
        "inconnu (non communiqué)",
        "unknown (not given)",
    ),
    # -- rule set ------------------------------------------------------------------------------
    "rs.id": ("Id en versie: {id} {version}", "Id et version : {id} {version}", "Id and version: {id} {version}"),
    "rs.fingerprint": ("Vingerafdruk: {fingerprint}", "Empreinte : {fingerprint}", "Fingerprint: {fingerprint}"),
    "rs.effective": (
        "Van kracht vanaf {start}{until}",
        "En vigueur depuis le {start}{until}",
        "In force from {start}{until}",
    ),
    "rs.until": (" tot en met {day}", " jusqu’au {day} inclus", " until {day}"),
    "rs.approval": (
        "Goedgekeurd door {by} op {day} (referentie {reference})",
        "Approuvé par {by} le {day} (référence {reference})",
        "Approved by {by} on {day} (reference {reference})",
    ),
    "evaluations": (
        "Voor deze toelichting werd de situatie {n} keer opnieuw beoordeeld met dezelfde regelset.",
        "Pour cette explication, la situation a été réévaluée {n} fois avec le même ensemble de règles.",
        "For this explanation the case was re-evaluated {n} times with the same rule set.",
    ),
    "search_incomplete": (
        (
            "De zoektocht naar veranderingen werd afgebroken na het maximum aantal herberekeningen; er kunnen er meer "
            "zijn."
        ),
        "La recherche de changements a été arrêtée au nombre maximal de réévaluations ; il peut y en avoir d’autres.",
        "The search for changes stopped at the maximum number of re-evaluations; there may be more.",
    ),
    # -- statuses --------------------------------------------------------------------------------
    "form.eligible": ("mogelijk", "possible", "possible"),
    "form.ineligible": ("niet mogelijk", "pas possible", "not possible"),
    "form.undetermined": ("nog niet te bepalen", "pas encore déterminable", "not yet determined"),
    "principle.satisfied": ("voldaan", "respecté", "satisfied"),
    "principle.not_satisfied": ("niet voldaan", "non respecté", "not satisfied"),
    "principle.undetermined": ("nog niet te beoordelen", "pas encore évaluable", "not yet assessable"),
    "action.proposed": ("voorgesteld", "proposée", "proposed"),
    "action.undetermined": ("nog niet te bepalen", "pas encore déterminable", "not yet determined"),
    "principles_met": (
        "De uitgangspunten die {form_lower} vraagt, zijn voldaan: {titles}.",
        "Les principes que demande la forme « {form_lower} » sont respectés : {titles}.",
        "The principles {form_lower} requires are satisfied: {titles}.",
    ),
    # -- why and comparison ----------------------------------------------------------------------
    "why.form": (
        "{form} is mogelijk, omdat:",
        "La forme « {form_lower} » est possible, parce que :",
        "{form} is possible because:",
    ),
    "why.preferred_blocked": (
        "{rec} eerder dan {form_lower}, omdat {form_lower} niet mogelijk is:",
        "« {rec} » plutôt que « {form_lower} », parce que la forme « {form_lower} » n’est pas possible :",
        "{rec} rather than {form_lower}, because {form_lower} is not possible:",
    ),
    "why.also_possible": (
        "{form} was ook mogelijk, maar de regelset kiest de eerste passende vorm in de volgorde {order}.",
        (
            "La forme « {form_lower} » était aussi possible, mais l’ensemble de règles choisit la première forme "
            "qui convient dans l’ordre {order}."
        ),
        "{form} was also possible, but the rule set picks the first form that fits in the order {order}.",
    ),
    "why.not_possible": (
        "{form} is niet mogelijk:",
        "La forme « {form_lower} » n’est pas possible :",
        "{form} is not possible:",
    ),
    "why.undetermined": (
        "Of {form_lower} mogelijk is, hangt nog af van: {facts}.",
        "La possibilité de la forme « {form_lower} » dépend encore de : {facts}.",
        "Whether {form_lower} is possible still depends on: {facts}.",
    ),
    "why.would_have_been": (
        "{form} wordt wel mogelijk als {clauses}{then}.",
        "La forme « {form_lower} » devient possible si {clauses}{then}.",
        "{form} becomes possible if {clauses}{then}.",
    ),
    "why.then": (
        "; het voorstel wordt dan {rec_lower}",
        " ; la proposition devient alors : {rec_lower}",
        "; the recommendation then becomes {rec_lower}",
    ),
    "why.would_be_recommended": (
        "{form} wordt voorgesteld als {clauses}.",
        "La forme « {form_lower} » est proposée si {clauses}.",
        "{form} is recommended if {clauses}.",
    ),
    "why.possible": ("{form} is mogelijk.", "La forme « {form_lower} » est possible.", "{form} is possible."),
    "why.nothing_found": (
        "Geen kleine verandering in gegevens waarop de cliënt of het OCMW invloed heeft, maakt {form_lower} mogelijk.",
        (
            "Aucun petit changement de données sur lesquelles la personne ou le CPAS ont prise ne rend la forme "
            "« {form_lower} » possible."
        ),
        "No small change in facts the client or the OCMW can act on makes {form_lower} possible.",
    ),
    # -- counterfactuals -----------------------------------------------------------------------
    "cf.intro": (
        (
            "Elke verandering hierboven is nagerekend: de gewijzigde situatie werd opnieuw beoordeeld met dezelfde "
            "regelset en datum. Alleen gegevens waarop de cliënt of het OCMW invloed heeft, veranderen (niet de "
            "leeftijd, de gezinssamenstelling of data uit het verleden)."
        ),
        (
            "Chaque changement ci-dessus a été vérifié : la situation modifiée a été réévaluée avec le même ensemble "
            "de règles et la même date. Seules changent les données sur lesquelles la personne ou le CPAS ont prise "
            "(pas l’âge, la composition du ménage ni les dates passées)."
        ),
        (
            "Every change above was checked: the changed case was evaluated again with the same rule set and date. "
            "Only facts the client or the OCMW can act on change (not age, household composition or past dates)."
        ),
    ),
    # -- missing facts -----------------------------------------------------------------------------
    "mf.intro": (
        "Voor elk ontbrekend gegeven werd elke mogelijke waarde ingevuld en de situatie opnieuw beoordeeld.",
        "Pour chaque donnée manquante, chaque valeur possible a été essayée et la situation réévaluée.",
        "For each missing fact, every possible value was filled in and the case evaluated again.",
    ),
    "mf.must_supply": (
        "{fact}: moet aangevuld worden; een lijst, een bedrag of vrije tekst wordt niet geraden.",
        "{fact} : doit être complété ; une liste, un montant ou un texte libre n’est jamais deviné.",
        "{fact}: must be supplied; a list, an amount or free text is never guessed.",
    ),
    "mf.changes_nothing": (
        "{fact}: verandert het voorstel niet ({rec_lower}, welke waarde het ook heeft).",
        "{fact} : ne change pas la proposition ({rec_lower}, quelle que soit sa valeur).",
        "{fact}: does not change the recommendation ({rec_lower}, whatever its value).",
    ),
    "mf.decides": (
        "{fact}: beslist het voorstel:",
        "{fact} : décide la proposition :",
        "{fact}: decides the recommendation:",
    ),
    "mf.partly": (
        "{fact}: beslist het voorstel niet alleen:",
        "{fact} : ne décide pas seul la proposition :",
        "{fact}: does not decide the recommendation alone:",
    ),
    "mf.scenario": ("{values} → {rec_lower}", "{values} → {rec_lower}", "{values} → {rec_lower}"),
    "mf.scenario_open": (
        "{values} → nog niet te bepalen (ook nodig: {facts})",
        "{values} → pas encore déterminable (il faut aussi : {facts})",
        "{values} → not yet determined (also needed: {facts})",
    ),
    # -- committee ---------------------------------------------------------------------------------
    "committee.title": (
        "Sociaal verslag (geanonimiseerd) — voorstel budgethulp",
        "Rapport social (anonymisé) — proposition d’aide budgétaire",
        "Social report (anonymised) — budget help proposal",
    ),
    "committee.for": (
        (
            "Voor het Bijzonder Comité voor de Sociale Dienst. Beoordeeld op {day} met de regelset {title}, versie "
            "{version}."
        ),
        (
            "Pour le Comité spécial du service social. Évalué le {day} avec l’ensemble de règles {title}, version "
            "{version}."
        ),
        (
            "For the Special Committee for Social Services. Assessed on {day} with the rule set {title}, version "
            "{version}."
        ),
    ),
    "committee.anonymous": (
        "Dit verslag bevat geen namen, geen adres of gemeente en geen schuldeisers: schulden staan per soort.",
        "Ce rapport ne contient ni noms, ni adresse ou commune, ni créanciers : les dettes sont indiquées par type.",
        "This report holds no names, no address or municipality and no creditors: debts are shown by kind.",
    ),
    "committee.decide": (
        "Het comité wordt gevraagd te beslissen over: {rec_lower}.",
        "Le comité est invité à décider : {rec_lower}.",
        "The committee is asked to decide on: {rec_lower}.",
    ),
    "committee.decide_undetermined": (
        "Er ligt nog geen voorstel voor: eerst moeten de ontbrekende gegevens aangevuld worden.",
        "Il n’y a pas encore de proposition : il faut d’abord compléter les données manquantes.",
        "There is no proposal yet: the missing facts must be completed first.",
    ),
    "committee.decide_none": (
        (
            "Voorstel: geen budgethulp nu. Het comité wordt gevraagd kennis te nemen van de redenen en de "
            "voorgestelde acties."
        ),
        (
            "Proposition : pas d’aide budgétaire maintenant. Le comité est invité à prendre connaissance des motifs "
            "et des actions proposées."
        ),
        "Proposal: no budget help now. The committee is asked to note the reasons and the proposed actions.",
    ),
    "h.proposal": ("Voorstel", "Proposition", "Proposal"),
    "h.grounds": ("Grondslag: regels en bronnen", "Fondement : règles et sources", "Grounds: rules and sources"),
    "h.worker_assessment": (
        "Beoordeling door de maatschappelijk werker",
        "Appréciation professionnelle du service social",
        "The social worker’s assessment",
    ),
    "h.client_view": ("Standpunt van de cliënt", "Point de vue de la personne", "The client’s view"),
    "committee.blank": (
        "(in te vullen vóór het comité)",
        "(à compléter avant le comité)",
        "(to be filled in before the committee)",
    ),
    "committee.ground": (
        "{title}: {message} (bron: {source})",
        "{title} : {message} (source : {source})",
        "{title}: {message} (source: {source})",
    ),
    "committee.form_source": ("{title}: {source}", "{title} : {source}", "{title}: {source}"),
    "committee.review": (
        "Volgende evaluatie: uiterlijk {day} (budgetbeheer wordt minstens om de {months} maanden geëvalueerd; "
        "bron: {source}).",
        "Prochaine évaluation : au plus tard le {day} (la gestion budgétaire est évaluée au moins tous les {months} "
        "mois ; source : {source}).",
        "Next review: by {day} at the latest (budget management is reviewed at least every {months} months; "
        "source: {source}).",
    ),
    "committee.unknown_facts": (
        "Nog onbekend (in de tabellen als ‘onbekend’): {facts}.",
        "Encore inconnu (« inconnu » dans les tableaux) : {facts}.",
        "Still unknown (shown as ‘unknown’ in the tables): {facts}.",
    ),
    "committee.phase_out": (
        "Budgetbeheer wordt periodiek geëvalueerd en afgebouwd zodra de cliënt het beheer zelf kan opnemen.",
        "La gestion budgétaire est évaluée régulièrement et réduite dès que la personne peut reprendre la gestion.",
        "Budget management is reviewed periodically and phased out as soon as the client can manage again.",
    ),
    # -- client letter (words used by the default template's context) ------------------------------
    "client.can_do": (
        "{form} kan wel als {clauses}.",
        "« {form} » est possible si {clauses}.",
        "{form} is possible if {clauses}.",
    ),
}


def text(key: str, lang: str, **fields: str) -> str:
    """An explanation text in ``lang`` with ``fields`` filled in."""
    value = _T[key][LANGS.index(lang)]
    value = value.format(**fields) if fields else value
    return french_typography(value) if lang == "fr" else value


def has(key: str) -> bool:
    return key in _T


def keys() -> list[str]:
    return list(_T)


def join_words(items: list[str], lang: str, word: str = "and") -> str:
    """``a, b en c`` (``a, b et c``, ``a, b and c``)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {text(word, lang)} " + items[-1]


def lower_first(s: str) -> str:
    """``Budgetbeheer`` → ``budgetbeheer`` (for use inside a sentence)."""
    return s[:1].lower() + s[1:] if s[:2] != s[:2].upper() else s


def upper_first(s: str) -> str:
    """``leeflooncategorie`` → ``Leeflooncategorie`` (at the start of a line)."""
    return s[:1].upper() + s[1:]


def colon(lang: str) -> str:
    """``: `` — with a no-break space before it in French (``source : …``)."""
    return "\u00a0: " if lang == "fr" else ": "


def quoted(s: str, lang: str) -> str:
    """``‘vrijwillig’`` (``« volontaire »`` in French)."""
    return f"«\u00a0{s}\u00a0»" if lang == "fr" else f"‘{s}’"
