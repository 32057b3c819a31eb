"""What changed between two rule-set versions, in plain words, and what it changes for cases.

``diff`` lists changed parameters, rules and texts, then the **impact**: which fixture cases and
which generated boundary profiles (cases just either side of every changed threshold) get
another outcome, and why (the rules that decided differently). ``compare`` is also the heart of
"re-run under new rules" for a stored decision.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from aidrules.docgen.prose import render as in_words
from aidrules.engine.decision import Decision
from aidrules.errors import AidrulesError
from aidrules.impact.render import parameter_value
from aidrules.impact.render import to_markdown as impact_markdown
from aidrules.impact.study import change_date
from aidrules.ruleset.compiled import CompiledRuleSet, Template
from aidrules.ruleset.schema import Texts
from aidrules.testing.fixtures import load_fixture
from aidrules.text import domain
from aidrules.text.interface import french_typography as fr
from aidrules.text.interface import value_label
from aidrules.whatif.flips import axes, flip_point, threshold_sites, with_value
from aidrules.words import formatting
from aidrules.words.labels import fact_label

#: At most this many boundary profiles are generated per changed parameter.
MAX_PROFILES_PER_PARAMETER = 8


@dataclass(frozen=True)
class Change:
    """One difference between two rule sets (``kind``: added / removed / changed)."""

    section: str
    item: str
    kind: str
    detail: str


@dataclass(frozen=True)
class OutcomeChange:
    """A case whose decision differs between two versions."""

    case: str
    on: str
    before: str
    after: str
    differences: list[str]


@dataclass
class DiffReport:
    old: str
    new: str
    changes: list[Change] = field(default_factory=list)
    fixture_impact: list[OutcomeChange] = field(default_factory=list)
    profile_impact: list[OutcomeChange] = field(default_factory=list)
    cases_checked: int = 0
    profiles_checked: int = 0
    effective: str = ""  # the day the change takes effect (aidrules.impact.change_date)
    parameter_values: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, from, old, new

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"


# -- comparing decisions ------------------------------------------------------------------------


def compare(before: Decision, after: Decision) -> list[str]:
    """The differences between two decisions for the same case, in plain words (English ids)."""
    out: list[str] = []
    if before.recommendation != after.recommendation:
        out.append(f"recommendation: {before.recommendation} → {after.recommendation}")
    for section, old_map, new_map in (
        ("form", before.forms, after.forms),
        ("principle", before.principles, after.principles),
    ):
        for key in sorted(set(old_map) | set(new_map)):
            a = old_map[key].status if key in old_map else "(absent)"
            b = new_map[key].status if key in new_map else "(absent)"
            if a != b:
                out.append(f"{section} {key}: {a} → {b}")
    old_actions = {a.id: a for a in before.actions}
    new_actions = {a.id: a for a in after.actions}
    for key in sorted(set(old_actions) | set(new_actions)):
        a_act, b_act = old_actions.get(key), new_actions.get(key)
        a_txt = f"{a_act.status} {_values(a_act.values)}" if a_act else "not proposed"
        b_txt = f"{b_act.status} {_values(b_act.values)}" if b_act else "not proposed"
        if a_txt != b_txt:
            out.append(f"action {key}: {a_txt} → {b_txt}")
    old_reasons = {r.rule: r.outcome for r in before.reasons if r.kind == "condition"}
    for r in after.reasons:
        if r.kind == "condition" and r.rule in old_reasons and old_reasons[r.rule] != r.outcome:
            out.append(f"rule {r.rule}: {_outcome(old_reasons[r.rule])} → {_outcome(r.outcome)} ({r.message})")
    for key in sorted(set(before.values) | set(after.values)):
        a_val, b_val = before.values.get(key), after.values.get(key)
        if a_val != b_val:
            out.append(f"value {key}: {a_val} → {b_val}")
    return out


def _values(values: dict[str, Any]) -> str:
    return "(" + ", ".join(f"{k} {v}" for k, v in values.items()) + ")" if values else ""


def _outcome(value: bool | None) -> str:
    return {True: "true", False: "false", None: "unknown"}[value]


def rerun(stored: Decision, case: dict[str, Any], rules: CompiledRuleSet) -> tuple[Decision, list[str]]:
    """Evaluate ``case`` under ``rules`` on the stored decision's date, and list what changed."""
    day = stored.on
    period = rules.meta.effective
    inside = period.from_ <= day and (period.until is None or day <= period.until)
    after = rules.evaluate(case, day, lang=stored.lang, check_period=inside)
    return after, compare(stored, after)


# -- comparing rule sets --------------------------------------------------------------------------


def _texts(t: Texts | None) -> str:
    return " | ".join(t.get(lang) for lang in ("nl", "fr", "en")) if t else ""


def _template(t: Template) -> str:
    parts = []
    for lang in ("nl", "fr", "en"):
        parts.append("".join(p if isinstance(p, str) else "{" + p.source + "}" for p in t.parts.get(lang, ())))
    return " | ".join(parts)


def _param_values(rs: CompiledRuleSet, pid: str) -> list[tuple[str, str]]:
    return [(v.valid_from.isoformat(), _show(v.value)) for v in rs.parameters[pid].values]


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).lower() if isinstance(value, bool) else str(value)


def rule_changes(old: CompiledRuleSet, new: CompiledRuleSet) -> list[Change]:
    out: list[Change] = []

    for pid in sorted(old.parameters.keys() - new.parameters.keys()):
        out.append(Change("parameter", pid, "removed", f"parameter `{pid}` was removed"))
    for pid in sorted(new.parameters.keys() - old.parameters.keys()):
        values = ", ".join(f"from {d}: {v}" for d, v in _param_values(new, pid))
        out.append(Change("parameter", pid, "added", f"parameter `{pid}` was added: {values}"))
    for pid in sorted(old.parameters.keys() & new.parameters.keys()):
        a_vals, b_vals = _param_values(old, pid), _param_values(new, pid)
        if a_vals != b_vals:
            changed = [f"from {d}: {v}" for d, v in b_vals if (d, v) not in a_vals]
            dropped = [f"from {d}: {v}" for d, v in a_vals if (d, v) not in b_vals]
            detail = (
                f"parameter `{pid}` values changed"
                + (f"; now {', '.join(changed)}" if changed else "")
                + (f"; no longer {', '.join(dropped)}" if dropped else "")
            )
            out.append(Change("parameter", pid, "changed", detail))
        if _texts(old.parameters[pid].title) != _texts(new.parameters[pid].title):
            out.append(Change("parameter", pid, "changed", f"parameter `{pid}` title changed"))
    a_named = {v.id: v for v in old.plan}
    b_named = {v.id: v for v in new.plan}
    for key in sorted(a_named.keys() - b_named.keys()):
        out.append(Change(a_named[key].kind, key, "removed", f"{a_named[key].kind} `{key}` was removed"))
    for key in sorted(b_named.keys() - a_named.keys()):
        out.append(
            Change(
                b_named[key].kind, key, "added", f"{b_named[key].kind} `{key}` was added: `{b_named[key].expr.source}`"
            )
        )
    for key in sorted(a_named.keys() & b_named.keys()):
        a_item, b_item = a_named[key], b_named[key]
        if " ".join(a_item.expr.source.split()) != " ".join(b_item.expr.source.split()):
            out.append(
                Change(
                    b_item.kind,
                    key,
                    "changed",
                    f"{b_item.kind} `{key}`: `{' '.join(a_item.expr.source.split())}` → "
                    f"`{' '.join(b_item.expr.source.split())}`",
                )
            )
        if _texts(a_item.title) != _texts(b_item.title) or {k: _template(t) for k, t in a_item.messages.items()} != {
            k: _template(t) for k, t in b_item.messages.items()
        }:
            out.append(Change(b_item.kind, key, "changed", f"{b_item.kind} `{key}`: texts changed"))
        if a_item.source != b_item.source:
            out.append(
                Change(
                    b_item.kind, key, "changed", f"{b_item.kind} `{key}`: source `{a_item.source}` → `{b_item.source}`"
                )
            )
    for label, a_specs, b_specs in (("principle", old.principles, new.principles), ("form", old.forms, new.forms)):
        a_map = {s.id: s for s in a_specs}
        b_map = {s.id: s for s in b_specs}
        for key in sorted(a_map.keys() ^ b_map.keys()):
            kind = "removed" if key in a_map else "added"
            out.append(Change(label, key, kind, f"{label} `{key}` was {kind}"))
        for key in sorted(a_map.keys() & b_map.keys()):
            if a_map[key].requires != b_map[key].requires:
                out.append(
                    Change(
                        label,
                        key,
                        "changed",
                        f"{label} `{key}` now requires "
                        f"{', '.join(b_map[key].requires)} (was {', '.join(a_map[key].requires)})",
                    )
                )
    a_rows = [(r.recommend, r.when.source) for r in old.rows]
    b_rows = [(r.recommend, r.when.source) for r in new.rows]
    if a_rows != b_rows or old.otherwise != new.otherwise:
        out.append(
            Change(
                "recommendation",
                "order",
                "changed",
                "recommendation order: " + " → ".join(r for r, _ in b_rows) + f", otherwise {new.otherwise} "
                f"(was {' → '.join(r for r, _ in a_rows)}, otherwise {old.otherwise})",
            )
        )
    a_actions = {a.id: a for a in old.actions}
    b_actions = {a.id: a for a in new.actions}
    for key in sorted(a_actions.keys() ^ b_actions.keys()):
        kind = "removed" if key in a_actions else "added"
        out.append(Change("action", key, kind, f"action `{key}` was {kind}"))
    for key in sorted(a_actions.keys() & b_actions.keys()):
        if a_actions[key].when.source != b_actions[key].when.source:
            out.append(
                Change(
                    "action",
                    key,
                    "changed",
                    f"action `{key}` now when `{b_actions[key].when.source}` (was `{a_actions[key].when.source}`)",
                )
            )
        a_vals = [(v.id, v.expr.source) for v in a_actions[key].values]
        b_vals = [(v.id, v.expr.source) for v in b_actions[key].values]
        if a_vals != b_vals:
            out.append(Change("action", key, "changed", f"action `{key}`: computed values changed"))
    return out


# -- impact -------------------------------------------------------------------------------------


def _decide(rules: CompiledRuleSet, case: dict[str, Any], day: date) -> Decision | str:
    try:
        return rules.evaluate(case, day, check_period=False)
    except AidrulesError as exc:
        return f"error: {exc}"


def _impact(
    name: str, case: dict[str, Any], day: date, old: CompiledRuleSet, new: CompiledRuleSet
) -> OutcomeChange | None:
    before = _decide(old, case, day)
    after = _decide(new, case, day)
    if isinstance(before, str) or isinstance(after, str):
        if str(before) == str(after):
            return None
        b_txt = before if isinstance(before, str) else before.recommendation
        a_txt = after if isinstance(after, str) else after.recommendation
        return OutcomeChange(name, day.isoformat(), b_txt, a_txt, [])
    differences = compare(before, after)
    outcome_level = [d for d in differences if not d.startswith(("value ", "rule "))]
    if not outcome_level:
        return None
    return OutcomeChange(name, day.isoformat(), before.recommendation, after.recommendation, differences)


def boundary_profiles(
    old: CompiledRuleSet, new: CompiledRuleSet, changed: list[str], cases: list[tuple[str, dict[str, Any], date]]
) -> tuple[list[OutcomeChange], int]:
    """Cases just either side of each changed threshold, under both versions.

    The facts moved and the ranges searched come from the two rule sets (the facts each threshold
    reads, the constants they compare with) and the fact schema (types and bounds)."""
    impact: list[OutcomeChange] = []
    checked = 0
    seen: set[str] = set()  # a parameter read by several conditions gives the same profile once
    for parameter in changed:
        profiles = 0
        for rule in threshold_sites(new, parameter):
            for name, case, day in cases:
                if profiles >= MAX_PROFILES_PER_PARAMETER:
                    break
                for axis in axes((old, new), rule, case, day):
                    points = {flip_point(old, case, day, rule, axis), flip_point(new, case, day, rule, axis)}
                    points.discard(None)
                    if len(points) < 2:
                        continue
                    for point in sorted(p for p in points if p is not None):
                        for v in (point - axis.step, point):
                            value = axis.value(v)
                            label = f"{name} with {axis.label} = {value} ({parameter})"
                            if label in seen:
                                continue
                            seen.add(label)
                            checked += 1
                            profiles += 1
                            found = _impact(label, with_value(case, axis, v), day, old, new)
                            if found is not None:
                                impact.append(found)
                    break
                else:
                    continue
                break
    return impact, checked


def diff(old: CompiledRuleSet, new: CompiledRuleSet, cases: list[tuple[str, dict[str, Any], date]]) -> DiffReport:
    """Compare two rule sets and the outcomes of ``cases`` (name, facts, date) under both."""
    report = DiffReport(f"{old.id}@{old.version}", f"{new.id}@{new.version}")
    report.changes = rule_changes(old, new)
    report.effective = change_date(old, new).isoformat()
    effective = change_date(old, new)
    # A case dated before the change takes effect is decided on that day instead: otherwise a
    # dated change (a value from 2025-07-01 inside the new version) is never exercised.
    cases = [(name, case, max(day, effective)) for name, case, day in cases]
    for name, case, day in cases:
        report.cases_checked += 1
        found = _impact(name, case, day, old, new)
        if found is not None:
            report.fixture_impact.append(found)
    changed_params = sorted({c.item for c in report.changes if c.section == "parameter" and c.kind == "changed"})
    report.profile_impact, report.profiles_checked = boundary_profiles(old, new, changed_params, cases)
    return report


def load_cases(directory: Path) -> list[tuple[str, dict[str, Any], date]]:
    """Fixture cases of a directory (``fixtures/reference`` by default) as (name, facts, date)."""
    out = []
    for path in sorted(directory.glob("*.yaml")):
        if not path.is_file():  # a FIFO named `x.yaml` would block for ever
            continue
        fixture = load_fixture(path)
        day = fixture.case.get("on")
        if isinstance(day, date):
            out.append((path.stem, fixture.case, day))
    return out


#: The report's words: the gettext domain ``registry`` (msgid ``diff.<key>``; ``diff.not_proposed``
#: for the action status "not proposed"), read when a report is first written.
_TEXTS = domain("registry")


def _key(word: str) -> str:
    return "diff." + word.replace(" ", "_")


def _h(key: str, lang: str, **values: Any) -> str:
    text = _TEXTS[lang][_key(key)]
    return text.format(**values) if values else text


def _code(word: str, lang: str) -> str:
    word = word.strip()
    if word and _key(word) in _TEXTS[lang]:
        return _h(word, lang)
    return value_label(word, lang) if word and word[0] != "(" else word


def _difference(
    text: str, lang: str, titles: dict[str, str] | None = None, rules: CompiledRuleSet | None = None
) -> str:
    """One line of :func:`compare` in the reader's language: codes as words, never Python."""
    head, _, change = text.partition(": ")
    words = head.split(" ", 1)
    names = titles or {}
    if words[0] in ("form", "principle") and " → " in change:
        before, after = change.split(" → ", 1)
        name = names.get(f"{words[0]}.{words[1]}") or _code(words[1], lang)
        return f"{_h(words[0], lang)} {name}: {_code(before, lang)} → {_code(after, lang)}"
    if words[0] == "recommendation" and " → " in change:
        before, after = change.split(" → ", 1)
        return f"{_h('recommendation', lang)}: {_code(before, lang)} → {_code(after, lang)}"
    if words[0] == "rule" and "(" in change:
        name = names.get(f"rule.{words[1]}", words[1])
        return f"{_h('rule', lang)} ‘{name}’: {change[change.index('(') + 1 : -1]}"
    if words[0] == "action" and " → " in change:
        before, after = (part.strip() for part in change.split(" → ", 1))
        name = names.get(f"action.{words[1]}", words[1])

        def status(part: str) -> str:
            word = "not proposed" if part.startswith("not proposed") else part.split(" ", 1)[0]
            rest = _action_values(part[len(word) :].strip(), words[1], rules, lang)
            return _code(word, lang) + (f" {rest}" if rest else "")

        return f"{_h('action', lang)} {name}: {status(before)} → {status(after)}"
    return text


def _rule_line(c: Change, old: CompiledRuleSet, new: CompiledRuleSet, lang: str) -> str | None:
    """A change of the rules in the reader's words (formulas in words, items by their titles), or
    None for a change this cannot say better than its detail."""
    a_named = {v.id: v for v in old.plan}
    b_named = {v.id: v for v in new.plan}
    kind = _h(c.kind, lang)
    if c.section in ("derived", "condition"):
        item = b_named.get(c.item) or a_named.get(c.item)
        if item is None:
            return None
        name = f"{_h(c.section, lang)} ‘{item.title.get(lang)}’"
        if c.kind == "added":
            return f"- **{kind}** — {name}: {in_words(item.expr.node, new, lang)}"
        if c.kind == "removed":
            return f"- **{kind}** — {name}"
        if c.detail.endswith("texts changed"):
            return f"- **{kind}** — {name}: {_h('texts', lang)}"
        a_item, b_item = a_named[c.item], b_named[c.item]
        if ": source `" in c.detail:
            return f"- **{kind}** — {name}, {_h('source', lang)}: {a_item.source} → {b_item.source}"
        before, after = in_words(a_item.expr.node, old, lang), in_words(b_item.expr.node, new, lang)
        return f"- **{kind}** — {name}: {before} → {after}"
    if c.section == "parameter" and c.detail.endswith("title changed"):
        return f"- **{kind}** — {new.parameters[c.item].title.get(lang)}: {_h('title_changed', lang)}"
    if c.section == "parameter" and c.kind == "removed":
        return f"- **{kind}** — {old.parameters[c.item].title.get(lang)}"
    if c.section in ("form", "principle"):
        titles = {v.id: v.title.get(lang) for v in (*old.plan, *new.plan)}
        specs: dict[str, tuple[str, tuple[str, ...]]] = {}  # id -> (title, requires), the new version's last
        for rs in (old, new):
            for s in rs.forms if c.section == "form" else rs.principles:
                specs[s.id] = (s.title.get(lang), tuple(s.requires))
        if c.item not in specs:
            return None
        name = f"{_h(c.section, lang)} ‘{specs[c.item][0]}’"
        if c.kind != "changed":
            return f"- **{kind}** — {name}"
        required = next(s for s in (old.forms if c.section == "form" else old.principles) if s.id == c.item).requires
        return (
            f"- **{kind}** — {name} {_h('requires', lang)}: "
            f"{', '.join(titles.get(r, r) for r in specs[c.item][1])} "
            f"({_h('was', lang)}: {', '.join(titles.get(r, r) for r in required)})"
        )
    if c.section == "recommendation":
        names = {f.id: f.title.get(lang) for f in (*old.forms, *new.forms)}

        def order(rs: CompiledRuleSet) -> str:
            rows = " → ".join(names.get(str(r.recommend), _code(str(r.recommend), lang)) for r in rs.rows)
            return f"{rows}, {_h('otherwise', lang)} {names.get(str(rs.otherwise), _code(str(rs.otherwise), lang))}"

        return f"- **{kind}** — {_h('order', lang)}: {order(new)} ({_h('was', lang)}: {order(old)})"
    if c.section == "action":
        action = next((a for a in (*new.actions, *old.actions) if a.id == c.item), None)
        if action is None:
            return None
        name = f"{_h('action', lang)} ‘{action.title.get(lang)}’"
        if c.kind != "changed":
            return f"- **{kind}** — {name}"
        if "computed values changed" in c.detail:
            return f"- **{kind}** — {name}: {_h('values', lang)}"
        earlier = next(a for a in old.actions if a.id == c.item)
        return (
            f"- **{kind}** — {name}, {_h('when', lang)}: {in_words(action.when.node, new, lang)} "
            f"({_h('was', lang)}: {in_words(earlier.when.node, old, lang)})"
        )
    return None


_FR_COLON = re.compile(r"(?<=[^\s\u00a0]):(?= )")  # French: "x :" with a no-break space, not "x:"
_VALUES = re.compile(r"\(([^()]*)\)$")
_PROFILE = re.compile(r"^(?P<case>.*) with (?P<path>\S+) = (?P<value>\S+) \((?P<parameter>\w+)\)$")


def _action_values(text: str, action_id: str, rules: CompiledRuleSet | None, lang: str) -> str:
    """``(monthly_amount 400.00)`` → ``(bedrag per maand € 400,00)``: value titles, Belgian amounts."""
    match = _VALUES.search(text)
    action = next((a for a in rules.actions if a.id == action_id), None) if rules is not None else None
    if match is None or action is None:
        return text
    titles = {v.id: v.title.get(lang) for v in action.values}
    parts = []
    for pair in match.group(1).split(", "):
        key, _, value = pair.partition(" ")
        try:
            shown = formatting.money(Decimal(value), lang)
        except ArithmeticError:
            shown = value
        parts.append(f"{titles.get(key, key)} {shown}")
    return text[: match.start()] + "(" + ", ".join(parts) + ")"


def _profile_name(label: str, rules: CompiledRuleSet | None, lang: str) -> str:
    """``001-… with incomes.0.monthly_net = 919.99 (maximum_supplementary_aid)`` in words."""
    match = _PROFILE.match(label)
    if match is None:
        return label
    path = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", match["path"])
    try:
        value = formatting.money(Decimal(match["value"]), lang) if "." in match["value"] else match["value"]
    except ArithmeticError:
        value = match["value"]
    parameter = match["parameter"]
    title = (
        rules.parameters[parameter].title.get(lang)
        if rules is not None and parameter in rules.parameters
        else parameter
    )
    return f"{match['case']} {_h('with', lang)} {fact_label(path, lang)} = {value} ({title})"


def _parameter_lines(old: CompiledRuleSet, new: CompiledRuleSet, lang: str) -> dict[str, str]:
    """For each parameter whose dated values changed: its title and old → new values with dates."""
    out: dict[str, str] = {}
    for pid in sorted(old.parameters.keys() & new.parameters.keys()):
        a, b = old.parameters[pid], new.parameters[pid]
        if _param_values(old, pid) == _param_values(new, pid):
            continue
        parts = []
        for dated in b.values:
            before = a.value_at(dated.valid_from)
            if before is not None and before.value == dated.value:
                continue
            was = parameter_value(before.value, a.type, lang) if before is not None else "—"
            now = parameter_value(dated.value, b.type, lang)
            parts.append(f"{was} → {now} {_h('from', lang, day=formatting.day(dated.valid_from, lang))}")
        if parts:
            out[pid] = f"**{b.title.get(lang)}**: " + "; ".join(parts)
    return out


def to_markdown(
    report: DiffReport,
    lang: str = "nl",
    *,
    old: CompiledRuleSet | None = None,
    new: CompiledRuleSet | None = None,
    impact: Any = None,
) -> str:
    """A reviewer-readable report in ``lang``: parameter values old → new (with the rule sets),
    outcomes in words, and who gains and loses (with an :class:`~aidrules.impact.ImpactReport`)."""
    lines = [f"# {_h('title', lang)} {report.old} → {report.new}", ""]
    if report.effective:
        lines += [_h("effective", lang, day=formatting.day(date.fromisoformat(report.effective), lang)), ""]
    lines += [f"## {_h('changes', lang)}", ""]
    if not report.changes:
        lines.append(_h("no_changes", lang))
    readable = _parameter_lines(old, new, lang) if old is not None and new is not None else {}
    titles: dict[str, str] = {}
    if new is not None:
        titles.update({f"form.{f.id}": f.title.get(lang) for f in new.forms})
        titles.update({f"principle.{p.id}": p.title.get(lang) for p in new.principles})
        titles.update({f"action.{a.id}": a.title.get(lang) for a in new.actions})
        titles.update({f"rule.{v.id}": v.title.get(lang) for v in new.plan if v.kind == "condition"})
    shown: set[str] = set()
    for c in report.changes:
        if c.section == "parameter" and c.kind == "added" and new is not None and c.item in new.parameters:
            spec = new.parameters[c.item]
            values = "; ".join(
                parameter_value(v.value, spec.type, lang)
                + " "
                + _h("from", lang, day=formatting.day(v.valid_from, lang))
                for v in spec.values
            )
            lines.append(f"- **{_h('added', lang)}** — {spec.title.get(lang)}: {values}")
            continue
        if c.section == "parameter" and c.kind == "changed" and c.item in readable:
            if c.item not in shown:
                lines.append(f"- {readable[c.item]}")
                shown.add(c.item)
            continue
        said = _rule_line(c, old, new, lang) if old is not None and new is not None else None
        lines.append(said or f"- **{_h(c.kind, lang)}** — {c.detail}")
    lines += [
        "",
        f"## {_h('fixtures', lang)}",
        "",
        _h("fixtures_count", lang, checked=report.cases_checked, changed=len(report.fixture_impact)),
        "",
    ]
    for o in report.fixture_impact:
        lines.append(f"### {o.case} ({o.on}): {_code(o.before, lang)} → {_code(o.after, lang)}")
        lines.extend(f"- {_difference(d, lang, titles, new)}" for d in o.differences if not d.startswith("value "))
        lines.append("")
    lines += [
        f"## {_h('profiles', lang)}",
        "",
        _h("profiles_count", lang, checked=report.profiles_checked, changed=len(report.profile_impact)),
        "",
    ]
    for o in report.profile_impact:
        lines.append(f"### {_profile_name(o.case, new, lang)}: {_code(o.before, lang)} → {_code(o.after, lang)}")
        lines.extend(f"- {_difference(d, lang, titles, new)}" for d in o.differences if not d.startswith("value "))
        lines.append("")
    if impact is not None:
        body = impact_markdown(impact, lang).split("\n", 1)[1]  # without its own title
        lines += [f"## {_h('who', lang)}", "", body.replace("\n## ", "\n### ")]
    text = "\n".join(lines).rstrip() + "\n"
    # French typography (no-break space before : ; ? !) on every line but addresses (https://…)
    if lang != "fr":
        return text
    return "\n".join(fr(_FR_COLON.sub("\u00a0:", line)) if "://" not in line else line for line in text.split("\n"))
