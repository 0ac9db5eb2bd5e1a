from __future__ import annotations

from typing import Any

import httpx
import pytest

from httpserver import Route
from openmicrocred.errors import FetchError
from openmicrocred.fetch import Fetcher, FetchPolicy


def test_fetches_over_loopback_https(https_server: Any, online_fetcher: Fetcher) -> None:
    https_server.routes["/doc.json"] = Route(b'{"ok": true}')
    url = https_server.url("/doc.json")
    assert online_fetcher.get_json(url) == {"ok": True}
    assert online_fetcher.get_json(url) == {"ok": True}  # cached
    assert https_server.hits == ["/doc.json"]
    assert [r.source for r in online_fetcher.log] == ["network", "cache"]


def test_size_cap_redirects_and_status(https_server: Any, online_fetcher: Fetcher) -> None:
    https_server.routes["/big"] = Route(b"x" * 60_000)
    with pytest.raises(FetchError, match="larger than 50000"):
        online_fetcher.get(https_server.url("/big"))
    for i in range(5):
        https_server.routes[f"/r{i}"] = Route(b"", status=302, headers={"Location": f"/r{i + 1}"})
    https_server.routes["/r5"] = Route(b"{}")
    with pytest.raises(FetchError, match="more than 3 redirects"):
        online_fetcher.get(https_server.url("/r0"))
    assert online_fetcher.get_json(https_server.url("/r3")) == {}
    with pytest.raises(FetchError, match="HTTP status 404"):
        online_fetcher.get(https_server.url("/missing"))
    https_server.routes["/text"] = Route(b"not json", content_type="text/plain")
    with pytest.raises(FetchError, match="not JSON"):
        online_fetcher.get_json(https_server.url("/text"))


def test_networked_fetcher_connects_on_first_network_fetch(https_server: Any) -> None:
    import ssl

    https_server.routes["/doc.json"] = Route(b'{"ok": true}')
    context = ssl.create_default_context(cafile=str(https_server.ca_file))
    local = {"https://issuer.example/list": b"{}"}
    with Fetcher.networked(FetchPolicy(allow_loopback=True), local, verify=context) as fetcher:
        assert fetcher.online
        assert fetcher.get_json("https://issuer.example/list") == {}
        assert fetcher.client is None  # a local answer needs no client
        assert fetcher.get_json(https_server.url("/doc.json")) == {"ok": True}
        client = fetcher.client
        assert client is not None
    assert client.is_closed
    assert fetcher.client is None


def test_closing_leaves_a_callers_client_open() -> None:
    with httpx.Client() as client:
        Fetcher(client).close()
        assert not client.is_closed


def test_timeout_is_enforced(https_server: Any) -> None:
    import ssl

    https_server.routes["/slow"] = Route(b"{}", delay=1.5)
    context = ssl.create_default_context(cafile=str(https_server.ca_file))
    with httpx.Client(verify=context) as client:
        fetcher = Fetcher(client, FetchPolicy(allow_loopback=True, timeout=0.3))
        with pytest.raises(FetchError, match="timed out"):
            fetcher.get(https_server.url("/slow"))


def test_policy_refusals() -> None:
    with httpx.Client() as client:
        strict = Fetcher(client, FetchPolicy(), resolve_host=lambda host: ["93.184.216.34"])
        with pytest.raises(FetchError, match="only https"):
            strict.get("http://example.org/x")
        with pytest.raises(FetchError, match="only https"):
            strict.get("ftp://example.org/x")
        with pytest.raises(FetchError, match="loopback"):
            strict.get("https://127.0.0.1/x")
        private = Fetcher(client, FetchPolicy(), resolve_host=lambda host: ["10.1.2.3"])
        with pytest.raises(FetchError, match="private address"):
            private.get("https://intranet.example/x")
        link_local = Fetcher(client, FetchPolicy(), resolve_host=lambda host: ["169.254.169.254"])
        with pytest.raises(FetchError, match="private address"):
            link_local.get("https://metadata.example/x")


def test_offline_and_local_resources() -> None:
    offline = Fetcher(resources={"https://issuer.example/status/1": b'{"local": 1}'})
    assert not offline.online
    assert offline.get_json("https://issuer.example/status/1") == {"local": 1}
    with pytest.raises(FetchError, match="offline"):
        offline.get("https://issuer.example/other")
    assert next((r.url, r.source) for r in offline.log) == (
        "https://issuer.example/status/1",
        "local",
    )


# DNS rebinding: the connection goes to the address that was checked, never re-resolved.

PUBLIC = "93.184.216.34"


class ScriptedDNS:
    """Stands in for ``socket.getaddrinfo``: each lookup of a host name takes the next
    answer of the script (the last one repeats), as a rebinding DNS server would answer.
    Numeric hosts go to the real function: no DNS server can change what they mean."""

    def __init__(self, *answers: list[str]) -> None:
        import socket

        self.answers = list(answers)
        self.lookups: list[str] = []
        self.real = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        import ipaddress
        import socket

        try:
            ipaddress.ip_address(str(host).split("%")[0])
        except ValueError:
            pass
        else:
            return list(self.real(host, port, *args, **kwargs))
        self.lookups.append(str(host))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0))
            for a in answer
        ]


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection attempt; only loopback ones are really made (no internet)."""
    import socket

    real = socket.create_connection
    targets: list[tuple[str, int]] = []

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        targets.append((address[0], address[1]))
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError("the tests never leave this host")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return targets


@pytest.fixture
def named_server(tmp_path: Any) -> Any:
    from httpserver import serve

    with serve(tmp_path, dns_names=("badge.test",)) as server:
        yield server


def _client_for(server: Any) -> httpx.Client:
    import ssl

    return httpx.Client(verify=ssl.create_default_context(cafile=str(server.ca_file)))


def test_a_rebinding_answer_is_never_connected_to(
    monkeypatch: pytest.MonkeyPatch, connects: list[tuple[str, int]]
) -> None:
    import socket

    dns = ScriptedDNS([PUBLIC], ["127.0.0.1"], [PUBLIC], ["169.254.169.254"])
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    with httpx.Client() as client:
        fetcher = Fetcher(client, FetchPolicy(cache_ttl=0))
        fetcher.check_url("https://rebind.test/did.json")  # the first answer is public
        with pytest.raises(FetchError, match="loopback"):  # the connection's is not
            fetcher.get("https://rebind.test/did.json")
        assert connects == []
        with pytest.raises(FetchError, match="ConnectError"):  # public: connected to that
            fetcher.get("https://rebind.test/did.json")
        with pytest.raises(FetchError, match=r"private address 169\.254\.169\.254"):
            fetcher.get("https://rebind.test/did.json")
    assert connects == [(PUBLIC, 443)]
    assert dns.lookups == ["rebind.test"] * 4  # one lookup per check, one per connection


def test_the_connection_goes_to_the_checked_address_under_the_host_name(
    monkeypatch: pytest.MonkeyPatch, named_server: Any, connects: list[tuple[str, int]]
) -> None:
    import socket

    dns = ScriptedDNS(["127.0.0.1"], ["10.9.8.7"])
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    named_server.routes["/doc.json"] = Route(b'{"ok": true}')
    port = int(named_server.base.rsplit(":", 1)[1])
    url = f"https://badge.test:{port}/doc.json"
    with _client_for(named_server) as client:
        fetcher = Fetcher(client, FetchPolicy(allow_loopback=True, cache_ttl=0))
        assert fetcher.get_json(url) == {"ok": True}
        assert connects == [("127.0.0.1", port)]
        # TLS and HTTP still name the host: SNI, certificate check (badge.test), Host header
        assert named_server.sni == ["badge.test"]
        assert named_server.hosts == [f"badge.test:{port}"]
        with pytest.raises(FetchError, match=r"private address 10\.9\.8\.7"):
            fetcher.get_json(url)
    assert dns.lookups == ["badge.test", "badge.test"]
    assert connects == [("127.0.0.1", port)]
    assert named_server.hits == ["/doc.json"]


def test_a_host_with_any_forbidden_address_is_refused(connects: list[tuple[str, int]]) -> None:
    with httpx.Client() as client:
        mixed = Fetcher(client, resolve_host=lambda host: [PUBLIC, "10.0.0.5"])
        with pytest.raises(FetchError, match=r"private address 10\.0\.0\.5"):
            mixed.check_url("https://mixed.example/x")
        with pytest.raises(FetchError, match=r"private address 10\.0\.0\.5"):
            mixed.get("https://mixed.example/x")
        local = Fetcher(
            client,
            FetchPolicy(allow_loopback=True),
            resolve_host=lambda host: ["127.0.0.1", "169.254.169.254"],
        )
        with pytest.raises(FetchError, match=r"private address 169\.254\.169\.254"):
            local.get("https://local.example/x")
        with pytest.raises(FetchError, match="only https"):  # plain http: all loopback
            Fetcher(
                client,
                FetchPolicy(allow_loopback=True, allow_private=True),
                resolve_host=lambda host: ["127.0.0.1", PUBLIC],
            ).get("http://half.example/x")
        with pytest.raises(FetchError, match="cannot resolve"):
            Fetcher(client, resolve_host=lambda host: []).get("https://nowhere.example/x")
    assert connects == []


LOOPBACK_LIKE = ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "0.0.0.0", "::"]
PRIVATE_LIKE = [
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.2.1",
    "fe80::1",
    "fe80::1%1",
    "fc00::1",
    "fec0::1",
    "ff02::1",
    "::127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",
    "2002:a00:1::",
    "2001:db8::1",
]
PUBLIC_LIKE = [PUBLIC, "2606:4700:4700::1111", "::ffff:93.184.216.34", "64:ff9b::5db8:d822"]


def _url_for(address: str) -> str:
    return (
        f"https://[{address.replace('%', '%25')}]/x" if ":" in address else f"https://{address}/x"
    )


@pytest.mark.parametrize("address", LOOPBACK_LIKE + PRIVATE_LIKE)
def test_non_public_addresses_are_refused(address: str, connects: list[tuple[str, int]]) -> None:
    with httpx.Client() as client:
        fetcher = Fetcher(client, resolve_host=lambda host: [address])
        for url in ("https://named.example/x", _url_for(address)):
            with pytest.raises(FetchError, match=r"loopback|private address"):
                fetcher.check_url(url)
            with pytest.raises(FetchError, match=r"loopback|private address"):
                fetcher.get(url)
    assert connects == []


@pytest.mark.parametrize("address", LOOPBACK_LIKE + PRIVATE_LIKE + PUBLIC_LIKE)
def test_addresses_allowed_by_the_policy(address: str) -> None:
    loopback = FetchPolicy(allow_loopback=True)
    private = FetchPolicy(allow_private=True)
    policies = (
        [loopback]
        if address in LOOPBACK_LIKE
        else [private]
        if address in PRIVATE_LIKE
        else [FetchPolicy(), loopback, private]
    )
    for policy in policies:
        fetcher = Fetcher(policy=policy, resolve_host=lambda host: [address])
        fetcher.check_url("https://named.example/x")
        fetcher.check_url(_url_for(address))
    if address in PRIVATE_LIKE:  # allowing loopback is not allowing private networks
        with pytest.raises(FetchError, match="private address"):
            Fetcher(policy=loopback, resolve_host=lambda host: [address]).check_url(
                "https://named.example/x"
            )


def test_proxies_are_never_used(
    monkeypatch: pytest.MonkeyPatch, https_server: Any, connects: list[tuple[str, int]]
) -> None:
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    https_server.routes["/doc.json"] = Route(b"{}")
    with _client_for(https_server) as client:
        fetcher = Fetcher(client, FetchPolicy(allow_loopback=True))
        assert fetcher.get_json(https_server.url("/doc.json")) == {}
    assert https_server.hits == ["/doc.json"]
    assert [port for _, port in connects] == [int(https_server.base.rsplit(":", 1)[1])]
    for option in ("proxy", "transport", "mounts"):
        options: dict[str, Any] = {option: None}
        with pytest.raises(TypeError, match=option):
            Fetcher.networked(**options)


def test_a_client_with_a_custom_transport_is_refused() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={})

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(FetchError, match="cannot guard"),
    ):
        Fetcher(client).get(f"https://{PUBLIC}/x")
    assert calls == []
