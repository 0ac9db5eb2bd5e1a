"""Signers whose private keys never leave their device.

:mod:`openmicrocred.signers.pkcs11` signs Ed25519 in a PKCS#11 token (an HSM, SoftHSM2, a
smart card), through the optional ``python-pkcs11`` package (``pip install
'openmicrocred[hsm]'``). Every signer here implements :class:`openmicrocred.keys.SigningKey`,
so :func:`openmicrocred.issuance.issue` and status list publication take it as they take a key
in memory. Cloud KMS signers have the same shape (``docs/keys.md``).
"""

from __future__ import annotations

from ..keys import SigningKey, load_private_key
from .pkcs11 import Pkcs11KeyRef

__all__ = ["load_signer"]


def load_signer(source: str, *, passphrase: str | bytes | None = None) -> SigningKey:
    """The signer ``source`` names: a PKCS#11 URI (``pkcs11:token=…;object=…?module-path=…``,
    see :class:`~openmicrocred.signers.pkcs11.Pkcs11KeyRef`; the PIN from its
    ``pin-source`` file or ``$OPENMICROCRED_PKCS11_PIN``), else a PEM private key file
    (optionally encrypted with ``passphrase``).

    :raises SignerError: the token, key or PIN (for a URI).
    :raises KeyFormatError: the file holds no usable key.
    :raises OSError: the file cannot be read.
    """
    if source.startswith("pkcs11:"):
        return Pkcs11KeyRef.from_uri(source).open()
    return load_private_key(source, passphrase=passphrase)
