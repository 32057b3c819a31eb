"""Impact studies: what a change of rule-set version does to a caseload (``aidrules impact``)."""

from __future__ import annotations

from aidrules.impact.population import synthetic_population
from aidrules.impact.render import to_html, to_markdown
from aidrules.impact.study import ImpactReport, change_date, read_cases, run_study

__all__ = ["ImpactReport", "change_date", "read_cases", "run_study", "synthetic_population", "to_html", "to_markdown"]
