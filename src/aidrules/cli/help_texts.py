"""Command-line help in Dutch and French (the English is the text in the code).

:func:`tr` looks an English help text up; a text without a translation (commands of other
modules added later) stays English rather than disappearing. The language is the one of
``--lang`` on the command line, else the environment's locale, else Dutch.
"""

from __future__ import annotations

import os
import sys

from aidrules.explain.i18n import french_typography

#: English help → (Dutch, French)
HELP: dict[str, tuple[str, str]] = {
    "aidrules: explained budget-help decisions for OCMWs / CPAS.": (
        "aidrules: onderbouwde voorstellen voor budgethulp in het OCMW.",
        "aidrules : des propositions d’aide budgétaire motivées pour le CPAS.",
    ),
    "Case file (YAML or JSON), or - for standard input.": (
        "Dossierbestand (YAML of JSON), of - voor standaardinvoer.",
        "Fichier du dossier (YAML ou JSON), ou - pour l’entrée standard.",
    ),
    "A case file to start from (default: an empty case).": (
        "Dossierbestand om mee te beginnen (standaard: een leeg dossier).",
        "Fichier du dossier de départ (par défaut : un dossier vide).",
    ),
    "Output format.": ("Uitvoerformaat.", "Format de sortie."),
    "Port on 127.0.0.1 (0: any free port).": (
        "Poort op 127.0.0.1 (0: een vrije poort).",
        "Port sur 127.0.0.1 (0 : un port libre).",
    ),
    "Where to write the completed case file (YAML).": (
        "Waar het aangevulde dossier (YAML) komt.",
        "Où écrire le dossier complété (YAML).",
    ),
    "Also run the static checks (docs/policy-toolkit.md).": (
        "Voer ook de statische controles uit (docs/policy-toolkit.md).",
        "Exécuter aussi les contrôles statiques (docs/policy-toolkit.md).",
    ),
    "Decision date YYYY-MM-DD (default: the case's `on`, else today).": (
        "Datum JJJJ-MM-DD (standaard: `on` van het dossier, anders vandaag).",
        "Date AAAA-MM-JJ (par défaut : `on` du dossier, sinon aujourd’hui).",
    ),
    "Directory with your own letter templates (client_letter.<lang>.md.j2).": (
        "Map met uw eigen briefsjablonen (client_letter.<lang>.md.j2).",
        "Dossier avec vos propres modèles de lettre (client_letter.<lang>.md.j2).",
    ),
    "Evaluation engine.": ("Rekenmotor.", "Moteur d’évaluation."),
    "Language of the texts and diagnostics (default: from the locale, else nl).": (
        "Taal van de teksten en meldingen (standaard: die van de omgeving, anders nl).",
        "Langue des textes et des messages (par défaut : celle de l’environnement, sinon nl).",
    ),
    "Letter: the OCMW's address.": ("Brief: het adres van het OCMW.", "Lettre : l’adresse du CPAS."),
    "Letter: the OCMW's name.": ("Brief: de naam van het OCMW.", "Lettre : le nom du CPAS."),
    "Letter: the client's name (used for this letter only).": (
        "Brief: de naam van de cliënt (enkel voor deze brief).",
        "Lettre : le nom de la personne (pour cette lettre seulement).",
    ),
    "Letter: the dossier reference.": ("Brief: het dossiernummer.", "Lettre : la référence du dossier."),
    "Letter: the social worker's name and contact.": (
        "Brief: naam en contactgegevens van de maatschappelijk werker.",
        "Lettre : nom et coordonnées du service social.",
    ),
    "Require every layer of the rule set to be signed with this Ed25519 key.": (
        "Eis dat elke laag van de regelset met deze Ed25519-sleutel ondertekend is.",
        "Exiger que chaque couche des règles soit signée avec cette clé Ed25519.",
    ),
    "Rule files to check.": ("Te controleren regelbestanden.", "Fichiers de règles à vérifier."),
    "Rule set: a path, ID or ID@VERSION (default: the shipped reference set).": (
        "Regelset: een pad, ID of ID@VERSIE (standaard: de meegeleverde referentieregelset).",
        "Règles : un chemin, ID ou ID@VERSION (par défaut : l’ensemble de référence fourni).",
    ),
    "facts, decision or ruleset.": ("facts, decision of ruleset.", "facts, decision ou ruleset."),
    "text or json.": ("text of json.", "text ou json."),
    "worker: the full reasoning; committee: an anonymised social report; client: a plain-language letter.": (
        "worker: de volledige redenering; committee: een geanonimiseerd sociaal verslag; client: een brief in "
        "eenvoudige taal.",
        "worker : le raisonnement complet ; committee : un rapport social anonymisé ; client : une lettre en "
        "langage simple.",
    ),
    # commands (first line of their docstring)
    "Evaluate a case and print the decision.": (
        "Beoordeel een dossier en toon het voorstel.",
        "Évaluer un dossier et afficher la proposition.",
    ),
    "Explain a decision: why and why not, what would change it, for a worker, the committee or the client.": (
        "Licht een voorstel toe: waarom (niet), wat het zou veranderen, voor de werker, het comité of de cliënt.",
        "Expliquer une proposition : pourquoi (pas), ce qui la changerait, pour le service, le comité ou la personne.",
    ),
    "Check rule files; report every problem with file:line:column, a code and a hint.": (
        "Controleer regelbestanden; meld elk probleem met bestand:regel:kolom, een code en een tip.",
        "Vérifier des fichiers de règles ; chaque problème avec fichier:ligne:colonne, un code et un conseil.",
    ),
    "Print a JSON Schema: of the case facts, the decision or the rule-file format.": (
        "Toon een JSON Schema: van de dossiergegevens, het voorstel of het regelbestand.",
        "Afficher un schéma JSON : des données du dossier, de la proposition ou du fichier de règles.",
    ),
    "The questions whose answer can still change the proposal, most decisive first.": (
        "De vragen waarvan het antwoord het voorstel nog kan veranderen, de meest beslissende eerst.",
        "Les questions dont la réponse peut encore changer la proposition, les plus décisives d’abord.",
    ),
    "Ask the next question until the proposal is settled, then write the completed case file.": (
        "Stel telkens de volgende vraag tot het voorstel vaststaat, en schrijf dan het aangevulde dossier.",
        "Poser la question suivante jusqu’à ce que la proposition soit fixée, puis écrire le dossier complété.",
    ),
    "Serve the intake page on 127.0.0.1: a form, the proposal and the next question first.": (
        "Toon de intakepagina op 127.0.0.1: een formulier, het voorstel en eerst de volgende vraag.",
        "Servir la page d’accueil sur 127.0.0.1 : un formulaire, la proposition et d’abord la question suivante.",
    ),
}

_LANGS = ("nl", "fr", "en")


def help_lang(argv: list[str] | None = None) -> str:
    """``--lang`` from the command line, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else nl."""
    args = sys.argv if argv is None else argv
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in _LANGS:
            return args[i + 1]
        if arg.startswith("--lang=") and arg[7:] in _LANGS:
            return arg[7:]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value[:2] in _LANGS:
            return value[:2]
        if value:
            break
    return "nl"


HELP_LANG = help_lang()


def tr(english: str, lang: str | None = None) -> str:
    """The help text in the help language (English when it has no translation)."""
    lang = lang or HELP_LANG
    found = HELP.get(english)
    if lang == "en" or found is None:
        return english
    return found[0] if lang == "nl" else french_typography(found[1])
