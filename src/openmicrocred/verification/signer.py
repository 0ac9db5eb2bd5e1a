"""Who really signed a credential, and how that is proven, in plain words.

A valid signature says only that the holder of some key signed. What that key proves about
the issuer depends on where the key comes from: a did:web or https controller document is
published on a domain, so the key is the domain's; a did:key is made by anyone, so the
issuer's name next to it is only its own claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from ._record import Record

__all__ = ["Signer", "signer_of"]

SignerKind = Literal["did:web", "https", "did:key", "jwk", "did"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Signer(Record):
    """The key a verified proof was made with, and what it proves about its owner."""

    kind: SignerKind
    """``did:web`` / ``https``: published on ``domain``; ``did:key``: self-made;
    ``jwk``: a key carried in the token itself; ``did``: another DID method."""
    controller: str | None
    """Who controls the key (the DID or controller document it is listed in)."""
    verification_method: str | None
    domain: str | None = None
    """The domain that publishes the key (did:web and https only)."""
    statement: str
    """How the issuer's identity is proven, in plain words."""


def _domain_of_did_web(did: str) -> str | None:
    parts = did.split(":")
    return unquote(parts[2]) if len(parts) > 2 and parts[2] else None


def signer_of(
    controller: str | None, verification_method: str | None, issuer_name: str | None
) -> Signer:
    """What the key of ``controller`` proves (``controller`` ``None``: a bare JWK)."""
    claimed = f"the name {issuer_name!r}" if issuer_name else "the issuer's name"
    if controller is None:
        return Signer(
            kind="jwk",
            controller=None,
            verification_method=verification_method,
            statement=f"a key carried in the credential itself: {claimed} is the issuer's own "
            "claim; anyone can make such a key",
        )
    if controller.startswith("did:web:"):
        domain = _domain_of_did_web(controller)
        return _published("did:web", controller, verification_method, domain)
    if controller.startswith("https://"):
        return _published("https", controller, verification_method, urlsplit(controller).netloc)
    if controller.startswith("did:key:"):
        return Signer(
            kind="did:key",
            controller=controller,
            verification_method=verification_method,
            statement=f"a self-made key (did:key): {claimed} is the issuer's own claim; "
            "anyone can make such a key",
        )
    method = ":".join(controller.split(":")[:2])
    return Signer(
        kind="did",
        controller=controller,
        verification_method=verification_method,
        statement=f"the key is controlled by {controller} ({method}); no domain vouches for it",
    )


def _published(kind: SignerKind, controller: str, method: str | None, domain: str | None) -> Signer:
    return Signer(
        kind=kind,
        controller=controller,
        verification_method=method,
        domain=domain,
        statement=f"the key is published by {domain}",
    )
