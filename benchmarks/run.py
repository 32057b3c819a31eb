"""Reproducible performance runs: ``python benchmarks/run.py [--quick] [--json OUT] [--seed N]``.

Measures, in one run and on one core, on a seeded synthetic population (``population.py``):

- the compiled engine: the ``Decision`` as ``evaluate`` returns it (its reasons available, built
  when first read: "lazy"), with its reasons built ("reasons"), with its contract JSON ("json")
  and with its compact JSON ("compact"), both written from the evaluation record, with the
  contract JSON written from the built reason models ("model_json"), from a dict, validated, to
  the compact JSON ("dict_compact") and from a line of JSON text, read and validated, to the
  compact JSON ("line_compact"), each also as a ratio to the hand-written function timed in the
  same run, and against the targets of issue 18;
- the durable_rules backend (the same decisions, byte for byte);
- the reference policy written by hand (``handwritten.py``): the practical speed limit.

For each: decisions per second, latency per decision (median, p99) and peak memory (tracemalloc,
Python allocations only). Then how costs grow: with the number of rules (generated rule sets of
10, 100 and 1,000 conditions, ``rulesets.py``) and with the number of debts in a case, and how
long loading and compiling a rule set takes. Every case is decided once (no repeats of the same
case), from validated facts; validating the facts is measured apart.

``--quick`` finishes in well under a minute; the full run takes a few minutes. The JSON has
``{"compiled": {"decisions_per_second": ...}, "durable": {...}, "handwritten": {...}, ...}``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import handwritten  # noqa: E402
from population import population  # noqa: E402
from rulesets import ruleset_text  # noqa: E402

import aidrules  # noqa: E402
from aidrules.engine.assemble import decision as assemble_decision  # noqa: E402
from aidrules.engine.compiled import Evaluation, prepared  # noqa: E402
from aidrules.expr.runtime import DECIMAL_CONTEXT  # noqa: E402
from aidrules.facts.direct import case_facts  # noqa: E402
from aidrules.facts.jsonload import read_json_case  # noqa: E402
from aidrules.facts.parse import parse_facts  # noqa: E402
from aidrules.facts.tree import fact_tree  # noqa: E402
from aidrules.limits import DEFAULT_LIMITS, Limits  # noqa: E402
from aidrules.ruleset.compile import compile_text, load_ruleset  # noqa: E402

SIZES = {
    "quick": {"cases": 3000, "durable": 200, "memory": 300, "rules_cases": 150, "durable_rules_cases": 10},
    "full": {"cases": 20000, "durable": 1500, "memory": 2000, "rules_cases": 600, "durable_rules_cases": 40},
}


# -- measuring -------------------------------------------------------------------------------------
def timed(decide: Callable[[Any], Any], cases: list[Any]) -> dict[str, float]:
    """Decide every case once; throughput and per-decision latency."""
    gc.collect()
    latencies = []
    clock = time.perf_counter_ns
    started = clock()
    for case in cases:
        t0 = clock()
        decide(case)
        latencies.append(clock() - t0)
    return _summary(latencies, clock() - started)


def timed_together(deciders: list[Callable[[Any], Any]], cases: list[Any], batch: int = 250) -> list[dict[str, float]]:
    """:func:`timed` for several deciders, alternating batches of ``batch`` cases, so that a
    change in the machine's speed during the run (a shared machine) weighs on all alike: their
    ratios are then steadier than runs one after the other."""
    gc.collect()
    clock = time.perf_counter_ns
    latencies: list[list[int]] = [[] for _ in deciders]
    totals = [0 for _ in deciders]
    for start in range(0, len(cases), batch):
        chunk = cases[start : start + batch]
        for k, decide in enumerate(deciders):
            began = clock()
            for case in chunk:
                t0 = clock()
                decide(case)
                latencies[k].append(clock() - t0)
            totals[k] += clock() - began
    return [_summary(lat, total) for lat, total in zip(latencies, totals, strict=True)]


def _summary(latencies: list[int], total_ns: int) -> dict[str, float]:
    latencies.sort()
    total = total_ns / 1e9
    return {
        "decisions": len(latencies),
        "seconds": round(total, 4),
        "decisions_per_second": round(len(latencies) / total, 1),
        "latency_median_us": round(statistics.median(latencies) / 1e3, 1),
        "latency_p99_us": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] / 1e3, 1),
    }


def phases(rules: Any, raw: list[dict[str, Any]]) -> dict[str, float]:
    """Where one compiled decision's time goes (µs per decision, the median of each phase, which a
    busy machine bends less than the mean): admitting the case's dict (validated straight into
    its fact tree, as ``evaluate`` does for a dict), reading validated models into the fact tree,
    deciding (the
    evaluation record: every value, condition, principle, form, the recommendation and the
    actions, in generated code), the lazy ``Decision``, its JSON and compact JSON written from
    the record, then building its reasons (texts in the reader's language, actions, the models)
    and its JSON and compact JSON from the models."""
    from decimal import localcontext

    clock = time.perf_counter_ns
    state = prepared(rules)
    names = (
        "admit_dict",
        "fact_tree",
        "decide",
        "lazy_decision",
        "record_json",
        "record_compact",
        "reasons",
        "json",
        "compact_json",
    )
    times: dict[str, list[int]] = {name: [] for name in names}
    with localcontext(DECIMAL_CONTEXT):
        for data in raw:
            ta = clock()
            case_facts(data)  # admitting the dict, as evaluate() does: validated into the tree
            tb = clock()
            case = parse_facts(data)  # the models, for the phases below (not timed)
            t0 = clock()
            fact_tree(case)
            t1 = clock()
            evaluation = Evaluation(state, case, case.on, "nl")  # builds the tree again
            t2 = clock()
            record = evaluation.run()
            t3 = clock()
            decision = assemble_decision(record, state)
            t4 = clock()
            decision.to_json()  # from the record
            t5 = clock()
            decision.to_json(compact=True)
            t6 = clock()
            decision.materialise()
            t7 = clock()
            decision.to_json()  # from the models
            t8 = clock()
            decision.to_json(compact=True)
            t9 = clock()
            spans = (tb - ta, t1 - t0, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6, t8 - t7, t9 - t8)
            for name, spent in zip(names, spans, strict=True):
                times[name].append(spent)
    return {name: round(statistics.median(spent) / 1e3, 1) for name, spent in times.items()}


def bytecodes(decide: Callable[[Any], Any], cases: list[Any]) -> float:
    """Python bytecode instructions executed per decision (``sys.settrace`` opcode events): the
    work done, independent of how fast the machine or its memory caches are."""
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        for case in cases:
            decide(case)
    finally:
        sys.settrace(None)
    return round(count / len(cases))


def peak_memory(decide: Callable[[Any], Any], cases: list[Any]) -> float:
    """Peak of Python allocations while deciding ``cases`` (KiB)."""
    gc.collect()
    tracemalloc.start()
    for case in cases:
        decide(case)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(peak / 1024, 1)


def load_compile_ms(repeats: int) -> dict[str, float]:
    """Loading and compiling the shipped reference rule set from its files (no cache), then
    preparing it for the compiled engine (generating its code, done on the first decision)."""
    path = HERE.parent / "rules" / "noord-limburg-budgethulp.yaml"
    times, prepares = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        rs = load_ruleset(path)
        t1 = time.perf_counter()
        prepared(rs)
        times.append((t1 - t0) * 1e3)
        prepares.append((time.perf_counter() - t1) * 1e3)
    return {
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "prepare_median_ms": round(statistics.median(prepares), 1),
    }


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load],
    }


# -- the run -----------------------------------------------------------------------------------------
def run(quick: bool, seed: int) -> dict[str, Any]:
    size = SIZES["quick" if quick else "full"]
    result: dict[str, Any] = {"mode": "quick" if quick else "full", "seed": seed, "machine": machine()}
    rules = aidrules.load(None, date(2025, 3, 1))
    engines(rules, size, seed, result)
    gc.collect()  # the population of the first part is gone: it does not weigh on what follows
    result["load_and_compile"] = load_compile_ms(3 if quick else 7)
    result["scaling_rules"] = scaling_rules(size, seed)
    result["scaling_debts"] = scaling_debts(rules, seed, quick)
    return result


def engines(rules: Any, size: dict[str, int], seed: int, result: dict[str, Any]) -> None:
    """The three deciders on the seeded population (kept in memory only while they run)."""
    raw = population(size["cases"], seed)
    t0 = time.perf_counter()
    cases = [parse_facts(c) for c in raw]
    result["validation"] = {"facts_per_second": round(len(cases) / (time.perf_counter() - t0), 1)}

    def compiled(case: Any) -> Any:
        return rules.evaluate(case)

    def with_reasons(case: Any) -> Any:
        decision = rules.evaluate(case)
        decision.materialise()
        return decision

    def with_json(case: Any) -> Any:
        return rules.evaluate(case).to_json()  # from the record: no reason models

    def with_compact(case: Any) -> Any:
        return rules.evaluate(case).to_json(compact=True)

    def with_model_json(case: Any) -> Any:
        decision = rules.evaluate(case)
        decision.materialise()
        return decision.to_json()  # from the models, as before the writer from the record

    def from_dict(case: Any) -> Any:
        return rules.evaluate(raw_of[id(case)]).to_json(compact=True)  # validating the dict included

    def from_line(case: Any) -> Any:  # reading the JSON text and validating it included
        return rules.evaluate(read_json_case(line_of[id(case)], "<line>", DEFAULT_LIMITS)).to_json(compact=True)

    def durable(case: Any) -> Any:
        return rules.evaluate(case, engine="durable")

    def hand(case: Any) -> Any:
        return handwritten.decide(case, case.on)

    raw_of = {id(case): data for case, data in zip(cases, raw, strict=True)}
    line_of = {id(case): json_line(data) for case, data in zip(cases, raw, strict=True)}
    rules.evaluate(cases[0], engine="durable")  # register the network (its time is reported apart)
    variants = (compiled, with_reasons, with_json, with_compact, with_model_json, from_dict, from_line)
    timings = timed_together([*variants, hand], cases)
    for name, timing in zip(VARIANTS, timings[:-1], strict=True):
        result[name] = timing
    result["handwritten"] = timings[-1]
    result["compiled"]["phases_us"] = phases(rules, population(size["memory"], seed + 4))
    result["durable"] = timed(durable, cases[: size["durable"]])
    memory_cases = population_cases(size["memory"], seed + 1)
    result["compiled"]["peak_memory_kib"] = peak_memory(compiled, memory_cases)
    result["durable"]["peak_memory_kib"] = peak_memory(durable, memory_cases[: max(50, size["memory"] // 10)])
    result["handwritten"]["peak_memory_kib"] = peak_memory(hand, memory_cases)
    c, d, h = (result[k]["decisions_per_second"] for k in ("compiled", "durable", "handwritten"))
    result["ratios"] = {"compiled_over_durable": round(c / d, 1), "handwritten_over_compiled": round(h / c, 1)}
    # time per decision of each variant over the hand-written function's, in the same run: from
    # the throughput, from the median latency (which pauses of a busy machine bend less) and from
    # the Python bytecode instructions executed (the work, independent of the machine's speed)
    work_raw = population(20, seed + 5)
    work_cases = [parse_facts(c) for c in work_raw]
    raw_of.update({id(case): data for case, data in zip(work_cases, work_raw, strict=True)})
    line_of.update({id(case): json_line(data) for case, data in zip(work_cases, work_raw, strict=True)})
    hand_work = bytecodes(hand, work_cases)
    result["handwritten"]["bytecodes_per_decision"] = hand_work
    deciders = dict(zip(VARIANTS, variants, strict=True))
    for name in VARIANTS:
        result[name]["bytecodes_per_decision"] = work = bytecodes(deciders[name], work_cases)
        result["ratios"][f"{name}_over_handwritten"] = round(h / result[name]["decisions_per_second"], 2)
        result["ratios"][f"{name}_median_over_handwritten"] = round(
            result[name]["latency_median_us"] / result["handwritten"]["latency_median_us"], 2
        )
        result["ratios"][f"{name}_bytecodes_over_handwritten"] = round(work / hand_work, 2)


#: The compiled engine's variants (key in the result: what is timed).
VARIANTS = {
    "compiled": "lazy decision (reasons built when read)",
    "compiled_reasons": "decision + reasons built",
    "compiled_json": "decision + JSON from the record (to_json())",
    "compiled_compact": "decision + compact JSON from the record",
    "compiled_model_json": "decision + reasons built + to_json()",
    "compiled_dict_compact": "dict in (validated) → compact JSON out",
    "compiled_line_compact": "JSON line in (read, validated) → compact JSON",
}

#: The fields of the population's cases that hold amounts (written as JSON numbers in a line).
_AMOUNT = re.compile(r'"(monthly_net|monthly|amount|reference_budget)": "([0-9.]+)"')


def json_line(data: dict[str, Any]) -> str:
    """A generated case as one line of JSON, as a client sends it: amounts as numbers."""
    return _AMOUNT.sub(r'"\1": \2', json.dumps(data, ensure_ascii=False))


def population_cases(count: int, seed: int, **kwargs: Any) -> list[Any]:
    """The seeded population, validated (``kwargs`` go to :func:`population.population`)."""
    return [parse_facts(c) for c in population(count, seed, **kwargs)]


def scaling_rules(size: dict[str, int], seed: int) -> list[dict[str, Any]]:
    """Generated rule sets of 10, 100 and 1,000 conditions: loading, preparing, deciding (the
    three timed in alternating batches, so that their ratios are steady), the work per decision
    and the durable backend where durable_rules can hold the rule set."""
    limits = Limits(max_nodes=500_000, max_document_chars=20_000_000)
    cases = population_cases(size["rules_cases"], seed + 2)
    out = []
    sets = []
    for count in (10, 100, 1000):
        text = ruleset_text(count)
        times = []
        for _ in range(3 if count <= 100 else 1):  # the median of three where that is quick
            t0 = time.perf_counter()
            rs = compile_text(text, f"generated-{count}.yaml", limits=limits)
            times.append((time.perf_counter() - t0) * 1e3)
        row: dict[str, Any] = {"rules": count, "load_and_compile_ms": round(statistics.median(times), 1)}
        t0 = time.perf_counter()
        prepared(rs)
        row["compiled_prepare_ms"] = round((time.perf_counter() - t0) * 1e3, 1)
        out.append(row)
        sets.append(rs)
    timings = timed_together([rs.evaluate for rs in sets], cases, batch=25)
    # The same once the loaded rule sets are kept out of Python's garbage collector (gc.freeze(),
    # as a server or batch worker does after loading): full collections walk every object that
    # survives, the big compiled rule sets included, and they grow with the rule set.
    gc.collect()
    gc.freeze()
    try:
        frozen = timed_together([rs.evaluate for rs in sets], cases, batch=25)
    finally:
        gc.unfreeze()
    for row, rs, timing, timing_frozen in zip(out, sets, timings, frozen, strict=True):
        row["compiled"] = timing
        row["compiled_frozen"] = timing_frozen
        row["compiled"]["bytecodes_per_decision"] = bytecodes(rs.evaluate, cases[:5])
        t0 = time.perf_counter()
        try:
            rs.evaluate(cases[0], engine="durable")
        except aidrules.EvaluationError as exc:  # beyond what durable_rules can hold
            row["durable_prepare_ms"] = None
            row["durable"] = {"error": str(exc)}
            continue
        row["durable_prepare_ms"] = round((time.perf_counter() - t0) * 1e3, 1)
        row["durable"] = timed(
            lambda case, rs=rs: rs.evaluate(case, engine="durable"), cases[: size["durable_rules_cases"]]
        )
    return out


def scaling_debts(rules: Any, seed: int, quick: bool) -> list[dict[str, Any]]:
    out = []
    count = 100 if quick else 400
    for debts in (0, 10, 100, 500):
        cases = population_cases(count, seed + 3 + debts, debts=debts, unknowns=0)
        row: dict[str, Any] = {"debts": debts}
        row["compiled"] = timed(rules.evaluate, cases)
        row["durable"] = timed(lambda case: rules.evaluate(case, engine="durable"), cases[: count // 10])
        row["handwritten"] = timed(lambda case: handwritten.decide(case, case.on), cases)
        out.append(row)
    return out


# -- printing ---------------------------------------------------------------------------------------
def report(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"aidrules benchmark ({r['mode']}, seed {r['seed']}) — Python {m['python']}, {m['cores']} cores, {m['cpu']}",
        f"load average at start: {m['load_average_at_start']}",
        "",
        f"{'engine':<12} {'decisions/s':>12} {'median µs':>10} {'p99 µs':>10} {'peak KiB':>10} {'cases':>7}",
    ]
    for name in ("compiled", "durable", "handwritten"):
        e = r[name]
        lines.append(
            f"{name:<12} {e['decisions_per_second']:>12,.0f} {e['latency_median_us']:>10,.1f} "
            f"{e['latency_p99_us']:>10,.1f} {e['peak_memory_kib']:>10,.0f} {e['decisions']:>7}"
        )
    ratios = r["ratios"]
    lines += [
        "",
        "compiled engine, timed with the hand-written function (× hand: by throughput, median latency, bytecodes)",
        f"{'':<42} {'decisions/s':>12} {'median µs':>10} {'× hand':>7} {'× median':>9} {'× work':>7}",
    ]
    for name, what in VARIANTS.items():
        lines.append(
            f"{what:<42} {r[name]['decisions_per_second']:>12,.0f} {r[name]['latency_median_us']:>10,.1f} "
            f"{ratios[name + '_over_handwritten']:>7.2f} {ratios[name + '_median_over_handwritten']:>9.2f} "
            f"{ratios[name + '_bytecodes_over_handwritten']:>7.2f}"
        )
    lines += ["", *targets(r), ""]
    lines += [
        f"compiled / durable: {ratios['compiled_over_durable']}×   handwritten / compiled: "
        f"{ratios['handwritten_over_compiled']}×",
        "compiled, per decision (medians): "
        + ", ".join(f"{k.replace('_', ' ')} {v} µs" for k, v in r["compiled"]["phases_us"].items()),
        f"validating facts: {r['validation']['facts_per_second']:,.0f} cases/s (not included above)",
        f"load + compile of the reference rule set: {r['load_and_compile']['median_ms']} ms (median); "
        f"preparing it for the compiled engine (first decision): {r['load_and_compile']['prepare_median_ms']} ms",
        "",
        f"{'rules':>6} {'load+compile ms':>16} {'prepare ms':>11} {'compiled dec/s':>15} {'frozen¹ dec/s':>14} "
        f"{'bytecodes/rule':>15} {'durable prep ms':>16} {'durable dec/s':>14}",
    ]
    for row in r["scaling_rules"]:
        durable = row["durable"]
        tail = (
            f"{row['durable_prepare_ms']:>16,.1f} {durable['decisions_per_second']:>14,.1f}"
            if "error" not in durable
            else f"  durable: {durable['error'][:90]}"
        )
        lines.append(
            f"{row['rules']:>6} {row['load_and_compile_ms']:>16,.1f} {row['compiled_prepare_ms']:>11,.1f} "
            f"{row['compiled']['decisions_per_second']:>15,.0f} "
            f"{row['compiled_frozen']['decisions_per_second']:>14,.0f} "
            f"{row['compiled']['bytecodes_per_decision'] / row['rules']:>15,.0f} " + tail
        )
    lines.append("¹ with the loaded rule sets kept out of the garbage collector (gc.freeze())")
    lines += ["", f"{'debts':>6} {'compiled µs':>12} {'durable µs':>12} {'handwritten µs':>15}"]
    for row in r["scaling_debts"]:
        lines.append(
            f"{row['debts']:>6} {row['compiled']['latency_median_us']:>12,.1f} "
            f"{row['durable']['latency_median_us']:>12,.1f} {row['handwritten']['latency_median_us']:>15,.1f}"
        )
    return "\n".join(lines)


def targets(r: dict[str, Any]) -> list[str]:
    """The targets of issue 18 against this run: decisions per second by throughput and by the
    median latency (1 s / median, which pauses of a busy machine bend less), and the ratio to the
    hand-written function measured in the same batches."""
    ratios = r["ratios"]
    lines = ["targets (decisions/s by throughput, by 1 s / median latency; × hand: throughput, median, bytecodes)"]
    for name, what, goal in (
        ("compiled", "full (lazy) decision ≥ 20,000/s, ≤ 2× hand", 20_000),
        ("compiled_dict_compact", "dict in → compact JSON ≥ 8,000/s", 8_000),
        ("compiled_line_compact", "JSON line in → compact JSON ≥ 8,000/s", 8_000),
        ("compiled_compact", "decision + compact JSON ≥ 10,000/s", 10_000),
    ):
        e = r[name]
        by_median = 1e6 / e["latency_median_us"]
        verdict = "met" if e["decisions_per_second"] >= goal else "met (median)" if by_median >= goal else "not met"
        lines.append(
            f"  {what:<44} {e['decisions_per_second']:>8,.0f} {by_median:>8,.0f}"
            f"  {verdict:<13}"
            f"× hand {ratios[name + '_over_handwritten']:.2f} {ratios[name + '_median_over_handwritten']:.2f} "
            f"{ratios[name + '_bytecodes_over_handwritten']:.2f}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (well under a minute)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the generated population")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = run(args.quick, args.seed)
    result["run_seconds"] = round(time.perf_counter() - started, 1)
    print(report(result))
    print(f"\n(run took {result['run_seconds']} s)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
