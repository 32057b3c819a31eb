"""A seeded journal of a few hundred generated dossiers, decided and reviewed by the real engine.

The generator makes cases and review facts at random (with a fixed seed), evaluates them with the
reference rule set in force on each date (2024.1 before 1 February 2025, 2025.1 after), and
records every decision and review in a journal, in date order, each approved by another staff
member. Undetermined outcomes are kept as drafts; a few drafts are completed and approved.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import aidrules
from aidrules.engine.decision import Decision
from aidrules.journal import DossierKeyer, Journal
from aidrules.lifecycle.dates import add_months
from aidrules.lifecycle.decision import ReviewDecision
from aidrules.lifecycle.engine import evaluate_review
from aidrules.ruleset.compiled import CompiledRuleSet

SEED = 2025
DOSSIERS = 320
SWITCH = date(2025, 2, 1)  # 2025.1 (with review rules) is in force from this day
LAST_DAY = date(2026, 6, 30)  # the simulation stops here; the report is for 2025
PREPARERS = ("mw-01", "mw-02", "mw-03", "mw-04", "mw-05")
APPROVERS = ("hmw-01", "hmw-02")
LEVELS = ("not_yet", "partly", "achieved")
CLUSTERS = ("earn_enough", "organise_money_matters", "spend_responsibly", "plan_ahead")


@dataclass
class Ledger:
    """What the generator recorded as final in 2025, kept by the generator itself."""

    started: Counter[str] = field(default_factory=Counter)
    refused: int = 0
    stopped: Counter[str] = field(default_factory=Counter)
    stop_reasons: Counter[str] = field(default_factory=Counter)
    review_outcomes: Counter[str] = field(default_factory=Counter)
    drafts: int = 0
    entries: int = 0


@dataclass(frozen=True)
class Seeded:
    path: Path
    ledger: Ledger


def _money(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low * 100, high * 100) / 100:.2f}"


def make_case(rng: random.Random, on: date) -> dict[str, Any]:
    category = rng.choice(["single", "single", "cohabiting", "family_dependants"])
    adults = 1 if category == "single" else rng.choice([1, 2])
    children = [
        {"age": rng.randint(0, 17)} for _ in range(rng.choice([1, 2, 3]) if category == "family_dependants" else 0)
    ]
    client: dict[str, Any] = {
        "requested_by": rng.choice(["self", "self", "self", "family", "third_party"]),
        "consents": rng.random() < 0.92,
        "shares_information": rng.random() < 0.93,
        "participates": rng.random() < 0.92,
        "motivation": rng.choice([0, 1, 2, 2, 3, 3, 3, 4, 4]),
        "budgeting_skills": rng.choice(["none", "limited", "adequate"]),
        "wants_to_keep_control": rng.random() < 0.6,
        "habitual_residence_in_belgium": rng.random() < 0.97,
        "is_enterprise": rng.random() < 0.04,
        "enterprise_ceased_on": None,
        "csr_revoked_on": None if rng.random() < 0.95 else (on - timedelta(days=rng.randint(200, 2500))).isoformat(),
        "in_collective_debt_settlement": rng.random() < 0.04,
        "organised_insolvency": rng.random() < 0.03,
    }
    if rng.random() < 0.05:
        del client["motivation"]  # not assessed yet: the decision may stay undetermined
    kind = rng.choice(["wage", "replacement_income", "integration_income"])
    incomes = [{"kind": kind, "monthly_net": _money(rng, 1000, 2600), "stable": rng.random() < 0.9}]
    if children:
        incomes.append({"kind": "child_benefit", "monthly_net": _money(rng, 180, 600), "stable": True})
    expenses = [
        {"kind": "rent", "monthly": _money(rng, 300, 750)},
        {"kind": "energy", "monthly": _money(rng, 60, 220)},
    ]
    debts = []
    for _ in range(rng.choice([0, 1, 1, 2, 3, 4])):
        amount = _money(rng, 150, 3000) if rng.random() < 0.85 else _money(rng, 8000, 60000)
        debts.append(
            {
                "creditor": rng.choice(["Energieleverancier NV", "Verhuurder", "Telecom BV", "FOD Financiën"]),
                "kind": rng.choice(["energy", "rent", "telecom", "tax", "consumer_credit", "health"]),
                "amount": amount,
                "enforcement": rng.choice(["none", "none", "none", "reminder", "reminder", "bailiff", "seizure"]),
            }
        )
    return {
        "on": on.isoformat(),
        "household": {"category": category, "adults": adults, "children": children, "housing": "private_rental"},
        "client": client,
        "incomes": incomes,
        "expenses": expenses,
        "debts": debts,
        "signals": {
            "eviction_threat": rng.random() < 0.08,
            "utility_cutoff_threat": rng.random() < 0.08,
            "income_seized": rng.random() < 0.06,
        },
    }


@dataclass
class _Event:
    day: date
    dossier: str
    seq: int
    rules: CompiledRuleSet
    result: Decision | ReviewDecision
    final: bool


def _simulate(rng: random.Random, index: int, rules_on: Any) -> list[_Event]:
    dossier = f"BB-{index:05d}"
    if rng.random() < 0.35:
        start = date(2024, 1, 15) + timedelta(days=rng.randint(0, 320))
    else:
        start = date(2025, 1, 2) + timedelta(days=rng.randint(0, 345))
    rules = rules_on(start)
    decision = rules.evaluate(make_case(rng, start))
    events = [_Event(start, dossier, 0, rules, decision, decision.recommendation != "undetermined")]
    if decision.recommendation not in {f.id for f in rules.forms}:
        return events
    form, started_on = decision.recommendation, start
    last_review: date | None = None
    phase_out: date | None = None
    levels = [rng.choice([0, 1, 1, 2]) for _ in CLUSTERS]
    debt_free = rng.randint(0, 3)
    wants_to_stop = False
    previous = start
    while True:
        due = add_months(last_review or started_on, 6)
        day = due + timedelta(days=rng.choice([-25, -10, 0, 0, 0, 7, 20, 45, 90]))
        day = max(day, previous + timedelta(days=14), SWITCH + timedelta(days=rng.randint(0, 40)))
        if day > LAST_DAY:
            return events
        for i in range(len(levels)):
            if rng.random() < 0.6:
                levels[i] = min(2, levels[i] + 1)
            elif rng.random() < 0.05:
                levels[i] = max(0, levels[i] - 1)
        months = max(1, (day - previous).days // 30)
        debt_free = debt_free + months if rng.random() < 0.85 else rng.randint(0, 2)
        wants_to_stop = rng.random() < (0.8 if wants_to_stop else 0.06)
        situation = {
            "wants_to_stop": wants_to_stop,
            "cooperates": rng.random() < 0.93,
            "moved_to_other_municipality": rng.random() < 0.03,
            "transferred_to_csr": form == "budget_management" and rng.random() < 0.05,
            "deceased": rng.random() < 0.02,
        }
        facts = {
            "on": day.isoformat(),
            "dossier": {
                "form": form,
                "started_on": started_on.isoformat(),
                "last_review_on": last_review.isoformat() if last_review else None,
                "phase_out_started_on": phase_out.isoformat() if phase_out else None,
            },
            "progress": {
                **{c: LEVELS[v] for c, v in zip(CLUSTERS, levels, strict=True)},
                "months_without_new_debts": debt_free,
            },
            "situation": situation,
        }
        rules = rules_on(day)
        if rng.random() < 0.04:  # cooperation not assessed yet: a draft, completed the same day
            incomplete = {**facts, "situation": {k: v for k, v in situation.items() if k != "cooperates"}}
            draft = evaluate_review(rules, incomplete)
            events.append(_Event(day, dossier, len(events), rules, draft, draft.outcome != "undetermined"))
        review = evaluate_review(rules, facts)
        events.append(_Event(day, dossier, len(events), rules, review, True))
        previous = last_review = day
        if review.outcome == "stop":
            return events
        if review.outcome == "step_down":
            assert review.new_form is not None
            form, started_on, phase_out = review.new_form, day, None
        elif review.outcome == "start_phase_out":
            phase_out = day


def build_journal(path: Path, keyer: DossierKeyer) -> Ledger:
    rng = random.Random(SEED)
    versions = {v: aidrules.load(f"noord-limburg-budgethulp@{v}") for v in ("2024.1", "2025.1")}

    def rules_on(day: date) -> CompiledRuleSet:
        return versions["2024.1"] if day < SWITCH else versions["2025.1"]

    events: list[_Event] = []
    for index in range(DOSSIERS):
        events.extend(_simulate(rng, index, rules_on))
    events.sort(key=lambda e: (e.day, e.dossier, e.seq))
    ticks = iter(range(10**6))
    ledger = Ledger()

    def clock() -> datetime:
        return datetime(2026, 7, 1, tzinfo=UTC) + timedelta(seconds=next(ticks))

    with Journal.open(path, keyer=keyer, clock=clock) as journal:
        for event in events:
            preparer = rng.choice(PREPARERS)
            approver = rng.choice(APPROVERS) if event.final else None
            result = event.result
            if isinstance(result, Decision):
                journal.record_decision(
                    result, event.rules, dossier=event.dossier, prepared_by=preparer, approved_by=approver
                )
            else:
                journal.record_review(
                    result, event.rules, dossier=event.dossier, prepared_by=preparer, approved_by=approver
                )
            if event.day.year != 2025:
                continue
            if not event.final:
                ledger.drafts += 1
                continue
            ledger.entries += 1
            if isinstance(result, Decision):
                if result.recommendation == "none":
                    ledger.refused += 1
                else:
                    ledger.started[result.recommendation] += 1
            else:
                ledger.review_outcomes[result.outcome] += 1
                if result.outcome == "stop":
                    assert result.dossier.form is not None and result.stop_reason is not None
                    ledger.stopped[result.dossier.form] += 1
                    ledger.stop_reasons[result.stop_reason] += 1
    return ledger


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    path = tmp_path_factory.mktemp("seeded") / "journal.db"
    ledger = build_journal(path, DossierKeyer(b"seeded-journal-key-for-tests-0123456789"))
    return Seeded(path, ledger)
