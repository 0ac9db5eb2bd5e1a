"""Stack a learner's badges into a signed CLR 2.0 ``ClrCredential``.

Each included credential stays independently signed ("another onion layer"); the CLR adds
its own proof and the associations between achievements, e.g. micro-credentials that are
``isPartOf`` a certificate, or one level that ``precedes`` the next.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .._time import format_datetime
from ..issuance import issue
from ..keys import Ed25519Key
from ..models.vocab import ASSOCIATION_TYPES

__all__ = ["CLR_CONTEXT", "Association", "stack"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@dataclass(frozen=True)
class Association:
    """``source`` stands in ``kind`` relation to ``target`` (achievement ids)."""

    kind: str
    source: str
    target: str

    def to_json(self) -> dict[str, Any]:
        if self.kind not in ASSOCIATION_TYPES:
            raise ValueError(
                f"{self.kind!r} is not a CLR associationType "
                f"({', '.join(sorted(ASSOCIATION_TYPES))})"
            )
        return {
            "type": "Association",
            "associationType": self.kind,
            "sourceId": self.source,
            "targetId": self.target,
        }


def _achievement_id(credential: dict[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    value = achievement.get("id") if isinstance(achievement, dict) else None
    return value if isinstance(value, str) else None


def stack(
    credentials: Sequence[dict[str, Any]],
    *,
    name: str,
    issuer: dict[str, Any],
    key: Ed25519Key,
    learner: str | None = None,
    associations: Sequence[Association] = (),
    achievements: Sequence[dict[str, Any]] = (),
    verification_method: str | None = None,
    credential_id: str | None = None,
    partial: bool | None = None,
    description: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Bundle signed credentials of one learner into a signed ClrCredential.

    :param credentials: the signed AchievementCredentials (embedded-proof JSON).
    :param achievements: achievement definitions to list as well, e.g. the certificate the
        micro-credentials are part of.
    :param associations: relations between achievement ids (included or listed).
    :param partial: ``True`` if the CLR does not hold all of the learner's achievements.
    :raises ValueError: no credentials, an unsigned one, or an association that names an
        achievement the CLR does not contain.
    """
    if not credentials:
        raise ValueError("a CLR holds at least one credential")
    for i, credential in enumerate(credentials):
        if "proof" not in credential:
            raise ValueError(f"credential {i} is not signed; a CLR embeds signed credentials")
    known = {a for a in (_achievement_id(c) for c in credentials) if a}
    known |= {a["id"] for a in achievements if isinstance(a.get("id"), str)}
    for association in associations:
        for end in (association.source, association.target):
            if end not in known:
                raise ValueError(f"association names {end!r}, which the CLR does not contain")
    stamp = (now or datetime.now(UTC)).replace(microsecond=0)
    subject: dict[str, Any] = {}
    if learner:
        subject["id"] = learner
    subject["type"] = ["ClrSubject"]
    subject["verifiableCredential"] = list(credentials)
    if achievements:
        subject["achievement"] = list(achievements)
    if associations:
        subject["association"] = [a.to_json() for a in associations]
    clr: dict[str, Any] = {
        "@context": [VC_V2, CLR_CONTEXT, OB_303],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"type": ["Profile"], **issuer},
        "validFrom": format_datetime(stamp),
        "name": name,
    }
    if description:
        clr["description"] = description
    if partial is not None:
        clr["partial"] = partial
    clr["credentialSubject"] = subject
    return issue(clr, key, verification_method=verification_method, created=stamp)
