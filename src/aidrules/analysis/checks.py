"""The static checks of one compiled rule set (``aidrules validate`` runs them after compiling).

Codes (stable; catalogue in ``docs/policy-toolkit.md``):

======  ========  =====================================================================
code    severity  problem
======  ========  =====================================================================
SA101   error     a parameter no rule reads (a council choice that changes nothing)
SA102   warning   a derived value nothing reads and that is not a key figure
SA103   warning   a condition no principle, form, rule or action uses
SA201   error     a condition that never holds
SA202   warning   a condition that always holds
SA203   error     a form that is never eligible
SA204   error     a recommendation rule that never applies
SA205   error     an action that is never proposed
SA301   error     a gap: cases for which no recommendation rule holds and there is no ``otherwise``
SA302   error     an overlap: two rules hold together under ``hit_policy: unique``
SA501   error     a rule reads a protected fact (no decision may depend on it)
SA601   error     the engine cannot evaluate some case (e.g. a division by zero)
SA701   warning   the checks were cut short: their work budget ran out; the items named were not checked
======  ========  =====================================================================

"Never" and "always" are found by search (:mod:`aidrules.analysis.search`), not proved: the
message says how many cases were tried and which values of the facts involved.

The whole search has a work budget (:data:`WORK_BUDGET`, counted in steps, not timed, so the
findings stay deterministic): a rule set from elsewhere with hundreds of conditions that never
hold would otherwise keep ``aidrules validate`` busy for minutes. When it runs out, the items not
yet checked are not reported as findings; one SA701 warning names them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from aidrules.analysis.example import flow
from aidrules.analysis.oracle import Observation
from aidrules.analysis.search import Explorer, Goal, SearchExhausted, goal
from aidrules.errors import Diagnostic, Severity, Span
from aidrules.facts.paths import protected_fields
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.graph import expression_facts
from aidrules.whatif.reads import readers
from aidrules.whatif.space import ON, DateOffset, Dimension

_W = Severity.WARNING

#: The work the checks of one rule set may take (see :class:`aidrules.analysis.search.Explorer`):
#: under 2 s of CPU. The shipped rule sets need less than 50,000.
WORK_BUDGET = 1_000_000


def analyse(rs: CompiledRuleSet, *, seed: int = 0, budget: int | None = WORK_BUDGET) -> list[Diagnostic]:
    """Every static-check diagnostic of ``rs`` (empty for a base layer, which decides nothing).

    ``budget`` bounds the search's work (``None``: no bound); what it leaves unchecked is named
    by one SA701 warning instead of being reported as a finding.
    """
    if not rs.decides:
        return []
    out = unused(rs)
    explorer = Explorer(rs, seed=seed, work_budget=budget)
    out += protected(rs, explorer)
    out += reachability(rs, explorer)
    out += gaps_and_overlaps(rs, explorer)
    out += failures(rs, explorer)
    out += _cut_short(rs, explorer)
    return sorted(out, key=Diagnostic.sort_key)


@contextmanager
def _unless_exhausted(ex: Explorer, what: str, span: Span) -> Iterator[None]:
    """Check one item; when the work budget runs out meanwhile, note it as not checked."""
    try:
        yield
    except SearchExhausted:
        ex.unchecked.append((what, span))


def _cut_short(rs: CompiledRuleSet, ex: Explorer) -> list[Diagnostic]:
    if not ex.unchecked:
        return []
    names = ", ".join(what for what, _ in ex.unchecked[:10])
    more = f" and {len(ex.unchecked) - 10} more" if len(ex.unchecked) > 10 else ""
    return [
        Diagnostic(
            "SA701",
            f"the static checks were cut short after {ex.work:,} steps of work (budget {ex.work_budget:,}): "
            f"{len(ex.unchecked)} item(s) were not checked: {names}{more}; what was checked is reported",
            ex.unchecked[0][1],
            "many conditions that are hard or impossible to satisfy make the search long: simplify them, or "
            "split the rule set; in Python, aidrules.analysis.analyse(rules, budget=...) searches further",
            severity=_W,
        )
    ]


# -- unused -----------------------------------------------------------------------------------
def unused(rs: CompiledRuleSet) -> list[Diagnostic]:
    read: set[str] = set()
    for reader in readers(rs):
        read.update(reader.expr.names)
    if rs.reviews is not None:  # the review rules of a running dossier read parameters too
        read.add(rs.reviews.interval)
        for item in rs.reviews.plan:
            read.update(item.expr.names)
        for review_row in rs.reviews.rows:
            read.update(review_row.when.names)
    used_conditions = set(rs.conditions_used_by) | read
    out = []
    for pid, spec in rs.parameters.items():
        if pid not in read:
            own = spec.span.file == rs.file
            out.append(
                Diagnostic(
                    "SA101",
                    f"parameter `{pid}` is not used by any rule: changing its value changes no decision",
                    spec.span,
                    "remove it, or use it in a derived value, condition, recommendation rule or action"
                    + ("" if own else f" (it comes from an extended layer, {spec.span.file})"),
                    severity=Severity.ERROR if own else _W,
                )
            )
    for item in rs.plan:
        if item.kind == "derived" and item.id not in read and not item.summary:
            out.append(
                Diagnostic(
                    "SA102",
                    f"derived value `{item.id}` is not used by any rule (it only appears among the decision's values)",
                    item.span,
                    "use it, mark it `summary: true` if it is a key figure, or remove it",
                    severity=_W,
                )
            )
        if item.kind == "condition" and item.id not in used_conditions:
            out.append(
                Diagnostic(
                    "SA103",
                    f"condition `{item.id}` is not used by any principle, form, recommendation rule or action",
                    item.span,
                    "add it to a principle's or form's `requires`, or remove it",
                    severity=_W,
                )
            )
    return out


# -- protected facts --------------------------------------------------------------------------
def protected(rs: CompiledRuleSet, ex: Explorer) -> list[Diagnostic]:
    shielded = protected_fields()
    out = []
    for reader in readers(rs):
        for path in expression_facts(reader.expr.node):
            if path not in shielded:
                continue
            example = None
            with _unless_exhausted(ex, f"an example for protected fact `{path}`", reader.span):
                example = _protected_example(ex, reader.ref, path)
            out.append(
                Diagnostic(
                    "SA501",
                    f"{reader.kind.replace('_', ' ')} `{reader.id}` reads the protected fact `{path}`: "
                    f"no decision may depend on it" + (f"; {example}" if example else ""),
                    reader.span,
                    "decide on the facts of the case itself; protected facts (marked `x-protected` in the fact "
                    "schema) are there for the file, not for the decision",
                )
            )
    return out


def _protected_example(ex: Explorer, ref: str, path: str) -> str | None:
    dims = [d for d in ex.space.dimensions if d.path == path]
    for obs in ex.observations[:300]:
        before = ex.scorer.value(obs, ref)
        for dim in dims:
            for value in dim.values:
                if value == obs.assignment.get(dim.key):
                    continue
                a = dict(obs.assignment)
                a[dim.key] = value
                other = ex.observe(a)
                after = ex.scorer.value(other, ref)
                if before is not None and after is not None and before != after:
                    return (
                        f"e.g. with {path} = {flow(obs.assignment.get(dim.key))} it is {_yes(before)}, "
                        f"with {path} = {flow(value)} it is {_yes(after)}, all else equal: {flow(obs.case)}"
                    )
    return None


# -- reachability -----------------------------------------------------------------------------
def reachability(rs: CompiledRuleSet, ex: Explorer) -> list[Diagnostic]:
    out = []
    for item in rs.plan:
        if item.kind == "condition":
            with _unless_exhausted(ex, f"condition `{item.id}`", item.span):
                out.extend(_condition(ex, item.id, item.expr.source, item.span))
    for form in rs.forms:
        g = goal(form.id, [(f"forms.{form.id}", True)])
        with _unless_exhausted(ex, f"form `{form.id}`", form.span):
            found, closest = ex.find(g)
            if found is None:
                out.append(
                    Diagnostic(
                        "SA203",
                        f"form `{form.id}` is never eligible: its requirements never hold together"
                        + _closest(ex, g, closest, f"forms.{form.id}"),
                        form.span,
                        "look for requirements that contradict each other",
                    )
                )
    for i in range(len(rs.rows)):
        with _unless_exhausted(ex, f"recommendation rule {i + 1}", rs.rows[i].span):
            out.extend(_row(rs, ex, i))
    for action in rs.actions:
        g = goal(action.id, [(f"action:{action.id}", True)])
        with _unless_exhausted(ex, f"action `{action.id}`", action.span):
            found, _ = ex.find(g)
            if found is None:
                out.append(
                    Diagnostic(
                        "SA205",
                        f"action `{action.id}` is never proposed: its condition never holds: {_tried(ex, g)}",
                        action.span,
                        f"check `{action.when.source}` against the possible values of the facts it reads",
                    )
                )
    return out


def _condition(ex: Explorer, cid: str, source: str, span: Span) -> list[Diagnostic]:
    found, _ = ex.find(goal(cid, [(cid, True)]))
    if found is None:
        return [
            Diagnostic(
                "SA201",
                f"condition `{cid}` never holds: {_tried(ex, goal(cid, [(cid, True)]))}",
                span,
                f"check `{source}` against the possible values of the facts it reads",
            )
        ]
    found, _ = ex.find(goal(cid, [(cid, False)]))
    if found is None:
        return [
            Diagnostic(
                "SA202",
                f"condition `{cid}` always holds: {_tried(ex, goal(cid, [(cid, False)]))}",
                span,
                "a condition that cannot fail adds nothing to a decision; check it",
                severity=_W,
            )
        ]
    return []


def _row(rs: CompiledRuleSet, ex: Explorer, i: int) -> list[Diagnostic]:
    row = rs.rows[i]
    label = f"recommendation rule {i + 1} (`{row.recommend}`)"
    alone = goal(label, [(f"row:{i}", True)])
    if rs.hit_policy == "first" and i > 0:
        fires = goal(label, [*((f"row:{j}", False) for j in range(i)), (f"row:{i}", True)])
        found, _ = ex.find(fires)
        if found is not None:
            return []
        holds, _ = ex.find(alone)
        if holds is not None:
            example = ex.simplify(holds, lambda o: ex.holds(o, alone))
            earlier = next(j for j in range(i) if example.rows[j])
            return [
                Diagnostic(
                    "SA204",
                    f"{label} never applies: whenever it holds, rule {earlier + 1} (`{rs.rows[earlier].recommend}`) "
                    f"holds too and comes first (hit policy first), e.g. {flow(example.case)}",
                    row.span,
                    "move the rule up, narrow the earlier rule, or remove it",
                )
            ]
    else:
        found, _ = ex.find(alone)
        if found is not None:
            return []
    _, closest = ex.find(alone)
    return [
        Diagnostic(
            "SA204",
            f"{label} never applies: `{row.when.source}` never holds" + _closest(ex, alone, closest, None),
            row.span,
            "check the forms and conditions it needs",
        )
    ]


# -- gaps and overlaps ------------------------------------------------------------------------
def gaps_and_overlaps(rs: CompiledRuleSet, ex: Explorer) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if not rs.rows:
        return out
    if getattr(rs, "otherwise", None) is None:
        g = goal("gap", [(f"row:{i}", False) for i in range(len(rs.rows))])
        with _unless_exhausted(ex, "gaps between the recommendation rules", rs.rows[-1].span):
            out.extend(_gap(rs, ex, g))
    if rs.hit_policy == "unique":
        for i in range(len(rs.rows)):
            for j in range(i + 1, len(rs.rows)):
                with _unless_exhausted(ex, f"overlap of rules {i + 1} and {j + 1}", rs.rows[j].span):
                    out.extend(_overlap(rs, ex, i, j))
    return out


def _gap(rs: CompiledRuleSet, ex: Explorer, g: Goal) -> list[Diagnostic]:
    found, _ = ex.find(g)
    if found is None:
        return []
    example = ex.simplify(found, lambda o: ex.holds(o, g))
    return [
        Diagnostic(
            "SA301",
            "gap: for some cases no recommendation rule holds and there is no `otherwise`, e.g. "
            f"{flow(example.case)} (there {_blocked(rs, ex, example)})",
            rs.rows[-1].span,
            "add `otherwise:` (with `otherwise_because:`) or a rule that covers these cases",
        )
    ]


def _overlap(rs: CompiledRuleSet, ex: Explorer, i: int, j: int) -> list[Diagnostic]:
    g = goal("overlap", [(f"row:{i}", True), (f"row:{j}", True)])
    found, _ = ex.find(g)
    if found is None:
        return []
    example = ex.simplify(found, _holding(ex, g))
    a, b = rs.rows[i], rs.rows[j]
    return [
        Diagnostic(
            "SA302",
            f"overlap: rules {i + 1} (`{a.recommend}`) and {j + 1} (`{b.recommend}`) both hold "
            f"although the hit policy is unique, e.g. {flow(example.case)}",
            b.span,
            "make the rules exclusive (add the negation of one to the other) or use `hit_policy: first`",
        )
    ]


def _holding(ex: Explorer, g: Goal) -> Callable[[Observation], bool]:
    return lambda o: ex.holds(o, g)


def _blocked(rs: CompiledRuleSet, ex: Explorer, obs: Observation) -> str:
    parts = []
    for i, row in enumerate(rs.rows):
        parts.append(f"rule {i + 1} `{row.when.source}` is {_yes(obs.rows[i])}")
    return "; ".join(parts)


# -- runtime failures -------------------------------------------------------------------------
def failures(rs: CompiledRuleSet, ex: Explorer) -> list[Diagnostic]:
    spans = {item.id: item.span for item in rs.plan}
    for obs in ex.oracle.cache.values():
        if obs.error is None:
            continue
        where = obs.error.split(": ", 2)
        span = next((spans[p] for p in where if p in spans), Span(rs.file, 1, 1))
        return [
            Diagnostic(
                "SA601",
                f"the engine cannot evaluate this case: {obs.error.strip()}; e.g. {flow(obs.case)}",
                span,
                "guard the expression (e.g. `x / y if y > 0 else 0`)",
            )
        ]
    return []


# -- wording ----------------------------------------------------------------------------------
def _yes(value: bool | None) -> str:
    return "unknown" if value is None else ("true" if value else "false")


def _tried(ex: Explorer, g: Goal) -> str:
    dims = [d for d in ex.space.relevant(ex.scorer.facts_of(g)) if d.key != ON]
    shown = "; ".join(_values(d) for d in dims[:6]) or "no facts (it depends on parameters only)"
    more = f" and {len(dims) - 6} more" if len(dims) > 6 else ""
    return f"not in any of the {len(ex.oracle.cache)} cases tried, with {shown}{more}"


def _values(d: Dimension) -> str:
    vals = [v for v in d.values if not isinstance(v, DateOffset)]
    if any(isinstance(v, DateOffset) for v in d.values):
        return f"{d.key}: dates around every month/year threshold"
    if len(vals) <= 8:
        return f"{d.key} ∈ {{{', '.join(flow(v) for v in vals)}}}"
    return f"{d.key}: {len(vals)} values from {flow(vals[0])} to {flow(vals[-1])}"


def _closest(ex: Explorer, g: Goal, closest: Observation | None, ref: str | None) -> str:
    if closest is None:
        return ""
    failing = _failing(ex, closest, [lit.ref for lit in g.lits] if ref is None else [ref])
    return f"; closest case {flow(closest.case)}, where still false: {', '.join(failing) or '-'}"


def _failing(ex: Explorer, obs: Observation, refs: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()

    def visit(ref: str) -> None:
        if ref in seen:
            return
        seen.add(ref)
        reqs = ex.scorer.requirements(ref)
        if reqs:
            for r in reqs:
                visit(r)
        elif ex.scorer.value(obs, ref) is not True:
            out.append(ref)

    for ref in refs:
        visit(ref)
    return out
