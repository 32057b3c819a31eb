"""``aidrules batch`` with 1, 2 (and more) workers: ``python benchmarks/batch.py [--quick] [--cases N]``.

Writes a seeded synthetic population (``population.py``) as JSON Lines, then runs the command
``aidrules batch CASES --out OUT --workers W`` as a whole process for each ``W`` (default 1 and 2,
``--workers 1,2,3`` for more), twice each, alternating, and keeps the faster run of each. It
reports wall time, decisions per second, the ratio to one worker and whether every output is
byte-identical to the one-worker output (and the output's SHA-256, to compare with a run of
another checkout's code, ``--src``). Also the CPU time of the command's own process (the
parent: reading, splitting, copying the workers' output) and of its workers, the parent's CPU as a
share of the wall time, the startup (a one-case run: interpreter, imports, rule set; serial
whatever the number of workers) with the ratio it leaves possible on free cores (Amdahl), and the
load average before and after: the target (2 workers ≥ 1.7× one) holds on two free cores; on a
shared machine the ratio is capped by what the others take.

The sources are compiled to bytecode first, as ``pip install`` does (``installed.py``).

Reproduce: ``python benchmarks/batch.py`` on a quiet machine (``--quick``: 1,500 cases).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from installed import compile_bytecode  # noqa: E402
from population import population  # noqa: E402

#: ``aidrules`` as a whole process, run by this interpreter (its virtual environment); at exit it
#: writes its own CPU seconds and its workers' (reaped children) to the file named by the
#: environment variable ``AIDRULES_BENCH_CPU``.
AIDRULES = [
    sys.executable,
    "-c",
    "import atexit, os, resource, sys\n"
    "def _cpu():\n"
    "    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
    "    with open(os.environ['AIDRULES_BENCH_CPU'], 'w') as f:\n"
    "        f.write(f'{own.ru_utime + own.ru_stime} {kids.ru_utime + kids.ru_stime}')\n"
    "atexit.register(_cpu)\n"
    "from aidrules.cli.main import app\n"
    "sys.argv[0] = 'aidrules'\n"
    "app()",
]


def run(cases: Path, out: Path, workers: int, src: Path | None) -> tuple[float, float, float]:
    """Wall seconds, and CPU seconds of the command's own process and of its workers, of one
    ``aidrules batch`` run."""
    command = [*AIDRULES, "batch", str(cases), "--out", str(out), "--workers", str(workers), "--no-progress"]
    cpu_file = out.with_suffix(".cpu")
    env = dict(os.environ, AIDRULES_BENCH_CPU=str(cpu_file))
    if src is not None:  # another checkout's code (e.g. the commit before a change), same packages
        env["PYTHONPATH"] = str(src.resolve())
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 2):
        raise SystemExit(f"aidrules batch failed ({done.returncode}): {done.stderr[-2000:]}")
    own, workers_cpu = (float(x) for x in cpu_file.read_text(encoding="utf-8").split())
    return wall, own, workers_cpu


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
    compile_bytecode(args.src)  # as pip installs it: no start compiles the sources
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = folder / "cases.jsonl"
        cases.write_text("".join(json.dumps(c) + "\n" for c in population(count, seed=args.seed)), encoding="utf-8")
        one = folder / "one.jsonl"
        one.write_text(cases.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
        best: dict[int, tuple[float, float, float]] = {}
        digests: dict[int, str] = {}
        startup = float("inf")
        for _ in range(args.repeats):
            startup = min(startup, run(one, folder / "out-one.jsonl", 1, args.src)[0])
            for workers in counts:
                out = folder / f"out-{workers}.jsonl"
                wall, own, workers_cpu = run(cases, out, workers, args.src)
                digests[workers] = hashlib.sha256(out.read_bytes()).hexdigest()
                if workers not in best or wall < best[workers][0]:
                    best[workers] = (wall, own, workers_cpu)
    load_after = os.getloadavg()
    base = best[counts[0]][0]

    def bound(workers: int) -> float:
        """Amdahl: the best ratio to the first run when everything but the startup (a one-case
        run: interpreter, imports, rule set) is shared perfectly among ``workers`` free cores."""
        return base / (startup + (base - startup) * counts[0] / workers)

    figures = {
        "cases": count,
        "src": str(args.src) if args.src else "installed",
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": load_after,
        "startup_seconds": round(startup, 3),
        "runs": {
            str(w): {
                "seconds": round(wall, 3),
                "cpu_seconds": round(own + workers_cpu, 3),
                "parent_cpu_seconds": round(own, 3),
                "workers_cpu_seconds": round(workers_cpu, 3),
                "parent_share_of_wall": round(own / wall, 2),
                "per_second": round(count / wall),
                "ratio_to_first": round(base / wall, 2),
                "ratio_bound": round(bound(w), 2),
                "identical_output": digests[w] == digests[counts[0]],
            }
            for w, (wall, own, workers_cpu) in best.items()
        },
    }
    figures["output_sha256"] = digests[counts[0]]
    print(f"{count} cases, {os.cpu_count()} cores, load {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"  output SHA-256 {digests[counts[0]][:16]} (equal for another --src: the same bytes)")
    print(f"  startup (one case, one worker): {startup:.2f} s wall")
    for w, row in figures["runs"].items():
        print(
            f"  {w} worker(s): {row['seconds']:6.2f} s wall, CPU {row['cpu_seconds']:5.2f} s = parent "
            f"{row['parent_cpu_seconds']:4.2f} ({row['parent_share_of_wall']:.0%} of the wall) + workers "
            f"{row['workers_cpu_seconds']:4.2f}; {row['per_second']:6,} cases/s, {row['ratio_to_first']:.2f}x "
            f"(startup bound {row['ratio_bound']:.2f}x), identical output: {row['identical_output']}"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
