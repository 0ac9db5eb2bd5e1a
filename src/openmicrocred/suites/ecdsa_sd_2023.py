"""``ecdsa-sd-2023`` (W3C Data Integrity ECDSA Cryptosuites v1.0, §3.5-§3.6): selective
disclosure with P-256 ECDSA keys.

The issuer signs a *base proof*: one signature (by its key) over the proof options, a
proof-scoped public key and the mandatory statements, and one signature (by the proof-scoped
key) per other statement; blank nodes are labelled by an HMAC whose key travels in the base
proof. The holder *derives* a proof that discloses the mandatory statements and those it
chooses, without the HMAC key; that is what a verifier receives.

https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-sd-2023

This module verifies derived proofs (§3.6.7) and base proofs (the holder's check: the base
transformation of §3.6.2 redone with the proof's HMAC key), creates base proofs (§3.6.1) and
derives proofs (§3.6.6). P-256 only (the spec's ecdsa-sd-2023 curve for SHA-256).
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import cbor2

from .._encoding import P256_PUB, b64url_decode, b64url_encode, multibase_encode
from .._json import json_copy
from .._time import format_datetime
from ..canon import canonicalize, canonicalize_document
from ..did.base import DIDResolver, VerificationMethod
from ..documents import DEFAULT_LOADER
from ..errors import (
    InvalidProofError,
    KeyFormatError,
    NoUsableKeyError,
    SignatureError,
    SuiteError,
)
from ..jsonld import to_quads
from ..keys import ECPublicKey, P256Key
from ..types import DocumentLoader, JSONObject
from ._selective import (
    canonical_label_map,
    canonicalize_and_group,
    hmac_label_map,
    relabel,
    select_json_ld,
)

__all__ = [
    "BASE_HEADER",
    "DERIVED_HEADER",
    "ECDSA_SD_2023",
    "BaseProofValue",
    "DerivedProofValue",
    "EcdsaSd2023",
    "P256Signer",
    "add_base_proof",
    "create_base_proof",
    "derive_proof",
    "parse_base_proof_value",
    "parse_derived_proof_value",
    "serialize_base_proof_value",
    "serialize_derived_proof_value",
    "verify_proof_value",
]

CRYPTOSUITE = "ecdsa-sd-2023"
BASE_HEADER = b"\xd9\x5d\x00"
"""The first bytes of a base proof value (§3.5.2)."""
DERIVED_HEADER = b"\xd9\x5d\x01"
"""The first bytes of a derived (disclosure) proof value (§3.5.7)."""
_MULTIKEY_LENGTH = len(P256_PUB) + 33  # multicodec p256-pub + compressed point


class P256Signer(Protocol):
    """A P-256 signing key (:class:`~openmicrocred.keys.P256Key`, or one in an HSM): ES256
    signatures as the raw 64-byte ``r || s``."""

    @property
    def public_key(self) -> ECPublicKey: ...

    def sign(self, data: bytes) -> bytes: ...


# ------------------------------------------------------------------------- proof values


@dataclass(frozen=True)
class BaseProofValue:
    """The components of a base proof value (§3.5.2)."""

    base_signature: bytes
    public_key: bytes
    """The proof-scoped key as multikey bytes (``0x80 0x24`` + compressed point)."""
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


@dataclass(frozen=True)
class DerivedProofValue:
    """The components of a derived proof value (§3.5.7), label map decompressed."""

    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]
    """Canonical label (``c14nN``) of the revealed document -> signed label (``u…``)."""
    mandatory_indexes: list[int]


def _encode(header: bytes, components: list[Any]) -> str:
    return "u" + b64url_encode(header + cbor2.dumps(components))


def serialize_base_proof_value(value: BaseProofValue) -> str:
    """§3.5.2 serializeBaseProofValue: ``u`` + base64url(header + CBOR components)."""
    return _encode(
        BASE_HEADER,
        [
            value.base_signature,
            value.public_key,
            value.hmac_key,
            list(value.signatures),
            list(value.mandatory_pointers),
        ],
    )


def serialize_derived_proof_value(value: DerivedProofValue) -> str:
    """§3.5.7 serializeDerivedProofValue, with the label map compressed (§3.5.5)."""
    compressed: dict[int, bytes] = {}
    for c14n, label in sorted(value.label_map.items(), key=lambda kv: _c14n_index(kv[0])):
        if not label.startswith("u"):
            raise SuiteError(f"label {label!r} is not a multibase base64url HMAC label")
        compressed[_c14n_index(c14n)] = b64url_decode(label[1:])
    return _encode(
        DERIVED_HEADER,
        [
            value.base_signature,
            value.public_key,
            list(value.signatures),
            compressed,
            list(value.mandatory_indexes),
        ],
    )


def _c14n_index(label: str) -> int:
    digits = label.removeprefix("c14n")
    if not label.startswith("c14n") or not digits.isdigit():
        raise SuiteError(f"{label!r} is not a canonical blank node label (c14nN)")
    return int(digits)


def _decode(proof_value: Any, header: bytes, what: str) -> list[Any]:
    """The five CBOR components after ``header`` in a multibase proof value."""
    if not isinstance(proof_value, str) or not proof_value.startswith("u"):
        raise InvalidProofError(
            "an ecdsa-sd-2023 proofValue must be a multibase base64url string ('u…')"
        )
    try:
        data = b64url_decode(proof_value[1:])
    except KeyFormatError:
        raise InvalidProofError("the proofValue is not valid base64url") from None
    if data[:3] != header:
        raise InvalidProofError(
            f"the proofValue is not an ecdsa-sd-2023 {what} proof (header {data[:3].hex()}, "
            f"expected {header.hex()})"
        )
    stream = io.BytesIO(data[3:])
    try:
        components = cbor2.CBORDecoder(stream).decode()
    except (cbor2.CBORDecodeError, ValueError, EOFError) as exc:
        raise InvalidProofError(f"the proofValue is not valid CBOR: {exc}") from None
    if stream.tell() != len(data) - 3:
        raise InvalidProofError("the proofValue has bytes after its CBOR value")
    if not isinstance(components, list) or len(components) != 5:
        raise InvalidProofError(f"the {what} proofValue must hold an array of five components")
    return components


def _is_bytes(value: Any, length: int) -> bool:
    return isinstance(value, bytes) and len(value) == length


def _check_bytes(value: Any, length: int, name: str) -> bytes:
    if not _is_bytes(value, length):
        raise InvalidProofError(f"the proofValue's {name} must be a byte string of {length} bytes")
    result: bytes = value
    return result


def _check_signatures(value: Any) -> list[bytes]:
    if not isinstance(value, list) or not all(_is_bytes(s, 64) for s in value):
        raise InvalidProofError("the proofValue's signatures must be 64-byte byte strings")
    return list(value)


def parse_base_proof_value(proof_value: Any) -> BaseProofValue:
    """§3.5.3 parseBaseProofValue.

    :raises InvalidProofError: not a well-formed ecdsa-sd-2023 base proof value.
    """
    base, public, key, signatures, pointers = _decode(proof_value, BASE_HEADER, "base")
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise InvalidProofError("the proofValue's mandatory pointers must be strings")
    return BaseProofValue(
        _check_bytes(base, 64, "base signature"),
        _check_bytes(public, _MULTIKEY_LENGTH, "public key"),
        _check_bytes(key, 32, "HMAC key"),
        _check_signatures(signatures),
        list(pointers),
    )


def parse_derived_proof_value(proof_value: Any) -> DerivedProofValue:
    """§3.5.8 parseDerivedProofValue, with §3.5.6 decompressLabelMap.

    :raises InvalidProofError: not a well-formed ecdsa-sd-2023 derived proof value (a base
        proof is refused: it is for the holder, and carries the HMAC key).
    """
    base, public, signatures, compressed, indexes = _decode(proof_value, DERIVED_HEADER, "derived")
    if not isinstance(compressed, dict) or not all(
        _is_index(k) and _is_bytes(v, 32) for k, v in compressed.items()
    ):
        raise InvalidProofError("the proofValue's label map must map integers to 32 bytes")
    if len(set(compressed.values())) != len(compressed):
        # Two blank nodes of the revealed document would pass for one signed node.
        raise InvalidProofError("the proofValue's label map gives two blank nodes one label")
    if not isinstance(indexes, list) or not all(_is_index(i) for i in indexes):
        raise InvalidProofError("the proofValue's mandatory indexes must be integers")
    return DerivedProofValue(
        _check_bytes(base, 64, "base signature"),
        _check_bytes(public, _MULTIKEY_LENGTH, "public key"),
        _check_signatures(signatures),
        {f"c14n{k}": "u" + b64url_encode(v) for k, v in compressed.items()},
        list(indexes),
    )


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# ---------------------------------------------------------------------------- hashing


def _proof_hash(proof: JSONObject, unsecured: JSONObject, loader: DocumentLoader) -> bytes:
    """SHA-256 of the canonical proof configuration: the proof without ``proofValue``, with
    the document's ``@context`` (§3.6.4, §3.5.9)."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    nquads = canonicalize_document(config, loader=loader).nquads
    return hashlib.sha256(nquads.encode("utf-8")).digest()


def _mandatory_hash(mandatory: Sequence[str]) -> bytes:
    """§3.4.17 hashMandatoryNQuads."""
    return hashlib.sha256("".join(mandatory).encode("utf-8")).digest()


def _multikey(key: ECPublicKey) -> bytes:
    """The multikey bytes of a P-256 key: ``0x80 0x24`` + compressed point."""
    numbers = key.cryptography_key.public_numbers()
    return P256_PUB + bytes([2 + (numbers.y & 1)]) + numbers.x.to_bytes(32, "big")


def _scoped_key(multikey: bytes) -> ECPublicKey:
    if not multikey.startswith(P256_PUB):
        raise InvalidProofError("the proof-scoped public key is not a P-256 multikey")
    try:
        return ECPublicKey.from_compressed(multikey[len(P256_PUB) :])
    except KeyFormatError as exc:
        raise InvalidProofError(f"the proof-scoped public key is invalid: {exc}") from None


def _check_signature(key: ECPublicKey, signature: bytes, data: bytes, failure: str) -> None:
    try:
        key.verify(signature, data)
    except InvalidProofError:
        raise SignatureError(failure) from None


def _check_all(
    issuer_key: ECPublicKey,
    proof_hash: bytes,
    value: BaseProofValue | DerivedProofValue,
    mandatory: Sequence[str],
    non_mandatory: Sequence[str],
) -> None:
    """§3.6.7 steps 3-6: the base signature and every statement signature."""
    if len(value.signatures) != len(non_mandatory):
        raise SignatureError(
            f"the proof has {len(value.signatures)} statement signatures but the document "
            f"has {len(non_mandatory)} non-mandatory statements"
        )
    scoped = _scoped_key(value.public_key)
    _check_signature(
        issuer_key,
        value.base_signature,
        proof_hash + value.public_key + _mandatory_hash(mandatory),
        "the ecdsa-sd-2023 base signature does not verify (the proof options or a "
        "mandatory statement were changed, or another key signed)",
    )
    for index, (signature, nquad) in enumerate(zip(value.signatures, non_mandatory, strict=True)):
        _check_signature(
            scoped,
            signature,
            nquad.encode("utf-8"),
            f"the signature of disclosed statement {index} does not verify: {nquad.strip()}",
        )


# ------------------------------------------------------------------------ verification


def _verify_derived(
    unsecured: JSONObject, proof: JSONObject, issuer_key: ECPublicKey, loader: DocumentLoader
) -> None:
    """§3.6.7 Verify Derived Proof, with §3.5.9 createVerifyData."""
    value = parse_derived_proof_value(proof.get("proofValue"))
    proof_hash = _proof_hash(proof, unsecured, loader)
    quads = to_quads(unsecured, loader=loader)
    try:
        label_map = canonical_label_map(value.label_map)(canonicalize(quads).issued)
        nquads = relabel(quads, label_map)
    except InvalidProofError:
        raise
    except SuiteError as exc:  # the document has blank nodes the proof did not sign
        raise SignatureError(f"the derived proof does not fit the document: {exc}") from None
    wanted = set(value.mandatory_indexes)
    if any(i >= len(nquads) for i in wanted):
        raise SignatureError(f"a mandatory index is past the document's {len(nquads)} statements")
    mandatory = [nq for i, nq in enumerate(nquads) if i in wanted]
    non_mandatory = [nq for i, nq in enumerate(nquads) if i not in wanted]
    _check_all(issuer_key, proof_hash, value, mandatory, non_mandatory)


def _verify_base(
    unsecured: JSONObject, proof: JSONObject, issuer_key: ECPublicKey, loader: DocumentLoader
) -> None:
    """The holder's check of a base proof: §3.6.2 Base Proof Transformation redone with the
    proof's HMAC key and mandatory pointers, then every signature checked."""
    value = parse_base_proof_value(proof.get("proofValue"))
    proof_hash = _proof_hash(proof, unsecured, loader)
    try:
        grouped = canonicalize_and_group(
            unsecured,
            hmac_label_map(value.hmac_key),
            {"mandatory": value.mandatory_pointers},
            loader=loader,
        )
    except InvalidProofError:
        raise
    except SuiteError as exc:
        raise InvalidProofError(f"the base proof's mandatory pointers: {exc}") from None
    group = grouped.groups["mandatory"]
    mandatory = list(group.matching.values())
    non_mandatory = list(group.non_matching.values())
    _check_all(issuer_key, proof_hash, value, mandatory, non_mandatory)


def verify_proof_value(
    unsecured: JSONObject,
    proof: JSONObject,
    issuer_key: ECPublicKey,
    *,
    loader: DocumentLoader = DEFAULT_LOADER,
) -> None:
    """Check the signatures of an ecdsa-sd-2023 proof (derived, or base) over ``unsecured``
    (the document without the proof) with the issuer's P-256 key.

    Only the cryptography: the proof's purpose, times and key binding are the engine's
    (:func:`openmicrocred.suites.verify_proof`, which calls this through the suite).

    :raises SignatureError: a signature does not verify over the document (or the
        document has statements the proof did not sign).
    :raises InvalidProofError: the proof is malformed.
    :raises SafeModeError: part of the document would be lost in JSON-LD processing.
    """
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise InvalidProofError("not a DataIntegrityProof with cryptosuite ecdsa-sd-2023")
    if "@context" not in unsecured:
        raise InvalidProofError("an ecdsa-sd-2023 secured document must have an @context")
    if _header(proof.get("proofValue")) == BASE_HEADER:
        _verify_base(unsecured, proof, issuer_key, loader)
    else:
        _verify_derived(unsecured, proof, issuer_key, loader)


def _header(proof_value: Any) -> bytes | None:
    """The first three bytes of a multibase base64url proof value (four characters)."""
    if not isinstance(proof_value, str) or not proof_value.startswith("u"):
        return None
    try:
        return b64url_decode(proof_value[1:5])[:3]
    except KeyFormatError:
        return None


def _signing_method(
    proof: JSONObject, resolver: DIDResolver, purpose: str
) -> tuple[VerificationMethod, ECPublicKey]:
    """The proof's verification method and its key: a P-256 key authorised for
    ``purpose``."""
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str):
        raise NoUsableKeyError("the proof names no verificationMethod")
    method = resolver.verification_method(method_id, purpose=purpose)
    if not isinstance(method.key, ECPublicKey):
        raise NoUsableKeyError(
            f"{method_id!r} is not a P-256 key, which ecdsa-sd-2023 proofs are made with"
        )
    return method, method.key


# --------------------------------------------------------------------------- issuing


def _did_key_method(key: ECPublicKey) -> str:
    multibase = multibase_encode(_multikey(key))
    return f"did:key:{multibase}#{multibase}"


def create_base_proof(
    unsecured: JSONObject,
    key: P256Signer,
    *,
    mandatory_pointers: Sequence[str] = (),
    verification_method: str | None = None,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    hmac_key: bytes | None = None,
    proof_key: P256Signer | None = None,
    loader: DocumentLoader = DEFAULT_LOADER,
) -> JSONObject:
    """§3.6.1 Create Base Proof: the base proof (``proofValue`` included) over
    ``unsecured``, which the issuer gives to the holder only.

    :param key: the issuer's P-256 key.
    :param mandatory_pointers: JSON pointers to what every derived proof must disclose.
    :param verification_method: the proof's method id (default: the key's did:key method).
    :param hmac_key: the 32-byte HMAC key (default: random; give one only to reproduce test
        vectors).
    :param proof_key: the proof-scoped key (default: a new one; likewise).
    :raises SuiteError: a pointer does not match the document, or a key has the wrong size.
    :raises SafeModeError: part of the document would be lost in JSON-LD processing.
    """
    if "@context" not in unsecured:
        raise SuiteError("an ecdsa-sd-2023 document must be JSON-LD with an @context")
    hmac_key = secrets.token_bytes(32) if hmac_key is None else hmac_key
    if len(hmac_key) != 32:
        raise SuiteError("the HMAC key must be 32 bytes (the SHA-256 digest size)")
    scoped = proof_key or P256Key.generate()
    proof: JSONObject = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created or datetime.now(UTC).replace(microsecond=0)),
        "verificationMethod": verification_method or _did_key_method(key.public_key),
        "proofPurpose": proof_purpose,
    }
    pointers = list(mandatory_pointers)
    grouped = canonicalize_and_group(
        unsecured, hmac_label_map(hmac_key), {"mandatory": pointers}, loader=loader
    )
    group = grouped.groups["mandatory"]
    public = _multikey(scoped.public_key)
    to_sign = (
        _proof_hash(proof, unsecured, loader)
        + public
        + _mandatory_hash(list(group.matching.values()))
    )
    value = BaseProofValue(
        key.sign(to_sign),
        public,
        hmac_key,
        [scoped.sign(nq.encode("utf-8")) for nq in group.non_matching.values()],
        pointers,
    )
    proof["proofValue"] = serialize_base_proof_value(value)
    return proof


def add_base_proof(document: JSONObject, key: P256Signer, **options: Any) -> JSONObject:
    """A copy of an unsecured ``document`` with an ecdsa-sd-2023 base proof; ``options`` are
    those of :func:`create_base_proof`.

    :raises SuiteError: the document already has a proof.
    """
    if "proof" in document:
        raise SuiteError("the document already has a proof; add the base proof to it unsecured")
    secured = json_copy(document)
    secured["proof"] = create_base_proof(secured, key, **options)
    result: JSONObject = secured
    return result


def derive_proof(
    document: JSONObject,
    selective_pointers: Sequence[str],
    *,
    loader: DocumentLoader = DEFAULT_LOADER,
) -> JSONObject:
    """§3.6.6 Add Derived Proof: the holder's reveal document, disclosing the mandatory
    statements and those ``selective_pointers`` select, with a derived proof.

    :param document: the document with its ecdsa-sd-2023 base proof.
    :raises InvalidProofError: the document has no single ecdsa-sd-2023 base proof.
    :raises SuiteError: a pointer does not match the document.
    """
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE:
        raise InvalidProofError("the document needs exactly one ecdsa-sd-2023 base proof")
    base = parse_base_proof_value(proof.get("proofValue"))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    selective = list(selective_pointers)
    combined = [*base.mandatory_pointers, *selective]
    if not combined:
        raise SuiteError("nothing to disclose: no mandatory and no selective pointers")
    grouped = canonicalize_and_group(
        unsecured,
        hmac_label_map(base.hmac_key),
        {"mandatory": base.mandatory_pointers, "selective": selective, "combined": combined},
        loader=loader,
    )
    derived = _disclosure_data(base, grouped.groups, grouped.label_map)
    reveal = select_json_ld(combined, unsecured) or {}
    reveal["proof"] = {**proof, "proofValue": serialize_derived_proof_value(derived)}
    return reveal


def _disclosure_data(
    base: BaseProofValue, groups: dict[str, Any], label_map: dict[str, str]
) -> DerivedProofValue:
    """§3.5.4 createDisclosureData, from the grouped N-Quads: the mandatory indexes relative
    to what is disclosed, the signatures of the disclosed statements, the verifier's label
    map."""
    mandatory, selective, combined = groups["mandatory"], groups["selective"], groups["combined"]
    mandatory_indexes = [
        relative for relative, index in enumerate(combined.matching) if index in mandatory.matching
    ]
    signatures: list[bytes] = []
    index = 0
    for signature in base.signatures:
        while index in mandatory.matching:
            index += 1
        if index in selective.matching:
            signatures.append(signature)
        index += 1
    issued = canonicalize(combined.deskolemized).issued
    verifier_labels = {c14n: label_map[label] for label, c14n in issued.items()}
    return DerivedProofValue(
        base.base_signature, base.public_key, signatures, verifier_labels, mandatory_indexes
    )


# ---------------------------------------------------------------------------- the suite


class EcdsaSd2023:
    """``ecdsa-sd-2023`` in the suite registry.

    Its proofs are not one signature over one hash, so the engine's ``transform`` /
    ``configure`` / ``hash`` steps do not sign or verify them: the engine calls
    :meth:`verify_signature` (see :class:`~.base.SignatureChecking`), and issuers use
    :func:`add_base_proof`.
    """

    proof_type = "DataIntegrityProof"
    cryptosuite: str | None = CRYPTOSUITE
    can_sign = False
    proof_carries_context = False

    def transform(self, document: JSONObject, *, loader: DocumentLoader) -> str:
        """RDFC-1.0 canonical N-Quads of the document (before blank-node relabelling)."""
        return canonicalize_document(document, loader=loader).nquads

    def configure(self, proof_config: JSONObject, *, loader: DocumentLoader) -> str:
        """Canonical N-Quads of the proof configuration (its SHA-256 is the proof hash)."""
        return canonicalize_document(proof_config, loader=loader).nquads

    def hash(self, transformed: str, canonical_config: str) -> bytes:
        raise SuiteError(
            "ecdsa-sd-2023 signs each statement, not one hash: verify with "
            "openmicrocred.suites.verify_proofs, sign with ecdsa_sd_2023.add_base_proof"
        )

    def verify(
        self,
        unsecured: JSONObject,
        proof: JSONObject,
        key: ECPublicKey,
        *,
        loader: DocumentLoader = DEFAULT_LOADER,
    ) -> None:
        """:func:`verify_proof_value`."""
        verify_proof_value(unsecured, proof, key, loader=loader)

    def verify_signature(
        self,
        unsecured: JSONObject,
        proof: JSONObject,
        *,
        resolver: DIDResolver,
        purpose: str,
        loader: DocumentLoader,
    ) -> VerificationMethod:
        """The engine's hook (:class:`~.base.SignatureChecking`): the P-256 key, then the
        base signature and each disclosed statement's signature."""
        if "previousProof" in proof:
            raise InvalidProofError("ecdsa-sd-2023 proofs with previousProof are not supported")
        method, key = _signing_method(proof, resolver, purpose)
        verify_proof_value(unsecured, proof, key, loader=loader)
        return method


ECDSA_SD_2023 = EcdsaSd2023()
