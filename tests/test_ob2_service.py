"""``POST /ob2/upgrade`` over HTTP on a real server (uvicorn on 127.0.0.1): hosted and signed
OB 2.0 badges re-issued as OB 3.0 credentials or one CLR that the service then verifies; a
badge that does not verify, one the fetch policy may not fetch, one that is not OB 2.0, and a
request without a token are refused with the reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmicrocred.keys import RSAKey
from openmicrocred.ob2.upgrade import OB2_ASSERTION_TYPE
from openmicrocred.service import Settings, create_app
from serving import free_port, running
from test_ob2_verify import _assertion, _hosted, _jws, _publish, _signed_setup

VECTORS = Path(__file__).parent / "vectors" / "ob2"
PATH = "/ob2/upgrade"


class Site:
    """An OB 2.0 issuer's site that the service is given as ``documents`` (it has no host)."""

    def __init__(self) -> None:
        self.routes: dict[str, Any] = {}

    @staticmethod
    def url(path: str) -> str:
        return "https://badges.example.org" + path

    def documents(self) -> dict[str, Any]:
        return {self.url(p): json.loads(r.body) for p, r in self.routes.items()}


class Service:
    def __init__(self, base: str, state: Any) -> None:
        self.state = state
        self.http = httpx.Client(base_url=base, timeout=60)
        client, secret = state.clients.add(["issue"], name="ob2-test")
        answer = self.http.post(
            "/oauth2/token", data={"grant_type": "client_credentials"}, auth=(client.id, secret)
        )
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def upgrade(self, **body: Any) -> httpx.Response:
        return self.http.post(PATH, json=body, headers=self.headers)

    def verify(self, credential: dict[str, Any]) -> httpx.Response:
        return self.http.post("/credentials/verify", json={"verifiableCredential": credential})


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=tmp_path_factory.mktemp("ob2-service"), base_url=base)
    app = create_app(settings)
    with running(app, port):
        served = Service(base, app.state.service)
        try:
            yield served
        finally:
            served.http.close()


def _hosted_site() -> tuple[Site, dict[str, Any]]:
    site = Site()
    _hosted(site)
    return site, _assertion(site)


def test_a_hosted_badge_is_brought_forward_and_verifies(service: Service) -> None:
    site, assertion = _hosted_site()
    answer = service.upgrade(assertions=[assertion], documents=site.documents())
    assert answer.status_code == 201, answer.text
    [credential] = answer.json()["verifiableCredentials"]
    assert credential["issuer"]["id"] == service.state.default.issuer_id
    [origin] = [e for e in credential["evidence"] if OB2_ASSERTION_TYPE in e["type"]]
    assert origin["id"] == assertion["id"]
    assert "SHA-256" in origin["description"]
    checked = service.verify(credential)
    assert checked.status_code == 200, checked.text
    assert checked.json()["verdict"] == "verified"


def test_signed_badges_in_a_clr(service: Service) -> None:
    key = RSAKey.generate()
    site = Site()
    token = _jws(_signed_setup(site, key), key)
    hosted = _assertion(site)  # the same issuer's hosted badge
    _publish(site, "/assertions/1", hosted)
    answer = service.upgrade(
        assertions=[token, hosted],
        documents=site.documents(),
        clr={"name": "Maker record", "learner": "did:example:alice"},
    )
    assert answer.status_code == 201, answer.text
    clr = answer.json()["verifiableCredential"]
    assert "ClrCredential" in clr["type"]
    assert clr["credentialSubject"]["id"] == "did:example:alice"
    assert len(clr["credentialSubject"]["verifiableCredential"]) == 2
    checked = service.verify(clr)
    assert checked.status_code == 200, checked.text
    assert [r["verdict"] for r in checked.json()["report"]["included"]] == ["verified"] * 2


def test_a_badge_that_does_not_verify_is_refused_with_the_reason(service: Service) -> None:
    # The spec's own example expired on 2017-06-30.
    names = {
        "https://example.org/beths-robotics-badge.json": "assertion-hosted.json",
        "https://example.org/robotics-badge.json": "badgeclass.json",
        "https://example.org/organization.json": "issuer.json",
        "https://example.org/revocationList.json": "revocation-list.json",
    }
    documents = {url: json.loads((VECTORS / n).read_text()) for url, n in names.items()}
    site, good = _hosted_site()
    documents |= site.documents()
    answer = service.upgrade(
        assertions=[good, documents["https://example.org/beths-robotics-badge.json"]],
        documents=documents,
    )
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["path"] == "$.assertions[1]"
    assert "expired on 2017-06-30" in error["message"]


def test_a_tampered_signed_badge_is_refused(service: Service) -> None:
    key = RSAKey.generate()
    site = Site()
    token = _jws(_signed_setup(site, key), key)
    head, _, signature = token.split(".")
    other = _assertion(site, "signed", id="urn:uuid:4b2ac2a6-0d5e-4c44-a2b4-9c1f0b0e1f10")
    other["recipient"]["identity"] = "mallory@example.org"
    forged = ".".join([head, _jws(other, key).split(".")[1], signature])
    answer = service.upgrade(assertions=[forged], documents=site.documents())
    assert answer.status_code == 422
    assert "does not verify with the issuer's key" in answer.json()["errors"][0]["message"]


def test_the_fetch_policy_applies(service: Service, https_server: Any) -> None:
    # A real HTTPS server, on a loopback address the service's fetch policy refuses.
    url = _hosted(https_server)
    answer = service.upgrade(assertions=[url])
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert "loopback" in error["message"]


def test_not_an_ob2_badge(service: Service) -> None:
    ob3 = json.loads(
        (Path(__file__).parent / "vectors/ob3-spec/ob3-basic.unsigned.json").read_text()
    )
    answer = service.upgrade(assertions=[ob3])
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"path": "$.assertions[0]", "message": "not an Open Badges 2.0 assertion"}
    ]


def test_needs_the_issue_scope_and_a_known_issuer(service: Service) -> None:
    site, assertion = _hosted_site()
    body = {"assertions": [assertion], "documents": site.documents()}
    assert service.http.post(PATH, json=body).status_code == 401
    answer = service.upgrade(**body, issuer="nobody")
    assert answer.status_code == 404
    assert service.upgrade(assertions=[]).status_code == 422


def test_upgraded_badges_are_kept_for_their_pages(service: Service) -> None:
    site, assertion = _hosted_site()
    answer = service.upgrade(assertions=[assertion], documents=site.documents())
    [credential] = answer.json()["verifiableCredentials"]
    assert service.state.credentials.get(credential["id"]) is not None
    assert datetime.fromisoformat(credential["validFrom"]) == datetime(2026, 1, 1, tzinfo=UTC)
