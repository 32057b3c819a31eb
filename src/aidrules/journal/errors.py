"""Errors of the decision journal (all under :class:`~aidrules.errors.AidrulesError`).

Codes: JR001 an unacceptable dossier reference, JR002 separation of duties, JR003 an
undetermined outcome cannot be final, JR004 an invalid staff id, JR005 the key does not match the
journal, JR006 the journal (file or database) cannot be used, JR007 no usable secret key, JR008
the dossier reference appears in the decision, JR009 a stored entry was changed or the database
is damaged or refused the entry, JR010 no such entry, JR011 a draft cannot be approved (twice, or
it is final already), JR012 another rule set than the decision's, JR013 an unknown journal URL
scheme, JR014 a PostgreSQL journal without the ``postgres`` extra.
"""

from __future__ import annotations

from aidrules.codes import Code
from aidrules.errors import AidrulesError, Diagnostic


class JournalError(AidrulesError):
    """The journal refused an entry or cannot be used; see the diagnostics."""

    exit_code = 2

    def __init__(self, code: Code, message: str, path: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, [Diagnostic(code, message, path=path, hint=hint)])
        self.code = code


class SeparationOfDutiesError(JournalError):
    """A final decision needs an approver who is not the person who prepared it."""
