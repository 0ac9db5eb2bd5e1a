"""Small Open Badges 3.0 classes shared by achievements, profiles and credentials."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from pydantic import AfterValidator, Field

from ._base import IRI, Number, OBModel, Text, enum_or_ext, require_types, single_type
from .vocab import ALIGNMENT_TARGET_TYPES, IDENTIFIER_TYPES

__all__ = [
    "Address",
    "Alignment",
    "Criteria",
    "Evidence",
    "GeoCoordinates",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "Related",
    "hash_identifier",
]


def _types(name: str, *alternatives: str) -> object:
    return AfterValidator(require_types(name, *alternatives))


def _single_type(name: str) -> object:
    return AfterValidator(single_type(name))


class Image(OBModel):
    """An image: a URL or a ``data:`` URI, with an optional caption (OB 3.0 ``Image``)."""

    id: IRI
    type: Annotated[str, _single_type("Image")] = "Image"
    caption: Text | None = None


class Criteria(OBModel):
    """What a learner must do to earn an achievement: a page URL and/or a markdown narrative."""

    id: IRI | None = None
    narrative: Text | None = None


class Alignment(OBModel):
    """A link from an achievement, result or level to a competency framework item."""

    type: Annotated[list[str], _types("Alignment")] = Field(default_factory=lambda: ["Alignment"])
    target_name: Text = Field(alias="targetName")
    target_url: IRI = Field(alias="targetUrl")
    target_code: str | None = Field(default=None, alias="targetCode")
    target_description: Text | None = Field(default=None, alias="targetDescription")
    target_framework: Text | None = Field(default=None, alias="targetFramework")
    target_type: (
        Annotated[str, AfterValidator(enum_or_ext("AlignmentTargetType", ALIGNMENT_TARGET_TYPES))]
        | None
    ) = Field(default=None, alias="targetType")


class IdentifierEntry(OBModel):
    """Another identifier of a profile or achievement (``IdentifierEntry``)."""

    type: Annotated[str, _single_type("IdentifierEntry")] = "IdentifierEntry"
    identifier: str
    identifier_type: Annotated[
        str, AfterValidator(enum_or_ext("IdentifierTypeEnum", IDENTIFIER_TYPES))
    ] = Field(alias="identifierType")


class Related(OBModel):
    """The same achievement in another language or version."""

    id: IRI
    type: Annotated[list[str], _types("Related")] = Field(default_factory=lambda: ["Related"])
    in_language: str | None = Field(default=None, alias="inLanguage")
    version: str | None = None


class Evidence(OBModel):
    """Something the learner produced or did that supports the award."""

    id: IRI | None = None
    type: Annotated[list[str], _types("Evidence")] = Field(default_factory=lambda: ["Evidence"])
    narrative: Text | None = None
    name: Text | None = None
    description: Text | None = None
    genre: Text | None = None
    audience: Text | None = None


class GeoCoordinates(OBModel):
    """A latitude/longitude pair."""

    type: Annotated[str, _single_type("GeoCoordinates")] = "GeoCoordinates"
    latitude: Number
    longitude: Number


class Address(OBModel):
    """A postal address."""

    type: Annotated[list[str], _types("Address")] = Field(default_factory=lambda: ["Address"])
    address_country: Text | None = Field(default=None, alias="addressCountry")
    address_country_code: str | None = Field(default=None, alias="addressCountryCode")
    address_region: Text | None = Field(default=None, alias="addressRegion")
    address_locality: Text | None = Field(default=None, alias="addressLocality")
    street_address: Text | None = Field(default=None, alias="streetAddress")
    post_office_box_number: str | None = Field(default=None, alias="postOfficeBoxNumber")
    postal_code: str | None = Field(default=None, alias="postalCode")
    geo: GeoCoordinates | None = None


def hash_identifier(identifier: str, salt: str = "", *, algorithm: str = "sha256") -> str:
    """Return an OB 3.0 ``IdentityHash``: ``"sha256$" + hex(sha256(identifier + salt))``.

    :param identifier: the plaintext identifier (for an email, as the learner gave it).
    :param salt: the salt stored beside the hash.
    :param algorithm: ``"sha256"`` (default) or ``"md5"`` (reading old badges only).
    """
    if algorithm not in ("sha256", "md5"):
        raise ValueError(f"algorithm must be 'sha256' or 'md5', not {algorithm!r}")
    data = identifier.encode("utf-8") + salt.encode("utf-8")
    digest = hashlib.new(algorithm, data, usedforsecurity=algorithm == "sha256").hexdigest()
    return f"{algorithm}${digest}"


class IdentityObject(OBModel):
    """A recipient identifier, plain or salted-hashed (``IdentityObject``).

    Build a hashed email identifier with :meth:`hashed_email` and check a known value against
    any identifier with :meth:`matches`.
    """

    type: Annotated[str, _single_type("IdentityObject")] = "IdentityObject"
    hashed: bool
    identity_hash: str = Field(alias="identityHash")
    identity_type: Annotated[
        str, AfterValidator(enum_or_ext("IdentifierTypeEnum", IDENTIFIER_TYPES))
    ] = Field(alias="identityType")
    salt: str | None = None

    @classmethod
    def hashed_email(cls, email: str, *, salt: str | None = None) -> IdentityObject:
        """Make a salted SHA-256 ``emailAddress`` identifier.

        :param email: the learner's email address, used exactly as given.
        :param salt: the salt; by default 16 random bytes, hex-encoded.
        """
        salt = secrets.token_hex(16) if salt is None else salt
        return cls(
            hashed=True,
            identity_hash=hash_identifier(email, salt),
            identity_type="emailAddress",
            salt=salt,
        )

    @classmethod
    def plain(cls, value: str, *, identity_type: str = "emailAddress") -> IdentityObject:
        """Make an unhashed identifier."""
        return cls(hashed=False, identity_hash=value, identity_type=identity_type)

    def matches(self, value: str, *, identity_type: str | None = None) -> bool:
        """Check a plaintext identifier against this one (OB 3.0 verification step 5).

        :param value: the identifier the verifier knows (e.g. the applicant's email).
        :param identity_type: if given, an identifier of another ``identityType`` never
            matches.
        :return: whether ``value`` is the identifier this object holds.
        """
        if identity_type is not None and identity_type != self.identity_type:
            return False
        if not self.hashed:
            return hmac.compare_digest(self.identity_hash.encode(), value.encode())
        algorithm, sep, expected = self.identity_hash.partition("$")
        if not sep or algorithm.lower() not in ("sha256", "md5"):
            return False
        actual = hash_identifier(value, self.salt or "", algorithm=algorithm.lower())
        return hmac.compare_digest(actual.partition("$")[2], expected.lower())
