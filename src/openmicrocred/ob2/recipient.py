"""Is this badge awarded to this person? OB 2.0 ``IdentityObject`` matching.

The identity is plain or an IdentityHash, ``sha256$<hex>`` or ``md5$<hex>`` of the identifier
followed by the salt, in either hex case (OB 2.0 §IdentityHash). Email addresses are
compared without regard to case: a plain one case-insensitively, and a hashed one both as given
and lowercased (issuers commonly lowercase before hashing).
"""

from __future__ import annotations

import hashlib
import hmac

from .models import Ob2IdentityObject

__all__ = ["OB3_TYPES", "matches"]

OB3_TYPES = {"emailAddress": "email", "url": "url", "phone": "telephone", "telephone": "telephone"}
"""OB 3.0 ``identityType`` names (as the verifier takes them) to OB 2.0 recipient types."""


def _hash(value: str, salt: str, algorithm: str) -> str:
    data = (value + salt).encode("utf-8")
    return hashlib.new(algorithm, data, usedforsecurity=algorithm == "sha256").hexdigest()


def matches(identity: Ob2IdentityObject, value: str, identity_type: str = "email") -> bool:
    """Whether ``value`` (of OB 2.0 type ``identity_type``, or its OB 3.0 name) is the
    recipient ``identity`` names."""
    wanted = OB3_TYPES.get(identity_type, identity_type)
    if identity.type != wanted:
        return False
    email = identity.type == "email"
    if not identity.hashed:
        left, right = (
            (identity.identity.lower(), value.lower()) if email else (identity.identity, value)
        )
        return hmac.compare_digest(left.encode(), right.encode())
    algorithm, sep, expected = identity.identity.partition("$")
    if not sep or algorithm.lower() not in ("sha256", "md5"):
        return False
    candidates = {value, value.lower()} if email else {value}
    return any(
        hmac.compare_digest(_hash(c, identity.salt or "", algorithm.lower()), expected.lower())
        for c in candidates
    )
