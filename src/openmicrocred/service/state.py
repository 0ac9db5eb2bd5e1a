"""What the service holds: its data directory, issuer key, status registry and lists."""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..fetch import Fetcher
from ..keys import Ed25519Key
from ..status import SQLiteStatusRegistry, StatusEntry, publish
from ..verification import Verifier
from .clients import CLIENTS_FILE, ClientStore
from .settings import Settings

if TYPE_CHECKING:
    import httpx

__all__ = ["LocalStatusLists", "ServiceState"]

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


class LocalStatusLists(Mapping[str, bytes]):
    """The service's own published status lists, by URL: what its verifier answers locally.

    A :class:`~openmicrocred.fetch.Fetcher` consults its ``resources`` before the network,
    so a credential this service issued is checked against the list as published here and
    now, never by fetching the service's own public URL (which, behind a proxy or on a
    loopback address, may not be reachable from inside, and which the fetch policy rightly
    refuses for loopback and private addresses).
    """

    def __init__(self, registry: SQLiteStatusRegistry, folder: Path) -> None:
        self._registry = registry
        self._folder = folder

    def _files(self) -> dict[str, str]:
        return {s.url: s.file_name for s in self._registry.lists()}

    def __getitem__(self, url: str) -> bytes:
        if not url.startswith(self._registry.base_url + "/"):
            raise KeyError(url)
        name = self._files().get(url)
        path = self._folder / name if name else None
        if path is None or not path.is_file():
            raise KeyError(url)
        return path.read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._files())

    def __len__(self) -> int:
        return len(self._files())


@dataclass(frozen=True)
class StatusFile:
    """A published status list, as served."""

    body: bytes
    etag: str


class ServiceState:
    """The data directory, created on first start, and the objects built from it.

    :param clock: seconds since the epoch, for token expiry (tests pass their own).
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        folder = Path(settings.data_dir)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.lists_dir = folder / LISTS_DIR
        self.lists_dir.mkdir(exist_ok=True)
        key_path = folder / KEY_FILE
        if not key_path.exists():
            # save() links the finished file into place, so of several processes starting
            # at once exactly one key wins and every process loads that one.
            with suppress(FileExistsError):
                Ed25519Key.generate().save(key_path)
        self.key = Ed25519Key.load(key_path)
        self.issuer_id: str = settings.issuer_id or self.key.did
        self.verification_method = settings.verification_method or self.key.verification_method
        self.registry = SQLiteStatusRegistry(
            folder / REGISTRY_FILE, base_url=settings.status_base_url
        )
        self.clients = ClientStore(folder / CLIENTS_FILE, clock=clock)
        self.local_lists = LocalStatusLists(self.registry, self.lists_dir)
        self._publish_lock = threading.Lock()
        self._publish_file = folder / PUBLISH_LOCK
        self._client: httpx.Client | None = None

    def publish(self) -> None:
        """Sign and write every status list (after a change)."""
        with self._publish_lock, _file_lock(self._publish_file):
            publish(
                self.registry,
                self.lists_dir,
                self.key,
                issuer=self.issuer_id,
                verification_method=self.verification_method,
                ttl_ms=self.settings.status_ttl_ms,
            )

    def allocate(self, credential_id: str, purposes: Sequence[str]) -> list[StatusEntry]:
        """Status entries for a credential; publishes when a new list was started."""
        entries = self.registry.allocate(credential_id, purposes)
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

    def verifier(self) -> tuple[Verifier, Fetcher]:
        """A verifier for one request (its fetch log is the request's alone), sharing one
        HTTP client; the fetcher is the caller's to close."""
        with self._publish_lock:
            if self._client is None:
                import httpx

                self._client = httpx.Client(headers={"User-Agent": "openmicrocred-service"})
            client = self._client
        fetcher = Fetcher(client=client, resources=self.local_lists)
        return Verifier(fetcher=fetcher), fetcher

    def close(self) -> None:
        """Close the HTTP client and this thread's database connection."""
        if self._client is not None:
            self._client.close()
            self._client = None
        self.registry.close()

    def describe(self) -> dict[str, Any]:
        """What the service is, for ``GET /``."""
        return {
            "service": "openmicrocred",
            "issuer": self.issuer_id,
            "verificationMethod": self.verification_method,
            "statusLists": self.settings.status_base_url,
            "tokenEndpoint": "/oauth2/token",
            "docs": "/docs",
        }
