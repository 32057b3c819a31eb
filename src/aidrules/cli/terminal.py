"""The command line's output: no control characters from rule files reach a terminal.

Rule files (and cases) come from other OCMWs; their texts end up in what ``evaluate``,
``explain``, ``validate``, ``list``, ``diff`` and the other commands print. An escape sequence in
a text (``ESC]0;…BEL`` sets the window title, ``ESC[2J`` clears the screen, others rewrite lines
above or, on some terminals, answer back as if typed) would be run by the social worker's
terminal. Rather than cleaning each of the many places that print a text, the command line's
standard output and standard error are wrapped once, when a command starts, in a writer that
drops escape sequences, C0 and C1 control characters (keeping new lines and tabs) and the
Unicode controls that reorder text on screen (bidirectional embeddings, overrides and isolates).
"""

from __future__ import annotations

import io
import re
import sys
from typing import Any, TextIO

#: A whole escape sequence: CSI (``ESC[…``), OSC (``ESC]…`` up to BEL or ``ESC\\``), the string
#: commands DCS/SOS/PM/APC, or ESC with one following character. Dropped whole, so that no
#: visible remains such as ``]0;title`` are left.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[\s\S])?")
#: C0 controls but tab and new line, DEL, C1 controls (``\x9b`` is a one-byte CSI), and the
#: bidirectional embedding/override/isolate characters.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` without escape sequences and control characters (new lines and tabs stay).

    Example:
        >>> clean("Motivatie \\x1b]0;pwned\\x07volstaat\\x1b[2J.\\n")
        'Motivatie volstaat.\\n'
    """
    return _CONTROL.sub("", _ESCAPE.sub("", text))


class SanitisingWriter(io.TextIOBase):
    """A text stream that writes :func:`clean` text to the stream it wraps."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # binary writes go to the wrapped stream's buffer, never here
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.stream.write(clean(text))
        return len(text)

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        # The wrapped stream may be closed first (a test runner's capture, a closed pipe); io's
        # finaliser flushes this writer too, which then has nothing left to flush.
        if not getattr(self.stream, "closed", False):
            self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.stream, "encoding", None) or "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.stream, "errors", None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def sanitise_output() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` (once) so that everything printed is cleaned."""
    if not isinstance(sys.stdout, SanitisingWriter):
        sys.stdout = SanitisingWriter(sys.stdout)
    if not isinstance(sys.stderr, SanitisingWriter):
        sys.stderr = SanitisingWriter(sys.stderr)
