"""JSON-LD document -> canonical N-Quads (RDFC-1.0): :func:`canonicalize_document` joins
:func:`openmicrocred.jsonld.to_quads` and :func:`openmicrocred.rdf.canonicalize`.

The RDF names are re-exported here, since canonicalizing is what most callers come for.
"""

from __future__ import annotations

from ..rdf import (
    DEFAULT_MAX_CALLS,
    CanonicalizationResult,
    Quad,
    Term,
    canonicalize,
    parse_nquads,
    serialize_nquad,
    serialize_term,
)
from .document import canonicalize_document

__all__ = [
    "DEFAULT_MAX_CALLS",
    "CanonicalizationResult",
    "Quad",
    "Term",
    "canonicalize",
    "canonicalize_document",
    "parse_nquads",
    "serialize_nquad",
    "serialize_term",
]
