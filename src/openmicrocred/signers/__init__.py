"""Signers whose private keys never leave their device.

:mod:`openmicrocred.signers.pkcs11` signs Ed25519 in a PKCS#11 token (an HSM, SoftHSM2, a
smart card), through the optional ``python-pkcs11`` package (``pip install
'openmicrocred[hsm]'``). Every signer here implements :class:`openmicrocred.keys.SigningKey`,
so :func:`openmicrocred.issuance.issue` and status list publication take it as they take a key
in memory. Cloud KMS signers have the same shape (``docs/keys.md``).
"""

from __future__ import annotations

__all__: list[str] = []
