"""The durable_rules backend (optional extra: ``pip install "aidrules[durable]"``).

The yes/no inference of a rule set (conditions, yes/no derived values, principles, forms, the
recommendation, actions' ``when``) runs in durable_rules' Rete network; amounts, dates and
functions are computed exactly in Python first and lowered into the facts it matches. See
``docs/durable.md`` for what runs where, and why.

Example:
    >>> import aidrules
    >>> from datetime import date
    >>> rules = aidrules.load()
    >>> decision = rules.evaluate({"client": {"consents": False}}, on=date(2025, 3, 1), engine="durable")
    >>> decision.principles["voluntary"].status
    'not_satisfied'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aidrules._extras import require
from aidrules.engine.durable.runtime import INSTALL_HINT, cannot_import, load_durable

if TYPE_CHECKING:
    from aidrules.engine.durable.backend import DurablePrepared
    from aidrules.ruleset.compiled import CompiledRuleSet


def prepare(rs: CompiledRuleSet) -> DurablePrepared:
    """The rule set ``rs`` prepared for durable_rules (raises how to install it when it is absent);
    kept by the rule set (``rs.prepare("durable")`` gives the same)."""
    load_durable()
    backend: Any = require("aidrules.engine.durable.backend", "durable", cannot_import)
    prepared: DurablePrepared = backend.prepare(rs)
    return prepared


def build(rs: CompiledRuleSet) -> DurablePrepared:
    """A new durable_rules network for ``rs`` (what ``rs.prepare("durable")`` makes once)."""
    load_durable()
    backend: Any = require("aidrules.engine.durable.backend", "durable", cannot_import)
    prepared: DurablePrepared = backend.DurablePrepared(rs)
    return prepared


def available() -> bool:
    """Whether durable_rules can be imported here."""
    try:
        load_durable()
    except Exception:
        return False
    return True


__all__ = ["INSTALL_HINT", "available", "build", "prepare"]
