"""Revocation and suspension with W3C Bitstring Status List v1.0.

Issuer side: :class:`SQLiteStatusRegistry` allocates status indexes and records revocations;
:func:`publish` writes signed status list credentials to serve as static files.
The verifier side (:class:`~openmicrocred.verification.StatusChecker`) lives in
:mod:`openmicrocred.verification.checks.status`.
"""

from __future__ import annotations

from .bitstring import MIN_BITS, BitString
from .publish import PublishedList, publish, status_list_credential
from .registry import PURPOSES, SQLiteStatusRegistry, StatusEntry, StatusList, StatusRegistry

__all__ = [
    "MIN_BITS",
    "PURPOSES",
    "BitString",
    "PublishedList",
    "SQLiteStatusRegistry",
    "StatusEntry",
    "StatusList",
    "StatusRegistry",
    "publish",
    "status_list_credential",
]
