"""The ASGI application: routes, error handling (problem+json, never a stack trace)."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from .._version import __version__
from .dids import router as dids_router
from .exchanges import router as exchanges_router
from .microcredentials import router as microcredentials_router
from .ob2 import router as ob2_router
from .oid4vci import FORM_PATHS as WALLET_FORM_PATHS
from .oid4vci import router as oid4vci_router
from .pages import PAGE_FORM_PATHS, browser_redirect
from .pages import router as pages_router
from .problems import BodyGuard, json_path, problem
from .ratelimit import RateLimit, TokenBuckets
from .security import TOKEN_PATH
from .security import router as token_router
from .settings import Settings
from .state import ServiceState
from .vcapi import router
from .wallet import router as wallet_router

__all__ = ["SETTINGS_ENV", "app_from_environment", "create_app"]

SETTINGS_ENV = "OPENMICROCRED_SERVICE_SETTINGS"
"""The environment variable through which ``openmicrocred serve`` hands its settings (as
JSON) to worker processes: see :func:`app_from_environment`."""
OPEN_PATHS = frozenset(
    {"/credentials/verify", "/presentations/verify", TOKEN_PATH, "/verify", "/badges/"}
    | {"/oid4vci/token", "/exchanges/"}  # wallets: the PIN and DID authentication
)
"""The open endpoints that do work for anyone: rate-limited per client address (a path
ending in ``/`` is a prefix)."""

_log = logging.getLogger("openmicrocred.service")


def _validation_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        where = errors[0].get("ctx", {}).get("error", "")
        return problem(400, f"the request body is not valid JSON ({where})".replace(" ()", ""))
    listed = [
        {"path": json_path([p for p in e.get("loc", ()) if p != "body"]), "message": e["msg"]}
        for e in errors
    ]
    first = listed[0] if listed else {"path": "$", "message": "invalid"}
    return problem(422, f"invalid request: {first['path']}: {first['message']}", errors=listed)


def _http_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "error"
    if exc.status_code == 404:
        detail = f"no such endpoint: {request.method} {request.url.path}"
    return problem(exc.status_code, detail, headers=dict(exc.headers or {}))


def _internal_problem(request: Request, exc: Exception) -> JSONResponse:
    _log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal error; the details are in the server log")


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], float] | None = None
) -> FastAPI:
    """The service as an ASGI application; creates the data directory on first start.
    ``clock`` (seconds since the epoch) decides when access tokens expire."""
    settings = settings or Settings()
    state = ServiceState(settings) if clock is None else ServiceState(settings, clock=clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="openmicrocred",
        version=__version__,
        description="A W3C CCG VC-API issuer, verifier and Bitstring Status List service "
        "for Open Badges 3.0 micro-credentials.",
        lifespan=lifespan,
    )
    app.state.service = state
    app.include_router(token_router)
    app.include_router(router)
    app.include_router(microcredentials_router)
    app.include_router(pages_router)
    app.include_router(oid4vci_router)
    app.include_router(exchanges_router)
    app.include_router(wallet_router)
    app.include_router(ob2_router)
    app.include_router(dids_router)  # last: its /{path}/did.json must not shadow others
    app.add_exception_handler(RequestValidationError, _validation_problem)
    app.add_exception_handler(HTTPException, _http_problem)
    app.add_exception_handler(Exception, _internal_problem)
    app.add_middleware(
        BodyGuard,
        max_bytes=settings.max_body_bytes,
        form_paths=PAGE_FORM_PATHS | WALLET_FORM_PATHS | {TOKEN_PATH},
    )
    if settings.rate_limit_per_s > 0:
        buckets = TokenBuckets(settings.rate_limit_per_s, settings.rate_limit_burst)
        app.add_middleware(RateLimit, buckets=buckets, paths=OPEN_PATHS)

    @app.get("/", summary="What this service is", response_model=None)
    def root(request: Request) -> dict[str, Any] | Response:
        """What this service is (JSON); a browser, which prefers HTML, is sent on to the
        verification page (303 to ``/verify``)."""
        redirect = browser_redirect(request)
        return state.describe() if redirect is None else redirect

    return app


def app_from_environment() -> FastAPI:
    """The application built from the settings in ``$OPENMICROCRED_SERVICE_SETTINGS``
    (JSON, as :meth:`Settings.model_dump_json` writes it): the factory each uvicorn worker
    process calls (``openmicrocred.service.app:app_from_environment``, ``factory=True``)."""
    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        raise RuntimeError(f"${SETTINGS_ENV} is not set (openmicrocred serve sets it)")
    return create_app(Settings.model_validate_json(raw))
