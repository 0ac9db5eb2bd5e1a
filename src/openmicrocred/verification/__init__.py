"""Verification: any carrier in, a :class:`VerificationReport` out.

:mod:`.inputs` reads the carrier, :mod:`.checks` holds the checks by family, :mod:`.verdict`
turns checks into a verdict and :mod:`.verifier` runs them in order. The report types live in
:mod:`.report`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .checks.status import StatusChecker, check_status
from .context import StatusCheck, VerificationContext
from .display import credential_display
from .inputs import LoadedCredential, load_credential
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

if TYPE_CHECKING:
    from .presentation import PresentationReport


def __getattr__(name: str) -> Any:
    # The presentation verifier loads on first use: ``openmicrocred verify`` of a credential
    # never needs it (PEP 562).
    if name == "PresentationReport":
        from .presentation import PresentationReport

        return PresentationReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
