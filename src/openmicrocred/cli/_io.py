"""Reading what a command is given (a file, ``-`` for standard input, or a URL), and the
shapes the command modules share; stdlib only."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TextIO, TypeAlias

__all__ = [
    "Subcommands",
    "TerminalWriter",
    "read_bytes",
    "read_json",
    "read_source",
    "terminal_safe",
]

# What must never reach a terminal from a badge: C0 controls (ESC starts escape sequences
# that move the cursor, clear the screen or recolour text; CR and backspace overwrite what
# was printed), DEL, C1 controls (U+009B is a one-byte CSI), and the Unicode marks that
# reorder text (bidi embeddings, overrides and isolates, LRM/RLM, the Arabic letter mark).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_IN_VALUE = re.compile(f"[\t\n{_UNSAFE}]")
_UNSAFE_IN_OUTPUT = re.compile(f"[{_UNSAFE}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` as one printable line: every control character, newline and tab, and every
    bidi control is shown as an escape (``\\x1b``, ``\\u202e``) instead of acting."""
    return _UNSAFE_IN_VALUE.sub(_escape, text)


class TerminalWriter:
    """Wraps an output stream so that nothing written through it can act on a terminal: the
    characters :func:`terminal_safe` escapes are escaped here too, except newlines and tabs,
    which the command writes itself. A second line of defence behind escaping each value."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(_UNSAFE_IN_OUTPUT.sub(_escape, text))

    def flush(self) -> None:
        self._stream.flush()


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
