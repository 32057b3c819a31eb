"""Setting the engine's caches of reasons (:class:`aidrules.engine.prepare.Memo`) to keep a given
number of reasons for the length of a test, then putting them back as they were: what the tests
that compare the generated loops with the interpreted assembly run each case under."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from aidrules.engine.prepare import Memo


@contextmanager
def memos_keeping(memos: Iterable[Memo], cap: int) -> Iterator[None]:
    """Each of ``memos`` emptied and set to keep ``cap`` reasons (0: none, each reason made
    afresh), its counts at zero; afterwards its size, counts and reasons as they were."""
    memos = list(memos)
    saved = [(m.cap, m.hits, m.misses, dict(m.entries)) for m in memos]
    try:
        for m in memos:
            m.cap, m.hits, m.misses = cap, 0, 0
            m.entries.clear()
        yield
    finally:
        for m, (kept, hits, misses, entries) in zip(memos, saved, strict=True):
            m.cap, m.hits, m.misses = kept, hits, misses
            m.entries.clear()
            m.entries.update(entries)
