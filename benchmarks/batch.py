"""``aidrules batch`` with 1, 2 (and more) workers: ``python benchmarks/batch.py [--quick] [--cases N]``.

Writes a seeded synthetic population (``population.py``) as JSON Lines, then runs the command
``aidrules batch CASES --out OUT --workers W`` as a whole process for each ``W`` (default 1 and 2,
``--workers 1,2,3`` for more), twice each, alternating, and keeps the faster run of each. It
reports wall time, decisions per second, the ratio to one worker and whether every output is
byte-identical to the one-worker output. Also the CPU time of the processes (the command and its
workers) and the load average before and after: the target (2 workers ≥ 1.7× one) holds on two
free cores; on a shared machine the ratio is capped by what the others take.

Reproduce: ``python benchmarks/batch.py`` on a quiet machine (``--quick``: 1,500 cases).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from population import population  # noqa: E402

#: ``aidrules`` as a whole process, run by this interpreter (its virtual environment).
AIDRULES = [sys.executable, "-c", "import sys; from aidrules.cli.main import app; sys.argv[0] = 'aidrules'; app()"]


def run(cases: Path, out: Path, workers: int, src: Path | None) -> tuple[float, float]:
    """Wall and CPU seconds (this command and its workers) of one ``aidrules batch`` run."""
    command = [*AIDRULES, "batch", str(cases), "--out", str(out), "--workers", str(workers), "--no-progress"]
    env = dict(os.environ)
    if src is not None:  # another checkout's code (e.g. the commit before a change), same packages
        env["PYTHONPATH"] = str(src.resolve())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 2):
        raise SystemExit(f"aidrules batch failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,500 cases instead of 6,000")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--src", type=Path, default=None, help="run the code of this src/ folder (default: installed)")
    args = parser.parse_args()
    count = args.cases or (1500 if args.quick else 6000)
    counts = [int(w) for w in args.workers.split(",")]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = folder / "cases.jsonl"
        cases.write_text("".join(json.dumps(c) + "\n" for c in population(count, seed=args.seed)), encoding="utf-8")
        best: dict[int, tuple[float, float]] = {}
        digests: dict[int, str] = {}
        for _ in range(args.repeats):
            for workers in counts:
                out = folder / f"out-{workers}.jsonl"
                wall, cpu = run(cases, out, workers, args.src)
                digests[workers] = hashlib.sha256(out.read_bytes()).hexdigest()
                if workers not in best or wall < best[workers][0]:
                    best[workers] = (wall, cpu)
    load_after = os.getloadavg()
    base = best[counts[0]][0]
    figures = {
        "cases": count,
        "src": str(args.src) if args.src else "installed",
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": load_after,
        "runs": {
            str(w): {
                "seconds": round(wall, 3),
                "cpu_seconds": round(cpu, 3),
                "per_second": round(count / wall),
                "ratio_to_first": round(base / wall, 2),
                "identical_output": digests[w] == digests[counts[0]],
            }
            for w, (wall, cpu) in best.items()
        },
    }
    print(f"{count} cases, {os.cpu_count()} cores, load {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    for w, row in figures["runs"].items():
        print(
            f"  {w} worker(s): {row['seconds']:7.2f} s wall, {row['cpu_seconds']:7.2f} s CPU, "
            f"{row['per_second']:6,} cases/s, {row['ratio_to_first']:.2f}x, identical output: {row['identical_output']}"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
