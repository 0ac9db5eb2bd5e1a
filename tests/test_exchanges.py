"""VC-API exchanges driven step by step as the Learner Credential Wallet drives them (its
app/lib/exchanges.ts: POST {} to the exchange URL, answer the DIDAuthentication request with
a signed presentation at the interact service, read verifiablePresentation.verifiableCredential),
against the running service over TLS on 127.0.0.1: here in Python, step by step, and by
tests/wallet/lcw_exchange.mjs, which makes the same requests with the Digital Credentials
Consortium's own libraries (@digitalcredentials/vc, Ed25519Signature2020) as the wallet does."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from openmicrocred import Ed25519Key
from openmicrocred.service.exchanges import CHALLENGE_TTL_S
from openmicrocred.suites import add_proof
from test_oid4vci import Issuer, issuer, node_or_skip, reference_stack_verifies, run_node  # noqa: F401
from test_service_microcredentials import serve

HOLDER = Ed25519Key.from_seed(bytes(range(1, 33)))
VC2 = "https://www.w3.org/ns/credentials/v2"
JSON = {"Content-Type": "application/json"}


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


def test_the_lcw_client_receives_the_badge_through_the_exchange(issuer: Issuer) -> None:  # noqa: F811
    node_or_skip()
    offer = issuer.offer()
    result = run_node("lcw_exchange.mjs", issuer, {"link": offer["vcapi"]})
    assert result["rounds"] == 2  # {} -> the DIDAuthentication request; the VP -> the badge
    assert result["holder"].startswith("did:key:z6Mk")
    proof = result["presented"]["proof"]
    assert proof["type"] == "Ed25519Signature2020"
    assert proof["proofPurpose"] == "authentication"
    assert proof["domain"] == issuer.base
    badges = result["response"]["verifiablePresentation"]["verifiableCredential"]
    assert len(badges) == 1
    badge = badges[0]
    assert badge["id"] == offer["badgeId"]
    assert badge["credentialSubject"]["id"] == result["holder"]
    assert issuer.verified(badge)
    assert reference_stack_verifies(issuer, badge)
    # The one offer is spent: the OpenID4VCI side of it is gone too.
    assert issuer.http.get(issuer.offer_object_uri(offer)).status_code == 404


def test_an_expired_challenge_is_refused_and_a_new_one_works(issuer: Issuer) -> None:  # noqa: F811
    url = _exchange_url(issuer.offer())
    vpr = _start(issuer, url)
    issuer.clock.offset = CHALLENGE_TTL_S + 1
    try:
        late = _did_auth(vpr["challenge"], vpr["domain"])
        assert issuer.http.post(url, json={"verifiablePresentation": late}).status_code == 409
        fresh = _start(issuer, url)  # the offer lasts longer than a challenge
        assert fresh["challenge"] != vpr["challenge"]
        vp = _did_auth(fresh["challenge"], fresh["domain"])
        assert issuer.http.post(url, json={"verifiablePresentation": vp}).status_code == 200
    finally:
        issuer.clock.offset = 0


def test_an_expired_offer_has_no_exchange(issuer: Issuer) -> None:  # noqa: F811
    offer = issuer.offer()
    url = _exchange_url(offer)
    vpr = _start(issuer, url)
    issuer.clock.offset = 15 * 24 * 3600
    try:
        assert issuer.http.post(url, json={}).status_code == 409
        vp = _did_auth(vpr["challenge"], vpr["domain"])
        assert issuer.http.post(url, json={"verifiablePresentation": vp}).status_code == 409
        assert issuer.http.get(offer["wallet"]).status_code == 410
    finally:
        issuer.clock.offset = 0


def test_broken_bodies_are_refused(issuer: Issuer) -> None:  # noqa: F811
    url = _exchange_url(issuer.offer())
    assert issuer.http.post(url, content=b"{", headers=JSON).status_code == 400
    assert issuer.http.post(url, json=[]).status_code == 422
    _start(issuer, url)
    assert issuer.http.post(url, json={"verifiablePresentation": "x"}).status_code == 422


def test_a_signing_failure_half_way_leaves_the_exchange_open(issuer: Issuer) -> None:  # noqa: F811
    offer = issuer.offer()
    url = _exchange_url(offer)
    vpr = _start(issuer, url)
    exchange_id = url.rsplit("/", 1)[1]

    def broken(offer: Any) -> Any:
        raise RuntimeError("the signer went away")

    with pytest.raises(RuntimeError):
        issuer.state.offers.deliver_with_exchange(exchange_id, vpr["challenge"], HOLDER.did, broken)
    exchange = issuer.state.offers.exchange(exchange_id)
    assert (exchange.state, exchange.challenge) == ("pending", vpr["challenge"])
    vp = _did_auth(vpr["challenge"], vpr["domain"])
    assert issuer.http.post(url, json={"verifiablePresentation": vp}).status_code == 200


def test_one_offer_per_award_serves_both_kinds_of_wallet(tmp_path: Path) -> None:
    """An award through the micro-credential API answers with one offer's links; the chooser
    page carries both hand-overs; the VC-API one delivers the (VC-JWT) award re-signed for
    the holder, and then the OpenID4VCI one is spent."""
    with serve(tmp_path / "data") as api:
        api.published("wallet")
        eid = api.passed("wallet", "mailto:somchai@example.org")
        awarded = api.platform("POST", f"/enrolments/{eid}/award", json={"format": "jwt"})
        assert awarded.status_code == 201, awarded.text
        links = awarded.json()["wallet"]
        assert set(links) == {
            "wallet",
            "walletQr",
            "oid4vci",
            "oid4vciByValue",
            "vcapi",
            "expiresAt",
            "badgePage",
        }
        # the badge page the award e-mail links to carries the one "add to wallet" button;
        # the public page (shared, on LinkedIn, behind the QR code) never carries the offer
        mine = api.http.get(links["badgePage"])
        assert mine.status_code == 200
        assert f'href="{html.escape(links["wallet"])}"' in mine.text
        public_url, _, offer_query = links["badgePage"].partition("?")
        public = api.http.get(public_url)
        assert public.status_code == 200
        assert "Add to wallet" not in public.text
        assert offer_query.split("=", 1)[1] not in public.text
        guessed = api.http.get(f"{public_url}?offer=not-{offer_query.split('=', 1)[1]}")
        assert "Add to wallet" not in guessed.text
        page = api.http.get(links["wallet"])
        assert page.status_code == 200
        assert "Data Storytelling" in page.text
        assert html.escape(links["oid4vci"]) in page.text
        assert html.escape(links["vcapi"]) in page.text
        url = _exchange_url(links)
        start = api.http.post(url, json={})
        vpr = start.json()["verifiablePresentationRequest"]
        vp = _did_auth(vpr["challenge"], vpr["domain"])
        answer = api.http.post(url, json={"verifiablePresentation": vp})
        assert answer.status_code == 200, answer.text
        badge = answer.json()["verifiablePresentation"]["verifiableCredential"][0]
        assert badge["id"] == awarded.json()["id"]
        assert badge["credentialSubject"]["id"] == HOLDER.did
        verified = api.http.post("/credentials/verify", json={"verifiableCredential": badge})
        assert verified.json()["verified"], verified.text
        reference = parse_qs(urlsplit(links["oid4vci"]).query)["credential_offer_uri"][0]
        assert api.http.get(reference).status_code == 404
        assert api.http.get(links["wallet"]).status_code == 410
        assert "Add to wallet" not in api.http.get(links["badgePage"]).text  # spent
