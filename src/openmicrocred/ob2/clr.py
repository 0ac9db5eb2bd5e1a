"""Upgraded Open Badges 2.0 badges carried in a CLR 2.0 ``ClrCredential``.

The OB 3.0 Implementation Guide ("Including older Open Badges in CLR 2.0") has a CLR issuer
represent OB 2.0 badges as OB 3.0 ``OpenBadgeCredential``\\ s that name the original
assertion as evidence (see :mod:`.upgrade`). When the CLR issuer is the issuer of the
originals, it signs each upgraded credential (with the key it signs the CLR with); this module
builds that form. The guide's other case, a CLR issuer carrying a third party's badges
unsigned, is left out: a verifier cannot tell those from forgeries, and ours fails a CLR
whose included credentials do not verify.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .._time import format_datetime
from ..issuance import issue
from ..keys import SigningKey
from .upgrade import upgrade
from .verify import Ob2Outcome

__all__ = ["CLR_CONTEXTS", "upgrade_into_clr"]

CLR_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def upgrade_into_clr(
    outcomes: Sequence[Ob2Outcome],
    key: SigningKey,
    *,
    name: str,
    checked_at: datetime,
    learner: str | None = None,
    issuer_id: str | None = None,
    issuer_name: str | None = None,
    verification_method: str | None = None,
) -> dict[str, Any]:
    """A signed ClrCredential holding each verified OB 2.0 badge re-issued as a signed OB 3.0
    credential (each with the original assertion as evidence), all signed with ``key``.

    :param outcomes: what :func:`~.verify.verify_ob2` found for each badge (all the same
        issuer's, who is the one re-issuing them).
    :param learner: the learner's id for the CLR subject, if known.
    :param issuer_name: the CLR issuer's name (default: the first OB 2.0 issuer's).
    :raises ValueError: no badges, or one not verified far enough to be brought forward.
    """
    if not outcomes:
        raise ValueError("a CLR holds at least one credential")
    did = issuer_id or getattr(key, "did", None)
    if not isinstance(did, str):
        raise ValueError("give issuer_id: the key has no did:key")
    upgraded = [
        upgrade(
            outcome,
            key,
            issuer_id=did,
            checked_at=checked_at,
            verification_method=verification_method,
        )
        for outcome in outcomes
    ]
    first_name = (outcomes[0].issuer or {}).get("name")
    issuer: dict[str, Any] = {"id": did, "type": ["Profile"]}
    if isinstance(issuer_name or first_name, str):
        issuer["name"] = issuer_name or first_name
    subject: dict[str, Any] = {"id": learner} if learner else {}
    subject |= {"type": ["ClrSubject"], "verifiableCredential": upgraded}
    clr: dict[str, Any] = {
        "@context": list(CLR_CONTEXTS),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(checked_at),
        "name": name,
        "credentialSubject": subject,
    }
    return issue(clr, key, verification_method=verification_method, created=checked_at)
