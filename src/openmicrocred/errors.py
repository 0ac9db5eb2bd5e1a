"""Exceptions raised by openmicrocred.

Every exception has a stable machine-readable ``code``. The tree::

    OpenMicrocredError                 base class
    ├── CredentialError                not a well-formed OB 3.0 document (JSON paths in .errors)
    ├── SafeModeError                  JSON-LD processing would drop or mis-map data (.path)
    ├── SchemaValidationError          fails a 1EdTech JSON schema (JSON paths in .errors)
    ├── JsonLdError                    not valid JSON-LD (bad context, keyword misuse, ...)
    ├── DocumentLoaderError            URL not served by the loader (offline), or unusable
    ├── FetchError                     a URL could not be fetched, or the fetch policy refused it
    ├── KeyFormatError                 bad key bytes, multibase, multicodec, JWK or PEM
    ├── SuiteError
    │   ├── UnsupportedSuiteError      unknown proof suite, or known but not allowed
    │   └── InvalidProofError          proof or signature does not verify
    │       ├── ProofNotYetValidError  proof created after the verification time
    │       └── ProofExpiredError      proof expires before the verification time
    ├── CanonicalizationError          RDF canonicalization failed or exceeded its work limit
    ├── ResolutionError                DID or verification method cannot be resolved
    │   ├── NoUsableKeyError           the proof names no key of a usable type
    │   └── KeyNotPublishedError       the issuer no longer publishes the key (removed)
    ├── SignerError                    an HSM/KMS signer cannot sign (PIN, token, mechanism)
    ├── StatusListError                status list cannot be fetched, decoded or verified
    ├── BakeError                      no credential, or more than one, in a PNG/SVG
    ├── InputError                     not a credential in any form openmicrocred reads
    ├── WorkflowError                  a step the micro-credential workflow does not allow
    └── VerificationFailed             raised by VerificationReport.raise_for_failure (.report)

Low-level functions raise; they never return ``False`` for "invalid".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "BakeError",
    "CanonicalizationError",
    "ControllerMismatchError",
    "CredentialError",
    "DocumentLoaderError",
    "ErrorDetail",
    "FailedReport",
    "FetchError",
    "InputError",
    "InvalidProofError",
    "JsonLdError",
    "KeyFormatError",
    "KeyNotPublishedError",
    "NoUsableKeyError",
    "OpenMicrocredError",
    "ProofExpiredError",
    "ProofNotYetValidError",
    "ResolutionError",
    "SafeModeError",
    "SchemaValidationError",
    "SignatureError",
    "SignerError",
    "StatusListError",
    "SuiteError",
    "UnsupportedSuiteError",
    "VerificationFailed",
    "WorkflowError",
]


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One problem found in a document: where (a JSON path such as ``$.issuer.id``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class OpenMicrocredError(Exception):
    """Base class of every error raised on purpose by openmicrocred."""

    code: str = "error"


class _DetailedError(OpenMicrocredError):
    """An error that lists one or more :class:`ErrorDetail` entries."""

    def __init__(self, summary: str, errors: Sequence[ErrorDetail] = ()) -> None:
        self.errors: tuple[ErrorDetail, ...] = tuple(errors)
        self.summary = summary
        lines = [summary, *(f"  {e}" for e in self.errors[:20])]
        if len(self.errors) > 20:
            lines.append(f"  ... and {len(self.errors) - 20} more")
        super().__init__("\n".join(lines))


class CredentialError(_DetailedError):
    """The document is not a well-formed Open Badges 3.0 / CLR 2.0 object."""

    code = "invalid_credential"


class SchemaValidationError(_DetailedError):
    """The document does not validate against a 1EdTech JSON schema."""

    code = "schema_invalid"


class SafeModeError(OpenMicrocredError):
    """JSON-LD processing would silently drop or re-interpret part of the document.

    VC Data Integrity calls this a data-loss error: a term the active contexts do not define
    must never be signed or displayed as if it were signed.
    """

    code = "jsonld_safe_mode"

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}")


class JsonLdError(OpenMicrocredError):
    """The document is not valid JSON-LD (bad context, keyword misuse, ...)."""

    code = "jsonld_error"


class DocumentLoaderError(OpenMicrocredError):
    """A document (usually a JSON-LD context) could not be loaded."""

    code = "document_not_loaded"

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(f"cannot load {url!r}: {reason}")


class FetchError(OpenMicrocredError):
    """A URL could not be fetched, or was refused by the fetch policy."""

    code = "fetch_failed"

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"cannot fetch {url}: {reason}")


class KeyFormatError(OpenMicrocredError):
    """Key material could not be decoded. Messages never contain key bytes."""

    code = "invalid_key"


class SuiteError(OpenMicrocredError):
    """Base class of proof-suite errors."""

    code = "suite_error"


class UnsupportedSuiteError(SuiteError):
    """The proof uses a suite this registry does not know or does not allow."""

    code = "unsupported_suite"


class InvalidProofError(SuiteError):
    """The proof is malformed or does not conform (a missing or unreadable field, another
    purpose, challenge or domain). Its subclasses say when the signature itself failed."""

    code = "invalid_proof"


class SignatureError(InvalidProofError):
    """The signature does not verify over the content: forged, or altered after signing."""

    code = "signature_invalid"


class ControllerMismatchError(InvalidProofError):
    """The signature verifies, but with a key of someone other than the one the document
    names as its issuer (or holder)."""

    code = "issuer_key_mismatch"


class ProofNotYetValidError(InvalidProofError):
    """The proof's ``created`` time is after the verification time."""

    code = "proof_not_yet_valid"


class ProofExpiredError(InvalidProofError):
    """The proof's ``expires`` time has passed."""

    code = "proof_expired"


class CanonicalizationError(OpenMicrocredError):
    """RDF dataset canonicalization failed, or exceeded its work limit."""

    code = "canonicalization_failed"


class ResolutionError(OpenMicrocredError):
    """A DID or verification method could not be resolved."""

    code = "resolution_failed"


class NoUsableKeyError(ResolutionError):
    """The proof names no key that can be used (a JWS header with neither ``kid`` nor
    ``jwk``, a key of an unsupported type for the suite)."""

    code = "no_usable_key"


class KeyNotPublishedError(ResolutionError):
    """The controller's document was had, but it no longer lists (or no longer authorises)
    the verification method: the key was removed by its issuer, e.g. after a compromise.
    What it signed cannot be verified, which says nothing of forgery."""

    code = "key_not_published"


class SignerError(OpenMicrocredError):
    """A signer cannot sign: an HSM module, token or key not found, a wrong PIN, or a
    mechanism the device does not support (the PIN is never in the message)."""

    code = "signer_error"


class StatusListError(OpenMicrocredError):
    """A status list could not be fetched, decoded or verified."""

    code = "status_list_error"


class BakeError(OpenMicrocredError):
    """An image holds no credential, or more than one, or is not a PNG/SVG."""

    code = "bake_error"


class InputError(OpenMicrocredError):
    """The input is not a credential in any form openmicrocred reads."""

    code = "unusable_input"


class WorkflowError(OpenMicrocredError):
    """A step the micro-credential workflow does not allow (e.g. awarding an unapproved
    definition, or a failing assessment)."""

    code = "workflow_error"


class _FailedCheck(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def blocking(self) -> bool: ...


class FailedReport(Protocol):
    """What :class:`VerificationFailed` reads of the report it carries (a
    :class:`~openmicrocred.verification.VerificationReport`; this module imports nothing)."""

    @property
    def verdict(self) -> str: ...
    @property
    def checks(self) -> Sequence[_FailedCheck]: ...


class VerificationFailed(OpenMicrocredError):  # noqa: N818 - reads as what happened
    """Raised by :meth:`VerificationReport.raise_for_failure`; ``.report`` is the report."""

    code = "verification_failed"

    def __init__(self, report: FailedReport) -> None:
        self.report = report
        reasons = "; ".join(f"{c.name}: {c.message}" for c in report.checks if c.blocking)
        super().__init__(f"credential not verified ({report.verdict}): {reasons}")
