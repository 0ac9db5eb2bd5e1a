"""The ``jwt`` key proof of an OpenID4VCI 1.0 Credential Request (Appendix F.1): who the
holder is (a did:key, or a ``jwk`` header turned into its did:key) and that the proof is
fresh, for this issuer and for a nonce the issuer gave out.

Checked in this order, structure before any cryptography: three canonical base64url parts
with JSON objects of unique members; ``typ`` ``openid4vci-proof+jwt``; ``alg`` in the
allowlist (EdDSA, ES256; never ``none`` or a MAC); exactly one of ``kid`` and ``jwk``
(``x5c``, ``trust_chain`` and ``key_attestation`` are not supported); no ``crit``; the key
fits the algorithm; the signature; ``aud`` the Credential Issuer Identifier; ``iat`` within
the freshness window; ``nonce`` present. The nonce's value is judged by the store, in the
transaction that consumes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .._encoding import P256_PUB, multibase_encode, multicodec_wrap
from ..did.key import did_key_document
from ..errors import InvalidProofError, KeyFormatError, OpenMicrocredError
from ..keys import ECPublicKey, Ed25519PublicKey, public_key_from_jwk, public_key_from_multibase
from ..suites.vc_jwt import jws_segment, unique_members

__all__ = ["PROOF_ALGORITHMS", "PROOF_TYP", "KeyProof", "ProofError", "verify_key_proof"]

PROOF_TYP = "openid4vci-proof+jwt"
PROOF_ALGORITHMS = ("EdDSA", "ES256")
MAX_AGE_S = 300
"""A key proof older than this (by its ``iat``) is stale."""
MAX_FUTURE_S = 60
"""Clock skew allowed for an ``iat`` in the future."""
_HEADERS = {"alg", "typ", "kid", "jwk"}

PublicKey = Ed25519PublicKey | ECPublicKey


class ProofError(Exception):
    """A key proof refused: ``invalid_proof`` (OpenID4VCI 1.0 §8.3.1.2)."""


@dataclass(frozen=True)
class KeyProof:
    """A verified key proof: the holder's DID and the nonce it carries."""

    holder: str
    nonce: str


def _part(text: str, what: str) -> bytes:
    try:
        return jws_segment(text, what)
    except InvalidProofError:
        raise ProofError(f"the proof JWT's {what} is not canonical unpadded base64url") from None


def _object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=unique_members)
    except (ValueError, RecursionError) as exc:
        raise ProofError(f"the proof JWT's {what} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ProofError(f"the proof JWT's {what} is not a JSON object")
    return value


def _did_key(key: PublicKey) -> str:
    if isinstance(key, Ed25519PublicKey):
        return key.did
    from cryptography.hazmat.primitives import serialization

    point = key.cryptography_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    return "did:key:" + multibase_encode(multicodec_wrap(P256_PUB, point))


def _key_of_kid(kid: str) -> tuple[PublicKey, str]:
    """The key a did:key DID URL names, and the DID."""
    did, hash_sign, _ = kid.partition("#")
    if not did.startswith("did:key:") or not hash_sign:
        raise ProofError("the proof's kid must be a did:key DID URL (did:key:z...#z...)")
    try:
        document = did_key_document(did)
    except OpenMicrocredError as exc:
        raise ProofError(f"the proof's kid cannot be resolved: {exc}") from None
    method = document["verificationMethod"][0]
    if method["id"] != kid:
        raise ProofError(f"the proof's kid {kid!r} is not a key of {did}")
    key = public_key_from_multibase(method["publicKeyMultibase"])
    return key, document["id"]


def _key_of_jwk(jwk: Any) -> tuple[PublicKey, str]:
    if not isinstance(jwk, dict) or "d" in jwk:
        raise ProofError("the proof's jwk header must be a public JWK")
    try:
        key = public_key_from_jwk(jwk)
    except KeyFormatError as exc:
        raise ProofError(f"the proof's jwk header is not usable: {exc}") from None
    if not isinstance(key, Ed25519PublicKey | ECPublicKey):
        raise ProofError("the proof's jwk must be an Ed25519 (OKP) or P-256 (EC) key")
    return key, _did_key(key)


def _header_key(header: dict[str, Any]) -> tuple[PublicKey, str]:
    if header.get("typ") != PROOF_TYP:
        raise ProofError(f"the proof JWT's typ must be {PROOF_TYP!r}")
    if header.get("alg") not in PROOF_ALGORITHMS:
        raise ProofError(f"the proof JWT's alg must be one of {', '.join(PROOF_ALGORITHMS)}")
    extra = sorted(set(header) - _HEADERS)
    if extra:
        raise ProofError(f"proof JWT headers not supported: {', '.join(extra)}")
    if ("kid" in header) == ("jwk" in header):
        raise ProofError("the proof JWT must carry exactly one of kid and jwk")
    if "kid" in header:
        if not isinstance(header["kid"], str):
            raise ProofError("the proof's kid must be a string")
        key, holder = _key_of_kid(header["kid"])
    else:
        key, holder = _key_of_jwk(header["jwk"])
    if key.algorithm != header["alg"]:
        raise ProofError(f"the proof's alg {header['alg']} does not fit its {key.algorithm} key")
    return key, holder


def _claims(payload: dict[str, Any], audience: str, now: float) -> str:
    if payload.get("aud") != audience:
        raise ProofError(f"the proof's aud must be the Credential Issuer {audience}")
    iat = payload.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise ProofError("the proof's iat must be a number (seconds since 1970)")
    if iat < now - MAX_AGE_S or iat > now + MAX_FUTURE_S:
        raise ProofError(f"the proof is stale: its iat is not within {MAX_AGE_S} s of now")
    nonce = payload.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise ProofError("the proof has no nonce: get a c_nonce from the nonce endpoint")
    return nonce


def verify_key_proof(token: Any, *, audience: str, now: float) -> KeyProof:
    """Verify one ``jwt`` key proof; raises :class:`ProofError`."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise ProofError("a jwt proof must be a compact JWS (three parts separated by '.')")
    header_part, payload_part, signature_part = token.split(".")
    header = _object(_part(header_part, "header"), "header")
    key, holder = _header_key(header)
    signature = _part(signature_part, "signature")
    try:
        key.verify(signature, f"{header_part}.{payload_part}".encode("ascii"))
    except OpenMicrocredError:
        raise ProofError("the proof's signature does not verify with the key it names") from None
    payload = _object(_part(payload_part, "payload"), "payload")
    return KeyProof(holder, _claims(payload, audience, now))
