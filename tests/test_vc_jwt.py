from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from httpserver import Route
from openmicrocred._encoding import b64url_encode
from openmicrocred.did import Resolver
from openmicrocred.errors import (
    InvalidProofError,
    NoUsableKeyError,
    ResolutionError,
    SignatureError,
)
from openmicrocred.fetch import Fetcher
from openmicrocred.keys import Ed25519Key, P256Key, RSAKey, public_key_from_jwk
from openmicrocred.suites.vc_jwt import sign_jwt, verify_jwt

from conftest import SPEC, VECTORS, load

JOSE = VECTORS / "vc-jose-cose" / "input"


def _part(token: str, index: int) -> dict[str, Any]:
    piece = token.split(".")[index]
    part: dict[str, Any] = json.loads(base64.urlsafe_b64decode(piece + "=" * (-len(piece) % 4)))
    return part


def _forge(
    token: str, header: dict[str, Any] | None = None, payload: dict[str, Any] | None = None
) -> str:
    h, p, s = token.split(".")
    if header is not None:
        h = b64url_encode(json.dumps(header).encode())
    if payload is not None:
        p = b64url_encode(json.dumps(payload).encode())
    return f"{h}.{p}.{s}"


@pytest.mark.parametrize(
    "path", sorted((SPEC / "rendered-2024-04").glob("*.jwt")), ids=lambda p: p.name
)
def test_rendered_rs256_examples_verify(path: Path) -> None:
    token = path.read_text().strip()
    result = verify_jwt(token)
    assert result.header["alg"] == "RS256"
    assert result.key_source == "jwk"
    assert result.controller is None  # an embedded jwk says nothing about who owns it
    assert result.credential["id"] == result.payload["jti"]


@pytest.mark.parametrize(
    ("name", "key_file", "ok"),
    [
        ("credential-issuer-match-signed.txt", "vm-ed25519.json", True),
        ("credential-jose-minimal.txt", "vm-p256.json", True),
        ("credential-jose-bad-signature.txt", "vm-ed25519.json", False),
        ("credential-jose-bad-media-type.txt", "vm-ed25519.json", False),
        ("credential-jose-vc-vp-claims.txt", "vm-ed25519.json", False),
        ("presentation-jose-bad-credential.txt", "vm-ed25519.json", False),
    ],
)
def test_w3c_vc_jose_cose_vectors(name: str, key_file: str, ok: bool) -> None:
    key = public_key_from_jwk(load(JOSE / key_file)["publicKeyJwk"])
    token = (JOSE / name).read_text().strip()
    if ok:
        assert verify_jwt(token, key=key).credential["@context"]
    else:
        with pytest.raises(InvalidProofError):
            verify_jwt(token, key=key)


@pytest.mark.parametrize("make_key", [Ed25519Key.generate, RSAKey.generate, P256Key.generate])
def test_sign_and_verify_every_algorithm(make_key: Any) -> None:
    credential = load(SPEC / "ob3-complete.unsigned.json")
    key = make_key()
    token = sign_jwt(credential, key, embed_jwk=True)
    header, payload = _part(token, 0), _part(token, 1)
    assert header == {"alg": key.algorithm, "typ": "JWT", "jwk": key.public_key.to_jwk()}
    assert payload["iss"] == credential["issuer"]["id"]
    assert payload["jti"] == credential["id"]
    assert payload["sub"] == credential["credentialSubject"]["id"]
    assert payload["nbf"] == 1262304000  # validFrom 2010-01-01T00:00:00Z
    assert payload["exp"] == 1893456000  # validUntil 2030-01-01T00:00:00Z
    assert verify_jwt(token).credential == credential


def test_did_key_kid_binds_the_issuer() -> None:
    key = Ed25519Key.generate()
    credential = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = key.did
    token = sign_jwt(credential, key)
    result = verify_jwt(token)
    assert result.header["kid"] == key.verification_method
    assert result.controller == key.did


def test_kid_url_serving_a_jwk_set(https_server: Any, online_fetcher: Fetcher) -> None:
    key = RSAKey.generate()
    https_server.routes["/jwks.json"] = Route(
        json.dumps({"keys": [key.public_key.to_jwk()]}).encode()
    )
    token = sign_jwt(
        load(SPEC / "ob3-basic.unsigned.json"), key, kid=https_server.url("/jwks.json")
    )
    result = verify_jwt(token, resolver=Resolver(online_fetcher))
    assert result.key_source == "kid"
    with pytest.raises(ResolutionError):
        verify_jwt(token)  # offline


@pytest.fixture
def token() -> str:
    return sign_jwt(load(SPEC / "ob3-basic.unsigned.json"), Ed25519Key.generate(), embed_jwk=True)


def test_alg_none_and_confusion_are_rejected(token: str) -> None:
    header = _part(token, 0)
    none = _forge(token, header={**header, "alg": "none"}).rsplit(".", 1)[0] + "."
    with pytest.raises(InvalidProofError, match="not accepted"):
        verify_jwt(none)
    with pytest.raises(InvalidProofError, match="not accepted"):
        verify_jwt(_forge(token, header={**header, "alg": "HS256"}))
    with pytest.raises(InvalidProofError, match="does not fit"):
        verify_jwt(_forge(token, header={**header, "alg": "RS256"}))


def test_headers_are_strict(token: str) -> None:
    header = _part(token, 0)
    with pytest.raises(InvalidProofError, match=r"not allowed|Critical"):
        verify_jwt(_forge(token, header={**header, "crit": ["b64"]}))
    with pytest.raises(InvalidProofError, match="not allowed"):
        verify_jwt(_forge(token, header={**header, "x5u": "https://evil.example/cert"}))
    with pytest.raises(InvalidProofError, match="typ"):
        verify_jwt(_forge(token, header={**header, "typ": "vp+jwt"}))
    no_key = {k: v for k, v in header.items() if k != "jwk"}
    with pytest.raises(NoUsableKeyError, match="neither"):
        verify_jwt(_forge(token, header=no_key))
    with pytest.raises(InvalidProofError, match="private key"):
        verify_jwt(_forge(token, header={**header, "jwk": {**header["jwk"], "d": "AAAA"}}))


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("iss", "https://evil.example/"),
        ("jti", "urn:uuid:other"),
        ("sub", "did:example:x"),
        ("nbf", 1),
        ("exp", 2),
    ],
)
def test_mismatched_claims_are_rejected(claim: str, value: Any) -> None:
    credential = load(SPEC / "ob3-complete.unsigned.json")
    key = Ed25519Key.generate()
    payload = _part(sign_jwt(credential, key, embed_jwk=True), 1)
    payload[claim] = value
    header = {"alg": "EdDSA", "typ": "JWT", "jwk": key.public_key.to_jwk()}
    signing_input = (
        b64url_encode(json.dumps(header).encode())
        + "."
        + b64url_encode(json.dumps(payload).encode())
    )
    forged = signing_input + "." + b64url_encode(key.sign(signing_input.encode()))
    with pytest.raises(InvalidProofError, match=f"'{claim}' does not match"):
        verify_jwt(forged)


def test_tampered_payload_fails(token: str) -> None:
    payload = _part(token, 1)
    payload["name"] = "Forged"
    with pytest.raises(InvalidProofError, match="signature"):
        verify_jwt(_forge(token, payload=payload))


def test_vc11_vc_claim_form() -> None:
    key = Ed25519Key.generate()
    inner = load(SPEC / "ob3-basic.unsigned.json")
    inner["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    valid_from = inner.pop("validFrom")
    issuer = inner.pop("issuer")
    payload = {
        "iss": issuer["id"],
        "jti": inner["id"],
        "nbf": 1262304000,
        "sub": inner["credentialSubject"]["id"],
        "vc": inner,
    }
    header = {"alg": "EdDSA", "typ": "JWT", "kid": key.verification_method}
    signing_input = (
        b64url_encode(json.dumps(header).encode())
        + "."
        + b64url_encode(json.dumps(payload).encode())
    )
    token = signing_input + "." + b64url_encode(key.sign(signing_input.encode()))
    credential = verify_jwt(token).credential
    assert credential["issuer"] == issuer["id"]
    assert credential["issuanceDate"] == valid_from


@pytest.mark.parametrize("garbage", ["", "a.b", "a.b.c", "eyJhbGciOiJFZERTQSJ9.e30.", "..."])
def test_garbage_is_a_clear_error(garbage: str) -> None:
    # A header naming no key cannot be checked: that is not a bad signature.
    expected = NoUsableKeyError if garbage.startswith("eyJ") else InvalidProofError
    with pytest.raises(expected):
        verify_jwt(garbage)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda h, p, s: f"{h}=.{p}.{s}",  # padding
        lambda h, p, s: f"{h}.{p}.{s}==",
        lambda h, p, s: f"{h} .{p}.{s}",  # a character outside base64url
        lambda h, p, s: f"{h}.{p.replace('-', '+').replace('_', '/')}+/.{s}",  # base64, not url
        lambda h, p, s: f"{h}.{p}.{s}A",  # a length no base64 text has
        lambda h, p, s: f"{h}.{p}.{s[:-1]}{'B' if s[-1] == 'A' else 'A'}",  # non-zero spare bits
    ],
)
def test_only_canonical_unpadded_base64url_is_read(token: str, mutate: Any) -> None:
    with pytest.raises(InvalidProofError):
        verify_jwt(mutate(*token.split(".")))


def test_duplicate_member_names_are_rejected(token: str) -> None:
    h, p, s = token.split(".")
    text = base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)).decode()
    doubled = b64url_encode(('{"alg":"none",' + text[1:]).encode())
    with pytest.raises(InvalidProofError, match="duplicate member 'alg'"):
        verify_jwt(f"{doubled}.{p}.{s}")
    key = Ed25519Key.generate()
    header = {"alg": "EdDSA", "jwk": key.public_key.to_jwk()}
    payload = json.dumps(load(SPEC / "ob3-basic.unsigned.json"))
    signing_input = f"{b64url_encode(json.dumps(header).encode())}." + b64url_encode(
        ('{"name": "Other", ' + payload[1:]).encode()
    )
    signed = f"{signing_input}.{b64url_encode(key.sign(signing_input.encode()))}"
    with pytest.raises(InvalidProofError, match="duplicate member 'name'"):
        verify_jwt(signed)


def test_header_and_payload_must_be_objects(token: str) -> None:
    _, p, s = token.split(".")
    not_utf8 = b64url_encode(b"{}\xff")
    with pytest.raises(InvalidProofError, match="must be a JSON object"):
        verify_jwt(f"{b64url_encode(b'[1]')}.{p}.{s}")
    with pytest.raises(InvalidProofError, match="kid must be a string"):
        verify_jwt(_forge(token, header={**_part(token, 0), "kid": 5}))
    with pytest.raises(InvalidProofError, match="unreadable JWS header"):
        verify_jwt(f"{b64url_encode(b'not json')}.{p}.{s}")
    with pytest.raises(InvalidProofError, match="unreadable JWS header"):
        verify_jwt(f"{not_utf8}.{p}.{s}")


@pytest.mark.parametrize("make_key", [Ed25519Key.generate, RSAKey.generate, P256Key.generate])
def test_a_bad_or_short_signature_is_a_signature_error(make_key: Any) -> None:
    key = make_key()
    token = sign_jwt(load(SPEC / "ob3-basic.unsigned.json"), key, embed_jwk=True)
    h, p, s = token.split(".")
    signature = bytearray(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
    signature[0] ^= 1
    for forged in (bytes(signature), bytes(signature[:-1])):
        with pytest.raises(SignatureError, match="does not verify"):
            verify_jwt(f"{h}.{p}.{b64url_encode(forged)}")
