"""``/wallet/{offer}``: the small chooser page behind an award's one "add to wallet" link
and QR code, with the OpenID4VCI deep link and the Learner Credential Wallet (VC-API)
deep link, each with its own QR code; ``?format=qr`` is the QR code of the page itself."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from .._json import as_list
from ..errors import OpenMicrocredError
from ..present import qr_png, qr_svg
from ..present.pages import style_source
from ..storage.offers import OfferRecord
from ..suites.vc_jwt import verify_jwt
from ._wallet import lcw_link, oid4vci_link, wallet_page
from .pages import page_headers
from .state import ServiceState, UnknownIssuerError

__all__ = ["router"]

router = APIRouter(tags=["wallet"])
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("openmicrocred.present", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


def _credential(state: ServiceState, badge_id: str) -> dict[str, Any] | None:
    """The stored badge as JSON (a VC-JWT read with its issuer's own key), or ``None``."""
    stored = state.credentials.get(badge_id)
    if stored is None:
        return None
    if isinstance(stored.carrier, dict):
        return stored.carrier
    try:
        key = state.issuer_by_id(stored.issuer).key.public_key
        return dict(verify_jwt(stored.carrier, key=key).credential)
    except (UnknownIssuerError, OpenMicrocredError):
        return None


def _name(state: ServiceState, badge_id: str) -> str:
    carrier = _credential(state, badge_id)
    if carrier is None:
        return "your badge"
    subject: Any = next(iter(as_list(carrier.get("credentialSubject"))), {})
    achievement = subject.get("achievement", {}) if isinstance(subject, dict) else {}
    name = carrier.get("name") or (
        achievement.get("name") if isinstance(achievement, dict) else None
    )
    return str(name) if name else "your badge"


def _why_not(state: ServiceState, offer: OfferRecord | None) -> str | None:
    if offer is None:
        return "There is no such offer."
    if offer.state == "delivered":
        return "The badge has been added to a wallet already."
    if offer.state == "closed":
        return "The offer was withdrawn or replaced by a newer one."
    if offer.state == "token" or not state.offers.is_live(offer):
        return "The offer has expired or is being used."
    return None


def _context(state: ServiceState, offer: OfferRecord) -> dict[str, Any]:
    oid4vci = oid4vci_link(state, offer)
    vcapi = lcw_link(state, offer)
    expires = datetime.fromtimestamp(offer.expires_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return {
        "oid4vci": oid4vci,
        "oid4vci_qr": Markup(qr_svg(oid4vci).decode()),  # noqa: S704 (our own SVG)
        "vcapi": vcapi,
        "vcapi_qr": Markup(qr_svg(vcapi).decode()) if vcapi else None,  # noqa: S704
        "tx_code": offer.needs_tx_code,
        "expires": expires,
    }


@router.get("/wallet/{offer_id}", response_model=None, summary="Add a badge to a wallet")
def wallet_chooser(
    offer_id: str, request: Request, format: Annotated[str | None, Query()] = None
) -> Response:
    """The chooser page (HTML); ``?format=qr``: a PNG QR code of this page's URL."""
    state = _state(request)
    offer = state.offers.offer(offer_id)
    if format == "qr":
        if offer is None:
            return Response("no such offer", status_code=404, media_type="text/plain")
        return Response(qr_png(wallet_page(state, offer)), media_type="image/png")
    reason = _why_not(state, offer)
    context: dict[str, Any] = {"open": reason is None, "reason": reason or "", "badge_page": None}
    context.update(
        {"oid4vci": "", "oid4vci_qr": "", "vcapi": None, "vcapi_qr": None, "tx_code": False}
    )
    context["expires"] = ""
    name = "your badge"
    if offer is not None:
        name = _name(state, offer.badge_id)
        context["badge_page"] = f"/badges/{quote(offer.badge_id, safe='')}"
        if reason is None:
            context.update(_context(state, offer))
    style = Markup(style_source())  # noqa: S704 (the package's own CSS)
    body = _ENV.get_template("wallet.html.j2").render(name=name, style=style, **context)
    status = 200 if reason is None else (404 if offer is None else 410)
    return HTMLResponse(body, status_code=status, headers=page_headers())
