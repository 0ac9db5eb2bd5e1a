"""What the two wallet hand-overs share: the offer made for an award, its links (the
chooser page, the OpenID4VCI deep link, the VC-API deep link), the credential
configurations, and the badge signed again with its subject bound to the holder's DID."""

from __future__ import annotations

import copy
import json
import secrets
from typing import Any, Literal
from urllib.parse import quote, urlencode

from .._json import as_list
from ..errors import OpenMicrocredError
from ..issuance import issue
from ..storage.offers import OfferRecord
from ..suites.vc_jwt import verify_jwt
from .issuers import IssuerState
from .state import ServiceState, UnknownIssuerError

__all__ = [
    "CONFIGURATIONS",
    "PRE_AUTHORIZED_GRANT",
    "NotDeliverableError",
    "bound_credential",
    "credential_issuer",
    "credential_offer",
    "lcw_link",
    "offer_links",
    "oid4vci_link",
    "open_offer",
    "wallet_page",
]

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_TTL_S = 14 * 24 * 3600
"""How long an award's offer lasts (the link in the award e-mail): 14 days."""
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
LCW_APP_LINK = "https://lcw.app/mobile"
"""The Learner Credential Wallet's universal link (its config.ts, ``universalAppLink``)."""

Format = Literal["ldp_vc", "jwt_vc_json"]
_DEFINITION = {"type": ["VerifiableCredential", "OpenBadgeCredential"]}
_BINDING = {
    "cryptographic_binding_methods_supported": ["did:key", "jwk"],
    "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA", "ES256"]}},
}
CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "OpenBadgeCredential_ldp_vc": {
        "format": "ldp_vc",
        "credential_definition": {"@context": [VC_V2, OB_CONTEXT], **_DEFINITION},
        "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
        **_BINDING,
        "credential_metadata": {
            "display": [{"name": "Open Badge (Data Integrity)", "locale": "en"}]
        },
    },
    "OpenBadgeCredential_jwt_vc_json": {
        "format": "jwt_vc_json",
        "credential_definition": dict(_DEFINITION),
        "credential_signing_alg_values_supported": ["EdDSA"],
        **_BINDING,
        "credential_metadata": {"display": [{"name": "Open Badge (VC-JWT)", "locale": "en"}]},
    },
}
"""OpenID4VCI 1.0 ``credential_configurations_supported`` (Appendix A.1): one badge, as
``ldp_vc`` (eddsa-rdfc-2022) or ``jwt_vc_json`` (VC-JWT, EdDSA)."""


class NotDeliverableError(Exception):
    """The badge behind an offer cannot be handed out (gone, or its issuer unknown)."""


def credential_issuer(state: ServiceState) -> str:
    """The Credential Issuer Identifier: the service's public base URL."""
    return state.settings.base_url.rstrip("/")


def open_offer(
    state: ServiceState, badge_id: str, issuer_id: str, *, tx_code: bool = False
) -> tuple[OfferRecord, str | None]:
    """A new offer for a badge (closing any earlier open one), and its transaction code
    (six digits, shown once) when ``tx_code``. A PIN-protected offer has no VC-API exchange,
    which has no place for the PIN."""
    pin = f"{secrets.randbelow(10**6):06d}" if tx_code else None
    offer = state.offers.create_offer(
        badge_id, issuer_id, ttl_s=OFFER_TTL_S, tx_code=pin, exchange=pin is None
    )
    return offer, pin


def credential_offer(state: ServiceState, offer: OfferRecord) -> dict[str, Any]:
    """The Credential Offer object (OpenID4VCI 1.0 §4.1.1)."""
    grant: dict[str, Any] = {"pre-authorized_code": offer.pre_code}
    if offer.needs_tx_code:
        grant["tx_code"] = {
            "input_mode": "numeric",
            "length": offer.tx_code_length,
            "description": "The six-digit code the issuer sent you with the award",
        }
    return {
        "credential_issuer": credential_issuer(state),
        "credential_configuration_ids": list(CONFIGURATIONS),
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


def oid4vci_link(state: ServiceState, offer: OfferRecord, *, by_value: bool = False) -> str:
    """``openid-credential-offer://?credential_offer_uri=...`` (or ``credential_offer=``)."""
    if by_value:
        body = json.dumps(credential_offer(state, offer), separators=(",", ":"))
        return "openid-credential-offer://?" + urlencode({"credential_offer": body})
    uri = f"{credential_issuer(state)}/oid4vci/offers/{offer.id}"
    return "openid-credential-offer://?" + urlencode({"credential_offer_uri": uri})


def exchange_url(state: ServiceState, exchange_id: str) -> str:
    return f"{credential_issuer(state)}/exchanges/{exchange_id}"


def lcw_link(state: ServiceState, offer: OfferRecord) -> str | None:
    """The Learner Credential Wallet deep link: its ``request`` parameter is a CHAPI-style
    credential request naming the VC-API exchange (``protocols.vcapi``)."""
    if offer.exchange_id is None:
        return None
    request = {
        "credentialRequestOrigin": credential_issuer(state),
        "protocols": {"vcapi": exchange_url(state, offer.exchange_id)},
    }
    return f"{LCW_APP_LINK}?" + urlencode({"request": json.dumps(request, separators=(",", ":"))})


def wallet_page(state: ServiceState, offer: OfferRecord) -> str:
    """The chooser page behind the one "add to wallet" link and QR code."""
    return f"{credential_issuer(state)}/wallet/{quote(offer.id, safe='')}"


def offer_links(state: ServiceState, offer: OfferRecord) -> dict[str, Any]:
    """The offer's links, for the award answer: the chooser page and its QR code, the
    OpenID4VCI offer by reference and by value (for wallets that cannot fetch the offer
    first), and the Learner Credential Wallet link (``None`` for a PIN-protected offer)."""
    page = wallet_page(state, offer)
    badge = f"{credential_issuer(state)}/badges/{quote(offer.badge_id, safe='')}"
    links: dict[str, Any] = {
        "wallet": page,
        # the badge page with its "add to wallet" button: for the learner alone
        "badgePage": f"{badge}?{urlencode({'offer': offer.id})}",
        "walletQr": f"{page}?format=qr",
        "oid4vci": oid4vci_link(state, offer),
        "oid4vciByValue": oid4vci_link(state, offer, by_value=True),
        "vcapi": lcw_link(state, offer),
        "expiresAt": int(offer.expires_at),
    }
    return links


def _issuer(state: ServiceState, offer: OfferRecord) -> IssuerState:
    try:
        return state.issuer_by_id(offer.issuer)
    except UnknownIssuerError as exc:
        raise NotDeliverableError(str(exc)) from None


def _unsigned(state: ServiceState, issuer: IssuerState, badge_id: str) -> dict[str, Any]:
    stored = state.credentials.get(badge_id)
    if stored is None:
        raise NotDeliverableError(f"the badge {badge_id} is no longer kept by this service")
    carrier = stored.carrier
    if isinstance(carrier, str):  # a VC-JWT this service signed: checked with its own key
        credential = dict(verify_jwt(carrier, key=issuer.key.public_key).credential)
    else:
        credential = copy.deepcopy(carrier)
    credential.pop("proof", None)
    return credential


def bound_credential(
    state: ServiceState, offer: OfferRecord, holder: str, fmt: Format
) -> dict[str, Any] | str:
    """The offer's badge signed again by its issuer, ``credentialSubject.id`` set to the
    holder's DID (the id, status entry and everything else as awarded)."""
    issuer = _issuer(state, offer)
    credential = _unsigned(state, issuer, offer.badge_id)
    subjects = as_list(credential.get("credentialSubject"))
    if len(subjects) != 1 or not isinstance(subjects[0], dict):
        raise NotDeliverableError("the badge has not exactly one credentialSubject object")
    credential["credentialSubject"] = {**subjects[0], "id": holder}
    try:
        return issue(
            credential,
            issuer.key,
            format="jwt" if fmt == "jwt_vc_json" else "di",
            verification_method=issuer.verification_method,
        )
    except (OpenMicrocredError, ValueError) as exc:
        raise NotDeliverableError(f"the badge cannot be signed: {exc}") from None
