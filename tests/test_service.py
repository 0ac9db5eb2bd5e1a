"""The service as it runs: uvicorn on 127.0.0.1, real HTTP requests (issue 13)."""

from __future__ import annotations

import copy
import json
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmicrocred.keys import Ed25519Key
from openmicrocred.service import Settings, create_app
from openmicrocred.suites import add_proof
from serving import free_port, running

from conftest import SPEC, load

HOLDER = Ed25519Key.from_seed(bytes(range(1, 33)))
VC2 = "https://www.w3.org/ns/credentials/v2"


class Service:
    def __init__(self, base: str, issuer: str, data: Path) -> None:
        self.base, self.issuer, self.data = base, issuer, data
        self.http = httpx.Client(base_url=base, timeout=30)
        self.auth: dict[str, str] = {}

    def login(self, client_id: str, secret: str) -> None:
        """A bearer token for the issue and status calls (OAuth2 client credentials)."""
        answer = self.http.post(
            "/oauth2/token",
            data={"grant_type": "client_credentials", "scope": "issue status"},
            auth=(client_id, secret),
        )
        assert answer.status_code == 200, answer.text
        self.auth = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def issue(self, credential: dict[str, Any], **options: Any) -> httpx.Response:
        body = {"credential": credential, **options}
        return self.http.post("/credentials/issue", json=body, headers=self.auth)

    def status(self, change: dict[str, Any]) -> httpx.Response:
        return self.http.post("/credentials/status", json=change, headers=self.auth)

    def verify(self, credential: Any) -> httpx.Response:
        return self.http.post("/credentials/verify", json={"verifiableCredential": credential})


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    data = tmp_path_factory.mktemp("service") / "data"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(Settings(data_dir=data, base_url=base, max_body_bytes=100_000))
    with running(app, port):
        served = Service(base, app.state.service.issuer_id, data)
        client, secret = app.state.service.clients.add(["issue", "status"], name="tests")
        served.login(client.id, secret)
        try:
            yield served
        finally:
            served.http.close()


def _badge(service: Service) -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = service.issuer
    credential["credentialSubject"]["id"] = HOLDER.did
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"  # status is kept by credential id
    return credential


def _issued(service: Service, **options: Any) -> dict[str, Any]:
    response = service.issue(_badge(service), **options)
    assert response.status_code == 201, response.text
    vc: dict[str, Any] = response.json()["verifiableCredential"]
    return vc


def test_the_data_directory_is_created_with_a_private_key(service: Service) -> None:
    key = service.data / "issuer-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert Ed25519Key.load(key).did == service.issuer
    assert (service.data / "status.sqlite").is_file()
    assert service.http.get("/").json()["issuer"] == service.issuer
    assert service.http.get("/docs").status_code == 200
    assert "/credentials/issue" in service.http.get("/openapi.json").json()["paths"]


def test_issue_then_verify(service: Service) -> None:
    vc = _issued(service)
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert vc["credentialStatus"]["statusPurpose"] == "revocation"
    response = service.verify(vc)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["verified"] is True
    assert result["errors"] == []
    assert result["warnings"] == []
    assert "proof" in result["checks"]
    assert result["report"]["verdict"] == "verified"


@pytest.mark.parametrize(
    ("options", "expect"),
    [
        ({"cryptosuite": "eddsa-jcs-2022"}, "eddsa-jcs-2022"),
        ({"format": "jwt"}, "EnvelopedVerifiableCredential"),
    ],
)
def test_other_securing_options(service: Service, options: dict[str, Any], expect: str) -> None:
    vc = _issued(service, options=options)
    assert expect in (vc.get("type"), vc.get("proof", {}).get("cryptosuite"))
    response = service.verify(vc)
    assert response.status_code == 200, response.text


def test_a_tampered_credential_is_400_with_the_report(service: Service) -> None:
    vc = _issued(service)
    vc["credentialSubject"]["achievement"]["name"] = "Something else"
    response = service.verify(vc)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    result = response.json()
    assert result["verified"] is False
    assert result["report"]["verdict"] == "tampered"
    assert result["errors"]


def test_a_bad_credential_is_refused_naming_the_json_path(service: Service) -> None:
    credential = _badge(service)
    del credential["credentialSubject"]
    response = service.issue(credential)
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"
    assert "$.credentialSubject" in [e["path"] for e in response.json()["errors"]]


def test_the_issuer_must_be_the_services(service: Service) -> None:
    credential = _badge(service)
    credential["issuer"]["id"] = "did:example:someone-else"
    response = service.issue(credential)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "$.issuer"
    assert service.issue({**credential, "issuer": 42}).status_code == 422
    empty = service.http.post("/credentials/issue", json={"options": {}}, headers=service.auth)
    assert empty.status_code == 422


def test_revoke_then_verify_says_revoked(service: Service) -> None:
    vc = _issued(service)
    entry = vc["credentialStatus"]
    listed = service.http.get(entry["statusListCredential"].removeprefix(service.base))
    assert listed.status_code == 200
    assert listed.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert "max-age=300" in listed.headers["cache-control"]
    etag = listed.headers["etag"]
    change = {"credentialId": vc["id"], "credentialStatus": [{"type": "x", "status": "revoked"}]}
    response = service.status(change)
    assert response.status_code == 200, response.text
    assert response.json()["credentialStatus"][0]["set"] is True
    result = service.verify(vc).json()
    assert result["verified"] is False
    assert result["report"]["verdict"] == "revoked"
    again = service.http.get(listed.url.path, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.headers["etag"] != etag
    same = service.http.get(listed.url.path, headers={"If-None-Match": again.headers["etag"]})
    assert same.status_code == 304
    change["credentialStatus"] = [{"type": "x", "status": "active"}]
    assert service.status(change).status_code == 409
    unknown = {**change, "credentialId": "urn:uuid:nobody"}
    assert service.status(unknown).status_code == 404


def test_suspend_and_reinstate(service: Service) -> None:
    asked = {"type": "BitstringStatusListEntry", "statusPurpose": ["suspension"]}
    vc = _issued(service, options={"credentialStatus": asked})
    assert vc["credentialStatus"]["statusPurpose"] == "suspension"
    for status, verdict in (("suspended", "suspended"), ("active", "verified")):
        change = {"credentialId": vc["id"], "credentialStatus": [{"status": status}]}
        assert service.status(change).status_code == 200
        assert service.verify(vc).json()["report"]["verdict"] == verdict


def _presentation(vc: dict[str, Any], challenge: str) -> dict[str, Any]:
    vp = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.did,
        "verifiableCredential": [vc],
    }
    signed: dict[str, Any] = add_proof(
        vp, HOLDER, proof_purpose="authentication", challenge=challenge, domain="hr.example"
    )
    return signed


def test_presentations_verify(service: Service) -> None:
    vp = _presentation(_issued(service), "nonce-1")
    body = {
        "verifiablePresentation": vp,
        "options": {"challenge": "nonce-1", "domain": "hr.example"},
    }
    response = service.http.post("/presentations/verify", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True
    wrong = copy.deepcopy(body)
    wrong["options"]["challenge"] = "nonce-2"
    response = service.http.post("/presentations/verify", json=wrong)
    assert response.status_code == 400
    assert response.json()["verified"] is False


def test_bad_requests_get_clear_4xx(service: Service) -> None:
    big = service.http.post(
        "/credentials/verify",
        content=b'{"verifiableCredential": "' + b"a" * 200_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert big.status_code == 413
    assert "larger than" in big.json()["detail"]
    broken = service.http.post(
        "/credentials/verify",
        content=b'{"verifiableCredential": ',
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    assert "not valid JSON" in broken.json()["detail"]
    assert broken.headers["content-type"] == "application/problem+json"
    text = service.http.post(
        "/credentials/verify", content=b"hello", headers={"Content-Type": "text/plain"}
    )
    assert text.status_code == 415
    missing = service.http.get("/no/such/route")
    assert missing.status_code == 404
    assert missing.json()["status"] == 404
    assert service.http.get("/status/nothing.json").status_code == 404
    assert service.http.post("/credentials/verify", json={}).status_code == 422
    as_text = service.verify(json.dumps(_issued(service)))  # a string must be a VC-JWT
    assert as_text.status_code == 422


def test_chunked_oversized_body_is_413(service: Service) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"verifiableCredential": "'
        for _ in range(20):
            yield b"a" * 10_000
        yield b'"}'

    response = service.http.post(
        "/credentials/verify", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
