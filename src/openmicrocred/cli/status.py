"""``openmicrocred status``: manage an issuer's status registry from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from ._io import Subcommands

__all__ = ["add_commands"]


def _registry(args: argparse.Namespace) -> Any:
    from ..status import SQLiteStatusRegistry

    return SQLiteStatusRegistry(args.registry, base_url=getattr(args, "base_url", None))


def _cmd_status(args: argparse.Namespace, out: TextIO) -> int:
    from ..errors import OpenMicrocredError

    try:
        return int(_run(args, out))
    except (OpenMicrocredError, OSError, ValueError) as exc:
        print(f"openmicrocred status {args.action}: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, out: TextIO) -> int:
    action = args.action
    if action == "init":
        registry = _registry(args)
        print(f"status registry {args.registry}: lists served from {registry.base_url}", file=out)
        return 0
    if not __import__("pathlib").Path(args.registry).exists():
        raise ValueError(f"{args.registry} does not exist (create it with 'status init')")
    registry = _registry(args)
    if action in ("revoke", "suspend", "reinstate"):
        entry = getattr(registry, action)(args.credential_id)
        state = "set" if entry.set else "clear"
        print(
            f"{args.credential_id}: {entry.purpose} bit {entry.index} of {entry.list_url} "
            f"is now {state}. Publish the lists for verifiers to see it.",
            file=out,
        )
        return 0
    if action == "show":
        entries = registry.entries(args.credential_id)
        if not entries:
            print(f"{args.credential_id}: no status entries", file=out)
            return 1
        for e in entries:
            print(
                f"{args.credential_id}: {e.purpose}: {'SET' if e.set else 'clear'} "
                f"(bit {e.index} of {e.list_url})",
                file=out,
            )
        for purpose, what, at in registry.history(args.credential_id):
            print(f"  {at}  {what} ({purpose})", file=out)
        return 0
    if action == "publish":
        from ..keys import Ed25519Key, load_private_key
        from ..status import publish

        passphrase = None
        if args.passphrase_env:
            import os

            passphrase = os.environ.get(args.passphrase_env)
        key = load_private_key(args.key, passphrase=passphrase)
        issuer = args.issuer or (key.did if isinstance(key, Ed25519Key) else None)
        if issuer is None:
            raise ValueError("give --issuer for a non-Ed25519 key")
        published = publish(
            registry,
            args.out,
            key,
            issuer=issuer,
            verification_method=args.verification_method,
            format=args.format,
            ttl_ms=args.ttl,
        )
        for item in published:
            print(f"host {item.path} at {item.url} ({item.media_type})", file=out)
        return 0
    raise ValueError(f"unknown action {action}")


def add_commands(sub: Subcommands) -> None:
    """Register ``status`` on an argparse subparsers object."""
    status = sub.add_parser(
        "status",
        help="revoke, suspend, reinstate, show and publish "
        "credential status (Bitstring Status List)",
    )
    actions = status.add_subparsers(dest="action", required=True, metavar="ACTION")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--registry", required=True, metavar="FILE", help="the status registry (SQLite file)"
        )

    init = actions.add_parser("init", help="create a status registry")
    common(init)
    init.add_argument(
        "--base-url",
        required=True,
        help="where the published lists will be served, e.g. https://kmutt.example/status",
    )
    for name, text in (
        ("revoke", "revoke a credential (permanent)"),
        ("suspend", "suspend a credential"),
        ("reinstate", "lift a credential's suspension"),
        ("show", "show a credential's status and history"),
    ):
        p = actions.add_parser(name, help=text)
        common(p)
        p.add_argument("credential_id", metavar="CREDENTIAL_ID")
    pub = actions.add_parser("publish", help="sign and write every status list, ready to host")
    common(pub)
    pub.add_argument("--key", required=True, help="the issuer's private key file (PEM)")
    pub.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="environment variable holding the key file's passphrase",
    )
    pub.add_argument("--issuer", help="issuer id (default: the key's did:key)")
    pub.add_argument("--verification-method", help="the key's verification method id")
    pub.add_argument("--out", required=True, help="folder to write the lists into")
    pub.add_argument(
        "--format",
        choices=["di", "jwt"],
        default="di",
        help="eddsa-rdfc-2022 JSON (default) or VC-JWT",
    )
    pub.add_argument(
        "--ttl", type=int, metavar="MS", help="how long verifiers may cache a list, in milliseconds"
    )
    status.set_defaults(func=_cmd_status)
