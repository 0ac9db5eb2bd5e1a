"""``openmicrocred demo``, ``check``, ``canon`` and ``contexts``: the story, and tools for
looking at documents."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from ._io import Subcommands, read_bytes, read_json

__all__ = ["add_commands", "add_contexts_command", "add_demo_command"]


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from .demo import run_demo

    return run_demo(Path(args.dir), stream=out)


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from ..errors import OpenMicrocredError
    from ..jsonld import check_safe
    from ..models import parse_credential
    from ..schema import schema_errors

    worst = 0
    for source in args.files:
        try:
            data = read_json(source)
        except (OSError, ValueError) as exc:
            print(f"{source}: cannot read JSON: {exc}", file=sys.stderr)
            worst = 2
            continue
        problems: list[str] = []
        try:
            parse_credential(data)  # type: ignore[arg-type]
        except OpenMicrocredError as exc:
            problems.append(f"model: {exc}")
        if isinstance(data, dict):
            try:
                problems += [f"schema: {e}" for e in schema_errors(data)]
            except ValueError as exc:
                problems.append(f"schema: {exc}")
            try:
                check_safe(data)
            except OpenMicrocredError as exc:
                problems.append(f"json-ld: {exc}")
        if problems:
            worst = max(worst, 1)
            print(f"{source}: INVALID", file=out)
            for p in problems:
                print("  " + p.replace("\n", "\n  "), file=out)
        else:
            print(f"{source}: ok (model, 1EdTech schema, JSON-LD safe mode)", file=out)
    return worst


def _cmd_canon(args: argparse.Namespace, out: TextIO) -> int:
    import hashlib

    from ..canon import canonicalize, canonicalize_document, parse_nquads
    from ..errors import OpenMicrocredError

    try:
        raw = read_bytes(args.file)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{args.file}: cannot read: {exc}", file=sys.stderr)
        return 2
    try:
        try:
            document = json.loads(text)
        except ValueError:
            result = canonicalize(parse_nquads(text), hash_algorithm=args.hash_algorithm)
        else:
            if not isinstance(document, dict):
                print(f"{args.file}: a JSON-LD document must be a JSON object", file=sys.stderr)
                return 2
            result = canonicalize_document(document, hash_algorithm=args.hash_algorithm)
    except OpenMicrocredError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    if args.hash:
        digest = hashlib.new(args.hash_algorithm, result.nquads.encode("utf-8")).hexdigest()
        print(digest, file=out)
    else:
        out.write(result.nquads)
    return 0


def _cmd_contexts(args: argparse.Namespace, out: TextIO) -> int:
    from ..documents import bundled_contexts

    for url, ctx in sorted(bundled_contexts().items()):
        print(f"{ctx.sha256[:16]}  {len(ctx.data):6d}  {url}", file=out)
    return 0


def add_demo_command(sub: Subcommands) -> None:
    """Register ``demo``."""
    demo = sub.add_parser(
        "demo",
        help="the whole micro-credential story: define, assess, award, share, revoke, "
        "verify (offline)",
    )
    demo.add_argument(
        "dir",
        nargs="?",
        default="openmicrocred-demo",
        help="folder to write into (default: ./openmicrocred-demo)",
    )
    demo.set_defaults(func=_cmd_demo)


def add_commands(sub: Subcommands) -> None:
    """Register ``check`` and ``canon``."""
    check = sub.add_parser(
        "check", help="check credential JSON files: model, 1EdTech schema, JSON-LD safe mode"
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="a JSON file, or - for stdin")
    check.set_defaults(func=_cmd_check)

    canon = sub.add_parser(
        "canon",
        help="print the RDFC-1.0 canonical N-Quads (what a proof signs) of a document",
        description="Canonicalize a JSON-LD document (expanded offline, in safe mode) or an "
        "N-Quads file with RDFC-1.0, and print the canonical N-Quads or their hash.",
    )
    canon.add_argument("file", metavar="FILE", help="JSON-LD or N-Quads file, or - for stdin")
    canon.add_argument(
        "--hash-algorithm",
        choices=["sha256", "sha384"],
        default="sha256",
        help="hash used by the algorithm and by --hash (default: sha256)",
    )
    canon.add_argument(
        "--hash",
        action="store_true",
        help="print the hash of the canonical N-Quads instead of the N-Quads",
    )
    canon.set_defaults(func=_cmd_canon)


def add_contexts_command(sub: Subcommands) -> None:
    """Register ``contexts``."""
    contexts = sub.add_parser("contexts", help="list the bundled JSON-LD contexts")
    contexts.set_defaults(func=_cmd_contexts)
