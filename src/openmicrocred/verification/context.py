"""What every check works with: the network, the resolver, the loader, the suites, the time
(with its tolerance) and the credential's issuer. Built once per credential by the verifier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..did.base import DIDResolver
from ..fetch import Fetcher
from ..suites.base import SuiteRegistry
from ..types import DocumentLoader, JSONObject
from .report import Check

__all__ = ["StatusCheck", "VerificationContext"]


@dataclass(frozen=True)
class VerificationContext:
    """The verifier's settings as every check sees them.

    :param now: the time verified at (``at=`` or the verifier's clock).
    :param clock_skew: tolerance for every date compared with ``now`` (validity, proof
        ``created``/``expires``, a status list's ``validUntil``).
    :param issuer_id: the credential's issuer id, if it names one.
    """

    fetcher: Fetcher
    resolver: DIDResolver
    loader: DocumentLoader
    registry: SuiteRegistry
    now: datetime
    clock_skew: timedelta
    issuer_id: str | None


class StatusCheck(Protocol):
    """Checks ``credentialStatus`` entries (see :mod:`openmicrocred.verification.checks.status`)."""

    def __call__(self, credential: JSONObject, context: VerificationContext) -> list[Check]: ...
