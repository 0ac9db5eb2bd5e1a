"""What the credential claims, judged: its validity period, refresh service, recipient and
whether its issuer is one the verifying organisation recognises."""

from __future__ import annotations

from collections.abc import Collection

from ..._json import as_list, issuer_id
from ..._time import format_datetime, parse_datetime
from ...models import IdentityObject
from ...types import JSONObject
from ..context import VerificationContext
from ..report import Check, CheckCode, CheckName, CheckStatus, make_check

__all__ = ["dates", "recipient", "refresh", "trusted_issuer"]


def _dates(status: CheckStatus, code: CheckCode, message: str, path: str | None = None) -> Check:
    return make_check(CheckName.DATES, status, code, message, path)


def dates(credential: JSONObject, ctx: VerificationContext) -> list[Check]:
    """``validFrom``/``validUntil`` (or VC 1.1's ``issuanceDate``/``expirationDate``) against
    the verification time, within the clock skew."""
    start_key = "validFrom" if "validFrom" in credential else "issuanceDate"
    end_key = "validUntil" if "validUntil" in credential else "expirationDate"
    try:
        start = parse_datetime(credential[start_key]) if start_key in credential else None
        end = parse_datetime(credential[end_key]) if end_key in credential else None
    except (ValueError, TypeError, AttributeError) as exc:
        return [_dates(CheckStatus.FAILED, CheckCode.INVALID_DATE, str(exc), "$")]
    if start is None:
        return [
            _dates(
                CheckStatus.FAILED,
                CheckCode.NO_VALID_FROM,
                "the credential has no validFrom (or issuanceDate)",
                f"$.{start_key}",
            )
        ]
    if start > ctx.now + ctx.clock_skew:
        return [
            _dates(
                CheckStatus.FAILED,
                CheckCode.NOT_YET_VALID,
                f"not valid until {format_datetime(start)}",
                f"$.{start_key}",
            )
        ]
    if end is not None and end < ctx.now - ctx.clock_skew:
        return [
            _dates(
                CheckStatus.FAILED,
                CheckCode.EXPIRED,
                f"expired at {format_datetime(end)}",
                f"$.{end_key}",
            )
        ]
    until = f" until {format_datetime(end)}" if end else ""
    return [
        _dates(
            CheckStatus.PASSED, CheckCode.DATES_OK, f"valid from {format_datetime(start)}{until}"
        )
    ]


def refresh(credential: JSONObject, ctx: VerificationContext) -> list[Check]:
    """A ``refreshService`` is noted, never contacted."""
    services = [s for s in as_list(credential.get("refreshService")) if isinstance(s, dict)]
    if not services:
        return [
            make_check(
                CheckName.REFRESH,
                CheckStatus.SKIPPED,
                CheckCode.NO_REFRESH,
                "the credential has no refreshService",
            )
        ]
    ids = ", ".join(str(s.get("id")) for s in services)
    return [
        make_check(
            CheckName.REFRESH,
            CheckStatus.SKIPPED,
            CheckCode.REFRESH_NOTED,
            f"refresh service noted, not contacted: {ids}",
            "$.refreshService",
        )
    ]


def recipient(
    credential: JSONObject, ctx: VerificationContext, *, expected: str, identity_type: str
) -> list[Check]:
    """The credential was issued to ``expected``: the subject's id, or one of its (hashed)
    identifiers of ``identity_type``."""
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    if subject.get("id") == expected:
        return [
            make_check(
                CheckName.RECIPIENT,
                CheckStatus.PASSED,
                CheckCode.RECIPIENT_OK,
                "credentialSubject.id is the expected recipient",
                "$.credentialSubject.id",
            )
        ]
    for i, raw in enumerate(as_list(subject.get("identifier"))):
        try:
            identity = IdentityObject.model_validate(raw)
        except ValueError:
            continue
        if identity.matches(expected, identity_type=identity_type):
            return [
                make_check(
                    CheckName.RECIPIENT,
                    CheckStatus.PASSED,
                    CheckCode.RECIPIENT_OK,
                    f"matches the {'hashed ' if identity.hashed else ''}"
                    f"{identity.identity_type} identifier",
                    f"$.credentialSubject.identifier[{i}]",
                )
            ]
    return [
        make_check(
            CheckName.RECIPIENT,
            CheckStatus.FAILED,
            CheckCode.RECIPIENT_MISMATCH,
            f"the credential was not issued to {expected}",
            "$.credentialSubject",
        )
    ]


def trusted_issuer(
    credential: JSONObject, ctx: VerificationContext, *, trusted: Collection[str]
) -> list[Check]:
    """The issuer is on the verifier's list of recognised issuers (a warning only)."""
    issuer = issuer_id(credential)
    ok = issuer in trusted
    return [
        make_check(
            CheckName.ISSUER,
            CheckStatus.PASSED if ok else CheckStatus.FAILED,
            CheckCode.TRUSTED_ISSUER if ok else CheckCode.UNKNOWN_ISSUER,
            f"{'trusted' if ok else 'unknown'} issuer {issuer}",
            "$.issuer",
            severity="warning",
        )
    ]
