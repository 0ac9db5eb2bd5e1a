"""RDF Dataset Canonicalization (RDFC-1.0) and N-Quads.

pyld implements URDNA2015, which differs from RDFC-1.0 in how N-Quads literals escape
control characters and has no bound on its work; this package implements RDFC-1.0 exactly,
with a work limit, and is safe to call from several threads at once.
"""

from __future__ import annotations

from .document import canonicalize_document, document_quads
from .nquads import Quad, Term, parse_nquads, serialize_nquad, serialize_term
from .rdfc10 import DEFAULT_MAX_CALLS, CanonicalizationResult, canonicalize

__all__ = [
    "DEFAULT_MAX_CALLS",
    "CanonicalizationResult",
    "Quad",
    "Term",
    "canonicalize",
    "canonicalize_document",
    "document_quads",
    "parse_nquads",
    "serialize_nquad",
    "serialize_term",
]
