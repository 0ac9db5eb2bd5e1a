"""``POST /ob2/upgrade``: an issuer of this service re-issues its Open Badges 2.0 badges as
signed OB 3.0 credentials, or as one CLR 2.0 holding them (see :mod:`openmicrocred.ob2`).

Each badge is verified first (hosted: fetched from its ``id`` under the service's fetch
policy; signed: its JWS with the issuer's key), and one that does not verify is refused with
the reason. ``documents`` answers URLs without the network, as the CLI's ``--resource`` does:
for an issuer whose OB 2.0 host the service cannot reach. The token needs the ``issue``
scope, the same trust as ``POST /credentials/issue``, which could sign any claim anyway.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ..errors import InputError, OpenMicrocredError
from ..fetch import Fetcher
from ..ob2.clr import upgrade_into_clr
from ..ob2.models import is_ob2
from ..ob2.upgrade import upgrade
from ..ob2.verify import Ob2Outcome, verify_ob2
from ..verification.inputs import load_credential
from .clients import Grant
from .issuers import IssuerState
from .problems import problem
from .security import authorized
from .state import ServiceState, UnknownIssuerError

__all__ = ["router"]

router = APIRouter()
MAX_BADGES = 50


class ClrOptions(BaseModel):
    """Put the upgraded badges in one signed ClrCredential."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=500)
    learner: str | None = Field(default=None, description="the learner's id (a URI), if known")


class UpgradeRequest(BaseModel):
    """The badges to bring forward and how."""

    model_config = ConfigDict(extra="forbid")
    assertions: list[dict[str, Any] | str] = Field(
        min_length=1,
        max_length=MAX_BADGES,
        description="OB 2.0 badges: Assertion JSON, a compact JWS (signed), or the https URL "
        "of a hosted Assertion",
    )
    issuer: str | None = Field(default=None, description="the service issuer's name")
    clr: ClrOptions | None = None
    documents: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        max_length=4 * MAX_BADGES,
        description="OB 2.0 documents by URL (Assertion, BadgeClass, Profile, "
        "CryptographicKey, RevocationList), used instead of fetching them",
    )


_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"description": "the upgraded credentials (or the CLR), signed"},
    401: {"description": "no valid bearer token"},
    403: {"description": "the token lacks the issue scope"},
    404: {"description": "no issuer of that name"},
    422: {"description": "a badge is not OB 2.0 or does not verify (errors say which, why)"},
}


def _verified(
    source: dict[str, Any] | str, where: str, fetcher: Fetcher, now: datetime
) -> Ob2Outcome | dict[str, str]:
    """The verification outcome of one badge, or the error naming it."""
    try:
        loaded = load_credential(source, fetcher=fetcher, name=where)
    except InputError as exc:
        return {"path": where, "message": str(exc)}
    if not is_ob2(loaded.credential):
        return {"path": where, "message": "not an Open Badges 2.0 assertion"}
    outcome = verify_ob2(loaded.credential, jws=loaded.jwt, fetcher=fetcher, now=now)
    failed = [
        f"{f.family}: {f.message}" for f in outcome.findings if f.status in ("failed", "error")
    ]
    if failed:
        return {"path": where, "message": "does not verify: " + "; ".join(failed)}
    return outcome


def _fetcher(state: ServiceState, documents: dict[str, dict[str, Any]]) -> Fetcher:
    _, base = state.verifier()
    given = {url: json.dumps(doc).encode() for url, doc in documents.items()}
    # The service's own published lists win over anything a request brings.
    return Fetcher(client=base.client, policy=base.policy, resources={**given, **base.resources})


def _reissue(issuer: IssuerState, body: UpgradeRequest, outcomes: list[Ob2Outcome]) -> Any:
    now = datetime.now(UTC).replace(microsecond=0)
    if body.clr is None:
        return [
            upgrade(
                o,
                issuer.key,
                issuer_id=issuer.issuer_id,
                verification_method=issuer.verification_method,
                checked_at=now,
            )
            for o in outcomes
        ]
    name = issuer.settings.profile.get("name")
    return upgrade_into_clr(
        outcomes,
        issuer.key,
        name=body.clr.name,
        learner=body.clr.learner,
        issuer_id=issuer.issuer_id,
        issuer_name=name if isinstance(name, str) else None,
        verification_method=issuer.verification_method,
        checked_at=now,
    )


def _upgrade(state: ServiceState, issuer: IssuerState, body: UpgradeRequest) -> JSONResponse:
    now = datetime.now(UTC)
    fetcher = _fetcher(state, body.documents)
    try:
        found = [
            _verified(a, f"$.assertions[{i}]", fetcher, now) for i, a in enumerate(body.assertions)
        ]
    finally:
        fetcher.close()
    errors = [f for f in found if isinstance(f, dict)]
    if errors:
        return problem(422, f"{len(errors)} badge(s) cannot be brought forward", errors=errors)
    try:
        result = _reissue(issuer, body, [f for f in found if isinstance(f, Ob2Outcome)])
    except (OpenMicrocredError, ValueError) as exc:
        return problem(422, f"the badges cannot be re-issued: {exc}")
    kept = [result] if isinstance(result, dict) else result
    for credential in kept:  # for /verify?id= and the badge pages, as issued credentials are
        state.credentials.put(credential["id"], credential, issuer=issuer.issuer_id, subject=None)
    key = "verifiableCredential" if isinstance(result, dict) else "verifiableCredentials"
    return JSONResponse({key: result}, status_code=201)


@router.post(
    "/ob2/upgrade",
    status_code=201,
    summary="Bring Open Badges 2.0 badges forward to OB 3.0",
    responses=_RESPONSES,
)
async def upgrade_ob2(
    body: UpgradeRequest, request: Request, _: Annotated[Grant, authorized("issue")]
) -> JSONResponse:
    """Verify each OB 2.0 badge and re-issue it as an OB 3.0 OpenBadgeCredential signed by
    the service issuer (``issuer``, else the default), with the original assertion as
    evidence (its id, the SHA-256 of what was fetched, when it was checked). With ``clr``,
    one signed ClrCredential holding them all (each signed too), as the OB 3.0
    Implementation Guide shows. Fetching runs in a worker thread."""
    state: ServiceState = request.app.state.service
    try:
        issuer = state.issuer(body.issuer)
    except UnknownIssuerError as exc:
        return problem(404, str(exc))
    return await run_in_threadpool(_upgrade, state, issuer, body)
