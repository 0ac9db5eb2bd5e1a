"""Verifiable Credential parts and the Open Badges 3.0 credential classes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Discriminator, Field, StrictInt, Tag, model_validator

from ._base import IRI, DateTime, OBModel, Text, require_types
from .achievement import Achievement, AchievementSubject
from .common import Evidence, Image
from .profile import Profile

__all__ = [
    "OB_CONTEXT_PREFIX",
    "OB_CONTEXT_PREFIXES",
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "AchievementCredential",
    "BitstringStatusListEntry",
    "CredentialSchema",
    "CredentialStatus",
    "CredentialStatusEntry",
    "EndorsementCredential",
    "EndorsementSubject",
    "OpenBadgeCredential",
    "Proof",
    "RefreshService",
    "RevocationListEntry",
    "StatusList2021Entry",
    "TermsOfUse",
    "VerifiableCredential",
]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
OB_CONTEXT_PREFIXES = (
    OB_CONTEXT_PREFIX,
    # the drafts' contexts, which badges issued in 2022-2023 name (bundled in contexts/)
    "https://imsglobal.github.io/openbadges-specification/",
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
)
"""How the Open Badges 3.0 contexts a credential may name begin."""


class Proof(OBModel):
    """An embedded proof (Data Integrity or a legacy Linked Data signature suite)."""

    type: str
    cryptosuite: str | None = None
    created: DateTime | None = None
    expires: DateTime | None = None
    verification_method: str | None = Field(default=None, alias="verificationMethod")
    proof_purpose: str | None = Field(default=None, alias="proofPurpose")
    proof_value: str | None = Field(default=None, alias="proofValue")
    challenge: str | None = None
    domain: str | list[str] | None = None
    nonce: str | None = None
    id: str | None = None
    previous_proof: str | list[str] | None = Field(default=None, alias="previousProof")
    jws: str | None = None


class CredentialSchema(OBModel):
    """A schema the credential claims to conform to, e.g. the 1EdTech JSON schema."""

    id: IRI
    type: str


class CredentialStatus(OBModel):
    """A credential status entry of a type this library does not model specially."""

    id: IRI | None = None
    type: str


class BitstringStatusListEntry(CredentialStatus):
    """W3C Bitstring Status List v1.0 entry: a bit in a published, signed status list."""

    type: str = "BitstringStatusListEntry"
    status_purpose: str = Field(alias="statusPurpose")
    status_list_index: str | StrictInt = Field(alias="statusListIndex")
    status_list_credential: IRI = Field(alias="statusListCredential")
    status_size: StrictInt | None = Field(default=None, alias="statusSize")
    status_message: list[dict[str, Any]] | None = Field(default=None, alias="statusMessage")
    status_reference: IRI | list[IRI] | None = Field(default=None, alias="statusReference")


class StatusList2021Entry(CredentialStatus):
    """The older StatusList2021 entry (read only; superseded by Bitstring Status List)."""

    type: str = "StatusList2021Entry"
    status_purpose: str = Field(alias="statusPurpose")
    status_list_index: str | StrictInt = Field(alias="statusListIndex")
    status_list_credential: IRI = Field(alias="statusListCredential")


class RevocationListEntry(CredentialStatus):
    """1EdTech Revocation List (``1EdTechRevocationList``), deprecated by OB 3.0 doc 1.3."""

    id: IRI
    type: str = "1EdTechRevocationList"


def _status_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    if kind in ("BitstringStatusListEntry", "StatusList2021Entry", "1EdTechRevocationList"):
        return str(kind)
    return "other"


CredentialStatusEntry = Annotated[
    Annotated[BitstringStatusListEntry, Tag("BitstringStatusListEntry")]
    | Annotated[StatusList2021Entry, Tag("StatusList2021Entry")]
    | Annotated[RevocationListEntry, Tag("1EdTechRevocationList")]
    | Annotated[CredentialStatus, Tag("other")],
    Discriminator(_status_tag),
]
"""Any credential status entry, modelled by its ``type``."""


class RefreshService(OBModel):
    """Where a fresher copy of the credential can be obtained."""

    id: IRI
    type: str


class TermsOfUse(OBModel):
    """Terms of use attached to the credential."""

    id: IRI | None = None
    type: str


def _check_contexts(value: list[str | dict[str, Any]]) -> list[str | dict[str, Any]]:
    if not value:
        raise ValueError("@context must not be empty")
    if value[0] not in (VC_V2_CONTEXT, VC_V1_CONTEXT):
        raise ValueError(
            f"the first @context must be {VC_V2_CONTEXT!r} (or {VC_V1_CONTEXT!r} for a VC 1.1 "
            f"credential), not {value[0]!r}"
        )
    return value


VCContexts = Annotated[list[str | dict[str, Any]], AfterValidator(_check_contexts)]
"""A credential's ``@context``: VC 2.0 (or VC 1.1) first."""


class VerifiableCredential(OBModel):
    """Properties every W3C Verifiable Credential (VC 2.0, or VC 1.1 when reading) has."""

    context: VCContexts = Field(alias="@context")
    id: IRI | None = None
    type: list[str]
    issuer: Profile | IRI
    valid_from: DateTime | None = Field(default=None, alias="validFrom")
    valid_until: DateTime | None = Field(default=None, alias="validUntil")
    issuance_date: DateTime | None = Field(default=None, alias="issuanceDate")
    expiration_date: DateTime | None = Field(default=None, alias="expirationDate")
    name: Text | None = None
    description: Text | None = None
    proof: list[Proof] | None = None
    credential_schema: list[CredentialSchema] | None = Field(default=None, alias="credentialSchema")
    credential_status: list[CredentialStatusEntry] | None = Field(
        default=None, alias="credentialStatus"
    )
    refresh_service: list[RefreshService] | None = Field(default=None, alias="refreshService")
    terms_of_use: list[TermsOfUse] | None = Field(default=None, alias="termsOfUse")

    @model_validator(mode="after")
    def _check_dates(self) -> VerifiableCredential:
        if self.valid_from is None and self.issuance_date is None:
            raise ValueError("validFrom is required (issuanceDate for a VC 1.1 credential)")
        return self

    @property
    def issuer_id(self) -> str:
        """The issuer's identifier, whether ``issuer`` is a Profile or a bare IRI."""
        return self.issuer if isinstance(self.issuer, str) else self.issuer.id

    @property
    def is_vc_v1(self) -> bool:
        """Whether this is a VC Data Model 1.1 credential (read for older badges)."""
        return self.context[0] == VC_V1_CONTEXT

    @property
    def effective_valid_from(self) -> Any:
        """``validFrom``, or VC 1.1 ``issuanceDate``."""
        return self.valid_from if self.valid_from is not None else self.issuance_date

    @property
    def effective_valid_until(self) -> Any:
        """``validUntil``, or VC 1.1 ``expirationDate``."""
        return self.valid_until if self.valid_until is not None else self.expiration_date


def _check_ob_context(value: list[str | dict[str, Any]]) -> list[str | dict[str, Any]]:
    if not any(isinstance(c, str) and c.startswith(OB_CONTEXT_PREFIXES) for c in value):
        raise ValueError(f"@context must include an Open Badges 3.0 context ({OB_CONTEXT_PREFIX}…)")
    return value


OBContexts = Annotated[VCContexts, AfterValidator(_check_ob_context)]
"""The ``@context`` of an Open Badges 3.0 credential: VC first, and an OB 3.0 context."""


class EndorsementSubject(OBModel):
    """What an endorsement is about (a credential, achievement or profile) and the comment."""

    id: IRI
    type: Annotated[list[str], AfterValidator(require_types("EndorsementSubject"))] = Field(
        default_factory=lambda: ["EndorsementSubject"]
    )
    endorsement_comment: Text | None = Field(default=None, alias="endorsementComment")


class EndorsementCredential(VerifiableCredential):
    """A third party's signed endorsement of a credential, achievement or profile."""

    context: OBContexts = Field(alias="@context")
    id: IRI
    type: Annotated[
        list[str],
        AfterValidator(require_types("VerifiableCredential")),
        AfterValidator(require_types("EndorsementCredential")),
    ] = Field(default_factory=lambda: ["VerifiableCredential", "EndorsementCredential"])
    name: Text
    credential_subject: EndorsementSubject = Field(alias="credentialSubject")
    awarded_date: DateTime | None = Field(default=None, alias="awardedDate")


class AchievementCredential(VerifiableCredential):
    """An Open Badges 3.0 credential (``AchievementCredential``, alias ``OpenBadgeCredential``)."""

    context: OBContexts = Field(alias="@context")
    id: IRI
    type: Annotated[
        list[str],
        AfterValidator(require_types("VerifiableCredential")),
        AfterValidator(require_types("AchievementCredential", "OpenBadgeCredential")),
    ] = Field(default_factory=lambda: ["VerifiableCredential", "OpenBadgeCredential"])
    credential_subject: AchievementSubject = Field(alias="credentialSubject")
    image: Image | IRI | None = None
    awarded_date: DateTime | None = Field(default=None, alias="awardedDate")
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = Field(default=None, alias="endorsementJwt")
    evidence: list[Evidence] | None = None

    @property
    def achievement(self) -> Any:
        """Shortcut to ``credential_subject.achievement``."""
        return self.credential_subject.achievement


OpenBadgeCredential = AchievementCredential
"""OB 3.0 allows either type name; both parse to :class:`AchievementCredential`."""


# Resolve the forward references between profiles, achievements and endorsements (every
# model is defined by now): whichever module is imported first, the models are complete.
_namespace = {"EndorsementCredential": EndorsementCredential, "Profile": Profile}
for _model in (
    Profile,
    Achievement,
    AchievementSubject,
    EndorsementCredential,
    AchievementCredential,
):
    _model.model_rebuild(_types_namespace=_namespace)
    _model._refresh_field_tables()
