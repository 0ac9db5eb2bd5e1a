"""The issuer's status registry: which status list bit belongs to which credential.

:class:`SQLiteStatusRegistry` is the embedded default (stdlib ``sqlite3``, WAL, one
``BEGIN IMMEDIATE`` transaction per change, ``synchronous=FULL``). It is safe across threads
and processes: an index is never handed out twice, an allocation is idempotent per
credential id, and a change is durable once the call returns. A process killed mid-call
leaves the database as it was before that call. The :class:`StatusRegistry` protocol lets a
deployment that outgrows one machine back it with a shared database instead.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from ..errors import StatusListError
from .bitstring import MIN_BITS, BitString

__all__ = [
    "ALL_PURPOSES",
    "PURPOSES",
    "SQLiteStatusRegistry",
    "StatusEntry",
    "StatusList",
    "StatusMessages",
    "StatusRegistry",
]

Purpose = Literal["revocation", "suspension", "message"]
PURPOSES: tuple[Purpose, ...] = ("revocation", "suspension")
"""What :meth:`SQLiteStatusRegistry.allocate` gives by default."""
ALL_PURPOSES: tuple[Purpose, ...] = ("revocation", "suspension", "message")
"""Every purpose a registry can allocate (``message`` needs :class:`StatusMessages`)."""
MAX_STATUS_SIZE = 8


@dataclass(frozen=True)
class StatusMessages:
    """A multi-bit ``message`` status (Bitstring Status List v1.0, ``statusSize`` and
    ``statusMessage``): one message for each of the 2**size values, in value order.

    :param messages: the messages of values 0x0, 0x1, ...: 2, 4, 8, ... of them.
    :param reference: URLs of material explaining the statuses (``statusReference``).
    """

    messages: tuple[str, ...]
    reference: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        count = len(self.messages)
        if count < 2 or count & (count - 1) or count > 1 << MAX_STATUS_SIZE:
            raise ValueError(
                f"a message status needs 2, 4, 8, ... up to {1 << MAX_STATUS_SIZE} messages "
                f"(one per value of its statusSize bits), not {count}"
            )
        if not all(isinstance(m, str) and m for m in self.messages):
            raise ValueError("every status message must be a non-empty string")
        for url in self.reference:
            if not url.startswith(("https://", "http://")):
                raise ValueError(f"a statusReference must be an http(s) URL, not {url!r}")

    @property
    def size(self) -> int:
        """``statusSize``: the bits each entry takes."""
        return len(self.messages).bit_length() - 1

    def to_json(self) -> list[dict[str, str]]:
        """``statusMessage``: ``[{"status": "0x0", "message": ...}, ...]``."""
        return [{"status": f"0x{v:x}", "message": m} for v, m in enumerate(self.messages)]

    def dumps(self) -> str:
        """How the registry stores it."""
        return json.dumps({"messages": list(self.messages), "reference": list(self.reference)})

    @classmethod
    def loads(cls, text: str) -> StatusMessages:
        """Read what :meth:`dumps` wrote."""
        data = json.loads(text)
        return cls(tuple(data["messages"]), tuple(data.get("reference", ())))


@dataclass(frozen=True)
class StatusEntry:
    """One credential's bit in one status list."""

    credential_id: str
    purpose: str
    list_url: str
    index: int
    set: bool = False
    """Whether the status is other than 0 (revoked, suspended, a message other than 0x0)."""
    value: int = 0
    """The status value (0 or 1 for a one-bit entry)."""
    messages: StatusMessages | None = None
    """For a ``message`` entry: its messages (and so its ``statusSize``)."""

    def to_json(self) -> dict[str, Any]:
        """The ``BitstringStatusListEntry`` to put in the credential's ``credentialStatus``."""
        entry: dict[str, Any] = {
            "id": f"{self.list_url}#{self.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": self.purpose,
            "statusListIndex": str(self.index),
            "statusListCredential": self.list_url,
        }
        if self.messages is not None:
            entry["statusSize"] = self.messages.size
            entry["statusMessage"] = self.messages.to_json()
            if self.messages.reference:
                refs = self.messages.reference
                entry["statusReference"] = refs[0] if len(refs) == 1 else list(refs)
        return entry


@dataclass(frozen=True)
class StatusList:
    """A published (or to be published) status list."""

    url: str
    purpose: str
    size: int
    """Entries the list holds."""
    used: int
    file_name: str
    status_size: int = 1
    """Bits per entry (``statusSize``): the bitstring has ``size * status_size`` bits."""


class StatusRegistry(Protocol):
    """What issuing, revoking and publishing need from a status registry."""

    def allocate(
        self,
        credential_id: str,
        purposes: Sequence[str] = PURPOSES,
        *,
        messages: StatusMessages | None = None,
    ) -> list[StatusEntry]: ...

    def entries(self, credential_id: str) -> list[StatusEntry]: ...

    def revoke(self, credential_id: str) -> StatusEntry: ...

    def suspend(self, credential_id: str) -> StatusEntry: ...

    def reinstate(self, credential_id: str) -> StatusEntry: ...

    def lists(self) -> list[StatusList]: ...

    def bitstring(self, url: str) -> BitString: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose TEXT NOT NULL,
    seq INTEGER NOT NULL,
    url TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    status_size INTEGER NOT NULL DEFAULT 1,
    messages TEXT,
    UNIQUE (purpose, seq)
);
CREATE TABLE IF NOT EXISTS entries (
    credential_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    list_id INTEGER NOT NULL REFERENCES lists(id),
    idx INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    allocated_at TEXT NOT NULL,
    PRIMARY KEY (credential_id, purpose),
    UNIQUE (list_id, idx)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    credential_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    action TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SQLiteStatusRegistry:
    """A status registry in one SQLite file.

    :param path: the database file; created if missing.
    :param base_url: where the lists will be served, e.g. ``https://kmutt.example/status``
        (required when creating a registry; stored in it).
    :param list_size: entries per list (at least 131,072).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        base_url: str | None = None,
        list_size: int = MIN_BITS,
    ) -> None:
        self.path = Path(path)
        self._local = threading.local()
        with self._transaction() as db:
            if not self._has_schema(db):
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
            self._upgrade(db)
            stored = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if not stored:
                if base_url is None:
                    raise StatusListError(
                        f"{self.path} is a new registry: give base_url= (where lists are served)"
                    )
                if not base_url.startswith("https://") and not base_url.startswith("http://"):
                    raise StatusListError("base_url must be an http(s) URL")
                BitString(list_size)  # validates the size
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("base_url", base_url.rstrip("/")),
                        ("list_size", str(list_size)),
                        ("schema_version", "1"),
                    ],
                )
                stored = {"base_url": base_url.rstrip("/"), "list_size": str(list_size)}
            elif base_url is not None and base_url.rstrip("/") != stored["base_url"]:
                raise StatusListError(
                    f"{self.path} serves lists from {stored['base_url']}, not {base_url}"
                )
        self.base_url: str = stored["base_url"]
        self.list_size: int = int(stored["list_size"])

    @staticmethod
    def _upgrade(db: sqlite3.Connection) -> None:
        """Give a registry made before multi-bit ``message`` lists their two columns."""
        columns = {row[1] for row in db.execute("PRAGMA table_info(lists)")}
        if "status_size" not in columns:
            db.execute("ALTER TABLE lists ADD COLUMN status_size INTEGER NOT NULL DEFAULT 1")
            db.execute("ALTER TABLE lists ADD COLUMN messages TEXT")

    @staticmethod
    def _has_schema(db: sqlite3.Connection) -> bool:
        row = db.execute("SELECT name FROM sqlite_master WHERE name = 'entries'").fetchone()
        return row is not None

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=60000")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # ----------------------------------------------------------------------------- issuing

    def allocate(
        self,
        credential_id: str,
        purposes: Sequence[str] = PURPOSES,
        *,
        messages: StatusMessages | None = None,
    ) -> list[StatusEntry]:
        """Give a credential a random unused index in a list of each purpose.

        Idempotent: a credential id that already has entries gets the same ones back, so a
        retry after a crash between allocating and signing never uses a second index.
        The entries come back in the order of ``purposes``.

        :param messages: for the ``message`` purpose (required with it): the values and
            messages; entries with the same messages share lists.
        """
        if not credential_id:
            raise ValueError("credential_id must not be empty")
        for purpose in purposes:
            if purpose not in ALL_PURPOSES:
                raise ValueError(f"status purpose must be one of {ALL_PURPOSES}, not {purpose!r}")
        if "message" in purposes and messages is None:
            raise ValueError("the message purpose needs messages= (a StatusMessages)")
        with self._transaction() as db:
            for purpose in purposes:
                exists = db.execute(
                    "SELECT 1 FROM entries WHERE credential_id = ? AND purpose = ?",
                    (credential_id, purpose),
                ).fetchone()
                if exists is None:
                    scheme = messages if purpose == "message" else None
                    self._allocate_one(db, credential_id, purpose, scheme)
        mine = {e.purpose: e for e in self.entries(credential_id)}
        return [mine[p] for p in dict.fromkeys(purposes)]  # in the order asked for

    def _allocate_one(
        self,
        db: sqlite3.Connection,
        credential_id: str,
        purpose: str,
        messages: StatusMessages | None,
    ) -> None:
        stored = messages.dumps() if messages is not None else None
        row = db.execute(
            "SELECT id, size, used FROM lists WHERE purpose = ? AND messages IS ? "
            "AND used < size ORDER BY seq DESC LIMIT 1",
            (purpose, stored),
        ).fetchone()
        if row is None:
            seq = db.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM lists WHERE purpose = ?", (purpose,)
            ).fetchone()[0]
            name = f"{purpose}-{seq}.json"
            width = messages.size if messages is not None else 1
            cursor = db.execute(
                "INSERT INTO lists (purpose, seq, url, file_name, size, status_size, messages) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (purpose, seq, f"{self.base_url}/{name}", name, self.list_size, width, stored),
            )
            row = (cursor.lastrowid, self.list_size, 0)
        list_id, size, used = row
        index = self._free_index(db, list_id, size, used)
        db.execute(
            "INSERT INTO entries (credential_id, purpose, list_id, idx, allocated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (credential_id, purpose, list_id, index, _now()),
        )
        db.execute("UPDATE lists SET used = used + 1 WHERE id = ?", (list_id,))
        db.execute(
            "INSERT INTO events (credential_id, purpose, action, at) VALUES (?, ?, ?, ?)",
            (credential_id, purpose, "allocate", _now()),
        )

    @staticmethod
    def _free_index(db: sqlite3.Connection, list_id: int, size: int, used: int) -> int:
        # Random indexes give herd privacy; when a list is nearly full, find a gap instead.
        if used < size * 0.9:
            for _ in range(64):
                candidate = secrets.randbelow(size)
                taken = db.execute(
                    "SELECT 1 FROM entries WHERE list_id = ? AND idx = ?", (list_id, candidate)
                ).fetchone()
                if taken is None:
                    return candidate
        taken_set = {
            r[0] for r in db.execute("SELECT idx FROM entries WHERE list_id = ?", (list_id,))
        }
        free = [i for i in range(size) if i not in taken_set]
        if not free:
            raise StatusListError("status list is full")  # cannot happen: used < size
        return free[secrets.randbelow(len(free))]

    # -------------------------------------------------------------------------- changes

    def _set(self, credential_id: str, purpose: str, value: int, action: str) -> StatusEntry:
        with self._transaction() as db:
            row = db.execute(
                "SELECT e.status, l.status_size FROM entries e JOIN lists l ON e.list_id = l.id "
                "WHERE e.credential_id = ? AND e.purpose = ?",
                (credential_id, purpose),
            ).fetchone()
            if row is None:
                raise StatusListError(f"{credential_id!r} has no {purpose} entry in this registry")
            if purpose == "revocation" and row[0] and not value:
                raise StatusListError("a revocation is permanent and cannot be undone")
            if not 0 <= value < 1 << row[1]:
                raise StatusListError(
                    f"{value:#x} is not a status of this {row[1]}-bit {purpose} list "
                    f"(0x0..{(1 << row[1]) - 1:#x})"
                )
            db.execute(
                "UPDATE entries SET status = ? WHERE credential_id = ? AND purpose = ?",
                (value, credential_id, purpose),
            )
            db.execute(
                "INSERT INTO events (credential_id, purpose, action, at) VALUES (?, ?, ?, ?)",
                (credential_id, purpose, action, _now()),
            )
        return next(e for e in self.entries(credential_id) if e.purpose == purpose)

    def revoke(self, credential_id: str) -> StatusEntry:
        """Revoke a credential (permanent). Durable once this returns."""
        return self._set(credential_id, "revocation", 1, "revoke")

    def suspend(self, credential_id: str) -> StatusEntry:
        """Suspend a credential (until reinstated)."""
        return self._set(credential_id, "suspension", 1, "suspend")

    def reinstate(self, credential_id: str) -> StatusEntry:
        """Lift a suspension."""
        return self._set(credential_id, "suspension", 0, "reinstate")

    def set_message(self, credential_id: str, value: int) -> StatusEntry:
        """Set the credential's ``message`` status to ``value`` (0 .. 2**statusSize - 1)."""
        return self._set(credential_id, "message", value, f"message {value:#x}")

    # --------------------------------------------------------------------------- reading

    def entries(self, credential_id: str) -> list[StatusEntry]:
        """The credential's status entries (empty if it has none)."""
        rows = (
            self._connection()
            .execute(
                "SELECT e.purpose, l.url, e.idx, e.status, l.messages FROM entries e JOIN lists l "
                "ON e.list_id = l.id WHERE e.credential_id = ? ORDER BY e.purpose",
                (credential_id,),
            )
            .fetchall()
        )
        return [
            StatusEntry(
                credential_id, p, url, idx, bool(s), s, StatusMessages.loads(m) if m else None
            )
            for p, url, idx, s, m in rows
        ]

    def history(self, credential_id: str) -> list[tuple[str, str, str]]:
        """(purpose, action, time) of every change to a credential, oldest first."""
        return [
            tuple(r)
            for r in self._connection().execute(
                "SELECT purpose, action, at FROM events WHERE credential_id = ? ORDER BY id",
                (credential_id,),
            )
        ]

    def lists(self) -> list[StatusList]:
        """Every status list of the registry."""
        rows = self._connection().execute(
            "SELECT url, purpose, size, used, file_name, status_size FROM lists "
            "ORDER BY purpose, seq"
        )
        return [StatusList(*r) for r in rows]

    def bitstring(self, url: str) -> BitString:
        """The current bitstring of the list at ``url``."""
        db = self._connection()
        row = db.execute("SELECT id, size, status_size FROM lists WHERE url = ?", (url,)).fetchone()
        if row is None:
            raise StatusListError(f"no status list {url} in this registry")
        list_id, size, width = row
        bits = BitString(size * width, allow_small=True)
        for index, value in db.execute(
            "SELECT idx, status FROM entries WHERE list_id = ? AND status != 0", (list_id,)
        ):
            bits.set_value(index, width, value)
        return bits

    def check_integrity(self) -> None:
        """Raise :class:`StatusListError` if the database is damaged or inconsistent."""
        db = self._connection()
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise StatusListError("the registry database is damaged")
        bad = db.execute(
            "SELECT COUNT(*) FROM lists l WHERE used != "
            "(SELECT COUNT(*) FROM entries e WHERE e.list_id = l.id)"
        ).fetchone()[0]
        if bad:
            raise StatusListError("list usage counts disagree with their entries")
