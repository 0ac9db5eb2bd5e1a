"""``openmicrocred serve``: the VC-API issuer, verifier and status service (uvicorn), and
``openmicrocred clients``: the OAuth2 clients that may issue and change status."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ._io import Subcommands

__all__ = ["add_commands"]

STORAGE_ENV = "OPENMICROCRED_STORAGE"
"""The storage URL when ``--storage`` is not given (keeps a database password off the
command line, where other users of the machine can see it)."""


def _storage(args: argparse.Namespace) -> str | None:
    import os

    given: str | None = getattr(args, "storage", None)
    return given or os.environ.get(STORAGE_ENV) or None


def _settings(args: argparse.Namespace) -> tuple[Any, str]:
    """The settings: the file's (``--settings``), with the options given on the command
    line winning."""
    from ..service import Settings
    from ..service.settings import load_settings_file

    scheme = "https" if args.tls_cert else "http"
    given = {
        "data_dir": args.data.absolute() if args.data is not None else None,
        "base_url": args.base_url,
        "rate_limit_per_s": args.rate_limit,
        "rate_limit_burst": args.rate_burst,
        "storage": _storage(args),
    }
    defaults: dict[str, Any] = {
        "data_dir": Path("./openmicrocred-data").absolute(),
        "base_url": f"{scheme}://{args.host}:{args.port}",
    }
    if args.settings is not None:
        return load_settings_file(args.settings, defaults, **given), scheme
    chosen = {k: v for k, v in given.items() if v is not None}
    return Settings.model_validate({**defaults, **chosen}), scheme


def _cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    # fastapi and uvicorn load here only, so the other commands start without them.
    import os

    import uvicorn
    from pydantic import ValidationError

    from ..errors import OpenMicrocredError
    from ..service import create_app
    from ..service.app import SETTINGS_ENV

    if bool(args.tls_cert) != bool(args.tls_key):
        print("openmicrocred serve: give both --tls-cert and --tls-key", file=sys.stderr)
        return 2
    if args.workers < 1:
        print("openmicrocred serve: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.tls_cert and (problem := _tls_problem(args.tls_cert, args.tls_key)):
        print(f"openmicrocred serve: --tls-cert/--tls-key: {problem}", file=sys.stderr)
        return 2
    try:
        settings, scheme = _settings(args)
        # Made here, before any worker starts: the data directory, key and databases.
        app = create_app(settings)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        print(f"openmicrocred serve: {where}: {first['msg']}", file=sys.stderr)
        return 2
    except (OpenMicrocredError, OSError, ValueError) as exc:
        print(f"openmicrocred serve: {exc}", file=sys.stderr)
        return 2
    state = app.state.service
    for issuer in state.issuers.values():
        print(f"issuer {issuer.name}: {issuer.issuer_id}", file=out)
    print(f"data in {settings.data_dir}", file=out)
    if settings.storage is not None:
        from ..storage.backend import redact

        print(f"storage: {redact(settings.storage)}", file=out)
    workers = f" with {args.workers} workers" if args.workers > 1 else ""
    print(f"serving {scheme}://{args.host}:{args.port}{workers} (API docs at /docs)", file=out)
    out.flush()
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "ssl_certfile": args.tls_cert,
        "ssl_keyfile": args.tls_key,
        "log_level": "info",
    }
    if args.workers == 1:
        uvicorn.run(app, **options)
        return 0
    # Each worker makes its own app from the settings; the parent deals them connections.
    from ..service.workers import serve_workers

    state.close()
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    target = "openmicrocred.service.app:app_from_environment"
    return serve_workers(uvicorn.Config(target, factory=True, **options), args.workers)


def _tls_problem(cert: str, key: str) -> str | None:
    """Why the certificate and key cannot serve TLS, or ``None`` (checked before any worker
    starts, so that a bad file is one clear line, not a traceback from each worker)."""
    import ssl

    for name in (cert, key):
        if not Path(name).is_file():
            return f"no such file: {name}"
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        # An encrypted key would ask for its password on the terminal: refuse it instead.
        context.load_cert_chain(cert, key, password=lambda: b"")
    except (OSError, ssl.SSLError):
        return f"{cert} and {key} are not a PEM certificate and its (unencrypted) private key"
    return None


def _store(args: argparse.Namespace) -> Any:
    from ..service.clients import CLIENTS_FILE, ClientStore

    url = _storage(args)
    return ClientStore(url if url is not None else args.data / CLIENTS_FILE)


def _when(seconds: float) -> str:
    import datetime

    moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _clients_add(args: argparse.Namespace, out: TextIO) -> int:
    client, secret = _store(args).add(args.scope or [], name=args.name or "")
    if args.json:
        answer = {"client_id": client.id, "client_secret": secret}
        print(json.dumps({**answer, "scope": " ".join(client.scopes)}), file=out)
        return 0
    print(f"client_id:     {client.id}", file=out)
    print(f"client_secret: {secret}", file=out)
    print(f"scope:         {' '.join(client.scopes)}", file=out)
    print("The secret is shown this once; the service keeps only a hash of it.", file=out)
    return 0


def _clients_list(args: argparse.Namespace, out: TextIO) -> int:
    from ._io import terminal_safe

    listed = _store(args).clients()
    if not listed:
        print("no clients (add one with 'openmicrocred clients add')", file=out)
    for c in listed:
        state = "active" if c.active else f"revoked {_when(c.revoked)}"
        name = terminal_safe(c.name) or "-"
        scopes = " ".join(c.scopes)
        print(f"{c.id}  {name}  scope={scopes}  created {_when(c.created)}  {state}", file=out)
    return 0


def _clients_revoke(args: argparse.Namespace, out: TextIO) -> int:
    if not _store(args).revoke(args.client_id):
        print(f"openmicrocred clients revoke: no client {args.client_id}", file=sys.stderr)
        return 2
    print(f"{args.client_id}: revoked; its tokens no longer work", file=out)
    return 0


def _cmd_clients(args: argparse.Namespace, out: TextIO) -> int:
    import sqlite3

    from ..errors import OpenMicrocredError

    actions = {"add": _clients_add, "list": _clients_list, "revoke": _clients_revoke}
    try:
        return actions[args.action](args, out)
    except (OSError, ValueError, sqlite3.Error, OpenMicrocredError) as exc:
        print(f"openmicrocred clients {args.action}: {exc}", file=sys.stderr)
        return 2


def _add_clients_command(sub: Subcommands) -> None:
    clients = sub.add_parser(
        "clients", help="add, list and revoke the OAuth2 clients that may issue and revoke"
    )
    actions = clients.add_subparsers(dest="action", required=True, metavar="ACTION")
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument(
        "--data",
        type=Path,
        default=Path("./openmicrocred-data"),
        metavar="DIR",
        help="the service's data directory (clients are kept in DIR/clients.sqlite)",
    )
    data.add_argument(
        "--storage",
        metavar="URL",
        help=f"the service's storage URL, if it has one (postgresql://... or sqlite:///...;"
        f" default ${STORAGE_ENV})",
    )
    add = actions.add_parser(
        "add", parents=[data], help="create a client; prints its id and secret once"
    )
    add.add_argument(
        "--scope",
        action="append",
        metavar="SCOPE",
        help="a scope it may ask for (repeat): issue, status, definitions, assessments, admin",
    )
    add.add_argument("--name", help="who the client is (shown by 'clients list')")
    add.add_argument("--json", action="store_true", help="print the client as one JSON line")
    actions.add_parser("list", parents=[data], help="list the clients (never their secrets)")
    revoke = actions.add_parser(
        "revoke", parents=[data], help="revoke a client and every token it holds"
    )
    revoke.add_argument("client_id", metavar="CLIENT_ID")
    clients.set_defaults(func=_cmd_clients)


def add_commands(sub: Subcommands) -> None:
    """Register ``serve`` and ``clients`` on an argparse subparsers object."""
    serve = sub.add_parser(
        "serve", help="run the VC-API issuer, verifier and status service (HTTP)"
    )
    serve.add_argument(
        "--settings",
        type=Path,
        metavar="FILE",
        help="settings file (TOML or JSON): issuers, base URL, limits; see docs/service.md",
    )
    serve.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="data directory: keys, status registries, lists (created on first start; "
        "default ./openmicrocred-data)",
    )
    serve.add_argument(
        "--storage",
        metavar="URL",
        help="one database for everything but the keys, shared by every worker and host: "
        f"postgresql://user:pw@host:port/db or sqlite:///path (default ${STORAGE_ENV}, else "
        "SQLite files in the data directory)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument("--tls-cert", metavar="FILE", help="TLS certificate (PEM)")
    serve.add_argument("--tls-key", metavar="FILE", help="TLS private key (PEM)")
    serve.add_argument(
        "--base-url",
        metavar="URL",
        help="public URL of the service, used in status list URLs (default: the listening address)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1; about one per CPU core)",
    )
    serve.add_argument(
        "--rate-limit",
        type=float,
        metavar="R",
        help="requests/s per client address to the verify and token endpoints, "
        "per worker (default 20; 0 for none)",
    )
    serve.add_argument(
        "--rate-burst",
        type=int,
        metavar="B",
        help="requests an address may make at once before the rate applies (default 40)",
    )
    serve.set_defaults(func=_cmd_serve)
    _add_clients_command(sub)
