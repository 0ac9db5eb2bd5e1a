"""OAuth2 clients and their access tokens (RFC 6749 client credentials), kept in SQLite.

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
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

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
    salt BLOB NOT NULL,
    secret_hash BLOB NOT NULL,
    scopes TEXT NOT NULL,
    created REAL NOT NULL,
    revoked REAL
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(id),
    scopes TEXT NOT NULL,
    expires REAL NOT NULL
);
"""


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
    """The clients and tokens of one data directory (``clients.sqlite``, mode 0600).

    :param clock: seconds since the epoch (``time.time``); tests pass their own to expire
        tokens.
    """

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.clock = clock
        self._local = threading.local()
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not self.path.exists():
            # Several worker processes may start at once: the one that loses the race
            # finds the file made.
            with suppress(FileExistsError):
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self.path.chmod(0o600)
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
            # WAL (kept in the file): readers in one process never wait for a writer in
            # another; the busy timeout makes writers queue rather than fail.
            db.execute("PRAGMA journal_mode=WAL")
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (the service calls from several threads), in one
        transaction: committed when the block ends, rolled back if it raises."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30)
            self._local.db = db
        with db:
            yield db

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

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
        with self._db() as db:
            rows = db.execute(
                "SELECT id, name, scopes, created, revoked FROM clients ORDER BY created, id"
            ).fetchall()
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
        with self._db() as db:
            row = db.execute(
                "SELECT name, salt, secret_hash, scopes, created, revoked FROM clients"
                " WHERE id = ?",
                (client_id,),
            ).fetchone()
        salt, expected = (row[1], row[2]) if row else (_DUMMY_SALT, b"")
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
        with self._db() as db:
            row = db.execute(
                "SELECT t.client_id, t.scopes, t.expires FROM tokens t"
                " JOIN clients c ON c.id = t.client_id"
                " WHERE t.token_hash = ? AND c.revoked IS NULL",
                (_token_hash(token),),
            ).fetchone()
        if row is None or row[2] <= self.clock():
            return None
        return Grant(row[0], frozenset(row[1].split()))
