"""The compiled engine: the default backend and the reference semantics.

One evaluation has three steps, each in its own module:

1. **admit** (``engine/admit.py``): the language, the facts, the decision date, the period;
2. **decide** (``engine/decide.py``): the generated plan fills an
   :class:`~aidrules.engine.record.EvaluationRecord` (every value, outcome, parameter read,
   the recommendation and the actions' ``when``);
3. **assemble** (``engine/assemble.py``): the :class:`Decision` is a view of the record whose
   reasons and texts are built when first read; the trace is another view of it.

What depends only on the rule set is prepared once (``engine/prepare.py``) and kept by the
:class:`CompiledPrepared` that the rule set holds (``CompiledRuleSet.prepare``). Other backends
(``engine/durable``) decide differently and assemble with the same code.
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import localcontext
from typing import Any

from aidrules.engine.admit import admit, admit_tree, failure
from aidrules.engine.assemble import decision, trace_events
from aidrules.engine.decide import Evaluation
from aidrules.engine.decision import Decision
from aidrules.engine.prepare import PreparedRuleSet
from aidrules.engine.record import EvaluationRecord
from aidrules.engine.trace import Tracer
from aidrules.expr.runtime import DECIMAL_CONTEXT
from aidrules.facts.model import Case
from aidrules.ruleset.compiled import CompiledRuleSet, register_backend


class CompiledPrepared:
    """A rule set prepared for the compiled engine (the ``Prepared`` protocol): evaluates many
    cases, from any thread. Its :attr:`state` (generated plan, caches) is made on first use."""

    name = "compiled"

    def __init__(self, rs: CompiledRuleSet) -> None:
        self.rs = rs
        self._state: PreparedRuleSet | None = None
        self._lock = threading.Lock()

    @property
    def state(self) -> PreparedRuleSet:
        found = self._state
        if found is None:
            with self._lock:
                if self._state is None:
                    self._state = PreparedRuleSet(self.rs)
                found = self._state
        return found

    def record(
        self, facts: Case | dict[str, Any], on: date | None = None, *, lang: str = "nl", check_period: bool = True
    ) -> EvaluationRecord:
        """Admit and decide one case: its :class:`EvaluationRecord`, no texts."""
        tree, day = admit_tree(self.rs, facts, on, lang, check_period)
        with localcontext(DECIMAL_CONTEXT):
            return Evaluation(self.state, None, day, lang, tree).run()

    def evaluate(
        self,
        facts: Case | dict[str, Any],
        on: date | None = None,
        *,
        lang: str = "nl",
        tracer: Tracer | None = None,
        check_period: bool = True,
    ) -> Decision:
        """Decide one case; see :meth:`CompiledRuleSet.evaluate`."""
        tree, day = admit_tree(self.rs, facts, on, lang, check_period)
        state = self.state
        with localcontext(DECIMAL_CONTEXT):
            return decision(Evaluation(state, None, day, lang, tree).run(), state, tracer)

    def evaluate_recorded(
        self,
        facts: Case | dict[str, Any],
        on: date | None = None,
        *,
        lang: str = "nl",
        tracer: Tracer | None = None,
        check_period: bool = True,
    ) -> tuple[Decision, EvaluationRecord]:
        """:meth:`evaluate`, and the evaluation record the Decision is a view of (for the views
        that read outcomes rather than texts, such as a failing fixture's explanation)."""
        record = self.record(facts, on, lang=lang, check_period=check_period)
        with localcontext(DECIMAL_CONTEXT):
            return decision(record, self.state, tracer), record


def compiled(rs: CompiledRuleSet) -> CompiledPrepared:
    """``rs`` prepared for the compiled engine (made on first use, then kept by the rule set)."""
    found = rs.prepare("compiled")
    assert isinstance(found, CompiledPrepared)
    return found


def prepared(rs: CompiledRuleSet) -> PreparedRuleSet:
    """The prepared state of ``rs`` for the compiled engine (plan, caches)."""
    return compiled(rs).state


def evaluate(
    rs: CompiledRuleSet,
    facts: Case | dict[str, Any],
    on: date | None = None,
    *,
    lang: str = "nl",
    tracer: Tracer | None = None,
    check_period: bool = True,
) -> Decision:
    """Decide one case; see :meth:`CompiledRuleSet.evaluate`."""
    return compiled(rs).evaluate(facts, on, lang=lang, tracer=tracer, check_period=check_period)


register_backend("compiled", CompiledPrepared)

__all__ = [
    "CompiledPrepared",
    "Evaluation",
    "EvaluationRecord",
    "admit",
    "compiled",
    "decision",
    "evaluate",
    "failure",
    "prepared",
    "trace_events",
]
