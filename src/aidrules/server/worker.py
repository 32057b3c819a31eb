"""One worker process of ``aidrules serve --workers N``: uvicorn calls :func:`application` in each.

``serve`` checks the options and loads everything once before it starts the workers (so a bad
option stops it with a diagnostic), then hands the options to them in an environment variable.
This module imports no web framework at import time (it loads the application through
:func:`aidrules._extras.require`), so the ``serve`` command can name it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aidrules._extras import install_hint, require
from aidrules.errors import Diagnostic
from aidrules.server import StartError
from aidrules.server.catalogue import build_catalogue
from aidrules.server.logs import configure
from aidrules.server.tokens import TokenStore

if TYPE_CHECKING:
    from fastapi import FastAPI

    from aidrules.server.app import ServiceConfig

#: Where ``serve`` puts its options (JSON) for the worker processes.
WORKER_OPTIONS = "AIDRULES_SERVE_OPTIONS"


def application() -> FastAPI:
    """The service's application, built from the options ``serve`` left in the environment."""
    server = require("aidrules.server.app", "server", _no_server)
    config_class: type[ServiceConfig] = server.ServiceConfig
    create_app: Callable[[ServiceConfig], FastAPI] = server.create_app
    options = json.loads(os.environ[WORKER_OPTIONS])
    logger = configure(options["log_format"])
    tokens = TokenStore.read(options["tokens"]) if options["tokens"] else None
    catalogue = build_catalogue(options["rules"], public_key=options["public_key"])
    key_file = Path(options["key_file"]) if options["key_file"] else None
    return create_app(
        config_class(catalogue=catalogue, tokens=tokens, journal=options["journal"], key_file=key_file, logger=logger)
    )


def _no_server(missing: ImportError) -> StartError:
    message = f"the service needs the server extra ({missing.name} is missing)"
    return StartError(message, [Diagnostic("SV015", message, hint=install_hint("server"))])
