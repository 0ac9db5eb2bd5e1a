"""``Ed25519Signature2020`` (W3C CCG, superseded): verified for badges that the Digital
Credentials Consortium and ACA-Py issue. Not offered for issuing."""

from __future__ import annotations

from ..canon import canonicalize_document
from ..types import DocumentLoader, JSONObject
from .base import combined_hash

__all__ = ["ED25519_SIGNATURE_2020", "Ed25519Signature2020"]


class Ed25519Signature2020:
    """RDF canonicalization, SHA-256, Ed25519; proof type ``Ed25519Signature2020``."""

    proof_type = "Ed25519Signature2020"
    cryptosuite: str | None = None
    can_sign = False

    def transform(self, document: JSONObject, *, loader: DocumentLoader) -> str:
        return canonicalize_document(document, loader=loader).nquads

    def configure(self, proof_config: JSONObject, *, loader: DocumentLoader) -> str:
        return canonicalize_document(proof_config, loader=loader).nquads

    def hash(self, transformed: str, canonical_config: str) -> bytes:
        return combined_hash(transformed, canonical_config)


ED25519_SIGNATURE_2020 = Ed25519Signature2020()
