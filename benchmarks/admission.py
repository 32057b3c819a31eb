"""Facts in and decisions out, per case: ``python benchmarks/admission.py [--quick] [--json OUT]``.

On a seeded synthetic population (``population.py``), on one core, in one run, the CPU time per
case (mean, the best of ``--repeats`` passes) of:

- ``json_line``: reading a JSON line within the limits (``facts.jsonload.read_json_case``);
- ``dict``: validating a dict (``parse_facts``: the size limits and the pydantic ``Case``);
- ``fact_tree``: building the evaluation's fact tree from the validated case;
- ``line_to_json``: the whole path from a JSON line to its output line, as ``aidrules batch`` and
  the service's ``/v1/batch`` run it (``batch.line_decider``: read, validate, decide, serialise);
- ``decide_json``: deciding a validated case and serialising the decision (``model_dump_json``);
- ``handwritten``: the reference policy written by hand (``handwritten.py``), on validated cases.

and each as a ratio to ``handwritten`` (measured in the same run, so the ratios hold when the
machine's speed varies). ``line_to_json`` per second is the figure of issue 18's target
"dict or JSON line in → JSON out ≥ 8,000/s". To compare with other code (say the commit before a
change), run the same script with ``PYTHONPATH=OTHER/src``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import handwritten  # noqa: E402
from population import population  # noqa: E402

import aidrules  # noqa: E402
from aidrules.batch import Options, line_decider  # noqa: E402
from aidrules.facts import fact_tree  # noqa: E402
from aidrules.facts.jsonload import read_json_case  # noqa: E402
from aidrules.facts.parse import parse_facts  # noqa: E402
from aidrules.limits import DEFAULT_LIMITS  # noqa: E402


def per_case(step: Callable[[Any], Any], items: list[Any], repeats: int) -> float:
    """CPU microseconds per item, the best of ``repeats`` passes over all items."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        started = time.process_time()
        for item in items:
            step(item)
        best = min(best, time.process_time() - started)
    return best / len(items) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 cases instead of 5,000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()
    cases = population(1000 if args.quick else 5000, seed=args.seed)
    lines = [json.dumps(case) for case in cases]
    numbered = list(enumerate(lines, start=1))
    validated = [parse_facts(case) for case in cases]
    rules = aidrules.load(None, validated[0].on)
    decide_line = line_decider(Options())
    for line, text in numbered[:50]:  # load every version in force and prepare it, outside the clock
        assert decide_line(line, text).ok
    for case in validated[:50]:
        rules.evaluate(case, case.on)

    def decide_json(case: Any) -> str:
        return str(rules.evaluate(case, case.on).model_dump_json())

    steps: dict[str, tuple[Callable[[Any], Any], list[Any]]] = {
        "json_line": (lambda text: read_json_case(text, "line", DEFAULT_LIMITS), lines),
        "dict": (parse_facts, cases),
        "fact_tree": (fact_tree, validated),
        "line_to_json": (lambda item: decide_line(*item), numbered),
        "decide_json": (decide_json, validated),
        "handwritten": (lambda case: handwritten.decide(case, case.on), validated),
    }
    micro = {name: per_case(step, items, args.repeats) for name, (step, items) in steps.items()}
    hand = micro["handwritten"]
    figures = {
        "python": platform.python_version(),
        "cases": len(cases),
        "microseconds": {name: round(value, 1) for name, value in micro.items()},
        "per_second": {name: round(1e6 / value) for name, value in micro.items()},
        "ratio_to_handwritten": {name: round(value / hand, 2) for name, value in micro.items()},
    }
    print(f"{len(cases)} cases, CPU time per case (best of {args.repeats}), Python {platform.python_version()}")
    for name, value in micro.items():
        print(f"  {name:13s} {value:8.1f} µs  {1e6 / value:9,.0f}/s  {value / hand:6.2f}× hand-written")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
