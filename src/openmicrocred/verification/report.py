"""The verification report: every check, the verdict, and what the badge says.

A report is a frozen, JSON-serialisable dataclass with pydantic's dump methods
(:mod:`._record`). ``verified`` is true only when every
error-level check passed (or did not apply). The ``verdict`` separates a forged or tampered
credential from an authentic one that is expired, revoked or could not be fully checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from ..errors import OpenMicrocredError, VerificationFailed
from ._record import Record
from .signer import Signer

__all__ = [
    "Check",
    "CheckCode",
    "CheckName",
    "CheckStatus",
    "CredentialDisplay",
    "Verdict",
    "VerificationReport",
    "code_of",
    "make_check",
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
    """Forged or altered: a signature does not verify over the content, it was made with a
    key of someone other than the issuer it names, or JSON-LD processing would make the JSON
    say something other than what is signed."""
    INVALID = "invalid"
    """Not a credential at all, or not a well-formed one (VC Data Model, Open Badges / CLR
    structure, a named schema, a malformed proof)."""
    UNSIGNED = "unsigned"
    """A credential with no proof at all (or an empty proof list): nothing says who made it."""
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    RECIPIENT_MISMATCH = "recipient_mismatch"
    UNTRUSTED_ISSUER = "untrusted_issuer"
    """Authentic, but the issuer is on none of the trust sources the verifier was given."""
    UNVERIFIABLE = "unverifiable"
    """Authentic as far as could be checked, but something could not be checked."""


class CheckName(StrEnum):
    """The families of checks, in the order the verifier runs them."""

    JSONLD = "jsonld"
    STRUCTURE = "structure"
    SCHEMA = "schema"
    """A schema the credential names in ``credentialSchema``."""
    SCHEMA_1EDTECH = "schema_1edtech"
    """The 1EdTech schema for the credential's type (a warning only)."""
    PROOF = "proof"
    DATES = "dates"
    STATUS = "status"
    REFRESH = "refresh"
    RECIPIENT = "recipient"
    ISSUER = "issuer"
    """The trust sources the verifier was given (trusted issuers, issuer registries)."""
    ENDORSEMENTS = "endorsements"
    INCLUDED = "included"
    """The credentials a CLR carries."""


class CheckCode(StrEnum):
    """Every code a check can carry. The verdict is decided on these members, so a code
    is never a bare string written in another module."""

    # passed, or did not apply
    JSONLD_OK = "jsonld_ok"
    STRUCTURE_OK = "structure_ok"
    SCHEMA_OK = "schema_ok"
    PROOF_OK = "proof_ok"
    PROOF_OK_UNBOUND = "proof_ok_unbound"
    PROOF_SKIPPED = "proof_skipped"
    """One proof of a set that could not be checked, while another one verified."""
    DATES_OK = "dates_ok"
    ACTIVE = "active"
    NO_STATUS = "no_status"
    NO_REFRESH = "no_refresh"
    REFRESH_NOTED = "refresh_noted"
    RECIPIENT_OK = "recipient_ok"
    TRUSTED_ISSUER = "trusted_issuer"
    NO_ENDORSEMENTS = "no_endorsements"
    ENDORSEMENTS_OK = "endorsements_ok"
    ENDORSEMENT_DEPTH = "endorsement_depth"
    INCLUDED_OK = "included_ok"
    # failed, or could not be checked
    INTERNAL_ERROR = "internal_error"
    SUBJECT_UNIDENTIFIED = "subject_unidentified"
    SCHEMA_UNAVAILABLE = "schema_unavailable"
    NO_PROOF = "no_proof"
    NOT_A_CREDENTIAL = "not_a_credential"
    INVALID = "invalid"
    ERROR = "error"
    ISSUER_KEY_MISMATCH = "issuer_key_mismatch"
    ISSUER_KEY_UNBOUND = "issuer_key_unbound"
    INVALID_DATE = "invalid_date"
    NO_VALID_FROM = "no_valid_from"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    STATUS_NOT_CHECKED = "status_not_checked"
    INVALID_STATUS_ENTRY = "invalid_status_entry"
    UNSUPPORTED_STATUS_METHOD = "unsupported_status_method"
    STATUS_LIST_UNREACHABLE = "status_list_unreachable"
    STATUS_LIST_INVALID = "status_list_invalid"
    STATUS_LIST_ID_MISMATCH = "status_list_id_mismatch"
    """The list's ``id`` differs from the URL it was fetched from (a warning only)."""
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    STATUS_REFRESH = "status_refresh"
    STATUS_MESSAGE = "status_message"
    STATUS_SET = "status_set"
    """The entry's bit is set on a list of a purpose other than those above."""
    RECIPIENT_MISMATCH = "recipient_mismatch"
    UNKNOWN_ISSUER = "unknown_issuer"
    """The issuer is on none of the configured trust sources."""
    ENDORSEMENT_INVALID = "endorsement_invalid"
    NO_INCLUDED_CREDENTIALS = "no_included_credentials"
    INCLUSION_DEPTH = "inclusion_depth"
    INCLUDED_INVALID = "included_invalid"
    ASSERTION_ID_MISMATCH = "assertion_id_mismatch"
    """OB 2.0: a hosted document's ``id`` is not the URL it was fetched from."""
    HOSTED_SCOPE_MISMATCH = "hosted_scope_mismatch"
    """OB 2.0: a hosted assertion lies outside its issuer's verification scope (origin)."""
    # the codes of the exceptions in openmicrocred.errors, when a check reports one
    BAKE_ERROR = "bake_error"
    CANONICALIZATION_FAILED = "canonicalization_failed"
    DOCUMENT_NOT_LOADED = "document_not_loaded"
    FETCH_FAILED = "fetch_failed"
    INVALID_CREDENTIAL = "invalid_credential"
    INVALID_KEY = "invalid_key"
    INVALID_PROOF = "invalid_proof"
    JSONLD_ERROR = "jsonld_error"
    JSONLD_SAFE_MODE = "jsonld_safe_mode"
    NO_USABLE_KEY = "no_usable_key"
    KEY_NOT_PUBLISHED = "key_not_published"
    """The issuer's document no longer lists the key (removed): unverifiable, not forged."""
    SIGNER_ERROR = "signer_error"
    PROOF_EXPIRED = "proof_expired"
    PROOF_NOT_YET_VALID = "proof_not_yet_valid"
    RESOLUTION_FAILED = "resolution_failed"
    SCHEMA_INVALID = "schema_invalid"
    SIGNATURE_INVALID = "signature_invalid"
    STATUS_LIST_ERROR = "status_list_error"
    SUITE_ERROR = "suite_error"
    UNSUPPORTED_SUITE = "unsupported_suite"
    UNUSABLE_INPUT = "unusable_input"
    WORKFLOW_ERROR = "workflow_error"
    OTHER_ERROR = "other_error"
    """An exception whose code is not one of the above (a caller's own plug-in error)."""


def code_of(error: OpenMicrocredError) -> CheckCode:
    """The check code for an exception: its own ``code`` (every class in
    :mod:`openmicrocred.errors` has one here), else :attr:`CheckCode.OTHER_ERROR`."""
    try:
        return CheckCode(error.code)
    except ValueError:
        return CheckCode.OTHER_ERROR


@dataclass(frozen=True, kw_only=True, slots=True)
class Check(Record):
    """One verification step's outcome."""

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
    name: CheckName,
    status: CheckStatus,
    code: CheckCode,
    message: str,
    path: str | None = None,
    severity: Literal["error", "warning"] = "error",
) -> Check:
    """A :class:`Check` (the only way checks are made, so names and codes are enum members;
    the check holds their plain string values)."""
    return Check(
        name=str(name),
        status=CheckStatus(status),
        code=str(code),
        message=message,
        path=path,
        severity=severity,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class CredentialDisplay(Record):
    """What a person wants to see of a badge. Every value is as the credential states it
    (text properties may be language maps); nothing here is trusted unless ``verified``."""

    id: str | None = None
    type: list[str] = field(default_factory=list)
    name: Any = None
    description: Any = None
    issuer: dict[str, Any] = field(default_factory=dict)
    subject: dict[str, Any] = field(default_factory=dict)
    achievement: dict[str, Any] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    feedback: Any = None
    valid_from: str | None = None
    valid_until: str | None = None
    awarded_date: str | None = None
    image: str | None = None
    endorsements: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True, slots=True)
class VerificationReport(Record):
    """The result of verifying one credential."""

    verified: bool
    verdict: Verdict
    checks: list[Check]
    source: str = ""
    carrier: Literal["json", "jwt", "png", "svg", "url"] = "json"
    proof_format: Literal["data-integrity", "vc-jwt", "jws", "none"] = "none"
    """``jws``: an Open Badges 2.0 signed assertion."""
    issuer_trusted: bool | None = None
    """Whether a configured trust source lists the issuer (``None``: none configured)."""
    signer: Signer | None = None
    """Who signed it and how that is proven (``None`` unless a proof by the issuer verified)."""
    trusted_by: str | None = None
    """The trust source that lists the issuer, and the name it gives."""
    credential: dict[str, Any] | None = None
    display: CredentialDisplay | None = None
    endorsements: list[VerificationReport] = field(default_factory=list)
    included: list[VerificationReport] = field(default_factory=list)
    """For a CLR: the report of each credential it carries."""
    fetched: list[dict[str, Any]] = field(default_factory=list)
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
