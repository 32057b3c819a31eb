"""Case facts: the pydantic model of contract §1, validation and the fact schema."""

from aidrules.facts.model import Case
from aidrules.facts.parse import load_case, parse_facts, read_case_text
from aidrules.facts.tree import fact_tree

__all__ = ["Case", "fact_tree", "load_case", "parse_facts", "read_case_text"]
