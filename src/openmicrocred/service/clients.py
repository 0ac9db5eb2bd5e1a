"""OAuth2 clients and their access tokens (RFC 6749 client credentials), kept in the
service's database (a SQLite file, or PostgreSQL shared by every worker and host).

A client is an id, a secret and the scopes it may ask for. The secret is shown once, when
the client is created, and stored as an scrypt hash with a salt of its own; an access token
is opaque (``secrets.token_urlsafe(32)``) and stored as its SHA-256 with an expiry, so a
copy of the database holds nothing that can be presented. Revoking a client deletes its
tokens. No fastapi here: the ``clients`` command uses this module alone.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..storage.backend import Database, SQLiteDatabase, open_database

__all__ = ["CLIENTS_FILE", "KNOWN_SCOPES", "SCOPES", "Client", "ClientStore", "Grant"]

CLIENTS_FILE = "clients.sqlite"
SCOPES: dict[str, str] = {
    "issue": "issue credentials (POST /credentials/issue)",
    "status": "revoke, suspend and reinstate credentials (POST /credentials/status)",
    "definitions": "create, edit, review, approve and publish micro-credential definitions"
    " (/microcredentials)",
    "assessments": "enrol learners, upload artifacts, submit, assess, award and fetch badges"
    " (/microcredentials/{id}/enrolments, /enrolments, /submissions, /awards, /learners)",
    "admin": "administer the service (reserved)",
}
"""Every scope name the service knows, with what it allows."""
KNOWN_SCOPES = frozenset(SCOPES)

# scrypt cost: about 50 ms and 16 MiB per check (RFC 7914's interactive figures).
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}
_DUMMY_SALT = b"\0" * 16

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    salt {blob} NOT NULL,
    secret_hash {blob} NOT NULL,
    scopes TEXT NOT NULL,
    created {real} NOT NULL,
    revoked {real}
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(id),
    scopes TEXT NOT NULL,
    expires {real} NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_expires ON tokens (expires)
"""
MIGRATIONS = (_SCHEMA,)
"""The numbered schema steps (``schema_version`` component ``clients``)."""


@dataclass(frozen=True)
class Client:
    """A client as listed: never its secret."""

    id: str
    name: str
    scopes: tuple[str, ...]
    created: float
    revoked: float | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None


@dataclass(frozen=True)
class Grant:
    """What a valid access token allows."""

    client_id: str
    scopes: frozenset[str]


def _hash_secret(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, **_SCRYPT)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_scopes(scopes: Sequence[str]) -> tuple[str, ...]:
    """The scopes, deduplicated in order; ``ValueError`` for an unknown one."""
    unknown = sorted(set(scopes) - KNOWN_SCOPES)
    if unknown:
        raise ValueError(f"unknown scope {', '.join(unknown)} (known: {', '.join(SCOPES)})")
    return tuple(dict.fromkeys(scopes))


class ClientStore:
    """The clients and tokens of a service: ``clients.sqlite`` (mode 0600) in its data
    directory, a storage URL, or an open database.

    :param clock: seconds since the epoch (``time.time``); tests pass their own to expire
        tokens.
    """

    def __init__(
        self, where: Path | str | Database, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.clock = clock
        self._store = open_database(where) if isinstance(where, str | os.PathLike) else where
        if isinstance(self._store, SQLiteDatabase):
            self.path = self._store.path
            self.path.chmod(0o600)
        self._store.migrate("clients", MIGRATIONS)

    def _db(self) -> Any:
        """A write transaction (context manager): committed when the block ends, rolled
        back if it raises."""
        return self._store.transaction()

    def close(self) -> None:
        """Close this thread's connection (SQLite) or the idle ones (PostgreSQL)."""
        self._store.close()

    def add(self, scopes: Sequence[str], name: str = "") -> tuple[Client, str]:
        """A new client and its secret (shown to the caller once, stored hashed)."""
        chosen = check_scopes(scopes)
        if not chosen:
            raise ValueError("give a client at least one scope")
        client = Client(f"omc-{secrets.token_hex(8)}", name, chosen, self.clock())
        secret = secrets.token_urlsafe(32)
        salt = os.urandom(16)
        digest = _hash_secret(secret, salt)
        with self._db() as db:
            db.execute(
                "INSERT INTO clients (id, name, salt, secret_hash, scopes, created)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (client.id, name, salt, digest, " ".join(chosen), client.created),
            )
        return client, secret

    def clients(self) -> list[Client]:
        """Every client, revoked ones included, oldest first."""
        with self._store.read() as db:
            rows = db.all(
                "SELECT id, name, scopes, created, revoked FROM clients ORDER BY created, id"
            )
        return [Client(r[0], r[1], tuple(r[2].split()), r[3], r[4]) for r in rows]

    def revoke(self, client_id: str) -> bool:
        """Revoke a client and delete its tokens; ``False`` when there is no such client."""
        with self._db() as db:
            found = db.execute("SELECT 1 FROM clients WHERE id = ?", (client_id,)).fetchone()
            if found is None:
                return False
            db.execute(
                "UPDATE clients SET revoked = ? WHERE id = ? AND revoked IS NULL",
                (self.clock(), client_id),
            )
            db.execute("DELETE FROM tokens WHERE client_id = ?", (client_id,))
        return True

    def authenticate(self, client_id: str, secret: str) -> Client | None:
        """The active client whose id and secret these are, or ``None``. The KDF runs even
        for an unknown id, so the answer takes as long either way."""
        with self._store.read() as db:
            row = db.one(
                "SELECT name, salt, secret_hash, scopes, created, revoked FROM clients"
                " WHERE id = ?",
                (client_id,),
            )
        salt, expected = (bytes(row[1]), bytes(row[2])) if row else (_DUMMY_SALT, b"")
        matches = hmac.compare_digest(_hash_secret(secret, salt), expected)
        if row is None or not matches or row[5] is not None:
            return None
        return Client(client_id, row[0], tuple(row[3].split()), row[4])

    def issue_token(self, client: Client, scopes: Sequence[str], ttl: int) -> str:
        """A new access token for ``scopes`` (a subset of the client's), valid ``ttl`` s."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._db() as db:
            db.execute("DELETE FROM tokens WHERE expires <= ?", (now,))
            db.execute(
                "INSERT INTO tokens (token_hash, client_id, scopes, expires) VALUES (?, ?, ?, ?)",
                (_token_hash(token), client.id, " ".join(scopes), now + ttl),
            )
        return token

    def grant(self, token: str) -> Grant | None:
        """What an unexpired token of an active client allows, or ``None``."""
        with self._store.read() as db:
            row = db.one(
                "SELECT t.client_id, t.scopes, t.expires FROM tokens t"
                " JOIN clients c ON c.id = t.client_id"
                " WHERE t.token_hash = ? AND c.revoked IS NULL",
                (_token_hash(token),),
            )
        if row is None or row[2] <= self.clock():
            return None
        return Grant(row[0], frozenset(row[1].split()))
