"""Structured logs with the standard library: plain text or JSON lines.

The service logs what happened (route, status, duration, request id, the caller's staff id and
role, error codes), never a request or response body: cases hold personal data. Tracebacks of
unexpected errors are logged without the exception's message (it may quote a value from a case).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime

LOGGER = "aidrules.server"
#: Fields a log record may carry beyond the message (set with ``extra={"fields": {...}}``).
FIELDS = "fields"


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, FIELDS, None) or {})
        if record.exc_info is not None:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)

    def formatException(self, ei: object) -> str:
        return _traceback_without_message(ei)


class Text(logging.Formatter):
    """``time level message key=value …``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, FIELDS, None) or {}
        return line + "".join(f" {k}={v}" for k, v in fields.items())

    def formatException(self, ei: object) -> str:
        return _traceback_without_message(ei)


def _traceback_without_message(ei: object) -> str:
    """The traceback's frames and the exception's type, but not its message."""
    if not isinstance(ei, tuple) or len(ei) != 3 or ei[1] is None:
        return ""
    kind, _error, tb = ei
    frames = "".join(traceback.format_tb(tb))
    return f"Traceback (most recent call last):\n{frames}{kind.__name__} (message withheld: it may hold case data)"


def configure(fmt: str = "text", level: int = logging.INFO) -> logging.Logger:
    """Send the service's log (and uvicorn's) to stderr in ``fmt`` (``text`` or ``json``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if fmt == "json" else Text())
    for name in (LOGGER, "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    return logging.getLogger(LOGGER)
