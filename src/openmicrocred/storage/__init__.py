"""What the service and the workflow keep: issued credentials and (later) everything the
micro-credential journey records. SQLite is the embedded default."""

from __future__ import annotations

from .credentials import CredentialStore, StoredCredential
from .microcredentials import MicrocredentialStore, StoreConflictError
from .sqlite import SQLiteDatabase

__all__ = [
    "CredentialStore",
    "MicrocredentialStore",
    "SQLiteDatabase",
    "StoreConflictError",
    "StoredCredential",
]
