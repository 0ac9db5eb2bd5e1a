"""``Ed25519Signature2020`` (W3C CCG, superseded): verified for badges that the Digital
Credentials Consortium and ACA-Py issue. Not offered for issuing.

Its steps are those of eddsa-rdfc-2022 (RDF canonicalization, SHA-256 of the proof
configuration and of the document, Ed25519); only the proof's ``type`` differs.
"""

from __future__ import annotations

from .eddsa_rdfc_2022 import EddsaRdfc2022

__all__ = ["ED25519_SIGNATURE_2020", "Ed25519Signature2020"]


class Ed25519Signature2020(EddsaRdfc2022):
    """RDF canonicalization, SHA-256, Ed25519; proof type ``Ed25519Signature2020``."""

    proof_type = "Ed25519Signature2020"
    can_sign = False

    def __init__(self) -> None:
        super().__init__()
        self.cryptosuite = None


ED25519_SIGNATURE_2020 = Ed25519Signature2020()
