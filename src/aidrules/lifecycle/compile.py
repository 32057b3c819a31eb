"""Compiling the ``reviews:`` section of a rule file (a stage of :mod:`aidrules.ruleset.compile`).

Review expressions see the review facts (``dossier``, ``progress``, ``situation``), the rule
set's parameters, the review's own derived values and conditions, ``decision_date`` (the review
date) and ``review_due_on`` (the last review, or the start of the form when there was none, plus
the review interval). They do not see the case facts or the case's derived values: a review
judges the running dossier, not a new application.

Diagnostic codes: RS601 unknown reference, RS602 a row's outcome and its fields do not fit,
RS603 the interval is not a whole-number parameter from 1 to ``MAX_REVIEW_INTERVAL_MONTHS``,
RS604 the overdue condition is not a review condition,
RS605 (warning) a stop reason no row uses; RS105 and RS301 as elsewhere.
"""

from __future__ import annotations

from typing import Protocol

from aidrules.codes import Code
from aidrules.errors import Diagnostic, Severity, did_you_mean
from aidrules.expr import types as t
from aidrules.expr.compiler import DECISION_DATE, CompiledExpression, Environment
from aidrules.lifecycle.model import REVIEW_ROOTS, review_fact_type
from aidrules.lifecycle.spec import REVIEW_DUE_ON, ReviewRow, ReviewSpec, StopReasonSpec
from aidrules.readers.yamlload import Path as YPath
from aidrules.readers.yamlload import YamlDocument
from aidrules.ruleset.compiled import NamedValue, ParameterSpec, Template
from aidrules.ruleset.schema import Reviews, RuleSetFile, Texts

#: The longest review interval a rule file may set (ten years): review dates are computed from it.
MAX_REVIEW_INTERVAL_MONTHS = 120


class StageHost(Protocol):
    """What the rule-set compiler offers a stage (its helpers and what earlier stages built)."""

    doc: YamlDocument
    diagnostics: list[Diagnostic]
    model: RuleSetFile | None
    env: Environment | None
    parameters: dict[str, ParameterSpec]

    def error(self, code: Code, message: str, path: YPath, hint: str | None = None, key: bool = False) -> None: ...

    def compile_expr(self, source: str, path: YPath, expected: t.Type | None) -> CompiledExpression | None: ...

    def template(self, texts: Texts, path: YPath) -> Template: ...

    def shown(self, expr: CompiledExpression) -> tuple[tuple[str, CompiledExpression], ...]: ...


def compile_reviews(host: StageHost) -> ReviewSpec | None:
    """Check and compile ``reviews:``; ``None`` when the rule set has no review rules."""
    assert host.model is not None
    reviews = host.model.reviews
    if reviews is None:
        return None
    saved = host.env
    try:
        return _Reviews(host, host.model, reviews).run()
    finally:
        host.env = saved


class _Reviews:
    def __init__(self, host: StageHost, model: RuleSetFile, reviews: Reviews) -> None:
        self.host = host
        self.model = model
        self.reviews = reviews

    def run(self) -> ReviewSpec | None:
        host, r = self.host, self.reviews
        names, tables = self.environment()
        host.env = Environment(review_fact_type(), names, tables)
        named: dict[str, NamedValue] = {}
        for did, derived in r.derived.items():
            typ = names[did]
            expr = host.compile_expr(derived.expr, ("reviews", "derived", did, "expr"), typ)
            if expr is not None:
                named[did] = NamedValue(
                    did,
                    "derived",
                    derived.title,
                    typ,
                    expr,
                    derived.source,
                    host.doc.span(("reviews", "derived", did), key=True),
                    summary=derived.summary,
                )
        for cid, cond in r.conditions.items():
            base: YPath = ("reviews", "conditions", cid)
            expr = host.compile_expr(cond.when, (*base, "when"), t.BOOL)
            messages = {
                "true": host.template(cond.explain.if_true, (*base, "explain", "if_true")),
                "false": host.template(cond.explain.if_false, (*base, "explain", "if_false")),
            }
            if cond.explain.if_unknown is not None:
                messages["unknown"] = host.template(cond.explain.if_unknown, (*base, "explain", "if_unknown"))
            if expr is not None:
                named[cid] = NamedValue(
                    cid,
                    "condition",
                    cond.title,
                    t.BOOL,
                    expr,
                    cond.source,
                    host.doc.span(base, key=True),
                    messages,
                    host.shown(expr),
                )
        stop_reasons = tuple(
            StopReasonSpec(sid, s.title, s.description, s.source, host.doc.span(("reviews", "stop_reasons", sid), True))
            for sid, s in r.stop_reasons.items()
        )
        rows = self.rows()
        otherwise = host.template(r.otherwise_because, ("reviews", "otherwise_because"))
        self.check_references()
        order = self.order(named)
        if self.has_errors() or order is None:
            return None
        return ReviewSpec(
            interval=r.interval,
            overdue=r.overdue,
            plan=tuple(named[k] for k in order),
            stop_reasons=stop_reasons,
            rows=tuple(rows),
            otherwise_because=otherwise,
            otherwise_source=r.otherwise_source,
        )

    def environment(self) -> tuple[dict[str, t.Type], dict[str, t.Table]]:
        host, r, m = self.host, self.reviews, self.model
        names: dict[str, t.Type] = {}
        tables: dict[str, t.Table] = {}
        for pid, spec in host.parameters.items():
            if isinstance(spec.type, t.Table):
                tables[pid] = spec.type
            else:
                names[pid] = spec.type
        taken = {**dict.fromkeys(m.parameters, "parameters"), **dict.fromkeys(m.derived, "derived")}
        taken.update(dict.fromkeys(m.conditions, "conditions"))
        reserved = {*REVIEW_ROOTS, DECISION_DATE, REVIEW_DUE_ON, "principles", "forms", "recommendation"}
        for section, ids in (("derived", r.derived), ("conditions", r.conditions)):
            for item_id in ids:
                path: YPath = ("reviews", section, item_id)
                if item_id in reserved or item_id.split(".")[0] in reserved:
                    host.error(
                        "RS105", f"`{item_id}` is a reserved name (a review fact or a namespace)", path, None, True
                    )
                elif item_id in taken:
                    where = taken[item_id]
                    where = where if where.startswith("reviews.") else f"`{where}`"
                    host.error(
                        "RS105",
                        f"`{item_id}` is already defined in {where}",
                        path,
                        "ids must be unique in the whole rule file, reviews included",
                        True,
                    )
                taken[item_id] = f"reviews.{section}"
        for did, derived in r.derived.items():
            typ = t.type_from_name(derived.type)
            assert typ is not None
            names[did] = typ
        for cid in r.conditions:
            names[cid] = t.BOOL
        names[REVIEW_DUE_ON] = t.DATE
        return names, tables

    def rows(self) -> list[ReviewRow]:
        host, r = self.host, self.reviews
        out = []
        for i, row in enumerate(r.rules):
            path: YPath = ("reviews", "rules", i)
            if row.outcome == "stop" and row.stop_reason is None:
                host.error("RS602", "a `stop` row needs a `stop_reason`", path, "name one of `reviews.stop_reasons`")
            if row.outcome != "stop" and row.stop_reason is not None:
                host.error(
                    "RS602", f"only a `stop` row has a `stop_reason`, not `{row.outcome}`", (*path, "stop_reason")
                )
            if row.outcome == "step_down" and row.to_form is None:
                host.error("RS602", "a `step_down` row needs `to_form`, the lighter form", path, "e.g. budget_guidance")
            if row.outcome != "step_down" and row.to_form is not None:
                host.error("RS602", f"only a `step_down` row has `to_form`, not `{row.outcome}`", (*path, "to_form"))
            if row.stop_reason is not None and row.stop_reason not in r.stop_reasons:
                host.error(
                    "RS601",
                    f"unknown stop reason `{row.stop_reason}`",
                    (*path, "stop_reason"),
                    did_you_mean(row.stop_reason, list(r.stop_reasons)) or "add it under `reviews.stop_reasons`",
                )
            if row.to_form is not None and row.to_form not in self.model.forms:
                host.error(
                    "RS601",
                    f"`to_form` names unknown form `{row.to_form}`",
                    (*path, "to_form"),
                    did_you_mean(row.to_form, list(self.model.forms)),
                )
            when = host.compile_expr(row.when, (*path, "when"), t.BOOL)
            because = host.template(row.because, (*path, "because"))
            if when is not None:
                out.append(
                    ReviewRow(
                        row.outcome,
                        row.stop_reason,
                        row.to_form,
                        when,
                        because,
                        row.source,
                        host.shown(when),
                        host.doc.span(path),
                    )
                )
        return out

    def check_references(self) -> None:
        host, r = self.host, self.reviews
        spec = host.parameters.get(r.interval)
        if spec is None:
            host.error(
                "RS603",
                f"`interval` names unknown parameter `{r.interval}`",
                ("reviews", "interval"),
                did_you_mean(r.interval, list(host.parameters))
                or "add an integer parameter such as review_interval_months",
            )
        elif not (isinstance(spec.type, t.Number) and spec.type.integer):
            host.error(
                "RS603",
                f"the review interval `{r.interval}` must be a whole number of months, not {spec.type.describe()}",
                ("reviews", "interval"),
                "declare the parameter with `type: integer`",
            )
        else:
            written = host.model.parameters[r.interval].values if host.model is not None else []
            for i, entry in enumerate(written):
                value = entry.value
                if not isinstance(value, int) or 1 <= value <= MAX_REVIEW_INTERVAL_MONTHS:
                    continue
                # Read where the value is written: the date arithmetic of every review and journal
                # entry (review_due_on, next review) would otherwise fail on a huge interval.
                message = f"the review interval must be between 1 and {MAX_REVIEW_INTERVAL_MONTHS} months, got {value}"
                host.error(
                    "RS603",
                    message,
                    ("parameters", r.interval, "values", i, "value"),
                    f"a running dossier is reviewed at least every few months (at most every "
                    f"{MAX_REVIEW_INTERVAL_MONTHS // 12} years)",
                )
        if r.overdue not in r.conditions:
            host.error(
                "RS604",
                f"`overdue` names `{r.overdue}`, which is not a condition under `reviews.conditions`",
                ("reviews", "overdue"),
                did_you_mean(r.overdue, list(r.conditions)),
            )
        used = {row.stop_reason for row in r.rules}
        for sid in r.stop_reasons:
            if sid not in used:
                host.diagnostics.append(
                    Diagnostic(
                        "RS605",
                        f"stop reason `{sid}` is never used by a review rule",
                        host.doc.span(("reviews", "stop_reasons", sid), key=True),
                        "add a `stop` row for it, or remove it from the list",
                        severity=Severity.WARNING,
                    )
                )

    def order(self, named: dict[str, NamedValue]) -> list[str] | None:
        """Dependency order of the review's derived values and conditions; ``None`` on a cycle."""
        graph = {k: sorted(n for n in v.expr.names if n in named) for k, v in named.items()}
        state: dict[str, int] = {}
        order: list[str] = []
        stack: list[str] = []
        failed = False

        def visit(node: str) -> None:
            nonlocal failed
            state[node] = 1
            stack.append(node)
            for dep in graph[node]:
                if state.get(dep) == 1:
                    cycle = [*stack[stack.index(dep) :], dep]
                    section = "derived" if named[dep].kind == "derived" else "conditions"
                    self.host.error(
                        "RS301",
                        "circular definition: " + " → ".join(cycle),
                        ("reviews", section, dep),
                        "a value cannot depend on itself; break the cycle",
                        True,
                    )
                    failed = True
                elif state.get(dep) is None:
                    visit(dep)
            stack.pop()
            state[node] = 2
            order.append(node)

        for node in graph:
            if node not in state:
                visit(node)
        return None if failed else order

    def has_errors(self) -> bool:
        return any(d.severity == Severity.ERROR for d in self.host.diagnostics)
