"""Trace events, formatting and rendering of decisions."""
