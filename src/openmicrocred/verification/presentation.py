"""Verify a verifiable presentation: its holder's ``authentication`` proof (for the
verifier's challenge and domain), then each credential it carries, one report each.

A presentation proves that its holder presented these credentials to this verifier now (the
challenge) and here (the domain); each credential still stands on its own proof.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._json import as_list, id_of
from .._time import format_datetime
from ..errors import InputError, OpenMicrocredError
from ..fetch import Fetcher
from ..types import JSONObject
from ..vcdm import presentation_errors
from ._record import Record
from .checks import document, proof
from .context import VerificationContext
from .inputs import LoadedCredential, load_credential
from .report import (
    Check,
    CheckCode,
    CheckName,
    CheckStatus,
    Verdict,
    VerificationReport,
    make_check,
)
from .verdict import verdict

__all__ = ["PresentationReport", "verify_presentation"]


@dataclass(frozen=True, kw_only=True, slots=True)
class PresentationReport(Record):
    """The result of verifying one presentation."""

    verified: bool
    """The holder's proof verified for the challenge and domain, and so did every credential."""
    verdict: Verdict
    """The presentation's own verdict, or, when that is ``verified``, the first credential's
    that is not."""
    checks: list[Check]
    """The presentation's own checks (JSON-LD, structure, the authentication proof)."""
    holder: str | None = None
    credentials: list[VerificationReport] = field(default_factory=list)
    source: str = ""
    checked_at: str = ""

    def check(self, name: str) -> Check | None:
        """The check with this name, if any."""
        return next((c for c in self.checks if c.name == name), None)


def _structure(presentation: JSONObject) -> Check:
    errors = presentation_errors(presentation)
    if errors:
        code = CheckCode.NOT_A_CREDENTIAL if errors[0].path == "$.type" else CheckCode.INVALID
        return make_check(
            CheckName.STRUCTURE,
            CheckStatus.FAILED,
            code,
            f"not a valid verifiable presentation: {errors[0].message}",
            errors[0].path,
        )
    count = len(as_list(presentation.get("verifiableCredential")))
    return make_check(
        CheckName.STRUCTURE,
        CheckStatus.PASSED,
        CheckCode.STRUCTURE_OK,
        f"a verifiable presentation carrying {count} credential(s)",
    )


def _carried(presentation: JSONObject) -> list[LoadedCredential]:
    raw = presentation.get("verifiableCredential")
    many = isinstance(raw, list)
    found: list[LoadedCredential] = []
    for i, item in enumerate(as_list(raw)):
        where = f"$.verifiableCredential[{i}]" if many else "$.verifiableCredential"
        if (
            isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and ("EnvelopedVerifiableCredential" in as_list(item.get("type")))
        ):
            item = item["id"].partition(",")[2]  # data:application/vc+jwt,<token>
        try:
            loaded = load_credential(item, name=where)
        except InputError:
            continue  # reported by the structure check or as a missing report
        found.append(LoadedCredential(loaded.credential, loaded.jwt, loaded.carrier, where))
    return found


def verify_presentation(
    source: Any,
    *,
    context: Callable[[JSONObject], VerificationContext],
    challenge: str | None,
    domain: str | None,
    verify_one: Callable[[LoadedCredential], VerificationReport],
    fetcher: Fetcher,
) -> PresentationReport:
    """See :meth:`~openmicrocred.verification.verifier.Verifier.verify_presentation`."""
    loaded = load_credential(source, fetcher=fetcher)
    if loaded.jwt is not None:
        raise InputError("a VC-JWT presentation is not supported; present it with a proof")
    vp = loaded.credential
    ctx = context(vp)
    now = ctx.now
    checks = [*document.safe_mode(vp, ctx, warning=False), _structure(vp)]
    try:
        outcome = proof.presentation_proof(vp, ctx, challenge=challenge, domain=domain)
    except OpenMicrocredError as exc:
        outcome = proof.ProofOutcome(
            [make_check(CheckName.PROOF, CheckStatus.ERROR, CheckCode.INTERNAL_ERROR, str(exc))]
        )
    checks += outcome.checks
    reports = [verify_one(item) for item in _carried(vp)]
    own = verdict(checks)
    failing = next((r.verdict for r in reports if not r.verified), None)
    overall = failing if own is Verdict.VERIFIED and failing is not None else own
    return PresentationReport(
        verified=overall is Verdict.VERIFIED,
        verdict=overall,
        checks=checks,
        holder=id_of(vp.get("holder")),
        credentials=reports,
        source=loaded.source,
        checked_at=format_datetime(now),
    )
