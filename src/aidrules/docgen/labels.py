"""The fixed words of the generated pages, in Dutch, French and English.

They live in the gettext domain ``docgen`` (msgid ``page.<key>``); "yes" and "no" are the
``interface`` domain's. Read when a page is first written, never on ``import aidrules``.
"""

from __future__ import annotations

from aidrules.text import domain

_PAGES = domain("docgen")
_INTERFACE = domain("interface")
#: Keys of the ``interface`` domain the pages use as they are.
_SHARED = frozenset({"yes", "no"})


def label(key: str, lang: str, **values: object) -> str:
    """The page text ``key`` in ``lang`` with ``values`` filled in (``str.format`` fields)."""
    text = _INTERFACE[lang][key] if key in _SHARED else _PAGES[lang][f"page.{key}"]
    return text.format(**values) if values else text
