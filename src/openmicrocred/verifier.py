"""Verify an Open Badges 3.0 credential from any carrier, following OB 3.0 §9
(https://www.imsglobal.org/spec/ob/v3p0/#verification-and-validation), and explain the
outcome in a :class:`~openmicrocred.report.VerificationReport`.

Every step is its own check. A check that cannot raise is wrapped: ``verify`` returns a report
for anything that is a credential, and raises :class:`~openmicrocred.inputs.InputError` only
for input that is not a credential in any supported form.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from .did.resolver import Resolver
from .display import credential_display
from .documents import DEFAULT_LOADER
from .errors import (
    CredentialError,
    OpenMicrocredError,
    ResolutionError,
    SafeModeError,
    UnsupportedSuiteError,
)
from .fetch import Fetcher
from .inputs import LoadedCredential, load_credential
from .jsonld import check_safe
from .models import IdentityObject, parse_credential, parse_datetime
from .models._base import format_datetime
from .report import Check, CheckStatus, Verdict, VerificationReport, make_check
from .schema import bundled_schema_urls, schema_errors, schema_url_for
from .suites import DEFAULT_REGISTRY, SuiteRegistry, verify_proofs
from .suites.vc_jwt import verify_jwt
from .types import DocumentLoader, JSONObject

__all__ = ["StatusChecker", "VerificationContext", "Verifier", "verify"]

_SCHEMA_VALIDATOR = "1EdTechJsonSchemaValidator2019"


@dataclass(frozen=True)
class VerificationContext:
    """What a status checker (or other plug-in check) gets to work with."""

    fetcher: Fetcher
    resolver: Resolver
    loader: DocumentLoader
    registry: SuiteRegistry
    now: datetime
    issuer_id: str | None


class StatusChecker(Protocol):
    """Checks ``credentialStatus`` entries (see :mod:`openmicrocred.status`)."""

    def __call__(self, credential: JSONObject, context: VerificationContext) -> list[Check]: ...


_check = make_check


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _issuer_id(credential: JSONObject) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _default_status_checker() -> StatusChecker:
    from .status.check import StatusChecker as BitstringStatusChecker

    return BitstringStatusChecker()


@dataclass
class Verifier:
    """Verifies credentials. Offline unless given a :class:`~openmicrocred.fetch.Fetcher`
    with a client. Safe to share between threads.

    :param fetcher: network access (and local copies of resources) for DID documents,
        controller documents, status lists and credential URLs.
    :param resolver: resolves verification methods (default: one using ``fetcher``).
    :param trusted_issuers: issuer ids (DIDs, URLs) the verifying organisation recognises.
    :param clock: returns "now" (default: the system clock, UTC).
    :param clock_skew: tolerance for dates.
    :param status_checker: checks ``credentialStatus`` (default: Bitstring Status List, with
        lists fetched through ``fetcher``); ``None`` reports any status entry as "status not
        checked", never as passed.
    :param max_endorsement_depth: how deep endorsements of endorsements are verified.
    :param accept_unbound_jwk: accept a VC-JWT whose key comes only from its own ``jwk``
        header (anyone can make such a token; off by default).
    """

    fetcher: Fetcher = field(default_factory=Fetcher)
    resolver: Resolver | None = None
    loader: DocumentLoader = DEFAULT_LOADER
    registry: SuiteRegistry = DEFAULT_REGISTRY
    trusted_issuers: Iterable[str] | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    clock_skew: timedelta = timedelta(minutes=5)
    status_checker: StatusChecker | None = field(default_factory=_default_status_checker)
    max_endorsement_depth: int = 2
    accept_unbound_jwk: bool = False

    def __post_init__(self) -> None:
        if self.resolver is None:
            self.resolver = Resolver(self.fetcher)
        self._trusted = (
            frozenset(self.trusted_issuers) if self.trusted_issuers is not None else None
        )

    def verify(
        self,
        source: dict[str, Any] | str | bytes | os.PathLike[str],
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
        :param at: verify as of this time instead of now.
        :param name: how to name the source in the report.
        :raises InputError: the input is not a credential in any supported form.
        """
        log_start = len(self.fetcher.log)
        loaded = load_credential(source, fetcher=self.fetcher, name=name)
        now = at or self.clock()
        report = self._verify(
            loaded, now=now, recipient=recipient, recipient_type=recipient_type, depth=0
        )
        fetched = [
            {"url": r.url, "source": r.source, "status": r.status, "error": r.error}
            for r in self.fetcher.log[log_start:]
        ]
        return report.model_copy(update={"fetched": fetched})

    # ------------------------------------------------------------------------------ steps

    def _verify(
        self,
        loaded: LoadedCredential,
        *,
        now: datetime,
        recipient: str | None,
        recipient_type: str,
        depth: int,
    ) -> VerificationReport:
        credential = loaded.credential
        checks: list[Check] = []
        proof_format: Literal["data-integrity", "vc-jwt", "none"] = (
            "vc-jwt"
            if loaded.jwt
            else ("data-integrity" if credential.get("proof") is not None else "none")
        )

        if loaded.jwt is not None:
            jwt_result = _guarded("proof", self._jwt_proof, loaded.jwt)
            proof_check, verified_credential = (
                jwt_result if isinstance(jwt_result, tuple) else (jwt_result, None)
            )
            if verified_credential is not None:
                credential = verified_credential
        else:
            proof_check = None

        # A VC-JWT signs the JSON bytes themselves, so JSON-LD data loss there cannot hide an
        # unsigned claim: it is reported as a warning. For Data Integrity proofs, which sign
        # the RDF, it blocks.
        checks.append(_guarded("jsonld", self._safe_mode, credential, loaded.jwt is not None))
        checks.extend(_as_checks(_guarded("structure", self._structure, credential)))
        checks.extend(_as_checks(_guarded("schema", self._schemas, credential)))
        checks.append(proof_check or _guarded("proof", self._data_integrity_proof, credential, now))
        checks.append(_guarded("dates", self._dates, credential, now))
        checks.extend(_as_checks(_guarded("status", self._status, credential, now)))
        checks.append(_guarded("refresh", self._refresh, credential))
        if recipient is not None:
            checks.append(
                _guarded("recipient", self._recipient, credential, recipient, recipient_type)
            )
        trusted: bool | None = None
        if self._trusted is not None:
            issuer = _issuer_id(credential)
            trusted = issuer in self._trusted
            checks.append(
                _check(
                    "issuer",
                    CheckStatus.PASSED if trusted else CheckStatus.FAILED,
                    "trusted_issuer" if trusted else "unknown_issuer",
                    f"{'trusted' if trusted else 'unknown'} issuer {issuer}",
                    "$.issuer",
                    severity="warning",
                )
            )
        endorsed = _guarded("endorsements", self._endorsements, credential, now, depth)
        endorsement_check, endorsement_reports = (
            endorsed if isinstance(endorsed, tuple) else (endorsed, [])
        )
        checks.append(endorsement_check)
        included_check, included_reports = self._included(credential, now, depth)
        if included_check is not None:
            checks.append(included_check)
        try:
            display = credential_display(credential)
        except Exception:  # display is best effort; never let it hide the verdict
            display = None

        verdict = self._verdict(checks)
        return VerificationReport(
            verified=verdict is Verdict.VERIFIED,
            verdict=verdict,
            checks=checks,
            source=loaded.source,
            carrier=loaded.carrier,
            proof_format=proof_format,
            issuer_trusted=trusted,
            credential=credential,
            display=display,
            endorsements=endorsement_reports,
            included=included_reports,
            checked_at=format_datetime(now),
        )

    def _safe_mode(self, credential: JSONObject, warning: bool = False) -> Check:
        try:
            check_safe(credential, loader=self.loader)
        except SafeModeError as exc:
            return _check(
                "jsonld",
                CheckStatus.FAILED,
                exc.code,
                exc.detail,
                exc.path,
                severity="warning" if warning else "error",
            )
        except OpenMicrocredError as exc:
            return _check("jsonld", CheckStatus.ERROR, exc.code, str(exc))
        return _check(
            "jsonld",
            CheckStatus.PASSED,
            "jsonld_ok",
            "JSON-LD processing keeps every property (safe mode)",
        )

    def _structure(self, credential: JSONObject) -> list[Check]:
        try:
            model = parse_credential(credential)
        except CredentialError as exc:
            first = exc.errors[0] if exc.errors else None
            message = exc.summary + (f": {first.message}" if first else "")
            if len(exc.errors) > 1:
                message += f" (and {len(exc.errors) - 1} more)"
            return [
                _check(
                    "structure", CheckStatus.FAILED, exc.code, message, first.path if first else "$"
                )
            ]
        subject = model.credential_subject
        if type(model).__name__ == "ClrCredential":  # a ClrSubject's id, identifier are optional
            return [
                _check("structure", CheckStatus.PASSED, "structure_ok", "well-formed ClrCredential")
            ]
        has_id = getattr(subject, "id", None) is not None
        has_identifier = bool(getattr(subject, "identifier", None))
        if not (has_id or has_identifier):
            return [
                _check(
                    "structure",
                    CheckStatus.FAILED,
                    "subject_unidentified",
                    "credentialSubject has neither id nor identifier",
                    "$.credentialSubject",
                )
            ]
        return [
            _check(
                "structure",
                CheckStatus.PASSED,
                "structure_ok",
                f"well-formed {type(model).__name__}",
            )
        ]

    def _schemas(self, credential: JSONObject) -> list[Check]:
        checks: list[Check] = []
        named = [
            e
            for e in _as_list(credential.get("credentialSchema"))
            if isinstance(e, dict) and e.get("type") == _SCHEMA_VALIDATOR
        ]
        for i, entry in enumerate(named):
            url = entry.get("id")
            where = (
                f"$.credentialSchema[{i}]"
                if isinstance(credential.get("credentialSchema"), list)
                else "$.credentialSchema"
            )
            if not isinstance(url, str) or url not in bundled_schema_urls():
                checks.append(
                    _check(
                        "schema",
                        CheckStatus.ERROR,
                        "schema_unavailable",
                        f"schema {url} is not one of the bundled 1EdTech schemas",
                        where,
                        severity="warning",
                    )
                )
                continue
            errors = schema_errors(credential, schema=url)
            if errors:
                checks.append(
                    _check(
                        "schema",
                        CheckStatus.FAILED,
                        "schema_invalid",
                        f"does not validate against {url.rsplit('/', 1)[-1]}: {errors[0].message}",
                        errors[0].path,
                    )
                )
            else:
                checks.append(
                    _check(
                        "schema",
                        CheckStatus.PASSED,
                        "schema_ok",
                        f"validates against {url.rsplit('/', 1)[-1]}",
                        where,
                    )
                )
        try:
            default = schema_url_for(credential)
        except ValueError:
            return checks
        errors = schema_errors(credential, schema=default)
        name = default.rsplit("/", 1)[-1]
        if errors:
            checks.append(
                _check(
                    "schema_1edtech",
                    CheckStatus.FAILED,
                    "schema_invalid",
                    f"does not validate against {name}: {errors[0].message}",
                    errors[0].path,
                    severity="warning",
                )
            )
        else:
            checks.append(
                _check(
                    "schema_1edtech",
                    CheckStatus.PASSED,
                    "schema_ok",
                    f"validates against {name}",
                    severity="warning",
                )
            )
        return checks

    def _data_integrity_proof(self, credential: JSONObject, now: datetime) -> Check:
        if credential.get("proof") is None:
            return _check(
                "proof",
                CheckStatus.FAILED,
                "no_proof",
                "the credential has no proof (neither embedded nor VC-JWT)",
                "$.proof",
            )
        issuer = _issuer_id(credential)
        assert self.resolver is not None
        results = verify_proofs(
            credential,
            resolver=self.resolver,
            registry=self.registry,
            loader=self.loader,
            expected_controller=issuer,
            now=now,
        )
        if not results:
            return _check(
                "proof", CheckStatus.FAILED, "no_proof", "the proof list is empty", "$.proof"
            )
        good = [r for r in results if r.verified]
        if good:
            r = good[0]
            suite = r.cryptosuite or r.proof_type
            return _check(
                "proof",
                CheckStatus.PASSED,
                "proof_ok",
                f"{suite} proof by {r.verification_method} (controller {r.controller})",
            )
        many = isinstance(credential.get("proof"), list)
        failures = [(r, r.error) for r in results if r.error is not None]
        # A proof that was checked and is wrong makes the credential tampered; one that could
        # not be checked (unknown suite, unreachable key) leaves it unverifiable.
        for r, error in failures:
            if not isinstance(error, ResolutionError | UnsupportedSuiteError):
                path = f"$.proof[{r.index}]" if many else "$.proof"
                if isinstance(error, SafeModeError):
                    path = error.path
                return _check(
                    "proof",
                    CheckStatus.FAILED,
                    error.code if error else "invalid",
                    str(error),
                    path,
                )
        r, error = failures[0]
        return _check(
            "proof",
            CheckStatus.ERROR,
            error.code if error else "error",
            str(error),
            f"$.proof[{r.index}]" if many else "$.proof",
        )

    def _jwt_proof(self, token: str) -> tuple[Check, JSONObject | None]:
        assert self.resolver is not None
        try:
            result = verify_jwt(token, resolver=self.resolver)
        except ResolutionError as exc:
            return _check("proof", CheckStatus.ERROR, exc.code, str(exc)), None
        except OpenMicrocredError as exc:
            return _check("proof", CheckStatus.FAILED, exc.code, str(exc)), None
        credential = result.credential
        issuer = _issuer_id(credential)
        kid = result.header.get("kid")
        alg = result.header.get("alg")
        if result.controller is not None:
            if result.controller != issuer:
                return _check(
                    "proof",
                    CheckStatus.FAILED,
                    "issuer_key_mismatch",
                    f"the JWT was signed with a key of {result.controller}, not of "
                    f"the issuer {issuer}",
                    "$.issuer",
                ), credential
            return _check(
                "proof", CheckStatus.PASSED, "proof_ok", f"VC-JWT ({alg}) signed by {kid}"
            ), credential
        if (
            result.key_source == "kid"
            and isinstance(kid, str)
            and issuer
            and _same_origin(kid, issuer)
        ):
            return _check(
                "proof",
                CheckStatus.PASSED,
                "proof_ok",
                f"VC-JWT ({alg}) signed by the key at {kid}, on the issuer's origin",
            ), (credential)
        if self.accept_unbound_jwk:
            return _check(
                "proof",
                CheckStatus.PASSED,
                "proof_ok_unbound",
                f"VC-JWT ({alg}) signature valid; key not bound to the issuer "
                "(accepted by configuration)",
            ), credential
        return _check(
            "proof",
            CheckStatus.ERROR,
            "issuer_key_unbound",
            f"the VC-JWT ({alg}) signature is valid, but its key "
            f"({result.key_source}) cannot be tied to the issuer {issuer}",
        ), credential

    def _dates(self, credential: JSONObject, now: datetime) -> Check:
        start_key = "validFrom" if "validFrom" in credential else "issuanceDate"
        end_key = "validUntil" if "validUntil" in credential else "expirationDate"
        try:
            start = parse_datetime(credential[start_key]) if start_key in credential else None
            end = parse_datetime(credential[end_key]) if end_key in credential else None
        except (ValueError, TypeError, AttributeError) as exc:
            return _check("dates", CheckStatus.FAILED, "invalid_date", str(exc), "$")
        if start is None:
            return _check(
                "dates",
                CheckStatus.FAILED,
                "no_valid_from",
                "the credential has no validFrom (or issuanceDate)",
                f"$.{start_key}",
            )
        if start > now + self.clock_skew:
            return _check(
                "dates",
                CheckStatus.FAILED,
                "not_yet_valid",
                f"not valid until {format_datetime(start)}",
                f"$.{start_key}",
            )
        if end is not None and end < now - self.clock_skew:
            return _check(
                "dates",
                CheckStatus.FAILED,
                "expired",
                f"expired at {format_datetime(end)}",
                f"$.{end_key}",
            )
        until = f" until {format_datetime(end)}" if end else ""
        return _check(
            "dates", CheckStatus.PASSED, "dates_ok", f"valid from {format_datetime(start)}{until}"
        )

    def _status(self, credential: JSONObject, now: datetime) -> list[Check]:
        if credential.get("credentialStatus") is None:
            return [
                _check(
                    "status",
                    CheckStatus.SKIPPED,
                    "no_status",
                    "the credential has no credentialStatus",
                )
            ]
        if self.status_checker is None:
            return [
                _check(
                    "status",
                    CheckStatus.ERROR,
                    "status_not_checked",
                    "status not checked (no status checker configured)",
                    "$.credentialStatus",
                )
            ]
        assert self.resolver is not None
        context = VerificationContext(
            self.fetcher, self.resolver, self.loader, self.registry, now, _issuer_id(credential)
        )
        try:
            return self.status_checker(credential, context)
        except OpenMicrocredError as exc:
            return [_check("status", CheckStatus.ERROR, exc.code, str(exc), "$.credentialStatus")]

    @staticmethod
    def _refresh(credential: JSONObject) -> Check:
        services = [s for s in _as_list(credential.get("refreshService")) if isinstance(s, dict)]
        if not services:
            return _check(
                "refresh", CheckStatus.SKIPPED, "no_refresh", "the credential has no refreshService"
            )
        ids = ", ".join(str(s.get("id")) for s in services)
        return _check(
            "refresh",
            CheckStatus.SKIPPED,
            "refresh_noted",
            f"refresh service noted, not contacted: {ids}",
            "$.refreshService",
        )

    @staticmethod
    def _recipient(credential: JSONObject, recipient: str, recipient_type: str) -> Check:
        subject = credential.get("credentialSubject")
        subject = subject if isinstance(subject, dict) else {}
        if subject.get("id") == recipient:
            return _check(
                "recipient",
                CheckStatus.PASSED,
                "recipient_ok",
                "credentialSubject.id is the expected recipient",
                "$.credentialSubject.id",
            )
        for i, raw in enumerate(_as_list(subject.get("identifier"))):
            try:
                identity = IdentityObject.model_validate(raw)
            except ValueError:
                continue
            if identity.matches(recipient, identity_type=recipient_type):
                return _check(
                    "recipient",
                    CheckStatus.PASSED,
                    "recipient_ok",
                    f"matches the {'hashed ' if identity.hashed else ''}"
                    f"{identity.identity_type} identifier",
                    f"$.credentialSubject.identifier[{i}]",
                )
        return _check(
            "recipient",
            CheckStatus.FAILED,
            "recipient_mismatch",
            f"the credential was not issued to {recipient}",
            "$.credentialSubject",
        )

    def _endorsements(
        self, credential: JSONObject, now: datetime, depth: int
    ) -> tuple[Check, list[VerificationReport]]:
        found: list[LoadedCredential] = []
        subject = credential.get("credentialSubject")
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        holders = [
            ("$", credential),
            ("$.credentialSubject.achievement", achievement),
            ("$.issuer", credential.get("issuer")),
        ]
        for where, holder in holders:
            if not isinstance(holder, dict):
                continue
            for i, e in enumerate(_as_list(holder.get("endorsement"))):
                if isinstance(e, dict):
                    found.append(LoadedCredential(e, None, "json", f"{where}.endorsement[{i}]"))
            for i, token in enumerate(_as_list(holder.get("endorsementJwt"))):
                if isinstance(token, str):
                    try:
                        found.append(load_credential(token))
                    except OpenMicrocredError:
                        continue
                    found[-1] = LoadedCredential(
                        found[-1].credential, token, "jwt", f"{where}.endorsementJwt[{i}]"
                    )
        if not found:
            return _check(
                "endorsements",
                CheckStatus.SKIPPED,
                "no_endorsements",
                "no endorsements",
                severity="warning",
            ), []
        if depth >= self.max_endorsement_depth:
            return _check(
                "endorsements",
                CheckStatus.SKIPPED,
                "endorsement_depth",
                f"{len(found)} endorsement(s) not checked (depth limit)",
                severity="warning",
            ), []
        reports = [
            self._verify(e, now=now, recipient=None, recipient_type="", depth=depth + 1)
            for e in found
        ]
        good = sum(r.verified for r in reports)
        if good == len(reports):
            return _check(
                "endorsements",
                CheckStatus.PASSED,
                "endorsements_ok",
                f"{good} endorsement(s) verified",
                severity="warning",
            ), reports
        return _check(
            "endorsements",
            CheckStatus.FAILED,
            "endorsement_invalid",
            f"{len(reports) - good} of {len(reports)} endorsement(s) not verified",
            severity="warning",
        ), reports

    def _included(
        self, credential: JSONObject, now: datetime, depth: int
    ) -> tuple[Check | None, list[VerificationReport]]:
        # A CLR's value is the credentials it carries: each is verified on its own, and the
        # CLR is verified only if all of them are.
        if "ClrCredential" not in _as_list(credential.get("type")):
            return None, []
        subject = credential.get("credentialSubject")
        inner = subject.get("verifiableCredential") if isinstance(subject, dict) else None
        found = [c for c in _as_list(inner) if isinstance(c, dict)]
        if not found:
            return _check(
                "included",
                CheckStatus.FAILED,
                "no_included_credentials",
                "the CLR holds no credentials",
                "$.credentialSubject.verifiableCredential",
            ), []
        if depth >= self.max_endorsement_depth:
            return _check(
                "included",
                CheckStatus.ERROR,
                "inclusion_depth",
                "included credentials nested too deeply to check",
            ), []
        reports = [
            self._verify(
                LoadedCredential(c, None, "json", f"$.credentialSubject.verifiableCredential[{i}]"),
                now=now,
                recipient=None,
                recipient_type="",
                depth=depth + 1,
            )
            for i, c in enumerate(found)
        ]
        good = sum(r.verified for r in reports)
        if good == len(reports):
            return _check(
                "included",
                CheckStatus.PASSED,
                "included_ok",
                f"all {good} included credential(s) verified",
            ), reports
        bad = [f"[{i}] {r.verdict.value}" for i, r in enumerate(reports) if not r.verified]
        return _check(
            "included",
            CheckStatus.FAILED,
            "included_invalid",
            f"{len(bad)} of {len(reports)} included credential(s) not verified: " + ", ".join(bad),
            "$.credentialSubject.verifiableCredential",
        ), reports

    @staticmethod
    def _verdict(checks: list[Check]) -> Verdict:
        def failed(name: str, *codes: str) -> bool:
            return any(
                c.name == name and c.status is CheckStatus.FAILED and (not codes or c.code in codes)
                for c in checks
            )

        if failed("proof", "proof_expired"):
            return Verdict.EXPIRED
        if failed("proof", "proof_not_yet_valid"):
            return Verdict.NOT_YET_VALID
        if failed("proof") or any(c.name == "jsonld" and c.blocking for c in checks):
            return Verdict.TAMPERED
        if failed("structure") or any(c.name == "schema" and c.blocking for c in checks):
            return Verdict.INVALID
        if failed("status", "revoked"):
            return Verdict.REVOKED
        if failed("status", "suspended"):
            return Verdict.SUSPENDED
        if failed("dates", "expired"):
            return Verdict.EXPIRED
        if failed("dates", "not_yet_valid"):
            return Verdict.NOT_YET_VALID
        if failed("recipient"):
            return Verdict.RECIPIENT_MISMATCH
        if failed("included"):
            return Verdict.INVALID
        if any(c.blocking for c in checks):
            return Verdict.UNVERIFIABLE
        return Verdict.VERIFIED


def _guarded(name: str, step: Callable[..., Any], *args: Any) -> Any:
    """Run one verification step; an unexpected exception becomes an ``error`` check, so that
    hostile input can never crash the verifier or be mistaken for a passed check."""
    try:
        return step(*args)
    except Exception as exc:
        return _check(
            name,
            CheckStatus.ERROR,
            "internal_error",
            f"could not check: {type(exc).__name__}: {exc}",
        )


def _as_checks(result: Check | list[Check]) -> list[Check]:
    return [result] if isinstance(result, Check) else result


def _same_origin(url: str, issuer: str) -> bool:
    a, b = urlsplit(url), urlsplit(issuer)
    return a.scheme == "https" and b.scheme == "https" and a.netloc == b.netloc


def verify(
    source: dict[str, Any] | str | bytes | os.PathLike[str], **options: Any
) -> VerificationReport:
    """Verify with a default, offline :class:`Verifier` (see :meth:`Verifier.verify`)."""
    return Verifier().verify(source, **options)
