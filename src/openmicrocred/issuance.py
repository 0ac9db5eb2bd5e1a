"""Issuing: the one place that secures a credential, as Data Integrity or as VC-JWT.

Everything that signs a credential (the micro-credential award, CLR stacking, status list
publication, the command line, batch issuing) calls :func:`issue`, so the choice of securing
mechanism and its rules (which keys fit which format) are made here once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal, cast, overload

from .documents import DEFAULT_LOADER
from .keys import Ed25519SigningKey, SigningKey, is_ed25519_signer
from .suites import DEFAULT_REGISTRY, SuiteRegistry, add_proof
from .suites.vc_jwt import sign_jwt
from .types import DocumentLoader, JSONObject
from .vcdm import check_credential

__all__ = ["SecuringFormat", "issue"]


class SecuringFormat(StrEnum):
    """How a credential is secured."""

    DATA_INTEGRITY = "di"
    """An embedded Data Integrity proof (JSON with ``proof``); Ed25519 keys."""
    VC_JWT = "jwt"
    """A VC-JWT (compact JWS); Ed25519 (EdDSA), RSA (RS256) or P-256 (ES256) keys."""


DataIntegrity = Literal[SecuringFormat.DATA_INTEGRITY, "di"]
VcJwt = Literal[SecuringFormat.VC_JWT, "jwt"]


@overload
def issue(
    credential: JSONObject,
    key: SigningKey,
    *,
    format: DataIntegrity = ...,
    verification_method: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    registry: SuiteRegistry = DEFAULT_REGISTRY,
    loader: DocumentLoader = DEFAULT_LOADER,
) -> JSONObject: ...


@overload
def issue(
    credential: JSONObject,
    key: SigningKey,
    *,
    format: VcJwt,
    verification_method: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    registry: SuiteRegistry = DEFAULT_REGISTRY,
    loader: DocumentLoader = DEFAULT_LOADER,
) -> str: ...


@overload
def issue(
    credential: JSONObject,
    key: SigningKey,
    *,
    format: SecuringFormat | str,
    verification_method: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    registry: SuiteRegistry = DEFAULT_REGISTRY,
    loader: DocumentLoader = DEFAULT_LOADER,
) -> JSONObject | str: ...


def issue(
    credential: JSONObject,
    key: SigningKey,
    *,
    format: SecuringFormat | str = SecuringFormat.DATA_INTEGRITY,
    verification_method: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    registry: SuiteRegistry = DEFAULT_REGISTRY,
    loader: DocumentLoader = DEFAULT_LOADER,
) -> JSONObject | str:
    """Secure ``credential`` (left unchanged) and return the secured form.

    :param key: the issuer's signer (:class:`~openmicrocred.keys.SigningKey`: a key in
        memory, in an HSM or a KMS). Data Integrity needs an Ed25519 one (such as
        :class:`~openmicrocred.keys.Ed25519Key`); VC-JWT also takes RSA and P-256 keys.
    :param format: :attr:`SecuringFormat.DATA_INTEGRITY` (default; returns the credential
        with its proof) or :attr:`SecuringFormat.VC_JWT` (returns the compact JWS).
    :param verification_method: the key's verification method id, written as the proof's
        ``verificationMethod`` or the JWS ``kid`` (default: the key's did:key method).
    :param cryptosuite: the Data Integrity cryptosuite (``eddsa-rdfc-2022`` or
        ``eddsa-jcs-2022``).
    :param created: the proof's ``created`` time (Data Integrity; default now).
    :raises CredentialError: ``credential`` breaks a VC Data Model rule (each listed with
        its JSON path; see :mod:`openmicrocred.vcdm`).
    :raises TypeError: a Data Integrity proof asked of a key that is not Ed25519.
    :raises ValueError: an unknown format, or no verification method for a non-Ed25519 key.
    """
    chosen = SecuringFormat(format)
    check_credential(credential)
    if chosen is SecuringFormat.VC_JWT:
        return sign_jwt(credential, key, kid=verification_method)
    if not is_ed25519_signer(key):
        raise TypeError(
            "Data Integrity proofs are signed with an Ed25519 key; use the VC-JWT format "
            "for an RSA or P-256 key"
        )
    return add_proof(
        credential,
        cast(Ed25519SigningKey, key),
        verification_method=verification_method,
        cryptosuite=cryptosuite,
        created=created,
        registry=registry,
        loader=loader,
    )
