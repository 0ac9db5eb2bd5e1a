"""Verify an Open Badges 3.0 credential from any carrier, following OB 3.0 §9
(https://www.imsglobal.org/spec/ob/v3p0/#verification-and-validation), and explain the
outcome in a :class:`~openmicrocred.verification.report.VerificationReport`.

The verifier loads the input, builds the :class:`VerificationContext`, runs the checks of
:mod:`.checks` in order and assembles the report; :mod:`.verdict` decides the verdict. A check
that fails unexpectedly becomes an ``error`` check: ``verify`` returns a report for anything
that is a credential, and raises :class:`~openmicrocred.errors.InputError` only for input
that is not a credential in any supported form.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from .._json import issuer_id
from .._time import format_datetime
from ..did.base import DIDResolver
from ..did.resolver import Resolver
from ..documents import DEFAULT_LOADER
from ..fetch import Fetcher
from ..jsonld import shared_quads
from ..ob2.detect import is_ob2
from ..suites import DEFAULT_REGISTRY, SuiteRegistry
from ..types import DocumentLoader, JSONObject
from .checks import claims, document, nested, proof
from .checks.status import StatusChecker, status_checks
from .context import StatusCheck, VerificationContext
from .display import credential_display, endorsement_summary
from .inputs import LoadedCredential, load_credential

if TYPE_CHECKING:
    from .presentation import PresentationReport
    from .trust import TrustList
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

__all__ = ["Verifier", "verify", "verify_presentation"]

Source = dict[str, Any] | str | bytes | os.PathLike[str]


def _internal_error(name: CheckName, exc: Exception) -> Check:
    message = f"could not check: {type(exc).__name__}: {exc}"
    return make_check(name, CheckStatus.ERROR, CheckCode.INTERNAL_ERROR, message)


def _guarded(name: CheckName, step: Callable[[], list[Check]]) -> list[Check]:
    """Run one check; an unexpected exception becomes an ``error`` check, so that hostile
    input can never crash the verifier or be mistaken for a passed check."""
    try:
        return step()
    except Exception as exc:
        return [_internal_error(name, exc)]


@dataclass
class Verifier:
    """Verifies credentials. Offline unless given a :class:`~openmicrocred.fetch.Fetcher`
    with a client. Safe to share between threads.

    :param fetcher: network access (and local copies of resources) for DID documents,
        controller documents, status lists and credential URLs.
    :param resolver: resolves verification methods (default: one using ``fetcher``).
    :param trusted_issuers: issuer ids (DIDs, URLs) and domains the verifying organisation
        recognises (a trust source; see :class:`~.trust.TrustList`).
    :param trust: more trust sources (issuer registries). With any trust source, an issuer
        on none of them is not verified: the verdict is ``untrusted_issuer``.
    :param clock: returns "now" (default: the system clock, UTC).
    :param clock_skew: tolerance for every date: validity, proof times, status list expiry.
    :param status_checker: checks ``credentialStatus`` (default: Bitstring Status List, with
        lists fetched through ``fetcher``); ``None`` reports any status entry as "status not
        checked", never as passed.
    :param max_endorsement_depth: how deep endorsements of endorsements are verified.
    :param accept_unbound_jwk: accept a VC-JWT whose key comes only from its own ``jwk``
        header (anyone can make such a token; off by default).
    """

    fetcher: Fetcher = field(default_factory=Fetcher)
    resolver: DIDResolver | None = None
    loader: DocumentLoader = DEFAULT_LOADER
    registry: SuiteRegistry = DEFAULT_REGISTRY
    trusted_issuers: Iterable[str] | None = None
    trust: Sequence[TrustList] = ()
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    clock_skew: timedelta = timedelta(minutes=5)
    status_checker: StatusCheck | None = field(default_factory=StatusChecker)
    max_endorsement_depth: int = 2
    accept_unbound_jwk: bool = False

    def __post_init__(self) -> None:
        self._resolver: DIDResolver = self.resolver or Resolver(self.fetcher)
        if self.resolver is None:
            self.resolver = self._resolver
        self._sources = list(self.trust)
        if self.trusted_issuers is not None:
            self._sources.append(_trust_list(self.trusted_issuers))

    def verify(
        self,
        source: Source,
        *,
        recipient: str | None = None,
        recipient_type: str = "emailAddress",
        at: datetime | None = None,
        name: str | None = None,
    ) -> VerificationReport:
        """Verify a credential from any carrier.

        :param source: a JSON object or text, a compact JWS, PNG/SVG bytes, a file path, or
            an https URL.
        :param recipient: a known identifier of the person presenting it (e.g. an email),
            checked against ``credentialSubject.id`` and its (hashed) identifiers.
        :param recipient_type: the identity type of ``recipient`` for hashed identifiers.
        :param at: verify as of this time instead of now.
        :param name: how to name the source in the report.
        :raises InputError: the input is not a credential in any supported form.
        """
        log_start = len(self.fetcher.log)
        loaded = load_credential(source, fetcher=self.fetcher, name=name)
        with shared_quads():
            report = _verify_any(self, loaded, at or self.clock(), (recipient, recipient_type))
        fetched = [
            {"url": r.url, "source": r.source, "status": r.status, "error": r.error}
            for r in self.fetcher.log[log_start:]
        ]
        return report.model_copy(update={"fetched": fetched})

    def verify_presentation(
        self,
        source: Source,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        at: datetime | None = None,
    ) -> PresentationReport:
        """Verify a presentation with a Data Integrity proof: the holder's ``authentication``
        proof, for ``challenge`` and ``domain`` when given, then each credential it carries.

        :raises InputError: the input is not JSON, or is a VC-JWT presentation."""
        from .presentation import verify_presentation

        now = at or self.clock()
        with shared_quads():
            return verify_presentation(
                source,
                context=lambda vp: self._context(vp, now),
                challenge=challenge,
                domain=domain,
                verify_one=lambda item: self._verify(item, now, (None, ""), depth=0),
                fetcher=self.fetcher,
            )

    def _context(self, credential: JSONObject, now: datetime) -> VerificationContext:
        return VerificationContext(
            fetcher=self.fetcher,
            resolver=self._resolver,
            loader=self.loader,
            registry=self.registry,
            now=now,
            clock_skew=self.clock_skew,
            issuer_id=issuer_id(credential),
        )

    def _verify(
        self,
        loaded: LoadedCredential,
        now: datetime,
        recipient: tuple[str | None, str],
        *,
        depth: int,
    ) -> VerificationReport:
        credential = loaded.credential
        if loaded.jwt is not None:
            # What a VC-JWT says is its verified payload, not the unverified one.
            jwt_outcome = self._jwt(loaded.jwt, self._context(credential, now))
            credential = jwt_outcome.credential or credential
            signed = proof.ProofOutcome([jwt_outcome.check], jwt_outcome.signer)
        ctx = self._context(credential, now)
        checks = self._document_checks(credential, ctx, jwt=loaded.jwt is not None)
        if loaded.jwt is None:
            signed = self._data_integrity(credential, ctx)
        checks += signed.checks
        checks += self._claim_checks(credential, ctx, recipient)
        trusted = None
        if self._sources:
            trust_check, trusted = claims.trusted_issuer(credential, signed.signer, self._sources)
            checks.append(trust_check)

        def verify_one(inner: LoadedCredential) -> VerificationReport:
            return self._verify(inner, now, (None, ""), depth=depth + 1)

        limits = {"depth": depth, "max_depth": self.max_endorsement_depth}
        endorsed = self._nested(
            CheckName.ENDORSEMENTS, nested.endorsements, credential, verify_one, limits
        )
        contained = self._nested(
            CheckName.INCLUDED, nested.included, credential, verify_one, limits
        )
        checks.extend(o.check for o in (endorsed, contained) if o.check is not None)
        report = self._report(loaded, credential, checks, now, endorsed, contained)
        return report.model_copy(
            update={
                "signer": signed.signer,
                "trusted_by": trusted.describe() if trusted is not None else None,
            }
        )

    @staticmethod
    def _data_integrity(credential: JSONObject, ctx: VerificationContext) -> proof.ProofOutcome:
        try:
            return proof.data_integrity_proof(credential, ctx)
        except Exception as exc:
            return proof.ProofOutcome([_internal_error(CheckName.PROOF, exc)])

    def _jwt(self, token: str, ctx: VerificationContext) -> proof.JwtOutcome:
        try:
            return proof.jwt_proof(token, ctx, accept_unbound_jwk=self.accept_unbound_jwk)
        except Exception as exc:
            return proof.JwtOutcome(_internal_error(CheckName.PROOF, exc), None)

    @staticmethod
    def _document_checks(
        credential: JSONObject, ctx: VerificationContext, *, jwt: bool
    ) -> list[Check]:
        # A VC-JWT signs the JSON bytes themselves, so JSON-LD data loss there cannot hide an
        # unsigned claim: it is reported as a warning. For Data Integrity proofs, which sign
        # the RDF, it blocks.
        return [
            *_guarded(CheckName.JSONLD, lambda: document.safe_mode(credential, ctx, warning=jwt)),
            *_guarded(CheckName.STRUCTURE, lambda: document.structure(credential, ctx)),
            *_guarded(CheckName.SCHEMA, lambda: document.schemas(credential, ctx)),
        ]

    def _claim_checks(
        self, credential: JSONObject, ctx: VerificationContext, recipient: tuple[str | None, str]
    ) -> list[Check]:
        checks = [
            *_guarded(CheckName.DATES, lambda: claims.dates(credential, ctx)),
            *_guarded(
                CheckName.STATUS, lambda: status_checks(credential, ctx, self.status_checker)
            ),
            *_guarded(CheckName.REFRESH, lambda: claims.refresh(credential, ctx)),
        ]
        expected, identity_type = recipient
        if expected is not None:
            checks += _guarded(
                CheckName.RECIPIENT,
                lambda: claims.recipient(
                    credential, ctx, expected=expected, identity_type=identity_type
                ),
            )
        return checks

    @staticmethod
    def _nested(
        name: CheckName,
        family: Callable[..., nested.NestedOutcome],
        credential: JSONObject,
        verify_one: nested.VerifyOne,
        limits: dict[str, int],
    ) -> nested.NestedOutcome:
        try:
            outcome: nested.NestedOutcome = family(credential, verify_one, **limits)
        except Exception as exc:
            return nested.NestedOutcome(_internal_error(name, exc))
        return outcome

    def _report(
        self,
        loaded: LoadedCredential,
        credential: JSONObject,
        checks: list[Check],
        now: datetime,
        endorsed: nested.NestedOutcome,
        contained: nested.NestedOutcome,
    ) -> VerificationReport:
        try:
            display = credential_display(credential)
            if endorsed.reports:
                # An endorsement is shown as holding only if it verified, and as it was signed.
                shown = [_endorsement_shown(r) for r in endorsed.reports]
                display = display.model_copy(update={"endorsements": shown})
        except Exception:  # display is best effort; never let it hide the verdict
            display = None
        outcome = verdict(checks)
        proof_format: Literal["data-integrity", "vc-jwt", "none"] = (
            "vc-jwt"
            if loaded.jwt
            else ("data-integrity" if credential.get("proof") is not None else "none")
        )
        trust = next((c for c in checks if c.name == CheckName.ISSUER), None)
        return VerificationReport(
            verified=outcome is Verdict.VERIFIED,
            verdict=outcome,
            checks=checks,
            source=loaded.source,
            carrier=loaded.carrier,
            proof_format=proof_format,
            issuer_trusted=None if trust is None else trust.status is CheckStatus.PASSED,
            credential=credential,
            display=display,
            endorsements=endorsed.reports,
            included=contained.reports,
            checked_at=format_datetime(now),
        )


def _trust_list(ids: Iterable[str]) -> TrustList:
    from .trust import TrustList  # (loaded only for a verifier with trust sources)

    return TrustList.of(ids)


def _verify_any(
    verifier: Verifier, loaded: LoadedCredential, now: datetime, recipient: tuple[str | None, str]
) -> VerificationReport:
    if is_ob2(loaded.credential):  # Open Badges 2.0, hosted or signed: see ob2.py
        from .ob2 import verify_ob2_loaded  # its pydantic models only for OB 2.0 input

        return verify_ob2_loaded(loaded, verifier.fetcher, now, verifier.clock_skew, recipient)
    return verifier._verify(loaded, now, recipient, depth=0)


def _endorsement_shown(report: VerificationReport) -> dict[str, Any]:
    summary = endorsement_summary(report.credential or {})
    holder = report.source.split(".endorsement")[0]
    return {
        "on": {"$": "credential", "$.issuer": "issuer"}.get(holder, "achievement"),
        "where": report.source,
        **summary,
        "verified": report.verified,
        "verdict": report.verdict.value,
    }


def verify(source: Source, **options: Any) -> VerificationReport:
    """Verify with a default, offline :class:`Verifier` (see :meth:`Verifier.verify`)."""
    return Verifier().verify(source, **options)


def verify_presentation(source: Source, **options: Any) -> PresentationReport:
    """Verify a presentation with a default, offline :class:`Verifier` (see
    :meth:`Verifier.verify_presentation`)."""
    return Verifier().verify_presentation(source, **options)
