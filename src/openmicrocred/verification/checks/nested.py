"""Credentials inside the credential: endorsements (of the credential, its achievement and
its issuer) and the credentials a CLR carries. Each is verified on its own through the
``verify_one`` callable the verifier passes, so this module never imports the verifier."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..._json import as_list
from ...errors import OpenMicrocredError
from ...types import JSONObject
from ..inputs import LoadedCredential, load_credential
from ..report import Check, CheckCode, CheckName, CheckStatus, VerificationReport, make_check

__all__ = ["NestedOutcome", "VerifyOne", "endorsements", "included"]

VerifyOne = Callable[[LoadedCredential], VerificationReport]
"""Verifies one nested credential, one level deeper than the credential that holds it."""


@dataclass(frozen=True)
class NestedOutcome:
    """The check for a family of nested credentials and the report of each one."""

    check: Check | None
    reports: list[VerificationReport] = field(default_factory=list)


def _found_endorsements(credential: JSONObject) -> list[LoadedCredential]:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    holders = [
        ("$", credential),
        ("$.credentialSubject.achievement", achievement),
        ("$.issuer", credential.get("issuer")),
    ]
    found: list[LoadedCredential] = []
    for where, holder in holders:
        if not isinstance(holder, dict):
            continue
        for i, e in enumerate(as_list(holder.get("endorsement"))):
            if isinstance(e, dict):
                found.append(LoadedCredential(e, None, "json", f"{where}.endorsement[{i}]"))
        for i, token in enumerate(as_list(holder.get("endorsementJwt"))):
            if isinstance(token, str):
                try:
                    loaded = load_credential(token)
                except OpenMicrocredError:
                    continue
                found.append(
                    LoadedCredential(
                        loaded.credential, token, "jwt", f"{where}.endorsementJwt[{i}]"
                    )
                )
    return found


def _endorsement(status: CheckStatus, code: CheckCode, message: str) -> Check:
    return make_check(CheckName.ENDORSEMENTS, status, code, message, severity="warning")


def endorsements(
    credential: JSONObject, verify_one: VerifyOne, *, depth: int, max_depth: int
) -> NestedOutcome:
    """Verify every endorsement (a warning-level check: an endorsement adds, never takes)."""
    found = _found_endorsements(credential)
    if not found:
        return NestedOutcome(
            _endorsement(CheckStatus.SKIPPED, CheckCode.NO_ENDORSEMENTS, "no endorsements")
        )
    if depth >= max_depth:
        return NestedOutcome(
            _endorsement(
                CheckStatus.SKIPPED,
                CheckCode.ENDORSEMENT_DEPTH,
                f"{len(found)} endorsement(s) not checked (depth limit)",
            )
        )
    reports = [verify_one(e) for e in found]
    good = sum(r.verified for r in reports)
    if good == len(reports):
        return NestedOutcome(
            _endorsement(
                CheckStatus.PASSED, CheckCode.ENDORSEMENTS_OK, f"{good} endorsement(s) verified"
            ),
            reports,
        )
    return NestedOutcome(
        _endorsement(
            CheckStatus.FAILED,
            CheckCode.ENDORSEMENT_INVALID,
            f"{len(reports) - good} of {len(reports)} endorsement(s) not verified",
        ),
        reports,
    )


def included(
    credential: JSONObject, verify_one: VerifyOne, *, depth: int, max_depth: int
) -> NestedOutcome:
    """For a CLR: verify each credential it carries; the CLR holds only if all of them do.
    Not a CLR: no check."""
    if "ClrCredential" not in as_list(credential.get("type")):
        return NestedOutcome(None)
    subject: Any = credential.get("credentialSubject")
    inner = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    found = [c for c in as_list(inner) if isinstance(c, dict)]
    where = "$.credentialSubject.verifiableCredential"
    if not found:
        return NestedOutcome(
            make_check(
                CheckName.INCLUDED,
                CheckStatus.FAILED,
                CheckCode.NO_INCLUDED_CREDENTIALS,
                "the CLR holds no credentials",
                where,
            )
        )
    if depth >= max_depth:
        return NestedOutcome(
            make_check(
                CheckName.INCLUDED,
                CheckStatus.ERROR,
                CheckCode.INCLUSION_DEPTH,
                "included credentials nested too deeply to check",
            )
        )
    reports = [
        verify_one(LoadedCredential(c, None, "json", f"{where}[{i}]")) for i, c in enumerate(found)
    ]
    good = sum(r.verified for r in reports)
    if good == len(reports):
        check = make_check(
            CheckName.INCLUDED,
            CheckStatus.PASSED,
            CheckCode.INCLUDED_OK,
            f"all {good} included credential(s) verified",
        )
        return NestedOutcome(check, reports)
    bad = [f"[{i}] {r.verdict.value}" for i, r in enumerate(reports) if not r.verified]
    check = make_check(
        CheckName.INCLUDED,
        CheckStatus.FAILED,
        CheckCode.INCLUDED_INVALID,
        f"{len(bad)} of {len(reports)} included credential(s) not verified: " + ", ".join(bad),
        where,
    )
    return NestedOutcome(check, reports)
