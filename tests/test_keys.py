from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmicrocred._encoding import b58decode, b58encode, multibase_decode, multibase_encode
from openmicrocred.errors import InvalidProofError, KeyFormatError
from openmicrocred.keys import (
    ECPublicKey,
    Ed25519Key,
    Ed25519PublicKey,
    P256Key,
    RSAKey,
    RSAPublicKey,
    load_private_key,
    public_key_from_jwk,
    public_key_from_multibase,
    public_key_from_pem,
)

from conftest import VECTORS

KEYPAIR = json.loads((VECTORS / "vc-di-eddsa" / "keyPair.json").read_text())


@given(st.binary(max_size=80))
def test_base58_and_multibase_round_trip(data: bytes) -> None:
    assert b58decode(b58encode(data)) == data
    assert multibase_decode(multibase_encode(data)) == data
    assert multibase_decode(multibase_encode(data, "u")) == data


def test_multikey_vectors() -> None:
    key = Ed25519Key.from_multibase(KEYPAIR["privateKeyMultibase"])
    assert key.public_key.multibase == KEYPAIR["publicKeyMultibase"]
    assert key.secret_multibase() == KEYPAIR["privateKeyMultibase"]
    assert key.did == "did:key:" + KEYPAIR["publicKeyMultibase"]
    assert key.verification_method == f"{key.did}#{KEYPAIR['publicKeyMultibase']}"
    assert Ed25519PublicKey.from_multibase(KEYPAIR["publicKeyMultibase"]) == key.public_key
    # The 1EdTech vector's secret key holds seed and public key (64 bytes).
    vector = json.loads((VECTORS / "ob3-spec/test-vectors/ob3/vector.json").read_text())
    onedtech = Ed25519Key.from_multibase(vector["secretKeyMultibase"])
    assert onedtech.public_key.multibase == vector["publicKeyMultibase"]


def test_p256_multikey_decodes() -> None:
    key = public_key_from_multibase("zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76")
    assert isinstance(key, ECPublicKey)
    assert key.to_jwk()["crv"] == "P-256"


def test_jwk_round_trips() -> None:
    key = Ed25519Key.generate()
    jwk = key.private_jwk()
    assert Ed25519Key.from_jwk(jwk).public_key == key.public_key
    assert public_key_from_jwk(key.public_key.to_jwk()) == key.public_key
    assert "d" not in key.public_key.to_jwk()
    rsa = RSAKey.generate()
    assert isinstance(public_key_from_jwk(rsa.public_key.to_jwk()), RSAPublicKey)
    p256 = P256Key.generate()
    again = public_key_from_jwk(p256.public_key.to_jwk())
    again.verify(p256.sign(b"x"), b"x")
    with pytest.raises(KeyFormatError):
        public_key_from_jwk({"kty": "oct", "k": "c2VjcmV0"})
    with pytest.raises(KeyFormatError, match="does not match"):
        Ed25519Key.from_jwk({**jwk, "x": Ed25519Key.generate().public_key.to_jwk()["x"]})


def test_signatures_verify_and_fail_loudly() -> None:
    key = Ed25519Key.generate()
    signature = key.sign(b"data")
    key.public_key.verify(signature, b"data")
    with pytest.raises(InvalidProofError):
        key.public_key.verify(signature, b"other")
    rsa = RSAKey.generate()
    rsa.public_key.verify(rsa.sign(b"data"), b"data")
    with pytest.raises(InvalidProofError):
        rsa.public_key.verify(rsa.sign(b"data"), b"dat4")


def test_key_files_are_0600_atomic_and_optionally_encrypted(tmp_path: Path) -> None:
    key = Ed25519Key.generate()
    plain = tmp_path / "issuer.pem"
    key.save(plain)
    assert stat.S_IMODE(plain.stat().st_mode) == 0o600
    assert Ed25519Key.load(plain).public_key == key.public_key
    with pytest.raises(FileExistsError):
        key.save(plain)
    assert [p.name for p in tmp_path.iterdir()] == ["issuer.pem"]  # no temp files left

    secret = tmp_path / "issuer-encrypted.pem"
    key.save(secret, passphrase="correct horse")
    assert b"ENCRYPTED" in secret.read_bytes()
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert Ed25519Key.load(secret, passphrase="correct horse").public_key == key.public_key
    with pytest.raises(KeyFormatError, match="passphrase is needed"):
        Ed25519Key.load(secret)
    with pytest.raises(KeyFormatError, match="wrong passphrase"):
        Ed25519Key.load(secret, passphrase="wrong")
    assert isinstance(load_private_key(plain), Ed25519Key)
    rsa_file = tmp_path / "rsa.pem"
    RSAKey.generate().save(rsa_file)
    assert isinstance(load_private_key(rsa_file), RSAKey)


def test_private_material_never_in_repr_or_errors(tmp_path: Path) -> None:
    key = Ed25519Key.from_multibase(KEYPAIR["privateKeyMultibase"])
    seed_hex = "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6"
    for text in (repr(key), str(key), repr(key.public_key)):
        assert KEYPAIR["privateKeyMultibase"] not in text
        assert seed_hex not in text
    assert KEYPAIR["publicKeyMultibase"] in repr(key)
    with pytest.raises(KeyFormatError) as info:
        Ed25519Key.from_multibase(KEYPAIR["privateKeyMultibase"][:-3])
    assert KEYPAIR["privateKeyMultibase"][:-3] not in str(info.value)
    assert repr(RSAKey.generate()) == "RSAKey(2048 bits)"


def test_pem_public_keys() -> None:
    from cryptography.hazmat.primitives import serialization

    key = Ed25519Key.generate()
    pem = key.public_key.cryptography_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert public_key_from_pem(pem) == key.public_key
    with pytest.raises(KeyFormatError):
        public_key_from_pem(b"not pem")


@pytest.mark.parametrize(
    "bad",
    ["", "x123", "z0OIl", "z" + b58encode(b"\x12\x00" + bytes(32)), "z6Mk"],
)
def test_bad_multibase_keys(bad: str) -> None:
    with pytest.raises(KeyFormatError):
        public_key_from_multibase(bad)
