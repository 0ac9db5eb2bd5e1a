"""Bounded, policy-checked HTTP fetching through one injected ``httpx.Client``.

openmicrocred is offline unless the caller hands it a client. When it has one, every fetch
(DID documents, controller documents, JWK sets, status lists, credentials by URL) goes
through a :class:`Fetcher`, which enforces a :class:`FetchPolicy`: https only (plain http
only to loopback, and only when allowed, for tests), no private-network addresses unless
allowed, a time limit, a size cap and a redirect limit, each redirect re-checked. Responses
are cached for a TTL. Local copies (``resources``) answer URLs without any network, for
air-gapped verifiers. Every answer is recorded in :attr:`Fetcher.log`.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin, urlsplit

from .errors import FetchError

if TYPE_CHECKING:  # httpx is imported only when something is fetched over the network
    import httpx

__all__ = ["FetchPolicy", "FetchRecord", "Fetcher"]


@dataclass(frozen=True)
class FetchPolicy:
    """What the fetcher may do.

    :param timeout: seconds for the whole request (connect, read).
    :param max_bytes: largest response body accepted.
    :param max_redirects: redirects followed, each checked against this policy.
    :param allow_loopback: allow 127.0.0.0/8 and ::1 (over http too): for tests.
    :param allow_private: allow private-network and link-local addresses.
    :param cache_ttl: seconds a successful response is reused (0 disables the cache).
    """

    timeout: float = 10.0
    max_bytes: int = 2_000_000
    max_redirects: int = 3
    allow_loopback: bool = False
    allow_private: bool = False
    cache_ttl: float = 300.0


@dataclass(frozen=True)
class FetchRecord:
    """One URL the fetcher answered, and from where."""

    url: str
    source: Literal["network", "cache", "local"]
    status: int | None = None
    error: str | None = None


Resolve = Callable[[str], list[str]]


def _system_resolve(host: str) -> list[str]:
    import socket  # only when a host name is resolved for a network fetch

    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


@dataclass
class Fetcher:
    """Fetches documents under a :class:`FetchPolicy`.

    :param client: the ``httpx.Client`` to use; ``None`` means offline (only ``resources``).
        :meth:`networked` makes a fetcher whose client is created on its first network fetch.
    :param policy: limits and address rules.
    :param resources: URL -> bytes answered locally, never over the network.
    """

    client: httpx.Client | None = None
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    resources: Mapping[str, bytes] = field(default_factory=dict)
    resolve_host: Resolve = _system_resolve
    log: list[FetchRecord] = field(default_factory=list)
    _cache: dict[str, tuple[float, bytes, str]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _connect: Callable[[], httpx.Client] | None = field(default=None, repr=False)

    @classmethod
    def networked(
        cls,
        policy: FetchPolicy | None = None,
        resources: Mapping[str, bytes] | None = None,
        *,
        user_agent: str = "openmicrocred",
        **client_options: Any,
    ) -> Fetcher:
        """A fetcher with its own ``httpx.Client``, created on the first network fetch (work
        that needs no network never pays for it). Close it with :meth:`close`, or use the
        fetcher as a context manager.

        :param client_options: passed to ``httpx.Client`` (``verify=`` an SSL context, say).
        """

        def connect() -> httpx.Client:
            import httpx

            return httpx.Client(headers={"User-Agent": user_agent}, **client_options)

        return cls(
            policy=policy or FetchPolicy(),
            resources=dict(resources or {}),
            _connect=connect,
        )

    @property
    def online(self) -> bool:
        """Whether a network client is available (or will be created when needed)."""
        return self.client is not None or self._connect is not None

    def close(self) -> None:
        """Close the client this fetcher created (a client handed in is the caller's)."""
        with self._lock:
            client, owned = self.client, self._connect is not None
            if owned:
                self.client = None
        if owned and client is not None:
            client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _client(self) -> httpx.Client | None:
        if self.client is None and self._connect is not None:
            with self._lock:
                if self.client is None:
                    self.client = self._connect()
        return self.client

    def _record(self, record: FetchRecord) -> None:
        with self._lock:
            self.log.append(record)

    def check_url(self, url: str) -> None:
        """Raise :class:`FetchError` if the policy forbids fetching ``url``."""
        parts = urlsplit(url)
        host = parts.hostname
        if not host:
            raise FetchError(url, "not an absolute http(s) URL")
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                addresses = [ipaddress.ip_address(a.split("%")[0]) for a in self.resolve_host(host)]
            except OSError as exc:
                raise FetchError(url, f"cannot resolve host: {exc}") from None
        loopback = bool(addresses) and all(a.is_loopback for a in addresses)
        if parts.scheme == "http":
            if not (loopback and self.policy.allow_loopback):
                raise FetchError(url, "only https URLs are fetched")
        elif parts.scheme != "https":
            raise FetchError(url, "only https URLs are fetched")
        for address in addresses:
            if address.is_loopback:
                if not self.policy.allow_loopback:
                    raise FetchError(url, "refusing to fetch from a loopback address")
            elif (
                address.is_private
                or address.is_link_local
                or address.is_reserved
                or address.is_multicast
                or address.is_unspecified
            ) and not self.policy.allow_private:
                raise FetchError(url, f"refusing to fetch from private address {address}")

    def get(self, url: str, *, accept: str = "application/json") -> tuple[bytes, str]:
        """Fetch ``url``; return the body and its content type.

        :raises FetchError: offline and no local copy, refused by the policy, an HTTP error,
            a timeout, too large, or too many redirects.
        """
        local = self.resources.get(url)
        if local is not None:
            self._record(FetchRecord(url, "local"))
            return local, ""
        if not self.online:
            self._record(FetchRecord(url, "network", error="offline"))
            raise FetchError(url, "offline (no HTTP client configured and no local copy)")
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(url)
        if cached is not None and cached[0] > now:
            self._record(FetchRecord(url, "cache"))
            return cached[1], cached[2]
        try:
            body, content_type, status = self._fetch(url, accept)
        except FetchError as exc:
            self._record(FetchRecord(url, "network", error=exc.reason))
            raise
        self._record(FetchRecord(url, "network", status=status))
        if self.policy.cache_ttl > 0:
            with self._lock:
                self._cache[url] = (now + self.policy.cache_ttl, body, content_type)
        return body, content_type

    def get_json(self, url: str) -> Any:
        """Fetch ``url`` and parse it as JSON."""
        body, _ = self.get(url, accept="application/json, application/did+json, */*;q=0.1")
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise FetchError(url, "the response is not JSON") from None

    def _fetch(self, url: str, accept: str) -> tuple[bytes, str, int]:
        import httpx

        client = self._client()
        assert client is not None
        current = url
        for _ in range(self.policy.max_redirects + 1):
            self.check_url(current)
            deadline = time.monotonic() + self.policy.timeout
            try:
                with client.stream(
                    "GET",
                    current,
                    headers={"Accept": accept},
                    timeout=self.policy.timeout,
                    follow_redirects=False,
                ) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(url, "redirect without a Location header")
                        current = urljoin(current, location)
                        continue
                    if response.status_code != 200:
                        raise FetchError(url, f"HTTP status {response.status_code}")
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > self.policy.max_bytes:
                            raise FetchError(
                                url, f"response larger than {self.policy.max_bytes} bytes"
                            )
                        if time.monotonic() > deadline:
                            raise FetchError(url, f"took longer than {self.policy.timeout} s")
                        chunks.append(chunk)
                    return b"".join(chunks), response.headers.get("content-type", ""), 200
            except httpx.TimeoutException:
                raise FetchError(url, f"timed out after {self.policy.timeout} s") from None
            except httpx.HTTPError as exc:
                raise FetchError(url, f"{type(exc).__name__}: {exc}") from None
        raise FetchError(url, f"more than {self.policy.max_redirects} redirects")
