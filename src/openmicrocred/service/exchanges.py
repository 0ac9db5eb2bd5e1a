"""VC-API exchanges (https://w3c-ccg.github.io/vc-api/#exchanges) as the Digital Credentials
Consortium's Learner Credential Wallet drives them: one exchange per award offer.

1. The wallet POSTs ``{}`` to the exchange URL; the answer is a Verifiable Presentation
   Request for ``DIDAuthentication`` with a fresh ``challenge`` and this service's
   ``domain``, and an ``interact`` service naming the same URL.
2. The wallet POSTs ``{"verifiablePresentation": ...}``: a presentation whose ``holder`` is
   its DID, with an ``authentication`` proof for that challenge and domain. It is verified
   (the holder's own key, the challenge, the domain); then the exchange, the challenge and
   the offer are consumed and the badge signed for the holder, in one transaction.
3. The answer is ``{"verifiablePresentation": {..., "verifiableCredential": [badge]}}``.

Errors are ``application/problem+json``; nothing is consumed by a refused request.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..storage.offers import DeliveryError
from ._wallet import NotDeliverableError, bound_credential, credential_issuer, exchange_url
from .problems import problem
from .state import ServiceState

__all__ = ["CHALLENGE_TTL_S", "router"]

router = APIRouter(tags=["VC-API exchanges"])
CHALLENGE_TTL_S = 600
VC_V2 = "https://www.w3.org/ns/credentials/v2"
_NO_STORE = {"Cache-Control": "no-store"}


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


def presentation_request(state: ServiceState, exchange_id: str, challenge: str) -> dict[str, Any]:
    """The Verifiable Presentation Request for DID authentication."""
    return {
        "query": [
            {
                "type": "DIDAuthentication",
                "acceptedMethods": [{"method": "key"}],
                "acceptedCryptosuites": [
                    {"cryptosuite": "eddsa-rdfc-2022"},
                    {"cryptosuite": "Ed25519Signature2020"},
                ],
            }
        ],
        "challenge": challenge,
        "domain": credential_issuer(state),
        "interact": {
            "service": [
                {
                    "type": "UnmediatedPresentationService2021",
                    "serviceEndpoint": exchange_url(state, exchange_id),
                }
            ]
        },
    }


def _holder(state: ServiceState, vp: Any, challenge: str) -> str | JSONResponse:
    """The DID of the holder whose DIDAuth presentation verifies, or a problem."""
    if not isinstance(vp, dict):
        return problem(422, "verifiablePresentation must be a JSON object")
    holder = vp.get("holder")
    holder_id = holder.get("id") if isinstance(holder, dict) else holder
    if not isinstance(holder_id, str) or not holder_id.startswith("did:"):
        return problem(
            422,
            "the presentation must name its holder (a DID) for DID authentication",
            errors=[{"path": "$.verifiablePresentation.holder", "message": "a DID"}],
        )
    verifier, fetcher = state.verifier()
    try:
        report = verifier.verify_presentation(
            vp, challenge=challenge, domain=credential_issuer(state)
        )
    except InputError as exc:
        return problem(400, f"not a presentation: {exc}")
    finally:
        fetcher.close()
    if not report.verified:
        failed = [c for c in report.checks if c.status in ("failed", "error")]
        errors = [{"name": c.name, "code": c.code, "message": c.message} for c in failed]
        return problem(400, "the DID authentication does not verify", errors=errors)
    return holder_id


def _deliver(state: ServiceState, exchange_id: str, body: dict[str, Any]) -> JSONResponse:
    exchange = state.offers.exchange(exchange_id)
    if exchange is None:
        return problem(404, "no such exchange")
    if "verifiablePresentation" not in body:
        try:
            challenge = state.offers.new_challenge(exchange_id, ttl_s=CHALLENGE_TTL_S)
        except DeliveryError as exc:
            return problem(409, exc.message)
        vpr = presentation_request(state, exchange_id, challenge)
        return JSONResponse({"verifiablePresentationRequest": vpr}, headers=_NO_STORE)
    if exchange.state != "pending" or exchange.challenge is None:
        return problem(409, "this exchange is complete, or has no open challenge: POST {} first")
    holder = _holder(state, body["verifiablePresentation"], exchange.challenge)
    if isinstance(holder, JSONResponse):
        return holder
    try:
        badge = state.offers.deliver_with_exchange(
            exchange_id,
            exchange.challenge,
            holder,
            lambda offer: bound_credential(state, offer, holder, "ldp_vc"),
        )
    except DeliveryError as exc:
        return problem(409, exc.message)
    except NotDeliverableError as exc:
        return problem(409, str(exc))
    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "verifiableCredential": [badge]}
    return JSONResponse({"verifiablePresentation": vp}, headers=_NO_STORE)


@router.post("/exchanges/{exchange_id}", summary="Take part in a VC-API exchange")
async def participate(exchange_id: str, request: Request) -> JSONResponse:
    """``{}`` starts (or restarts) the exchange: a DIDAuthentication request; a
    ``verifiablePresentation`` answering it completes it and returns the badge."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, RecursionError):
        return problem(400, "the request body is not valid JSON")
    if not isinstance(body, dict):
        return problem(422, "the request body must be a JSON object")
    return await run_in_threadpool(_deliver, _state(request), exchange_id, body)
