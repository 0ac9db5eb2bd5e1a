"""``eddsa-jcs-2022`` (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.3): JSON
Canonicalization Scheme (RFC 8785) instead of RDF canonicalization."""

from __future__ import annotations

from c14n.Canonicalize import canonicalize as _jcs

from ..types import DocumentLoader, JSONObject
from .base import combined_hash

__all__ = ["EDDSA_JCS_2022", "EddsaJcs2022", "jcs"]


def jcs(value: object) -> str:
    """RFC 8785 JSON Canonicalization Scheme."""
    return str(_jcs(value).decode("utf-8"))


class EddsaJcs2022:
    """JCS, SHA-256, Ed25519."""

    proof_type = "DataIntegrityProof"
    cryptosuite: str | None = "eddsa-jcs-2022"
    can_sign = True
    proof_carries_context = True

    def transform(self, document: JSONObject, *, loader: DocumentLoader) -> str:
        return jcs(document)

    def configure(self, proof_config: JSONObject, *, loader: DocumentLoader) -> str:
        return jcs(proof_config)

    def hash(self, transformed: str, canonical_config: str) -> bytes:
        return combined_hash(transformed, canonical_config)


EDDSA_JCS_2022 = EddsaJcs2022()
