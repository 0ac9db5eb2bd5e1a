"""What the credential claims, judged: its validity period, refresh service, recipient and
whether its issuer is one the verifying organisation recognises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..._json import as_list, issuer_id
from ..._time import format_datetime, parse_datetime
from ...types import JSONObject
from ..context import VerificationContext
from ..report import Check, CheckCode, CheckName, CheckStatus, make_check
from ..signer import Signer

if TYPE_CHECKING:  # (the trust sources load only when a verifier has some)
    from ..trust import TrustedIssuer, TrustList

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
    if start is not None and start > ctx.now + ctx.clock_skew:
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
    # VC DM 2.0 makes validFrom optional; where a format needs it (VC 1.1, Open Badges),
    # the structure check says so.
    since = f"valid from {format_datetime(start)}" if start else "no validFrom stated"
    until = f" until {format_datetime(end)}" if end else ""
    return [_dates(CheckStatus.PASSED, CheckCode.DATES_OK, since + until)]


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
    from ...models import IdentityObject  # only when identifiers must be read

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
    credential: JSONObject, signer: Signer | None, sources: Sequence[TrustList]
) -> tuple[Check, TrustedIssuer | None]:
    """The issuer is on one of the verifier's trust sources, by its id or by the domain that
    published the key that signed. Blocking: with a trust source configured, an issuer on
    none of them is not verified."""
    issuer = issuer_id(credential)
    for source in sources:
        entry = source.lookup(issuer, signer)
        if entry is not None:
            return make_check(
                CheckName.ISSUER,
                CheckStatus.PASSED,
                CheckCode.TRUSTED_ISSUER,
                f"the issuer {issuer} is {entry.describe()}",
                "$.issuer",
            ), entry
    names = ", ".join(s.name for s in sources)
    return make_check(
        CheckName.ISSUER,
        CheckStatus.FAILED,
        CheckCode.UNKNOWN_ISSUER,
        f"the issuer {issuer} is on none of the trust sources ({names})",
        "$.issuer",
    ), None
