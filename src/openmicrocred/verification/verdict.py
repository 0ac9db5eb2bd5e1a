"""From the checks to the verdict, most serious first, keyed on :class:`CheckCode` members.

Forged is kept apart from the rest: a failed proof or a blocking JSON-LD problem is
``tampered``; an authentic credential can still be ``invalid``, ``revoked``, ``expired``, and
so on; ``unverifiable`` means something that blocks could not be checked.
"""

from __future__ import annotations

from collections.abc import Sequence

from .report import Check, CheckCode, CheckName, CheckStatus, Verdict

__all__ = ["verdict"]

# (check family, codes that decide it or None for any failure, verdict), in order.
_RULES: tuple[tuple[CheckName, frozenset[CheckCode] | None, Verdict], ...] = (
    (CheckName.PROOF, frozenset({CheckCode.PROOF_EXPIRED}), Verdict.EXPIRED),
    (CheckName.PROOF, frozenset({CheckCode.PROOF_NOT_YET_VALID}), Verdict.NOT_YET_VALID),
    (CheckName.PROOF, None, Verdict.TAMPERED),
)
_AFTER_INTEGRITY: tuple[tuple[CheckName, frozenset[CheckCode] | None, Verdict], ...] = (
    (CheckName.STATUS, frozenset({CheckCode.REVOKED}), Verdict.REVOKED),
    (CheckName.STATUS, frozenset({CheckCode.SUSPENDED}), Verdict.SUSPENDED),
    (CheckName.DATES, frozenset({CheckCode.EXPIRED}), Verdict.EXPIRED),
    (CheckName.DATES, frozenset({CheckCode.NOT_YET_VALID}), Verdict.NOT_YET_VALID),
    (CheckName.RECIPIENT, None, Verdict.RECIPIENT_MISMATCH),
    (CheckName.INCLUDED, None, Verdict.INVALID),
)


def _failed(checks: Sequence[Check], name: CheckName, codes: frozenset[CheckCode] | None) -> bool:
    return any(
        c.name == name and c.status is CheckStatus.FAILED and (codes is None or c.code in codes)
        for c in checks
    )


def _blocking(checks: Sequence[Check], name: CheckName) -> bool:
    return any(c.name == name and c.blocking for c in checks)


def verdict(checks: Sequence[Check]) -> Verdict:
    """The overall verdict of a credential's checks."""
    for name, codes, outcome in _RULES:
        if _failed(checks, name, codes):
            return outcome
    if _blocking(checks, CheckName.JSONLD):
        return Verdict.TAMPERED
    if _failed(checks, CheckName.STRUCTURE, None) or _blocking(checks, CheckName.SCHEMA):
        return Verdict.INVALID
    for name, codes, outcome in _AFTER_INTEGRITY:
        if _failed(checks, name, codes):
            return outcome
    if any(c.blocking for c in checks):
        return Verdict.UNVERIFIABLE
    return Verdict.VERIFIED
