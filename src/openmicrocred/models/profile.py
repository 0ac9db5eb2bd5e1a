"""``Profile``: an issuer, creator, endorser, assessor (``source``) or parent organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field

from ._base import IRI, OBModel, Text, require_types
from .common import Address, IdentifierEntry, Image

if TYPE_CHECKING:
    from .credential import EndorsementCredential

__all__ = ["Profile"]


class Profile(OBModel):
    """A person or organisation (OB 3.0 ``Profile``). Only ``id`` and ``type`` are required."""

    id: IRI
    type: Annotated[list[str], AfterValidator(require_types("Profile"))] = Field(
        default_factory=lambda: ["Profile"]
    )
    name: Text | None = None
    url: IRI | None = None
    phone: str | None = None
    description: Text | None = None
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = Field(default=None, alias="endorsementJwt")
    image: Image | IRI | None = None
    email: str | None = None
    address: Address | None = None
    other_identifier: list[IdentifierEntry] | None = Field(default=None, alias="otherIdentifier")
    official: Text | None = None
    parent_org: Profile | None = Field(default=None, alias="parentOrg")
    family_name: Text | None = Field(default=None, alias="familyName")
    given_name: Text | None = Field(default=None, alias="givenName")
    additional_name: Text | None = Field(default=None, alias="additionalName")
    patronymic_name: Text | None = Field(default=None, alias="patronymicName")
    honorific_prefix: Text | None = Field(default=None, alias="honorificPrefix")
    honorific_suffix: Text | None = Field(default=None, alias="honorificSuffix")
    family_name_prefix: Text | None = Field(default=None, alias="familyNamePrefix")
    date_of_birth: str | None = Field(default=None, alias="dateOfBirth")
