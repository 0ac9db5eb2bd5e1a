"""The Open Badges 3.0 models. :mod:`openmicrocred.models` loads this on first use, so
importing one pure submodule (``models.vocab``) does not import pydantic."""

from __future__ import annotations

from ._base import (
    IRI,
    DateTime,
    LanguageMap,
    Number,
    OBModel,
    Text,
)
from .achievement import (
    Achievement,
    AchievementSubject,
    Result,
    ResultDescription,
    RubricCriterionLevel,
)
from .common import (
    Address,
    Alignment,
    Criteria,
    Evidence,
    GeoCoordinates,
    IdentifierEntry,
    IdentityObject,
    Image,
    Related,
    hash_identifier,
)
from .credential import (
    AchievementCredential,
    BitstringStatusListEntry,
    CredentialSchema,
    CredentialStatus,
    CredentialStatusEntry,
    EndorsementCredential,
    EndorsementSubject,
    OpenBadgeCredential,
    Proof,
    RefreshService,
    RevocationListEntry,
    StatusList2021Entry,
    TermsOfUse,
    VerifiableCredential,
)
from .parse import parse_credential
from .profile import Profile

__all__ = [
    "IRI",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Address",
    "Alignment",
    "BitstringStatusListEntry",
    "CredentialSchema",
    "CredentialStatus",
    "CredentialStatusEntry",
    "Criteria",
    "DateTime",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "GeoCoordinates",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "LanguageMap",
    "Number",
    "OBModel",
    "OpenBadgeCredential",
    "Profile",
    "Proof",
    "RefreshService",
    "Related",
    "Result",
    "ResultDescription",
    "RevocationListEntry",
    "RubricCriterionLevel",
    "StatusList2021Entry",
    "TermsOfUse",
    "Text",
    "VerifiableCredential",
    "hash_identifier",
    "parse_credential",
]
