"""One issuer of the service: its key, id, status registry and published lists."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..did.keyring import KeyRing
from ..did.web import did_web_document, did_web_url
from ..errors import InputError, SignerError
from ..keys import Ed25519Key, Ed25519SigningKey, load_private_key
from ..status import SQLiteStatusRegistry, StatusEntry
from ..status.publish import publish_stored, write_atomically
from ..status.registry import SQLStatusRegistry
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


def _hsm_key(settings: IssuerSettings, folder: Path) -> Ed25519SigningKey | None:
    """The key in an HSM the settings name (``pkcs11``), opened: the token signs."""
    if settings.pkcs11 is None:
        return None
    if settings.key_file is not None:
        raise InputError(f"issuer {settings.name}: give pkcs11 or key_file, not both")
    try:
        return settings.pkcs11.open()
    except SignerError as exc:
        raise SignerError(f"issuer {settings.name}: {exc}") from None


def _load_key(settings: IssuerSettings, folder: Path) -> Ed25519SigningKey:
    hsm = _hsm_key(settings, folder)
    if hsm is not None:
        return hsm
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


def _signing_key(
    settings: IssuerSettings, folder: Path, keyring: KeyRing | None
) -> Ed25519SigningKey:
    """The key ring's active key (after `keys rotate`), or the key the settings name."""
    if keyring is None:
        return _load_key(settings, folder)
    if settings.pkcs11 is not None:
        raise InputError(
            f"issuer {settings.name}: give pkcs11 or the key ring in {folder}, not both "
            "(the ring names the keys once `keys rotate` ran)"
        )
    try:
        return keyring.signing_key(folder)
    except SignerError as exc:
        raise SignerError(f"issuer {settings.name}: {exc}") from None


def _default_method(issuer_id: str, key: Ed25519SigningKey) -> str:
    if issuer_id.startswith("did:web:"):
        return f"{issuer_id}#key-1"
    return key.public_key.verification_method


class IssuerState:
    """An issuer's files in ``folder`` and the objects built from them.

    :param status_base_url: where its status lists are served.
    """

    def __init__(
        self,
        settings: IssuerSettings,
        folder: Path,
        *,
        status_base_url: str,
        ttl_ms: int,
        registry: SQLStatusRegistry | None = None,
    ) -> None:
        self.settings = settings
        self.name = settings.name
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder = folder
        # A key ring (after `openmicrocred keys rotate`) decides the key, id and method.
        self.keyring = KeyRing.load(folder) if KeyRing.exists(folder) else None
        self.key = _signing_key(settings, folder, self.keyring)
        self.issuer_id: str = settings.id or (
            self.keyring.controller if self.keyring else self.key.public_key.did
        )
        if self.keyring is not None and self.keyring.controller != self.issuer_id:
            raise InputError(
                f"issuer {settings.name}: its key ring is for {self.keyring.controller}, "
                f"not {self.issuer_id}"
            )
        if self.issuer_id.startswith("did:web:"):
            did_web_url(self.issuer_id)  # raises ResolutionError for a malformed did:web
        self.verification_method: str = (
            self.keyring.verification_method
            if self.keyring
            else settings.verification_method or _default_method(self.issuer_id, self.key)
        )
        self.lists_dir = folder / LISTS_DIR
        self.lists_dir.mkdir(exist_ok=True)
        self.registry: SQLStatusRegistry = registry or SQLiteStatusRegistry(
            folder / REGISTRY_FILE, base_url=status_base_url
        )
        self._ttl_ms = ttl_ms
        self._publish_lock = threading.Lock()
        self._publish_file = folder / PUBLISH_LOCK
        if self.registry.stale():  # a registry from before lists were kept in it, or a crash
            self.publish()  # between a change and its publication: sign what is missing
        if self.keyring is not None:
            self._republish_if_rotated()

    @property
    def profile(self) -> dict[str, Any]:
        """The issuer as an Open Badges Profile: its id, ``type`` and the configured fields."""
        return {"id": self.issuer_id, "type": ["Profile"], **self.settings.profile}

    def did_document(self) -> dict[str, Any] | None:
        """The ``did.json`` to serve for a did:web issuer (``None`` for others)."""
        if not self.issuer_id.startswith("did:web:"):
            return None
        if self.keyring is not None:
            return self.keyring.did_document()  # every published key, old ones too
        fragment = self.verification_method.partition("#")[2] or None
        public = self.key.public_key
        return did_web_document(
            self.issuer_id, [public], fragments=[fragment] if fragment else None
        )

    def _republish_if_rotated(self) -> None:
        """Lists signed with an earlier key are signed again with the active one, so that
        removing that key later does not break every credential's status check."""
        method = self.verification_method.encode()
        for url in self.published():
            kept = self.registry.published(url)
            if kept is not None and method not in kept.body:
                self.publish(everything=True)
                return

    def publish(self, *, everything: bool = False) -> None:
        """Sign the lists changed since their last publication (after a change;
        ``everything``: every list, as after a key rotation), keep them in the registry by
        version (what the service serves), and write a copy of each into ``lists_dir``."""
        with self._publish_lock, _file_lock(self._publish_file):
            kept = publish_stored(
                self.registry,
                self.key,
                issuer=self.issuer_id,
                verification_method=self.verification_method,
                ttl_ms=self._ttl_ms,
                everything=everything,
            )
            names = self.published()
            for found in kept:
                write_atomically(self.lists_dir / names[found.url], found.body)

    def allocate(self, credential_id: str, purposes: Sequence[str]) -> list[StatusEntry]:
        """Status entries for a credential; publishes when a new list was started."""
        entries = self.registry.allocate(credential_id, purposes, messages=self.settings.messages)
        if any(self.registry.published(e.list_url) is None for e in entries):
            self.publish()
        return entries

    def status_file(self, name: str) -> StatusFile | None:
        """A published list by file name, or ``None``."""
        url = next((u for u, n in self.published().items() if n == name), None)
        found = self.registry.published(url) if url is not None else None
        if found is None:
            return None
        return StatusFile(found.body, found.etag)

    def published(self) -> dict[str, str]:
        """Each published list's URL and its file name."""
        return {s.url: s.file_name for s in self.registry.lists()}

    def close(self) -> None:
        """Close this thread's database connection, and give up a key in an HSM (at
        shutdown, or before the workers start)."""
        self.registry.close()
        close_key = getattr(self.key, "close", None)
        if callable(close_key):
            close_key()
