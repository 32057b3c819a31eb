"""Engines and the Decision model.

Importing this package registers the backends with :mod:`aidrules.ruleset.compiled` (see
:mod:`aidrules.engine.protocol`): the compiled engine, and durable_rules as an optional extra.
"""

from aidrules.engine import protocol as protocol
from aidrules.engine.decision import ActionResult, Decision, FormResult, PrincipleResult, Reason

__all__ = ["ActionResult", "Decision", "FormResult", "PrincipleResult", "Reason"]
