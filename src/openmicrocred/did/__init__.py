"""DIDs and verification methods: did:key, did:web, and plain https controller documents."""

from __future__ import annotations

from .key import did_key_document
from .resolver import Resolver, VerificationMethod
from .web import did_web_document, did_web_url

__all__ = [
    "Resolver",
    "VerificationMethod",
    "did_key_document",
    "did_web_document",
    "did_web_url",
]
