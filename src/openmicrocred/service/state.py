"""What the service holds: its data directory, its issuers (each with key, status registry
and lists), its clients and the credentials it issued."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..did.web import did_web_url
from ..fetch import Fetcher
from ..keys import Ed25519Key
from ..storage import CredentialStore
from ..storage.offers import OfferStore
from ..verification import StatusChecker, Verifier
from .clients import CLIENTS_FILE, ClientStore
from .issuers import IssuerState, StatusFile
from .settings import Settings

if TYPE_CHECKING:
    import httpx

__all__ = ["LocalStatusLists", "ServiceState", "UnknownIssuerError"]

R = TypeVar("R")

ISSUERS_DIR = "issuers"
CREDENTIALS_FILE = "credentials.sqlite"
OFFERS_FILE = "offers.sqlite"


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
        self._dids: dict[str, bytes] = {}
        for issuer in issuers:
            document = issuer.did_document()
            if document is not None:
                self._dids[did_web_url(issuer.issuer_id)] = json.dumps(document).encode()

    def _files(self) -> dict[str, Path]:
        return {
            url: issuer.lists_dir / name
            for issuer in self._issuers
            for url, name in issuer.published().items()
        }

    def __getitem__(self, url: str) -> bytes:
        if url in self._dids:
            return self._dids[url]
        path = self._files().get(url)
        if path is None or not path.is_file():
            raise KeyError(url)
        return path.read_bytes()

    def __contains__(self, url: object) -> bool:
        return url in self._dids or url in self._files()  # without reading the file

    def __iter__(self) -> Iterator[str]:
        return iter([*self._dids, *self._files()])

    def __len__(self) -> int:
        return len(self._dids) + len(self._files())


class ServiceState:
    """The data directory, created on first start, and the objects built from it.

    :param clock: seconds since the epoch, for token expiry (tests pass their own).
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        folder = Path(settings.data_dir)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        base = settings.base_url.rstrip("/")
        self.issuers: dict[str, IssuerState] = {}
        for n, issuer in enumerate(settings.issuer_list):
            # The first issuer keeps the single-issuer layout; each further one a folder.
            where = folder if n == 0 else folder / ISSUERS_DIR / issuer.name
            lists = f"{base}/status" if n == 0 else f"{base}/status/{issuer.name}"
            self.issuers[issuer.name] = IssuerState(
                issuer, where, status_base_url=lists, ttl_ms=settings.status_ttl_ms
            )
        self.default = next(iter(self.issuers.values()))
        self.credentials = CredentialStore(folder / CREDENTIALS_FILE)
        self.clients = ClientStore(folder / CLIENTS_FILE, clock=clock)
        self.offers = OfferStore(folder / OFFERS_FILE, clock=clock)  # wallet hand-overs
        self.local_lists = LocalStatusLists(list(self.issuers.values()))
        # One checker for every request: other issuers' lists are cached for their ttl,
        # this service's own are read again each time (verified again only if changed).
        self.status_checker = StatusChecker(reread=self.local_lists)
        self._client_lock = threading.Lock()
        self._client: httpx.Client | None = None

    @property
    def issuer_id(self) -> str:
        """The default issuer's id."""
        return self.default.issuer_id

    @property
    def key(self) -> Ed25519Key:
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
