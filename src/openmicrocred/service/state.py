"""What the service holds: its data directory, its issuers (each with key, status registry
and lists), its clients and the credentials it issued.

Everything but the keys lives in the storage the settings name: SQLite files in the data
directory (the default) or one database by URL (``storage = "postgresql://..."``), which
many workers and hosts share. A worker keeps nothing else in memory except caches with a
bound and a ttl (the status checker's lists of other issuers, the rate limiter's buckets):
its own status lists are read from the database, at their latest published version, on
every check."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..did.web import did_web_url
from ..fetch import Fetcher
from ..keys import Ed25519SigningKey
from ..status.registry import SQLStatusRegistry
from ..storage import CredentialStore, MicrocredentialStore
from ..storage.backend import Database, open_database
from ..storage.offers import OfferStore
from ..verification import StatusChecker, Verifier
from .clients import CLIENTS_FILE, ClientStore
from .issuers import IssuerState, StatusFile
from .settings import IssuerSettings, Settings

if TYPE_CHECKING:
    import httpx

__all__ = ["LocalStatusLists", "ServiceState", "UnknownIssuerError", "registry_prefix"]

R = TypeVar("R")

ISSUERS_DIR = "issuers"
CREDENTIALS_FILE = "credentials.sqlite"
OFFERS_FILE = "offers.sqlite"
MICROCREDENTIALS_FILE = "microcredentials.sqlite"


def registry_prefix(issuer_name: str) -> str:
    """The table name prefix of an issuer's status registry in a shared database."""
    slug = issuer_name.replace("-", "_")
    if len(slug) > 30:  # keeps every table name well inside PostgreSQL's 63 bytes
        slug = hashlib.sha256(issuer_name.encode()).hexdigest()[:16]
    return f"s_{slug}_"


class UnknownIssuerError(LookupError):
    """No issuer of this service has that name or id."""


class LocalStatusLists(Mapping[str, bytes]):
    """The service's own published status lists, and the DID documents of its did:web
    issuers, by URL: what its verifier answers locally.

    A :class:`~openmicrocred.fetch.Fetcher` consults its ``resources`` before the network,
    so a credential this service issued is checked against the list as published here and
    now, never by fetching the service's own public URL (which, behind a proxy or on a
    loopback address, may not be reachable from inside, and which the fetch policy rightly
    refuses for loopback and private addresses).
    """

    def __init__(self, issuers: Sequence[IssuerState]) -> None:
        self._issuers = issuers
        self._known: dict[str, IssuerState] = {}
        self._dids: dict[str, bytes] = {}
        for issuer in issuers:
            document = issuer.did_document()
            if document is not None:
                self._dids[did_web_url(issuer.issuer_id)] = json.dumps(document).encode()

    def _lists(self) -> dict[str, IssuerState]:
        found = {url: issuer for issuer in self._issuers for url in issuer.published()}
        self._known = found
        return found

    def _issuer_of(self, url: object) -> IssuerState | None:
        """Whose list this URL is: list URLs never change once made, so the map is read
        again only when a URL is not in it (a list another worker or host started)."""
        if not isinstance(url, str):
            return None
        found = self._known.get(url)
        return found if found is not None else self._lists().get(url)

    def __getitem__(self, url: str) -> bytes:
        if url in self._dids:
            return self._dids[url]
        issuer = self._issuer_of(url)
        # The signed list as kept in the registry, at its latest version (what every
        # worker and host serves), never a copy in one worker's memory or on one disk.
        kept = issuer.registry.published(url) if issuer is not None else None
        if kept is None:
            raise KeyError(url)
        return kept.body

    def __contains__(self, url: object) -> bool:
        return url in self._dids or self._issuer_of(url) is not None  # not reading it

    def __iter__(self) -> Iterator[str]:
        return iter([*self._dids, *self._lists()])

    def __len__(self) -> int:
        return len(self._dids) + len(self._lists())


class ServiceState:
    """The data directory, created on first start, and the objects built from it.

    :param clock: seconds since the epoch, for token expiry (tests pass their own).
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        folder = Path(settings.data_dir)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder = folder
        # One database for everything (settings.storage), or a SQLite file for each part.
        self.database: Database | None = (
            open_database(settings.storage) if settings.storage else None
        )
        self.issuers: dict[str, IssuerState] = {}
        for n, issuer in enumerate(settings.issuer_list):
            self.issuers[issuer.name] = self._issuer_state(issuer, n)
        self.default = next(iter(self.issuers.values()))
        self.credentials = CredentialStore(self._where(CREDENTIALS_FILE))
        self.clients = ClientStore(self._where(CLIENTS_FILE), clock=clock)
        self.offers = OfferStore(self._where(OFFERS_FILE), clock=clock)  # wallet hand-overs
        self.local_lists = LocalStatusLists(list(self.issuers.values()))
        # One checker for every request: other issuers' lists are cached for their ttl,
        # this service's own are read again each time (verified again only if changed).
        self.status_checker = StatusChecker(reread=self.local_lists)
        self._client_lock = threading.Lock()
        self._client: httpx.Client | None = None

    def _where(self, file_name: str) -> Database | Path:
        """Where a store lives: the shared database, or its own file in the data folder."""
        return self.database if self.database is not None else self.folder / file_name

    def _issuer_state(self, issuer: IssuerSettings, n: int) -> IssuerState:
        base = self.settings.base_url.rstrip("/")
        # The first issuer keeps the single-issuer layout; each further one a folder.
        where = self.folder if n == 0 else self.folder / ISSUERS_DIR / issuer.name
        lists = f"{base}/status" if n == 0 else f"{base}/status/{issuer.name}"
        registry = None
        if self.database is not None:
            registry = SQLStatusRegistry(
                self.database, base_url=lists, name=registry_prefix(issuer.name)
            )
        return IssuerState(
            issuer,
            where,
            status_base_url=lists,
            ttl_ms=self.settings.status_ttl_ms,
            registry=registry,
        )

    def open_microcredentials(self) -> MicrocredentialStore:
        """The micro-credential journey's store, in the service's storage."""
        return MicrocredentialStore(self._where(MICROCREDENTIALS_FILE))

    @property
    def issuer_id(self) -> str:
        """The default issuer's id."""
        return self.default.issuer_id

    @property
    def key(self) -> Ed25519SigningKey:
        """The default issuer's key."""
        return self.default.key

    @property
    def verification_method(self) -> str:
        """The default issuer's verification method."""
        return self.default.verification_method

    def issuer(self, name: str | None = None) -> IssuerState:
        """The issuer of this name (the default for ``None``); raises
        :class:`UnknownIssuerError`."""
        if name is None:
            return self.default
        found = self.issuers.get(name)
        if found is None:
            raise UnknownIssuerError(f"this service has no issuer named {name!r}")
        return found

    def issuer_by_id(self, issuer_id: str) -> IssuerState:
        """The issuer whose id this is; raises :class:`UnknownIssuerError`."""
        for issuer in self.issuers.values():
            if issuer.issuer_id == issuer_id:
                return issuer
        raise UnknownIssuerError(f"this service does not issue as {issuer_id}")

    def holder_of_status(self, credential_id: str) -> IssuerState | None:
        """The issuer whose registry has status entries for this credential."""
        for issuer in self.issuers.values():
            if issuer.registry.entries(credential_id):
                return issuer
        return None

    def status_file(self, path: str) -> tuple[IssuerState, StatusFile] | None:
        """A published list by its path under ``/status/`` (``name`` for the default
        issuer's, ``issuer/name`` for the others'), or ``None``."""
        url = f"{self.settings.status_base_url}/{path}"
        for issuer in self.issuers.values():
            name = issuer.published().get(url)
            found = issuer.status_file(name) if name else None
            if found is not None:
                return issuer, found
        return None

    def verify_locally(self, run: Callable[[Verifier], R]) -> R | None:
        """``run`` with a verifier that answers only from this service's own lists and DID
        documents (and the status lists cached from earlier requests); ``None`` if it
        needed the network, so the caller runs it again with :meth:`verifier` off the
        event loop. Most credentials a service sees are its own: they never leave it."""
        fetcher = Fetcher(resources=self.local_lists)
        result = run(Verifier(fetcher=fetcher, status_checker=self.status_checker))
        if any(record.error == "offline" for record in fetcher.log):
            return None
        return result

    def verifier(self) -> tuple[Verifier, Fetcher]:
        """A verifier for one request (its fetch log is the request's alone), sharing one
        HTTP client; the fetcher is the caller's to close."""
        with self._client_lock:
            if self._client is None:
                import httpx

                self._client = httpx.Client(headers={"User-Agent": "openmicrocred-service"})
            client = self._client
        fetcher = Fetcher(client=client, resources=self.local_lists)
        return Verifier(fetcher=fetcher, status_checker=self.status_checker), fetcher

    def close(self) -> None:
        """Close the HTTP client and this thread's database connections."""
        if self._client is not None:
            self._client.close()
            self._client = None
        for issuer in self.issuers.values():
            issuer.close()
        self.credentials.close()
        self.clients.close()
        self.offers.close()

    def describe(self) -> dict[str, Any]:
        """What the service is, for ``GET /``."""
        return {
            "service": "openmicrocred",
            "issuer": self.issuer_id,
            "verificationMethod": self.verification_method,
            "issuers": [
                {
                    "name": i.name,
                    "id": i.issuer_id,
                    "verificationMethod": i.verification_method,
                    "issue": f"/issuers/{i.name}/credentials/issue",
                }
                for i in self.issuers.values()
            ],
            "statusLists": self.settings.status_base_url,
            "tokenEndpoint": "/oauth2/token",
            "verifyPage": "/verify",
            "docs": "/docs",
        }
