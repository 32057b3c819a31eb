"""Running fixture cases (facts + expected decision) against a rule set."""

from aidrules.testing.fixtures import Fixture, FixtureResult, load_fixture, run_fixture

__all__ = ["Fixture", "FixtureResult", "load_fixture", "run_fixture"]
