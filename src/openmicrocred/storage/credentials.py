"""The credentials a service issued, by id: what ``/verify?id=`` and ``/badges/{id}`` show."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .._time import format_datetime
from .backend import Database, open_database

__all__ = ["CredentialStore", "StoredCredential"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS credentials (
    id TEXT PRIMARY KEY,
    issuer TEXT NOT NULL,
    subject TEXT,
    format TEXT NOT NULL CHECK (format IN ('json', 'jwt')),
    body TEXT NOT NULL,
    issued_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS credentials_subject ON credentials (subject)
"""
MIGRATIONS = (_SCHEMA,)
"""The numbered schema steps (``schema_version`` component ``credentials``)."""


@dataclass(frozen=True)
class StoredCredential:
    """An issued credential as it was handed out: ``carrier`` is the signed JSON object
    or the VC-JWT."""

    id: str
    issuer: str
    subject: str | None
    carrier: dict[str, Any] | str
    issued_at: str


_SELECT = "SELECT id, issuer, subject, format, body, issued_at FROM credentials"


def _row(row: tuple[Any, ...]) -> StoredCredential:
    cid, issuer, subject, fmt, body, issued_at = row
    carrier: dict[str, Any] | str = json.loads(body) if fmt == "json" else body
    return StoredCredential(cid, issuer, subject, carrier, issued_at)


class CredentialStore:
    """Issued credentials in a database: a SQLite file (mode 0600) by path or
    ``sqlite:///`` URL, or PostgreSQL by ``postgresql://`` URL, or an open
    :class:`~openmicrocred.storage.backend.Database`."""

    def __init__(self, where: str | os.PathLike[str] | Database) -> None:
        self._db = open_database(where) if isinstance(where, str | os.PathLike) else where
        self._db.migrate("credentials", MIGRATIONS)

    def put(
        self,
        credential_id: str,
        carrier: dict[str, Any] | str,
        *,
        issuer: str,
        subject: str | None = None,
    ) -> StoredCredential:
        """Keep a credential (a second ``put`` of the same id replaces it)."""
        fmt = "jwt" if isinstance(carrier, str) else "json"
        body = carrier if isinstance(carrier, str) else json.dumps(carrier, ensure_ascii=False)
        issued_at = format_datetime(datetime.now(UTC))
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO credentials VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE"
                " SET issuer = excluded.issuer, subject = excluded.subject,"
                " format = excluded.format, body = excluded.body, issued_at = excluded.issued_at",
                (credential_id, issuer, subject, fmt, body, issued_at),
            )
        return StoredCredential(credential_id, issuer, subject, carrier, issued_at)

    def get(self, credential_id: str) -> StoredCredential | None:
        """The credential with this id, or ``None``."""
        with self._db.read() as db:
            row = db.one(_SELECT + " WHERE id = ?", (credential_id,))
        return _row(row) if row else None

    def for_subject(self, subject: str) -> list[StoredCredential]:
        """Every credential issued to ``subject`` (the credentialSubject id), oldest first."""
        with self._db.read() as db:
            rows = db.all(
                _SELECT + " WHERE subject = ? ORDER BY issued_at, id",
                (subject,),
            )
        return [_row(r) for r in rows]

    def __len__(self) -> int:
        with self._db.read() as db:
            row = db.one("SELECT count(*) FROM credentials")
        return int(row[0]) if row else 0

    def close(self) -> None:
        """Close this thread's connection (SQLite) or the idle ones (PostgreSQL)."""
        self._db.close()
