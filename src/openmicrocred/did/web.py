"""did:web (https://w3c-ccg.github.io/did-method-web/): where the document lives, and how to
build the ``did.json`` an issuer publishes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from ..errors import ResolutionError
from ..keys import Ed25519PublicKey
from .key import DID_CONTEXT, MULTIKEY_CONTEXT

__all__ = ["did_web_document", "did_web_for_url", "did_web_url"]


def did_web_url(did: str) -> str:
    """The https URL of a did:web document.

    ``did:web:example.com`` -> ``https://example.com/.well-known/did.json``;
    ``did:web:example.com:issuers:42`` -> ``https://example.com/issuers/42/did.json``;
    a port is written ``%3A`` (``did:web:localhost%3A8443``).

    :raises ResolutionError: not a did:web, or an empty or unsafe path segment.
    """
    if not did.startswith("did:web:"):
        raise ResolutionError(f"{did!r} is not a did:web")
    method_id = did.removeprefix("did:web:").split("#", 1)[0].split("?", 1)[0]
    segments = method_id.split(":")
    host = unquote(segments[0])
    if not host or "/" in host or "@" in host:
        raise ResolutionError(f"{did!r} has an invalid host")
    path = [unquote(s) for s in segments[1:]]
    if any(not s or s in (".", "..") or "/" in s for s in path):
        raise ResolutionError(f"{did!r} has an empty or unsafe path segment")
    if not path:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/{'/'.join(quote(s) for s in path)}/did.json"


def did_web_for_url(url: str) -> str:
    """The did:web for a base URL, e.g. ``https://kmutt.example/issuers/1`` ->
    ``did:web:kmutt.example:issuers:1``."""
    if not url.startswith("https://"):
        raise ValueError("did:web needs an https URL")
    rest = url.removeprefix("https://").rstrip("/")
    host, _, path = rest.partition("/")
    parts = [quote(host, safe="")] + [quote(p, safe="") for p in path.split("/") if p]
    return "did:web:" + ":".join(parts)


def did_web_document(
    did: str, keys: list[Ed25519PublicKey], *, fragments: list[str] | None = None
) -> dict[str, Any]:
    """Build the ``did.json`` to publish for ``did`` with Multikey verification methods.

    Each key is listed as an ``assertionMethod`` (it may sign credentials) and for
    ``authentication``. Publish the result at :func:`did_web_url` ``(did)``.

    :param fragments: the verification method fragments (default: each key's multibase).
    """
    did_web_url(did)  # validates the DID
    names = fragments or [k.multibase for k in keys]
    if len(names) != len(keys):
        raise ValueError("give one fragment per key")
    methods = [
        {
            "id": f"{did}#{name}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multibase,
        }
        for name, key in zip(names, keys, strict=True)
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "authentication": ids,
        "assertionMethod": ids,
    }
