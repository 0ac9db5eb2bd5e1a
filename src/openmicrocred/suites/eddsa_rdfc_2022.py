"""``eddsa-rdfc-2022`` (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.2), the Open Badges 3.0
conformance suite; also its draft name ``eddsa-2022``, which verifiers should accept."""

from __future__ import annotations

from ..canon import canonicalize_document
from ..types import DocumentLoader, JSONObject
from .base import combined_hash

__all__ = ["EDDSA_2022", "EDDSA_RDFC_2022", "EddsaRdfc2022"]


class EddsaRdfc2022:
    """RDFC-1.0 canonicalization, SHA-256, Ed25519."""

    proof_type = "DataIntegrityProof"
    can_sign = True
    proof_carries_context = False

    def __init__(self, cryptosuite: str = "eddsa-rdfc-2022") -> None:
        self.cryptosuite: str | None = cryptosuite

    def transform(self, document: JSONObject, *, loader: DocumentLoader) -> str:
        """§3.2.3 Transformation: RDFC-1.0 canonical N-Quads of the document."""
        return canonicalize_document(document, loader=loader).nquads

    def configure(self, proof_config: JSONObject, *, loader: DocumentLoader) -> str:
        """§3.2.5 Proof Configuration: canonical N-Quads of the proof options."""
        return canonicalize_document(proof_config, loader=loader).nquads

    def hash(self, transformed: str, canonical_config: str) -> bytes:
        """§3.2.4 Hashing: SHA-256(config) || SHA-256(document)."""
        return combined_hash(transformed, canonical_config)


EDDSA_RDFC_2022 = EddsaRdfc2022()
EDDSA_2022 = EddsaRdfc2022("eddsa-2022")
EDDSA_2022.can_sign = False
