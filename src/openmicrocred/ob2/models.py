"""Typed, lossless models of Open Badges 2.0 documents (https://www.imsglobal.org/spec/ob/v2p0/).

Every class keeps the properties it does not name (extensions, JSON-LD terms), so
``parse_assertion(doc).dump() == doc``. Dates stay as the strings they were written as.
This module sits on layer 1 (pydantic, ``errors`` and ``_json`` only), so the OB 3.0 parser
below it can read OB 2.0 too.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._json import as_list, json_path
from ..errors import CredentialError, ErrorDetail
from .detect import OB2_CONTEXT, OB2_CONTEXTS, hosted_reference, is_ob2

__all__ = [
    "OB2_CONTEXT",
    "Ob2Assertion",
    "Ob2BadgeClass",
    "Ob2CryptographicKey",
    "Ob2IdentityObject",
    "Ob2Model",
    "Ob2Profile",
    "Ob2RevocationList",
    "Ob2Verification",
    "hosted_reference",
    "is_ob2",
    "parse_assertion",
    "verification_kind",
]

_OB2_CONTEXTS = OB2_CONTEXTS
_HOSTED = frozenset({"hosted", "HostedBadge", "https://w3id.org/openbadges#HostedBadge"})
_SIGNED = frozenset({"signed", "SignedBadge", "https://w3id.org/openbadges#SignedBadge"})


class Ob2Model(BaseModel):
    """Base: unknown properties kept, dumped back by their JSON names."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)

    def dump(self) -> dict[str, Any]:
        """The JSON object this model was read from (or describes)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class Ob2IdentityObject(Ob2Model):
    """The recipient: ``identity`` plain or an IdentityHash (``sha256$...``/``md5$...``)."""

    identity: str
    type: str
    hashed: bool
    salt: str | None = None


class Ob2Verification(Ob2Model):
    """A VerificationObject: ``hosted``/``signed`` in an Assertion, a policy in a Profile."""

    type: str | list[str] | None = None
    creator: str | None = None
    verification_property: str | None = Field(default=None, alias="verificationProperty")
    starts_with: str | list[str] | None = Field(default=None, alias="startsWith")
    allowed_origins: str | list[str] | None = Field(default=None, alias="allowedOrigins")


class Ob2Profile(Ob2Model):
    """An issuer Profile."""

    id: str
    type: str | list[str] = "Profile"
    name: str | None = None
    url: str | None = None
    email: str | None = None
    public_key: str | list[str] | None = Field(default=None, alias="publicKey")
    revocation_list: str | None = Field(default=None, alias="revocationList")
    verification: Ob2Verification | None = None


class Ob2BadgeClass(Ob2Model):
    """A BadgeClass: the achievement."""

    id: str
    type: str | list[str] = "BadgeClass"
    name: str
    description: str | None = None
    image: str | dict[str, Any] | None = None
    criteria: str | dict[str, Any] | None = None
    issuer: str | Ob2Profile
    alignment: list[dict[str, Any]] | dict[str, Any] | None = None
    tags: list[str] | None = None


class Ob2CryptographicKey(Ob2Model):
    """A CryptographicKey: the issuer's public key, with ``owner`` naming the issuer."""

    id: str
    type: str | list[str] = "CryptographicKey"
    owner: str | None = None
    public_key_pem: str = Field(alias="publicKeyPem")


class Ob2RevocationList(Ob2Model):
    """An issuer's RevocationList."""

    id: str | None = None
    type: str | list[str] = "RevocationList"
    issuer: str | None = None
    revoked_assertions: list[str | dict[str, Any]] = Field(
        default_factory=list, alias="revokedAssertions"
    )


class Ob2Assertion(Ob2Model):
    """An Assertion: one badge awarded to one recipient."""

    context: str | list[Any] | dict[str, Any] | None = Field(default=None, alias="@context")
    id: str
    type: str | list[str] = "Assertion"
    recipient: Ob2IdentityObject
    badge: str | Ob2BadgeClass
    verification: Ob2Verification
    issued_on: str = Field(alias="issuedOn")
    expires: str | None = None
    image: str | dict[str, Any] | None = None
    evidence: str | dict[str, Any] | list[Any] | None = None
    narrative: str | None = None
    revoked: bool | None = None
    revocation_reason: str | None = Field(default=None, alias="revocationReason")


def verification_kind(document: Ob2Assertion | dict[str, Any]) -> str | None:
    """``"hosted"``, ``"signed"`` or ``None`` (a type this library does not know)."""
    if isinstance(document, Ob2Assertion):
        kinds = set(as_list(document.verification.type))
    else:
        raw = document.get("verification") or document.get("verify")
        kinds = set(as_list(raw.get("type"))) if isinstance(raw, dict) else set()
    if kinds & _HOSTED:
        return "hosted"
    if kinds & _SIGNED:
        return "signed"
    return None


def _details(exc: ValidationError) -> list[ErrorDetail]:
    out = []
    for err in exc.errors(include_url=False):
        parts = [p for p in err["loc"] if isinstance(p, int | str)]
        message = "required property is missing" if err["type"] == "missing" else err["msg"]
        out.append(ErrorDetail(json_path(parts), message))
    return out


def parse_assertion(data: dict[str, Any] | str | bytes) -> Ob2Assertion:
    """Parse an OB 2.0 Assertion (JSON object or text); ``.dump()`` gives back the same JSON.

    :raises CredentialError: not JSON, not an OB 2.0 Assertion, or missing or mistyped
        properties (each with its JSON path).
    """
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CredentialError(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or not is_ob2(data):
        raise CredentialError(
            "not an Open Badges 2.0 Assertion",
            [ErrorDetail("$", f"needs @context {OB2_CONTEXT} or type Assertion")],
        )
    try:
        return Ob2Assertion.model_validate(data)
    except ValidationError as exc:
        raise CredentialError("invalid Open Badges 2.0 Assertion", _details(exc)) from None
