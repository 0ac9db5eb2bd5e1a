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
