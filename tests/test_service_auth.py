"""Who may do what: OAuth2 client credentials in front of issuing and status changes
(issue 13), tested against the service as it runs (uvicorn on 127.0.0.1)."""

from __future__ import annotations

import base64
import json
import logging
import stat
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmicrocred.cli import main
from openmicrocred.service import Settings, create_app
from openmicrocred.service.clients import ClientStore
from serving import free_port, running

from conftest import SPEC, load

TOKEN = "/oauth2/token"
GRANT = {"grant_type": "client_credentials"}


class Clock:
    """Seconds since the epoch, moved on by the tests."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class Running:
    def __init__(self, base: str, data: Path, issuer: str, clock: Clock, store: ClientStore):
        self.base, self.data, self.issuer, self.clock = base, data, issuer, clock
        self.store = store
        self.http = httpx.Client(base_url=base, timeout=30)

    def client(self, *scopes: str) -> tuple[str, str]:
        client, secret = self.store.add(list(scopes), name="test")
        return client.id, secret

    def token(self, client_id: str, secret: str, **form: str) -> httpx.Response:
        return self.http.post(TOKEN, data={**GRANT, **form}, auth=(client_id, secret))

    def bearer(self, *scopes: str) -> dict[str, str]:
        answer = self.token(*self.client(*scopes))
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def issue(self, headers: dict[str, str] | None = None) -> httpx.Response:
        credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
        credential["issuer"]["id"] = self.issuer
        credential["id"] = f"urn:uuid:{uuid.uuid4()}"
        return self.http.post(
            "/credentials/issue", json={"credential": credential}, headers=headers or {}
        )

    def status(self, credential_id: str, headers: dict[str, str] | None = None) -> httpx.Response:
        change = {"credentialId": credential_id, "credentialStatus": [{"status": "revoked"}]}
        return self.http.post("/credentials/status", json=change, headers=headers or {})


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    data = tmp_path_factory.mktemp("auth") / "data"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    clock = Clock()
    app = create_app(Settings(data_dir=data, base_url=base, token_ttl_s=600), clock=clock)
    # log_config=None: uvicorn's records (the access log too) reach the root logger, and
    # so caplog, which checks that no secret is ever logged.
    with running(app, port, log_level="debug", log_config=None):
        state = app.state.service
        served = Running(base, data, state.issuer_id, clock, state.clients)
        try:
            yield served
        finally:
            served.http.close()


def _assert_401(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


def test_no_token_is_401(service: Running) -> None:
    _assert_401(service.issue())
    _assert_401(service.status("urn:uuid:nobody"))
    # refused before the body is read: a bad body without a token is still 401
    _assert_401(service.http.post("/credentials/issue", json={}))
    assert service.issue().headers["www-authenticate"] == "Bearer"


def test_a_bad_token_is_401(service: Running) -> None:
    for value in ("Bearer not-a-token", "Bearer", "Basic dXNlcjpwYXNz", "token"):
        response = service.issue({"Authorization": value})
        _assert_401(response)
    assert (
        'error="invalid_token"'
        in service.issue({"Authorization": "Bearer x"}).headers["www-authenticate"]
    )


def test_an_expired_token_is_401(service: Running) -> None:
    headers = service.bearer("issue")
    assert service.issue(headers).status_code == 201
    service.clock.now += 601
    try:
        _assert_401(service.issue(headers))
    finally:
        service.clock.now -= 601
    fresh = service.bearer("issue")
    assert service.issue(fresh).status_code == 201


def test_the_wrong_scope_is_403(service: Running) -> None:
    only_status = service.bearer("status")
    refused = service.issue(only_status)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert 'error="insufficient_scope"' in refused.headers["www-authenticate"]
    assert "issue" in refused.json()["detail"]
    issued = service.issue(service.bearer("issue")).json()["verifiableCredential"]
    only_issue = service.bearer("issue", "admin")
    assert service.status(issued["id"], only_issue).status_code == 403
    assert service.status(issued["id"], only_status).status_code == 200


def test_a_token_can_ask_for_fewer_scopes(service: Running) -> None:
    answer = service.token(*service.client("issue", "status"), scope="status")
    assert answer.json()["scope"] == "status"
    headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    assert service.issue(headers).status_code == 403


def test_basic_and_form_authentication_both_work(service: Running) -> None:
    client_id, secret = service.client("issue")
    basic = service.token(client_id, secret)
    assert basic.status_code == 200, basic.text
    body = basic.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    assert body["scope"] == "issue"
    assert basic.headers["cache-control"] == "no-store"
    assert basic.headers["content-type"] == "application/json"
    form = {**GRANT, "client_id": client_id, "client_secret": secret, "audience": "undefined"}
    by_form = service.http.post(TOKEN, data=form)
    assert by_form.status_code == 200, by_form.text
    assert by_form.json()["access_token"] != body["access_token"]
    for token in (body["access_token"], by_form.json()["access_token"]):
        assert service.issue({"Authorization": f"Bearer {token}"}).status_code == 201


def _token_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_token_endpoint_errors(service: Running) -> None:
    client_id, secret = service.client("issue")
    wrong = service.token(client_id, secret + "x")
    _token_error(wrong, 401, "invalid_client")
    assert wrong.headers["www-authenticate"].startswith("Basic")
    _token_error(service.token("omc-nobody", secret), 401, "invalid_client")
    _token_error(service.http.post(TOKEN, data=GRANT), 401, "invalid_client")
    broken = {"Authorization": "Basic !!!", "Content-Type": "application/x-www-form-urlencoded"}
    _token_error(
        service.http.post(TOKEN, content=b"grant_type=client_credentials", headers=broken),
        401,
        "invalid_client",
    )
    grant = {"grant_type": "password"}
    _token_error(service.token(client_id, secret, **grant), 400, "unsupported_grant_type")
    _token_error(service.token(client_id, secret, scope="issue teleport"), 400, "invalid_scope")
    _token_error(service.token(client_id, secret, scope="status"), 400, "invalid_scope")
    as_json = service.http.post(TOKEN, json=GRANT, auth=(client_id, secret))
    _token_error(as_json, 400, "invalid_request")
    missing = service.http.post(TOKEN, data={"scope": "issue"}, auth=(client_id, secret))
    _token_error(missing, 400, "invalid_request")
    both = {**GRANT, "client_id": client_id, "client_secret": secret}
    twice = service.http.post(TOKEN, data=both, auth=(client_id, secret))
    _token_error(twice, 400, "invalid_request")


def test_a_revoked_clients_tokens_stop_working(
    service: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id, secret = service.client("issue")
    token = service.token(client_id, secret).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert service.issue(headers).status_code == 201
    assert main(["clients", "revoke", "--data", str(service.data), client_id]) == 0
    assert "revoked" in capsys.readouterr().out
    _assert_401(service.issue(headers))
    _token_error(service.token(client_id, secret), 401, "invalid_client")
    assert main(["clients", "revoke", "--data", str(service.data), "omc-nobody"]) == 2
    listed = [c for c in service.store.clients() if c.id == client_id]
    assert listed
    assert not listed[0].active


def test_secrets_never_appear_in_answers_logs_or_lists(
    service: Running, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(service.data)
    assert main(["clients", "add", "--data", data, "--scope", "issue", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    client_id, secret = made["client_id"], made["client_secret"]
    assert made["scope"] == "issue"
    with caplog.at_level(logging.DEBUG):
        answers = [
            service.token(client_id, secret),
            service.token(client_id, secret + "x"),
            service.http.post(
                TOKEN, data={**GRANT, "client_id": client_id, "client_secret": secret}
            ),
        ]
        token = answers[0].json()["access_token"]
        answers.append(service.issue({"Authorization": f"Bearer {token}"}))
        answers.append(service.http.get("/"))
        answers.append(service.http.get("/openapi.json"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /oauth2/token" in logged  # the access log was captured
    assert main(["clients", "list", "--data", data]) == 0
    listing = capsys.readouterr().out
    assert client_id in listing
    stored = (service.data / "clients.sqlite").read_bytes()
    for text in (*(a.text for a in answers[1:]), logged, listing):
        assert secret not in text
        assert token not in text
    assert secret.encode() not in stored
    assert token.encode() not in stored


def test_the_client_store_is_private(service: Running) -> None:
    assert stat.S_IMODE((service.data / "clients.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE(service.data.stat().st_mode) == 0o700


def test_verification_and_public_pages_stay_open(service: Running) -> None:
    issued = service.issue(service.bearer("issue")).json()["verifiableCredential"]
    verified = service.http.post("/credentials/verify", json={"verifiableCredential": issued})
    assert verified.status_code == 200, verified.text
    listed = service.http.get(issued["credentialStatus"]["statusListCredential"])
    assert listed.status_code == 200
    for path in ("/", "/docs", "/openapi.json"):
        assert service.http.get(path).status_code == 200
    presented = service.http.post("/presentations/verify", json={"verifiablePresentation": {}})
    assert presented.status_code in (400, 422)


def test_openapi_shows_the_client_credentials_flow(service: Running) -> None:
    spec = service.http.get("/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["oauth2"]
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == TOKEN
    assert set(flow["scopes"]) == {"issue", "status", "definitions", "assessments", "admin"}
    assert spec["paths"]["/credentials/issue"]["post"]["security"] == [{"oauth2": ["issue"]}]
    assert spec["paths"]["/credentials/status"]["post"]["security"] == [{"oauth2": ["status"]}]
    assert "security" not in spec["paths"]["/credentials/verify"]["post"]


def test_the_clients_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "new")
    assert main(["clients", "list", "--data", data]) == 0
    assert "no clients" in capsys.readouterr().out
    args = ["clients", "add", "--data", data, "--scope", "issue", "--scope", "status"]
    assert main([*args, "--name", "LMS"]) == 0
    shown = capsys.readouterr().out
    client_id = shown.split("client_id:")[1].split()[0]
    secret = shown.split("client_secret:")[1].split()[0]
    store = ClientStore(tmp_path / "new" / "clients.sqlite")
    assert store.authenticate(client_id, secret) is not None
    assert store.authenticate(client_id, "wrong") is None
    assert main(["clients", "list", "--data", data]) == 0
    listing = capsys.readouterr().out
    assert "LMS" in listing
    assert "scope=issue status" in listing
    assert secret not in listing
    assert main(["clients", "add", "--data", data, "--scope", "everything"]) == 2
    assert main(["clients", "add", "--data", data]) == 2
    assert "unknown scope" in capsys.readouterr().err


def test_basic_credentials_are_form_decoded(service: Running) -> None:
    client_id, secret = service.client("issue")
    pair = f"{client_id}:{secret}".replace("-", "%2D").encode()
    headers = {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    answer = service.http.post(TOKEN, data=GRANT, headers=headers)
    assert answer.status_code == 200, answer.text
