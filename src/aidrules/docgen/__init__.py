"""Documentation for policy makers, generated from rule sets (``aidrules docs``)."""

from __future__ import annotations

from pathlib import Path

from aidrules.docgen.pages import PAGES, page_documents, render_pages
from aidrules.ruleset.compiled import CompiledRuleSet


def write_pages(rs: CompiledRuleSet, out: Path, *, lang: str = "nl") -> list[Path]:
    """Write the pages of ``rs`` into ``out/<rule-set id>/``; returns the files written.

    Examples:
        >>> import aidrules, tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     [p.name for p in write_pages(aidrules.load(), Path(d))][0]
        'index.md'
    """
    folder = out / rs.id
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_pages(rs, lang).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


__all__ = ["PAGES", "page_documents", "render_pages", "write_pages"]
