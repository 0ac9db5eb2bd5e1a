"""Reading what a command is given (a file, ``-`` for standard input, or a URL), and the
shapes the command modules share; stdlib only."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TypeAlias

__all__ = ["Subcommands", "read_bytes", "read_json", "read_source"]

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What ``add_subparsers()`` returns; each command module adds its commands to it."""


def read_bytes(source: str) -> bytes:
    """The bytes of a file, or of standard input for ``-``.

    :raises OSError: the file cannot be read.
    """
    return sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()


def read_json(source: str) -> object:
    """The JSON value in a file, or on standard input for ``-``.

    :raises OSError: the file cannot be read.
    :raises ValueError: it is not JSON.
    """
    return json.loads(read_bytes(source))


def read_source(source: str) -> bytes | str | Path:
    """What to hand the verifier: standard input's bytes for ``-``, an http(s) URL as it is,
    otherwise the file's path."""
    if source == "-":
        return sys.stdin.buffer.read()
    if source.startswith(("https://", "http://")):
        return source
    return Path(source)
