"""Reading a JSON line, old against new: ``python benchmarks/jsonline.py [--base REF] [--cases N] [--rounds N]``.

Times, in one run and in alternating batches (so that a busy machine weighs on both alike), on the
population's JSON lines (``run.json_line``, as the "JSON line in" row of ``run.py`` writes them):

- the reader alone: ``facts/jsonload.read_json_case`` of this checkout against the one of ``REF``
  (default ``main``; its source is read with ``git show`` and loaded as a module of its own);
- the whole row, a JSON line in → compact JSON out, with either reader (the rest is this
  checkout's), and a dict in → compact JSON out beside it for scale.

Prints microseconds a line (the median of the rounds' means) and the ratios new/old.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from population import population  # noqa: E402
from run import json_line  # noqa: E402

import aidrules  # noqa: E402
from aidrules.facts.jsonload import read_json_case  # noqa: E402
from aidrules.limits import DEFAULT_LIMITS  # noqa: E402


def base_reader(ref: str) -> Callable[[str, str, Any], Any]:
    """``read_json_case`` as it is in ``ref``, loaded from its source."""
    source = subprocess.run(
        ["git", "-C", str(HERE.parent), "show", f"{ref}:src/aidrules/facts/jsonload.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = ModuleType("jsonload_base")
    exec(compile(source, f"<{ref}:jsonload.py>", "exec"), module.__dict__)
    reader: Callable[[str, str, Any], Any] = module.read_json_case
    return reader


def timed(run: Callable[[Any], Any], items: list[Any]) -> float:
    """Microseconds an item, over one pass of ``items``."""
    gc.collect()
    start = time.perf_counter_ns()
    for item in items:
        run(item)
    return (time.perf_counter_ns() - start) / len(items) / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="the git ref whose reader is the baseline")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    old = base_reader(args.base)
    rules = aidrules.load(None, date(2025, 3, 1))
    raw = population(args.cases, args.seed)
    lines = [json_line(data) for data in raw]
    for line in lines:  # both readers read every line alike before anything is timed
        if old(line, "<line>", DEFAULT_LIMITS) != read_json_case(line, "<line>", DEFAULT_LIMITS):
            raise SystemExit(f"the readers differ on {line}")
    limits = DEFAULT_LIMITS
    variants: dict[str, tuple[Callable[[Any], Any], list[Any]]] = {
        "reader, base": (lambda line: old(line, "<line>", limits), lines),
        "reader, new": (lambda line: read_json_case(line, "<line>", limits), lines),
        "line -> compact, base reader": (
            lambda line: rules.evaluate(old(line, "<line>", limits)).to_json(compact=True),
            lines,
        ),
        "line -> compact, new reader": (
            lambda line: rules.evaluate(read_json_case(line, "<line>", limits)).to_json(compact=True),
            lines,
        ),
        "dict -> compact": (lambda data: rules.evaluate(data).to_json(compact=True), raw),
    }
    for run, items in variants.values():  # warm up
        for item in items[:50]:
            run(item)
    rounds: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, (run, items) in variants.items():
            rounds[name].append(timed(run, items))
    us = {name: statistics.median(values) for name, values in rounds.items()}
    chars = sum(map(len, lines)) / len(lines)
    print(
        f"{len(lines)} lines of {chars:,.0f} characters on average; {args.rounds} alternating rounds; base {args.base}"
    )
    for name, value in us.items():
        print(f"  {name:32s} {value:7.1f} µs  ({1e6 / value:8,.0f}/s)")
    print(f"  reader new/base                  {us['reader, new'] / us['reader, base']:.2f}")
    row_ratio = us["line -> compact, new reader"] / us["line -> compact, base reader"]
    print(f"  line row new/base                {row_ratio:.2f}")
    print(f"  line row (new) / dict row        {us['line -> compact, new reader'] / us['dict -> compact']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
