"""The few metrics the service exposes, in the Prometheus text format (version 0.0.4).

Hand-written rather than ``prometheus_client``: four metric families need some forty lines, no
global registry (every app instance, e.g. in tests, has its own) and no further dependency.
Labels are route templates (``/v1/rulesets/{id}``), methods, status codes and outcomes: never a
value from a case.
"""

from __future__ import annotations

import threading
from collections import defaultdict

#: Upper bounds of the latency histogram's buckets, in seconds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def _labels(pairs: tuple[tuple[str, str], ...]) -> str:
    inner = ",".join(f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"' for k, v in pairs)
    return "{" + inner + "}" if inner else ""


class Metrics:
    """Counters and a latency histogram, safe to update from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[tuple[str, str], ...], int] = defaultdict(int)
        self.decisions: dict[tuple[tuple[str, str], ...], int] = defaultdict(int)
        self.journal: dict[tuple[tuple[str, str], ...], int] = defaultdict(int)
        self.buckets: dict[str, list[int]] = {}
        self.sums: dict[str, float] = defaultdict(float)
        self.rulesets = 0

    def request(self, route: str, method: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(("route", route), ("method", method), ("status", str(status)))] += 1
            counts = self.buckets.setdefault(route, [0] * (len(BUCKETS) + 1))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[i] += 1
            counts[-1] += 1
            self.sums[route] += seconds

    def decision(self, recommendation: str) -> None:
        with self._lock:
            self.decisions[(("recommendation", recommendation),)] += 1

    def journal_entry(self, status: str) -> None:
        with self._lock:
            self.journal[(("status", status),)] += 1

    def render(self) -> str:
        """The metrics as Prometheus text."""
        out: list[str] = []
        with self._lock:
            for name, help_text, values in (
                ("aidrules_http_requests_total", "HTTP requests answered.", self.requests),
                ("aidrules_decisions_total", "Decisions made, by recommendation.", self.decisions),
                ("aidrules_journal_entries_total", "Journal entries written, by status.", self.journal),
            ):
                out += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
                out += [f"{name}{_labels(k)} {v}" for k, v in sorted(values.items())]
            name = "aidrules_http_request_duration_seconds"
            out += [f"# HELP {name} Time to answer a request.", f"# TYPE {name} histogram"]
            for route, counts in sorted(self.buckets.items()):
                for bound, count in zip((*map(str, BUCKETS), "+Inf"), counts, strict=True):
                    out.append(f"{name}_bucket{_labels((('route', route), ('le', bound)))} {count}")
                out.append(f"{name}_sum{_labels((('route', route),))} {self.sums[route]:.6f}")
                out.append(f"{name}_count{_labels((('route', route),))} {counts[-1]}")
            out += [
                "# HELP aidrules_rulesets_loaded Rule-set versions loaded at start.",
                "# TYPE aidrules_rulesets_loaded gauge",
                f"aidrules_rulesets_loaded {self.rulesets}",
            ]
        return "\n".join(out) + "\n"
