"""The intake page: a form a worker fills in with what they know, the proposal and its reasons
updated on every submit, and the next question shown first (server-rendered HTML, no scripts).

:func:`~aidrules.intake.page.render_intake` renders the page for a partial case and
:func:`~aidrules.intake.page.case_from_form` reads a submitted form back into a case; neither
depends on a web framework, so the page can be mounted in any server. ``aidrules intake`` serves
it for now with the standard library (:mod:`aidrules.intake.server`).
"""

from __future__ import annotations

from aidrules.intake.page import FormResult, case_from_form, render_intake

__all__ = ["FormResult", "case_from_form", "render_intake"]
