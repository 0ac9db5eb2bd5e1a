"""DIDs and verification methods: did:key, did:web, and plain https controller documents."""

from __future__ import annotations

from .base import DIDResolver, MethodResolver, VerificationMethod
from .key import did_key_document
from .resolver import DEFAULT_METHODS, Resolver
from .web import did_web_document, did_web_url

__all__ = [
    "DEFAULT_METHODS",
    "DIDResolver",
    "MethodResolver",
    "Resolver",
    "VerificationMethod",
    "did_key_document",
    "did_web_document",
    "did_web_url",
]
