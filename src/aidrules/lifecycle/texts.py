"""Interface texts of reviews, the journal and the yearly report: Dutch first, French, English."""

from __future__ import annotations

from aidrules.explain.i18n import LANGS

_TEXTS: dict[str, tuple[str, str, str]] = {
    "review_undetermined": (
        "Er is nog geen uitkomst van de evaluatie mogelijk: eerst ontbrekende gegevens aanvullen ({facts}).",
        "Aucun résultat d’évaluation n’est encore possible : compléter d’abord les données manquantes ({facts}).",
        "No review outcome is possible yet: first complete the missing facts ({facts}).",
    ),
    "review": ("Evaluatie", "Évaluation", "Review"),
    "review_outcome": ("Uitkomst", "Résultat", "Outcome"),
    "stop_reason": ("Reden van stopzetting", "Motif d’arrêt", "Stop reason"),
    "new_form": ("Vorm na de evaluatie", "Forme après l’évaluation", "Form after the review"),
    "overdue": ("Evaluatie te laat", "Évaluation en retard", "Review overdue"),
    "review_due_on": ("Evaluatie verwacht ten laatste op", "Évaluation attendue au plus tard le", "Review due by"),
    "due_by": ("verwacht ten laatste op", "attendue au plus tard le", "due by"),
    "next_review_on": ("Volgende evaluatie ten laatste op", "Prochaine évaluation au plus tard le", "Next review by"),
    "review_date": ("Datum van de evaluatie", "Date de l’évaluation", "Review date"),
    "reasons": ("Redenen", "Motifs", "Reasons"),
    "missing_facts": ("Ontbrekende gegevens", "Données manquantes", "Missing facts"),
    "key_values": ("Kerncijfers", "Chiffres clés", "Key figures"),
    "ruleset": ("Regelset", "Ensemble de règles", "Rule set"),
    "source": ("bron", "source", "source"),
    "yes": ("ja", "oui", "yes"),
    "no": ("nee", "non", "no"),
    "unknown": ("onbekend", "inconnu", "unknown"),
    "none": ("geen", "aucune", "none"),
    "outcome.continue": ("verderzetten", "poursuivre", "continue"),
    "outcome.start_phase_out": ("afbouw starten", "commencer la réduction", "start the phase-out"),
    "outcome.step_down": ("overgaan naar een lichtere vorm", "passer à une forme plus légère", "step down"),
    "outcome.stop": ("stopzetten", "arrêter", "stop"),
    "outcome.undetermined": ("nog niet te bepalen", "pas encore déterminable", "not yet determined"),
}


def text(key: str, lang: str, **fields: str) -> str:
    """An interface text in ``lang`` with ``fields`` filled in."""
    value = _TEXTS[key][LANGS.index(lang)]
    return value.format(**fields) if fields else value
