"""The cloud KMS signer of docs/keys.md is runnable documentation: its class is taken from
the page and signs, through a stand-in for boto3's KMS client that answers as AWS KMS does
(``GetPublicKey``: a DER SubjectPublicKeyInfo and ``KeySpec``; ``Sign`` with
``ED25519_SHA_512`` and ``MessageType=RAW``: the 64-byte pure Ed25519 signature, at most
4096 bytes of message), a badge and a status list that the verifier accepts."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from openmicrocred import Ed25519Key
from openmicrocred.did.resolver import Resolver
from openmicrocred.errors import SignerError
from openmicrocred.issuance import issue
from openmicrocred.keys import SigningKey, is_ed25519_signer
from openmicrocred.status import SQLiteStatusRegistry, publish
from openmicrocred.suites import verify_proofs
from openmicrocred.verification import Verdict, Verifier

from conftest import SPEC, load

DOC = Path(__file__).resolve().parents[1] / "docs" / "keys.md"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _doc_class() -> Any:
    """Run the page's example (the Python block defining ``AwsKmsEd25519Key``)."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    source = next(b for b in blocks if "class AwsKmsEd25519Key" in b)
    namespace: dict[str, Any] = {"__name__": "keys_md_example"}
    exec(compile(source, str(DOC), "exec"), namespace)  # our own documentation
    return namespace["AwsKmsEd25519Key"]


class _FakeKms:
    """Answers as AWS KMS does for one ECC_NIST_EDWARDS25519 key, whose private half stays
    in here."""

    def __init__(self, spec: str = "ECC_NIST_EDWARDS25519") -> None:
        self._key = Ed25519Key.generate()
        self.spec = spec
        self.calls: list[dict[str, Any]] = []

    @property
    def public(self) -> Any:
        return self._key.public_key

    def get_public_key(self, *, KeyId: str) -> dict[str, Any]:  # noqa: N803 - boto3's names
        public = ed25519.Ed25519PublicKey.from_public_bytes(self._key.public_key.raw)
        der = public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return {"KeyId": KeyId, "KeySpec": self.spec, "PublicKey": der}

    def sign(
        self,
        *,
        KeyId: str,  # noqa: N803
        Message: bytes,  # noqa: N803
        MessageType: str,  # noqa: N803
        SigningAlgorithm: str,  # noqa: N803
    ) -> dict[str, Any]:
        self.calls.append({"MessageType": MessageType, "SigningAlgorithm": SigningAlgorithm})
        if MessageType != "RAW" or SigningAlgorithm != "ED25519_SHA_512" or len(Message) > 4096:
            raise RuntimeError("ValidationException")
        return {"KeyId": KeyId, "Signature": self._key.sign(Message)}


def test_the_documented_kms_signer_issues_what_verifies(tmp_path: Path) -> None:
    kms = _FakeKms()
    key = _doc_class()(kms, "alias/kmutt-2026")
    did = kms.public.did
    assert isinstance(key, SigningKey)
    assert is_ed25519_signer(key)
    assert key.public_key == kms.public
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = did
    signed = issue(credential, key, created=NOW)
    assert Verifier(clock=lambda: NOW).verify(signed).verdict is Verdict.VERIFIED
    assert kms.calls == [{"MessageType": "RAW", "SigningAlgorithm": "ED25519_SHA_512"}]

    registry = SQLiteStatusRegistry(tmp_path / "s.sqlite", base_url="https://kms.example/s")
    registry.allocate("urn:uuid:kms-1", ["revocation"])
    published = publish(registry, tmp_path / "lists", key, issuer=did, now=NOW)
    registry.close()
    document = json.loads(published[0].path.read_text(encoding="utf-8"))
    assert [r.verified for r in verify_proofs(document, resolver=Resolver(), now=NOW)] == [True]


def test_the_documented_kms_signer_fails_with_a_clear_error() -> None:
    with pytest.raises(SignerError, match="is not an Ed25519 key"):
        _doc_class()(_FakeKms(spec="ECC_NIST_P256"), "alias/p256")
    key = _doc_class()(_FakeKms(), "alias/kmutt-2026")
    with pytest.raises(SignerError, match="at most 4096 bytes"):
        key.sign(b"x" * 5000)
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = key.public_key.did
    credential["credentialSubject"]["achievement"]["description"] = "long " * 2000
    with pytest.raises(SignerError, match="at most 4096 bytes"):  # a large VC-JWT
        issue(credential, key, format="jwt")
