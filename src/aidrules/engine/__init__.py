"""Engines and the Decision model."""

from aidrules.engine.decision import ActionResult, Decision, FormResult, PrincipleResult, Reason

__all__ = ["ActionResult", "Decision", "FormResult", "PrincipleResult", "Reason"]
