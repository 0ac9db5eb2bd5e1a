"""Bring an Open Badges 2.0 badge forward: the issuer re-issues it as a signed OB 3.0
OpenBadgeCredential, as the OB 3.0 Implementation Guide's "Migrating from OB 2.0" section
shows. The BadgeClass becomes the Achievement (criteria, alignments, image), the recipient an
``IdentityObject`` (a hashed identity stays hashed), the OB 2.0 evidence stays evidence, and one
more Evidence item, typed ``https://w3id.org/openbadges#Assertion``, names the original
assertion, the SHA-256 of what was fetched and when it was checked. The OB 2.0 issuer id is
kept in the issuer's ``otherIdentifier``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from .._json import as_list
from .._time import format_datetime, parse_datetime
from ..issuance import issue
from ..keys import SigningKey
from .verify import Ob2Outcome

__all__ = ["OB2_ASSERTION_TYPE", "to_ob3", "upgrade"]

OB2_ASSERTION_TYPE = "https://w3id.org/openbadges#Assertion"
_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
_IDENTITY_TYPES = {"email": "emailAddress", "url": "url", "telephone": "phone"}
_ALIGNMENT = {
    "targetName": "targetName",
    "targetUrl": "targetUrl",
    "targetDescription": "targetDescription",
    "targetFramework": "targetFramework",
    "targetCode": "targetCode",
}


def _achievement(badge: dict[str, Any], issuer: dict[str, Any]) -> dict[str, Any]:
    criteria = badge.get("criteria")
    out: dict[str, Any] = {
        "id": badge["id"],
        "type": ["Achievement"],
        "name": badge.get("name", ""),
        "description": badge.get("description", ""),
        "criteria": {"id": criteria}
        if isinstance(criteria, str)
        else {k: v for k, v in (criteria or {}).items() if k in ("id", "narrative")},
        "creator": {"id": issuer["id"], "type": ["Profile"]},
    }
    image = badge.get("image")
    image_id = image.get("id") if isinstance(image, dict) else image
    if isinstance(image_id, str):
        out["image"] = {"id": image_id, "type": "Image"}
    alignments = [
        {"type": ["Alignment"], **{v: a[k] for k, v in _ALIGNMENT.items() if k in a}}
        for a in as_list(badge.get("alignment"))
        if isinstance(a, dict) and "targetName" in a and "targetUrl" in a
    ]
    if alignments:
        out["alignment"] = alignments
    return out


def _evidence(assertion: dict[str, Any], digest: str | None, checked: str) -> list[Any]:
    kept = [
        {
            "type": ["Evidence"],
            **{k: e[k] for k in ("id", "narrative", "name", "description") if k in e},
        }
        for e in as_list(assertion.get("evidence"))
        if isinstance(e, dict)
    ]
    kept += [
        {"type": ["Evidence"], "id": e}
        for e in as_list(assertion.get("evidence"))
        if isinstance(e, str)
    ]
    fetched = f" The hosted assertion fetched had SHA-256 {digest}." if digest else ""
    kept.append(
        {
            "type": ["Evidence", OB2_ASSERTION_TYPE],
            "id": assertion["id"],
            "name": "Original Open Badges 2.0 assertion for this credential",
            "description": "This credential was first issued as an Open Badges 2.0 assertion, "
            f"verified on {checked} and re-issued as Open Badges 3.0.{fetched}",
        }
    )
    return kept


def to_ob3(outcome: Ob2Outcome, *, issuer_id: str, checked_at: datetime) -> dict[str, Any]:
    """The unsigned OB 3.0 OpenBadgeCredential for a verified OB 2.0 badge.

    :param outcome: what :func:`~.verify.verify_ob2` found: no check may have failed (a
        revoked, expired, forged or unverifiable badge is not brought forward).
    :param issuer_id: the OB 3.0 issuer id (a DID the signing key belongs to).
    :raises ValueError: the badge did not verify.
    """
    failed = [f for f in outcome.findings if f.status in ("failed", "error")]
    if failed:
        reasons = "; ".join(f"{f.family}: {f.message}" for f in failed)
        raise ValueError(f"the badge does not verify, so it is not brought forward: {reasons}")
    if outcome.badge is None or outcome.issuer is None:
        raise ValueError("the OB 2.0 badge was not verified far enough to be brought forward")
    assertion, badge, issuer = outcome.assertion, outcome.badge, outcome.issuer
    recipient = assertion["recipient"]
    identity: dict[str, Any] = {
        "type": "IdentityObject",
        "hashed": bool(recipient.get("hashed")),
        "identityHash": recipient["identity"],
        "identityType": _IDENTITY_TYPES.get(recipient.get("type", ""), "identifier"),
    }
    if recipient.get("salt"):
        identity["salt"] = recipient["salt"]
    profile = {
        "id": issuer_id,
        "type": ["Profile"],
        **{k: issuer[k] for k in ("name", "url", "email") if isinstance(issuer.get(k), str)},
        "otherIdentifier": [
            {"type": "IdentifierEntry", "identifier": issuer["id"], "identifierType": "identifier"}
        ],
    }
    credential: dict[str, Any] = {
        "@context": list(_CONTEXT),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile,
        "validFrom": format_datetime(parse_datetime(assertion["issuedOn"])),
        "name": badge.get("name", ""),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identity],
            "achievement": _achievement(badge, issuer),
        },
        "evidence": _evidence(
            assertion, outcome.fetched.get(assertion["id"]), format_datetime(checked_at)
        ),
    }
    if assertion.get("expires"):
        credential["validUntil"] = format_datetime(parse_datetime(assertion["expires"]))
    return credential


def upgrade(
    outcome: Ob2Outcome,
    key: SigningKey,
    *,
    issuer_id: str | None = None,
    checked_at: datetime,
    verification_method: str | None = None,
) -> dict[str, Any]:
    """Re-issue a verified OB 2.0 badge as a signed OB 3.0 credential (Data Integrity,
    eddsa-rdfc-2022). ``issuer_id`` defaults to the key's did:key."""
    did = issuer_id or getattr(key, "did", None)
    if not isinstance(did, str):
        raise ValueError("give issuer_id: the key has no did:key")
    return issue(
        to_ob3(outcome, issuer_id=did, checked_at=checked_at),
        key,
        verification_method=verification_method,
        created=checked_at,
    )
