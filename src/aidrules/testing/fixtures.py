"""Fixture cases: a case, a date and the decision a person expects (``docs/fixture-format.md``).

A failing fixture is explained in domain terms: which form, principle, condition or action came
out differently, with the rule's own explanation and the values it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from aidrules.codes import Code
from aidrules.engine.compiled import compiled
from aidrules.engine.decision import Decision, Reason
from aidrules.engine.record import EvaluationRecord
from aidrules.engine.trace import Tracer
from aidrules.errors import Diagnostic, FactsError, Span
from aidrules.facts.parse import parse_facts
from aidrules.readers.yamlload import load_yaml
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.shipped import load

_TOP_KEYS = {"title", "reasoning", "rules", "case", "expect"}
_EXPECT_KEYS = {"recommendation", "forms", "principles", "actions", "action_values", "values", "missing_facts"}
_FORM_STATUSES = {"eligible", "ineligible", "undetermined"}
_PRINCIPLE_STATUSES = {"satisfied", "not_satisfied", "undetermined"}


@dataclass(frozen=True)
class Fixture:
    """One fixture file, checked for shape (not yet evaluated)."""

    path: Path
    title: str
    rules: str | None
    case: dict[str, Any]
    expect: dict[str, Any]
    reasoning: str | None = None

    @property
    def on(self) -> date | None:
        on = self.case.get("on")
        return on if isinstance(on, date) else None


@dataclass
class FixtureResult:
    fixture: Fixture
    decision: Decision | None
    failures: list[str] = field(default_factory=list)
    rules: CompiledRuleSet | None = None

    @property
    def passed(self) -> bool:
        return not self.failures


def load_fixture(path: str | Path) -> Fixture:
    """Read and check one fixture file.

    Raises:
        FactsError: the file is not a fixture (each problem with file:line:column and an FX code).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        d = Diagnostic("FX000", f"cannot read the fixture: {exc}", Span(str(p), 1, 1))
        raise FactsError(str(d), [d]) from None
    doc, diagnostics = load_yaml(text, str(p))
    if any(d.severity == "error" for d in diagnostics):
        raise FactsError(f"{p}: invalid YAML", diagnostics)
    data = doc.data
    problems: list[Diagnostic] = []

    def problem(code: Code, message: str, where: tuple[str | int, ...], hint: str | None = None) -> None:
        problems.append(Diagnostic(code, message, doc.span(where), hint))

    if not isinstance(data, dict):
        problem("FX001", "a fixture is a mapping with `case:` and `expect:`", ())
        raise FactsError(f"{p}: invalid fixture", problems)
    for key in data:
        if key == "proposed_expect":
            problem(
                "FX006",
                "this is a proposed case: a person still has to check `proposed_expect`",
                (key,),
                "check every value against the policy, then rename `proposed_expect:` to `expect:`",
            )
        elif key not in _TOP_KEYS:
            problem("FX002", f"unknown key `{key}`", (key,), f"allowed: {', '.join(sorted(_TOP_KEYS))}")
    for key in ("case", "expect"):
        if key not in data and not (key == "expect" and "proposed_expect" in data):
            problem("FX001", f"a fixture needs `{key}:`", ())
        elif key in data and not isinstance(data[key], dict):
            problem("FX001", f"`{key}` must be a mapping", (key,))
    expect = data.get("expect")
    if isinstance(expect, dict):
        _check_expect(expect, problem)
    if problems:
        raise FactsError(f"{p}: invalid fixture", problems)
    rules = data.get("rules")
    reasoning = data.get("reasoning")
    return Fixture(
        p,
        str(data.get("title", p.stem)),
        str(rules) if rules is not None else None,
        data["case"],
        expect if isinstance(expect, dict) else {},
        str(reasoning) if reasoning is not None else None,
    )


def _check_expect(expect: dict[str, Any], problem: Any) -> None:
    for key in expect:
        if key not in _EXPECT_KEYS:
            problem(
                "FX002",
                f"unknown key `{key}` under expect",
                ("expect", key),
                f"allowed: {', '.join(sorted(_EXPECT_KEYS))}",
            )
    if "recommendation" not in expect:
        problem("FX003", "expect.recommendation is required", ("expect",))
    for key, allowed in (("forms", _FORM_STATUSES), ("principles", _PRINCIPLE_STATUSES)):
        section = expect.get(key)
        if section is None:
            continue
        if not isinstance(section, dict):
            problem("FX004", f"expect.{key} maps each {key[:-1]} to its status", ("expect", key))
            continue
        for item, status in section.items():
            if status not in allowed:
                problem(
                    "FX004",
                    f"`{status}` is not a status of a {key[:-1]}",
                    ("expect", key, item),
                    f"use one of {', '.join(sorted(allowed))}",
                )
    for key in ("actions", "missing_facts"):
        if key in expect and expect[key] is not None and not isinstance(expect[key], list):
            problem("FX005", f"expect.{key} is a list", ("expect", key))
    for key in ("values", "action_values"):
        if key in expect and expect[key] is not None and not isinstance(expect[key], dict):
            problem("FX005", f"expect.{key} is a mapping", ("expect", key))


RuleSetCache = dict[tuple[str | None, date | None, tuple[Path, ...]], CompiledRuleSet]


def rules_beside(path: Path) -> Path | None:
    """The ``rules/`` directory nearest to a fixture file: in its directory or the closest parent
    that has one (``fixtures/mine/x.yaml`` → ``rules/`` of the project)."""
    for directory in path.resolve().parents:
        candidate = directory / "rules"
        if candidate.is_dir():
            return candidate
    return None


def rules_for(
    fixture: Fixture, cache: RuleSetCache | None = None, rules_dirs: tuple[Path, ...] = ()
) -> CompiledRuleSet:
    """The rule set a fixture names (a path relative to the fixture, an id, ``id@version``) or the
    shipped reference set, in the version in force on the case's decision date.

    An id is looked up in ``rules_dirs`` (``--rules-dir``) first, then in the ``rules/`` beside
    the fixture (:func:`rules_beside`), then as everywhere else (the working directory's
    ``rules/``, ``AIDRULES_PATH``, installed packages): a policy maker's edited copy beside the
    fixtures is what they test. ``cache`` (one per run) saves looking the same rule set up again."""
    spec = fixture.rules
    if spec and not Path(spec).is_absolute() and (fixture.path.parent / spec).exists():
        spec = str((fixture.path.parent / spec).resolve())
    beside = rules_beside(fixture.path)
    dirs = (*rules_dirs, beside) if beside is not None else rules_dirs
    key = (spec, fixture.on, dirs)
    if cache is not None and key in cache:
        return cache[key]
    rs = load(spec, fixture.on, rules_dirs=dirs)
    if cache is not None:
        cache[key] = rs
    return rs


def run_fixture(
    fixture: Fixture, rules: CompiledRuleSet | None = None, *, tracer: Tracer | None = None
) -> FixtureResult:
    """Evaluate a fixture and compare, in domain terms, with what it expects.

    Raises:
        FactsError: the fixture's case is invalid.
        RuleSetError, RuleSetNotFoundError, EvaluationError: its rule set cannot decide it.
    """
    rs = rules if rules is not None else rules_for(fixture)
    case = parse_facts(fixture.case)
    decision, record = compiled(rs).evaluate_recorded(case, tracer=tracer)
    return FixtureResult(fixture, decision, compare(decision, fixture.expect, record, rs), rs)


# -- comparing ------------------------------------------------------------------------------
def compare(
    decision: Decision, expect: dict[str, Any], record: EvaluationRecord, rs: CompiledRuleSet | None = None
) -> list[str]:
    """Every difference between ``decision`` and ``expect``, each explained with the rules' reasons.

    Which conditions and principles explain a status is read from ``record`` (the evaluation
    record ``decision`` is a view of: their outcomes and the facts that would settle them); the
    decision's reasons give the texts shown for them.
    """
    failures: list[str] = []
    why = _Why(decision, record)
    if decision.recommendation != expect["recommendation"]:
        failures.append(_recommendation(decision, str(expect["recommendation"]), why, rs))
    for fid, status in (expect.get("forms") or {}).items():
        if fid not in decision.forms:
            failures.append(f"form {fid}: expected {status}, but the rule set has no such form")
            continue
        got = decision.forms[fid].status
        if got != status:
            failures.append(
                f"form {fid}: expected {status}, got {got}\n" + why(decision.forms[fid].reasons, got, principles=True)
            )
    for pid, status in (expect.get("principles") or {}).items():
        if pid not in decision.principles:
            failures.append(f"principle {pid}: expected {status}, but the rule set has no such principle")
            continue
        got_p = decision.principles[pid].status
        if got_p != status:
            failures.append(
                f"principle {pid}: expected {status}, got {got_p}\n" + why(decision.principles[pid].reasons, got_p)
            )
    proposed = {a.id: a for a in decision.actions if a.status == "proposed"}
    if "actions" in expect and set(expect["actions"] or []) != set(proposed):
        want = set(expect["actions"] or [])
        lines = [f"actions: expected {sorted(want)}, got {sorted(proposed)}"]
        for aid in sorted(set(proposed) - want):
            lines.extend(f"    + {aid}: {r.message}{_values(r)}" for r in proposed[aid].reasons)
        for aid in sorted(want - set(proposed)):
            lines.append(f"    - {aid}: " + _action_absent(decision, aid, rs))
        failures.append("\n".join(lines))
    for aid, values in (expect.get("action_values") or {}).items():
        if aid not in proposed:
            failures.append(f"action {aid}: expected values {values}, but it is not proposed")
            continue
        for key, want_value in values.items():
            got_value = _text(proposed[aid].values.get(key))
            if got_value != _expected_text(want_value):
                failures.append(
                    f"action {aid}.{key}: expected {_expected_text(want_value)}, got {got_value}"
                    + _formula(rs, f"actions.{aid}.{key}")
                )
    for key, want_value in (expect.get("values") or {}).items():
        if key not in decision.values:
            failures.append(f"value {key}: expected {want_value}, but the rule set has no such value")
            continue
        got_value = _text(decision.values[key])
        if got_value != _expected_text(want_value):
            failures.append(f"value {key}: expected {_expected_text(want_value)}, got {got_value}" + _formula(rs, key))
    missing = set(expect.get("missing_facts") or [])
    if missing - set(decision.missing_facts):
        failures.append(
            f"missing_facts: expected to include {sorted(missing - set(decision.missing_facts))}, "
            f"got {decision.missing_facts}"
        )
    return failures


def _recommendation(decision: Decision, want: str, why: _Why, rs: CompiledRuleSet | None) -> str:
    got = decision.recommendation
    lines = [f"recommendation: expected {want}, got {got}", f"    {decision.reasons[0].message}"]
    if want in decision.forms and decision.forms[want].status != "eligible":
        status = decision.forms[want].status
        lines.append(f"    {want} is {status}:")
        lines.append(why(decision.forms[want].reasons, status, indent=6, principles=True))
    elif want in decision.forms and rs is not None and rs.hit_policy == "first":
        rows = [r.recommend for r in rs.rows]
        if want in rows and got in rows and rows.index(got) < rows.index(want):
            lines.append(f"    {want} is eligible too, but the rule for {got} comes first (least intrusive first)")
    if got in decision.forms and decision.forms[got].status == "eligible" and want not in decision.forms:
        lines.append(f"    {got} is eligible: every condition holds")
        lines.append(why(decision.forms[got].reasons, "eligible", indent=6))
    return "\n".join(line for line in lines if line)


#: The outcome of the parts that explain a status (None: unknown); every part for a positive one.
_EXPLAINED_BY: dict[str, bool | None] = {"ineligible": False, "not_satisfied": False, "undetermined": None}


class _Why:
    """The parts that explain a form's or principle's status, chosen by their outcomes in the
    evaluation record, shown with their reasons' texts."""

    def __init__(self, decision: Decision, record: EvaluationRecord) -> None:
        self.decision = decision
        self.record = record

    def __call__(self, reasons: list[Reason], status: str, indent: int = 4, principles: bool = False) -> str:
        """The parts of ``reasons`` (a form's or principle's; the first is its summary) that
        explain ``status``: the failing ones for a negative or undetermined status, every one for
        a positive status; with ``principles``, a principle is explained by its own conditions."""
        pad = " " * indent
        record = self.record
        lines = []
        for r in reasons[1:]:
            outcome = record.outcome(r.rule)  # a condition's id, or principles.X: a name in the record
            if status in _EXPLAINED_BY and outcome is not _EXPLAINED_BY[status]:
                continue
            settled_by = record.settled_by(r.rule)
            missing = f" (missing: {', '.join(settled_by)})" if settled_by else ""
            shown = "unknown" if outcome is None else str(outcome).lower()
            lines.append(f"{pad}{r.rule} = {shown}: {r.message}{_values(r)}{missing}")
            if r.source:
                lines.append(f"{pad}  source: {r.source}")
            pid = r.rule.removeprefix("principles.")
            if principles and r.rule.startswith("principles.") and pid in self.decision.principles:
                principle = self.decision.principles[pid]
                lines.append(self(principle.reasons, principle.status, indent + 2))
        return "\n".join(line for line in lines if line)


def _values(reason: Reason) -> str:
    if not reason.values:
        return ""
    return " [" + ", ".join(f"{k} = {_text(v)}" for k, v in reason.values.items()) + "]"


def _action_absent(decision: Decision, aid: str, rs: CompiledRuleSet | None) -> str:
    for a in decision.actions:
        if a.id == aid:
            return f"{a.status}: " + "; ".join(r.message for r in a.reasons)
    if rs is not None:
        for spec in rs.actions:
            if spec.id == aid:
                return f"not proposed: `{spec.when.source}` does not hold"
        return "the rule set has no such action"
    return "not proposed"


def _formula(rs: CompiledRuleSet | None, key: str) -> str:
    if rs is None:
        return ""
    item = rs.named(key)
    if item is not None:
        return f"\n    {key} = {item.expr.source}"
    if key.startswith("actions."):
        _, aid, vid = key.split(".", 2)
        for spec in rs.actions:
            for v in spec.values:
                if spec.id == aid and v.id == vid:
                    return f"\n    {key} = {v.expr.source}"
    return ""


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def _expected_text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value
