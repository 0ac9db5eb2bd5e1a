"""CLR 2.0: a learner's bundled (stacked) credentials, each still independently signed."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from ._base import IRI, DateTime, OBModel, Text, require_types, single_type
from .achievement import Achievement
from .common import Evidence, IdentityObject, Image
from .credential import (
    AchievementCredential,
    EndorsementCredential,
    VCContexts,
    VerifiableCredential,
)
from .profile import Profile
from .vocab import ASSOCIATION_TYPES

__all__ = ["CLR_CONTEXT_PREFIX", "Association", "ClrCredential", "ClrSubject"]

CLR_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/clr/v2p0/context"


def _association_type(value: str) -> str:
    if value not in ASSOCIATION_TYPES:
        raise ValueError(
            f"{value!r} is not an AssociationType (one of {sorted(ASSOCIATION_TYPES)})"
        )
    return value


class Association(OBModel):
    """A relation between two achievements, e.g. a course ``isPartOf`` a certificate."""

    type: Annotated[str, AfterValidator(single_type("Association"))] = "Association"
    association_type: Annotated[str, AfterValidator(_association_type)] = Field(
        alias="associationType"
    )
    source_id: IRI = Field(alias="sourceId")
    target_id: IRI = Field(alias="targetId")


class ClrSubject(OBModel):
    """The learner of a CLR and the credentials bundled for them."""

    id: IRI | None = None
    type: Annotated[list[str], AfterValidator(require_types("ClrSubject"))] = Field(
        default_factory=lambda: ["ClrSubject"]
    )
    identifier: list[IdentityObject] | None = None
    achievement: list[Achievement] | None = None
    verifiable_credential: Annotated[list[AchievementCredential], Field(min_length=1)] = Field(
        alias="verifiableCredential"
    )
    association: list[Association] | None = None


def _check_clr_context(value: list[str | dict[str, Any]]) -> list[str | dict[str, Any]]:
    if not any(isinstance(c, str) and c.startswith(CLR_CONTEXT_PREFIX) for c in value):
        raise ValueError(f"@context must include a CLR 2.0 context ({CLR_CONTEXT_PREFIX}…)")
    return value


class ClrCredential(VerifiableCredential):
    """A CLR 2.0 ``ClrCredential``."""

    context: Annotated[VCContexts, AfterValidator(_check_clr_context)] = Field(alias="@context")
    id: IRI
    type: Annotated[list[str], AfterValidator(require_types("ClrCredential"))] = Field(
        default_factory=lambda: ["VerifiableCredential", "ClrCredential"]
    )
    name: Text
    credential_subject: ClrSubject = Field(alias="credentialSubject")
    partial: bool | None = None
    image: Image | IRI | None = None
    awarded_date: DateTime | None = Field(default=None, alias="awardedDate")
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = Field(default=None, alias="endorsementJwt")
    evidence: list[Evidence] | None = None


# Every model these refer to is complete by now (models/credential.py links them when it is
# imported); rebuilding makes sure the CLR models are, and refreshes their field tables.
for _model in (ClrSubject, ClrCredential):
    _model.model_rebuild(
        _types_namespace={"EndorsementCredential": EndorsementCredential, "Profile": Profile}
    )
    _model._refresh_field_tables()
