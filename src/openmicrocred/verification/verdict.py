"""From the checks to the verdict: one rule table on :class:`CheckCode` members, most
decisive first.

What each verdict means (see :class:`Verdict`): nothing can be said of a document that is not a
credential at all (``invalid``); forged or altered content is ``tampered``, and only that; a
credential with no proof is ``unsigned``, never forged; a malformed one is ``invalid``; an
authentic one can be ``expired``, ``revoked``, and so on; with a trust source configured, an
issuer on none of them is ``untrusted_issuer``; and ``unverifiable`` means that something
that blocks could not be checked (a key offline, a suite unsupported), never that it failed.
Conformance rules come after the signature, so they never hide a failed signature, and proof
dates are judged by the suites only once the signature verified.
"""

from __future__ import annotations

from collections.abc import Sequence

from .report import Check, CheckCode, CheckName, CheckStatus, Verdict

__all__ = ["RULES", "verdict"]

_FORGED = frozenset(
    {CheckCode.SIGNATURE_INVALID, CheckCode.ISSUER_KEY_MISMATCH, CheckCode.JSONLD_SAFE_MODE}
)

RULES: tuple[tuple[CheckName, frozenset[CheckCode] | None, Verdict], ...] = (
    (CheckName.STRUCTURE, frozenset({CheckCode.NOT_A_CREDENTIAL}), Verdict.INVALID),
    (CheckName.PROOF, _FORGED, Verdict.TAMPERED),
    (CheckName.JSONLD, frozenset({CheckCode.JSONLD_SAFE_MODE}), Verdict.TAMPERED),
    (CheckName.PROOF, frozenset({CheckCode.NO_PROOF}), Verdict.UNSIGNED),
    (CheckName.STRUCTURE, None, Verdict.INVALID),
    (CheckName.SCHEMA, None, Verdict.INVALID),
    (CheckName.PROOF, frozenset({CheckCode.PROOF_EXPIRED}), Verdict.EXPIRED),
    (CheckName.PROOF, frozenset({CheckCode.PROOF_NOT_YET_VALID}), Verdict.NOT_YET_VALID),
    (CheckName.PROOF, None, Verdict.INVALID),
    (CheckName.STATUS, frozenset({CheckCode.REVOKED}), Verdict.REVOKED),
    (CheckName.STATUS, frozenset({CheckCode.SUSPENDED}), Verdict.SUSPENDED),
    (CheckName.STATUS, frozenset({CheckCode.INVALID_STATUS_ENTRY}), Verdict.INVALID),
    (CheckName.DATES, frozenset({CheckCode.EXPIRED}), Verdict.EXPIRED),
    (CheckName.DATES, frozenset({CheckCode.NOT_YET_VALID}), Verdict.NOT_YET_VALID),
    (CheckName.DATES, None, Verdict.INVALID),
    (CheckName.RECIPIENT, None, Verdict.RECIPIENT_MISMATCH),
    (CheckName.INCLUDED, None, Verdict.INVALID),
    (CheckName.ISSUER, frozenset({CheckCode.UNKNOWN_ISSUER}), Verdict.UNTRUSTED_ISSUER),
)
"""(check family, the codes of a failed blocking check that decide it (``None``: any), the
verdict), in order. A family's ``error`` checks (could not be checked) match no rule: they
make the credential ``unverifiable``."""


def _failed(checks: Sequence[Check], name: CheckName, codes: frozenset[CheckCode] | None) -> bool:
    return any(
        c.name == name
        and c.blocking
        and c.status is CheckStatus.FAILED
        and (codes is None or c.code in codes)
        for c in checks
    )


def verdict(checks: Sequence[Check]) -> Verdict:
    """The overall verdict of a credential's checks."""
    failed = [c for c in checks if c.status is CheckStatus.FAILED]
    if failed:  # (only then can a rule match: most credentials have no failed check)
        for name, codes, outcome in RULES:
            if _failed(failed, name, codes):
                return outcome
    if any(c.blocking for c in checks):
        return Verdict.UNVERIFIABLE
    return Verdict.VERIFIED
