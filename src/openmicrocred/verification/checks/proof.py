"""Is it signed by its issuer: Data Integrity proofs and VC-JWT signatures, and the binding
of the signing key to the issuer the credential names."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..._json import issuer_id
from ...errors import (
    OpenMicrocredError,
    ResolutionError,
    SafeModeError,
    UnsupportedSuiteError,
)
from ...suites import ProofResult, verify_proofs
from ...suites.vc_jwt import JWTResult, verify_jwt
from ...types import JSONObject
from ..context import VerificationContext
from ..report import Check, CheckCode, CheckName, CheckStatus, code_of, make_check

__all__ = ["JwtOutcome", "data_integrity_proof", "jwt_proof"]


def _proof(status: CheckStatus, code: CheckCode, message: str, path: str | None = None) -> Check:
    return make_check(CheckName.PROOF, status, code, message, path)


def data_integrity_proof(credential: JSONObject, ctx: VerificationContext) -> list[Check]:
    """One check: passed if any embedded proof verifies with a key of the issuer."""
    if credential.get("proof") is None:
        return [
            _proof(
                CheckStatus.FAILED,
                CheckCode.NO_PROOF,
                "the credential has no proof (neither embedded nor VC-JWT)",
                "$.proof",
            )
        ]
    results = verify_proofs(
        credential,
        resolver=ctx.resolver,
        registry=ctx.registry,
        loader=ctx.loader,
        expected_controller=issuer_id(credential),
        now=ctx.now,
        clock_skew=ctx.clock_skew,
    )
    if not results:
        return [
            _proof(CheckStatus.FAILED, CheckCode.NO_PROOF, "the proof list is empty", "$.proof")
        ]
    good = [r for r in results if r.verified]
    if good:
        r = good[0]
        suite = r.cryptosuite or r.proof_type
        return [
            _proof(
                CheckStatus.PASSED,
                CheckCode.PROOF_OK,
                f"{suite} proof by {r.verification_method} (controller {r.controller})",
            )
        ]
    return [_failed_proofs(results, many=isinstance(credential.get("proof"), list))]


def _failed_proofs(results: list[ProofResult], *, many: bool) -> Check:
    # A proof that was checked and is wrong makes the credential tampered; one that could
    # not be checked (unknown suite, unreachable key) leaves it unverifiable.
    failures = [(r, r.error) for r in results if r.error is not None]
    for r, error in failures:
        if not isinstance(error, ResolutionError | UnsupportedSuiteError):
            path = error.path if isinstance(error, SafeModeError) else _where(r, many)
            return _proof(CheckStatus.FAILED, code_of(error), str(error), path)
    r, error = failures[0]
    return _proof(CheckStatus.ERROR, code_of(error), str(error), _where(r, many))


def _where(result: ProofResult, many: bool) -> str:
    return f"$.proof[{result.index}]" if many else "$.proof"


@dataclass(frozen=True)
class JwtOutcome:
    """The proof check of a VC-JWT, and the credential its signature covers (``None`` when
    the token could not be verified at all)."""

    check: Check
    credential: JSONObject | None


def jwt_proof(token: str, ctx: VerificationContext, *, accept_unbound_jwk: bool) -> JwtOutcome:
    """Verify a VC-JWT and bind its key to the issuer: a DID or https controller document
    that lists the key, or a ``kid`` URL on the issuer's own https origin."""
    try:
        result = verify_jwt(token, resolver=ctx.resolver)
    except ResolutionError as exc:
        return JwtOutcome(_proof(CheckStatus.ERROR, code_of(exc), str(exc)), None)
    except OpenMicrocredError as exc:
        return JwtOutcome(_proof(CheckStatus.FAILED, code_of(exc), str(exc)), None)
    return JwtOutcome(_jwt_binding(result, accept_unbound_jwk), result.credential)


def _jwt_binding(result: JWTResult, accept_unbound_jwk: bool) -> Check:
    issuer = issuer_id(result.credential)
    kid = result.header.get("kid")
    alg = result.header.get("alg")
    if result.controller is not None:
        if result.controller != issuer:
            return _proof(
                CheckStatus.FAILED,
                CheckCode.ISSUER_KEY_MISMATCH,
                f"the JWT was signed with a key of {result.controller}, not of the issuer {issuer}",
                "$.issuer",
            )
        return _proof(CheckStatus.PASSED, CheckCode.PROOF_OK, f"VC-JWT ({alg}) signed by {kid}")
    if result.key_source == "kid" and isinstance(kid, str) and issuer and _same_origin(kid, issuer):
        return _proof(
            CheckStatus.PASSED,
            CheckCode.PROOF_OK,
            f"VC-JWT ({alg}) signed by the key at {kid}, on the issuer's origin",
        )
    if accept_unbound_jwk:
        return _proof(
            CheckStatus.PASSED,
            CheckCode.PROOF_OK_UNBOUND,
            f"VC-JWT ({alg}) signature valid; key not bound to the issuer "
            "(accepted by configuration)",
        )
    return _proof(
        CheckStatus.ERROR,
        CheckCode.ISSUER_KEY_UNBOUND,
        f"the VC-JWT ({alg}) signature is valid, but its key "
        f"({result.key_source}) cannot be tied to the issuer {issuer}",
    )


def _same_origin(url: str, issuer: str) -> bool:
    a, b = urlsplit(url), urlsplit(issuer)
    return a.scheme == "https" and b.scheme == "https" and a.netloc == b.netloc
