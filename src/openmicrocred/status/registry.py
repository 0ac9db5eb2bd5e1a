"""The issuer's status registry: which status list bit belongs to which credential.

:class:`SQLStatusRegistry` keeps it in any :mod:`openmicrocred.storage` database: one SQLite
file (:class:`SQLiteStatusRegistry`, the embedded default) or PostgreSQL shared by many
processes and hosts (:func:`open_registry` with a ``postgresql://`` URL). Either way:

- an index is random within its list, never handed out twice (a unique ``(list, index)``
  constraint, and each allocation inserts with ``ON CONFLICT DO NOTHING`` and draws again on
  a collision), and an allocation is idempotent per credential id;
- allocations and changes to one list are serialized by that list's row (``SELECT ... FOR
  UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), and a change is durable once the
  call returns; a process killed mid-call leaves the database as it was before the call;
- every change bumps its list's ``version`` in the same transaction and writes an audit
  event (who, when, what), so a published list names the version it shows, and of two
  instances publishing at once the later version wins (:meth:`store_published`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from ..errors import StatusListError
from ..storage.backend import Database, SQLiteDatabase, Transaction, open_database
from .bitstring import MIN_BITS, BitString

__all__ = [
    "ALL_PURPOSES",
    "PURPOSES",
    "PublishedStatusList",
    "SQLStatusRegistry",
    "SQLiteStatusRegistry",
    "StatusEntry",
    "StatusEvent",
    "StatusList",
    "StatusMessages",
    "StatusRegistry",
    "VersionedStatusRegistry",
    "open_registry",
]

Purpose = Literal["revocation", "suspension", "message"]
PURPOSES: tuple[Purpose, ...] = ("revocation", "suspension")
"""What :meth:`SQLStatusRegistry.allocate` gives by default."""
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
    version: int = 0
    """Bumped in the same transaction as every status change of the list: what its
    publication and ETag follow."""


@dataclass(frozen=True)
class StatusEvent:
    """One line of the audit history: what happened to a credential's status, when, and
    who asked (the API client or person, when the caller said)."""

    credential_id: str
    purpose: str
    action: str
    at: str
    actor: str | None = None


@dataclass(frozen=True)
class PublishedStatusList:
    """A signed status list credential as stored, at the list version it shows."""

    url: str
    version: int
    media_type: str
    body: bytes
    published_at: str

    @property
    def etag(self) -> str:
        """The HTTP entity tag: the list version, and a digest of these bytes."""
        return f'"{self.version}-{hashlib.sha256(self.body).hexdigest()[:16]}"'


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


class VersionedStatusRegistry(StatusRegistry, Protocol):
    """A registry that also keeps its signed lists, by version (what the service uses)."""

    def snapshot(self, url: str) -> tuple[int, BitString]: ...

    def store_published(
        self, url: str, version: int, media_type: str, body: bytes, *, resign: bool = False
    ) -> PublishedStatusList: ...

    def published(self, url: str) -> PublishedStatusList | None: ...

    def stale(self) -> list[StatusList]: ...


_SCHEMA_1 = """
CREATE TABLE IF NOT EXISTS {p}meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {p}lists (
    id {serial},
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
CREATE TABLE IF NOT EXISTS {p}entries (
    credential_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    list_id BIGINT NOT NULL REFERENCES {p}lists(id),
    idx INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    allocated_at TEXT NOT NULL,
    PRIMARY KEY (credential_id, purpose),
    UNIQUE (list_id, idx)
);
CREATE TABLE IF NOT EXISTS {p}events (
    id {serial},
    credential_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    action TEXT NOT NULL,
    at TEXT NOT NULL
)
"""
_PUBLISHED = """
CREATE TABLE IF NOT EXISTS {p}published (
    url TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    body {blob} NOT NULL,
    published_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS {p}events_credential ON {p}events (credential_id)
"""
_PREFIX = re.compile(r"^[a-z0-9_]{0,40}$")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SQLStatusRegistry:
    """A status registry in a :mod:`openmicrocred.storage` database.

    :param database: where it lives (see :func:`~openmicrocred.storage.open_database`).
    :param base_url: where the lists will be served, e.g. ``https://kmutt.example/status``
        (required when creating a registry; stored in it).
    :param list_size: entries per list (at least 131,072).
    :param name: a table name prefix (lower-case letters, digits, ``_``), so that several
        registries (a service's issuers) share one database; ``""`` for a file of its own.
    """

    def __init__(
        self,
        database: Database,
        *,
        base_url: str | None = None,
        list_size: int = MIN_BITS,
        name: str = "",
    ) -> None:
        if not _PREFIX.match(name):
            raise ValueError(f"a registry name is lower-case letters, digits and _, not {name!r}")
        self.database = database
        self.name = name
        where = getattr(database, "path", None)
        self._where = str(where) if where is not None else f"registry {name or '(unnamed)'}"
        database.migrate(f"{name}status", [self._q(_SCHEMA_1), self._upgrade, self._version_2])
        if database.dialect == "sqlite":
            database.run(self._upgrade)  # idempotent: a file whose columns were lost
        stored = database.run(lambda tx: self._meta(tx, base_url, list_size))
        self.base_url: str = stored["base_url"]
        self.list_size: int = int(stored["list_size"])

    def _q(self, sql: str) -> str:
        """The statement with this registry's table names."""
        return sql.replace("{p}", self.name)

    def _upgrade(self, tx: Transaction) -> None:
        """Give a registry made before multi-bit ``message`` lists their two columns."""
        if "status_size" not in tx.columns(f"{self.name}lists"):
            tx.execute(
                self._q("ALTER TABLE {p}lists ADD COLUMN status_size INTEGER NOT NULL DEFAULT 1")
            )
            tx.execute(self._q("ALTER TABLE {p}lists ADD COLUMN messages TEXT"))

    def _version_2(self, tx: Transaction) -> None:
        """List versions, who made each change, and the signed lists as published."""
        tx.execute(self._q("ALTER TABLE {p}lists ADD COLUMN version INTEGER NOT NULL DEFAULT 0"))
        tx.execute(self._q("ALTER TABLE {p}events ADD COLUMN actor TEXT"))
        tx.script(self._q(_PUBLISHED))

    def _meta(self, tx: Transaction, base_url: str | None, list_size: int) -> dict[str, str]:
        stored = dict(tx.all(self._q("SELECT key, value FROM {p}meta")))
        if not stored:
            if base_url is None:
                raise StatusListError(
                    f"{self._where} is a new registry: give base_url= (where lists are served)"
                )
            if not base_url.startswith(("https://", "http://")):
                raise StatusListError("base_url must be an http(s) URL")
            BitString(list_size)  # validates the size
            stored = {"base_url": base_url.rstrip("/"), "list_size": str(list_size)}
            for key, value in [*stored.items(), ("schema_version", "2")]:
                tx.execute(self._q("INSERT INTO {p}meta (key, value) VALUES (?, ?)"), (key, value))
        elif base_url is not None and base_url.rstrip("/") != stored["base_url"]:
            raise StatusListError(
                f"{self._where} serves lists from {stored['base_url']}, not {base_url}"
            )
        return stored

    def close(self) -> None:
        """Close this thread's connection (SQLite) or the idle ones (PostgreSQL)."""
        self.database.close()

    # ----------------------------------------------------------------------------- issuing

    def allocate(
        self,
        credential_id: str,
        purposes: Sequence[str] = PURPOSES,
        *,
        messages: StatusMessages | None = None,
        actor: str | None = None,
    ) -> list[StatusEntry]:
        """Give a credential a random unused index in a list of each purpose.

        Idempotent: a credential id that already has entries gets the same ones back, so a
        retry after a crash between allocating and signing never uses a second index.
        The entries come back in the order of ``purposes``.

        :param messages: for the ``message`` purpose (required with it): the values and
            messages; entries with the same messages share lists.
        :param actor: who asks (kept in the audit history).
        """
        found = self.allocate_many([credential_id], purposes, messages=messages, actor=actor)
        return found[credential_id]

    def allocate_many(
        self,
        credential_ids: Sequence[str],
        purposes: Sequence[str] = PURPOSES,
        *,
        messages: StatusMessages | None = None,
        actor: str | None = None,
    ) -> dict[str, list[StatusEntry]]:
        """:meth:`allocate` for many credentials in one transaction (one commit, so bulk
        issuing is not bound by the disk's flush time); each id's entries, in the order
        of ``purposes``. All of them are allocated, or (if it fails) none."""
        if not all(credential_ids):
            raise ValueError("credential_id must not be empty")
        for purpose in purposes:
            if purpose not in ALL_PURPOSES:
                raise ValueError(f"status purpose must be one of {ALL_PURPOSES}, not {purpose!r}")
        if "message" in purposes and messages is None:
            raise ValueError("the message purpose needs messages= (a StatusMessages)")
        ids = list(dict.fromkeys(credential_ids))

        def work(tx: Transaction) -> None:
            for purpose in sorted(set(purposes)):  # one lock order for every caller
                scheme = messages if purpose == "message" else None
                for credential_id in ids:
                    if not self._has_entry(tx, credential_id, purpose):
                        self._allocate_one(tx, credential_id, purpose, scheme, actor)

        self.database.run(work)
        with self.database.read() as tx:
            mine = {i: {e.purpose: e for e in self._entries(tx, i)} for i in ids}
        return {i: [mine[i][p] for p in dict.fromkeys(purposes)] for i in ids}

    def _has_entry(self, tx: Transaction, credential_id: str, purpose: str) -> bool:
        sql = "SELECT 1 FROM {p}entries WHERE credential_id = ? AND purpose = ?"
        return tx.one(self._q(sql), (credential_id, purpose)) is not None

    def _open_list(self, tx: Transaction, purpose: str, stored: str) -> tuple[int, int, int]:
        """The newest list of this kind with room, locked for this transaction."""
        lock = " FOR UPDATE" if tx.dialect == "postgresql" else ""
        sql = self._q(
            "SELECT id, size, used FROM {p}lists WHERE purpose = ? AND COALESCE(messages, '') = ? "
            "AND used < size ORDER BY seq DESC LIMIT 1"
        )
        row = tx.one(sql + lock, (purpose, stored))
        if row is not None:
            return int(row[0]), int(row[1]), int(row[2])
        if tx.dialect == "postgresql":  # one process at a time starts a list
            tx.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (f"{self.name}lists",))
            row = tx.one(sql + lock, (purpose, stored))
            if row is not None:
                return int(row[0]), int(row[1]), int(row[2])
        return self._new_list(tx, purpose, stored), self.list_size, 0

    def _new_list(self, tx: Transaction, purpose: str, stored: str) -> int:
        (seq,) = tx.one(
            self._q("SELECT COALESCE(MAX(seq), 0) + 1 FROM {p}lists WHERE purpose = ?"),
            (purpose,),
        ) or (1,)
        name = f"{purpose}-{seq}.json"
        width = StatusMessages.loads(stored).size if stored else 1
        row = tx.one(
            self._q(
                "INSERT INTO {p}lists (purpose, seq, url, file_name, size, status_size, messages) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"
            ),
            (purpose, seq, f"{self.base_url}/{name}", name, self.list_size, width, stored or None),
        )
        assert row is not None
        return int(row[0])

    def _allocate_one(
        self,
        tx: Transaction,
        credential_id: str,
        purpose: str,
        messages: StatusMessages | None,
        actor: str | None,
    ) -> None:
        list_id, size, used = self._open_list(tx, purpose, messages.dumps() if messages else "")
        if not self._insert_entry(tx, credential_id, purpose, list_id, size, used):
            return  # another process allocated it meanwhile: the same entry for both
        tx.execute(self._q("UPDATE {p}lists SET used = used + 1 WHERE id = ?"), (list_id,))
        self._event(tx, credential_id, purpose, "allocate", actor)

    def _insert_entry(
        self, tx: Transaction, credential_id: str, purpose: str, list_id: int, size: int, used: int
    ) -> bool:
        """Insert the entry at a random free index; ``False`` if the credential has one."""
        insert = self._q(
            "INSERT INTO {p}entries (credential_id, purpose, list_id, idx, allocated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING idx"
        )
        # Random indexes give herd privacy; when a list is nearly full, find a gap instead.
        draws = 64 if used < size * 0.9 else 0
        for _ in range(draws):
            candidate = secrets.randbelow(size)
            if tx.one(insert, (credential_id, purpose, list_id, candidate, _now())):
                return True
            if self._has_entry(tx, credential_id, purpose):
                return False
        taken = {
            r[0]
            for r in tx.all(self._q("SELECT idx FROM {p}entries WHERE list_id = ?"), (list_id,))
        }
        free = [i for i in range(size) if i not in taken]
        if not free:
            raise StatusListError("status list is full")  # cannot happen: used < size
        choice = free[secrets.randbelow(len(free))]
        if tx.one(insert, (credential_id, purpose, list_id, choice, _now())):
            return True
        if self._has_entry(tx, credential_id, purpose):
            return False
        raise StatusListError("status index allocation collided; try again")

    def _event(
        self, tx: Transaction, credential_id: str, purpose: str, action: str, actor: str | None
    ) -> None:
        tx.execute(
            self._q(
                "INSERT INTO {p}events (credential_id, purpose, action, at, actor) "
                "VALUES (?, ?, ?, ?, ?)"
            ),
            (credential_id, purpose, action, _now(), actor),
        )

    # -------------------------------------------------------------------------- changes

    def _set(
        self,
        credential_id: str,
        purpose: str,
        value: int,
        action: str,
        actor: str | None = None,
    ) -> StatusEntry:
        def work(tx: Transaction) -> None:
            found = tx.one(
                self._q("SELECT list_id FROM {p}entries WHERE credential_id = ? AND purpose = ?"),
                (credential_id, purpose),
            )
            if found is None:
                raise StatusListError(f"{credential_id!r} has no {purpose} entry in this registry")
            # Lock the list row first: changes to one list are serialized, and the version
            # moves with the change.
            (width,) = tx.one(
                self._q(
                    "UPDATE {p}lists SET version = version + 1 WHERE id = ? RETURNING status_size"
                ),
                (found[0],),
            ) or (1,)
            (current,) = tx.one(
                self._q("SELECT status FROM {p}entries WHERE credential_id = ? AND purpose = ?"),
                (credential_id, purpose),
            ) or (0,)
            if purpose == "revocation" and current and not value:
                raise StatusListError("a revocation is permanent and cannot be undone")
            if not 0 <= value < 1 << width:
                raise StatusListError(
                    f"{value:#x} is not a status of this {width}-bit {purpose} list "
                    f"(0x0..{(1 << width) - 1:#x})"
                )
            tx.execute(
                self._q("UPDATE {p}entries SET status = ? WHERE credential_id = ? AND purpose = ?"),
                (value, credential_id, purpose),
            )
            self._event(tx, credential_id, purpose, action, actor)

        self.database.run(work)
        return next(e for e in self.entries(credential_id) if e.purpose == purpose)

    def revoke(self, credential_id: str, *, actor: str | None = None) -> StatusEntry:
        """Revoke a credential (permanent). Durable once this returns."""
        return self._set(credential_id, "revocation", 1, "revoke", actor)

    def suspend(self, credential_id: str, *, actor: str | None = None) -> StatusEntry:
        """Suspend a credential (until reinstated)."""
        return self._set(credential_id, "suspension", 1, "suspend", actor)

    def reinstate(self, credential_id: str, *, actor: str | None = None) -> StatusEntry:
        """Lift a suspension."""
        return self._set(credential_id, "suspension", 0, "reinstate", actor)

    def set_message(
        self, credential_id: str, value: int, *, actor: str | None = None
    ) -> StatusEntry:
        """Set the credential's ``message`` status to ``value`` (0 .. 2**statusSize - 1)."""
        return self._set(credential_id, "message", value, f"message {value:#x}", actor)

    # --------------------------------------------------------------------------- reading

    def entries(self, credential_id: str) -> list[StatusEntry]:
        """The credential's status entries (empty if it has none)."""
        with self.database.read() as tx:
            return self._entries(tx, credential_id)

    def _entries(self, tx: Transaction, credential_id: str) -> list[StatusEntry]:
        rows = tx.all(
            self._q(
                "SELECT e.purpose, l.url, e.idx, e.status, l.messages FROM {p}entries e "
                "JOIN {p}lists l ON e.list_id = l.id WHERE e.credential_id = ? "
                "ORDER BY e.purpose"
            ),
            (credential_id,),
        )
        return [
            StatusEntry(
                credential_id, p, url, idx, bool(s), s, StatusMessages.loads(m) if m else None
            )
            for p, url, idx, s, m in rows
        ]

    def history(self, credential_id: str) -> list[tuple[str, str, str]]:
        """(purpose, action, time) of every change to a credential, oldest first."""
        return [(e.purpose, e.action, e.at) for e in self.audit(credential_id)]

    def audit(self, credential_id: str | None = None) -> list[StatusEvent]:
        """The audit history (of one credential, or all), oldest first."""
        sql = "SELECT credential_id, purpose, action, at, actor FROM {p}events"
        with self.database.read() as tx:
            if credential_id is None:
                rows = tx.all(self._q(sql + " ORDER BY id"))
            else:
                rows = tx.all(
                    self._q(sql + " WHERE credential_id = ? ORDER BY id"), (credential_id,)
                )
        return [StatusEvent(*r) for r in rows]

    def lists(self) -> list[StatusList]:
        """Every status list of the registry."""
        with self.database.read() as tx:
            rows = tx.all(
                self._q(
                    "SELECT url, purpose, size, used, file_name, status_size, version "
                    "FROM {p}lists ORDER BY purpose, seq"
                )
            )
        return [StatusList(*r) for r in rows]

    def bitstring(self, url: str) -> BitString:
        """The current bitstring of the list at ``url``."""
        return self.snapshot(url)[1]

    def snapshot(self, url: str) -> tuple[int, BitString]:
        """The list's version and its bitstring at that version (one consistent read)."""
        with self.database.read(snapshot=True) as tx:
            row = tx.one(
                self._q("SELECT id, size, status_size, version FROM {p}lists WHERE url = ?"),
                (url,),
            )
            if row is None:
                raise StatusListError(f"no status list {url} in this registry")
            list_id, size, width, version = row
            bits = BitString(size * width, allow_small=True)
            for index, value in tx.all(
                self._q("SELECT idx, status FROM {p}entries WHERE list_id = ? AND status != 0"),
                (list_id,),
            ):
                bits.set_value(index, width, value)
        return int(version), bits

    # ------------------------------------------------------------------------ publication

    def store_published(
        self, url: str, version: int, media_type: str, body: bytes, *, resign: bool = False
    ) -> PublishedStatusList:
        """Keep a signed list made from ``version``, unless a later version is kept already
        (with ``resign``: also replace one of the same version, e.g. signed with an older
        key); what is kept now (so of two instances publishing at once, the later version
        wins)."""
        sql = self._q(
            "INSERT INTO {p}published (url, version, media_type, body, published_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET version = excluded.version, "
            "media_type = excluded.media_type, body = excluded.body, "
            "published_at = excluded.published_at WHERE {p}published.version < excluded.version"
        )
        if resign:
            sql = sql.replace("version < excluded", "version <= excluded")
        self.database.run(lambda tx: tx.execute(sql, (url, version, media_type, body, _now())))
        kept = self.published(url)
        assert kept is not None
        return kept

    def published(self, url: str) -> PublishedStatusList | None:
        """The signed list kept for ``url``, or ``None``."""
        with self.database.read() as tx:
            row = tx.one(
                self._q(
                    "SELECT url, version, media_type, body, published_at FROM {p}published "
                    "WHERE url = ?"
                ),
                (url,),
            )
        if row is None:
            return None
        return PublishedStatusList(row[0], int(row[1]), row[2], bytes(row[3]), row[4])

    def stale(self) -> list[StatusList]:
        """The lists whose kept signed list is older than the list (or missing)."""
        with self.database.read() as tx:
            rows = tx.all(
                self._q(
                    "SELECT l.url FROM {p}lists l LEFT JOIN {p}published p ON p.url = l.url "
                    "WHERE p.version IS NULL OR p.version < l.version"
                )
            )
        urls = {r[0] for r in rows}
        return [s for s in self.lists() if s.url in urls]

    def check_integrity(self) -> None:
        """Raise :class:`StatusListError` if the database is damaged or inconsistent."""
        with self.database.read() as tx:
            if tx.dialect == "sqlite" and tx.one("PRAGMA integrity_check") != ("ok",):
                raise StatusListError("the registry database is damaged")
            bad = tx.one(
                self._q(
                    "SELECT COUNT(*) FROM {p}lists l WHERE used != "
                    "(SELECT COUNT(*) FROM {p}entries e WHERE e.list_id = l.id)"
                )
            )
        if bad and bad[0]:
            raise StatusListError("list usage counts disagree with their entries")


class SQLiteStatusRegistry(SQLStatusRegistry):
    """A status registry in one SQLite file (created mode 0600).

    :param path: the database file; created if missing.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        base_url: str | None = None,
        list_size: int = MIN_BITS,
    ) -> None:
        database = SQLiteDatabase(path)
        self.path = database.path
        super().__init__(database, base_url=base_url, list_size=list_size)


def open_registry(
    url: str | os.PathLike[str],
    *,
    base_url: str | None = None,
    list_size: int = MIN_BITS,
    name: str = "",
) -> SQLStatusRegistry:
    """The registry at a storage URL (``sqlite:///path``, ``postgresql://...``, or a file
    path); see :class:`SQLStatusRegistry` for the parameters."""
    return SQLStatusRegistry(open_database(url), base_url=base_url, list_size=list_size, name=name)
