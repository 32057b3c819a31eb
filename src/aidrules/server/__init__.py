"""The decision service: ``aidrules serve`` (HTTP API over the library, see ``docs/service.md``).

Needs the optional extra ``aidrules[server]`` (FastAPI and uvicorn). Only the ``serve`` command
imports :mod:`aidrules.server.app`; importing this package, :mod:`.tokens` or :mod:`.catalogue`
loads no web framework, so ``aidrules token create`` and the core library stay light.
"""

from __future__ import annotations

from aidrules.errors import AidrulesError


class StartError(AidrulesError):
    """The service cannot start as asked (no tokens off loopback, a missing extra, …): exit 2."""

    exit_code = 2
