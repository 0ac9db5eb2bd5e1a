"""The credentials a service issued, by id: what ``/verify?id=`` and ``/badges/{id}`` show."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .._time import format_datetime
from .sqlite import SQLiteDatabase

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


@dataclass(frozen=True)
class StoredCredential:
    """An issued credential as it was handed out: ``carrier`` is the signed JSON object
    or the VC-JWT."""

    id: str
    issuer: str
    subject: str | None
    carrier: dict[str, Any] | str
    issued_at: str


def _row(row: tuple[str, str, str | None, str, str, str]) -> StoredCredential:
    cid, issuer, subject, fmt, body, issued_at = row
    carrier: dict[str, Any] | str = json.loads(body) if fmt == "json" else body
    return StoredCredential(cid, issuer, subject, carrier, issued_at)


class CredentialStore:
    """Issued credentials in one SQLite file (mode 0600)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._db = SQLiteDatabase(path, _SCHEMA)

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
                "INSERT OR REPLACE INTO credentials VALUES (?, ?, ?, ?, ?, ?)",
                (credential_id, issuer, subject, fmt, body, issued_at),
            )
        return StoredCredential(credential_id, issuer, subject, carrier, issued_at)

    def get(self, credential_id: str) -> StoredCredential | None:
        """The credential with this id, or ``None``."""
        row = (
            self._db.connection()
            .execute("SELECT * FROM credentials WHERE id = ?", (credential_id,))
            .fetchone()
        )
        return _row(row) if row else None

    def for_subject(self, subject: str) -> list[StoredCredential]:
        """Every credential issued to ``subject`` (the credentialSubject id), oldest first."""
        rows = (
            self._db.connection()
            .execute(
                "SELECT * FROM credentials WHERE subject = ? ORDER BY issued_at, id", (subject,)
            )
            .fetchall()
        )
        return [_row(r) for r in rows]

    def __len__(self) -> int:
        row = self._db.connection().execute("SELECT count(*) FROM credentials").fetchone()
        return int(row[0])

    def close(self) -> None:
        """Close this thread's connection."""
        self._db.close()
