"""Small helpers for JSON data as parsed by :mod:`json` (dicts, lists, scalars); stdlib only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

__all__ = ["as_list", "id_of", "issuer_id", "json_copy", "json_path"]


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value as a list: ``None`` is empty, a single value is a one-item list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def id_of(value: Any) -> str | None:
    """The id of a node given as a string or as an object with a string ``id``."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def issuer_id(credential: dict[str, Any]) -> str | None:
    """The credential's issuer id (``issuer`` as a string, or its ``id``)."""
    return id_of(credential.get("issuer"))


def json_copy(value: Any) -> Any:
    """A deep copy of JSON data: much cheaper than :func:`copy.deepcopy`."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value


def json_path(parts: Sequence[int | str]) -> str:
    """Format ``("credentialSubject", "result", 0)`` as ``$.credentialSubject.result[0]``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out
