"""Garbage collection around a command's imports; stdlib only.

A command runs once, in a fresh process, after loading many modules (pydantic builds its
models then): looking for garbage cycles while they load is wasted work, about 6% of a
verify. :func:`openmicrocred.cli.main` turns collection off; commands marked
``collect_after_imports`` call :func:`collect_from_now_on` once their imports are done, and
the others collect as usual from the start.
"""

from __future__ import annotations

import gc

__all__ = ["collect_from_now_on"]


def collect_from_now_on() -> None:
    """Resume garbage collection, leaving what is loaded so far out of it (``gc.freeze``)."""
    gc.freeze()
    gc.enable()
