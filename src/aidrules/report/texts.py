"""Texts of the yearly report: Dutch first, French, English."""

from __future__ import annotations

from aidrules.explain.i18n import LANGS

_TEXTS: dict[str, tuple[str, str, str]] = {
    "title": (
        "Jaarverslag budgethulp {year}",
        "Rapport annuel de l’aide budgétaire {year}",
        "Budget help yearly report {year}",
    ),
    "intro": (
        "Verslag aan de raad over de toepassing van de visie op budgethulp: opgestarte, geweigerde en "
        "stopgezette dossiers en de redenen, uit het beslissingsregister ({entries} definitieve beslissingen "
        "en evaluaties in {year}).",
        "Rapport au conseil sur l’application de la vision de l’aide budgétaire : dossiers ouverts, refusés et "
        "arrêtés et leurs motifs, d’après le registre des décisions ({entries} décisions et évaluations "
        "définitives en {year}).",
        "Report to the council on how the budget-help policy was applied: files started, refused and stopped "
        "and the reasons, from the decision journal ({entries} final decisions and reviews in {year}).",
    ),
    "file_stem": ("jaarverslag", "rapport-annuel", "yearly-report"),
    "figures_stem": ("cijfers", "chiffres", "figures"),
    "entries_stem": ("beslissingen", "decisions", "decisions"),
    # sections
    "key_figures": ("Kerncijfers", "Chiffres clés", "Key figures"),
    "by_form": (
        "Opgestarte en stopgezette dossiers per vorm",
        "Dossiers ouverts et arrêtés par forme",
        "Files started and stopped by form",
    ),
    "principles": (
        "Redenen van weigering: niet voldane principes",
        "Motifs de refus : principes non respectés",
        "Reasons for refusal: principles not met",
    ),
    "conditions": (
        "Redenen van weigering: niet vervulde voorwaarden per vorm",
        "Motifs de refus : conditions non remplies par forme",
        "Reasons for refusal: conditions not met, by form",
    ),
    "conditions_note": (
        "Bij de collectieve schuldenregeling zijn dit de wettelijke toelatingsvoorwaarden (art. 1675/2 Ger.W.).",
        "Pour le règlement collectif de dettes, ce sont les conditions légales d’admission (art. 1675/2 C.jud.).",
        "For collective debt settlement these are the legal admission conditions (art. 1675/2 Judicial Code).",
    ),
    "stop_reasons": ("Redenen van stopzetting", "Motifs d’arrêt", "Stop reasons"),
    "reviews": ("Evaluaties van lopende dossiers", "Évaluations des dossiers en cours", "Reviews of running files"),
    "management_time": ("Duur in budgetbeheer", "Durée en gestion budgétaire", "Time in budget management"),
    "management_note": (
        "Volle maanden van de start van het budgetbeheer tot de stopzetting of de overgang naar begeleiding.",
        "Mois entiers du début de la gestion budgétaire jusqu’à l’arrêt ou au passage à la guidance.",
        "Full months from the start of budget management to the stop or the step down to guidance.",
    ),
    "per_month": ("Per maand", "Par mois", "By month"),
    "per_ruleset": (
        "Beslissingen per regelsetversie",
        "Décisions par version des règles",
        "Decisions per rule-set version",
    ),
    "about": ("Over dit verslag", "À propos de ce rapport", "About this report"),
    "about_text": (
        "Alleen definitieve beslissingen en evaluaties tellen, goedgekeurd door een ander personeelslid dan wie "
        "ze voorbereidde. Het register bewaart geen namen, rijksregisternummers of dossiernummers, alleen een "
        "gepseudonimiseerde sleutel; dit verslag toont alleen aantallen. Een dossier dat in het jaar twee keer "
        "beslist werd, telt in elke rij die het bereikt.",
        "Seules les décisions et évaluations définitives comptent, approuvées par un autre membre du personnel "
        "que celui qui les a préparées. Le registre ne conserve ni noms, ni numéros de registre national, ni "
        "numéros de dossier, seulement une clé pseudonymisée ; ce rapport ne montre que des nombres. Un dossier "
        "décidé deux fois dans l’année compte dans chaque ligne qu’il atteint.",
        "Only final decisions and reviews count, approved by another staff member than the one who prepared "
        "them. The journal keeps no names, national register numbers or dossier numbers, only a pseudonymous "
        "key; this report shows only counts. A file decided twice in the year counts in every row it reaches.",
    ),
    # columns and rows
    "figure": ("Cijfer", "Chiffre", "Figure"),
    "count": ("Aantal", "Nombre", "Count"),
    "form": ("Vorm", "Forme", "Form"),
    "condition": ("Voorwaarde", "Condition", "Condition"),
    "principle": ("Principe", "Principe", "Principle"),
    "reason": ("Reden", "Motif", "Reason"),
    "outcome": ("Uitkomst", "Résultat", "Outcome"),
    "month": ("Maand", "Mois", "Month"),
    "version": ("Regelset", "Ensemble de règles", "Rule set"),
    "started": ("Opgestart", "Ouverts", "Started"),
    "refused": ("Geweigerd", "Refusés", "Refused"),
    "stopped": ("Stopgezet", "Arrêtés", "Stopped"),
    "decisions": ("Beslissingen over aanvragen", "Décisions sur demandes", "Decisions on applications"),
    "review_count": ("Evaluaties", "Évaluations", "Reviews"),
    "files_started": ("Opgestarte dossiers", "Dossiers ouverts", "Files started"),
    "files_refused": (
        "Geweigerde aanvragen (geen budgethulp)",
        "Demandes refusées (pas d’aide)",
        "Applications refused (no budget help)",
    ),
    "files_stopped": ("Stopgezette dossiers", "Dossiers arrêtés", "Files stopped"),
    "phase_outs": (
        "Afbouw van budgetbeheer gestart",
        "Réductions de gestion commencées",
        "Phase-outs of management started",
    ),
    "step_downs": (
        "Overgang van beheer naar begeleiding",
        "Passages de la gestion à la guidance",
        "Step-downs from management to guidance",
    ),
    "reviews_late": ("Evaluaties die te laat gebeurden", "Évaluations faites en retard", "Reviews held late"),
    "overdue_year_end": (
        "Dossiers met een achterstallige evaluatie op 31 december",
        "Dossiers avec une évaluation en retard au 31 décembre",
        "Files with an overdue review on 31 December",
    ),
    "average_management": (
        "Gemiddelde duur in budgetbeheer (maanden)",
        "Durée moyenne en gestion budgétaire (mois)",
        "Average time in budget management (months)",
    ),
    "management_exits": (
        "Dossiers die het budgetbeheer verlieten",
        "Dossiers sortis de la gestion budgétaire",
        "Files that left budget management",
    ),
    "shortest": ("Kortste (maanden)", "Plus courte (mois)", "Shortest (months)"),
    "longest": ("Langste (maanden)", "Plus longue (mois)", "Longest (months)"),
    "drafts": (
        "Ontwerpen nog niet goedgekeurd (niet meegeteld)",
        "Projets pas encore approuvés (non comptés)",
        "Drafts not yet approved (not counted)",
    ),
    "none_value": ("–", "–", "–"),
    "no_data": ("Geen gegevens in dit jaar.", "Pas de données cette année.", "No data this year."),
    "outcome.continue": ("Verderzetten", "Poursuivre", "Continue"),
    "outcome.start_phase_out": ("Afbouw starten", "Commencer la réduction", "Start phase-out"),
    "outcome.step_down": ("Overgang naar lichtere vorm", "Passage à une forme plus légère", "Step down"),
    "outcome.stop": ("Stopzetten", "Arrêter", "Stop"),
    "chart_by_form": (
        "Opgestart en stopgezet per vorm in {year}",
        "Ouverts et arrêtés par forme en {year}",
        "Started and stopped by form in {year}",
    ),
    "chart_principles": (
        "Weigeringen: niet voldane principes",
        "Refus : principes non respectés",
        "Refusals: principles not met",
    ),
    "chart_stop_reasons": ("Stopzettingen per reden", "Arrêts par motif", "Stops by reason"),
    "chart_reviews": ("Uitkomst van de evaluaties", "Résultat des évaluations", "Review outcomes"),
    "chart_per_month": (
        "Opgestart, geweigerd en stopgezet per maand",
        "Ouverts, refusés et arrêtés par mois",
        "Started, refused and stopped by month",
    ),
    "chart_per_ruleset": (
        "Beslissingen en evaluaties per regelset",
        "Décisions et évaluations par version",
        "Decisions and reviews per rule set",
    ),
    "chart_label": ("Grafiek", "Graphique", "Chart"),
}


def text(key: str, lang: str, **fields: object) -> str:
    """A report text in ``lang`` with ``fields`` filled in."""
    value = _TEXTS[key][LANGS.index(lang)]
    return value.format(**fields) if fields else value
