"""RDF: N-Quads terms, parsing and serialization, and RDF Dataset Canonicalization (RDFC-1.0).

Pure RDF, with no JSON-LD in it: :mod:`openmicrocred.jsonld` turns documents into the
:class:`Quad` values defined here, and :mod:`openmicrocred.canon` puts the two together.

pyld implements URDNA2015, which differs from RDFC-1.0 in how N-Quads literals escape
control characters and has no bound on its work; :mod:`.rdfc10` implements RDFC-1.0 exactly,
with a work limit, and is safe to call from several threads at once.
"""

from __future__ import annotations

from .nquads import XSD_STRING, Quad, Term, parse_nquads, serialize_nquad, serialize_term
from .rdfc10 import DEFAULT_MAX_CALLS, CanonicalizationResult, canonicalize

__all__ = [
    "DEFAULT_MAX_CALLS",
    "XSD_STRING",
    "CanonicalizationResult",
    "Quad",
    "Term",
    "canonicalize",
    "parse_nquads",
    "serialize_nquad",
    "serialize_term",
]
