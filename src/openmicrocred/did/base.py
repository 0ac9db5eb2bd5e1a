"""What a DID method plugs into and what resolution returns; no network, no DID method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..keys import ECPublicKey, Ed25519PublicKey, RSAPublicKey

if TYPE_CHECKING:
    from ..fetch import Fetcher

__all__ = ["DIDResolver", "MethodResolver", "PublicKey", "VerificationMethod"]

PublicKey = Ed25519PublicKey | RSAPublicKey | ECPublicKey


@dataclass(frozen=True)
class VerificationMethod:
    """A dereferenced verification method: its id, type, controller and public key."""

    id: str
    type: str
    controller: str
    key: PublicKey


class MethodResolver(Protocol):
    """Resolves the DIDs of one method (``did:<method>:...``) to their DID documents.

    :param did: the DID, without fragment.
    :param fetcher: the resolver's network access (offline unless it has a client).
    :raises ResolutionError: the DID cannot be resolved.
    """

    def __call__(self, did: str, fetcher: Fetcher) -> Any: ...


class DIDResolver(Protocol):
    """What the proof suites and the verifier ask of a resolver."""

    def resolve(self, did_or_url: str) -> dict[str, Any]:
        """The DID document or controller document of a DID or https URL."""
        ...

    def verification_method(
        self, method_id: str, *, purpose: str = "assertionMethod"
    ) -> VerificationMethod:
        """Dereference a method and check it is authorised for ``purpose``."""
        ...

    def jwt_key(self, kid: str) -> PublicKey:
        """The key a VC-JWT ``kid`` names."""
        ...
