"""VC-JWT: Open Badges 3.0 credentials secured as a compact JWS (OB 3.0 §8.2, "JSON Web Token
Proof Format"; VC-JOSE-COSE for the ``vc+jwt`` media types).

Signing: the payload is the credential plus the registered claims OB 3.0 asks for (``iss`` =
issuer id, ``jti`` = credential id, ``nbf`` = ``validFrom``, ``sub`` = subject id, ``exp`` =
``validUntil``); the header carries ``alg``, ``kid`` (the verification method) and
``typ: JWT``. Verifying accepts the VC 2.0 form (the credential is the payload) and the
VC 1.1 form (a ``vc`` claim), keys by ``kid`` or ``jwk``, and EdDSA, RS256 and ES256. It
rejects ``alg: none``, any algorithm that does not fit the key (algorithm confusion),
unknown critical headers, and claims that contradict the credential.

The compact JWS is read here (no JWT library): exactly three parts of canonical unpadded
base64url, a header and payload of UTF-8 JSON objects whose member names are unique, and a
signature checked by the key classes of :mod:`openmicrocred.keys`.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .._encoding import b64url_encode
from .._json import issuer_id
from .._time import format_datetime, parse_datetime
from ..did.base import DIDResolver
from ..did.resolver import Resolver
from ..errors import InvalidProofError, KeyFormatError, NoUsableKeyError, SignatureError
from ..keys import (
    ECPublicKey,
    Ed25519PublicKey,
    RSAPublicKey,
    SigningKey,
    public_key_from_jwk,
)
from ..types import JSONObject

__all__ = [
    "ALGORITHMS",
    "JWTResult",
    "credential_from_payload",
    "numeric_date_claim",
    "sign_jwt",
    "verify_jwt",
]

ALGORITHMS: frozenset[str] = frozenset({"EdDSA", "RS256", "ES256"})
"""The JWS algorithms accepted by default (OB 3.0 §8.2.3)."""
_TYPES = {"JWT", "vc+jwt", "vc+ld+jwt", "vc-ld+jwt"}
_CONTENT_TYPES = {"vc", "vc+ld+json", "vc-ld+json", "application/vc+ld+json", "vc+json"}
_HEADERS = {"alg", "kid", "jwk", "typ", "cty"}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")

PublicKey = Ed25519PublicKey | RSAPublicKey | ECPublicKey


def _subject_id(credential: JSONObject) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        return str(subject["id"])
    return None


def _numeric_date(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    return int(parse_datetime(value).timestamp())


def sign_jwt(
    credential: JSONObject,
    key: SigningKey,
    *,
    kid: str | None = None,
    embed_jwk: bool = False,
) -> str:
    """Secure a credential as a VC-JWT (compact JWS).

    :param key: any signer: an :class:`~openmicrocred.keys.Ed25519Key` (EdDSA), ``RSAKey``
        (RS256), ``P256Key`` (ES256), or a key in an HSM or KMS with the same protocol.
    :param kid: the verification method id for the ``kid`` header (default: the key's
        did:key method for an Ed25519 key).
    :param embed_jwk: put the public key in a ``jwk`` header instead of ``kid``.
    :raises ValueError: no ``kid`` given for a non-Ed25519 key, and ``embed_jwk`` is off.
    """
    header: dict[str, Any] = {"alg": key.algorithm, "typ": "JWT"}
    if embed_jwk:
        header["jwk"] = key.public_key.to_jwk()
    else:
        if kid is None and isinstance(key.public_key, Ed25519PublicKey):
            kid = key.public_key.verification_method
        if kid is None:
            raise ValueError("give kid= (the verification method of the key) or embed_jwk=True")
        header["kid"] = kid
    payload = dict(credential)
    claims: dict[str, Any] = {
        "iss": issuer_id(credential),
        "jti": credential.get("id"),
        "sub": _subject_id(credential),
        "nbf": _numeric_date(credential.get("validFrom") or credential.get("issuanceDate")),
        "exp": _numeric_date(credential.get("validUntil") or credential.get("expirationDate")),
    }
    payload.update({k: v for k, v in claims.items() if v is not None})
    signing_input = (
        b64url_encode(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url_encode(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    )
    return signing_input + "." + b64url_encode(key.sign(signing_input.encode("ascii")))


@dataclass(frozen=True)
class JWTResult:
    """A verified VC-JWT: the credential, the header, and where the key came from."""

    credential: JSONObject
    header: JSONObject
    payload: JSONObject
    key: PublicKey
    key_source: str
    """``"kid"`` (dereferenced), ``"jwk"`` (embedded, not bound to the issuer) or
    ``"given"`` (supplied by the caller)."""
    controller: str | None
    """The controller of the ``kid`` verification method, if it was a DID or controller
    document; ``None`` when the key's owner is unknown."""


def _claims_match(payload: JSONObject, credential: JSONObject) -> None:
    checks = (
        ("iss", issuer_id(credential), "the issuer id"),
        ("jti", credential.get("id"), "the credential id"),
        ("sub", _subject_id(credential), "the credentialSubject id"),
    )
    for claim, expected, what in checks:
        if claim in payload and expected is not None and payload[claim] != expected:
            raise InvalidProofError(f"JWT claim {claim!r} does not match {what}")
    for claim, field_names in (
        ("nbf", ("validFrom", "issuanceDate")),
        ("exp", ("validUntil", "expirationDate")),
    ):
        if numeric_date_claim(payload, claim) is None:
            continue
        value = payload[claim]
        for name in field_names:
            if name in credential:
                try:
                    expected_time = _numeric_date(credential[name])
                except ValueError:
                    raise InvalidProofError(f"credential {name} is not a date-time") from None
                if expected_time is not None and int(value) != expected_time:
                    raise InvalidProofError(f"JWT claim {claim!r} does not match {name}")


def credential_from_payload(payload: JSONObject) -> JSONObject:
    """The credential a VC-JWT payload carries (VC 2.0 payload or VC 1.1 ``vc`` claim), with
    JWT registered claims removed or moved back into the credential."""
    if "vp" in payload:
        raise InvalidProofError("the JWT holds a presentation ('vp'), not a credential")
    if "vc" in payload:
        inner = payload["vc"]
        if not isinstance(inner, dict):
            raise InvalidProofError("the 'vc' claim must be a JSON object")
        credential = dict(inner)
        # VC-JWT 1.1 moves some properties into registered claims; put them back.
        if "issuer" not in credential and isinstance(payload.get("iss"), str):
            credential["issuer"] = payload["iss"]
        if "id" not in credential and isinstance(payload.get("jti"), str):
            credential["id"] = payload["jti"]
        for claim, names in (
            ("nbf", ("issuanceDate", "validFrom")),
            ("exp", ("expirationDate", "validUntil")),
        ):
            when = numeric_date_claim(payload, claim)
            if when is not None and not any(name in credential for name in names):
                credential[names[0]] = format_datetime(when)
        subject = credential.get("credentialSubject")
        if (
            isinstance(subject, dict)
            and "id" not in subject
            and isinstance(payload.get("sub"), str)
        ):
            credential["credentialSubject"] = {"id": payload["sub"], **subject}
        return credential
    if "@context" not in payload:
        raise InvalidProofError("the JWT payload is not a credential (no @context, no 'vc')")
    return {
        k: v
        for k, v in payload.items()
        if k not in ("iss", "jti", "sub", "nbf", "exp", "iat", "aud")
    }


def jws_segment(text: str, what: str) -> bytes:
    """One part of a compact JWS: unpadded base64url in its canonical form (RFC 7515 §2)."""
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise InvalidProofError(f"unreadable JWS {what}: not unpadded base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(data) != text:
        raise InvalidProofError(f"unreadable JWS {what}: not canonical base64url")
    return data


def unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members, refusing a name given twice (RFC 7515 §4, RFC 7519 §4)."""
    members: dict[str, Any] = {}
    for name, value in pairs:
        if name in members:
            raise ValueError(f"duplicate member {name!r}")
        members[name] = value
    return members


def _json_object(data: bytes, what: str) -> Any:
    """Parse a JWS header or payload: UTF-8 JSON with unique member names."""
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=unique_members)
    except (ValueError, RecursionError) as exc:
        raise InvalidProofError(f"unreadable JWS {what}: {exc}") from None


@dataclass(frozen=True)
class _JWS:
    """A compact JWS split into its parts, base64url-decoded but not yet verified."""

    header: dict[str, Any]
    payload: bytes
    signature: bytes
    signing_input: bytes


def _split(token: str) -> _JWS:
    """The parts of a compact JWS and its parsed JOSE header.

    :raises InvalidProofError: not three canonical base64url parts, or the header is not a
        JSON object (with unique names, and a string ``kid`` if any).
    """
    if not isinstance(token, str) or token.count(".") != 2:
        raise InvalidProofError("not a compact JWS (three base64url parts separated by '.')")
    header_part, payload_part, signature_part = token.split(".")
    header_bytes = jws_segment(header_part, "header")
    payload = jws_segment(payload_part, "payload")
    signature = jws_segment(signature_part, "signature")
    header = _json_object(header_bytes, "header")
    if not isinstance(header, dict):
        raise InvalidProofError("unreadable JWS header: must be a JSON object")
    if "kid" in header and not isinstance(header["kid"], str):
        raise InvalidProofError("unreadable JWS header: the kid must be a string")
    signing_input = f"{header_part}.{payload_part}".encode("ascii")
    return _JWS(header, payload, signature, signing_input)


def _read_header(header: dict[str, Any], algorithms: Iterable[str]) -> str:
    """The header's ``alg``, once it and every other header are allowed (not yet verified)."""
    alg = header.get("alg")
    allowed = frozenset(algorithms) & ALGORITHMS
    if alg not in allowed:
        raise InvalidProofError(
            f"JWS algorithm {alg!r} is not accepted (use {', '.join(sorted(allowed))})"
        )
    extra = set(header) - _HEADERS
    if extra:
        raise InvalidProofError(f"JOSE headers not allowed by OB 3.0: {sorted(extra)}")
    if "typ" in header and header["typ"] not in _TYPES:
        raise InvalidProofError(f"JWS typ {header['typ']!r} is not a credential media type")
    if "cty" in header and header["cty"] not in _CONTENT_TYPES:
        raise InvalidProofError(f"JWS cty {header['cty']!r} is not a credential media type")
    return str(alg)


def _key_from_kid(kid: str, resolver: DIDResolver | None) -> tuple[PublicKey, str | None]:
    """The key (and, for a verification method, its controller) a ``kid`` names."""
    resolver = resolver or Resolver()
    if kid.startswith("did:") or "#" in kid:
        method = resolver.verification_method(kid)
        return method.key, method.controller
    return resolver.jwt_key(kid), None


def _key_from_jwk(jwk: JSONObject) -> PublicKey:
    """The public key of an embedded ``jwk`` header."""
    if "d" in jwk:
        raise InvalidProofError("the jwk header contains a private key")
    try:
        return public_key_from_jwk(jwk)
    except KeyFormatError as exc:
        raise InvalidProofError(f"unusable jwk header: {exc}") from None


def _select_key(
    header: dict[str, Any], resolver: DIDResolver | None, key: PublicKey | None
) -> tuple[PublicKey, str, str | None]:
    """The verification key, where it came from (``given``/``kid``/``jwk``), its controller."""
    if key is not None:
        return key, "given", None
    if isinstance(header.get("kid"), str):
        found, controller = _key_from_kid(header["kid"], resolver)
        return found, "kid", controller
    if isinstance(header.get("jwk"), dict):
        return _key_from_jwk(header["jwk"]), "jwk", None
    raise NoUsableKeyError(
        "the JWS header has neither 'kid' nor 'jwk': there is no key to check the signature with"
    )


def _decode(jws: _JWS, key: PublicKey) -> Any:
    """Check the JWS signature with the key and return the parsed payload (registered claims
    are judged by :func:`_claims_match`, dates by the verifier)."""
    try:
        key.verify(jws.signature, jws.signing_input)
    except InvalidProofError:
        # A bad signature, or one of the wrong length for the algorithm (ES256: 64 bytes).
        raise SignatureError("the JWS signature does not verify") from None
    return _json_object(jws.payload, "payload")


_MAX_NUMERIC_DATE = 253402300799  # 9999-12-31T23:59:59Z, the last second a date-time can name


def numeric_date_claim(payload: JSONObject, claim: str) -> datetime | None:
    """The time a NumericDate claim (``exp``, ``nbf``, ``iat``; RFC 7519 §2) names, or
    ``None`` if the payload has no such claim.

    :raises InvalidProofError: the claim is not a finite number of seconds between 1970 and
        the year 9999 (a string, a boolean, NaN, infinity, a negative or huge number).
    """
    if claim not in payload:
        return None
    value = payload[claim]
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise InvalidProofError(
            f"JWT claim {claim!r} must be a NumericDate (seconds since 1970), not {value!r}"
        )
    if not (0 <= value <= _MAX_NUMERIC_DATE):  # also false for NaN
        raise InvalidProofError(
            f"JWT claim {claim!r} is {value!r}: not a time between 1970 and the year 9999"
        )
    return datetime.fromtimestamp(value, UTC)


def verify_jwt(
    token: str,
    *,
    resolver: DIDResolver | None = None,
    key: PublicKey | None = None,
    algorithms: Iterable[str] = ALGORITHMS,
) -> JWTResult:
    """Verify a VC-JWT's signature and claims and return the credential it secures.

    Dates (``nbf``/``exp`` against the clock) are not judged here: an expired credential is
    authentic, and the verifier reports its dates separately (see :func:`numeric_date_claim`).

    :param resolver: dereferences ``kid`` (DID URLs, https controller documents and JWK
        URLs); by default offline (did:key only).
    :param key: use this public key instead of the header's ``kid``/``jwk``.
    :param algorithms: the JWS ``alg`` values accepted (an allowlist; ``none`` never is).
    :raises InvalidProofError: malformed token, disallowed header or algorithm, bad
        signature, or claims that contradict the credential.
    :raises SignatureError: the signature does not verify.
    :raises NoUsableKeyError: the header names no key (neither ``kid`` nor ``jwk``).
    :raises ResolutionError: the ``kid`` cannot be dereferenced.
    """
    jws = _split(token)
    header = jws.header
    alg = _read_header(header, algorithms)
    key, source, controller = _select_key(header, resolver, key)
    if key.algorithm != alg:
        raise InvalidProofError(f"JWS algorithm {alg!r} does not fit a {key.algorithm} key")
    payload = _decode(jws, key)
    if not isinstance(payload, dict):
        raise InvalidProofError("the JWT payload is not a JSON object")
    credential = credential_from_payload(payload)
    _claims_match(payload, credential)
    return JWTResult(credential, header, payload, key, source, controller)
