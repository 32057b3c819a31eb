"""A failing fixture's explanation reads outcomes from the evaluation record (issue 18, "engine2").

Which conditions and principles explain a form's or principle's status is chosen by their
outcomes in the record; the texts shown are the reasons'. The output must stay what it was when
the explanation walked the reasons' own outcomes: the oracle below is that walk.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import aidrules
from aidrules.engine.compiled import compiled
from aidrules.engine.decision import Decision, Reason
from aidrules.testing.fixtures import compare, load_fixture, run_fixture

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))
OTHER = {
    "eligible": "ineligible",
    "ineligible": "eligible",
    "undetermined": "eligible",
    "satisfied": "not_satisfied",
    "not_satisfied": "satisfied",
}


def _values(reason: Reason) -> str:
    if not reason.values:
        return ""
    return " [" + ", ".join(f"{k} = {v}" for k, v in reason.values.items()) + "]"


def _walk_reasons(reasons: list[Reason], status: str, indent: int = 4, decision: Decision | None = None) -> str:
    """The explanation as it was written from the reasons' own outcomes (the oracle)."""
    pad = " " * indent
    rules = list(reasons[1:])
    if status in ("ineligible", "not_satisfied"):
        rules = [r for r in rules if r.outcome is False]
    elif status == "undetermined":
        rules = [r for r in rules if r.outcome is None]
    lines = []
    for r in rules:
        outcome = "unknown" if r.outcome is None else str(r.outcome).lower()
        missing = f" (missing: {', '.join(r.missing_facts)})" if r.missing_facts else ""
        lines.append(f"{pad}{r.rule} = {outcome}: {r.message}{_values(r)}{missing}")
        if r.source:
            lines.append(f"{pad}  source: {r.source}")
        pid = r.rule.removeprefix("principles.")
        if decision is not None and r.rule.startswith("principles.") and pid in decision.principles:
            principle = decision.principles[pid]
            lines.append(_walk_reasons(principle.reasons, principle.status, indent + 2))
    return "\n".join(line for line in lines if line)


def _flipped(decision: Decision) -> dict[str, Any]:
    """An expectation that differs from ``decision`` in every form and principle."""
    return {
        "recommendation": decision.recommendation,
        "forms": {fid: OTHER[f.status] for fid, f in decision.forms.items()},
        "principles": {pid: OTHER[p.status] for pid, p in decision.principles.items()},
    }


def test_failure_output_from_the_record_is_the_output_from_the_reasons() -> None:
    """Catches the record-based explanation choosing other conditions or principles than the
    reasons' outcomes did, or writing another outcome, missing facts or source: every form and
    principle of every fixture expected wrong, in nl and en."""
    explained = 0
    for path in FIXTURES:
        case = load_fixture(path).case
        rules = aidrules.load(None, case.get("on"))
        for lang in ("nl", "en"):
            decision, record = compiled(rules).evaluate_recorded(case, lang=lang)
            failures = compare(decision, _flipped(decision), record, rules)
            want = [
                f"form {fid}: expected {OTHER[f.status]}, got {f.status}\n"
                + _walk_reasons(f.reasons, f.status, decision=decision)
                for fid, f in decision.forms.items()
            ] + [
                f"principle {pid}: expected {OTHER[p.status]}, got {p.status}\n" + _walk_reasons(p.reasons, p.status)
                for pid, p in decision.principles.items()
            ]
            assert failures == want, path.name
            explained += sum("(missing: " in f for f in failures)
    assert explained > 0  # undetermined outcomes, with the facts that settle them, were explained


def test_an_undetermined_form_is_explained_by_the_facts_the_record_names() -> None:
    """Catches an explanation of an undetermined form that leaves out the facts that would settle
    it: they come from the record's unknown outcomes."""
    fixture = load_fixture(FIXTURES[0])
    case = dict(fixture.case)
    client = dict(case["client"])
    del client["motivation"]
    case["client"] = client
    wrong = replace(fixture, case=case)
    result = run_fixture(wrong)
    text = "\n".join(result.failures)
    assert "expected eligible, got undetermined" in text
    assert "motivation.minimum = unknown" in text and "(missing: client.motivation)" in text
