"""Assembling: the views of an :class:`EvaluationRecord` that people read.

:func:`decision` makes the :class:`Decision` of a record at once with the values that are cheap
(recommendation, missing facts, derived values, stamp, date); its reasons, messages, principles,
forms and actions are built by :class:`Assembly` only when one of them is first read (see
:class:`aidrules.engine.decision.Decision`). :func:`trace_events` gives the trace of a record.

Speed (``docs/performance.md``): a reason is a pure function of its rule, the outcome, the values
it shows and the values its message names, so equal inputs share one immutable :class:`Reason`
(cached per rule in the :class:`~aidrules.engine.prepare.PreparedRuleSet`). Decision models are
built with ``model_construct``: their data is made here and is valid by construction (a
conformance test validates it again for every fixture).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from aidrules.engine import jsonwrite
from aidrules.engine.admit import failure
from aidrules.engine.decision import (
    ActionResult,
    Decision,
    FormResult,
    PrincipleResult,
    Reason,
    Shape,
)
from aidrules.engine.messages import MessageText
from aidrules.engine.prepare import Fragment, Memo, PreparedCondition, PreparedRuleSet, construct
from aidrules.engine.record import EvaluationRecord
from aidrules.engine.trace import TraceEvent, Tracer, derived_event
from aidrules.expr.compiler import CompiledExpression
from aidrules.expr.runtime import Context, ExpressionFailure, Unknown, json_value, missing_facts
from aidrules.ruleset.compiled import ActionSpec
from aidrules.text.interface import ui
from aidrules.words.labels import facts_text

Outcome = bool | Unknown
Fn = Callable[[Context], Any]


def decision(record: EvaluationRecord, prep: PreparedRuleSet, tracer: Tracer | None = None) -> Decision:
    """The Decision of ``record``, its reasons built when first read; with a ``tracer``, the
    record's trace events are given to it first."""
    if tracer is not None:
        for event in trace_events(record, prep):
            tracer(event)
    assembly = Assembly(record, prep)
    assembly.fields = {
        "recommendation": record.recommendation,
        "ruleset": prep.stamp,
        "on": record.day,
        "lang": record.lang,
    }
    return Decision.lazy(assembly.fields, assembly.parts, assembly.json, assembly.recorded)


def full_decision(record: EvaluationRecord, prep: PreparedRuleSet) -> Decision:
    """The Decision of ``record`` with every field built now."""
    found = decision(record, prep)
    found.materialise()
    return found


def trace_events(record: EvaluationRecord, prep: PreparedRuleSet) -> Iterator[TraceEvent]:
    """The trace of ``record``, in evaluation order: the parameters read (with the date and source
    of their value), derived values and conditions in plan order, principles, forms, the
    recommendation, then actions."""
    for pid, dated in record.parameters_read():
        yield TraceEvent("parameter", pid, dated.value, valid_from=dated.valid_from, source=dated.source)
    assembly = Assembly(record, prep)
    values = record.values
    conditions = iter(prep.conditions)
    for item in prep.rs.plan:
        value = values[item.id]
        if item.kind == "derived":
            yield derived_event(item.id, value)
            continue
        reason = assembly.condition_reason(next(conditions), value)
        yield TraceEvent(
            "condition",
            item.id,
            reason.outcome,
            dict(reason.values),
            tuple(reason.missing_facts),
            source=item.source,
        )
    for p in prep.rs.principles:
        outcome = values[f"principles.{p.id}"]
        yield TraceEvent(
            "principle", p.id, _outcome(outcome), missing_facts=tuple(missing_facts(outcome)), source=p.source
        )
    for f in prep.rs.forms:
        outcome = values[f"forms.{f.id}"]
        yield TraceEvent("form", f.id, _outcome(outcome), missing_facts=tuple(missing_facts(outcome)), source=f.source)
    yield TraceEvent(
        "recommendation",
        record.recommendation,
        None if record.unknown else True,
        missing_facts=tuple(sorted(record.unknown)),
    )
    for a, when in zip(prep.rs.actions, record.whens, strict=True):
        yield TraceEvent("action", a.id, _outcome(when), missing_facts=tuple(missing_facts(when)), source=a.source)


class Assembly:
    """Building the reasons, principles, forms and actions of one record."""

    def __init__(self, record: EvaluationRecord, prep: PreparedRuleSet) -> None:
        self.record = record
        self.prep = prep
        self.rs = prep.rs
        self.lang = record.lang
        self.ctx = record.ctx
        self.values = record.values
        #: the Decision's fields that are set at once (missing facts, values, ...), when it has one
        self.fields: dict[str, Any] = {}

    def parts(self) -> dict[str, Any]:
        """The Decision's fields that hold reasons: forms, principles, actions, reasons (and the
        provenance map)."""
        conditions = self.condition_fragments()
        forms, principles = self.group_parts(conditions)
        return {
            "forms": {
                fid: construct(FormResult, {"status": status, "reasons": [f.reason for f in found]})
                for fid, status, found in forms
            },
            "principles": {
                pid: construct(PrincipleResult, {"status": status, "reasons": [f.reason for f in found]})
                for pid, status, found in principles
            },
            "actions": [
                construct(ActionResult, {"id": aid, "status": status, "values": values, "reasons": [found.reason]})
                for aid, status, values, found in self.action_parts()
            ],
            "reasons": [self.recommendation_fragment().reason, *(f.reason for f in conditions.values())],
            "provenance": dict(self.prep.provenance),
        }

    def recorded(self) -> dict[str, Any]:
        """The Decision's fields read from the record: its missing facts and derived values."""
        record = self.record
        return {"missing_facts": record.missing_facts(), "values": record.derived_values()}

    def json(self, compact: bool) -> str:
        """The Decision's ``to_json(compact=compact)``, written from the record (``engine/jsonwrite.py``)."""
        return jsonwrite.write(self, compact)

    # -- the parts, as shared reasons (fragments): the Decision's fields and its JSON are built from them
    def condition_fragments(self) -> dict[str, Fragment]:
        """The reason of every condition, by condition id, in plan order: the rule set's generated
        loop in this language (``PreparedRuleSet.condition_loop``: each condition's values read
        inline, its cache key looked up or, when its cache keeps nothing, its reason made
        inline), which leaves the keys not found, unknown outcomes and errors to
        :meth:`condition_fragment`. The same reasons as
        :meth:`interpreted_condition_fragments` (a test compares them on generated cases)."""
        prep, lang = self.prep, self.lang
        loop = prep.condition_loops.get(lang) or prep.condition_loop(lang)
        return loop(self.ctx, lang, self.condition_fragment)

    def condition_texts(self) -> list[str]:
        """The compact texts of the conditions' reasons, in plan order: the rule set's generated
        loop in this language that writes them (``PreparedRuleSet.compact_loop``; a reason its
        cache keeps nothing of is written without being made). The texts of
        :meth:`condition_fragments` (a test compares them on generated cases)."""
        prep, lang = self.prep, self.lang
        loop = prep.compact_loops.get(lang) or prep.compact_loop(lang)
        return loop(self.ctx, lang, self.condition_fragment)

    def interpreted_condition_fragments(self) -> dict[str, Fragment]:
        """:meth:`condition_fragments` as a loop over the prepared conditions (each key from its
        generated function): the reference the generated loop is compared with."""
        values, lang, ctx = self.values, self.lang, self.ctx
        reasons: dict[str, Fragment] = {}
        # the common cases inline: a reason found in its cache, or a cache that keeps nothing (its
        # reasons do not repeat: made at once, without a key); the rest (and errors) below
        for cond, cid, memo, keys, reads in self.prep.condition_rows[lang]:
            outcome = values[cid]
            if outcome is True or outcome is False:
                if memo.cap:
                    try:
                        key = keys[outcome](ctx, lang)
                    except (ExpressionFailure, ArithmeticError):
                        reasons[cid] = self.condition_fragment(cond, outcome)  # raises, naming the value
                        continue
                    found = memo.entries.get(key)
                    if found is not None:
                        memo.hits += 1
                        reasons[cid] = found
                    else:
                        reasons[cid] = self.condition_fragment(cond, outcome, key)
                    continue
                fns, text = reads[outcome]
                try:
                    read = [fn(ctx) for fn in fns]
                except (ExpressionFailure, ArithmeticError):
                    reasons[cid] = self.condition_fragment(cond, outcome)  # raises, naming the value
                    continue
                memo.skip()
                width = cond.width
                reasons[cid] = Fragment(
                    cid,
                    "condition",
                    outcome,
                    text.render(read[width:], lang),  # type: ignore[union-attr]
                    {
                        name: None if value.__class__ is Unknown else value
                        for name, value in zip(cond.shown_names, read[:width], strict=True)
                    },
                    cond.source,
                    [],
                    cond.shapes[outcome],
                )
                continue
            reasons[cid] = self.condition_fragment(cond, outcome)
        return reasons

    def summaries(self) -> tuple[list[str], list[str], list[Fragment], list[Fragment | None], list[Fragment]]:
        """The statuses of the forms and of the principles, and the reasons that sum them up: each
        form's, each principle's as part of a form (None: in no form), each principle's."""
        values, prep = self.values, self.prep
        outcomes = prep.group_outcomes(values)
        by_outcomes = prep.summaries_by_outcomes[self.lang]
        found_all = by_outcomes.get(outcomes)
        if found_all is not None:
            return found_all
        found_all = self._summaries()
        if len(by_outcomes) < prep.MAX_OUTCOMES and all(o is True or o is False for o in outcomes):
            by_outcomes[outcomes] = found_all
        return found_all

    def summary_texts(self) -> tuple[list[str], list[str], list[str | None]]:
        """The statuses of the forms and of the principles, and the compact texts of the reasons
        that sum them up (:meth:`summaries`: the forms', the principles' as part of a form, None
        for a principle in no form, the principles'), kept per language by the outcomes of the
        forms and principles (those with an unknown outcome apart: ``summary_texts_unknown``)."""
        prep = self.prep
        outcomes = prep.group_outcomes(self.values)
        by_outcomes = prep.summary_texts_by_outcomes[self.lang]
        found = by_outcomes.get(outcomes)
        if found is not None:
            return found
        known = all(o is True or o is False for o in outcomes)
        if not known:  # an unknown outcome: its summaries name its facts (an Unknown is equal by them)
            by_outcomes = prep.summary_texts_unknown[self.lang]
            found = by_outcomes.get(outcomes)
            if found is not None:
                return found
        form_statuses, principle_statuses, form_summaries, in_forms, principle_summaries = self.summaries()
        texts = [
            None if f is None else f.compact or f.fill_compact()
            for f in (*form_summaries, *in_forms, *principle_summaries)
        ]
        found = (form_statuses, principle_statuses, texts)
        if known:
            if len(by_outcomes) < prep.MAX_OUTCOMES:
                by_outcomes[outcomes] = found
        else:
            if len(by_outcomes) >= prep.MAX_OUTCOMES:
                by_outcomes.clear()
            by_outcomes[outcomes] = found
        return found

    def _summaries(self) -> tuple[list[str], list[str], list[Fragment], list[Fragment | None], list[Fragment]]:
        values, prep = self.values, self.prep
        known = prep.summaries_known[self.lang]  # by slot and outcome (False, True): made once
        form_statuses = []
        form_summaries = []
        for pair, (f, key, _) in zip(known, prep.forms, strict=False):  # known: the forms first
            outcome = values[key]
            if outcome is True or outcome is False:
                found = pair[outcome]
                if found is None:
                    found = pair[outcome] = self.summary_fragment(key, "form", outcome, f.title, f.source)
                form_statuses.append("eligible" if outcome else "ineligible")
                form_summaries.append(found)
                continue
            form_statuses.append(_status(outcome, "eligible", "ineligible"))
            form_summaries.append(self.summary_fragment(key, "form", outcome, f.title, f.source))
        principle_statuses = []
        principle_summaries = []
        in_forms: list[Fragment | None] = []
        n_forms, n_principles = len(prep.forms), len(prep.principles)
        for j, ((p, key, _), used) in enumerate(zip(prep.principles, prep.principles_in_forms, strict=True)):
            outcome = values[key]
            if outcome is True or outcome is False:
                pair = known[n_forms + j]
                found = pair[outcome]
                if found is None:
                    found = pair[outcome] = self.summary_fragment(key, "principle", outcome, p.title, p.source)
                principle_statuses.append("satisfied" if outcome else "not_satisfied")
                principle_summaries.append(found)
                if used:
                    pair = known[n_forms + n_principles + j]
                    found = pair[outcome]
                    if found is None:
                        found = pair[outcome] = self.summary_fragment(key, "principle", outcome, None, None)
                    in_forms.append(found)
                else:
                    in_forms.append(None)
                continue
            principle_statuses.append(_status(outcome, "satisfied", "not_satisfied"))
            principle_summaries.append(self.summary_fragment(key, "principle", outcome, p.title, p.source))
            in_forms.append(self.summary_fragment(key, "principle", outcome, None, None) if used else None)
        return form_statuses, principle_statuses, form_summaries, in_forms, principle_summaries

    def group_parts(
        self, conditions: dict[str, Fragment]
    ) -> tuple[list[tuple[str, str, list[Fragment]]], list[tuple[str, str, list[Fragment]]]]:
        """Each form's and each principle's id, status and reasons. A form's: its summary, its
        principles' (as part of a form), then those of its conditions; a principle's: its summary,
        then those of its conditions. A principle's reason as part of a form is one for all forms."""
        form_statuses, principle_statuses, form_summaries, in_forms, principle_summaries = self.summaries()
        prep = self.prep
        index = prep.principle_index
        forms = []
        for (f, _, _), status, summary in zip(prep.forms, form_statuses, form_summaries, strict=True):
            parts = [summary]
            parts += [in_forms[index[pid]] for pid in f.principles]  # type: ignore[misc]
            parts += [conditions[c] for c in f.requires]
            forms.append((f.id, status, parts))
        principles = []
        for (p, _, requires), status, summary in zip(
            prep.principles, principle_statuses, principle_summaries, strict=True
        ):
            principles.append((p.id, status, [summary, *(conditions[c] for c in requires)]))
        return forms, principles

    def action_parts(self) -> list[tuple[str, str, dict[str, Any], Fragment]]:
        """Each action that is not ruled out: its id, status, values (as JSON scalars) and reason."""
        out: list[tuple[str, str, dict[str, Any], Fragment]] = []
        lang, prep, values = self.lang, self.prep, self.values
        ctx = self.ctx
        for a, when, texts, shown_fns, memo, undetermined, shape, names in zip(
            self.rs.actions,
            self.record.whens,
            prep.action_texts,
            prep.action_shown,
            prep.action_memos,
            prep.undetermined_memos,
            prep.action_shapes,
            prep.action_value_names,
            strict=True,
        ):
            if when is False:
                continue
            try:
                shown = [fn(ctx) for fn in shown_fns]
            except (ExpressionFailure, ArithmeticError):
                shown = self.shown(a.shown, f"actions.{a.id}.when")  # raises, naming the value that failed
            if when.__class__ is Unknown:
                out.append((a.id, "undetermined", {}, self.undetermined_fragment(a, when, shown, undetermined)))
                continue
            assert texts is not None
            text = texts[lang]
            parts = self.values_of(text.fns, f"actions.{a.id}.explain")
            if memo.cap:
                key = (lang, True, *[str(v) if v.__class__ is Decimal else v for v in (*shown, *parts)])
                found = memo.get(key)
                if found is None:
                    found = memo.keep(key, self.proposed_fragment(a, text, shown, parts, shape))
            else:  # its reasons do not repeat: made without a key
                memo.skip()
                found = self.proposed_fragment(a, text, shown, parts, shape)
            computed = {}
            for vid, name in names:
                v = values[name]
                computed[vid] = None if v.__class__ is Unknown else v
            out.append((a.id, "proposed", computed, found))
        return out

    def action_texts(self, base: int) -> tuple[list[str], list[str]] | None:
        """The texts of the actions not ruled out in the compact JSON (an action proposed refers
        to its reason by number, from ``base``) and the compact texts of their reasons, from the
        rule set's generated loop in this language (``PreparedRuleSet.action_loop``; an
        undetermined action's reason from :meth:`undetermined_action`); None when
        :meth:`action_parts` must give them (a value that fails)."""
        prep, lang = self.prep, self.lang
        loop = prep.action_loops.get(lang) or prep.action_loop(lang)
        return loop(self.ctx, lang, self.record.whens, base, self.undetermined_action)

    def undetermined_action(self, index: int) -> Fragment:
        """The reason of the action at ``index``, whose ``when`` is unknown."""
        a, prep = self.rs.actions[index], self.prep
        ctx = self.ctx
        try:
            shown = [fn(ctx) for fn in prep.action_shown[index]]
        except (ExpressionFailure, ArithmeticError):
            shown = self.shown(a.shown, f"actions.{a.id}.when")  # raises, naming the value that failed
        return self.undetermined_fragment(a, self.record.whens[index], shown, prep.undetermined_memos[index])

    def undetermined_fragment(self, a: ActionSpec, when: Unknown, shown: list[Any], memo: Memo) -> Fragment:
        """The reason of the action ``a`` whose ``when`` is unknown, showing ``shown``, from or into
        ``memo`` (the action's cache of undetermined reasons, ``PreparedRuleSet.undetermined_memos``)."""
        lang = self.lang
        key: tuple[Any, ...] = (lang, when, *map(_key, shown))
        found = memo.get(key)
        if found is None:
            facts = sorted(when.facts)
            found = memo.keep(
                key,
                Fragment(
                    f"actions.{a.id}",
                    "action",
                    None,
                    ui("action_undetermined", lang, title=a.title.get(lang), facts=facts_text(facts, lang)),
                    self.shown_values(a.shown, shown),
                    a.source,
                    facts,
                ),
            )
        return found

    # -- reasons ---------------------------------------------------------------------------------
    def proposed_fragment(
        self, a: ActionSpec, text: MessageText, shown: list[Any], parts: list[Any], shape: Shape | None
    ) -> Fragment:
        """The reason of the proposed action ``a``: its message written with the values it names."""
        return Fragment(
            f"actions.{a.id}",
            "action",
            True,
            text.render(parts, self.lang),
            self.shown_values(a.shown, shown),
            a.source,
            [],
            shape,
        )

    def unknown_message(self, cond: PreparedCondition, outcome: Unknown, facts: list[str]) -> str:
        """The message of ``cond``'s reason when its outcome is unknown and it has no message of its
        own (its title and the facts that would settle it), kept by condition, language and facts
        (``PreparedRuleSet.unknown_messages``): a reason that shows a case's amounts is made again
        for each case, its message is not."""
        lang = self.lang
        key = (cond.id, lang, outcome.facts)
        messages = self.prep.unknown_messages
        found = messages.get(key)
        if found is None:
            found = ui("unknown_outcome", lang, title=cond.title.get(lang), facts=facts_text(facts, lang))
            if len(messages) >= self.prep.MAX_OUTCOMES:
                messages.clear()
            messages[key] = found
        return found

    def condition_reason(self, cond: PreparedCondition, outcome: Outcome) -> Reason:
        return self.condition_fragment(cond, outcome).reason

    def condition_fragment(
        self, cond: PreparedCondition, outcome: Outcome, known: tuple[Any, ...] | None = None
    ) -> Fragment:
        """The reason of ``cond`` (``known``: its cache key, already computed and not found)."""
        lang = self.lang
        ctx = self.ctx
        unknown = outcome.__class__ is Unknown
        simple = None if unknown else outcome
        if known is not None:
            key = known
        else:
            try:
                key = cond.keys[simple][lang](ctx, lang)  # type: ignore[index]
            except (ExpressionFailure, ArithmeticError):
                self.shown(cond.shown, f"conditions.{cond.id}.when")  # raises, naming the value that failed
                self.values_of(cond.reads[simple][lang][0], _message_place(cond.id, None if unknown else bool(outcome)))  # type: ignore[index]
                raise  # pragma: no cover - one of the two above raised
            if unknown:
                key += (outcome,)
            found = (cond.unknown_memo if unknown else cond.memo).get(key)
            if found is not None:
                return found
        fns, text = cond.reads[simple][lang]  # type: ignore[index]
        if known is not None:  # the key holds the values read (lang, outcome, *values), amounts as text
            read = [
                Decimal(v) if number and v.__class__ is str else v
                for v, number in zip(known[2:], cond.numbers[simple][lang], strict=True)  # type: ignore[index]
            ]
        else:
            read = [fn(ctx) for fn in fns]
        raw, parts = read[: cond.width], read[cond.width :]
        if unknown:
            facts = sorted(outcome.facts)  # type: ignore[union-attr]
            message = text.render(parts, lang) if text is not None else self.unknown_message(cond, outcome, facts)  # type: ignore[arg-type]
        else:
            facts = []
            assert text is not None
            message = text.render(parts, lang)
        return (cond.unknown_memo if unknown else cond.memo).keep(
            key,
            Fragment(
                cond.id,
                "condition",
                None if unknown else bool(outcome),
                message,
                {name: json_value(value) for name, value in zip(cond.shown_names, raw, strict=True)},
                cond.source,
                facts,
                None if unknown else cond.shapes[outcome],  # type: ignore[index]
            ),
        )

    def summary_fragment(self, rule: str, kind: str, outcome: Outcome, title: Any, source: str | None) -> Fragment:
        """The reason of a principle or form (``title`` None: a principle as part of a form)."""
        lang = self.lang
        key = ("s", rule, lang, outcome, title is None)  # an Unknown outcome hashes by its facts
        found = self.prep.cache.get(key)
        if found is not None:
            return found
        if kind == "form":
            status = _status(outcome, "eligible", "ineligible")
        else:
            status = _status(outcome, "satisfied", "not_satisfied")
        if title is None:
            title = self.prep.principle_titles[rule.removeprefix("principles.")]
        return self.prep.remember(
            key,
            Fragment(
                rule,
                kind,
                _outcome(outcome),
                ui(f"{kind}_{status}", lang, title=title.get(lang)),
                {},
                source,
                missing_facts(outcome),
            ),
        )

    def recommendation_fragment(self) -> Fragment:
        """The reason of the recommendation."""
        record = self.record
        chosen, index, unknown = record.recommendation, record.row, record.unknown
        lang = self.lang
        key = ("r", lang, chosen, index, unknown)
        found = self.prep.cache.get(key)
        if found is not None:
            return found
        outcome: bool | None = True
        if unknown:
            outcome = None
            message = ui("recommendation_undetermined", lang, facts=facts_text(sorted(unknown), lang))
        else:
            texts = self.rs.rows[index].because if index >= 0 else self.rs.otherwise_because
            assert texts is not None
            message = texts.get(lang)
        return self.prep.remember(
            key,
            Fragment(
                "recommendation", "recommendation", outcome, message, {"recommendation": chosen}, None, sorted(unknown)
            ),
        )

    def shown(self, shown: tuple[tuple[str, CompiledExpression], ...], place: str) -> list[Any]:
        """The values a reason shows; a failing one raises EV002 at ``place`` (the expression that
        names it), with its name: ``conditions.x.when.total_debt``."""
        return [self.values_of((expr.fn,), f"{place}.{name}")[0] for name, expr in shown]

    def shown_values(self, shown: tuple[tuple[str, CompiledExpression], ...], raw: list[Any]) -> dict[str, Any]:
        return {name: json_value(value) for (name, _), value in zip(shown, raw, strict=True)}

    def values_of(self, fns: tuple[Fn, ...], where: str) -> list[Any]:
        ctx = self.ctx
        try:
            return [fn(ctx) for fn in fns]
        except (ExpressionFailure, ArithmeticError) as exc:
            raise failure(where, exc) from None


# -- small helpers ------------------------------------------------------------------------------
def _message_place(condition: str, outcome: bool | None) -> str:
    """Where a condition's message for ``outcome`` is in its rule file, for an EV002 that names it."""
    return f"conditions.{condition}.explain." + (
        "if_unknown" if outcome is None else "if_true" if outcome else "if_false"
    )


def _key(value: Any) -> Any:
    """A cache key part that tells apart what prints differently: 1.5 and 1.50. (A value's type is
    fixed by its expression's type, so True and 1 never meet at the same place in a key.)"""
    return str(value) if value.__class__ is Decimal else value


def _status(outcome: Outcome, yes: str, no: str) -> Any:
    if isinstance(outcome, Unknown):
        return "undetermined"
    return yes if outcome else no


def _outcome(value: Any) -> bool | None:
    return None if isinstance(value, Unknown) else bool(value)
