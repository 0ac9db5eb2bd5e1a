"""The cryptosuite interface and the registry that selects suites by name."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..errors import UnsupportedSuiteError
from ..types import DocumentLoader, JSONObject

if TYPE_CHECKING:
    from ..did.base import DIDResolver, VerificationMethod

__all__ = ["Cryptosuite", "SignatureChecking", "SuiteRegistry", "combined_hash"]


class Cryptosuite(Protocol):
    """A Data Integrity cryptosuite (or legacy Linked Data signature suite), as the spec's
    steps: transform the document, canonicalize the proof configuration, hash both."""

    proof_type: str
    """The proof ``type``: ``DataIntegrityProof`` or a legacy suite name."""

    cryptosuite: str | None
    """The ``cryptosuite`` value, or ``None`` for legacy proof types."""

    can_sign: bool
    """Whether this library issues proofs with the suite (some are verify-only)."""

    proof_carries_context: bool
    """Whether the proof holds its own ``@context`` that replaces the document's when
    verifying (eddsa-jcs-2022), instead of taking the document's ``@context``."""

    def transform(self, document: JSONObject, *, loader: DocumentLoader) -> str:
        """Canonicalize the unsecured document."""
        ...

    def configure(self, proof_config: JSONObject, *, loader: DocumentLoader) -> str:
        """Canonicalize the proof configuration (already carrying the document's context)."""
        ...

    def hash(self, transformed: str, canonical_config: str) -> bytes:
        """The bytes that are signed."""
        ...


@runtime_checkable
class SignatureChecking(Protocol):
    """A suite whose proofs are not one signature over one hash (ecdsa-sd-2023 signs each
    statement): it checks the signatures itself. The engine still judges the controller,
    purpose, challenge, domain and dates, after the signatures verified."""

    def verify_signature(
        self,
        unsecured: JSONObject,
        proof: JSONObject,
        *,
        resolver: DIDResolver,
        purpose: str,
        loader: DocumentLoader,
    ) -> VerificationMethod:
        """Dereference the proof's key and verify its signatures over ``unsecured``.

        :raises SignatureError: a signature does not verify.
        :raises NoUsableKeyError: the proof names no key of the type the suite needs.
        :raises InvalidProofError: the proof value is malformed.
        """
        ...


def combined_hash(transformed: str, canonical_config: str) -> bytes:
    """SHA-256(proof configuration) followed by SHA-256(document), as the EdDSA suites sign."""
    return (
        hashlib.sha256(canonical_config.encode("utf-8")).digest()
        + hashlib.sha256(transformed.encode("utf-8")).digest()
    )


class SuiteRegistry:
    """Suites by (proof type, cryptosuite). Every call that selects a suite takes one.

    :param suites: the suites to register.
    """

    def __init__(self, suites: Iterable[Cryptosuite] = ()) -> None:
        self._suites: dict[tuple[str, str | None], Cryptosuite] = {}
        self._lazy: dict[tuple[str, str | None], Callable[[], Cryptosuite]] = {}
        for suite in suites:
            self.register(suite)

    def register(self, suite: Cryptosuite) -> None:
        """Add (or replace) a suite."""
        self._lazy.pop((suite.proof_type, suite.cryptosuite), None)
        self._suites[(suite.proof_type, suite.cryptosuite)] = suite

    def register_lazy(
        self, proof_type: str, cryptosuite: str | None, load: Callable[[], Cryptosuite]
    ) -> None:
        """Add a suite that is made (its module imported) only when a proof asks for it."""
        self._suites.pop((proof_type, cryptosuite), None)
        self._lazy[(proof_type, cryptosuite)] = load

    def names(self) -> list[str]:
        """Registered suites as ``type`` or ``type/cryptosuite``."""
        return sorted(f"{t}/{c}" if c else t for t, c in {**self._suites, **self._lazy})

    def get(self, proof_type: str, cryptosuite: str | None) -> Cryptosuite:
        """The suite for a proof.

        :raises UnsupportedSuiteError: no such suite here.
        """
        suite = self._suites.get((proof_type, cryptosuite))
        load = self._lazy.get((proof_type, cryptosuite)) if suite is None else None
        if load is not None:
            suite = load()
            self.register(suite)
        if suite is None:
            label = f"{proof_type} / {cryptosuite}" if cryptosuite else proof_type
            raise UnsupportedSuiteError(
                f"unsupported proof suite {label!r} (supported: {', '.join(self.names())})"
            )
        return suite
