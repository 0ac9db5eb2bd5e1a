"""Shared type aliases and the protocols that plug points satisfy."""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias

__all__ = ["DocumentLoader", "JSONObject", "JSONValue", "RemoteDocument"]

JSONValue: TypeAlias = Any
"""Any value that :func:`json.loads` can return."""

JSONObject: TypeAlias = dict[str, Any]
"""A JSON object, as :func:`json.loads` returns it."""

RemoteDocument: TypeAlias = dict[str, Any]
"""What a JSON-LD document loader returns: ``{"contextUrl", "documentUrl", "document"}``."""


class DocumentLoader(Protocol):
    """Loads a JSON-LD document (usually a context) by URL.

    The signature is the one pyld expects, so a loader can be handed to pyld directly.
    Implementations must be safe to call from several threads at once and must raise
    :class:`openmicrocred.errors.DocumentLoaderError` for a URL they will not serve.
    """

    def __call__(self, url: str, options: dict[str, Any] | None = None, /) -> RemoteDocument: ...
