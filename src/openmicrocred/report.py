"""The verification report: every check, the verdict, and what the badge says.

A report is a frozen, JSON-serialisable pydantic model. ``verified`` is true only when every
error-level check passed (or did not apply). The ``verdict`` separates a forged or tampered
credential from an authentic one that is expired, revoked or could not be fully checked.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import OpenMicrocredError

__all__ = [
    "Check",
    "CheckStatus",
    "CredentialDisplay",
    "Verdict",
    "VerificationFailed",
    "VerificationReport",
]


class CheckStatus(StrEnum):
    """The outcome of one check."""

    PASSED = "passed"
    """Checked, and fine."""
    FAILED = "failed"
    """Checked, and invalid."""
    ERROR = "error"
    """Could not be checked (a document unreachable, a method unsupported)."""
    SKIPPED = "skipped"
    """Does not apply to this credential."""


class Verdict(StrEnum):
    """The overall conclusion, most serious first."""

    VERIFIED = "verified"
    TAMPERED = "tampered"
    """Forged or tampered: a proof fails, or JSON-LD processing would change its meaning."""
    INVALID = "invalid"
    """Not a well-formed Open Badges credential."""
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    RECIPIENT_MISMATCH = "recipient_mismatch"
    UNVERIFIABLE = "unverifiable"
    """Authentic as far as could be checked, but something could not be checked."""


class Check(BaseModel):
    """One verification step's outcome."""

    model_config = ConfigDict(frozen=True)

    name: str
    status: CheckStatus
    code: str
    message: str
    path: str | None = None
    severity: Literal["error", "warning"] = "error"
    """A failed ``warning`` check is reported but does not make the credential unverified."""

    @property
    def blocking(self) -> bool:
        """Whether this check keeps the credential from being verified."""
        return self.severity == "error" and self.status in (CheckStatus.FAILED, CheckStatus.ERROR)


def make_check(
    name: str,
    status: CheckStatus,
    code: str,
    message: str,
    path: str | None = None,
    severity: str = "error",
) -> Check:
    """A :class:`Check`; any severity other than ``"warning"`` counts as ``"error"``."""
    return Check(
        name=name,
        status=status,
        code=code,
        message=message,
        path=path,
        severity="warning" if severity == "warning" else "error",
    )


class CredentialDisplay(BaseModel):
    """What a person wants to see of a badge. Every value is as the credential states it
    (text properties may be language maps); nothing here is trusted unless ``verified``."""

    model_config = ConfigDict(frozen=True)

    id: str | None = None
    type: list[str] = Field(default_factory=list)
    name: Any = None
    description: Any = None
    issuer: dict[str, Any] = Field(default_factory=dict)
    subject: dict[str, Any] = Field(default_factory=dict)
    achievement: dict[str, Any] = Field(default_factory=dict)
    results: list[dict[str, Any]] = Field(default_factory=list)
    evidence: list[dict[str, Any]] = Field(default_factory=list)
    feedback: Any = None
    valid_from: str | None = None
    valid_until: str | None = None
    awarded_date: str | None = None
    image: str | None = None
    endorsements: list[dict[str, Any]] = Field(default_factory=list)


class VerificationReport(BaseModel):
    """The result of verifying one credential."""

    model_config = ConfigDict(frozen=True)

    verified: bool
    verdict: Verdict
    checks: list[Check]
    source: str = ""
    carrier: Literal["json", "jwt", "png", "svg", "url"] = "json"
    proof_format: Literal["data-integrity", "vc-jwt", "none"] = "none"
    issuer_trusted: bool | None = None
    credential: dict[str, Any] | None = None
    display: CredentialDisplay | None = None
    endorsements: list[VerificationReport] = Field(default_factory=list)
    included: list[VerificationReport] = Field(default_factory=list)
    """For a CLR: the report of each credential it carries."""
    fetched: list[dict[str, Any]] = Field(default_factory=list)
    """URLs the verifier fetched, and whether from the network, its cache or a local copy."""
    checked_at: str = ""

    def check(self, name: str) -> Check | None:
        """The check with this name, if any."""
        return next((c for c in self.checks if c.name == name), None)

    def raise_for_failure(self) -> VerificationReport:
        """Return the report if verified; raise :class:`VerificationFailed` otherwise."""
        if not self.verified:
            raise VerificationFailed(self)
        return self


class VerificationFailed(OpenMicrocredError):  # noqa: N818 - reads as what happened
    """Raised by :meth:`VerificationReport.raise_for_failure`; carries the report."""

    code = "verification_failed"

    def __init__(self, report: VerificationReport) -> None:
        self.report = report
        reasons = "; ".join(f"{c.name}: {c.message}" for c in report.checks if c.blocking)
        super().__init__(f"credential not verified ({report.verdict.value}): {reasons}")


VerificationReport.model_rebuild()
