"""Who may do what: the OAuth2 token endpoint (RFC 6749 section 4.4, client credentials)
and the bearer-token check (RFC 6750) that guards issuing and status changes."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any
from urllib.parse import parse_qs, unquote_plus

from fastapi import APIRouter, Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2, SecurityScopes
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from .clients import KNOWN_SCOPES, SCOPES, ClientStore, Grant

__all__ = ["TOKEN_PATH", "authorized", "router"]

TOKEN_PATH = "/oauth2/token"  # noqa: S105 (a path, not a password)
FORM = "application/x-www-form-urlencoded"
router = APIRouter()

_scheme = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(tokenUrl=TOKEN_PATH, scopes=SCOPES)
    ),
    scheme_name="oauth2",
    description="OAuth2 client credentials: get a token at POST /oauth2/token with the "
    "client id and secret made by `openmicrocred clients add`.",
    auto_error=False,
)


def _store(request: Request) -> ClientStore:
    store: ClientStore = request.app.state.service.clients
    return store


def _unauthorized(detail: str, error: str | None = "invalid_token") -> HTTPException:
    challenge = f'Bearer realm="openmicrocred", error="{error}"' if error else "Bearer"
    return HTTPException(401, detail, headers={"WWW-Authenticate": challenge})


async def _grant(  # on the event loop: one indexed read, no thread hand-over
    request: Request,
    security_scopes: SecurityScopes,
    authorization: Annotated[str | None, Depends(_scheme)],
) -> Grant:
    scheme, _, token = (authorization or "").partition(" ")
    if not authorization:
        raise _unauthorized("this endpoint needs a bearer token (see /oauth2/token)", None)
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("send the token as Authorization: Bearer <token>")
    grant = _store(request).grant(token.strip())
    if grant is None:
        raise _unauthorized("the bearer token is invalid, expired or revoked")
    missing = " ".join(s for s in security_scopes.scopes if s not in grant.scopes)
    if missing:
        challenge = f'Bearer error="insufficient_scope", scope="{missing}"'
        raise HTTPException(
            403,
            f"the token does not carry the scope {missing}",
            headers={"WWW-Authenticate": challenge},
        )
    return grant


def authorized(scope: str) -> Any:
    """A dependency: the request's bearer token, which must carry ``scope``."""
    return Security(_grant, scopes=[scope])


class _TokenError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def _token_error(exc: _TokenError) -> JSONResponse:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="openmicrocred"'
    body = {"error": exc.error, "error_description": exc.description}
    return JSONResponse(body, status_code=exc.status, headers=headers)


def _form(body: bytes) -> dict[str, str]:
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise _TokenError("invalid_request", "the request body is not UTF-8") from None
    repeated = sorted(k for k, v in parsed.items() if len(v) > 1)
    if repeated:
        raise _TokenError("invalid_request", f"parameter given twice: {', '.join(repeated)}")
    return {k: v[0] for k, v in parsed.items()}


def _credentials(authorization: str | None, form: dict[str, str]) -> tuple[str, str]:
    """The client id and secret, from HTTP Basic (RFC 6749 section 2.3.1) or the form."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if authorization and scheme.lower() == "basic":
        if "client_secret" in form:
            raise _TokenError("invalid_request", "authenticate by one method only")
        try:
            pair = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise _TokenError("invalid_client", "malformed Basic credentials", 401) from None
        client_id, colon, secret = pair.partition(":")
        if not colon:
            raise _TokenError("invalid_client", "malformed Basic credentials", 401)
        return unquote_plus(client_id), unquote_plus(secret)
    if "client_id" in form and "client_secret" in form:
        return form["client_id"], form["client_secret"]
    raise _TokenError("invalid_client", "client authentication is required", 401)


def _asked_scopes(form: dict[str, str], allowed: tuple[str, ...]) -> list[str]:
    if "scope" not in form:
        return list(allowed)
    asked = list(dict.fromkeys(form["scope"].split()))
    unknown = [s for s in asked if s not in KNOWN_SCOPES]
    if unknown:
        raise _TokenError("invalid_scope", f"unknown scope {' '.join(unknown)}")
    refused = [s for s in asked if s not in allowed]
    if refused:
        raise _TokenError("invalid_scope", f"this client may not ask for {' '.join(refused)}")
    return asked or list(allowed)


def _token(store: ClientStore, ttl: int, authorization: str | None, body: bytes) -> JSONResponse:
    form = _form(body)
    grant_type = form.get("grant_type")
    if not grant_type:
        raise _TokenError("invalid_request", "grant_type is required")
    client_id, secret = _credentials(authorization, form)
    client = store.authenticate(client_id, secret)
    if client is None:
        raise _TokenError("invalid_client", "unknown client or wrong secret", 401)
    if grant_type != "client_credentials":
        raise _TokenError("unsupported_grant_type", "only client_credentials is supported")
    scopes = _asked_scopes(form, client.scopes)
    token = store.issue_token(client, scopes, ttl)
    body_out = {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": ttl,
        "scope": " ".join(scopes),
    }
    return JSONResponse(body_out, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.post(
    TOKEN_PATH,
    summary="Get an access token (OAuth2 client credentials)",
    response_class=JSONResponse,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["client_credentials"]},
                            "scope": {"type": "string", "description": "space-separated"},
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string", "format": "password"},
                        },
                    }
                }
            },
        }
    },
)
async def token(request: Request) -> JSONResponse:
    """RFC 6749 section 4.4: ``grant_type=client_credentials``, the client authenticated by
    HTTP Basic or by ``client_id`` and ``client_secret`` in the form, an optional ``scope``
    (default: every scope of the client). Errors as RFC 6749 section 5.2."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        return _token_error(_TokenError("invalid_request", f"send the request as {FORM}"))
    body = await request.body()
    state = request.app.state.service
    authorization = request.headers.get("authorization")
    try:
        answer: JSONResponse = await run_in_threadpool(
            _token, state.clients, state.settings.token_ttl_s, authorization, body
        )
    except _TokenError as exc:
        return _token_error(exc)
    return answer
