"""Proof suites: Data Integrity (eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-sd-2023, legacy
eddsa-2022 and Ed25519Signature2020) and the registry that selects them.

ecdsa-sd-2023 proofs, which are not one signature over one hash, check their own signatures
through the engine's :class:`~.base.SignatureChecking` hook.
"""

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


def _ecdsa_sd_2023() -> Cryptosuite:
    # Imported when an ecdsa-sd-2023 proof is first met: its module (P-256, CBOR, selective
    # disclosure) costs a command-line run a few milliseconds that most badges never need.
    from .ecdsa_sd_2023 import ECDSA_SD_2023

    return ECDSA_SD_2023


DEFAULT_REGISTRY.register_lazy("DataIntegrityProof", "ecdsa-sd-2023", _ecdsa_sd_2023)

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
