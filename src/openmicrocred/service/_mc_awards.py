"""Awards: the signed badge for a passing enrolment, its formats (JSON, JWT, baked PNG and
SVG, QR), a learner's badges and the programme figures."""

from __future__ import annotations

import copy
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..bake import bake
from ..errors import OpenMicrocredError, WorkflowError
from ..issuance import issue
from ..microcredential import AwardedBadge, award
from ..present import qr_png
from ..present.images import credential_badge
from ..storage import MicrocredentialStore, StoreConflictError
from ..storage.microcredentials import StoredAward, StoredEnrolment
from ._mc_common import Actor, ApiProblemError, now_text
from ._mc_definitions import load, workflow_model
from ._mc_journey import learner_record, load_enrolment
from ._wallet import offer_links, open_offer
from .issuers import IssuerState
from .state import ServiceState, UnknownIssuerError

__all__ = [
    "FORMATS",
    "award_json",
    "figures",
    "learner_badges",
    "make_award",
    "rendition",
    "verify_url",
]

FORMATS = ("json", "jwt", "png", "svg", "qr", "html")
VC_V2 = "https://www.w3.org/ns/credentials/v2"


def verify_url(base: str, badge_id: str) -> str:
    return f"{base}/verify?id={quote(badge_id, safe='')}"


def _links(base: str, badge_id: str) -> dict[str, str]:
    here = f"{base}/awards/{quote(badge_id, safe='')}"
    links = {f: f"{here}?format={f}" for f in FORMATS}
    links["verify"] = verify_url(base, badge_id)
    links["page"] = f"{base}/badges/{quote(badge_id, safe='')}"
    return links


@dataclass(frozen=True)
class OfferedAward(StoredAward):
    """A new award with its wallet offer's links (the one "add to wallet" link and QR)."""

    wallet: dict[str, Any] | None = None


def award_json(stored: StoredAward, base: str) -> dict[str, Any]:
    """The award as the API answers it, with the badge as the VC-API hands it out (and,
    when it was just made, its "add to wallet" offer)."""
    secured: dict[str, Any] = stored.credential
    if stored.format == "jwt":
        secured = {
            "@context": [VC_V2],
            "id": f"data:application/vc+jwt,{stored.jwt}",
            "type": "EnvelopedVerifiableCredential",
        }
    return {
        "id": stored.badge_id,
        "enrolmentId": stored.enrolment_id,
        "microcredential": stored.definition_key,
        "learner": stored.learner_id,
        "issuer": stored.issuer,
        "format": stored.format,
        "awardedAt": stored.awarded_at,
        "verifiableCredential": secured,
        "links": _links(base, stored.badge_id),
        **({"wallet": stored.wallet} if isinstance(stored, OfferedAward) else {}),
    }


def _issuer(state: ServiceState, name: str | None) -> IssuerState:
    try:
        return state.issuer(name)
    except UnknownIssuerError as exc:  # the settings changed since the definition was made
        raise ApiProblemError(409, f"cannot award: {exc}") from None


def _both(issuer: IssuerState, awarded: AwardedBadge) -> tuple[dict[str, Any], str]:
    """The badge secured both ways: Data Integrity JSON and VC-JWT (one id, one entry)."""
    if awarded.jwt is not None:
        di = issue(
            copy.deepcopy(awarded.credential),
            issuer.key,
            verification_method=issuer.verification_method,
        )
        return di, awarded.jwt
    unsigned = {k: v for k, v in copy.deepcopy(awarded.credential).items() if k != "proof"}
    jwt = issue(unsigned, issuer.key, format="jwt", verification_method=issuer.verification_method)
    return awarded.credential, jwt


def _sign(
    state: ServiceState, db: MicrocredentialStore, enrolment: StoredEnrolment, fmt: str
) -> tuple[IssuerState, AwardedBadge, dict[str, Any], str]:
    definition = load(db, enrolment.definition_key)
    record, _ = learner_record(db, enrolment)
    if record.passed is None:
        last = record.attempts[-1].assessment if record.attempts else None
        why = "; ".join(last.reasons) if last else "nothing has been assessed yet"
        raise ApiProblemError(409, f"the learner has not passed: {why}")
    issuer = _issuer(state, definition.issuer)
    badge_id = f"urn:uuid:{uuid.uuid4()}"
    issuer.allocate(badge_id, ["revocation"])  # publishes a new list when one is started
    try:
        awarded = award(
            workflow_model(definition),
            record,
            issuer=issuer.profile,
            key=issuer.key,
            verification_method=issuer.verification_method,
            registry=issuer.registry,
            credential_id=badge_id,
            format="jwt" if fmt == "jwt" else "di",
        )
        di, jwt = _both(issuer, awarded)
    except WorkflowError as exc:
        raise ApiProblemError(409, str(exc)) from None
    except (OpenMicrocredError, ValueError) as exc:
        raise ApiProblemError(422, f"the badge cannot be signed: {exc}") from None
    return issuer, awarded, di, jwt


def make_award(
    state: ServiceState, db: MicrocredentialStore, enrolment_id: str, fmt: str, who: Actor
) -> StoredAward:
    """Sign the badge for a passing enrolment and keep it: the award row and the
    credential (for ``/verify?id=`` and ``/badges/{id}``) together, or neither."""
    enrolment = load_enrolment(db, enrolment_id)
    existing = db.award_for(enrolment_id)
    if existing is not None:
        raise ApiProblemError(409, f"awarded already: {existing.badge_id}", badge=existing.badge_id)
    issuer, awarded, di, jwt = _sign(state, db, enrolment, fmt)
    stored = StoredAward(
        badge_id=awarded.id,
        enrolment_id=enrolment_id,
        definition_key=enrolment.definition_key,
        learner_id=enrolment.learner_id,
        issuer=issuer.issuer_id,
        format=fmt,
        credential=di,
        jwt=jwt,
        awarded_at=now_text(),
        client_id=who.client_id,
    )

    def keep() -> None:
        state.credentials.put(
            stored.badge_id, stored.carrier, issuer=issuer.issuer_id, subject=stored.learner_id
        )

    try:
        db.record_award(stored, then=keep)
    except StoreConflictError as exc:
        raise ApiProblemError(409, str(exc), **exc.extra) from None
    offer, _ = open_offer(state, stored.badge_id, issuer.issuer_id)  # one offer per award
    return OfferedAward(**vars(stored), wallet=offer_links(state, offer))


def _title(stored: StoredAward) -> tuple[str, str]:
    subject = stored.credential.get("credentialSubject", {})
    achievement = subject.get("achievement", {}) if isinstance(subject, dict) else {}
    name = str(stored.credential.get("name") or achievement.get("name") or "Badge")
    issuer = stored.credential.get("issuer", {})
    by = str(issuer.get("name", "")) if isinstance(issuer, dict) else ""
    return name, by


def rendition(stored: StoredAward, fmt: str, base: str) -> tuple[bytes, str, str]:
    """The badge in one format: its bytes, media type and file name extension."""
    carrier = stored.carrier
    if fmt == "json":
        body = json.dumps(stored.credential, ensure_ascii=False, indent=2).encode()
        return body, "application/vc+ld+json", "json"
    if fmt == "jwt":
        return stored.jwt.encode("ascii"), "application/vc+jwt", "jwt"
    if fmt == "png":
        return bake(credential_badge(carrier, size=256), carrier), "image/png", "png"
    if fmt == "svg":
        return bake(credential_badge(carrier, format="svg"), carrier), "image/svg+xml", "svg"
    return qr_png(verify_url(base, stored.badge_id)), "image/png", "qr.png"


def learner_badges(
    state: ServiceState, db: MicrocredentialStore, learner_id: str, base: str
) -> dict[str, Any]:
    """The micro-credentials awarded to a learner, then any other credential the service
    issued to that subject (through the VC-API)."""
    awards = db.awards_for_learner(learner_id)
    badges = []
    for a in awards:
        name, by = _title(a)
        badges.append({**award_json(a, base), "name": name, "issuerName": by or None})
    known = {a.badge_id for a in awards}
    others = [
        {
            "id": c.id,
            "issuer": c.issuer,
            "format": "jwt" if isinstance(c.carrier, str) else "di",
            "issuedAt": c.issued_at,
            "links": {"verify": verify_url(base, c.id)},
        }
        for c in state.credentials.for_subject(learner_id)
        if c.id not in known
    ]
    return {"learner": learner_id, "badges": badges, "otherCredentials": others}


def _counts() -> dict[str, int]:
    return {"applied": 0, "submitted": 0, "awarded": 0}


def figures(db: MicrocredentialStore, year: int | None) -> dict[str, Any]:
    """The programme figures the KMUTT study reports: learners who applied (enrolled),
    submitted and were awarded, by enrolment year and by category, and the totals."""
    total = _counts()
    by_year: dict[int, dict[str, int]] = defaultdict(_counts)
    by_category: dict[str, dict[str, int]] = defaultdict(_counts)
    cells = []
    for y, category, applied, submitted, awarded in db.figures(year):
        values = {"applied": applied, "submitted": submitted, "awarded": awarded}
        cells.append({"year": y, "category": category, **values})
        for target in (total, by_year[y], by_category[category]):
            for k, v in values.items():
                target[k] += v
    return {
        "year": year,
        "totals": total,
        "byYear": [{"year": y, **by_year[y]} for y in sorted(by_year)],
        "byCategory": [{"category": c, **by_category[c]} for c in sorted(by_category)],
        "byYearAndCategory": cells,
    }
