"""Revocation and suspension with W3C Bitstring Status List v1.0.

Issuer side: :class:`SQLiteStatusRegistry` allocates status indexes and records revocations;
:func:`publish` writes signed status list credentials to serve as static files.
Verifier side: :class:`StatusChecker` plugs into :class:`~openmicrocred.Verifier`.
"""

from __future__ import annotations

from .bitstring import MIN_BITS, BitString
from .check import StatusChecker, check_status
from .publish import PublishedList, publish, status_list_credential
from .registry import PURPOSES, SQLiteStatusRegistry, StatusEntry, StatusList, StatusRegistry

__all__ = [
    "MIN_BITS",
    "PURPOSES",
    "BitString",
    "PublishedList",
    "SQLiteStatusRegistry",
    "StatusChecker",
    "StatusEntry",
    "StatusList",
    "StatusRegistry",
    "check_status",
    "publish",
    "status_list_credential",
]
