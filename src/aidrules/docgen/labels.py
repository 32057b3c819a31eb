"""The fixed words of the generated pages, in Dutch, French and English."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "overview": {"nl": "Overzicht", "fr": "Aperçu", "en": "Overview"},
    "rules": {
        "nl": "Uitgangspunten, vormen en acties",
        "fr": "Principes, formes et actions",
        "en": "Principles, forms and actions",
    },
    "calculations": {"nl": "Berekeningen", "fr": "Calculs", "en": "Calculations"},
    "parameters": {"nl": "Parameters en bedragen", "fr": "Paramètres et montants", "en": "Parameters and amounts"},
    "choices": {"nl": "Keuzes van de raad", "fr": "Choix du conseil", "en": "Choices of the council"},
    "version": {"nl": "Versie", "fr": "Version", "en": "Version"},
    "effective": {"nl": "In voege", "fr": "En vigueur", "en": "In force"},
    "from_until": {"nl": "van {start} tot {end}", "fr": "du {start} au {end}", "en": "from {start} to {end}"},
    "from_open": {"nl": "vanaf {start}", "fr": "à partir du {start}", "en": "from {start}"},
    "approval": {"nl": "Goedkeuring", "fr": "Approbation", "en": "Approval"},
    "approved": {
        "nl": "Goedgekeurd door {by} op {on} (referentie {ref}).",
        "fr": "Approuvé par {by} le {on} (référence {ref}).",
        "en": "Approved by {by} on {on} (reference {ref}).",
    },
    "not_approved": {
        "nl": "Deze versie is nog niet goedgekeurd.",
        "fr": "Cette version n'est pas encore approuvée.",
        "en": "This version has not been approved yet.",
    },
    "fingerprint": {"nl": "Vingerafdruk", "fr": "Empreinte", "en": "Fingerprint"},
    "layers": {"nl": "Lagen (basis eerst)", "fr": "Couches (base d'abord)", "en": "Layers (base first)"},
    "sources": {"nl": "Bronnen", "fr": "Sources", "en": "Sources"},
    "source": {"nl": "Bron", "fr": "Source", "en": "Source"},
    "changelog": {"nl": "Wijzigingen", "fr": "Modifications", "en": "Changes"},
    "order": {
        "nl": "Hoe de aanbeveling gekozen wordt",
        "fr": "Comment la recommandation est choisie",
        "en": "How the recommendation is chosen",
    },
    "order_first": {
        "nl": "De regels worden van boven naar onder gelezen; de eerste die geldt, bepaalt de aanbeveling.",
        "fr": "Les règles sont lues de haut en bas ; la première qui s'applique détermine la recommandation.",
        "en": "The rules are read top to bottom; the first one that holds decides the recommendation.",
    },
    "order_unique": {
        "nl": "Hoogstens één regel mag gelden (de regels sluiten elkaar uit); die bepaalt de aanbeveling.",
        "fr": "Au plus une règle peut s'appliquer (elles s'excluent) ; elle détermine la recommandation.",
        "en": "At most one rule may hold (the rules exclude each other); it decides the recommendation.",
    },
    "order_unknown": {
        "nl": (
            "Hangt een regel af van een feit dat niet gekend is voordat een regel geldt, dan is de aanbeveling "
            "*onbepaald* en noemt het besluit de ontbrekende feiten."
        ),
        "fr": (
            "Si une règle dépend d'un fait inconnu avant qu'une règle ne s'applique, la recommandation est "
            "*indéterminée* et la décision nomme les faits manquants."
        ),
        "en": (
            "When a rule depends on an unknown fact before any rule holds, the recommendation is *undetermined* "
            "and the decision lists the missing facts."
        ),
    },
    "start": {"nl": "Casus", "fr": "Dossier", "en": "Case"},
    "yes": {"nl": "ja", "fr": "oui", "en": "yes"},
    "no": {"nl": "nee", "fr": "non", "en": "no"},
    "possible": {"nl": "{form} mogelijk?", "fr": "{form} possible ?", "en": "{form} possible?"},
    "gap": {
        "nl": "Geen aanbeveling: leemte in de regels",
        "fr": "Pas de recommandation : lacune",
        "en": "No recommendation: a gap",
    },
    "rule_n": {"nl": "Regel {n}", "fr": "Règle {n}", "en": "Rule {n}"},
    "recommend": {"nl": "Aanbeveling", "fr": "Recommandation", "en": "Recommendation"},
    "otherwise": {"nl": "Anders", "fr": "Sinon", "en": "Otherwise"},
    "principles": {"nl": "Uitgangspunten", "fr": "Principes", "en": "Principles"},
    "forms": {"nl": "Vormen van budgethulp", "fr": "Formes d'aide budgétaire", "en": "Forms of budget help"},
    "actions": {"nl": "Voorgestelde acties", "fr": "Actions proposées", "en": "Proposed actions"},
    "requires": {"nl": "Vereist", "fr": "Exige", "en": "Requires"},
    "principles_needed": {
        "nl": "Uitgangspunten die moeten gelden",
        "fr": "Principes requis",
        "en": "Principles that must hold",
    },
    "intrusiveness": {"nl": "Ingrijpendheid", "fr": "Degré d'intervention", "en": "Intrusiveness"},
    "holds_when": {"nl": "Geldt als", "fr": "S'applique si", "en": "Holds when"},
    "if_true": {
        "nl": "Uitleg als de voorwaarde geldt",
        "fr": "Explication si la condition est remplie",
        "en": "Explanation when it holds",
    },
    "if_false": {"nl": "Uitleg als ze niet geldt", "fr": "Explication sinon", "en": "Explanation when it does not"},
    "formula": {"nl": "Formule", "fr": "Formule", "en": "Formula"},
    "proposed_when": {"nl": "Voorgesteld als", "fr": "Proposée si", "en": "Proposed when"},
    "computed": {"nl": "Berekende waarden", "fr": "Valeurs calculées", "en": "Computed values"},
    "derived_intro": {
        "nl": (
            "Elk bedrag wordt op de cent afgerond (half naar boven) zodra het berekend is; dat afgeronde bedrag "
            "wordt verder gebruikt."
        ),
        "fr": (
            "Chaque montant est arrondi au cent (au demi supérieur) dès qu'il est calculé ; ce montant arrondi "
            "est utilisé ensuite."
        ),
        "en": (
            "Every amount is rounded to the cent (half up) as soon as it is computed; that rounded amount is used"
            " further."
        ),
    },
    "group": {"nl": "Soort", "fr": "Type", "en": "Kind"},
    "group_federal": {"nl": "federaal (wet)", "fr": "fédéral (loi)", "en": "federal (law)"},
    "group_regional": {"nl": "regionaal", "fr": "régional", "en": "regional"},
    "group_policy": {"nl": "beleidskeuze", "fr": "choix politique", "en": "policy choice"},
    "unit": {"nl": "Eenheid", "fr": "Unité", "en": "Unit"},
    "in_force_from": {"nl": "In voege vanaf", "fr": "En vigueur à partir du", "en": "In force from"},
    "value": {"nl": "Waarde", "fr": "Valeur", "en": "Value"},
    "current": {"nl": "Huidige waarde", "fr": "Valeur actuelle", "en": "Current value"},
    "layer": {"nl": "Laag", "fr": "Couche", "en": "Layer"},
    "choices_intro": {
        "nl": (
            "Deze parameters legt de OCMW-raad vast; ze volgen niet uit de wet. Elke keuze staat hier met haar "
            "motivering."
        ),
        "fr": (
            "Ces paramètres sont fixés par le conseil du CPAS ; ils ne découlent pas de la loi. Chaque choix "
            "figure ici avec sa motivation."
        ),
        "en": (
            "The OCMW council sets these parameters; they do not follow from the law. Each choice is listed with "
            "its rationale."
        ),
    },
    "illustrative": {"nl": "Illustratief bedrag", "fr": "Montant illustratif", "en": "Illustrative amount"},
    "illustrative_text": {
        "nl": (
            "Dit is een voorbeeldwaarde: de raad moet een eigen bedrag vastleggen (bijvoorbeeld uit REMI-"
            "referentiebudgetten)."
        ),
        "fr": (
            "Valeur d'exemple : le conseil doit fixer son propre montant (par exemple à partir des budgets de "
            "référence REMI)."
        ),
        "en": (
            "This is an example value: the council must set its own amount (for example from REMI reference budgets)."
        ),
    },
    "rationale": {"nl": "Motivering", "fr": "Motivation", "en": "Rationale"},
    "no_choices": {
        "nl": "Deze regelset bevat geen beleidskeuzes.",
        "fr": "Cet ensemble ne contient aucun choix politique.",
        "en": "This rule set contains no policy choices.",
    },
    "generated": {
        "nl": (
            "Deze pagina is gemaakt met `aidrules docs` uit het regelbestand; pas het regelbestand aan, niet deze"
            " pagina."
        ),
        "fr": (
            "Page générée par `aidrules docs` à partir du fichier de règles ; modifiez le fichier de règles, pas "
            "cette page."
        ),
        "en": "This page was generated by `aidrules docs` from the rule file; change the rule file, not this page.",
    },
    "no_help": {"nl": "Geen budgethulp", "fr": "Pas d'aide budgétaire", "en": "No budget help"},
    "none": {"nl": "geen", "fr": "aucun", "en": "none"},
    "see": {"nl": "Zie ook", "fr": "Voir aussi", "en": "See also"},
    "formula_source": {
        "nl": "Formule in de regeltaal",
        "fr": "Formule dans le langage de règles",
        "en": "Formula in the rule language",
    },
    # What a text placeholder stands for: the value filled in for the case, by its type.
    "slot_money": {"nl": "bedrag", "fr": "montant", "en": "amount"},
    "slot_number": {"nl": "getal", "fr": "nombre", "en": "number"},
    "slot_date": {"nl": "datum", "fr": "date", "en": "date"},
    "slot_bool": {"nl": "ja of nee", "fr": "oui ou non", "en": "yes or no"},
    "slot_value": {"nl": "waarde", "fr": "valeur", "en": "value"},
}


def label(key: str, lang: str, **values: object) -> str:
    text = LABELS[key][lang]
    return text.format(**values) if values else text
