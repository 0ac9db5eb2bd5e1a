"""Is it signed by its issuer: Data Integrity proofs and VC-JWT signatures, and the binding
of the signing key to the issuer the credential names."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..._json import id_of, issuer_id
from ..._time import format_datetime
from ...errors import (
    ControllerMismatchError,
    InvalidProofError,
    OpenMicrocredError,
    ResolutionError,
    SafeModeError,
    SignatureError,
)
from ...suites import ProofResult, verify_proofs
from ...suites.vc_jwt import JWTResult, numeric_date_claim, verify_jwt
from ...types import JSONObject
from ..context import VerificationContext
from ..report import Check, CheckCode, CheckName, CheckStatus, code_of, make_check
from ..signer import Signer, signer_of

__all__ = [
    "JwtOutcome",
    "ProofOutcome",
    "data_integrity_proof",
    "jwt_proof",
    "presentation_proof",
]


def _proof(status: CheckStatus, code: CheckCode, message: str, path: str | None = None) -> Check:
    return make_check(CheckName.PROOF, status, code, message, path)


@dataclass(frozen=True)
class ProofOutcome:
    """The proof checks of a credential, and who signed it (``None`` unless a proof by the
    issuer verified)."""

    checks: list[Check]
    signer: Signer | None = None


def data_integrity_proof(credential: JSONObject, ctx: VerificationContext) -> ProofOutcome:
    """Passed if a proof verifies with a key of the issuer; the other proofs of a set that
    could not be checked (an unknown suite, a key offline) are listed as skipped, and one
    made by someone else is noted. A forged proof fails the set."""
    return _embedded_proofs(
        credential, ctx, _Expected("assertionMethod", issuer_id(credential), None, None)
    )


def presentation_proof(
    presentation: JSONObject,
    ctx: VerificationContext,
    *,
    challenge: str | None,
    domain: str | None,
) -> ProofOutcome:
    """The presentation's ``authentication`` proof: by the holder it names (any signer when it
    names none), for the verifier's ``challenge`` and ``domain`` when given."""
    holder = id_of(presentation.get("holder"))
    return _embedded_proofs(
        presentation, ctx, _Expected("authentication", holder, challenge, domain), "presentation"
    )


@dataclass(frozen=True)
class _Expected:
    purpose: str
    controller: str | None
    challenge: str | None
    domain: str | None


def _embedded_proofs(
    document: JSONObject, ctx: VerificationContext, expected: _Expected, what: str = "credential"
) -> ProofOutcome:
    if document.get("proof") is None or document.get("proof") == []:
        kind = "no proof" if document.get("proof") is None else "an empty proof list"
        return ProofOutcome(
            [
                _proof(
                    CheckStatus.FAILED,
                    CheckCode.NO_PROOF,
                    f"the {what} has {kind} (neither embedded nor VC-JWT): it is unsigned",
                    "$.proof",
                )
            ]
        )
    results = verify_proofs(
        document,
        resolver=ctx.resolver,
        registry=ctx.registry,
        loader=ctx.loader,
        purpose=expected.purpose,
        challenge=expected.challenge,
        domain=expected.domain,
        expected_controller=expected.controller,
        now=ctx.now,
        clock_skew=ctx.clock_skew,
    )
    many = isinstance(document.get("proof"), list)
    good = [r for r in results if r.verified]
    failed = _failed_proofs(results, many=many)
    if not good or (failed is not None and failed.status is CheckStatus.FAILED):
        return ProofOutcome([failed or _nothing_verified(many)])
    r = good[0]
    suite = r.cryptosuite or r.proof_type
    checks = [
        _proof(
            CheckStatus.PASSED,
            CheckCode.PROOF_OK,
            f"{suite} proof by {r.verification_method} (controller {r.controller})",
            _where(r, many) if many else None,
        )
    ]
    checks += [_skipped(other, many) for other in results if other.error is not None]
    return ProofOutcome(checks, signer_of(r.controller, r.verification_method, _name(document)))


def _nothing_verified(many: bool) -> Check:
    return _proof(
        CheckStatus.ERROR,
        CheckCode.NO_USABLE_KEY,
        "no proof could be checked",
        "$.proof" if not many else None,
    )


def _skipped(result: ProofResult, many: bool) -> Check:
    return _proof(
        CheckStatus.SKIPPED,
        CheckCode.PROOF_SKIPPED,
        f"{result.cryptosuite or result.proof_type} proof not used: {result.error}",
        _where(result, many),
    )


def _name(credential: JSONObject) -> str | None:
    issuer = credential.get("issuer")
    name = issuer.get("name") if isinstance(issuer, dict) else None
    return name if isinstance(name, str) else None


def _is_forged(error: Exception) -> bool:
    return isinstance(error, SignatureError | SafeModeError)


def _failed_proofs(results: list[ProofResult], *, many: bool) -> Check | None:
    """The most decisive failure of a proof set: a forged proof (its signature fails over
    the content), else another proof that was checked and is wrong (malformed, expired),
    else one that could not be checked (an ``error``). A proof that verifies with a key
    of someone other than the issuer fails only when no proof of the issuer verified."""
    issuer_verified = any(r.verified for r in results)
    failures = [
        (r, r.error)
        for r in results
        if r.error is not None
        and not (issuer_verified and isinstance(r.error, ControllerMismatchError))
    ]
    if not failures:
        return None
    ranked = sorted(
        failures,
        key=lambda f: (
            not _is_forged(f[1]),
            not isinstance(f[1], InvalidProofError | SafeModeError),
        ),
    )
    r, error = ranked[0]
    path = error.path if isinstance(error, SafeModeError) else _where(r, many)
    checked = isinstance(error, InvalidProofError | SafeModeError)
    status = CheckStatus.FAILED if checked else CheckStatus.ERROR
    return _proof(status, code_of(error), str(error), path)


def _where(result: ProofResult, many: bool) -> str:
    return f"$.proof[{result.index}]" if many else "$.proof"


@dataclass(frozen=True)
class JwtOutcome:
    """The proof check of a VC-JWT, the credential its signature covers (``None`` when the
    token could not be verified at all), and who signed it."""

    check: Check
    credential: JSONObject | None
    signer: Signer | None = None


def jwt_proof(token: str, ctx: VerificationContext, *, accept_unbound_jwk: bool) -> JwtOutcome:
    """Verify a VC-JWT, bind its key to the issuer (a DID or https controller document that
    lists the key, or a ``kid`` URL on the issuer's own https origin), then judge its
    ``exp`` and ``nbf`` claims (RFC 7519 §4.1.4-5) against the verification time."""
    try:
        result = verify_jwt(token, resolver=ctx.resolver)
    except ResolutionError as exc:
        return JwtOutcome(_proof(CheckStatus.ERROR, code_of(exc), str(exc)), None)
    except OpenMicrocredError as exc:
        return JwtOutcome(_proof(CheckStatus.FAILED, code_of(exc), str(exc)), None)
    check, signer = _jwt_binding(result, accept_unbound_jwk)
    if check.status is CheckStatus.PASSED:
        check = _jwt_times(result, ctx) or check
    return JwtOutcome(
        check, result.credential, signer if check.status is CheckStatus.PASSED else None
    )


def _jwt_times(result: JWTResult, ctx: VerificationContext) -> Check | None:
    try:
        not_before = numeric_date_claim(result.payload, "nbf")
        expires = numeric_date_claim(result.payload, "exp")
    except InvalidProofError as exc:
        return _proof(CheckStatus.FAILED, code_of(exc), str(exc))
    if not_before is not None and not_before > ctx.now + ctx.clock_skew:
        return _proof(
            CheckStatus.FAILED,
            CheckCode.PROOF_NOT_YET_VALID,
            f"the JWT is not valid before {format_datetime(not_before)} (its nbf claim)",
        )
    if expires is not None and expires < ctx.now - ctx.clock_skew:
        return _proof(
            CheckStatus.FAILED,
            CheckCode.PROOF_EXPIRED,
            f"the JWT expired at {format_datetime(expires)} (its exp claim)",
        )
    return None


def _jwt_binding(result: JWTResult, accept_unbound_jwk: bool) -> tuple[Check, Signer | None]:
    issuer = issuer_id(result.credential)
    kid = result.header.get("kid")
    alg = result.header.get("alg")
    name = _name(result.credential)
    method = kid if isinstance(kid, str) else None
    if result.controller is not None:
        if result.controller != issuer:
            return _proof(
                CheckStatus.FAILED,
                CheckCode.ISSUER_KEY_MISMATCH,
                f"the JWT was signed with a key of {result.controller}, not of the issuer {issuer}",
                "$.issuer",
            ), None
        signer = signer_of(result.controller, method, name)
        return _proof(
            CheckStatus.PASSED, CheckCode.PROOF_OK, f"VC-JWT ({alg}) signed by {kid}"
        ), signer
    if result.key_source == "kid" and method and issuer and _same_origin(method, issuer):
        return _proof(
            CheckStatus.PASSED,
            CheckCode.PROOF_OK,
            f"VC-JWT ({alg}) signed by the key at {kid}, on the issuer's origin",
        ), signer_of(issuer, method, name)
    if accept_unbound_jwk:
        return _proof(
            CheckStatus.PASSED,
            CheckCode.PROOF_OK_UNBOUND,
            f"VC-JWT ({alg}) signature valid; key not bound to the issuer "
            "(accepted by configuration)",
        ), signer_of(None, method, name)
    return _proof(
        CheckStatus.ERROR,
        CheckCode.ISSUER_KEY_UNBOUND,
        f"the VC-JWT ({alg}) signature is valid, but its key "
        f"({result.key_source}) cannot be tied to the issuer {issuer}",
    ), None


def _same_origin(url: str, issuer: str) -> bool:
    a, b = urlsplit(url), urlsplit(issuer)
    return a.scheme == "https" and b.scheme == "https" and a.netloc == b.netloc
