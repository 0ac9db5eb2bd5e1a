"""What the service and the workflow keep: issued credentials and everything the
micro-credential journey records, in the database a storage URL names (``sqlite:///path``,
the embedded default, or ``postgresql://...``; see :mod:`.backend`)."""

from __future__ import annotations

from .backend import (
    Database,
    PostgresDatabase,
    SQLiteDatabase,
    StorageError,
    Transaction,
    open_database,
)
from .credentials import CredentialStore, StoredCredential
from .microcredentials import MicrocredentialStore, StoreConflictError

__all__ = [
    "CredentialStore",
    "Database",
    "MicrocredentialStore",
    "PostgresDatabase",
    "SQLiteDatabase",
    "StorageError",
    "StoreConflictError",
    "StoredCredential",
    "Transaction",
    "open_database",
]
