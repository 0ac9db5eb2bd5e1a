"""One issuer of the service: its key, id, status registry and published lists."""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..did.web import did_web_document, did_web_url
from ..errors import InputError
from ..keys import Ed25519Key, load_private_key
from ..status import SQLiteStatusRegistry, StatusEntry, publish
from .settings import IssuerSettings

__all__ = ["IssuerState", "StatusFile"]

KEY_FILE = "issuer-key.pem"
REGISTRY_FILE = "status.sqlite"
LISTS_DIR = "status"
PUBLISH_LOCK = "publish.lock"


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock held across processes (the workers of one data directory), so
    that two publishing at once cannot leave an older list written last."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@dataclass(frozen=True)
class StatusFile:
    """A published status list, as served."""

    body: bytes
    etag: str


def _load_key(settings: IssuerSettings, folder: Path) -> Ed25519Key:
    if settings.key_file is not None:
        key = load_private_key(settings.key_file)
        if not isinstance(key, Ed25519Key):
            raise InputError(
                f"issuer {settings.name}: {settings.key_file} is not an Ed25519 key "
                "(the service signs with eddsa-rdfc-2022, eddsa-jcs-2022 and EdDSA VC-JWT)"
            )
        return key
    key_path = folder / KEY_FILE
    if not key_path.exists():
        # save() links the finished file into place, so of several processes starting at
        # once exactly one key wins and every process loads that one.
        with suppress(FileExistsError):
            Ed25519Key.generate().save(key_path)
    return Ed25519Key.load(key_path)


def _default_method(issuer_id: str, key: Ed25519Key) -> str:
    if issuer_id.startswith("did:web:"):
        return f"{issuer_id}#key-1"
    return key.verification_method


class IssuerState:
    """An issuer's files in ``folder`` and the objects built from them.

    :param status_base_url: where its status lists are served.
    """

    def __init__(
        self, settings: IssuerSettings, folder: Path, *, status_base_url: str, ttl_ms: int
    ) -> None:
        self.settings = settings
        self.name = settings.name
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder = folder
        self.key = _load_key(settings, folder)
        self.issuer_id: str = settings.id or self.key.did
        if self.issuer_id.startswith("did:web:"):
            did_web_url(self.issuer_id)  # raises ResolutionError for a malformed did:web
        self.verification_method: str = settings.verification_method or _default_method(
            self.issuer_id, self.key
        )
        self.lists_dir = folder / LISTS_DIR
        self.lists_dir.mkdir(exist_ok=True)
        self.registry = SQLiteStatusRegistry(folder / REGISTRY_FILE, base_url=status_base_url)
        self._ttl_ms = ttl_ms
        self._publish_lock = threading.Lock()
        self._publish_file = folder / PUBLISH_LOCK

    @property
    def profile(self) -> dict[str, Any]:
        """The issuer as an Open Badges Profile: its id, ``type`` and the configured fields."""
        return {"id": self.issuer_id, "type": ["Profile"], **self.settings.profile}

    def did_document(self) -> dict[str, Any] | None:
        """The ``did.json`` to serve for a did:web issuer (``None`` for others)."""
        if not self.issuer_id.startswith("did:web:"):
            return None
        fragment = self.verification_method.partition("#")[2] or None
        public = self.key.public_key
        return did_web_document(
            self.issuer_id, [public], fragments=[fragment] if fragment else None
        )

    def publish(self) -> None:
        """Sign and write every status list (after a change)."""
        with self._publish_lock, _file_lock(self._publish_file):
            publish(
                self.registry,
                self.lists_dir,
                self.key,
                issuer=self.issuer_id,
                verification_method=self.verification_method,
                ttl_ms=self._ttl_ms,
            )

    def allocate(self, credential_id: str, purposes: Sequence[str]) -> list[StatusEntry]:
        """Status entries for a credential; publishes when a new list was started."""
        entries = self.registry.allocate(credential_id, purposes, messages=self.settings.messages)
        known = {s.url: s.file_name for s in self.registry.lists()}
        if any(not (self.lists_dir / known[e.list_url]).is_file() for e in entries):
            self.publish()
        return entries

    def status_file(self, name: str) -> StatusFile | None:
        """A published list by file name, or ``None``."""
        if name not in {s.file_name for s in self.registry.lists()}:
            return None
        path = self.lists_dir / name
        if not path.is_file():
            return None
        body = path.read_bytes()
        return StatusFile(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')

    def published(self) -> dict[str, str]:
        """Each published list's URL and its file name."""
        return {s.url: s.file_name for s in self.registry.lists()}

    def close(self) -> None:
        """Close this thread's database connection."""
        self.registry.close()
