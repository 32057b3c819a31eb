"""``aidrules serve`` (the decision service, docs/service.md) and ``aidrules token create``.

The web framework is an optional extra (``aidrules[server]``): it is loaded only when ``serve``
runs (:func:`aidrules._extras.require`), so the rest of the command line stays light and works
without it.
"""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from aidrules._extras import install_hint, require
from aidrules.cli.common import fail
from aidrules.cli.help_texts import say, tr
from aidrules.errors import AidrulesError, Diagnostic
from aidrules.server import StartError
from aidrules.server.catalogue import build_catalogue
from aidrules.server.logs import configure
from aidrules.server.tokens import ROLES, TokenStore, create_token
from aidrules.server.worker import WORKER_OPTIONS

app = typer.Typer()  # these commands; cli/main.py puts them on the command line

token_app = typer.Typer(no_args_is_help=True, help=tr("Bearer tokens for the decision service (aidrules serve)."))
app.add_typer(token_app, name="token")

TokensOpt = Annotated[Path, typer.Option("--tokens", help=tr("The token file (only hashes are stored in it)."))]
DEFAULT_TOKENS = Path("aidrules-tokens.json")


def openapi_text(spec: dict[str, object]) -> str:
    """The OpenAPI document as committed in clients/typescript/openapi.json."""
    return json.dumps(spec, ensure_ascii=False, indent=2) + "\n"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option("--role", help=tr("One of: {roles}.").format(roles=", ".join(ROLES)))],
    name: Annotated[str, typer.Option("--name", help=tr("The staff id the token stands for (e.g. mw-017)."))],
    tokens: TokensOpt = DEFAULT_TOKENS,
) -> None:
    """Create a token: printed once on stdout; the token file keeps only its SHA-256."""
    try:
        token = create_token(tokens, role=role, name=name)
    except AidrulesError as exc:
        fail(exc)
    typer.echo(token)
    typer.echo(
        say(
            "token for {name} ({role}) added to {path}; it is shown only this once",
            name=name.strip(),
            role=role,
            path=tokens,
        ),
        err=True,
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help=tr("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help=tr("Port to listen on."))] = 8080,
    rules: Annotated[
        list[str] | None,
        typer.Option(
            "--rules", help=tr("Rule sets to serve: a path, ID or ID@VERSION (repeatable; default: all found).")
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", help=tr("Refuse to start unless every layer is signed with this key.")),
    ] = None,
    journal: Annotated[
        str | None, typer.Option("--journal", help=tr("The decision journal: a SQLite file or a store URL."))
    ] = None,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help=tr("The journal key (without it the journal is read-only)."))
    ] = None,
    tokens: Annotated[
        Path | None, typer.Option("--tokens", help=tr("Token file (aidrules token create); needed off loopback."))
    ] = None,
    log_format: Annotated[str, typer.Option("--log-format", help=tr("text or json (JSON lines)."))] = "text",
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help=tr("Processes answering requests (one per core at most)."))
    ] = 1,
    openapi: Annotated[
        bool, typer.Option("--openapi", help=tr("Print the OpenAPI document (as GET /openapi.json) and exit."))
    ] = False,
) -> None:
    """Run the decision service (HTTP API under /v1; see docs/service.md)."""
    if log_format not in ("text", "json"):
        diagnostic = Diagnostic("SV008", say("use text or json"), path="--log-format")
        fail(StartError(say("--log-format: use text or json"), [diagnostic]))
    logger = configure(log_format)
    try:
        uvicorn = require("uvicorn", "server", _no_server)
        server = require("aidrules.server.app", "server", _no_server)
    except StartError as exc:
        fail(exc)
    try:
        store = TokenStore.read(tokens) if tokens is not None else None
        if store is None and not is_loopback(host):
            message = say(
                "refusing to listen on {host} without tokens: anyone who can reach it could use it", host=host
            )
            hint = say("give --tokens FILE (aidrules token create)")
            raise StartError(message, [Diagnostic("SV014", message, path="--host", hint=hint)])
        catalogue = build_catalogue(rules, public_key=public_key)
        application = server.create_app(
            server.ServiceConfig(catalogue=catalogue, tokens=store, journal=journal, key_file=key_file, logger=logger)
        )
    except AidrulesError as exc:
        fail(exc)
    if openapi:
        typer.echo(openapi_text(application.openapi()), nl=False)
        return
    served = ", ".join(e.label for e in catalogue.entries)
    fields = {"host": host, "port": port, "rulesets": served, "journal": journal or "none"}
    if store is None:
        logger.warning(
            "OPEN MODE: no token file, every request is allowed (only on this machine's loopback address)",
            extra={"fields": fields},
        )
    else:
        logger.info("tokens required", extra={"fields": {**fields, "tokens": len(store)}})
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,
        "access_log": False,
        "server_header": False,
    }
    if workers == 1:
        uvicorn.run(application, **common)
        return
    # Each worker process builds the same application from the same options (checked above).
    options = {
        "rules": rules,
        "public_key": str(public_key) if public_key else None,
        "journal": journal,
        "key_file": str(key_file) if key_file else None,
        "tokens": str(tokens) if tokens else None,
        "log_format": log_format,
    }
    os.environ[WORKER_OPTIONS] = json.dumps(options)
    uvicorn.run("aidrules.server.worker:application", factory=True, workers=workers, **common)


def _no_server(exc: ImportError) -> StartError:
    message = say("the service needs the server extra ({name} is missing)", name=exc.name)
    return StartError(message, [Diagnostic("SV015", message, hint=install_hint("server"))])
