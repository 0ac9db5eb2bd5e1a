"""The Data Integrity proof engine: add proofs and verify them, for any registered suite.

Implements W3C VC Data Integrity 1.0 §4 ("Add Proof", "Verify Proof"), including proof
sets (several independent proofs) and proof chains (``previousProof``).
https://www.w3.org/TR/vc-data-integrity/#algorithms
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .._encoding import b58decode, b58encode
from .._json import as_list, json_copy
from .._time import format_datetime, parse_datetime
from ..did.base import DIDResolver, VerificationMethod
from ..did.resolver import Resolver
from ..documents import DEFAULT_LOADER
from ..errors import (
    ControllerMismatchError,
    InvalidProofError,
    KeyFormatError,
    NoUsableKeyError,
    OpenMicrocredError,
    ProofExpiredError,
    ProofNotYetValidError,
    ResolutionError,
    SignatureError,
    SuiteError,
)
from ..keys import Ed25519PublicKey, Ed25519SigningKey
from ..types import DocumentLoader, JSONObject
from ..vcdm import check_credential, is_credential
from .base import Cryptosuite, SignatureChecking, SuiteRegistry
from .ed25519_signature_2020 import ED25519_SIGNATURE_2020
from .eddsa_jcs_2022 import EDDSA_JCS_2022
from .eddsa_rdfc_2022 import EDDSA_2022, EDDSA_RDFC_2022

__all__ = [
    "DATA_INTEGRITY_V2",
    "DEFAULT_REGISTRY",
    "ProofResult",
    "add_proof",
    "create_proof",
    "verify_proof",
    "verify_proofs",
]

DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"

DEFAULT_REGISTRY = SuiteRegistry(
    [EDDSA_RDFC_2022, EDDSA_2022, EDDSA_JCS_2022, ED25519_SIGNATURE_2020]
)
"""Every suite this library verifies; ``eddsa-rdfc-2022`` and ``eddsa-jcs-2022`` also sign."""

_CLOCK_SKEW = timedelta(minutes=5)


def _proofs(document: JSONObject) -> list[JSONObject]:
    proof = document.get("proof")
    if proof is None:
        return []
    proofs = proof if isinstance(proof, list) else [proof]
    if not all(isinstance(p, dict) for p in proofs):
        raise InvalidProofError("proof must be an object or a list of objects")
    return proofs


def _with_previous(
    unsecured: JSONObject, all_proofs: Sequence[JSONObject], previous: Any
) -> JSONObject:
    # VC Data Integrity §4.2 step 5 / §4.4: a chained proof also signs the proofs it names.
    wanted = as_list(previous)
    if not all(isinstance(w, str) for w in wanted):
        raise InvalidProofError("previousProof must be a string or a list of strings")
    matching = [p for p in all_proofs if p.get("id") in wanted]
    if len(matching) != len(wanted):
        raise InvalidProofError(f"previousProof names proofs that are not present: {wanted}")
    document = dict(unsecured)
    document["proof"] = (
        matching[0] if len(matching) == 1 and isinstance(previous, str) else (matching)
    )
    return document


def create_proof(
    unsecured: JSONObject,
    options: JSONObject,
    key: Ed25519SigningKey,
    *,
    suite: Cryptosuite,
    loader: DocumentLoader = DEFAULT_LOADER,
) -> JSONObject:
    """Create one proof over ``unsecured`` with the given proof options (the spec's
    "Create Proof" of the suite). Returns the proof object, ``proofValue`` included."""
    config = dict(options)
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    transformed = suite.transform(unsecured, loader=loader)
    canonical_config = suite.configure(config, loader=loader)
    signature = key.sign(suite.hash(transformed, canonical_config))
    proof = dict(options)
    if suite.proof_carries_context and "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    proof["proofValue"] = "z" + b58encode(signature)
    return proof


def add_proof(
    document: JSONObject,
    key: Ed25519SigningKey,
    *,
    verification_method: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    expires: datetime | None = None,
    nonce: str | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    proof_as_array: bool = False,
    registry: SuiteRegistry = DEFAULT_REGISTRY,
    loader: DocumentLoader = DEFAULT_LOADER,
) -> JSONObject:
    """Return a copy of ``document`` secured with one more Data Integrity proof.

    A VC 1.1 document gets the Data Integrity context appended, since the VC 1.1 context
    does not define ``DataIntegrityProof``.

    :param key: the Ed25519 signer: a key in memory, an HSM or a KMS (only its ``sign``
        and ``public_key`` are used).
    :param verification_method: the method id to put in the proof; by default the key's
        did:key method. It must resolve to ``key``'s public key for verifiers.
    :param created: the proof's ``created`` time (default: now, whole seconds, UTC).
    :param previous_proof: the id(s) of existing proofs this one chains to.
    :param proof_as_array: write ``proof`` as an array even when it is the only proof.
    :raises UnsupportedSuiteError: the suite is unknown or verify-only.
    :raises SafeModeError: the document has terms no context defines.
    :raises CredentialError: the document is a credential that breaks a VC Data Model rule
        (see :mod:`openmicrocred.vcdm`).
    """
    if is_credential(document):
        check_credential(document)
    suite = _signing_suite(registry, cryptosuite)
    secured, existing = _without_proofs(document)
    options = _proof_options(
        cryptosuite,
        key,
        proof_id=proof_id,
        created=created,
        verification_method=verification_method,
        proof_purpose=proof_purpose,
        challenge=challenge,
        domain=domain,
        expires=expires,
        nonce=nonce,
    )
    unsecured = secured
    if previous_proof is not None:
        options["previousProof"] = previous_proof
        unsecured = _with_previous(secured, existing, previous_proof)
    proof = create_proof(unsecured, options, key, suite=suite, loader=loader)
    all_proofs = [*existing, proof]
    secured["proof"] = all_proofs if (proof_as_array or len(all_proofs) > 1) else proof
    return secured


def _signing_suite(registry: SuiteRegistry, cryptosuite: str) -> Cryptosuite:
    suite = registry.get("DataIntegrityProof", cryptosuite)
    if not suite.can_sign:
        raise SuiteError(
            f"{cryptosuite!r} is accepted for verifying only; sign with eddsa-rdfc-2022"
        )
    return suite


def _without_proofs(document: JSONObject) -> tuple[JSONObject, list[JSONObject]]:
    """A copy of ``document`` without its proofs (the Data Integrity context added to a
    VC 1.1 document), and those proofs."""
    secured: JSONObject = json_copy(document)
    existing = _proofs(secured)
    secured.pop("proof", None)
    contexts = as_list(secured.get("@context"))
    if contexts and contexts[0] == VC_V1 and DATA_INTEGRITY_V2 not in contexts:
        secured["@context"] = [*contexts, DATA_INTEGRITY_V2]
    return secured, existing


def _proof_options(
    cryptosuite: str,
    key: Ed25519SigningKey,
    *,
    proof_id: str | None,
    created: datetime | None,
    verification_method: str | None,
    proof_purpose: str,
    challenge: str | None,
    domain: str | None,
    expires: datetime | None,
    nonce: str | None,
) -> JSONObject:
    """The options of a new proof, in the order :func:`add_proof` writes them (``None``
    values are left out; the default ``created`` is now, whole seconds, UTC)."""
    options: JSONObject = {"type": "DataIntegrityProof", "cryptosuite": cryptosuite}
    if proof_id is not None:
        options["id"] = proof_id
    stamp = created or datetime.now(UTC).replace(microsecond=0)
    options["created"] = format_datetime(stamp)
    options["verificationMethod"] = verification_method or key.public_key.verification_method
    options["proofPurpose"] = proof_purpose
    for name, value in (("challenge", challenge), ("domain", domain), ("nonce", nonce)):
        if value is not None:
            options[name] = value
    if expires is not None:
        options["expires"] = format_datetime(expires)
    return options


@dataclass(frozen=True)
class ProofResult:
    """The outcome of checking one proof."""

    index: int
    proof_type: str
    cryptosuite: str | None
    verification_method: str | None
    controller: str | None
    error: OpenMicrocredError | None = None

    @property
    def verified(self) -> bool:
        """Whether this proof verified."""
        return self.error is None


def _check_times(proof: JSONObject, now: datetime, skew: timedelta) -> None:
    for name in ("created", "expires"):
        if name in proof:
            try:
                parse_datetime(str(proof[name]))
            except ValueError:
                raise InvalidProofError(
                    f"proof {name} {proof[name]!r} is not a date-time"
                ) from None
    if "created" in proof and parse_datetime(str(proof["created"])) > now + skew:
        raise ProofNotYetValidError(f"proof created {proof['created']} is in the future")
    if "expires" in proof and parse_datetime(str(proof["expires"])) < now - skew:
        raise ProofExpiredError(f"proof expired at {proof['expires']}")


def verify_proof(
    unsecured: JSONObject,
    proof: JSONObject,
    *,
    resolver: DIDResolver,
    registry: SuiteRegistry = DEFAULT_REGISTRY,
    loader: DocumentLoader = DEFAULT_LOADER,
    purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    expected_controller: str | None = None,
    now: datetime | None = None,
    clock_skew: timedelta = _CLOCK_SKEW,
) -> VerificationMethod:
    """Verify one proof over ``unsecured`` (the document without the proofs it does not
    chain to). Returns the verification method that signed.

    :param expected_controller: if given, the key's controller must be this identifier
        (for a credential: the issuer).
    :raises UnsupportedSuiteError: unknown suite.
    :raises SignatureError: the signature does not verify over the document.
    :raises ControllerMismatchError: it verifies, with a key of another controller than
        ``expected_controller``.
    :raises InvalidProofError: the proof is malformed, or (once its signature verified) is
        for another purpose, challenge or domain, or outside its validity.
    :raises NoUsableKeyError: the proof names no key of the type the suite needs.
    :raises ResolutionError: the verification method cannot be dereferenced or is not
        authorised.
    """
    # The signature first: a forged or altered proof is a SignatureError, never "expired" or
    # "for another purpose"; what the proof claims is judged only once it is authentic.
    suite = _proof_suite(proof, registry)
    # (hasattr first: an isinstance check against a runtime Protocol inspects the class's
    # attributes each time, and most suites are plain one-signature suites)
    if hasattr(suite, "verify_signature") and isinstance(suite, SignatureChecking):
        method = suite.verify_signature(
            unsecured, proof, resolver=resolver, purpose=purpose, loader=loader
        )
    else:
        method = _verify_signature(unsecured, proof, suite, resolver, purpose, loader)
    if expected_controller is not None and method.controller != expected_controller:
        raise ControllerMismatchError(
            f"the proof was made with a key of {method.controller!r}, not of the issuer "
            f"{expected_controller!r}"
        )
    _check_purpose(proof, purpose, challenge, domain)
    _check_times(proof, now or datetime.now(UTC), clock_skew)
    return method


def _verify_signature(
    unsecured: JSONObject,
    proof: JSONObject,
    suite: Cryptosuite,
    resolver: DIDResolver,
    purpose: str,
    loader: DocumentLoader,
) -> VerificationMethod:
    """One Ed25519 signature over the suite's hash of the document and proof options."""
    signature = _signature(proof)
    method = _signing_method(proof, resolver, purpose)
    document, config = _signed_inputs(unsecured, proof, suite)
    transformed = suite.transform(document, loader=loader)
    canonical_config = suite.configure(config, loader=loader)
    method.key.verify(signature, suite.hash(transformed, canonical_config))
    return method


def _proof_suite(proof: JSONObject, registry: SuiteRegistry) -> Cryptosuite:
    """The suite a proof names by its ``type`` and ``cryptosuite``."""
    proof_type = proof.get("type")
    if not isinstance(proof_type, str):
        raise InvalidProofError("proof has no type")
    cryptosuite = proof.get("cryptosuite")
    if cryptosuite is not None and not isinstance(cryptosuite, str):
        raise InvalidProofError("proof cryptosuite must be a string")
    return registry.get(proof_type, cryptosuite)


def _check_purpose(
    proof: JSONObject, purpose: str, challenge: str | None, domain: str | None
) -> None:
    """The proof is for the expected purpose, challenge and domain."""
    if proof.get("proofPurpose") != purpose:
        raise InvalidProofError(
            f"proof purpose is {proof.get('proofPurpose')!r}, expected {purpose!r}"
        )
    if challenge is not None and proof.get("challenge") != challenge:
        raise InvalidProofError("proof challenge does not match the expected challenge")
    if domain is not None and domain not in as_list(proof.get("domain")):
        raise InvalidProofError("proof domain does not match the expected domain")


def _signature(proof: JSONObject) -> bytes:
    """The Ed25519 signature in the proof's multibase ``proofValue``."""
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise InvalidProofError("proofValue must be a base58btc multibase string ('z…')")
    try:
        signature = b58decode(proof_value[1:])
    except KeyFormatError:
        raise InvalidProofError("proofValue is not valid base58btc") from None
    if len(signature) != 64:
        raise InvalidProofError(f"an Ed25519 signature is 64 bytes, not {len(signature)}")
    return signature


def _signing_method(proof: JSONObject, resolver: DIDResolver, purpose: str) -> VerificationMethod:
    """The proof's verification method, dereferenced: an Ed25519 key authorised for
    ``purpose``."""
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str):
        raise NoUsableKeyError("the proof names no verificationMethod")
    method = resolver.verification_method(method_id, purpose=purpose)
    if not isinstance(method.key, Ed25519PublicKey):
        raise NoUsableKeyError(f"{method_id!r} is not an Ed25519 key, which this suite needs")
    return method


def _signed_inputs(
    unsecured: JSONObject, proof: JSONObject, suite: Cryptosuite
) -> tuple[JSONObject, JSONObject]:
    """The document and the proof configuration the signature covers (the configuration
    takes the document's ``@context``, or, for a suite whose proofs carry their own, the
    document takes the proof's)."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    document = unsecured
    if suite.proof_carries_context:
        if "@context" in config:
            # vc-di-eddsa §3.3.2 (eddsa-jcs-2022): the document's @context must start with
            # the proof's, in order; the document is then verified with the proof's.
            signed, shown = as_list(config["@context"]), as_list(unsecured.get("@context"))
            if shown[: len(signed)] != signed:
                raise SignatureError(
                    "the document's @context does not start with the proof's @context: the "
                    "contexts were changed after signing"
                )
            document = {**unsecured, "@context": config["@context"]}
    elif "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    else:
        config.pop("@context", None)
    return document, config


def verify_proofs(
    document: JSONObject,
    *,
    resolver: DIDResolver | None = None,
    registry: SuiteRegistry = DEFAULT_REGISTRY,
    loader: DocumentLoader = DEFAULT_LOADER,
    purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    expected_controller: str | None = None,
    now: datetime | None = None,
    clock_skew: timedelta = _CLOCK_SKEW,
) -> list[ProofResult]:
    """Check every proof of a secured document; never raises for a bad proof.

    :param clock_skew: tolerance for the proofs' ``created`` and ``expires`` times.
    :return: one :class:`ProofResult` per proof, in document order (empty if none).
    """
    resolver = resolver or Resolver()
    try:
        proofs = _proofs(document)
    except InvalidProofError as exc:
        return [ProofResult(0, "?", None, None, None, exc)]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    results: list[ProofResult] = []
    for index, proof in enumerate(proofs):
        vm = proof.get("verificationMethod")
        base = ProofResult(
            index,
            str(proof.get("type")),
            proof.get("cryptosuite"),
            vm if isinstance(vm, str) else None,
            None,
        )
        try:
            signed = unsecured
            if "previousProof" in proof:
                signed = _with_previous(unsecured, proofs, proof["previousProof"])
            method = verify_proof(
                signed,
                proof,
                resolver=resolver,
                registry=registry,
                loader=loader,
                purpose=purpose,
                challenge=challenge,
                domain=domain,
                expected_controller=expected_controller,
                now=now,
                clock_skew=clock_skew,
            )
        except (OpenMicrocredError, ResolutionError) as exc:
            results.append(ProofResult(**{**base.__dict__, "error": exc}))
        except (TypeError, ValueError, KeyError) as exc:
            error = InvalidProofError(f"malformed proof: {type(exc).__name__}: {exc}")
            results.append(ProofResult(**{**base.__dict__, "error": error}))
        else:
            results.append(ProofResult(**{**base.__dict__, "controller": method.controller}))
    return results
