from __future__ import annotations

import copy
import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmicrocred._encoding import b58encode
from openmicrocred._time import parse_datetime
from openmicrocred.did import Resolver
from openmicrocred.documents import DEFAULT_LOADER
from openmicrocred.errors import (
    ControllerMismatchError,
    InvalidProofError,
    ProofExpiredError,
    ProofNotYetValidError,
    ResolutionError,
    SafeModeError,
    SignatureError,
    SuiteError,
    UnsupportedSuiteError,
)
from openmicrocred.keys import Ed25519Key
from openmicrocred.suites import add_proof, verify_proofs
from openmicrocred.suites.ed25519_signature_2020 import ED25519_SIGNATURE_2020
from openmicrocred.suites.eddsa_jcs_2022 import EDDSA_JCS_2022
from openmicrocred.suites.eddsa_rdfc_2022 import EDDSA_RDFC_2022

from conftest import SPEC, VECTORS, load, pinned_resolver
from strategies import achievement_credential

DI = VECTORS / "vc-di-eddsa"
KEY = Ed25519Key.from_multibase(
    json.loads((DI / "keyPair.json").read_text())["privateKeyMultibase"]
)
CREATED = parse_datetime("2023-02-24T23:36:38Z")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("suite", "folder", "tag"),
    [
        (EDDSA_RDFC_2022, "eddsa-rdfc-2022", "DataInt"),
        (EDDSA_JCS_2022, "eddsa-jcs-2022", "JCS"),
        (ED25519_SIGNATURE_2020, "Ed25519Signature2020", "EdSig"),
    ],
)
def test_w3c_vectors_step_by_step(suite: Any, folder: str, tag: str) -> None:
    base = DI / folder
    document = load(DI / "unsigned.json")
    config = load(base / f"proofConfig{tag}.json")
    if tag == "EdSig":
        document["@context"] = config["@context"]
    transformed = suite.transform(document, loader=DEFAULT_LOADER)
    assert transformed == _text(base / f"canonDoc{tag}.txt")
    assert hashlib.sha256(transformed.encode()).hexdigest() == _text(base / f"docHash{tag}.txt")
    canonical_config = suite.configure(config, loader=DEFAULT_LOADER)
    assert canonical_config == _text(base / f"proofCanon{tag}.txt")
    assert hashlib.sha256(canonical_config.encode()).hexdigest() == _text(
        base / f"proofHash{tag}.txt"
    )
    data = suite.hash(transformed, canonical_config)
    assert data.hex() == _text(base / f"combinedHash{tag}.txt")
    signature = KEY.sign(data)
    assert signature.hex() == _text(base / f"sigHex{tag}.txt")
    assert "z" + b58encode(signature) == _text(base / f"sigBTC58{tag}.txt")


def test_w3c_employment_vector_hash_and_signature() -> None:
    # Its document needs a context that is not bundled; the hashing and signing steps are
    # checked from the published canonical forms.
    base = DI / "eddsa-rdfc-2022" / "employ"
    data = EDDSA_RDFC_2022.hash(
        _text(base / "canonDocDataInt.txt"), _text(base / "proofCanonDataInt.txt")
    )
    assert data.hex() == _text(base / "combinedHashDataInt.txt")
    assert KEY.sign(data).hex() == _text(base / "sigHexDataInt.txt")


@pytest.mark.parametrize(
    ("cryptosuite", "signed"),
    [
        ("eddsa-rdfc-2022", "eddsa-rdfc-2022/signedDataInt.json"),
        ("eddsa-jcs-2022", "eddsa-jcs-2022/signedJCS.json"),
    ],
)
def test_signing_reproduces_the_w3c_signed_documents(cryptosuite: str, signed: str) -> None:
    result = add_proof(load(DI / "unsigned.json"), KEY, cryptosuite=cryptosuite, created=CREATED)
    assert result == load(DI / signed)


@pytest.mark.parametrize(
    "name",
    [
        "eddsa-rdfc-2022/signedDataInt.json",
        "eddsa-jcs-2022/signedJCS.json",
        "Ed25519Signature2020/signedEdSig.json",
        "proof-set-chain/signedProofSet1.json",
        "proof-set-chain/signedProofSet2.json",
        "proof-set-chain/signedProofChain1.json",
        "proof-set-chain/signedProofChain2.json",
    ],
)
def test_w3c_signed_documents_verify(name: str) -> None:
    results = verify_proofs(load(DI / name))
    assert results
    assert all(r.verified for r in results), [str(r.error) for r in results]


def test_proof_sets_and_chains_reproduce_byte_for_byte() -> None:
    pairs = json.loads((DI / "proof-set-chain" / "multiKeyPairs.json").read_text())
    keys = [
        Ed25519Key.from_multibase(pairs[f"keyPair{i}"]["privateKeyMultibase"]) for i in range(1, 5)
    ]
    expected = load(DI / "proof-set-chain" / "signedProofChain2.json")
    ids = [p.get("id") for p in expected["proof"]]
    later = parse_datetime("2023-02-26T22:06:38Z")
    doc = add_proof(
        load(DI / "proof-set-chain" / "unsigned.json"), keys[0], created=CREATED, proof_id=ids[0]
    )
    doc = add_proof(doc, keys[1], created=CREATED, proof_id=ids[1])
    doc = add_proof(doc, keys[2], created=later, proof_id=ids[2], previous_proof=ids[:2])
    doc = add_proof(
        doc, keys[3], created=parse_datetime("2023-02-26T22:16:38Z"), previous_proof=ids[2]
    )
    assert doc == expected


def test_broken_chain_fails() -> None:
    doc = load(DI / "proof-set-chain" / "signedProofChain2.json")
    del doc["proof"][0]  # the chained proof now names a proof that is gone
    results = verify_proofs(doc)
    assert [r.verified for r in results] == [True, False, True]
    assert "not present" in str(results[1].error)


def _ob_resolver(vector: dict[str, Any]) -> Resolver:
    controller, vm = vector["controller"], vector["verificationMethod"]
    return Resolver(
        documents={
            controller: {
                "id": controller,
                "verificationMethod": [
                    {
                        "id": vm,
                        "type": "Multikey",
                        "controller": controller,
                        "publicKeyMultibase": vector["publicKeyMultibase"],
                    }
                ],
                "assertionMethod": [vm],
            }
        }
    )


@pytest.mark.parametrize("name", ["ob3", "clr2"])
def test_1edtech_vectors_byte_for_byte(name: str) -> None:
    folder = SPEC / "test-vectors" / name
    vector = load(folder / "vector.json")
    key = Ed25519Key.from_multibase(vector["secretKeyMultibase"])
    unsigned = load(folder / "credential.unsigned.json")
    assert EDDSA_RDFC_2022.transform(unsigned, loader=DEFAULT_LOADER) == _text(
        folder / "document-canon.txt"
    )
    expected = load(folder / "credential.signed.json")
    as_array = isinstance(expected["proof"], list)  # the CLR vector uses the array form
    signed = add_proof(
        unsigned,
        key,
        verification_method=vector["verificationMethod"],
        created=parse_datetime(vector["proof"]["created"]),
        proof_as_array=as_array,
    )
    proof = signed["proof"][0] if as_array else signed["proof"]
    assert proof["proofValue"] == vector["proofValue"]
    assert signed == expected
    results = verify_proofs(
        signed, resolver=_ob_resolver(vector), expected_controller=vector["controller"]
    )
    assert [r.verified for r in results] == [True]


@pytest.mark.parametrize(
    "path", sorted((SPEC / "rendered-2024-04").glob("*.json")), ids=lambda p: p.name
)
def test_rendered_spec_examples_verify(path: Path) -> None:
    document = load(path)
    results = verify_proofs(document, resolver=pinned_resolver(document))
    assert [r.verified for r in results] == [True], [str(r.error) for r in results]


def test_placeholder_endorsement_proofs_are_unsupported() -> None:
    # The spec's complete example embeds endorsements with the typo "eddsa-rdf-2022".
    endorsement = load(SPEC / "ob3-complete.unsigned.json")["endorsement"][0]
    results = verify_proofs(endorsement)
    assert isinstance(results[0].error, UnsupportedSuiteError)


@pytest.fixture
def signed() -> dict[str, Any]:
    return add_proof(load(SPEC / "ob3-basic.unsigned.json"), KEY, created=CREATED)


def _error(document: dict[str, Any], **kwargs: Any) -> Exception | None:
    results = verify_proofs(document, **kwargs)
    assert len(results) == 1
    return results[0].error


def test_valid_badge_verifies(signed: dict[str, Any]) -> None:
    assert _error(signed, expected_controller=KEY.did) is None


@pytest.mark.parametrize(
    ("mutate", "error", "fragment"),
    [
        (lambda d: d.update(name="Teamwork Badge (forged)"), InvalidProofError, "signature"),
        (
            lambda d: d["credentialSubject"].update(id="did:example:someone-else"),
            InvalidProofError,
            "signature",
        ),
        (
            lambda d: d["proof"].update(created="2023-02-25T00:00:00Z"),
            InvalidProofError,
            "signature",
        ),
        # Changing what a proof claims breaks its signature: that is reported, never the claim.
        (lambda d: d["proof"].update(proofPurpose="authentication"), SignatureError, "verify"),
        (
            lambda d: d["proof"].update(cryptosuite="eddsa-rdf-2022"),
            UnsupportedSuiteError,
            "unsupported",
        ),
        (lambda d: d["proof"].pop("proofValue"), InvalidProofError, "proofValue"),
        (lambda d: d["proof"].update(proofValue="z0OIl"), InvalidProofError, "base58"),
        (
            lambda d: d["proof"].update(proofValue="z" + b58encode(bytes(64))),
            InvalidProofError,
            "signature",
        ),
        (
            lambda d: d["proof"].update(
                verificationMethod=Ed25519Key.generate().verification_method
            ),
            InvalidProofError,
            "signature",
        ),
        (lambda d: d["proof"].update(created="2999-01-01T00:00:00Z"), SignatureError, "verify"),
        (lambda d: d["proof"].update(expires="2000-01-01T00:00:00Z"), SignatureError, "verify"),
        (
            lambda d: d["proof"].update(verificationMethod="https://x.example/k#1"),
            ResolutionError,
            "offline",
        ),
        (lambda d: d.update(grade="A+"), SafeModeError, "$.grade"),
    ],
)
def test_tampering_is_detected(
    signed: dict[str, Any], mutate: Any, error: type[Exception], fragment: str
) -> None:
    mutate(signed)
    found = _error(signed)
    assert isinstance(found, error), found
    assert fragment in str(found)


def test_issuer_must_control_the_key(signed: dict[str, Any]) -> None:
    found = _error(signed, expected_controller="https://example.com/issuers/876543")
    assert isinstance(found, ControllerMismatchError)
    assert "not of the issuer" in str(found)


@pytest.mark.parametrize(
    ("options", "error", "fragment"),
    [
        ({"proof_purpose": "authentication"}, InvalidProofError, "purpose"),
        ({"created": datetime(2999, 1, 1, tzinfo=UTC)}, ProofNotYetValidError, "future"),
        ({"expires": datetime(2000, 1, 1, tzinfo=UTC)}, ProofExpiredError, "expired"),
    ],
)
def test_what_an_authentic_proof_claims_is_judged(
    options: dict[str, Any], error: type[Exception], fragment: str
) -> None:
    doc = add_proof(load(SPEC / "ob3-basic.unsigned.json"), KEY, **options)
    found = _error(doc)
    assert type(found) is error, found
    assert fragment in str(found)


def test_challenge_and_domain(signed: dict[str, Any]) -> None:
    doc = add_proof(
        load(SPEC / "ob3-basic.unsigned.json"), KEY, challenge="abc", domain="hr.example"
    )
    assert _error(doc, challenge="abc", domain="hr.example") is None
    assert "challenge" in str(_error(doc, challenge="xyz"))
    assert "domain" in str(_error(doc, domain="other.example"))


def test_unsigned_and_verify_only_suites() -> None:
    assert verify_proofs(load(SPEC / "ob3-basic.unsigned.json")) == []
    with pytest.raises(SuiteError, match="verifying only"):
        add_proof(load(SPEC / "ob3-basic.unsigned.json"), KEY, cryptosuite="eddsa-2022")
    with pytest.raises(UnsupportedSuiteError):
        add_proof(load(SPEC / "ob3-basic.unsigned.json"), KEY, cryptosuite="ecdsa-rdfc-2019")


def test_vc11_credential_gets_the_data_integrity_context() -> None:
    doc = load(SPEC / "ob3-basic.unsigned.json")
    doc["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    doc["issuanceDate"] = doc.pop("validFrom")
    signed = add_proof(doc, KEY)
    assert signed["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert _error(signed) is None


def test_now_is_injectable(signed: dict[str, Any]) -> None:
    doc = add_proof(
        load(SPEC / "ob3-basic.unsigned.json"), KEY, expires=datetime(2030, 1, 1, tzinfo=UTC)
    )
    assert _error(doc, now=datetime(2029, 12, 31, tzinfo=UTC)) is None
    assert "expired" in str(_error(doc, now=datetime(2030, 1, 2, tzinfo=UTC)))
    assert _error(signed, now=CREATED - timedelta(minutes=1)) is None  # within skew


_fast = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_fast
@given(achievement_credential(), st.data())
def test_any_credential_signs_and_tampering_breaks_it(
    credential: dict[str, Any], data: st.DataObject
) -> None:
    key = Ed25519Key.generate()
    signed = add_proof(credential, key)
    assert _error(signed, expected_controller=key.did) is None
    # Change one signed string value somewhere in the credential.
    paths: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("@context", "proof", "type"):
                    continue
                if isinstance(v, str):
                    paths.append((node, k))
                walk(v)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    tampered = copy.deepcopy(signed)
    walk(tampered)
    parent, key_name = data.draw(st.sampled_from(paths))
    value = parent[key_name]
    parent[key_name] = value + "x" if not value.endswith("Z") else value[:-1] + "+01:00"
    assert _error(tampered) is not None
    other = Ed25519Key.generate()
    wrong_key = copy.deepcopy(signed)
    wrong_key["proof"]["verificationMethod"] = other.verification_method
    assert _error(wrong_key) is not None
    field = data.draw(st.sampled_from(["created", "proofPurpose", "cryptosuite", "type"]))
    bad_proof = copy.deepcopy(signed)
    bad_proof["proof"][field] = {
        "created": "2001-01-01T00:00:00Z",
        "proofPurpose": "authentication",
        "cryptosuite": "eddsa-jcs-2022",
        "type": "Ed25519Signature2020",
    }[field]
    assert _error(bad_proof) is not None


def test_eight_threads_verify_concurrently() -> None:
    docs = []
    for i in range(8):
        doc = load(SPEC / "ob3-basic.unsigned.json")
        doc["name"] = f"Badge {i}"
        key = Ed25519Key.generate()
        signed = add_proof(doc, key)
        if i % 2:
            signed["name"] = "tampered"
        docs.append((signed, i % 2 == 0))
    failures: list[str] = []

    def work(doc: dict[str, Any], valid: bool) -> None:
        for _ in range(5):
            ok = all(r.verified for r in verify_proofs(doc))
            if ok != valid:
                failures.append(doc["name"])

    threads = [threading.Thread(target=work, args=pair) for pair in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_legacy_eddsa_2022_name_verifies() -> None:
    from openmicrocred.suites import create_proof
    from openmicrocred.suites.eddsa_rdfc_2022 import EDDSA_2022

    unsigned = load(SPEC / "ob3-basic.unsigned.json")
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-2022",
        "created": "2023-01-01T00:00:00Z",
        "verificationMethod": KEY.verification_method,
        "proofPurpose": "assertionMethod",
    }
    signed = {**unsigned, "proof": create_proof(unsigned, options, KEY, suite=EDDSA_2022)}
    assert _error(signed) is None
    signed["name"] = "changed"
    assert _error(signed) is not None


def test_eddsa_jcs_2022_checks_the_context_prefix() -> None:
    # vc-di-eddsa §3.3.2: the document's @context must start with the proof's.
    signed = load(DI / "eddsa-jcs-2022/signedJCS.json")
    assert "@context" in signed["proof"]
    replaced = copy.deepcopy(signed)
    replaced["@context"] = [*replaced["@context"][:-1], "https://www.w3.org/ns/did/v1"]
    found = _error(replaced)
    assert isinstance(found, SignatureError)
    assert "@context" in str(found)
    reordered = copy.deepcopy(signed)
    reordered["@context"] = list(reversed(reordered["@context"]))
    assert isinstance(_error(reordered), SignatureError)
    # more contexts after the signed ones are allowed: the JSON itself is what is signed
    extended = copy.deepcopy(signed)
    extended["@context"] = [*extended["@context"], "https://w3id.org/security/multikey/v1"]
    assert _error(extended) is None
