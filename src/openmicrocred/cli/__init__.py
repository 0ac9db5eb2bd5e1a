"""The ``openmicrocred`` command line. The only module that prints or exits.

Exit codes: 0 success, 1 the document is invalid, 2 unusable input or usage error.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

__all__ = ["console", "main"]

# The commands of cli/verify.py: given one of them first, the parser is built with that
# module's commands only (the others' modules are not imported, nor their parsers built).
_VERIFY_COMMANDS = frozenset({"verify", "inspect", "bake", "unbake"})


def _parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openmicrocred",
        description="Issue, sign, verify and revoke Open Badges 3.0 micro-credentials.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from . import verify

    first = (sys.argv[1:] if argv is None else argv)[:1]
    if first and first[0] in _VERIFY_COMMANDS:
        verify.add_commands(sub)
        return parser

    from . import issue, keys, serve, status, tools, upgrade

    tools.add_demo_command(sub)
    tools.add_commands(sub)
    verify.add_commands(sub)
    issue.add_commands(sub)
    keys.add_commands(sub)
    status.add_commands(sub)
    serve.add_commands(sub)
    upgrade.add_commands(sub)
    tools.add_contexts_command(sub)
    return parser


def _version() -> str:
    from .._version import __version__

    return __version__


_finished_read_only = False
"""Whether the last command run by :func:`main` was a read-only one that finished (see
:func:`console`)."""


def console() -> None:
    """The ``openmicrocred`` command (console script and ``python -m openmicrocred``): run
    :func:`main` and exit with its code.

    After a read-only command that finished (``verify``, ``inspect``), the output is flushed
    and the process ends without tearing the interpreter down: finalising every module and
    object it loaded costs such a command about 7% of its run, and it has nothing left to
    close or write. Every other command exits normally (``atexit`` handlers, finalisers).
    """
    code = main()
    if _finished_read_only:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, OSError):
            code = code or 1
        os._exit(code)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    # No cyclic garbage collection while a command's modules load (see cli/_gc.py).
    gc.disable()
    try:
        return _run(argv)
    finally:
        gc.enable()


def _run(argv: list[str] | None) -> int:
    global _finished_read_only
    _finished_read_only = False
    args = _parser(argv).parse_args(argv)
    if not getattr(args, "collect_after_imports", False):
        gc.enable()
    try:
        code: int = args.func(args, sys.stdout)
        sys.stdout.flush()
        _finished_read_only = bool(getattr(args, "read_only", False))
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
