"""Open Badges 2.0 input: the findings of :mod:`openmicrocred.ob2.verify` as a
:class:`~.report.VerificationReport`, with the same checks, verdicts and words as OB 3.0."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from .._json import as_list
from .._time import format_datetime
from ..fetch import Fetcher
from ..ob2.verify import Ob2Outcome, verify_ob2
from .inputs import LoadedCredential
from .report import (
    CheckCode,
    CheckName,
    CheckStatus,
    CredentialDisplay,
    VerificationReport,
    make_check,
)
from .verdict import verdict

__all__ = ["verify_ob2_loaded"]


def _display(outcome: Ob2Outcome) -> CredentialDisplay:
    badge = outcome.badge or {}
    issuer = outcome.issuer or {}
    assertion = outcome.assertion
    return CredentialDisplay(
        id=assertion.get("id"),
        type=[str(t) for t in as_list(assertion.get("type"))],
        name=badge.get("name"),
        description=badge.get("description"),
        issuer={k: issuer[k] for k in ("id", "name", "url", "email") if k in issuer},
        achievement={k: badge[k] for k in ("id", "name", "description", "criteria") if k in badge},
        awarded_date=assertion.get("issuedOn"),
        valid_until=assertion.get("expires"),
        image=badge.get("image") if isinstance(badge.get("image"), str) else None,
    )


def verify_ob2_loaded(
    loaded: LoadedCredential,
    fetcher: Fetcher,
    now: datetime,
    clock_skew: timedelta,
    recipient: tuple[str | None, str],
) -> VerificationReport:
    """Verify an OB 2.0 assertion as loaded (JSON, JWS, baked image or URL)."""
    expected, identity_type = recipient
    outcome = verify_ob2(
        loaded.credential,
        jws=loaded.jwt,
        fetcher=fetcher,
        now=now,
        clock_skew=clock_skew,
        recipient=(expected, identity_type) if expected is not None else None,
    )
    checks = [
        make_check(CheckName(f.family), CheckStatus(f.status), CheckCode(f.code), f.message, f.path)
        for f in outcome.findings
    ]
    outcome_verdict = verdict(checks)
    # An OB 2.0 JWS is not a VC-JWT ("jws"); a hosted badge has no proof ("none"), the proof
    # check says how it was verified.
    proof: Literal["jws", "none"] = "jws" if loaded.jwt is not None else "none"
    credential: dict[str, Any] = outcome.assertion
    return VerificationReport(
        verified=outcome_verdict.value == "verified",
        verdict=outcome_verdict,
        checks=checks,
        source=loaded.source,
        carrier=loaded.carrier,
        proof_format=proof,
        credential=credential,
        display=_display(outcome),
        checked_at=format_datetime(now),
    )
