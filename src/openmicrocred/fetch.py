"""Bounded, policy-checked HTTP fetching: connections only to addresses the policy allows.

openmicrocred is offline unless the caller hands it a client. When it has one, every fetch
(DID documents, controller documents, JWK sets, status lists, credentials by URL) goes
through a :class:`Fetcher`, which enforces a :class:`FetchPolicy`: https only (plain http
only to loopback, and only when allowed, for tests), no private-network addresses unless
allowed, a time limit, a size cap and a redirect limit, each redirect re-checked. Responses
are cached for a TTL. Local copies (``resources``) answer URLs without any network, for
air-gapped verifiers. Every answer is recorded in :attr:`Fetcher.log`.

The address check cannot be raced by DNS rebinding: the fetcher's own httpcore network
backend resolves the host name once per connection, checks every address it got, and
connects to one of those very addresses (a numeric address, never resolved again). TLS still
uses the host name, for SNI and certificate verification, and the ``Host`` header names it.
Connections are not kept alive, so every request is made over a freshly checked connection.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin, urlsplit

from .errors import FetchError

if TYPE_CHECKING:  # httpx and httpcore are imported only when something is fetched
    import ssl

    import httpcore
    import httpx

__all__ = ["FetchPolicy", "FetchRecord", "Fetcher"]


@dataclass(frozen=True)
class FetchPolicy:
    """What the fetcher may do.

    :param timeout: seconds for the whole request (connect, read).
    :param max_bytes: largest response body accepted.
    :param max_redirects: redirects followed, each checked against this policy.
    :param allow_loopback: allow this host: 127.0.0.0/8, ``::1``, their IPv4-mapped forms
        (``::ffff:127.0.0.1``) and the unspecified ``0.0.0.0`` and ``::`` (which reach this
        host too); plain http is fetched only from such addresses, and only then. For tests.
    :param allow_private: allow every other non-public address: private networks
        (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, so cloud metadata
        services, and fe80::/10), shared CGNAT space (100.64/10), multicast, reserved and
        documentation ranges. An IPv6 address embedding an IPv4 one (IPv4-mapped, 6to4,
        NAT64 64:ff9b::/96) is judged by the IPv4 address.
    :param cache_ttl: seconds a successful response is reused (0 disables the cache).

    A host name is fetched only if *every* address it resolves to is allowed: one forbidden
    address refuses the host, rather than silently using the others.
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
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NOT_FOR_THE_NETWORK = ("transport", "mounts", "proxy", "proxies")


def _system_resolve(host: str) -> list[str]:
    import socket  # only when a host name is resolved for a network fetch

    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


class _Refused(Exception):  # noqa: N818 (internal: raised by the connection guard)
    """The connection guard refused an address; becomes a :class:`FetchError`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _parse_address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return None


def _kind(address: Address) -> Literal["public", "loopback", "private"]:
    """Where ``address`` leads: this host, a non-public network, or the internet."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return _kind(embedded)
        if address.is_site_local:
            return "private"
    if address.is_loopback or address.is_unspecified:
        return "loopback"
    if (
        not address.is_global
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
    ):
        return "private"
    return "public"


def _target(url: str) -> tuple[str, str]:
    """The host and scheme of ``url``, if the fetcher fetches that kind of URL at all."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise FetchError(url, "not an absolute http(s) URL")
    if parts.scheme not in ("http", "https"):
        raise FetchError(url, "only https URLs are fetched")
    return parts.hostname, parts.scheme


def _tls_context(client: httpx.Client, url: str) -> ssl.SSLContext:
    """The TLS settings of the caller's client (``verify=``, ``cert=``), for the guarded
    connections. httpx does not expose them, so they are read from its default transport."""
    import ssl

    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    context = getattr(pool, "_ssl_context", None)
    if isinstance(context, ssl.SSLContext):
        return context
    raise FetchError(
        url,
        "cannot guard this client's connections (its transport is not httpx's own): use "
        "Fetcher.networked(), or an httpx.Client without a custom transport",
    )


def _guarded_transport(context: ssl.SSLContext, vet: Resolve) -> httpx.HTTPTransport:
    """An httpx transport whose every connection goes to an address ``vet`` returned.

    ``vet(host)`` resolves ``host`` once and returns its addresses if the policy allows all
    of them (it raises otherwise). The backend connects to those numeric addresses only;
    httpcore still starts TLS with the host name (SNI, certificate check).
    """
    import httpcore
    import httpx

    class GuardedBackend(httpcore.SyncBackend):
        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
        ) -> httpcore.NetworkStream:
            failure = httpcore.ConnectError(f"no address to connect to for {host}")
            for address in vet(host):
                try:
                    return super().connect_tcp(
                        address, port, timeout, local_address, socket_options
                    )
                except httpcore.ConnectError as exc:
                    failure = exc
            raise failure

        def connect_unix_socket(
            self,
            path: str,
            timeout: float | None = None,
            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
        ) -> httpcore.NetworkStream:
            raise httpcore.ConnectError("the fetcher does not use Unix sockets")

    transport = httpx.HTTPTransport(verify=context, trust_env=False)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context,
        max_keepalive_connections=0,  # each request on a connection checked just now
        network_backend=GuardedBackend(),
    )
    return transport


@dataclass
class Fetcher:
    """Fetches documents under a :class:`FetchPolicy`.

    :param client: the ``httpx.Client`` to use; ``None`` means offline (only ``resources``).
        :meth:`networked` makes a fetcher whose client is created on its first network fetch.
    :param policy: limits and address rules.
    :param resources: URL -> bytes answered locally, never over the network.
    :param resolve_host: host name -> addresses (the system resolver by default); used both
        for :meth:`check_url` and for the connections themselves.

    The client builds each request (its headers and cookies go along) and lends its TLS
    settings (``verify=``, ``cert=``), but never opens a connection itself: the fetcher
    sends every request through its own guarded transport, which resolves the host once,
    checks every address against the policy and connects only to a checked address, over
    HTTP/1.1. So the client's transport, mounts and proxies (from the environment too) are
    not used: a proxy would resolve and connect where no check could follow. A client with
    a custom transport is refused, as its TLS settings cannot be read.
    """

    client: httpx.Client | None = None
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    resources: Mapping[str, bytes] = field(default_factory=dict)
    resolve_host: Resolve = _system_resolve
    log: list[FetchRecord] = field(default_factory=list)
    _cache: dict[str, tuple[float, bytes, str]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _connect: Callable[[], httpx.Client] | None = field(default=None, repr=False)
    _transports: dict[str, httpx.HTTPTransport] = field(default_factory=dict, repr=False)

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
            ``transport``, ``mounts`` and ``proxy`` are refused (``TypeError``): the fetcher
            connects only to addresses it checked itself.
        """
        refused = sorted(set(client_options) & set(_NOT_FOR_THE_NETWORK))
        if refused:
            raise TypeError(
                f"Fetcher.networked() does not take {', '.join(refused)}: the fetcher "
                "connects only to addresses it checked itself"
            )

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
        """Close the client this fetcher created (a client handed in is the caller's) and
        the fetcher's guarded transports."""
        with self._lock:
            client, owned = self.client, self._connect is not None
            if owned:
                self.client = None
            transports = list(self._transports.values())
            self._transports.clear()
        for transport in transports:
            transport.close()
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

    def _transport(self, client: httpx.Client, scheme: str, url: str) -> httpx.HTTPTransport:
        """The guarded transport for ``scheme`` (plain http has the stricter address rule)."""
        with self._lock:
            transport = self._transports.get(scheme)
        if transport is None:
            fresh = _guarded_transport(_tls_context(client, url), lambda h: self._vet(h, scheme))
            with self._lock:
                transport = self._transports.setdefault(scheme, fresh)
        return transport

    def _record(self, record: FetchRecord) -> None:
        with self._lock:
            self.log.append(record)

    def _vet(self, host: str, scheme: str) -> list[str]:
        """Resolve ``host`` once and return its addresses, if the policy allows every one
        of them for ``scheme``; raise :class:`_Refused` otherwise."""
        if _parse_address(host) is not None:
            found = [host]
        else:
            try:
                found = list(dict.fromkeys(self.resolve_host(host)))
            except OSError as exc:
                raise _Refused(f"cannot resolve host: {exc}") from None
        parsed = [_parse_address(a) for a in found]
        if not found or None in parsed:
            raise _Refused(f"cannot resolve host: no usable address in {found}")
        kinds = [_kind(a) for a in parsed if a is not None]
        if scheme == "http" and not (
            self.policy.allow_loopback and all(k == "loopback" for k in kinds)
        ):
            raise _Refused("only https URLs are fetched")
        for address, kind in zip(found, kinds, strict=True):
            if kind == "loopback" and not self.policy.allow_loopback:
                raise _Refused(f"refusing to fetch from a loopback address ({address})")
            if kind == "private" and not self.policy.allow_private:
                raise _Refused(f"refusing to fetch from private address {address}")
        return found

    def check_url(self, url: str) -> None:
        """Raise :class:`FetchError` if the policy forbids fetching ``url`` now.

        This resolves the host itself; a fetch does not rely on it, but checks again the
        addresses it connects to, so a host that resolves differently later is still caught.
        """
        host, scheme = _target(url)
        try:
            self._vet(host, scheme)
        except _Refused as exc:
            raise FetchError(url, exc.reason) from None

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
        client = self._client()
        assert client is not None
        current = url
        for _ in range(self.policy.max_redirects + 1):
            outcome = self._hop(client, url, current, accept)
            if isinstance(outcome, str):
                current = urljoin(current, outcome)
                continue
            return outcome
        raise FetchError(url, f"more than {self.policy.max_redirects} redirects")

    def _hop(
        self, client: httpx.Client, url: str, current: str, accept: str
    ) -> str | tuple[bytes, str, int]:
        """One request: a redirect's ``Location``, or the body, its type and status."""
        import httpx

        _, scheme = _target(current)
        deadline = time.monotonic() + self.policy.timeout
        try:
            request = client.build_request(
                "GET", current, headers={"Accept": accept}, timeout=self.policy.timeout
            )
            response = self._transport(client, scheme, current).handle_request(request)
            response.request = request
            try:
                return self._read(response, url, deadline)
            finally:
                response.close()
        except _Refused as exc:
            raise FetchError(current, exc.reason) from None
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {self.policy.timeout} s") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from None

    def _read(
        self, response: httpx.Response, url: str, deadline: float
    ) -> str | tuple[bytes, str, int]:
        if response.is_redirect:
            location = response.headers.get("location")
            if not location:
                raise FetchError(url, "redirect without a Location header")
            return str(location)
        if response.status_code != 200:
            raise FetchError(url, f"HTTP status {response.status_code}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.policy.max_bytes:
                raise FetchError(url, f"response larger than {self.policy.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise FetchError(url, f"took longer than {self.policy.timeout} s")
            chunks.append(chunk)
        return b"".join(chunks), response.headers.get("content-type", ""), 200
