"""Canonicalize a JSON-LD document: safe-mode JSON-LD to RDF, then RDFC-1.0."""

from __future__ import annotations

from ..documents import DEFAULT_LOADER
from ..jsonld import to_quads
from ..rdf.rdfc10 import DEFAULT_MAX_CALLS, CanonicalizationResult, canonicalize
from ..types import DocumentLoader, JSONObject

__all__ = ["canonicalize_document"]


def canonicalize_document(
    document: JSONObject,
    *,
    loader: DocumentLoader = DEFAULT_LOADER,
    hash_algorithm: str = "sha256",
    max_calls: int = DEFAULT_MAX_CALLS,
    fast: bool = True,
) -> CanonicalizationResult:
    """Canonical N-Quads (RDFC-1.0) of a JSON-LD document.

    :raises SafeModeError: part of the document would be lost in JSON-LD processing.
    :raises CanonicalizationError: the work limit was exceeded.
    """
    return canonicalize(
        to_quads(document, loader=loader, fast=fast),
        hash_algorithm=hash_algorithm,
        max_calls=max_calls,
    )
