"""What durable_rules 2.0.28 does wrong or refuses, measured: the reasons for the backend's shape.

These tests pin the behaviour of the unmaintained library the backend works around (see
docs/durable.md). If one of them starts failing, durable_rules changed: check whether the
workaround it documents is still needed.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

if sys.version_info >= (3, 13):  # pragma: no cover - depends on the interpreter
    pytest.skip(
        "durable_rules cannot be imported on Python 3.13+ (PyEval_CallObject was removed); "
        "the durable extra is not installed there",
        allow_module_level=True,
    )

from aidrules.engine.durable.runtime import load_durable

# Loaded through the backend, which replaces durable_rules' one call deprecated since Python 3.12.
durable_engine = load_durable()


class _QuietHost(durable_engine.Host):  # type: ignore[misc]
    def _run(self) -> None:  # no background timer threads
        pass


_HOSTS: list[Any] = []


def _fires(name: str, patterns: list[dict[str, Any]], fact: dict[str, Any]) -> bool:
    fired: list[bool] = []
    host = _QuietHost()
    _HOSTS.append(host)
    host.register_rulesets({name: {"r": {"all": patterns, "dist": 0, "run": lambda c: fired.append(True)}}})
    with contextlib.suppress(durable_engine.MessageNotHandledException):
        host.assert_fact(name, {"sid": "1", **fact})
    return bool(fired)


FACT = {"t": "i", "s": 0, "a": 5, "b": 6}  # a < b
SELF = {"i": {"$and": [{"t": "i"}]}}
A_GE_B = {"$gte": {"a": {"i": "b"}}}  # false for FACT


def test_a_test_between_two_fields_after_an_or_is_misjudged() -> None:
    either = {"$or": [{"s": 0}, {"s": 2}]}  # true for FACT
    # reference first: correct (does not fire)
    assert not _fires("q1", [SELF, {"j": {"$and": [{"t": "i"}, A_GE_B, either]}}], FACT)
    # the same test after an `$or`: fires although a >= b is false
    assert _fires("q2", [SELF, {"j": {"$and": [{"t": "i"}, either, A_GE_B]}}], FACT)


def test_a_pattern_with_more_than_fifteen_junctions_is_refused() -> None:
    ors = [{"$or": [{f"x{i}": 1}, {f"y{i}": 1}]} for i in range(15)]
    with pytest.raises(Exception, match="113"):
        _fires("q3", [{"m": {"$and": ors}}], FACT)
    assert not _fires("q4", [{"m": {"$and": ors[:14]}}], FACT)


def test_a_rule_joins_at_most_sixteen_facts() -> None:
    host = _QuietHost()
    _HOSTS.append(host)
    patterns = [{f"p{i}": {"$and": [{"t": "v"}, {"k": f"v{i}"}]}} for i in range(17)]
    host.register_rulesets({"q5": {"r": {"all": patterns, "run": lambda c: None}}})
    with pytest.raises(Exception, match="304"):
        for i in range(17):
            with contextlib.suppress(durable_engine.MessageNotHandledException):
                host.assert_fact("q5", {"sid": "1", "t": "v", "k": f"v{i}"})


def test_a_fact_holds_at_most_about_250_fields() -> None:
    with pytest.raises(Exception, match="302"):
        _fires("q6", [{"m": {"$and": [{"t": "i"}]}}], {"t": "i", **{f"f{i}": 1 for i in range(260)}})


def test_deleting_a_session_whose_facts_all_went_unmatched_crashes_the_process() -> None:
    script = textwrap.dedent(
        """
        from durable import engine
        class Host(engine.Host):
            def _run(self): pass
        host = Host()
        host.register_rulesets({"q": {"r": {"all": [{"m": {"$and": [{"t": "x"}]}}], "run": lambda c: None}}})
        try:
            host.assert_fact("q", {"sid": "1", "t": "y"})
        except engine.MessageNotHandledException:
            pass
        host.delete_state("q", "1")
        """
    )
    # durable_rules reads memory it has already freed: whether that faults depends on what the
    # allocator left there (it did on Python 3.11, not on 3.12). glibc's MALLOC_PERTURB_ fills freed
    # memory with a pattern, so the fault shows on every interpreter.
    env = {**os.environ, "MALLOC_PERTURB_": "165"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60, check=False, env=env)
    assert result.returncode < 0  # killed by a signal (segmentation fault)


def test_a_rule_set_holds_at_most_4096_rules() -> None:
    def rules(count: int) -> dict[str, Any]:
        return {
            f"r{i}": {"all": [{"m": {"$and": [{"t": f"v{i // 256}"}, {"k": f"v{i}"}]}}], "run": lambda c: None}
            for i in range(count)
        }

    _QuietHost().register_rulesets({"q7": rules(4096)})
    with pytest.raises(Exception, match="106"):
        _QuietHost().register_rulesets({"q8": rules(4097)})


def test_one_test_with_more_than_512_values_to_compare_never_finishes_registering() -> None:
    script = textwrap.dedent(
        """
        import sys
        from durable import engine
        class Host(engine.Host):
            def _run(self): pass
        count = int(sys.argv[1])
        rules = {f"r{i}": {"all": [{"m": {"$and": [{"t": "v"}, {"k": f"v{i}"}]}}], "run": lambda c: None}
                 for i in range(count)}
        Host().register_rulesets({"q": rules})
        """
    )
    assert subprocess.run([sys.executable, "-c", script, "512"], timeout=60, check=False).returncode == 0
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run([sys.executable, "-c", script, "513"], timeout=5, check=False)
