"""OpenID4VCI 1.0 pre-authorized code flow against the running service over TLS on
127.0.0.1: metadata, offers by value and by reference, token (with and without a
transaction code), nonce, credential with ``jwt`` key proofs, and every refusal the
specification names, each leaving the offer usable (nothing consumed, nothing issued).
The end-to-end test drives the independent ``@openid4vc/openid4vci`` client (tests/wallet).
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from httpserver import self_signed
from openmicrocred import Ed25519Key
from openmicrocred._encoding import b64url_encode
from openmicrocred.keys import P256Key
from openmicrocred.service import Settings, create_app
from openmicrocred.suites.vc_jwt import verify_jwt
from serving import free_port, running

from conftest import SPEC, load

ROOT = Path(__file__).resolve().parents[1]
WALLET = ROOT / "tests" / "wallet"
PRE = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
LDP = "OpenBadgeCredential_ldp_vc"
JWT = "OpenBadgeCredential_jwt_vc_json"
HOLDER = Ed25519Key.from_seed(bytes(range(32)))


class Clock:
    """The service's clock: real time plus an offset the expiry tests move."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


class Issuer:
    def __init__(self, base: str, http: httpx.Client, clock: Clock, cert: Path) -> None:
        self.base, self.http, self.clock, self.cert = base, http, clock, cert
        self.auth: dict[str, str] = {}
        self.issuer_id = ""
        self.state: Any = None

    def badge(self) -> str:
        """Issue a badge through the VC-API (subject: the learner's e-mail identifier)."""
        credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
        credential["issuer"]["id"] = self.issuer_id
        credential["credentialSubject"].pop("id", None)
        credential["id"] = f"urn:uuid:{uuid.uuid4()}"
        answer = self.http.post(
            "/credentials/issue", json={"credential": credential}, headers=self.auth
        )
        assert answer.status_code == 201, answer.text
        return str(credential["id"])

    def offer(self, *, tx_code: bool = False) -> dict[str, Any]:
        answer = self.http.post(
            "/oid4vci/offers", json={"badgeId": self.badge(), "txCode": tx_code}, headers=self.auth
        )
        assert answer.status_code == 201, answer.text
        found: dict[str, Any] = answer.json()
        return found

    @staticmethod
    def offer_object_uri(offer: dict[str, Any]) -> str:
        return str(parse_qs(urlsplit(offer["oid4vci"]).query)["credential_offer_uri"][0])

    def offer_object(self, offer: dict[str, Any]) -> dict[str, Any]:
        answer = self.http.get(self.offer_object_uri(offer))
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def token(self, offer: dict[str, Any], **extra: str) -> httpx.Response:
        code = self.offer_object(offer)["grants"][PRE]["pre-authorized_code"]
        form = {"grant_type": PRE, "pre-authorized_code": code, **extra}
        return self.http.post("/oid4vci/token", data=form)

    def access(self, offer: dict[str, Any], **extra: str) -> str:
        answer = self.token(offer, **extra)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def verified(self, credential: Any) -> bool:
        """The service's own verifier (it reads its status lists locally)."""
        answer = self.http.post("/credentials/verify", json={"verifiableCredential": credential})
        return bool(answer.status_code == 200 and answer.json()["verified"])

    def nonce(self) -> str:
        answer = self.http.post("/oid4vci/nonce")
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "no-store"
        return str(answer.json()["c_nonce"])

    def credential(self, access: str, body: dict[str, Any]) -> httpx.Response:
        return self.http.post(
            "/oid4vci/credential", json=body, headers={"Authorization": f"Bearer {access}"}
        )


def proof(
    issuer: Issuer,
    nonce: str | None,
    *,
    key: Any = HOLDER,
    header: dict[str, Any] | None = None,
    **claims: Any,
) -> str:
    """A ``jwt`` key proof, as a wallet makes it (did:key kid by default)."""
    head = {"typ": "openid4vci-proof+jwt", "alg": key.algorithm}
    head.update(header if header is not None else {"kid": HOLDER.verification_method})
    body: dict[str, Any] = {"aud": issuer.base, "iat": int(issuer.clock()), "nonce": nonce}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    signing = ".".join(
        b64url_encode(json.dumps(part, separators=(",", ":")).encode()) for part in (head, body)
    )
    return f"{signing}.{b64url_encode(key.sign(signing.encode()))}"


def request(issuer: Issuer, config: str = LDP, **proof_options: Any) -> dict[str, Any]:
    nonce = proof_options.pop("nonce", None) or issuer.nonce()
    return {
        "credential_configuration_id": config,
        "proofs": {"jwt": [proof(issuer, nonce, **proof_options)]},
    }


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issuer]:
    folder = tmp_path_factory.mktemp("oid4vci")
    cert, key = self_signed(folder)
    port = free_port()
    base = f"https://127.0.0.1:{port}"
    clock = Clock()
    app = create_app(Settings(data_dir=folder / "data", base_url=base), clock=clock)
    with running(app, port, ssl_certfile=str(cert), ssl_keyfile=str(key)):
        http = httpx.Client(
            base_url=base, verify=ssl.create_default_context(cafile=str(cert)), timeout=30
        )
        served = Issuer(base, http, clock, cert)
        state = app.state.service
        served.issuer_id = state.issuer_id
        served.state = state
        client, secret = state.clients.add(["issue"], name="tests")
        answer = http.post(
            "/oauth2/token", data={"grant_type": "client_credentials"}, auth=(client.id, secret)
        )
        served.auth = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        try:
            yield served
        finally:
            http.close()


def _error(answer: httpx.Response, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] == code, answer.text
    assert answer.headers["cache-control"] == "no-store"


# -- metadata and offers ------------------------------------------------------------------


def test_issuer_and_authorization_server_metadata(issuer: Issuer) -> None:
    meta = issuer.http.get("/.well-known/openid-credential-issuer").json()
    assert meta["credential_issuer"] == issuer.base
    assert meta["credential_endpoint"] == f"{issuer.base}/oid4vci/credential"
    assert meta["nonce_endpoint"] == f"{issuer.base}/oid4vci/nonce"
    configs = meta["credential_configurations_supported"]
    assert {c["format"] for c in configs.values()} == {"ldp_vc", "jwt_vc_json"}
    assert configs[LDP]["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]
    server = issuer.http.get("/.well-known/oauth-authorization-server").json()
    assert server["issuer"] == issuer.base
    assert server["token_endpoint"] == f"{issuer.base}/oid4vci/token"
    assert PRE in server["grant_types_supported"]
    assert issuer.http.get("/.well-known/openid-credential-issuer/other").status_code == 404


def test_an_offer_by_reference_and_by_value_and_its_chooser_page(issuer: Issuer) -> None:
    offer = issuer.offer()
    assert offer["oid4vci"].startswith("openid-credential-offer://?credential_offer_uri=https")
    by_reference = issuer.offer_object(offer)
    assert by_reference["credential_issuer"] == issuer.base
    assert by_reference["credential_configuration_ids"] == [LDP, JWT]
    assert "tx_code" not in by_reference["grants"][PRE]
    assert offer["oid4vciByValue"].startswith("openid-credential-offer://?credential_offer=")
    by_value = json.loads(parse_qs(urlsplit(offer["oid4vciByValue"]).query)["credential_offer"][0])
    assert by_value == by_reference
    page = issuer.http.get(offer["wallet"], headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "openid-credential-offer://" in page.text
    assert "https://lcw.app/mobile?request=" in page.text
    assert "<svg" in page.text
    qr = issuer.http.get(offer["walletQr"])
    assert qr.headers["content-type"] == "image/png"
    assert qr.content.startswith(b"\x89PNG")
    # A new offer for the same badge replaces the open one.
    again = issuer.http.post(
        "/oid4vci/offers", json={"badgeId": offer["badgeId"]}, headers=issuer.auth
    ).json()
    assert issuer.http.get(offer["wallet"]).status_code == 410
    assert issuer.token(again).status_code == 200


def test_making_an_offer_needs_the_issue_scope(issuer: Issuer) -> None:
    answer = issuer.http.post("/oid4vci/offers", json={"badgeId": "urn:uuid:x"})
    assert answer.status_code == 401
    unknown = issuer.http.post("/oid4vci/offers", json={"badgeId": "urn:x"}, headers=issuer.auth)
    assert unknown.status_code == 404


# -- the flow -----------------------------------------------------------------------------


def test_ldp_vc_bound_to_the_holder_did_and_verified(issuer: Issuer) -> None:
    offer = issuer.offer()
    code = issuer.offer_object(offer)["grants"][PRE]["pre-authorized_code"]
    access = issuer.access(offer)
    answer = issuer.credential(access, request(issuer))
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    vc = answer.json()["credentials"][0]["credential"]
    assert vc["credentialSubject"]["id"] == HOLDER.did
    assert vc["id"] == offer["badgeId"]
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert issuer.verified(vc)
    page = issuer.http.get(offer["wallet"], headers={"Accept": "text/html"})
    assert page.status_code == 410
    assert "added to a wallet already" in page.text
    # Replays: the code and the token are spent.
    form = {"grant_type": PRE, "pre-authorized_code": code}
    _error(issuer.http.post("/oid4vci/token", data=form), 400, "invalid_grant")
    _error(issuer.credential(access, request(issuer)), 401, "invalid_token")
    assert issuer.http.get(urlsplit(issuer.offer_object_uri(offer)).path).status_code == 404


def test_jwt_vc_json_with_a_p256_jwk_header(issuer: Issuer) -> None:
    holder = P256Key.generate()
    access = issuer.access(issuer.offer())
    body = request(issuer, JWT, key=holder, header={"jwk": holder.public_key.to_jwk()})
    answer = issuer.credential(access, body)
    assert answer.status_code == 200, answer.text
    token = answer.json()["credentials"][0]["credential"]
    result = verify_jwt(token)
    assert issuer.verified(token)
    assert result.credential["credentialSubject"]["id"].startswith("did:key:zDn")
    assert result.payload["sub"] == result.credential["credentialSubject"]["id"]


def test_draft_13_single_proof_is_accepted(issuer: Issuer) -> None:
    access = issuer.access(issuer.offer())
    body = {
        "credential_configuration_id": LDP,
        "proof": {"proof_type": "jwt", "jwt": proof(issuer, issuer.nonce())},
    }
    assert issuer.credential(access, body).status_code == 200


# -- refusals: each leaves the offer usable -----------------------------------------------


def _still_delivers(issuer: Issuer, access: str) -> None:
    answer = issuer.credential(access, request(issuer))
    assert answer.status_code == 200, answer.text


def test_transaction_code_missing_wrong_and_right(issuer: Issuer) -> None:
    offer = issuer.offer(tx_code=True)
    grant = issuer.offer_object(offer)["grants"][PRE]
    assert grant["tx_code"] == {
        "input_mode": "numeric",
        "length": 6,
        "description": grant["tx_code"]["description"],
    }
    assert offer["vcapi"] is None  # a PIN-protected offer has no VC-API exchange
    page = issuer.http.get(offer["wallet"]).text
    assert "six-digit code" in page
    assert "lcw.app" not in page
    _error(issuer.token(offer), 400, "invalid_request")
    wrong = "000000" if offer["txCode"] != "000000" else "111111"
    _error(issuer.token(offer, tx_code=wrong), 400, "invalid_grant")
    _still_delivers(issuer, issuer.access(offer, tx_code=offer["txCode"]))


def test_a_transaction_code_not_asked_for_is_refused(issuer: Issuer) -> None:
    offer = issuer.offer()
    _error(issuer.token(offer, tx_code="123456"), 400, "invalid_request")
    assert issuer.token(offer).status_code == 200


def test_five_wrong_transaction_codes_close_the_offer(issuer: Issuer) -> None:
    offer = issuer.offer(tx_code=True)
    wrong = "000000" if offer["txCode"] != "000000" else "111111"
    code = issuer.offer_object(offer)["grants"][PRE]["pre-authorized_code"]
    form = {"grant_type": PRE, "pre-authorized_code": code}
    for _ in range(5):
        _error(
            issuer.http.post("/oid4vci/token", data={**form, "tx_code": wrong}),
            400,
            "invalid_grant",
        )
    right = {**form, "tx_code": offer["txCode"]}
    _error(issuer.http.post("/oid4vci/token", data=right), 400, "invalid_grant")


def test_expired_offer_and_token(issuer: Issuer) -> None:
    offer, other = issuer.offer(), issuer.offer()
    code = issuer.offer_object(offer)["grants"][PRE]["pre-authorized_code"]
    access = issuer.access(other)
    issuer.clock.offset = 15 * 24 * 3600
    try:
        form = {"grant_type": PRE, "pre-authorized_code": code}
        _error(issuer.http.post("/oid4vci/token", data=form), 400, "invalid_grant")
        assert issuer.http.get(offer["wallet"]).status_code == 410
        _error(issuer.credential(access, request(issuer)), 401, "invalid_token")
    finally:
        issuer.clock.offset = 0


def test_token_request_errors(issuer: Issuer) -> None:
    _error(
        issuer.http.post("/oid4vci/token", data={"grant_type": "password"}),
        400,
        "unsupported_grant_type",
    )
    _error(issuer.http.post("/oid4vci/token", data={"grant_type": PRE}), 400, "invalid_request")
    unknown = {"grant_type": PRE, "pre-authorized_code": "nope"}
    _error(issuer.http.post("/oid4vci/token", data=unknown), 400, "invalid_grant")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"config": "UniversityDegree"}, "unknown_credential_configuration"),
        ({"aud": "https://elsewhere.example"}, "invalid_proof"),
        ({"iat": int(time.time()) - 3600}, "invalid_proof"),
        ({"iat": int(time.time()) + 3600}, "invalid_proof"),
        ({"nonce": "not-a-nonce-we-gave"}, "invalid_nonce"),
        ({"signer": Ed25519Key.from_seed(bytes(32))}, "invalid_proof"),
        (
            {"header": {"kid": HOLDER.verification_method, "jwk": HOLDER.public_key.to_jwk()}},
            "invalid_proof",
        ),
        ({"typ": "JWT"}, "invalid_proof"),
        ({"no_nonce": True}, "invalid_proof"),
        ({"no_proofs": True}, "invalid_proof"),
        ({"identifier": True}, "unknown_credential_identifier"),
    ],
    ids=[
        "unknown-configuration",
        "wrong-aud",
        "stale-iat",
        "future-iat",
        "wrong-nonce",
        "signed-by-another-key-than-kid",
        "kid-and-jwk",
        "wrong-typ",
        "no-nonce",
        "no-proofs",
        "credential-identifier",
    ],
)
def test_credential_request_refusals_issue_nothing(
    issuer: Issuer, change: dict[str, Any], code: str
) -> None:
    access = issuer.access(issuer.offer())
    nonce = issuer.nonce()
    claims = {k: change[k] for k in ("aud", "iat") if k in change}
    token = proof(
        issuer,
        None if change.get("no_nonce") else change.get("nonce", nonce),
        key=change.get("signer", HOLDER),
        header=change.get("header"),
        **claims,
    )
    if "typ" in change:
        token = proof(issuer, nonce, header={"kid": HOLDER.verification_method})
        parts = token.split(".")
        header = json.loads(_b64(parts[0]))
        header["typ"] = change["typ"]
        signing = b64url_encode(json.dumps(header).encode()) + "." + parts[1]
        token = signing + "." + b64url_encode(HOLDER.sign(signing.encode()))
    body: dict[str, Any] = {
        "credential_configuration_id": change.get("config", LDP),
        "proofs": {"jwt": [token]},
    }
    if change.get("no_proofs"):
        del body["proofs"]
    if change.get("identifier"):
        body = {"credential_identifier": "x", "proofs": body["proofs"]}
    _error(issuer.credential(access, body), 400, code)
    _still_delivers(issuer, access)  # the token, the offer and the nonce store are as before


def test_a_spent_nonce_is_refused(issuer: Issuer) -> None:
    nonce = issuer.nonce()
    access = issuer.access(issuer.offer())
    assert issuer.credential(access, request(issuer, nonce=nonce)).status_code == 200
    second = issuer.access(issuer.offer())
    _error(issuer.credential(second, request(issuer, nonce=nonce)), 400, "invalid_nonce")
    _still_delivers(issuer, second)


def test_a_signing_failure_half_way_leaves_nothing_written(issuer: Issuer) -> None:
    """The token, the nonce and the offer are consumed in the transaction that signs: when
    signing fails, all three are as before and the same request then succeeds."""
    access = issuer.access(issuer.offer())
    body = request(issuer)
    nonce = json.loads(_b64(body["proofs"]["jwt"][0].split(".")[1]))["nonce"]

    def broken(offer: Any) -> Any:
        raise RuntimeError("the signer went away")

    with pytest.raises(RuntimeError):
        issuer.state.offers.deliver_with_token(access, nonce, HOLDER.did, broken)
    assert issuer.state.offers.token(access) is not None
    assert issuer.state.offers.nonce_is_live(nonce)
    answer = issuer.credential(access, body)
    assert answer.status_code == 200, answer.text


def test_no_or_a_wrong_bearer_token(issuer: Issuer) -> None:
    answer = issuer.http.post("/oid4vci/credential", json={})
    _error(answer, 401, "invalid_token")
    _error(issuer.credential("forged", request(issuer)), 401, "invalid_token")


def _b64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# -- an independent wallet client ---------------------------------------------------------


def _client_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (WALLET / "node_modules" / "@openid4vc" / "openid4vci").is_dir():
        return "tests/wallet/node_modules is missing: run `npm ci --prefix tests/wallet`"
    return None


def node_or_skip() -> None:
    missing = _client_missing()
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{missing}; with CI=true the wallet client tests must run", pytrace=False)
    pytest.skip(missing)


def run_node(script: str, issuer: Issuer, task: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(issuer.cert)}
    done = subprocess.run(
        ["node", str(WALLET / script)],
        input=json.dumps(task),
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(
    ("config", "link"), [(LDP, "oid4vci"), (JWT, "oid4vciByValue")], ids=["ldp_vc", "jwt_vc_json"]
)
def test_the_openid4vc_client_receives_a_badge_end_to_end(
    issuer: Issuer, config: str, link: str
) -> None:
    """The ``ldp_vc`` badge from an offer by reference, the VC-JWT one from an offer by value,
    both behind a transaction code."""
    node_or_skip()
    offer = issuer.offer(tx_code=True)
    result = run_node(
        "oid4vci_wallet.mjs",
        issuer,
        {"offer": offer[link], "txCode": offer["txCode"], "configuration": config},
    )
    assert result["offer"]["grants"][PRE]["tx_code"]["length"] == 6
    credential = result["credential"]
    assert result["holder"].startswith("did:key:z6Mk")
    if config == JWT:
        found = verify_jwt(credential).credential
        assert found["credentialSubject"]["id"] == result["holder"]
    else:
        assert credential["credentialSubject"]["id"] == result["holder"]
        assert reference_stack_verifies(issuer, credential)
    assert issuer.verified(credential)


def reference_stack_verifies(issuer: Issuer, credential: dict[str, Any]) -> bool:
    """Digital Bazaar's stack (tests/interop, pinned) on the received badge: proof, dates
    and status (the list as this service publishes it)."""
    if not (ROOT / "tests" / "interop" / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("tests/interop/node_modules is missing (npm ci --prefix tests/interop)")
        pytest.skip("tests/interop/node_modules is missing")
    url = credential["credentialStatus"]["statusListCredential"]
    lists = {url: issuer.http.get(urlsplit(url).path).json()}
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    task = {"id": "badge", "op": "verify", "credential": credential, "statusLists": lists}
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "interop" / "interop.mjs")],
        input=json.dumps({"now": now, "tasks": [task]}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["results"]["badge"]
    assert result["full"]["verified"], result
    return bool(result["proof"]["verified"] and result["full"]["status"]["verified"])
