"""``openmicrocred serve``: the VC-API issuer, verifier and status service (uvicorn)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from ._io import Subcommands

__all__ = ["add_commands"]


def _cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    # fastapi and uvicorn load here only, so the other commands start without them.
    import uvicorn

    from ..errors import OpenMicrocredError
    from ..service import Settings, create_app

    if bool(args.tls_cert) != bool(args.tls_key):
        print("openmicrocred serve: give both --tls-cert and --tls-key", file=sys.stderr)
        return 2
    scheme = "https" if args.tls_cert else "http"
    base_url = args.base_url or f"{scheme}://{args.host}:{args.port}"
    try:
        app = create_app(Settings(data_dir=args.data, base_url=base_url))
    except (OpenMicrocredError, OSError, ValueError) as exc:
        print(f"openmicrocred serve: {exc}", file=sys.stderr)
        return 2
    state = app.state.service
    print(f"issuer {state.issuer_id}; data in {args.data}", file=out)
    print(f"serving {scheme}://{args.host}:{args.port} (API docs at /docs)", file=out)
    out.flush()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="info",
    )
    return 0


def add_commands(sub: Subcommands) -> None:
    """Register ``serve`` on an argparse subparsers object."""
    serve = sub.add_parser(
        "serve", help="run the VC-API issuer, verifier and status service (HTTP)"
    )
    serve.add_argument(
        "--data",
        type=Path,
        default=Path("./openmicrocred-data"),
        metavar="DIR",
        help="data directory: key, status registry, lists (created on first start)",
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
    serve.set_defaults(func=_cmd_serve)
