"""Verification: any carrier in, a :class:`VerificationReport` out.

:mod:`.inputs` reads the carrier, :mod:`.checks` holds the checks by family, :mod:`.verdict`
turns checks into a verdict and :mod:`.verifier` runs them in order. The report types live in
:mod:`.report`.
"""

from __future__ import annotations

from .checks.status import StatusChecker, check_status
from .context import StatusCheck, VerificationContext
from .display import credential_display
from .inputs import LoadedCredential, load_credential
from .presentation import PresentationReport
from .report import (
    Check,
    CheckCode,
    CheckName,
    CheckStatus,
    CredentialDisplay,
    Verdict,
    VerificationReport,
)
from .verifier import Verifier, verify, verify_presentation

__all__ = [
    "Check",
    "CheckCode",
    "CheckName",
    "CheckStatus",
    "CredentialDisplay",
    "LoadedCredential",
    "PresentationReport",
    "StatusCheck",
    "StatusChecker",
    "Verdict",
    "VerificationContext",
    "VerificationReport",
    "Verifier",
    "check_status",
    "credential_display",
    "load_credential",
    "verify",
    "verify_presentation",
]
