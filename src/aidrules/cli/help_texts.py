"""Command-line help and messages in Dutch and French (the English is the text in the code).

:func:`tr` looks an English help text up; a text without a translation (a command added later)
stays English rather than disappearing, and ``tests/cli/test_cli_help_languages.py`` fails until
it has one. :func:`say` does the same for what the command modules print themselves (their own
errors, confirmations and summaries; diagnostics of the library translate themselves). The
language is the one of ``--lang`` on the command line, else the environment's locale, else Dutch.
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
    "Print a standard JSON Schema (Draft 2020-12): of the case facts, the decision or the rule-file format.": (
        "Toon een standaard JSON Schema (Draft 2020-12): van de dossiergegevens, het voorstel of het regelbestand.",
        "Afficher un schéma JSON standard (Draft 2020-12) : des données du dossier, de la proposition ou du "
        "fichier de règles.",
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
    "Language of the checks against other versions (RS507–RS509).": (
        "Taal van de controles tegenover andere versies (RS507–RS509).",
        "Langue des contrôles par rapport aux autres versions (RS507–RS509).",
    ),
    # batch
    "Decide many cases: one decision (or the reasons it is invalid) per input line, in order.": (
        "Beoordeel veel dossiers: één voorstel (of waarom de regel ongeldig is) per invoerregel, in volgorde.",
        "Évaluer de nombreux dossiers : une proposition (ou les raisons de son invalidité) par ligne, dans l’ordre.",
    ),
    "JSON Lines file of cases (one JSON object per line), or - for stdin.": (
        "JSON Lines-bestand met dossiers (één JSON-object per regel), of - voor standaardinvoer.",
        "Fichier JSON Lines de dossiers (un objet JSON par ligne), ou - pour l’entrée standard.",
    ),
    "Where to write the decisions (JSON Lines), or - for stdout.": (
        "Waar de voorstellen (JSON Lines) komen, of - voor standaarduitvoer.",
        "Où écrire les propositions (JSON Lines), ou - pour la sortie standard.",
    ),
    "Worker processes (default: one per core).": (
        "Aantal werkprocessen (standaard: één per processorkern).",
        "Processus de travail (par défaut : un par cœur).",
    ),
    "Decision date YYYY-MM-DD for every case (default: each case's `on`).": (
        "Datum JJJJ-MM-DD voor elk dossier (standaard: `on` van elk dossier).",
        "Date AAAA-MM-JJ pour chaque dossier (par défaut : le `on` de chaque dossier).",
    ),
    "Show a progress bar on stderr (when it is a terminal).": (
        "Toon een voortgangsbalk op stderr (als dat een terminal is).",
        "Afficher une barre de progression sur stderr (si c’est un terminal).",
    ),
    # impact
    "Decide every case under both versions on the day the change takes effect and report what changes: how "
    "many, from → to, per household category, income and debt, why, with examples.": (
        "Beoordeel elk dossier met beide versies op de dag dat de wijziging ingaat en meld wat verandert: hoeveel, "
        "van → naar, per gezinstype, inkomen en schuld, waarom, met voorbeelden.",
        "Évaluer chaque dossier selon les deux versions le jour où le changement entre en vigueur et indiquer ce "
        "qui change : combien, de → vers, par type de ménage, revenu et dette, pourquoi, avec des exemples.",
    ),
    "The version in force: a path, ID@VERSION or ID.": (
        "De geldende versie: een pad, ID@VERSIE of ID.",
        "La version en vigueur : un chemin, ID@VERSION ou ID.",
    ),
    "The changed version: a path, ID@VERSION or ID.": (
        "De gewijzigde versie: een pad, ID@VERSIE of ID.",
        "La version modifiée : un chemin, ID@VERSION ou ID.",
    ),
    "JSON Lines file of cases (default: a synthetic population).": (
        "JSON Lines-bestand met dossiers (standaard: een synthetische populatie).",
        "Fichier JSON Lines de dossiers (par défaut : une population synthétique).",
    ),
    "Decision date for both versions; give it twice for OLD's and NEW's dates (default: the day the change "
    "takes effect).": (
        "Datum voor beide versies; geef ze twee keer voor de datum van OLD en die van NEW (standaard: de dag dat de "
        "wijziging ingaat).",
        "Date pour les deux versions ; la donner deux fois pour la date d’OLD puis celle de NEW (par défaut : le "
        "jour où le changement entre en vigueur).",
    ),
    "Cases in the synthetic population.": (
        "Aantal dossiers in de synthetische populatie.",
        "Nombre de dossiers de la population synthétique.",
    ),
    "Seed of the synthetic population.": (
        "Startwaarde (seed) van de synthetische populatie.",
        "Graine de la population synthétique.",
    ),
    "markdown or html.": ("markdown of html.", "markdown ou html."),
    "Write the report here (default: standard output).": (
        "Schrijf het verslag hierheen (standaard: standaarduitvoer).",
        "Écrire le rapport ici (par défaut : la sortie standard).",
    ),
    "Look rule sets up here first.": ("Zoek regelsets eerst hier.", "Chercher d’abord les règles ici."),
    # lifecycle: review, journal, report
    "Review a running dossier: continue, start phase-out, step down or stop (with the reason).": (
        "Herzie een lopend dossier: voortzetten, afbouw starten, een stap terug of stoppen (met de reden).",
        "Réexaminer un dossier en cours : poursuivre, entamer la sortie progressive, alléger ou arrêter (avec "
        "la raison).",
    ),
    "Create a secret journal key. Keep it apart from the journal, like a password.": (
        "Maak een geheime journaalsleutel. Bewaar ze apart van het journaal, zoals een wachtwoord.",
        "Créer une clé secrète du journal. La garder à l’écart du journal, comme un mot de passe.",
    ),
    "Decide a case and record the decision (final with an approver, else a draft).": (
        "Beoordeel een dossier en leg het voorstel vast (definitief met een goedkeurder, anders als ontwerp).",
        "Évaluer un dossier et enregistrer la décision (définitive avec une approbation, sinon un projet).",
    ),
    "Review a running dossier and record the review (final with an approver, else a draft).": (
        "Herzie een lopend dossier en leg de herziening vast (definitief met een goedkeurder, anders als ontwerp).",
        "Réexaminer un dossier en cours et enregistrer le réexamen (définitif avec une approbation, sinon un projet).",
    ),
    "Approve a draft: a new final entry by someone other than its preparer.": (
        "Keur een ontwerp goed: een nieuwe definitieve registratie door iemand anders dan wie het voorbereidde.",
        "Approuver un projet : une nouvelle entrée définitive par une autre personne que celle qui l’a préparé.",
    ),
    "List journal entries (pseudonymous keys, outcomes, rule-set versions).": (
        "Toon de registraties in het journaal (pseudonieme sleutels, uitkomsten, versies van de regelset).",
        "Lister les entrées du journal (clés pseudonymes, résultats, versions des règles).",
    ),
    "Check the database and the hash chain: is every entry as it was written?": (
        "Controleer de databank en de hashketen: is elke registratie nog zoals ze geschreven werd?",
        "Vérifier la base de données et la chaîne de hachage : chaque entrée est-elle telle qu’elle a été écrite ?",
    ),
    "The yearly report to the council: files started, refused and stopped, and the reasons.": (
        "Het jaarverslag voor de raad: gestarte, geweigerde en stopgezette dossiers, en de redenen.",
        "Le rapport annuel au conseil : dossiers ouverts, refusés et arrêtés, et leurs raisons.",
    ),
    "The decision journal: record decisions and reviews, list and verify entries.": (
        "Het beslissingsjournaal: beslissingen en herzieningen vastleggen, registraties tonen en controleren.",
        "Le journal des décisions : enregistrer décisions et réexamens, lister et vérifier les entrées.",
    ),
    "The journal: a SQLite file, sqlite:///PATH or postgresql://USER@HOST/DB?schema=NAME (password in "
    "~/.pgpass rather than the URL; never printed).": (
        "Het journaal: een SQLite-bestand, sqlite:///PAD of postgresql://GEBRUIKER@HOST/DB?schema=NAAM "
        "(wachtwoord liever in ~/.pgpass dan in de URL; wordt nooit getoond).",
        "Le journal : un fichier SQLite, sqlite:///CHEMIN ou postgresql://UTILISATEUR@HÔTE/BD?schema=NOM (mot de "
        "passe dans ~/.pgpass plutôt que dans l’URL ; jamais affiché).",
    ),
    "The OCMW's journal key (default: $AIDRULES_JOURNAL_KEY_FILE).": (
        "De journaalsleutel van het OCMW (standaard: $AIDRULES_JOURNAL_KEY_FILE).",
        "La clé du journal du CPAS (par défaut : $AIDRULES_JOURNAL_KEY_FILE).",
    ),
    "The OCMW's dossier number; only its keyed hash is stored.": (
        "Het dossiernummer van het OCMW; enkel de versleutelde hash ervan wordt bewaard.",
        "Le numéro de dossier du CPAS ; seul son hachage à clé est conservé.",
    ),
    "Staff id of who prepared the decision.": (
        "Personeelsnummer van wie de beslissing voorbereidde.",
        "Identifiant de la personne qui a préparé la décision.",
    ),
    "Staff id of the approver (another person); without it, a draft is kept.": (
        "Personeelsnummer van wie goedkeurt (een andere persoon); zonder dit blijft het een ontwerp.",
        "Identifiant de la personne qui approuve (une autre personne) ; sans lui, un projet est conservé.",
    ),
    "Review facts of a running dossier (YAML or JSON), or -.": (
        "Herzieningsgegevens van een lopend dossier (YAML of JSON), of -.",
        "Données de réexamen d’un dossier en cours (YAML ou JSON), ou -.",
    ),
    "Every reason with its values and source.": (
        "Elke reden met haar waarden en bron.",
        "Chaque raison avec ses valeurs et sa source.",
    ),
    "The key file to create (readable by its owner only).": (
        "Het sleutelbestand dat gemaakt wordt (enkel leesbaar voor de eigenaar).",
        "Le fichier de clé à créer (lisible par son seul propriétaire).",
    ),
    "Case file (YAML or JSON), or -.": (
        "Dossierbestand (YAML of JSON), of -.",
        "Fichier du dossier (YAML ou JSON), ou -.",
    ),
    "Review facts (YAML or JSON), or -.": (
        "Herzieningsgegevens (YAML of JSON), of -.",
        "Données de réexamen (YAML ou JSON), ou -.",
    ),
    "The id of the draft to approve.": (
        "Het nummer van het goed te keuren ontwerp.",
        "Le numéro du projet à approuver.",
    ),
    "Staff id of the approver.": ("Personeelsnummer van wie goedkeurt.", "Identifiant de la personne qui approuve."),
    "Only entries decided in this year.": (
        "Enkel registraties van beslissingen in dit jaar.",
        "Seulement les entrées décidées cette année-là.",
    ),
    "Only this dossier (needs the key).": (
        "Enkel dit dossier (vraagt de sleutel).",
        "Seulement ce dossier (demande la clé).",
    ),
    "The calendar year to report on.": ("Het kalenderjaar van het verslag.", "L’année civile du rapport."),
    "markdown, html or csv.": ("markdown, html of csv.", "markdown, html ou csv."),
    "Directory for the report files (default: standard output).": (
        "Map voor de verslagbestanden (standaard: standaarduitvoer).",
        "Dossier des fichiers du rapport (par défaut : la sortie standard).",
    ),
    # registry
    "List the rule sets available, their versions, effective periods and where each comes from.": (
        "Toon de beschikbare regelsets, hun versies, geldigheidsperiodes en waar elk vandaan komt.",
        "Lister les ensembles de règles disponibles, leurs versions, périodes de validité et leur provenance.",
    ),
    "Search order: --rules-dir, the working directory's rules/, AIDRULES_PATH, installed packages; the same "
    "id@version from two sources with different content is an error (RS505).": (
        "Zoekvolgorde: --rules-dir, rules/ in de werkmap, AIDRULES_PATH, geïnstalleerde pakketten; dezelfde "
        "id@versie uit twee bronnen met verschillende inhoud is een fout (RS505).",
        "Ordre de recherche : --rules-dir, le rules/ du répertoire de travail, AIDRULES_PATH, les paquets installés ; "
        "le même id@version venant de deux sources au contenu différent est une erreur (RS505).",
    ),
    "Create an Ed25519 key pair for signing rule sets.": (
        "Maak een Ed25519-sleutelpaar om regelsets te ondertekenen.",
        "Créer une paire de clés Ed25519 pour signer des règles.",
    ),
    "Sign rule files: writes FILE.sig beside each (file name, sha256, id@version, release, expiry).": (
        "Onderteken regelbestanden: schrijft BESTAND.sig naast elk bestand (bestandsnaam, sha256, id@versie, "
        "release, vervaldatum).",
        "Signer des fichiers de règles : écrit FICHIER.sig à côté de chacun (nom du fichier, sha256, id@version, "
        "publication, expiration).",
    ),
    "Check the signatures of a rule set and of every layer it extends (exit 2 if any fails).": (
        "Controleer de handtekeningen van een regelset en van elke laag die ze uitbreidt (exit 2 als er één faalt).",
        "Vérifier les signatures d’un ensemble de règles et de chaque couche qu’il étend (code 2 si l’une échoue).",
    ),
    "What changed between two versions, and which cases get another outcome.": (
        "Wat er veranderde tussen twee versies, en welke dossiers een andere uitkomst krijgen.",
        "Ce qui a changé entre deux versions, et quels dossiers obtiennent un autre résultat.",
    ),
    "Fixture cases dated before the change takes effect are decided on its first day; the report ends with "
    "who gains and who loses (the impact study of `aidrules impact` on the fixtures).": (
        "Testdossiers van vóór de wijziging worden beoordeeld op haar eerste dag; het verslag eindigt met wie "
        "erop vooruitgaat en wie erop achteruitgaat (de impactstudie van `aidrules impact` op de testdossiers).",
        "Les dossiers de test datés d’avant le changement sont évalués à son premier jour ; le rapport se termine "
        "par qui y gagne et qui y perd (l’étude d’impact de `aidrules impact` sur les dossiers de test).",
    ),
    "Re-evaluate a stored decision's case under other rules and show what changed.": (
        "Beoordeel het dossier van een bewaarde beslissing opnieuw met andere regels en toon wat veranderde.",
        "Réévaluer le dossier d’une décision conservée avec d’autres règles et montrer ce qui a changé.",
    ),
    "Also search this directory.": ("Zoek ook in deze map.", "Chercher aussi dans ce répertoire."),
    "Directory for NAME.key (private) and NAME.pub.": (
        "Map voor NAAM.key (privé) en NAAM.pub.",
        "Répertoire pour NOM.key (privée) et NOM.pub.",
    ),
    "File name of the key pair.": ("Bestandsnaam van het sleutelpaar.", "Nom de fichier de la paire de clés."),
    "Rule files to sign (each layer is signed on its own).": (
        "Te ondertekenen regelbestanden (elke laag wordt apart ondertekend).",
        "Fichiers de règles à signer (chaque couche est signée séparément).",
    ),
    "Ed25519 private key (PEM).": ("Private Ed25519-sleutel (PEM).", "Clé privée Ed25519 (PEM)."),
    "A rule file; every layer it extends is verified too.": (
        "Een regelbestand; elke laag die het uitbreidt wordt ook gecontroleerd.",
        "Un fichier de règles ; chaque couche qu’il étend est vérifiée aussi.",
    ),
    "Ed25519 public key (PEM).": ("Publieke Ed25519-sleutel (PEM).", "Clé publique Ed25519 (PEM)."),
    "Release number of the rule set, one higher with each release; sign every file still in use.": (
        "Releasenummer van de regelset, één hoger bij elke release; onderteken elk bestand dat nog gebruikt wordt.",
        "Numéro de publication de l’ensemble de règles, un de plus à chaque publication ; signez chaque fichier "
        "encore utilisé.",
    ),
    "Date YYYY-MM-DD after which the signatures are refused.": (
        "Datum JJJJ-MM-DD waarna de handtekeningen geweigerd worden.",
        "Date AAAA-MM-JJ après laquelle les signatures sont refusées.",
    ),
    "With --public-key: refuse a signed release older than one accepted before (a SQLite file; "
    "default: $AIDRULES_RELEASE_STATE).": (
        "Met --public-key: weiger een ondertekende release die ouder is dan een eerder aanvaarde (een "
        "SQLite-bestand; standaard: $AIDRULES_RELEASE_STATE).",
        "Avec --public-key : refuser une publication signée plus ancienne qu’une publication déjà acceptée (un "
        "fichier SQLite ; par défaut : $AIDRULES_RELEASE_STATE).",
    ),
    "The old rule set: a path, ID@VERSION.": (
        "De oude regelset: een pad, ID@VERSIE.",
        "L’ancien ensemble de règles : un chemin, ID@VERSION.",
    ),
    "The new rule set: a path, ID@VERSION.": (
        "De nieuwe regelset: een pad, ID@VERSIE.",
        "Le nouvel ensemble de règles : un chemin, ID@VERSION.",
    ),
    "markdown or json.": ("markdown of json.", "markdown ou json."),
    "Fixture directory (default fixtures/reference).": (
        "Map met testdossiers (standaard fixtures/reference).",
        "Répertoire des dossiers de test (par défaut fixtures/reference).",
    ),
    "Language of the Markdown report.": ("Taal van het Markdown-verslag.", "Langue du rapport Markdown."),
    "A stored decision (its JSON).": ("Een bewaarde beslissing (haar JSON).", "Une décision conservée (son JSON)."),
    "The case it was made for.": ("Het dossier waarvoor ze genomen werd.", "Le dossier pour lequel elle a été prise."),
    "The other rule set: path, ID or ID@VERSION.": (
        "De andere regelset: pad, ID of ID@VERSIE.",
        "L’autre ensemble de règles : chemin, ID ou ID@VERSION.",
    ),
    # serve, token
    "Create a token: printed once on stdout; the token file keeps only its SHA-256.": (
        "Maak een token: één keer getoond op stdout; het tokenbestand bewaart enkel de SHA-256 ervan.",
        "Créer un jeton : affiché une seule fois sur stdout ; le fichier de jetons n’en garde que le SHA-256.",
    ),
    "Run the decision service (HTTP API under /v1; see docs/service.md).": (
        "Start de beslissingsdienst (HTTP-API onder /v1; zie docs/service.md).",
        "Lancer le service de décision (API HTTP sous /v1 ; voir docs/service.md).",
    ),
    "Bearer tokens for the decision service (aidrules serve).": (
        "Bearer-tokens voor de beslissingsdienst (aidrules serve).",
        "Jetons d’accès (bearer) pour le service de décision (aidrules serve).",
    ),
    "The token file (only hashes are stored in it).": (
        "Het tokenbestand (er worden enkel hashes in bewaard).",
        "Le fichier de jetons (seuls des hachages y sont conservés).",
    ),
    "The staff id the token stands for (e.g. mw-017).": (
        "Het personeelsnummer waarvoor het token staat (bv. mw-017).",
        "L’identifiant de la personne que le jeton représente (p. ex. mw-017).",
    ),
    "Address to listen on.": ("Adres waarop geluisterd wordt.", "Adresse d’écoute."),
    "Port to listen on.": ("Poort waarop geluisterd wordt.", "Port d’écoute."),
    "Rule sets to serve: a path, ID or ID@VERSION (repeatable; default: all found).": (
        "Aan te bieden regelsets: een pad, ID of ID@VERSIE (herhaalbaar; standaard: alle gevonden).",
        "Règles à servir : un chemin, ID ou ID@VERSION (répétable ; par défaut : toutes celles trouvées).",
    ),
    "Refuse to start unless every layer is signed with this key.": (
        "Weiger te starten tenzij elke laag met deze sleutel ondertekend is.",
        "Refuser de démarrer sauf si chaque couche est signée avec cette clé.",
    ),
    "The decision journal: a SQLite file or a store URL.": (
        "Het beslissingsjournaal: een SQLite-bestand of een URL van de opslag.",
        "Le journal des décisions : un fichier SQLite ou l’URL d’un stockage.",
    ),
    "The journal key (without it the journal is read-only).": (
        "De journaalsleutel (zonder sleutel kan het journaal enkel gelezen worden).",
        "La clé du journal (sans elle, le journal est en lecture seule).",
    ),
    "Token file (aidrules token create); needed off loopback.": (
        "Tokenbestand (aidrules token create); nodig buiten loopback.",
        "Fichier de jetons (aidrules token create) ; nécessaire hors de l’adresse locale (loopback).",
    ),
    "text or json (JSON lines).": ("text of json (JSON-regels).", "text ou json (lignes JSON)."),
    "Processes answering requests (one per core at most).": (
        "Processen die verzoeken beantwoorden (hoogstens één per processorkern).",
        "Processus qui répondent aux requêtes (un par cœur au plus).",
    ),
    "Print the OpenAPI document (as GET /openapi.json) and exit.": (
        "Toon het OpenAPI-document (zoals GET /openapi.json) en stop.",
        "Afficher le document OpenAPI (comme GET /openapi.json) et quitter.",
    ),
    "One of: {roles}.": ("Een van: {roles}.", "L’un de : {roles}."),
    # toolkit: test, generate-cases, docs
    "Run fixture cases; explain every difference in domain terms.": (
        "Voer de testdossiers uit; verklaar elk verschil in vaktermen.",
        "Exécuter les dossiers de test ; expliquer chaque différence en termes du métier.",
    ),
    "A rule set named by id is looked up in --rules-dir, then in the rules/ beside the fixtures, then in the "
    "working directory's rules/, AIDRULES_PATH and installed packages.": (
        "Een regelset die met zijn id genoemd wordt, wordt gezocht in --rules-dir, dan in rules/ naast de "
        "testdossiers, dan in rules/ in de werkmap, AIDRULES_PATH en geïnstalleerde pakketten.",
        "Un ensemble de règles désigné par son id est cherché dans --rules-dir, puis dans le rules/ à côté des "
        "dossiers de test, puis dans le rules/ du répertoire de travail, AIDRULES_PATH et les paquets installés.",
    ),
    "Propose cases just either side of every threshold, for a policy maker to check and label.": (
        "Stel dossiers voor net aan weerszijden van elke drempel, om door een beleidsmaker te laten nakijken en "
        "labelen.",
        "Proposer des dossiers juste de part et d’autre de chaque seuil, à vérifier et étiqueter par un "
        "responsable politique.",
    ),
    "Write Markdown pages for policy makers: principles, rules, parameters, choices, flowchart.": (
        "Schrijf Markdown-pagina’s voor beleidsmakers: uitgangspunten, regels, parameters, keuzes, stroomschema.",
        "Écrire des pages Markdown pour les responsables politiques : principes, règles, paramètres, choix, "
        "logigramme.",
    ),
    "Fixture files or directories (default: fixtures/).": (
        "Testdossierbestanden of -mappen (standaard: fixtures/).",
        "Fichiers ou répertoires de dossiers de test (par défaut : fixtures/).",
    ),
    "Report rule coverage (conditions true/false/unknown).": (
        "Meld de dekking van de regels (voorwaarden waar/onwaar/onbekend).",
        "Indiquer la couverture des règles (conditions vraies/fausses/inconnues).",
    ),
    "Exit 1 when true/false coverage is below this percentage.": (
        "Exit 1 als de waar/onwaar-dekking onder dit percentage blijft.",
        "Code 1 si la couverture vrai/faux reste sous ce pourcentage.",
    ),
    "Coverage report format.": ("Formaat van het dekkingsverslag.", "Format du rapport de couverture."),
    "Write the coverage report to this file instead.": (
        "Schrijf het dekkingsverslag in plaats daarvan naar dit bestand.",
        "Écrire plutôt le rapport de couverture dans ce fichier.",
    ),
    "Look rule sets up here first (before the rules/ beside the fixtures).": (
        "Zoek regelsets eerst hier (vóór rules/ naast de testdossiers).",
        "Chercher d’abord les règles ici (avant le rules/ à côté des dossiers de test).",
    ),
    "Rule set: a path, ID or ID@VERSION.": (
        "Regelset: een pad, ID of ID@VERSIE.",
        "Règles : un chemin, ID ou ID@VERSION.",
    ),
    "Directory for the proposed cases.": ("Map voor de voorgestelde dossiers.", "Répertoire des dossiers proposés."),
    "Rule sets: paths, IDs or ID@VERSION.": (
        "Regelsets: paden, ID’s of ID@VERSIE.",
        "Règles : chemins, ID ou ID@VERSION.",
    ),
    "Directory for the Markdown pages.": ("Map voor de Markdown-pagina’s.", "Répertoire des pages Markdown."),
    "Language of the pages.": ("Taal van de pagina’s.", "Langue des pages."),
    # intake: the rest of the interview docstring
    "Answers are checked (``ja``/``nee``, a choice by number or name, ``1.180,50``, ``15/03/2024``, ``nooit``, "
    "``geen``); an empty answer or ``?`` leaves the fact unknown.": (
        "Antwoorden worden gecontroleerd (``ja``/``nee``, een keuze via nummer of naam, ``1.180,50``, "
        "``15/03/2024``, ``nooit``, ``geen``); een leeg antwoord of ``?`` laat het gegeven onbekend.",
        "Les réponses sont vérifiées (``oui``/``non``, un choix par numéro ou par nom, ``1.180,50``, "
        "``15/03/2024``, ``jamais``, ``aucun``) ; une réponse vide ou ``?`` laisse la donnée inconnue.",
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


def help_paragraphs(doc: str, lang: str | None = None) -> str | None:
    """A command's docstring in the help language, paragraph by paragraph (None: untranslated).

    Each paragraph is looked up with its lines joined by single spaces; a docstring is translated
    only when every paragraph is, so that help is never half Dutch, half English.
    """
    paragraphs = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]
    if not paragraphs or any(p not in HELP for p in paragraphs):
        return None
    return "\n\n".join(tr(p, lang) for p in paragraphs)


#: English message (a ``str.format`` template) → (Dutch, French): what the command modules print.
MESSAGES: dict[str, tuple[str, str]] = {
    "cannot read {what} file {path}: {reason}": (
        "kan het bestand {path} niet lezen: {reason}",
        "impossible de lire le fichier {path} : {reason}",
    ),
    "{option}: `{on}` is not a date in the form YYYY-MM-DD": (
        "{option}: `{on}` is geen datum in de vorm JJJJ-MM-DD",
        "{option} : `{on}` n’est pas une date de la forme AAAA-MM-JJ",
    ),
    "--on: give one date (both versions) or two (OLD's, then NEW's)": (
        "--on: geef één datum (voor beide versies) of twee (die van OLD, dan die van NEW)",
        "--on : donnez une date (pour les deux versions) ou deux (celle d’OLD, puis celle de NEW)",
    ),
    "cannot open {path}: {reason}": ("kan {path} niet openen: {reason}", "impossible d’ouvrir {path} : {reason}"),
    "cannot write {path}: {reason}": ("kan {path} niet schrijven: {reason}", "impossible d’écrire {path} : {reason}"),
    "cannot write the report to {path}: {reason}": (
        "kan het verslag niet naar {path} schrijven: {reason}",
        "impossible d’écrire le rapport dans {path} : {reason}",
    ),
    "cannot read {path}: {reason}": ("kan {path} niet lezen: {reason}", "impossible de lire {path} : {reason}"),
    "line {line}: {message}": ("regel {line}: {message}", "ligne {line} : {message}"),
    "deciding": ("beoordelen", "évaluation"),
    "no such cases file: {path}": ("dossierbestand bestaat niet: {path}", "fichier de dossiers introuvable : {path}"),
    "{changed} of {cases} case(s) change; written to {path}": (
        "{changed} van {cases} dossier(s) veranderen; geschreven naar {path}",
        "{changed} dossier(s) sur {cases} changent ; écrit dans {path}",
    ),
    "{path} exists; a key is never overwritten": (
        "{path} bestaat al; een sleutel wordt nooit overschreven",
        "{path} existe déjà ; une clé n’est jamais écrasée",
    ),
    "{journal}: {count} entries, database and hash chain intact": (
        "{journal}: {count} registraties, databank en hashketen intact",
        "{journal} : {count} entrées, base de données et chaîne de hachage intactes",
    ),
    "last entry {id}: {hash}": ("laatste registratie {id}: {hash}", "dernière entrée {id} : {hash}"),
    "{count} rule file(s) valid": ("{count} regelbestand(en) geldig", "{count} fichier(s) de règles valide(s)"),
    ", {count} warning(s)": (", {count} waarschuwing(en)", ", {count} avertissement(s)"),
    "(extends {base})": ("(breidt {base} uit)", "(étend {base})"),
    "[base layer]": ("[basislaag]", "[couche de base]"),
    "private key: {private} (keep it secret)\npublic key:  {public} (share it with whoever loads the rules)": (
        "private sleutel: {private} (geheim houden)\npublieke sleutel: {public} (geef die aan wie de regels laadt)",
        "clé privée : {private} (à garder secrète)\nclé publique : {public} (à donner à qui charge les règles)",
    ),
    "signed {path} (release {release}) → {signature}": (
        "{path} ondertekend (release {release}) → {signature}",
        "{path} signé (version {release}) → {signature}",
    ),
    "{ruleset}: every layer carries a valid signature ({layers})": (
        "{ruleset}: elke laag draagt een geldige handtekening ({layers})",
        "{ruleset} : chaque couche porte une signature valide ({layers})",
    ),
    "{path}: not a stored aidrules decision ({reason})": (
        "{path}: geen bewaarde aidrules-beslissing ({reason})",
        "{path} : pas une décision aidrules conservée ({reason})",
    ),
    "longer than {limit} characters": ("langer dan {limit} tekens", "plus de {limit} caractères"),
    "{before} → {after} on {day}": ("{before} → {after} op {day}", "{before} → {after} le {day}"),
    "no change: the same decision": ("geen verandering: dezelfde beslissing", "aucun changement : la même décision"),
    "use text or json": ("gebruik text of json", "utilisez text ou json"),
    "--log-format: use text or json": ("--log-format: gebruik text of json", "--log-format : utilisez text ou json"),
    "the service needs the server extra ({name} is missing)": (
        "de dienst heeft de extra server nodig ({name} ontbreekt)",
        "le service a besoin de l’extra server ({name} manque)",
    ),
    "refusing to listen on {host} without tokens: anyone who can reach it could use it": (
        "weigert te luisteren op {host} zonder tokens: iedereen die het adres bereikt, zou de dienst kunnen gebruiken",
        "refus d’écouter sur {host} sans jetons : quiconque peut l’atteindre pourrait utiliser le service",
    ),
    "give --tokens FILE (aidrules token create)": (
        "geef --tokens BESTAND (aidrules token create)",
        "donnez --tokens FICHIER (aidrules token create)",
    ),
    "token for {name} ({role}) added to {path}; it is shown only this once": (
        "token voor {name} ({role}) toegevoegd aan {path}; het wordt enkel deze ene keer getoond",
        "jeton pour {name} ({role}) ajouté à {path} ; il n’est affiché que cette fois",
    ),
    "no such fixture file or directory: {paths}": (
        "testdossierbestand of -map bestaat niet: {paths}",
        "fichier ou répertoire de dossiers de test introuvable : {paths}",
    ),
    "--fail-under: `{text}` is not a percentage between 0 and 100": (
        "--fail-under: `{text}` is geen percentage tussen 0 en 100",
        "--fail-under : `{text}` n’est pas un pourcentage entre 0 et 100",
    ),
    "coverage {percent}% written to {path}": (
        "dekking {percent}% geschreven naar {path}",
        "couverture de {percent}\u00a0% écrite dans {path}",
    ),
    "coverage {percent}% is below --fail-under {threshold}%": (
        "dekking {percent}% ligt onder --fail-under {threshold}%",
        "la couverture de {percent}\u00a0% est sous --fail-under {threshold}\u00a0%",
    ),
    "{count} proposed case(s) in {path}: check each `proposed_expect` against the policy, rename it to `expect` "
    "and move the file into fixtures/": (
        "{count} voorgesteld(e) dossier(s) in {path}: toets elke `proposed_expect` aan het beleid, hernoem hem "
        "naar `expect` en verplaats het bestand naar fixtures/",
        "{count} dossier(s) proposé(s) dans {path} : vérifiez chaque `proposed_expect` au regard de la politique, "
        "renommez-le en `expect` et déplacez le fichier dans fixtures/",
    ),
    "internal error: {kind}: {error}\nPlease report this with the case (anonymised) and the rule set.": (
        "interne fout: {kind}: {error}\nMeld dit met het (geanonimiseerde) dossier en de regelset.",
        "erreur interne : {kind} : {error}\nVeuillez la signaler avec le dossier (anonymisé) et les règles.",
    ),
}


def say(english: str, lang: str | None = None, **fields: object) -> str:
    """A message of the command line in ``lang`` (default: ``--lang`` or the locale, read now).

    The English template is the key; fields are filled in after translation, so a path or a
    reason is never translated (nor given French spacing).
    """
    lang = lang if lang in _LANGS else help_lang()
    text = _message(english, lang)
    return text.format(**fields) if fields else text


def _message(english: str, lang: str) -> str:
    """The template in ``lang``, French with its no-break spaces; English when untranslated."""
    found = MESSAGES.get(english)
    if lang == "en" or found is None:
        return english
    return found[0] if lang == "nl" else french_typography(found[1])
