"""The VC-API endpoints (https://w3c-ccg.github.io/vc-api/): issue, verify, status."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from .._json import as_list, issuer_id
from ..errors import (
    CredentialError,
    DocumentLoaderError,
    InputError,
    JsonLdError,
    OpenMicrocredError,
    SafeModeError,
    SignerError,
    StatusListError,
)
from ..issuance import issue
from ..status import ALL_PURPOSES, PURPOSES
from ..vcdm import check_credential, version_of
from ..verification import Verifier
from .clients import Grant
from .issuers import IssuerState
from .problems import problem
from .security import authorized
from .state import ServiceState, UnknownIssuerError

__all__ = ["router"]

router = APIRouter()
VC_V2 = "https://www.w3.org/ns/credentials/v2"
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

_log = logging.getLogger("openmicrocred.service")


class IssueOptions(BaseModel):
    """``options`` of an issue request."""

    model_config = ConfigDict(extra="allow")
    cryptosuite: Literal["eddsa-rdfc-2022", "eddsa-jcs-2022"] = "eddsa-rdfc-2022"
    format: Literal["di", "jwt"] = Field(
        default="di",
        description='"di": an embedded Data Integrity proof; "jwt": a VC-JWT, returned as an '
        "EnvelopedVerifiableCredential (data:application/vc+jwt,...)",
    )
    credentialStatus: dict[str, Any] | bool | None = Field(  # noqa: N815 (the VC-API name)
        default=None,
        description='{"type": "BitstringStatusListEntry"} or true: add revocation and '
        "suspension entries (the default for VC 2.0 credentials; an Open Badge gets "
        'revocation alone); {"statusPurpose": [...]}: the purposes wanted, among '
        '"revocation", "suspension" and "message" (a multi-bit entry with statusSize and '
        "statusMessage, for an issuer configured with status_messages); false: none",
    )


class IssueRequest(BaseModel):
    credential: dict[str, Any]
    options: IssueOptions = Field(default_factory=IssueOptions)


class VerifyOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    challenge: str | None = None
    domain: str | None = None


class VerifyCredentialRequest(BaseModel):
    verifiableCredential: dict[str, Any] | str  # noqa: N815
    options: VerifyOptions = Field(default_factory=VerifyOptions)


class VerifyPresentationRequest(BaseModel):
    verifiablePresentation: dict[str, Any]  # noqa: N815
    options: VerifyOptions = Field(default_factory=VerifyOptions)


class StatusChange(BaseModel):
    type: str = "BitstringStatusListCredential"
    status: (
        Literal["revoked", "suspended", "active", "reinstated", "unsuspended"]
        | Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{1,2}$")]
    ) = Field(
        description='"revoked", "suspended", "active" (and its synonyms "reinstated", '
        '"unsuspended"), or a status value such as "0x2" for the credential\'s message entry'
    )


class StatusRequest(BaseModel):
    credentialId: str = Field(min_length=1)  # noqa: N815
    credentialStatus: list[StatusChange] = Field(min_length=1)  # noqa: N815


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


def _wants_status(
    by_default: bool, issuer: IssuerState, credential: dict[str, Any], options: IssueOptions
) -> bool:
    if "credentialStatus" in credential or options.credentialStatus is False:
        return False
    if version_of(credential) != 2:  # BitstringStatusListEntry is a VC 2.0 term
        return False
    return bool(options.credentialStatus) or (by_default and issuer.settings.status_lists)


_OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential", "ClrCredential"}


def _purposes(credential: dict[str, Any], options: IssueOptions, issuer: IssuerState) -> list[str]:
    """The status purposes asked for (``options.credentialStatus.statusPurpose``); by
    default revocation alone for an Open Badge or CLR (whose 1EdTech schema wants one
    ``credentialStatus`` object), revocation and suspension for any other credential."""
    chosen = options.credentialStatus
    asked = chosen.get("statusPurpose") if isinstance(chosen, dict) else None
    if asked is not None:
        purposes = [str(p) for p in as_list(asked)]
        if not purposes or set(purposes) - set(ALL_PURPOSES):
            raise ValueError(f"options.credentialStatus.statusPurpose must be in {ALL_PURPOSES}")
        if "message" in purposes and issuer.settings.messages is None:
            raise ValueError(
                f"issuer {issuer.name!r} has no status_messages configured, so it cannot "
                "give a message status entry"
            )
        return list(dict.fromkeys(purposes))
    if _OB3_TYPES & set(as_list(credential.get("type"))):
        return ["revocation"]
    return list(PURPOSES)


def _issue_problem(exc: Exception) -> JSONResponse:
    if isinstance(exc, CredentialError):
        errors = [{"path": e.path, "message": e.message} for e in exc.errors]
        return problem(422, f"the credential is not valid: {exc.summary}", errors=errors)
    if isinstance(exc, SafeModeError):
        errors = [{"path": exc.path, "message": exc.detail}]
        return problem(422, f"the credential cannot be signed safely: {exc}", errors=errors)
    if isinstance(exc, JsonLdError | DocumentLoaderError):
        return problem(422, f"the credential is not usable JSON-LD: {exc}")
    if isinstance(exc, SignerError):  # the device's own words go to the log, not the client
        _log.error("the issuer's signing key is unavailable: %s", exc)
        return problem(503, "the issuer's signing key is unavailable; try again later")
    return problem(400, f"the credential cannot be issued: {exc}")


_ISSUE_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"description": "the credential, secured"},
    401: {"description": "no valid bearer token"},
    403: {"description": "the token lacks the issue scope"},
    404: {"description": "no issuer of that name"},
    422: {"description": "the credential is not valid, or names an issuer this service is not"},
    503: {"description": "the issuer's signing key (an HSM) is unavailable"},
}


def _choose_issuer(
    state: ServiceState, credential: dict[str, Any], name: str | None
) -> IssuerState | JSONResponse:
    """The issuer named in the path, else the one whose id the credential names, else
    the default; a problem when the credential names another issuer."""
    named = issuer_id(credential) if "issuer" in credential else None
    try:
        chosen = state.issuer(name) if name or not named else state.issuer_by_id(str(named))
    except UnknownIssuerError as exc:
        if name:
            return problem(404, str(exc))
        ids = ", ".join(i.issuer_id for i in state.issuers.values())
        return problem(422, str(exc), errors=[{"path": "$.issuer", "message": f"one of {ids}"}])
    if named is not None and named != chosen.issuer_id:
        return problem(
            422,
            f"issuer {chosen.name} issues as {chosen.issuer_id}",
            errors=[{"path": "$.issuer", "message": f"must be {chosen.issuer_id}"}],
        )
    return chosen


def _secure(
    state: ServiceState, issuer: IssuerState, credential: dict[str, Any], options: IssueOptions
) -> dict[str, Any]:
    """Check, give status entries, sign and keep the credential; raises what issuing does."""
    check_credential(credential)
    if _wants_status(state.settings.status_by_default, issuer, credential, options):
        credential.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
        entries = issuer.allocate(str(credential["id"]), _purposes(credential, options, issuer))
        status = [e.to_json() for e in entries]
        credential["credentialStatus"] = status[0] if len(status) == 1 else status
    secured = issue(
        credential,
        issuer.key,
        format=options.format,
        verification_method=issuer.verification_method,
        cryptosuite=options.cryptosuite,
    )
    if isinstance(credential.get("id"), str):
        subject = as_list(credential.get("credentialSubject"))
        holder = subject[0].get("id") if subject and isinstance(subject[0], dict) else None
        state.credentials.put(
            credential["id"],
            secured,
            issuer=issuer.issuer_id,
            subject=holder if isinstance(holder, str) else None,
        )
    if isinstance(secured, str):
        return {
            "@context": [VC_V2],
            "id": f"data:application/vc+jwt,{secured}",
            "type": "EnvelopedVerifiableCredential",
        }
    return secured


def _issue(state: ServiceState, body: IssueRequest, name: str | None) -> JSONResponse:
    credential = dict(body.credential)
    issuer = _choose_issuer(state, credential, name)
    if isinstance(issuer, JSONResponse):
        return issuer
    try:
        secured = _secure(state, issuer, credential, body.options)
    except (OpenMicrocredError, ValueError, TypeError) as exc:
        return _issue_problem(exc)
    return JSONResponse({"verifiableCredential": secured}, status_code=201)


@router.post(
    "/credentials/issue", status_code=201, summary="Issue a credential", responses=_ISSUE_RESPONSES
)
async def issue_credential(
    body: IssueRequest, request: Request, _: Annotated[Grant, authorized("issue")]
) -> JSONResponse:
    """Sign ``credential`` (eddsa-rdfc-2022 by default) as the issuer whose id its
    ``issuer`` names, or as the default issuer. Needs a bearer token with the ``issue``
    scope. Credentials with an ``id`` are kept, for ``/verify?id=`` and the badge pages.

    Runs on the event loop (signing and two short SQLite transactions, about 3 ms): a hand-
    over to a worker thread costs more than it saves."""
    return _issue(_state(request), body, None)


@router.post(
    "/issuers/{name}/credentials/issue",
    status_code=201,
    summary="Issue a credential as one issuer",
    responses=_ISSUE_RESPONSES,
)
async def issue_credential_as(
    name: str, body: IssueRequest, request: Request, _: Annotated[Grant, authorized("issue")]
) -> JSONResponse:
    """As ``POST /credentials/issue``, signed by the issuer called ``name`` (``GET /``
    lists them)."""
    return _issue(_state(request), body, name)


def _result(report: Any) -> tuple[dict[str, Any], int]:
    """The VC-API verification result, with the full report, and its status code."""
    checks = list(dict.fromkeys(c.name for c in report.checks if c.status == "passed"))
    every = [*report.checks, *(c for r in getattr(report, "credentials", ()) for c in r.checks)]
    failed = [c for c in every if c.status in ("failed", "error")]
    errors = [
        {"name": c.name, "code": c.code, "message": c.message, "path": c.path}
        for c in failed
        if c.severity == "error"
    ]
    if not report.verified and not errors:
        errors = [{"name": "verdict", "code": report.verdict.value, "message": "not verified"}]
    warnings = [
        {"name": c.name, "code": c.code, "message": c.message}
        for c in failed
        if c.severity == "warning"
    ]
    body = {
        "verified": report.verified,
        "verdict": report.verdict.value,
        "checks": checks,
        "warnings": warnings,
        "errors": [] if report.verified else errors,
        "report": report.model_dump(mode="json"),
    }
    return body, 200 if report.verified else 400


def _unwrap(credential: dict[str, Any] | str) -> dict[str, Any] | str:
    """An EnvelopedVerifiableCredential's JWT (``data:application/vc+jwt,<token>``)."""
    if (
        isinstance(credential, dict)
        and "EnvelopedVerifiableCredential" in as_list(credential.get("type"))
        and isinstance(credential.get("id"), str)
        and credential["id"].startswith("data:application/vc+jwt,")
    ):
        return str(credential["id"]).partition(",")[2]
    return credential


def _respond(report: Any) -> JSONResponse:
    body, status = _result(report)
    if status == 200:
        return JSONResponse(body)
    return problem(status, f"not verified: {report.verdict.value}", **body)


async def _verified(state: ServiceState, run: Callable[[Verifier], Any]) -> Any:
    """``run`` on this event loop when the service's own data answers every lookup (no GIL
    hand-over to a worker thread, the cost that dominated a verify request); otherwise
    again in a worker thread, with the network."""
    local = state.verify_locally(run)
    if local is not None:
        return local

    def online() -> Any:
        verifier, fetcher = state.verifier()
        try:
            return run(verifier)
        finally:
            fetcher.close()

    return await run_in_threadpool(online)


@router.post("/credentials/verify", summary="Verify a credential")
async def verify_credential(body: VerifyCredentialRequest, request: Request) -> JSONResponse:
    """200 when the credential verifies; otherwise 400 with the errors and the full report."""
    credential = _unwrap(body.verifiableCredential)
    if isinstance(credential, str) and not _COMPACT_JWS.fullmatch(credential):
        return problem(
            422,
            "verifiableCredential must be a credential object or a VC-JWT (compact JWS)",
            errors=[{"path": "$.verifiableCredential", "message": "not an object or a JWS"}],
        )
    try:
        report = await _verified(
            _state(request), lambda v: v.verify(credential, name="verifiableCredential")
        )
    except InputError as exc:
        return problem(400, f"not a credential: {exc}")
    return _respond(report)


@router.post("/presentations/verify", summary="Verify a presentation")
async def verify_presentation(body: VerifyPresentationRequest, request: Request) -> JSONResponse:
    """The holder's proof for ``options.challenge`` and ``options.domain``, then each
    credential; 200 when all verify, else 400 with the errors and the full report."""
    options = body.options
    try:
        report = await _verified(
            _state(request),
            lambda v: v.verify_presentation(
                body.verifiablePresentation, challenge=options.challenge, domain=options.domain
            ),
        )
    except InputError as exc:
        return problem(400, f"not a presentation: {exc}")
    return _respond(report)


_ACTIONS = {"revoked": "revoke", "suspended": "suspend"}


@router.post(
    "/credentials/status",
    summary="Revoke, suspend or reinstate a credential",
    responses={
        401: {"description": "no valid bearer token"},
        403: {"description": "the token lacks the status scope"},
    },
)
def update_status(
    body: StatusRequest, request: Request, grant: Annotated[Grant, authorized("status")]
) -> JSONResponse:
    """Change a credential's status, then republish the lists. Needs a bearer token with
    the ``status`` scope."""
    state = _state(request)
    issuer = state.holder_of_status(body.credentialId)
    if issuer is None:
        return problem(404, f"{body.credentialId} has no status entries in this service")
    changed = []
    try:
        for change in body.credentialStatus:
            if change.status.startswith("0x"):
                value = int(change.status, 16)
                entry = issuer.registry.set_message(body.credentialId, value, actor=grant.client_id)
            else:
                action = _ACTIONS.get(change.status, "reinstate")
                entry = getattr(issuer.registry, action)(body.credentialId, actor=grant.client_id)
            changed.append({**entry.to_json(), "set": entry.set})
    except StatusListError as exc:
        return problem(409, str(exc))
    finally:
        issuer.publish()
    return JSONResponse({"credentialId": body.credentialId, "credentialStatus": changed})


@router.get("/status/{path:path}", summary="A status list credential", response_class=Response)
def status_list(path: str, request: Request) -> Response:
    """The signed BitstringStatusListCredential, cached for its ttl."""
    state = _state(request)
    found = state.status_file(path)
    if found is None:
        return problem(404, f"no status list {path}")
    _, published = found
    headers = {
        "ETag": published.etag,
        "Cache-Control": f"public, max-age={state.settings.status_ttl_ms // 1000}",
    }
    if request.headers.get("if-none-match") == published.etag:
        return Response(status_code=304, headers=headers)
    return Response(published.body, media_type="application/vc+ld+json", headers=headers)
