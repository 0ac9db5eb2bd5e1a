"""VC-API exchanges driven step by step as the Learner Credential Wallet drives them (its
app/lib/exchanges.ts: POST {} to the exchange URL, answer the DIDAuthentication request with
a signed presentation at the interact service, read verifiablePresentation.verifiableCredential),
against the running service over TLS on 127.0.0.1."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from openmicrocred import Ed25519Key
from openmicrocred.suites import add_proof
from test_oid4vci import Issuer, issuer  # noqa: F401 (the fixture)

HOLDER = Ed25519Key.from_seed(bytes(range(1, 33)))
VC2 = "https://www.w3.org/ns/credentials/v2"


def _exchange_url(offer: dict[str, Any]) -> str:
    request = json.loads(parse_qs(urlsplit(offer["vcapi"]).query)["request"][0])
    assert set(request) == {"credentialRequestOrigin", "protocols"}
    return str(request["protocols"]["vcapi"])


def _did_auth(challenge: str, domain: str, key: Ed25519Key = HOLDER) -> dict[str, Any]:
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": HOLDER.did}
    signed: dict[str, Any] = add_proof(
        vp, key, proof_purpose="authentication", challenge=challenge, domain=domain
    )
    return signed


def _start(issuer: Issuer, url: str) -> dict[str, Any]:  # noqa: F811
    answer = issuer.http.post(url, json={})
    assert answer.status_code == 200, answer.text
    vpr: dict[str, Any] = answer.json()["verifiablePresentationRequest"]
    assert vpr["query"][0]["type"] == "DIDAuthentication"
    assert vpr["interact"]["service"][0]["serviceEndpoint"] == url
    return vpr


def test_did_auth_exchange_delivers_the_badge_bound_to_the_holder(issuer: Issuer) -> None:  # noqa: F811
    offer = issuer.offer()
    url = _exchange_url(offer)
    vpr = _start(issuer, url)
    target = vpr["interact"]["service"][0]["serviceEndpoint"]
    vp = _did_auth(vpr["challenge"], vpr["domain"])
    answer = issuer.http.post(target, json={"verifiablePresentation": vp})
    assert answer.status_code == 200, answer.text
    badge = answer.json()["verifiablePresentation"]["verifiableCredential"][0]
    assert badge["credentialSubject"]["id"] == HOLDER.did
    assert issuer.verified(badge)
    # Replayed: the exchange is complete, and the offer is spent for OpenID4VCI too.
    assert issuer.http.post(target, json={"verifiablePresentation": vp}).status_code == 409
    assert issuer.http.post(url, json={}).status_code == 409
    assert issuer.http.get(issuer.offer_object_uri(offer)).status_code == 404


def test_wrong_challenge_domain_or_signer_is_refused_and_nothing_consumed(
    issuer: Issuer,  # noqa: F811
) -> None:
    url = _exchange_url(issuer.offer())
    vpr = _start(issuer, url)
    for vp in (
        _did_auth("another-challenge", vpr["domain"]),
        _did_auth(vpr["challenge"], "https://elsewhere.example"),
        _did_auth(vpr["challenge"], vpr["domain"], key=Ed25519Key.from_seed(bytes(32))),
        {k: v for k, v in _did_auth(vpr["challenge"], vpr["domain"]).items() if k != "holder"},
    ):
        answer = issuer.http.post(url, json={"verifiablePresentation": vp})
        assert answer.status_code in (400, 422), answer.text
    good = _did_auth(vpr["challenge"], vpr["domain"])
    assert issuer.http.post(url, json={"verifiablePresentation": good}).status_code == 200


def test_an_unknown_exchange_and_a_presentation_before_the_request(issuer: Issuer) -> None:  # noqa: F811
    assert issuer.http.post("/exchanges/nope", json={}).status_code == 404
    url = _exchange_url(issuer.offer())
    vp = _did_auth("x", "y")
    assert issuer.http.post(url, json={"verifiablePresentation": vp}).status_code == 409
