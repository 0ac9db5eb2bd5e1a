"""OpenID for Verifiable Credential Issuance 1.0 (final), pre-authorized code flow: the
issuer and authorization server metadata, credential offers by value and by reference, the
token endpoint (with an optional transaction code), the nonce endpoint and the credential
endpoint with ``jwt`` key proofs. The issued badge's subject is the holder's DID.

Errors are the ones the specification names: RFC 6749 §5.2 at the token endpoint
(``invalid_request``, ``invalid_grant``, ``unsupported_grant_type``), RFC 6750 §3 for the
access token (``invalid_token``), and OpenID4VCI 1.0 §8.3.1.2 at the credential endpoint
(``invalid_credential_request``, ``unknown_credential_configuration``,
``unknown_credential_identifier``, ``invalid_proof``, ``invalid_nonce``,
``credential_request_denied``). Every answer carries ``Cache-Control: no-store``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..storage.offers import DeliveryError, OfferRecord
from ._oid4vci_proof import ProofError, verify_key_proof
from ._wallet import (
    CONFIGURATIONS,
    PRE_AUTHORIZED_GRANT,
    Format,
    NotDeliverableError,
    bound_credential,
    credential_issuer,
    credential_offer,
    offer_links,
    open_offer,
)
from .clients import Grant
from .problems import problem
from .security import authorized
from .state import ServiceState, UnknownIssuerError

__all__ = ["FORM_PATHS", "TOKEN_PATH", "router"]

router = APIRouter(tags=["OpenID4VCI"])
TOKEN_PATH = "/oid4vci/token"  # noqa: S105 (a path, not a secret)
CREDENTIAL_PATH = "/oid4vci/credential"
NONCE_PATH = "/oid4vci/nonce"
FORM_PATHS = frozenset({TOKEN_PATH})
"""The paths that take a form-encoded body (for the service's body guard)."""
TOKEN_TTL_S = 600
NONCE_TTL_S = 300
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


def _ascii(text: str) -> str:
    """An ``error_description`` in the characters RFC 6749 allows (no quote, no backslash)."""
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "'" for c in text)


def oauth_error(
    error: str, description: str, status: int = 400, headers: dict[str, str] | None = None
) -> JSONResponse:
    """An RFC 6749 / OpenID4VCI error answer."""
    body = {"error": error, "error_description": _ascii(description)}
    return JSONResponse(body, status_code=status, headers={**_NO_STORE, **(headers or {})})


# -- metadata -----------------------------------------------------------------------------


def issuer_metadata(state: ServiceState) -> dict[str, Any]:
    """The Credential Issuer Metadata (OpenID4VCI 1.0 §12.2)."""
    base = credential_issuer(state)
    name = state.default.profile.get("name")
    return {
        "credential_issuer": base,
        "credential_endpoint": f"{base}{CREDENTIAL_PATH}",
        "nonce_endpoint": f"{base}{NONCE_PATH}",
        "display": [{"name": str(name or "openmicrocred"), "locale": "en"}],
        "credential_configurations_supported": CONFIGURATIONS,
    }


@router.get(
    "/.well-known/openid-credential-issuer{rest:path}", summary="Credential Issuer Metadata"
)
def credential_issuer_metadata(rest: str, request: Request) -> Response:
    """OpenID4VCI 1.0 §12.2.2: at the well-known path with the issuer's own path appended."""
    state = _state(request)
    if rest.rstrip("/") != urlsplit(credential_issuer(state)).path.rstrip("/"):
        return problem(404, f"no credential issuer at {request.url.path}")
    return JSONResponse(issuer_metadata(state))


@router.get("/.well-known/oauth-authorization-server", summary="Authorization Server Metadata")
def authorization_server_metadata(request: Request) -> JSONResponse:
    """RFC 8414, for the pre-authorized code grant alone (OpenID4VCI 1.0 §12.3)."""
    base = credential_issuer(_state(request))
    return JSONResponse(
        {
            "issuer": base,
            "token_endpoint": f"{base}{TOKEN_PATH}",
            "grant_types_supported": [PRE_AUTHORIZED_GRANT],
            "token_endpoint_auth_methods_supported": ["none"],
            "pre-authorized_grant_anonymous_access_supported": True,
        }
    )


# -- offers -------------------------------------------------------------------------------


def _live(state: ServiceState, offer_id: str) -> OfferRecord | None:
    offer = state.offers.offer(offer_id)
    return offer if offer is not None and state.offers.is_live(offer) else None


@router.get("/oid4vci/offers/{offer_id}", summary="A Credential Offer, by reference")
def offer_by_reference(offer_id: str, request: Request) -> Response:
    """The Credential Offer object a ``credential_offer_uri`` names, while it is open."""
    state = _state(request)
    offer = _live(state, offer_id)
    if offer is None:
        return problem(404, "no open credential offer here: it was used, or it has expired")
    return JSONResponse(credential_offer(state, offer), headers=_NO_STORE)


class OfferRequest(BaseModel):
    badgeId: str = Field(min_length=1)  # noqa: N815
    txCode: bool = Field(  # noqa: N815
        default=False, description="protect the offer with a six-digit transaction code (PIN)"
    )


@router.post("/oid4vci/offers", status_code=201, summary="A new wallet offer for a badge")
def new_offer(
    body: OfferRequest, request: Request, _: Annotated[Grant, authorized("issue")]
) -> JSONResponse:
    """Make a new offer for a badge this service issued (closing its open one): its links
    and, with ``txCode``, the PIN, shown this once. Needs the ``issue`` scope."""
    state = _state(request)
    stored = state.credentials.get(body.badgeId)
    if stored is None:
        return problem(404, f"this service has issued no badge {body.badgeId}")
    try:
        state.issuer_by_id(stored.issuer)
    except UnknownIssuerError as exc:
        return problem(409, str(exc))
    offer, pin = open_offer(state, body.badgeId, stored.issuer, tx_code=body.txCode)
    answer = {"badgeId": body.badgeId, "offer": offer.id, **offer_links(state, offer)}
    if pin is not None:
        answer["txCode"] = pin
    return JSONResponse(answer, status_code=201, headers=_NO_STORE)


# -- token and nonce ----------------------------------------------------------------------


def _form(body: bytes) -> dict[str, str] | JSONResponse:
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return oauth_error("invalid_request", "the request body is not UTF-8")
    repeated = sorted(k for k, v in parsed.items() if len(v) > 1)
    if repeated:
        return oauth_error("invalid_request", f"parameter given twice: {', '.join(repeated)}")
    return {k: v[0] for k, v in parsed.items()}


@router.post(TOKEN_PATH, summary="Token endpoint (pre-authorized code)")
async def token(request: Request) -> JSONResponse:
    """RFC 6749 §4.1.3 with the OpenID4VCI 1.0 §6.1 pre-authorized code grant: form-encoded
    ``grant_type``, ``pre-authorized_code`` and, when the offer asked for one, ``tx_code``."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return oauth_error("invalid_request", "send the token request form-encoded")
    form = _form(await request.body())
    if isinstance(form, JSONResponse):
        return form
    grant = form.get("grant_type")
    if grant is None:
        return oauth_error("invalid_request", "grant_type is missing")
    if grant != PRE_AUTHORIZED_GRANT:
        return oauth_error("unsupported_grant_type", f"this endpoint takes {PRE_AUTHORIZED_GRANT}")
    code = form.get("pre-authorized_code")
    if not code:
        return oauth_error("invalid_request", "pre-authorized_code is missing")
    try:
        access = _state(request).offers.redeem_code(
            code, form.get("tx_code"), token_ttl_s=TOKEN_TTL_S
        )
    except DeliveryError as exc:
        return oauth_error(exc.code, exc.message)
    body = {"access_token": access, "token_type": "Bearer", "expires_in": TOKEN_TTL_S}
    return JSONResponse(body, headers=_NO_STORE)


@router.post(NONCE_PATH, summary="Nonce endpoint")
def nonce(request: Request) -> JSONResponse:
    """A fresh ``c_nonce`` (OpenID4VCI 1.0 §7), single-use, for five minutes."""
    value = _state(request).offers.new_nonce(ttl_s=NONCE_TTL_S)
    return JSONResponse({"c_nonce": value, "c_nonce_expires_in": NONCE_TTL_S}, headers=_NO_STORE)


# -- credential ---------------------------------------------------------------------------


class _RequestError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _configuration(body: dict[str, Any]) -> str:
    if "credential_identifier" in body:
        raise _RequestError(
            "unknown_credential_identifier",
            "this issuer returns no credential_identifiers: use credential_configuration_id",
        )
    chosen = body.get("credential_configuration_id")
    if not isinstance(chosen, str):
        raise _RequestError("invalid_credential_request", "credential_configuration_id is missing")
    if chosen not in CONFIGURATIONS:
        raise _RequestError(
            "unknown_credential_configuration",
            f"unknown credential configuration {chosen!r}: one of {', '.join(CONFIGURATIONS)}",
        )
    return chosen


def _proof_jwt(body: dict[str, Any]) -> Any:
    """The one ``jwt`` proof: 1.0's ``proofs: {"jwt": [...]}``, or draft 13's ``proof``."""
    proofs, proof = body.get("proofs"), body.get("proof")
    if proofs is not None and proof is not None:
        raise _RequestError("invalid_credential_request", "give proofs or proof, not both")
    if isinstance(proof, dict) and proof.get("proof_type") == "jwt":
        return proof.get("jwt")
    if not isinstance(proofs, dict) or set(proofs) != {"jwt"}:
        raise _RequestError("invalid_proof", 'proofs must be {"jwt": [one key proof JWT]}')
    listed = proofs["jwt"]
    if not isinstance(listed, list) or len(listed) != 1:
        raise _RequestError(
            "invalid_proof", "proofs.jwt must hold exactly one JWT (no batch issuance)"
        )
    return listed[0]


def _request_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise _RequestError("invalid_credential_request", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise _RequestError("invalid_credential_request", "the body must be a JSON object")
    return body


def _issue(state: ServiceState, access: str, raw: bytes) -> JSONResponse:
    body = _request_body(raw)
    chosen = _configuration(body)
    try:
        proof = verify_key_proof(
            _proof_jwt(body), audience=credential_issuer(state), now=state.offers.clock()
        )
    except ProofError as exc:
        raise _RequestError("invalid_proof", str(exc)) from None
    fmt: Format = CONFIGURATIONS[chosen]["format"]
    try:
        credential = state.offers.deliver_with_token(
            access,
            proof.nonce,
            proof.holder,
            lambda o: bound_credential(state, o, proof.holder, fmt),
        )
    except DeliveryError as exc:
        if exc.code == "invalid_token":
            return _unauthorized(exc.message)
        raise _RequestError(
            exc.code if exc.code == "invalid_nonce" else "credential_request_denied", exc.message
        ) from None
    except NotDeliverableError as exc:
        raise _RequestError("credential_request_denied", str(exc)) from None
    return JSONResponse({"credentials": [{"credential": credential}]}, headers=_NO_STORE)


def _unauthorized(description: str) -> JSONResponse:
    challenge = f'Bearer error="invalid_token", error_description="{_ascii(description)}"'
    return oauth_error("invalid_token", description, 401, {"WWW-Authenticate": challenge})


@router.post(CREDENTIAL_PATH, summary="Credential endpoint")
async def credential(request: Request) -> JSONResponse:
    """OpenID4VCI 1.0 §8: a bearer access token from the token endpoint, a
    ``credential_configuration_id`` and one ``jwt`` key proof (``typ``
    ``openid4vci-proof+jwt``, ``kid`` a did:key DID URL or a ``jwk``, ``aud`` this issuer,
    a fresh ``iat``, a ``c_nonce``). Answers ``{"credentials": [{"credential": ...}]}``."""
    state = _state(request)
    access = _bearer(request)
    if access is None:
        return oauth_error(
            "invalid_token", "no bearer access token", 401, {"WWW-Authenticate": "Bearer"}
        )
    if state.offers.token(access) is None:
        return _unauthorized("the access token is unknown, used or expired")
    raw = await request.body()
    try:
        return await run_in_threadpool(_issue, state, access, raw)
    except _RequestError as exc:
        return oauth_error(exc.code, exc.message)
