"""The did:web documents of the service's did:web issuers, where did:web resolution looks
for them (``/.well-known/did.json``, or ``/{path}/did.json`` for ``did:web:host:path``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..did.web import did_web_url
from .problems import problem
from .state import ServiceState

__all__ = ["router"]

router = APIRouter()


def _document(state: ServiceState, path: str) -> JSONResponse:
    for issuer in state.issuers.values():
        document = issuer.did_document()
        if document is not None and urlsplit(did_web_url(issuer.issuer_id)).path == path:
            return JSONResponse(
                document,
                media_type="application/did+json",
                headers={"Cache-Control": "public, max-age=300"},
            )
    return problem(404, f"no DID document at {path}")


@router.get("/.well-known/did.json", summary="The DID document of a did:web issuer")
def well_known_did(request: Request) -> JSONResponse:
    """The document of the issuer whose id is ``did:web:<this host>``."""
    return _document(request.app.state.service, "/.well-known/did.json")


@router.get("/{path:path}/did.json", summary="The DID document of a did:web issuer with a path")
def path_did(path: str, request: Request) -> JSONResponse:
    """The document of the issuer whose id is ``did:web:<host>:<path with : for />``."""
    return _document(request.app.state.service, f"/{path}/did.json")
