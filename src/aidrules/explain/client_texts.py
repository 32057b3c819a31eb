"""Plain-language texts for the client's letter, in simple Dutch (and French and English).

Keyed by the ids of the reference rule set's conditions, actions and forms. A rule set with other
ids still gets a letter: a condition or action without a plain text here falls back to the rule's
own message. Placeholders (``{total_debt}``) are filled with the formatted values the rule showed.
"""

from __future__ import annotations

from aidrules.explain.i18n import LANGS

# condition id → outcome ("true"/"false") → (nl, fr, en)
CONDITIONS: dict[str, dict[str, tuple[str, str, str]]] = {
    "dignity.floor_reachable": {
        "true": (
            "Er blijft genoeg geld over om menswaardig te leven, zo nodig met extra steun van het OCMW.",
            "Il reste assez d’argent pour vivre dignement, au besoin avec une aide en plus du CPAS.",
            "Enough money is left to live in dignity, with extra support from the OCMW if needed.",
        ),
        "false": (
            (
                "Er is te weinig geld om menswaardig te leven, ook met extra steun. Eerst bekijken we samen uw "
                "rechten, uw kosten en uw inkomen."
            ),
            (
                "Il y a trop peu d’argent pour vivre dignement, même avec une aide en plus. D’abord, nous regardons "
                "ensemble vos droits, vos frais et vos revenus."
            ),
            (
                "There is too little money to live in dignity, even with extra support. First we look together at "
                "your rights, your costs and your income."
            ),
        ),
    },
    "voluntary.consents": {
        "true": (
            "U wilt zelf hulp bij uw budget.",
            "Vous voulez de l’aide pour votre budget.",
            "You want help with your budget.",
        ),
        "false": (
            "U wilt geen hulp bij uw budget. Budgethulp is vrijwillig: wij leggen ze niet op.",
            "Vous ne voulez pas d’aide pour votre budget. L’aide budgétaire est volontaire : nous ne l’imposons pas.",
            "You do not want help with your budget. Budget help is voluntary: we do not impose it.",
        ),
    },
    "participation.shares_information": {
        "true": (
            "U toont ons alles over uw inkomsten, uitgaven en schulden.",
            "Vous nous montrez tous vos revenus, dépenses et dettes.",
            "You show us all your income, expenses and debts.",
        ),
        "false": (
            "Wij hebben nog geen volledig beeld van uw inkomsten, uitgaven en schulden.",
            "Nous n’avons pas encore une vue complète de vos revenus, dépenses et dettes.",
            "We do not yet have a full picture of your income, expenses and debts.",
        ),
    },
    "participation.takes_part": {
        "true": (
            "U werkt mee aan uw budgetplan.",
            "Vous participez à votre plan budgétaire.",
            "You take part in your budget plan.",
        ),
        "false": (
            "U werkt nu niet mee aan een budgetplan.",
            "Vous ne participez pas maintenant à un plan budgétaire.",
            "You are not taking part in a budget plan now.",
        ),
    },
    "motivation.minimum": {
        "true": (
            "U wilt zelf werken aan uw budget.",
            "Vous voulez travailler vous-même à votre budget.",
            "You want to work on your budget yourself.",
        ),
        "false": (
            "Uw maatschappelijk werker vindt dat u nu nog te weinig zin hebt om aan uw budget te werken.",
            ("Le service social estime que vous n’êtes pas encore assez motivé(e) pour travailler à votre budget."),
            "Your social worker thinks you are not yet motivated enough to work on your budget.",
        ),
    },
    "minimal_income.stable": {
        "true": ("U hebt een vast inkomen.", "Vous avez un revenu stable.", "You have a steady income."),
        "false": ("U hebt geen vast inkomen.", "Vous n’avez pas de revenu stable.", "You have no steady income."),
    },
    "minimal_income.sufficient": {
        "true": (
            "Uw inkomen is minstens even hoog als het leefloon.",
            "Votre revenu est au moins égal au revenu d’intégration.",
            "Your income is at least the integration income (leefloon).",
        ),
        "false": (
            (
                "Uw inkomen ({total_income}) is lager dan het leefloon ({minimal_income_threshold}). Misschien hebt u "
                "recht op (extra) leefloon."
            ),
            (
                "Votre revenu ({total_income}) est plus bas que le revenu d’intégration ({minimal_income_threshold}). "
                "Vous avez peut-être droit à un complément."
            ),
            (
                "Your income ({total_income}) is lower than the integration income ({minimal_income_threshold}). You "
                "may have a right to (extra) integration income."
            ),
        ),
    },
    "guidance.skills": {
        "true": (
            "U kunt uw budget zelf beheren, of u kunt het leren.",
            "Vous savez gérer votre budget, ou vous pouvez l’apprendre.",
            "You can manage your budget, or you can learn to.",
        ),
        "false": (
            "Uw budget zelf beheren is nu nog te moeilijk.",
            "Gérer votre budget vous-même est encore trop difficile maintenant.",
            "Managing your budget yourself is still too hard for now.",
        ),
    },
    "guidance.keeps_control": {
        "true": (
            "U wilt uw geld zelf blijven beheren.",
            "Vous voulez continuer à gérer votre argent vous-même.",
            "You want to keep managing your money yourself.",
        ),
        "false": (
            "U wilt het beheer van uw geld liever aan het OCMW geven.",
            "Vous préférez confier la gestion de votre argent au CPAS.",
            "You would rather let the OCMW manage your money.",
        ),
    },
    "guidance.debts_manageable": {
        "true": (
            "U kunt uw schulden ({total_debt}) binnen {reasonable_repayment_months} maanden afbetalen.",
            "Vous pouvez rembourser vos dettes ({total_debt}) en {reasonable_repayment_months} mois.",
            "You can pay off your debts ({total_debt}) within {reasonable_repayment_months} months.",
        ),
        "false": (
            "U kunt uw schulden ({total_debt}) niet binnen {reasonable_repayment_months} maanden afbetalen.",
            "Vous ne pouvez pas rembourser vos dettes ({total_debt}) en {reasonable_repayment_months} mois.",
            "You cannot pay off your debts ({total_debt}) within {reasonable_repayment_months} months.",
        ),
    },
    "guidance.no_enforcement": {
        "true": (
            "Er is geen deurwaarder en geen beslag.",
            "Il n’y a pas d’huissier ni de saisie.",
            "There is no bailiff and no seizure.",
        ),
        "false": (
            "Er is een deurwaarder of beslag voor een schuld.",
            "Il y a un huissier ou une saisie pour une dette.",
            "There is a bailiff or a seizure for a debt.",
        ),
    },
    "management.needed": {
        "true": (
            "Het is beter dat het OCMW uw geld een tijd beheert.",
            "Il vaut mieux que le CPAS gère votre argent pendant un temps.",
            "It is better that the OCMW manages your money for a while.",
        ),
        "false": (
            "Het OCMW hoeft uw geld niet te beheren.",
            "Le CPAS ne doit pas gérer votre argent.",
            "The OCMW does not need to manage your money.",
        ),
    },
    "csr.debts_unrepayable": {
        "true": (
            "Uw schulden ({total_debt}) zijn te hoog om binnen een redelijke tijd af te betalen.",
            "Vos dettes ({total_debt}) sont trop élevées pour être remboursées dans un délai raisonnable.",
            "Your debts ({total_debt}) are too high to pay off within a reasonable time.",
        ),
        "false": (
            "U kunt uw schulden binnen een redelijke tijd afbetalen. Naar de rechter gaan is niet nodig.",
            "Vous pouvez rembourser vos dettes dans un délai raisonnable. Aller chez le juge n’est pas nécessaire.",
            "You can pay off your debts within a reasonable time. Going to court is not needed.",
        ),
    },
    "csr.not_enterprise": {
        "true": (
            "U bent geen zelfstandige (meer).",
            "Vous n’êtes pas (plus) indépendant(e).",
            "You are not (or no longer) self-employed.",
        ),
        "false": (
            (
                "U bent zelfstandige, of u bent er pas mee gestopt. Dan kan de rechter nog geen collectieve "
                "schuldenregeling geven."
            ),
            (
                "Vous êtes indépendant(e), ou vous venez d’arrêter. Le juge ne peut pas encore accorder un règlement "
                "collectif de dettes."
            ),
            (
                "You are self-employed, or you stopped only recently. The court cannot yet grant a collective debt "
                "settlement."
            ),
        ),
    },
    "csr.no_recent_revocation": {
        "true": (
            (
                "U had de laatste {csr_revocation_waiting_years} jaar geen collectieve schuldenregeling die de "
                "rechter heeft stopgezet."
            ),
            (
                "Vous n’avez pas eu de règlement collectif arrêté par le juge ces {csr_revocation_waiting_years} "
                "dernières années."
            ),
            (
                "You had no collective debt settlement ended by the court in the last {csr_revocation_waiting_years} "
                "years."
            ),
        ),
        "false": (
            (
                "De rechter heeft uw vorige collectieve schuldenregeling minder dan {csr_revocation_waiting_years} "
                "jaar geleden stopgezet."
            ),
            "Le juge a arrêté votre règlement collectif précédent il y a moins de {csr_revocation_waiting_years} ans.",
            (
                "The court ended your previous collective debt settlement less than {csr_revocation_waiting_years} "
                "years ago."
            ),
        ),
    },
    "csr.no_organised_insolvency": {
        "true": (
            "U hebt uw schulden niet bewust laten oplopen.",
            "Vous n’avez pas laissé augmenter vos dettes volontairement.",
            "You did not run up your debts on purpose.",
        ),
        "false": (
            (
                "Het lijkt erop dat u uw schulden bewust hebt laten oplopen. Dan weigert de rechter een collectieve "
                "schuldenregeling."
            ),
            (
                "Il semble que vous ayez laissé augmenter vos dettes volontairement. Le juge refuse alors un "
                "règlement collectif."
            ),
            "It looks as if you ran up your debts on purpose. The court then refuses a collective debt settlement.",
        ),
    },
    "csr.habitual_residence": {
        "true": ("U woont vast in België.", "Vous habitez en Belgique.", "You live in Belgium."),
        "false": (
            "U woont niet vast in België. Dan kan de Belgische rechter niet helpen.",
            "Vous n’habitez pas en Belgique. Le juge belge ne peut alors pas aider.",
            "You do not live in Belgium. Then the Belgian court cannot help.",
        ),
    },
    "csr.not_already_in_settlement": {
        "true": (
            "U zit nog niet in een collectieve schuldenregeling.",
            "Vous n’êtes pas encore en règlement collectif de dettes.",
            "You are not yet in a collective debt settlement.",
        ),
        "false": (
            "U zit al in een collectieve schuldenregeling.",
            "Vous êtes déjà en règlement collectif de dettes.",
            "You are already in a collective debt settlement.",
        ),
    },
    # asked as its own question (client.wants_debt_settlement), not read from agreeing to budget help
    "csr.own_will": {
        "true": (
            "U hebt gezegd dat u zelf een collectieve schuldenregeling wilt vragen.",
            "Vous avez dit que vous voulez demander vous-même un règlement collectif de dettes.",
            "You said that you want to ask for a collective debt settlement yourself.",
        ),
        "false": (
            (
                "U hebt gezegd dat u geen collectieve schuldenregeling wilt vragen. Alleen uzelf kunt die vragen, "
                "en dat blijft uw keuze."
            ),
            (
                "Vous avez dit que vous ne voulez pas demander de règlement collectif de dettes. Vous seul(e) pouvez "
                "le demander, et cela reste votre choix."
            ),
            (
                "You said that you do not want to ask for a collective debt settlement. Only you can ask for it, "
                "and it stays your choice."
            ),
        ),
    },
    "csr.serious_debt_problem": {
        "true": (
            "Uw schulden zijn zo hoog ({total_debt}) dat een gerechtelijke regeling nodig kan zijn.",
            "Vos dettes sont si élevées ({total_debt}) qu’une procédure judiciaire peut être nécessaire.",
            "Your debts are so high ({total_debt}) that a court procedure may be needed.",
        ),
        "false": (
            "Uw schulden ({total_debt}) zijn niet zo hoog dat u naar de rechter moet.",
            "Vos dettes ({total_debt}) ne sont pas si élevées que vous deviez aller chez le juge.",
            "Your debts ({total_debt}) are not so high that you need to go to court.",
        ),
    },
}

# action id → (nl, fr, en); placeholders are the action's values and the values it showed
ACTIONS: dict[str, tuple[str, str, str]] = {
    "supplementary_aid": (
        "U krijgt extra steun van {monthly_amount} per maand, zodat u menswaardig kunt leven.",
        "Vous recevez une aide en plus de {monthly_amount} par mois, pour vivre dignement.",
        "You get extra support of {monthly_amount} a month, so that you can live in dignity.",
    ),
    "claim_integration_income": (
        "Wij bekijken of u recht hebt op (extra) leefloon, ongeveer {estimated_monthly_amount} per maand.",
        (
            "Nous examinons si vous avez droit à un revenu d’intégration (complémentaire), environ "
            "{estimated_monthly_amount} par mois."
        ),
        "We check whether you have a right to (extra) integration income, about {estimated_monthly_amount} a month.",
    ),
    "debt_mediation": (
        "Wij maken een afbetalingsplan met de mensen aan wie u geld moet: u betaalt {monthly_repayment} per maand af.",
        "Nous faisons un plan de remboursement avec vos créanciers : vous remboursez {monthly_repayment} par mois.",
        "We make a repayment plan with the people you owe money: you pay back {monthly_repayment} a month.",
    ),
    "urgent_help": (
        "Er is een dringend probleem (uithuiszetting, afsluiting of beslag). Dat pakken we eerst aan.",
        "Il y a un problème urgent (expulsion, coupure ou saisie). Nous nous en occupons d’abord.",
        "There is an urgent problem (eviction, cut-off or seizure). We deal with that first.",
    ),
    "referral": (
        (
            "Wij werken eerst samen aan uw vraag, of wij zoeken samen een dienst die u beter kan helpen (bijvoorbeeld "
            "het CAW)."
        ),
        (
            "Nous travaillons d’abord ensemble sur votre demande, ou nous cherchons ensemble un service qui peut "
            "mieux vous aider (par exemple un CAW)."
        ),
        (
            "First we work on your request together, or we look together for a service that can help you better (for "
            "example a CAW)."
        ),
    ),
}

# outcome → (nl, fr, en): what the proposal means for the client
PROPOSALS: dict[str, tuple[str, str, str]] = {
    "budget_guidance": (
        (
            "U beheert uw geld zelf. Uw maatschappelijk werker helpt u: we maken samen een budgetplan, u leert hoe u "
            "uw rekeningen op tijd betaalt en we bekijken samen hoe het gaat."
        ),
        (
            "Vous gérez votre argent vous-même. Le service social vous aide : nous faisons ensemble un plan "
            "budgétaire, vous apprenez à payer vos factures à temps et nous faisons le point ensemble."
        ),
        (
            "You manage your money yourself. Your social worker helps you: we make a budget plan together, you learn "
            "how to pay your bills on time and we check together how it goes."
        ),
    ),
    "budget_management": (
        (
            "Het OCMW beheert een tijd uw inkomen. Uw inkomen komt op een rekening van het OCMW. Wij betalen uw vaste "
            "kosten en uw schulden. U krijgt elke week of elke maand leefgeld. Zodra u het zelf weer kunt, bouwen we "
            "dit af."
        ),
        (
            "Le CPAS gère vos revenus pendant un temps. Vos revenus arrivent sur un compte du CPAS. Nous payons vos "
            "frais fixes et vos dettes. Vous recevez chaque semaine ou chaque mois de l’argent pour vivre. Dès que "
            "vous pouvez à nouveau gérer vous-même, nous arrêtons progressivement."
        ),
        (
            "The OCMW manages your income for a while. Your income goes to an OCMW account. We pay your fixed costs "
            "and your debts. You get living money every week or every month. As soon as you can manage again, we "
            "phase this out."
        ),
    ),
    "collective_debt_settlement": (
        (
            "U vraagt een collectieve schuldenregeling aan bij de arbeidsrechtbank. Een schuldbemiddelaar krijgt dan "
            "uw inkomen, betaalt uw schuldeisers volgens een plan en geeft u leefgeld. Zodra de rechter uw aanvraag "
            "aanvaardt, moeten beslag en deurwaarders stoppen. Wij helpen u met de aanvraag."
        ),
        (
            "Vous demandez un règlement collectif de dettes au tribunal du travail. Un médiateur de dettes reçoit "
            "alors vos revenus, paie vos créanciers selon un plan et vous donne de l’argent pour vivre. Dès que le "
            "juge accepte votre demande, les saisies et les huissiers doivent s’arrêter. Nous vous aidons pour la "
            "demande."
        ),
        (
            "You ask the labour court for a collective debt settlement. A debt mediator then receives your income, "
            "pays your creditors according to a plan and gives you living money. As soon as the court accepts your "
            "application, seizures and bailiffs must stop. We help you with the application."
        ),
    ),
    "none": (
        "Wij stellen nu geen budgethulp voor. Hieronder leest u waarom en wat wij wel doen.",
        "Nous ne proposons pas d’aide budgétaire maintenant. Vous lisez ci-dessous pourquoi et ce que nous faisons.",
        "We do not propose budget help now. Below you can read why and what we do instead.",
    ),
    "undetermined": (
        "Wij kunnen nog niets voorstellen: wij hebben eerst nog informatie van u nodig.",
        "Nous ne pouvons encore rien proposer : nous avons d’abord besoin d’informations de votre part.",
        "We cannot propose anything yet: first we need more information from you.",
    ),
}


def condition_text(cid: str, outcome: bool, lang: str) -> str | None:
    entry = CONDITIONS.get(cid, {}).get("true" if outcome else "false")
    return entry[LANGS.index(lang)] if entry else None


def action_text(aid: str, lang: str) -> str | None:
    entry = ACTIONS.get(aid)
    return entry[LANGS.index(lang)] if entry else None


def proposal_text(outcome: str, lang: str) -> str | None:
    entry = PROPOSALS.get(outcome)
    return entry[LANGS.index(lang)] if entry else None
