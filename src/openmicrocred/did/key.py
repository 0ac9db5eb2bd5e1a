"""did:key (https://w3c-ccg.github.io/did-method-key/): resolved offline from the DID itself."""

from __future__ import annotations

from typing import Any

from ..errors import KeyFormatError, ResolutionError
from ..keys import public_key_from_multibase

__all__ = ["did_key_document"]

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document of a ``did:key`` (Ed25519 ``z6Mk…`` or P-256 ``zDn…``).

    :raises ResolutionError: not a did:key, or its key cannot be decoded.
    """
    if not did.startswith("did:key:"):
        raise ResolutionError(f"{did!r} is not a did:key")
    multibase = did.removeprefix("did:key:").split("#", 1)[0]
    try:
        public_key_from_multibase(multibase)
    except KeyFormatError as exc:
        raise ResolutionError(f"cannot resolve {did!r}: {exc}") from None
    did = f"did:key:{multibase}"
    vm_id = f"{did}#{multibase}"
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }
