"""ecdsa-sd-2023: the W3C vectors step by step, derived and base proofs verified, every
tampering refused, base proofs created (byte-exact with the vectors' keys) and derived."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

import openmicrocred
from openmicrocred._encoding import b64url_decode, b64url_encode, multibase_decode
from openmicrocred.canon import canonicalize
from openmicrocred.documents import StaticLoader
from openmicrocred.errors import (
    ControllerMismatchError,
    InvalidProofError,
    NoUsableKeyError,
    ProofNotYetValidError,
    SignatureError,
    SuiteError,
    UnsupportedSuiteError,
)
from openmicrocred.jsonld import to_quads
from openmicrocred.keys import ECPublicKey, Ed25519Key, P256Key, public_key_from_multibase
from openmicrocred.suites import DEFAULT_REGISTRY, SuiteRegistry, add_proof, verify_proofs
from openmicrocred.suites._selective import (
    canonical_label_map,
    canonicalize_and_group,
    hmac_label_map,
    pointer_paths,
    relabel,
    select_json_ld,
)
from openmicrocred.suites.ecdsa_sd_2023 import (
    ECDSA_SD_2023,
    DerivedProofValue,
    _did_key_method,
    add_base_proof,
    create_base_proof,
    derive_proof,
    parse_base_proof_value,
    parse_derived_proof_value,
    serialize_derived_proof_value,
    verify_proof_value,
)
from openmicrocred.suites.eddsa_rdfc_2022 import EDDSA_RDFC_2022

from conftest import VECTORS, load

SD = VECTORS / "ecdsa-sd-2023"
KINDS = ["prc", "employ"]
LOADER = StaticLoader({"https://w3id.org/citizenship/v4rc1": load(SD / "citizenship-v4rc1.jsonld")})
MATERIAL = load(SD / "SDKeyMaterial.json")
_ISSUER = public_key_from_multibase(MATERIAL["baseKeyPair"]["publicKeyMultibase"])
assert isinstance(_ISSUER, ECPublicKey)
ISSUER_KEY: ECPublicKey = _ISSUER
HMAC_KEY = bytes.fromhex(MATERIAL["hmacKeyString"])
SELECTIVE = {"prc": "prCredSelective.json", "employ": "employSelective.json"}
MANDATORY = {"prc": "prCredMandatory.json", "employ": "employMandatory.json"}
VERIFY_AT = datetime(2024, 1, 1, tzinfo=UTC)


class DeterministicKey:
    """A P-256 key signing with RFC 6979 (as the vectors were made)."""

    def __init__(self, secret_multibase: str) -> None:
        data = multibase_decode(secret_multibase)
        assert data[:2] == b"\x86\x26"  # p256-priv
        self._private = ec.derive_private_key(int.from_bytes(data[2:], "big"), ec.SECP256R1())
        self.public_key = ECPublicKey(self._private.public_key())

    def sign(self, data: bytes) -> bytes:
        der = self._private.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _split(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return unsecured, document["proof"]


def derived(kind: str) -> dict[str, Any]:
    result: dict[str, Any] = load(SD / kind / "derivedRevealDocument.json")
    return result


def base(kind: str) -> dict[str, Any]:
    result: dict[str, Any] = load(SD / kind / "addSignedSDBase.json")
    return result


def _check(document: dict[str, Any], key: ECPublicKey = ISSUER_KEY) -> None:
    unsecured, proof = _split(document)
    verify_proof_value(unsecured, proof, key, loader=LOADER)


def _rewrite(document: dict[str, Any], change: Callable[[list[Any]], None]) -> dict[str, Any]:
    """``document`` with its proof value's CBOR components changed by ``change``."""
    out = copy.deepcopy(document)
    raw = b64url_decode(out["proof"]["proofValue"][1:])
    components = cbor2.loads(raw[3:])
    change(components)
    out["proof"]["proofValue"] = "u" + b64url_encode(raw[:3] + cbor2.dumps(components))
    return out


# ------------------------------------------------------------------ the vectors, step by step


@pytest.mark.parametrize("kind", KINDS)
def test_base_transformation_matches_the_vectors(kind: str) -> None:
    unsecured, _ = _split(base(kind))
    quads = to_quads(unsecured, loader=LOADER)
    assert canonicalize(quads).nquads.splitlines(keepends=True) == load(
        SD / kind / "addBaseDocCanon.json"
    )
    pointers = load(SD / MANDATORY[kind])
    selective = load(SD / SELECTIVE[kind])
    grouped = canonicalize_and_group(
        unsecured,
        hmac_label_map(HMAC_KEY),
        {"mandatory": pointers, "selective": selective, "combined": pointers + selective},
        loader=LOADER,
    )
    assert grouped.nquads == load(SD / kind / "addBaseDocHMACCanon.json")
    transform = load(SD / kind / "addBaseTransform.json")
    assert [[i, nq] for i, nq in grouped.groups["mandatory"].matching.items()] == transform[
        "mandatory"
    ]["value"]
    assert [[i, nq] for i, nq in grouped.groups["mandatory"].non_matching.items()] == transform[
        "nonMandatory"
    ]["value"]
    indexes = load(SD / kind / "derivedGroupIndexes.json")
    assert list(grouped.groups["combined"].matching) == indexes["combinedIndexes"]
    assert list(grouped.groups["selective"].matching) == indexes["selectiveIndexes"]
    mandatory = "".join(grouped.groups["mandatory"].matching.values())
    hashes_ = load(SD / kind / "addHashData.json")
    assert hashlib.sha256(mandatory.encode()).hexdigest() == hashes_["mandatoryHash"]


@pytest.mark.parametrize("kind", KINDS)
def test_proof_values_parse_to_the_vectors_components(kind: str) -> None:
    raw = load(SD / kind / "addRawBaseSignatureInfo.json")
    value = parse_base_proof_value(base(kind)["proof"]["proofValue"])
    assert value.base_signature.hex() == raw["baseSignature"]
    assert value.public_key == multibase_decode(raw["publicKey"])
    assert value.hmac_key == HMAC_KEY
    assert [s.hex() for s in value.signatures] == raw["signatures"]
    assert value.mandatory_pointers == raw["mandatoryPointers"]
    want = load(SD / kind / "verifyDerivedProofValue.json")
    parsed = parse_derived_proof_value(derived(kind)["proof"]["proofValue"])
    assert parsed.base_signature.hex() == want["baseSignature"]
    assert parsed.public_key == multibase_decode(want["publicKey"])
    assert [s.hex() for s in parsed.signatures] == want["signatures"]
    assert parsed.label_map == dict(want["labelMap"])
    assert parsed.mandatory_indexes == want["mandatoryIndexes"]
    assert serialize_derived_proof_value(parsed) == derived(kind)["proof"]["proofValue"]


@pytest.mark.parametrize("kind", KINDS)
def test_verifier_nquads_match_the_vectors(kind: str) -> None:
    unsecured, proof = _split(derived(kind))
    parsed = parse_derived_proof_value(proof["proofValue"])
    quads = to_quads(unsecured, loader=LOADER)
    labels = canonical_label_map(parsed.label_map)(canonicalize(quads).issued)
    nquads = relabel(quads, labels)
    assert nquads == load(SD / kind / "verifyNQuads.json")
    verify_data = load(SD / kind / "verifyCreateVerifyData.json")
    rest = [nq for i, nq in enumerate(nquads) if i not in parsed.mandatory_indexes]
    assert rest == verify_data["nonMandatory"]


# --------------------------------------------------------------------------- verification


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("which", [derived, base])
def test_vectors_verify(kind: str, which: Callable[[str], dict[str, Any]]) -> None:
    _check(which(kind))  # raises unless every signature verifies
    results = verify_proofs(which(kind), loader=LOADER, now=VERIFY_AT)
    assert [(r.cryptosuite, r.verified, r.error) for r in results] == [
        ("ecdsa-sd-2023", True, None)
    ]
    assert results[0].controller == f"did:key:{MATERIAL['baseKeyPair']['publicKeyMultibase']}"


def test_top_level_verify_proofs_and_registry_recognise_the_suite() -> None:
    assert DEFAULT_REGISTRY.get("DataIntegrityProof", "ecdsa-sd-2023") is ECDSA_SD_2023
    assert "DataIntegrityProof/ecdsa-sd-2023" in DEFAULT_REGISTRY.names()
    [result] = openmicrocred.verify_proofs(derived("prc"), loader=LOADER)
    assert result.verified, result.error
    # A registry without the suite leaves the proof unsupported, not failed.
    [other] = verify_proofs(
        derived("prc"), loader=LOADER, registry=SuiteRegistry([EDDSA_RDFC_2022])
    )
    assert isinstance(other.error, UnsupportedSuiteError)


def _tampered_document(document: dict[str, Any]) -> None:
    document["credentialSubject"]["birthCountry"] = "Utopia"


def _tampered_mandatory(document: dict[str, Any]) -> None:
    document["issuer"]["image"] = "data:image/png;base64,AAAA"


def _dropped_mandatory(document: dict[str, Any]) -> None:
    document["type"] = ["VerifiableCredential"]


def _dropped_disclosed(document: dict[str, Any]) -> None:
    del document["validUntil"]


def _added_statement(document: dict[str, Any]) -> None:
    document["credentialSubject"]["givenName"] = "JANE"


def _tampered_options(document: dict[str, Any]) -> None:
    document["proof"]["created"] = "2023-08-15T23:36:39Z"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_tampered_document, "signature of disclosed statement"),
        (_tampered_mandatory, "base signature does not verify"),
        (_dropped_mandatory, "statement signatures"),
        (_dropped_disclosed, "statement signatures"),
        (_added_statement, "statement signatures"),
        (_tampered_options, "base signature does not verify"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_altered_derived_documents_fail(
    kind: str, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    document = derived(kind)
    change(document)
    with pytest.raises(SignatureError, match=message):
        _check(document)
    [result] = verify_proofs(document, loader=LOADER)
    assert not result.verified
    assert isinstance(result.error, SignatureError)


def _flip(data: bytes, at: int = 10) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


def _base_signature(c: list[Any]) -> None:
    c[0] = _flip(c[0])


def _statement_signature(c: list[Any]) -> None:
    c[2][1] = _flip(c[2][1])


def _swapped_labels(c: list[Any]) -> None:
    c[3] = {0: c[3][1], 1: c[3][0]}


def _other_label(c: list[Any]) -> None:
    c[3][0] = hashlib.sha256(b"another label").digest()


def _merged_labels(c: list[Any]) -> None:
    c[3][1] = c[3][0]


def _missing_label(c: list[Any]) -> None:
    del c[3][1]


def _mandatory_index(c: list[Any]) -> None:
    c[4] = [0, 4, 5, 6]


def _index_past_the_end(c: list[Any]) -> None:
    c[4] = [0, 4, 5, 70]


def _other_scoped_key(c: list[Any]) -> None:
    c[1] = multibase_decode(MATERIAL["baseKeyPair"]["publicKeyMultibase"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_base_signature, "base signature does not verify"),
        (_statement_signature, "signature of disclosed statement 1"),
        (_swapped_labels, "does not verify"),
        (_other_label, "does not verify"),
        (_missing_label, "no entry for the blank node"),
        (_merged_labels, "two blank nodes one label"),
        (_mandatory_index, "does not verify"),
        (_index_past_the_end, "past the document"),
        (_other_scoped_key, "does not verify"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_altered_derived_proof_values_fail(
    kind: str, change: Callable[[list[Any]], None], message: str
) -> None:
    with pytest.raises(InvalidProofError, match=message) as info:
        _check(_rewrite(derived(kind), change))
    # A proof value that parses but does not fit the document is a failed signature.
    assert isinstance(info.value, SignatureError) == (change is not _merged_labels)


@pytest.mark.parametrize("which", [derived, base])
def test_another_key_fails(which: Callable[[str], dict[str, Any]]) -> None:
    other = P256Key.generate().public_key
    with pytest.raises(SignatureError, match="base signature does not verify"):
        _check(which("prc"), other)
    # Through the engine: a verification method of another P-256 key, or of an Ed25519 key.
    for key, error in (
        (other, SignatureError),
        (Ed25519Key.generate().public_key, NoUsableKeyError),
    ):
        document = which("prc")
        document["proof"]["verificationMethod"] = _method(key)
        [result] = verify_proofs(document, loader=LOADER)
        assert not result.verified
        assert isinstance(result.error, error), result.error


def _method(key: Any) -> str:
    if isinstance(key, ECPublicKey):
        return _did_key_method(key)
    return str(key.verification_method)


def test_controller_purpose_and_times_are_enforced() -> None:
    [wrong] = verify_proofs(derived("prc"), loader=LOADER, expected_controller="did:key:zOther")
    assert isinstance(wrong.error, ControllerMismatchError)
    [purpose] = verify_proofs(derived("prc"), loader=LOADER, purpose="authentication")
    assert "proof purpose" in str(purpose.error)
    # The vector's proof was created on 2023-08-15: as of 2023-08-01 it is not valid yet.
    [early] = verify_proofs(derived("prc"), loader=LOADER, now=datetime(2023, 8, 1, tzinfo=UTC))
    assert isinstance(early.error, ProofNotYetValidError)
    # A forged proof is reported as forged, not as being for another purpose.
    document = derived("prc")
    document["proof"]["proofPurpose"] = "authentication"
    [forged] = verify_proofs(document, loader=LOADER, purpose="authentication")
    assert isinstance(forged.error, SignatureError)


@pytest.mark.parametrize(
    ("proof_value", "message"),
    [
        ("z3FXQ", "multibase base64url"),
        ("u" + b64url_encode(b"\xd9\x5d\x02" + cbor2.dumps([])), "header d95d02"),
        ("u" + b64url_encode(b"\xd9\x5d\x01" + cbor2.dumps([1, 2])), "five components"),
        ("u" + b64url_encode(b"\xd9\x5d\x01\xff"), "not valid CBOR"),
        (
            "u" + b64url_encode(b"\xd9\x5d\x01" + cbor2.dumps([b"", b"", [], {}, []])),
            "base signature must be a byte string of 64 bytes",
        ),
    ],
)
def test_malformed_proof_values_fail(proof_value: str, message: str) -> None:
    document = derived("prc")
    document["proof"]["proofValue"] = proof_value
    with pytest.raises(InvalidProofError, match=message):
        _check(document)


def test_trailing_bytes_and_bad_components_fail() -> None:
    document = derived("prc")
    raw = b64url_decode(document["proof"]["proofValue"][1:])
    document["proof"]["proofValue"] = "u" + b64url_encode(raw + b"\x00")
    with pytest.raises(InvalidProofError, match="bytes after"):
        _check(document)

    def bad_labels(c: list[Any]) -> None:
        c[3] = {"0": c[3][0]}

    with pytest.raises(InvalidProofError, match="label map"):
        _check(_rewrite(derived("prc"), bad_labels))

    def bad_indexes(c: list[Any]) -> None:
        c[4] = [True]

    with pytest.raises(InvalidProofError, match="mandatory indexes"):
        _check(_rewrite(derived("prc"), bad_indexes))


@pytest.mark.parametrize("kind", KINDS)
def test_altered_base_proofs_fail(kind: str) -> None:
    document = base(kind)
    document["credentialSubject"]["givenName"] = "JOAN"
    with pytest.raises(SignatureError, match="signature of disclosed statement"):
        _check(document)
    document = base(kind)
    document["issuer"]["image"] = "data:image/png;base64,AAAA"
    with pytest.raises(InvalidProofError, match="base signature"):
        _check(document)

    def other_hmac_key(c: list[Any]) -> None:
        c[2] = bytes(32)

    with pytest.raises(InvalidProofError, match="does not verify"):
        _check(_rewrite(base(kind), other_hmac_key))

    def other_pointers(c: list[Any]) -> None:
        c[4] = ["/validFrom"]

    with pytest.raises(InvalidProofError, match="statement signatures"):
        _check(_rewrite(base(kind), other_pointers))

    def bad_pointer(c: list[Any]) -> None:
        c[4] = ["/nowhere"]

    with pytest.raises(InvalidProofError, match="does not match"):
        _check(_rewrite(base(kind), bad_pointer))


def test_a_proof_set_with_an_eddsa_proof_verifies_each_proof() -> None:
    unsecured, sd_proof = _split(derived("prc"))
    signed = add_proof(unsecured, Ed25519Key.generate(), loader=LOADER)
    signed["proof"] = [sd_proof, signed["proof"]]
    results = verify_proofs(signed, loader=LOADER)
    assert [(r.cryptosuite, r.verified) for r in results] == [
        ("ecdsa-sd-2023", True),
        ("eddsa-rdfc-2022", True),
    ]
    signed["proof"][0]["proofValue"] = derived("employ")["proof"]["proofValue"]
    assert [r.verified for r in verify_proofs(signed, loader=LOADER)] == [False, True]


# ------------------------------------------------------------------------ issuing, deriving


@pytest.mark.parametrize("kind", KINDS)
def test_base_proof_creation_reproduces_the_vector(kind: str) -> None:
    unsecured, proof = _split(base(kind))
    created = create_base_proof(
        unsecured,
        DeterministicKey(MATERIAL["baseKeyPair"]["secretKeyMultibase"]),
        mandatory_pointers=load(SD / MANDATORY[kind]),
        created=datetime(2023, 8, 15, 23, 36, 38, tzinfo=UTC),
        hmac_key=HMAC_KEY,
        proof_key=DeterministicKey(MATERIAL["proofKeyPair"]["secretKeyMultibase"]),
        loader=LOADER,
    )
    assert created == proof


@pytest.mark.parametrize("kind", KINDS)
def test_derivation_reproduces_the_vector(kind: str) -> None:
    reveal = derive_proof(base(kind), load(SD / SELECTIVE[kind]), loader=LOADER)
    assert reveal == derived(kind)
    unsecured, _ = _split(reveal)
    assert unsecured == load(SD / kind / "derivedUnsignedReveal.json")


def test_issue_derive_verify_round_trip() -> None:
    key = P256Key.generate()
    unsecured, _ = _split(base("prc"))
    unsecured["issuer"]["id"] = _method(key.public_key).split("#")[0]
    secured = add_base_proof(unsecured, key, mandatory_pointers=["/issuer", "/type"], loader=LOADER)
    assert secured["proof"]["proofValue"].startswith("u2V0A")
    for pointers in ([], ["/credentialSubject/givenName"], ["/credentialSubject"]):
        reveal = derive_proof(secured, pointers, loader=LOADER)
        assert reveal["proof"]["proofValue"].startswith("u2V0B")
        [result] = verify_proofs(
            reveal, loader=LOADER, expected_controller=unsecured["issuer"]["id"]
        )
        assert result.verified, result.error
    assert "credentialSubject" not in derive_proof(secured, [], loader=LOADER)
    given = derive_proof(secured, ["/credentialSubject/givenName"], loader=LOADER)
    assert given["credentialSubject"] == {
        "type": ["PermanentResident", "Person"],
        "givenName": "JANE",
    }
    everything = derive_proof(secured, ["/credentialSubject"], loader=LOADER)
    assert everything["credentialSubject"] == unsecured["credentialSubject"]
    with pytest.raises(SuiteError, match="already has a proof"):
        add_base_proof(secured, key, loader=LOADER)
    with pytest.raises(SuiteError, match="does not match"):
        derive_proof(secured, ["/credentialSubject/nothing"], loader=LOADER)


def test_an_open_badge_with_a_derived_proof_passes_the_verifier() -> None:
    key = P256Key.generate()
    credential = load(VECTORS / "ob3-spec" / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = _method(key.public_key).split("#")[0]
    mandatory = ["/issuer", "/type", "/name", "/validFrom", "/credentialSubject/achievement"]
    secured = add_base_proof(credential, key, mandatory_pointers=mandatory)
    reveal = derive_proof(secured, ["/credentialSubject/type"])
    assert (
        reveal["credentialSubject"]["achievement"] == credential["credentialSubject"]["achievement"]
    )
    report = openmicrocred.verify(reveal)
    [proof] = [c for c in report.checks if c.name == "proof"]
    assert proof.status == "passed", proof.message
    assert "ecdsa-sd-2023" in proof.message
    reveal["credentialSubject"]["achievement"]["name"] = "Leadership"
    [proof] = [c for c in openmicrocred.verify(reveal).checks if c.name == "proof"]
    assert proof.status == "failed"
    assert "base signature does not verify" in proof.message


def test_engine_refuses_to_sign_and_hash_with_the_suite() -> None:
    unsecured, _ = _split(base("prc"))
    with pytest.raises(SuiteError, match="verifying only"):
        add_proof(unsecured, Ed25519Key.generate(), cryptosuite="ecdsa-sd-2023", loader=LOADER)
    with pytest.raises(SuiteError, match="signs each statement"):
        ECDSA_SD_2023.hash("", "")
    with pytest.raises(SuiteError, match="32 bytes"):
        create_base_proof(unsecured, P256Key.generate(), hmac_key=b"short", loader=LOADER)


def test_label_maps_compress_to_c14n_integers() -> None:
    value = DerivedProofValue(bytes(64), bytes(35), [], {"c14nX": "uAA"}, [])
    with pytest.raises(SuiteError, match="canonical blank node label"):
        serialize_derived_proof_value(value)


# ------------------------------------------------------------------------- JSON pointers


def test_json_pointers() -> None:
    assert pointer_paths("") == []
    assert pointer_paths("/a~1b/m~0n/0/x") == ["a/b", "m~n", 0, "x"]
    for bad in ("a/b", "/a~2"):
        with pytest.raises(SuiteError):
            pointer_paths(bad)


def test_selection_keeps_ids_and_types_and_dense_arrays() -> None:
    document = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": "urn:x",
        "type": ["VerifiableCredential"],
        "credentialSubject": [
            {"id": "_:b0", "type": "T", "a": 1},
            {"id": "urn:s", "name": "N", "b": 2},
            {"c": 3},
        ],
    }
    selection = select_json_ld(["/credentialSubject/1/name", "/credentialSubject/2"], document)
    assert selection == {
        "id": "urn:x",
        "type": ["VerifiableCredential"],
        "@context": "https://www.w3.org/ns/credentials/v2",
        "credentialSubject": [{"id": "urn:s", "name": "N"}, {"c": 3}],
    }
    assert select_json_ld([], document) is None
    assert select_json_ld([""], document) == document
    with pytest.raises(SuiteError, match="does not match"):
        select_json_ld(["/credentialSubject/7"], document)


def test_vectors_pointer_values() -> None:
    unsecured, _ = _split(base("prc"))
    for entry in load(SD / "prc" / "addPointerValues.json"):
        selection = select_json_ld([entry["pointer"]], unsecured)
        assert selection is not None
        assert selection[entry["pointer"].strip("/")] == entry["value"]


def test_vector_files_are_where_the_readme_says() -> None:
    readme = (SD / "README.md").read_text(encoding="utf-8")
    for path in sorted(Path(SD).rglob("*.json*")):
        assert path.name in readme or path.parent.name in ("prc", "employ"), path
