"""Proof suites: Data Integrity (eddsa-rdfc-2022, eddsa-jcs-2022, legacy eddsa-2022 and
Ed25519Signature2020) and the registry that selects them."""

from __future__ import annotations

from .base import Cryptosuite, SuiteRegistry
from .data_integrity import (
    DEFAULT_REGISTRY,
    ProofResult,
    add_proof,
    create_proof,
    verify_proof,
    verify_proofs,
)

__all__ = [
    "DEFAULT_REGISTRY",
    "Cryptosuite",
    "ProofResult",
    "SuiteRegistry",
    "add_proof",
    "create_proof",
    "verify_proof",
    "verify_proofs",
]
