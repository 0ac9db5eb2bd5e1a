"""The ``openmicrocred`` command line. The only module that prints or exits.

Exit codes: 0 success, 1 the document is invalid, 2 unusable input or usage error.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path
from typing import TextIO

__all__ = ["main"]


def _read_json(source: str) -> object:
    raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    return json.loads(raw)


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from .demo import run_demo

    return run_demo(Path(args.dir), stream=out)


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from .errors import OpenMicrocredError
    from .jsonld import check_safe
    from .models import parse_credential
    from .schema import schema_errors

    worst = 0
    for source in args.files:
        try:
            data = _read_json(source)
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

    from .canon import canonicalize, canonicalize_document, parse_nquads
    from .errors import OpenMicrocredError

    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
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
    from .documents import bundled_contexts

    for url, ctx in sorted(bundled_contexts().items()):
        print(f"{ctx.sha256[:16]}  {len(ctx.data):6d}  {url}", file=out)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openmicrocred",
        description="Issue, sign, verify and revoke Open Badges 3.0 micro-credentials.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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

    from . import cli_issue, cli_status, cli_verify

    cli_verify.add_commands(sub)
    cli_issue.add_commands(sub)
    cli_status.add_commands(sub)

    contexts = sub.add_parser("contexts", help="list the bundled JSON-LD contexts")
    contexts.set_defaults(func=_cmd_contexts)
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    # A command runs once, in a fresh process, after loading many modules (pydantic builds its
    # models then): looking for garbage cycles while they load is wasted work, about 6% of a
    # verify. Commands marked ``collect_after_imports`` call collect_from_now_on() once their
    # imports are done; the others collect as usual from the start.
    gc.disable()
    try:
        return _run(argv)
    finally:
        gc.enable()


def collect_from_now_on() -> None:
    """Resume garbage collection, leaving what is loaded so far out of it (``gc.freeze``)."""
    gc.freeze()
    gc.enable()


def _run(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if not getattr(args, "collect_after_imports", False):
        gc.enable()
    try:
        code: int = args.func(args, sys.stdout)
        sys.stdout.flush()
    except KeyboardInterrupt:
        return 2
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
