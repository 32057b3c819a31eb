"""The trace events under their earlier name (docs/api.md): they live in :mod:`aidrules.engine.trace`,
below the engine that emits them."""

from __future__ import annotations

from aidrules.engine.trace import EventKind, RecordingTracer, TraceEvent, Tracer, derived_event

__all__ = ["EventKind", "RecordingTracer", "TraceEvent", "Tracer", "derived_event"]
