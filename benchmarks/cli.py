"""Whole-process times of the command line: what a social worker waits for.

Times, from outside, the README's main job (``aidrules evaluate`` of the shipped example with
``--rules noord-limburg-budgethulp``, run from the checkout's root as the README does),
``aidrules --help``, ``python -c "import aidrules"`` and the import of what ``evaluate`` imports
before it runs (``aidrules.cli.main`` and ``aidrules.cli.decisions``): each started afresh N
times, the median (and min/max) of wall-clock and CPU seconds (user + system of the child, from
the operating system). ``evaluate`` runs with a cold cache of parsed rule files (a new, empty cache directory
for every run: it is read, parsed and written), a warm one (filled once before), and the cache
turned off (``AIDRULES_NO_CACHE=1``). The sources are compiled to bytecode first, as ``pip
install`` does (``installed.py``), so no run compiles them, whatever ``PYTHONDONTWRITEBYTECODE``
says.

``--baseline REV`` runs the same commands with the code of another git revision (``git archive``
into a temporary folder, put first on ``PYTHONPATH``, same interpreter and packages) in turn with
this one (A B A B ...), so that their ratio holds while the machine's speed drifts; the ratios of
the medians are printed. Run from the checkout::

    python benchmarks/cli.py --quick                      # about half a minute
    python benchmarks/cli.py --baseline 26f7489 --json benchmarks/results/cli.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from installed import compile_bytecode

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "fixtures/examples/single-parent-guidance.yaml"
CLI = "import sys; from aidrules.cli.main import main; sys.argv[0] = 'aidrules'; sys.exit(main())"

#: name -> (arguments after the interpreter, cache: "cold", "warm", "off" or None)
COMMANDS: dict[str, tuple[list[str], str | None]] = {
    "import aidrules": (["-c", "import aidrules"], None),
    # what `aidrules evaluate` imports before its command runs (the library, Typer, the command line)
    "import evaluate's code": (["-c", "import aidrules.cli.main, aidrules.cli.decisions"], None),
    "aidrules --help": (["-c", CLI, "--help"], None),
    "evaluate, cold cache": (["-c", CLI, "evaluate", EXAMPLE, "--rules", "noord-limburg-budgethulp"], "cold"),
    "evaluate, warm cache": (["-c", CLI, "evaluate", EXAMPLE, "--rules", "noord-limburg-budgethulp"], "warm"),
    "evaluate, cache off": (["-c", CLI, "evaluate", EXAMPLE, "--rules", "noord-limburg-budgethulp"], "off"),
}


@dataclass
class Series:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        return {
            "wall_median_s": statistics.median(self.wall),
            "wall_min_s": min(self.wall),
            "wall_max_s": max(self.wall),
            "cpu_median_s": statistics.median(self.cpu),
            "runs": len(self.wall),
        }


@dataclass
class Code:
    """One version of aidrules: the working tree, or a git revision exported to ``src``."""

    label: str
    src: Path | None  # None: the installed (editable) working tree
    cache_root: Path

    def env(self, cache: str | None, run: int) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIDRULES_")}
        env["LC_ALL"] = env["LANG"] = "C.UTF-8"
        if self.src is not None:
            env["PYTHONPATH"] = str(self.src)
        if cache == "off":
            env["AIDRULES_NO_CACHE"] = "1"
        elif cache == "cold":
            env["AIDRULES_CACHE_DIR"] = str(self.cache_root / f"cold-{run}")
        else:
            env["AIDRULES_CACHE_DIR"] = str(self.cache_root / "warm")
        return env


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read() if child.stderr else b""
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({child.returncode}): {stderr.decode(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime


def export(rev: str, into: Path) -> Path:
    """The ``src`` and ``rules`` of git revision ``rev``, written below ``into``."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src", "rules"], capture_output=True, check=True)
    with tarfile.open(fileobj=BytesIO(data.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def measure(codes: list[Code], runs: int) -> dict[str, dict[str, Series]]:
    results: dict[str, dict[str, Series]] = {c.label: {} for c in codes}
    for code in codes:  # fill the warm caches and warm the file system cache
        for args, cache in COMMANDS.values():
            run_once(args, code.env("warm" if cache == "cold" else cache, 0))
    for name, (args, cache) in COMMANDS.items():
        for run in range(runs):
            for code in codes:  # in turn: A B A B ...
                wall, cpu = run_once(args, code.env(cache, run))
                results[code.label].setdefault(name, Series()).wall.append(wall)
                results[code.label][name].cpu.append(cpu)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 runs of each command (default 15)")
    parser.add_argument("--runs", type=int, help="runs of each command")
    parser.add_argument("--baseline", metavar="REV", help="also time this git revision, in turn with the working tree")
    parser.add_argument("--json", type=Path, help="write the figures here")
    options = parser.parse_args()
    runs = options.runs or (5 if options.quick else 15)
    load = os.getloadavg()[0]
    print(f"{platform.python_version()}, {os.cpu_count()} cores, load average {load:.1f}; {runs} runs each")
    with tempfile.TemporaryDirectory(prefix="aidrules-cli-bench-") as tmp:
        codes = [Code("this tree", None, Path(tmp) / "cache-a")]
        if options.baseline:
            src = export(options.baseline, Path(tmp) / "baseline")
            codes.append(Code(options.baseline, src, Path(tmp) / "cache-b"))
        for code in codes:  # as pip installs it: no start compiles the sources
            compile_bytecode(code.src)
        results = measure(codes, runs)
    header = f"{'command':24} " + " ".join(f"{c.label + ' wall':>18} {'cpu':>7}" for c in codes)
    if len(codes) == 2:
        header += f" {'wall A/B':>9} {'cpu A/B':>8}"
    print(header)
    figures: dict[str, dict[str, dict[str, float]]] = {c.label: {} for c in codes}
    for name in COMMANDS:
        row = f"{name:24} "
        medians = []
        for code in codes:
            s = results[code.label][name].summary()
            medians.append(s)
            spread = f"{s['wall_min_s']:.2f}–{s['wall_max_s']:.2f}"
            row += f"{s['wall_median_s']:>11.3f} s {spread} {s['cpu_median_s']:>5.3f} s "
            figures[code.label][name] = s
        if len(codes) == 2:
            a, b = medians
            row += f" {a['wall_median_s'] / b['wall_median_s']:>8.2f} {a['cpu_median_s'] / b['cpu_median_s']:>8.2f}"
        print(row)
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        out = {"python": platform.python_version(), "load_average": load, "runs": runs, "figures": figures}
        options.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
