"""Typed, lossless pydantic models of Open Badges 3.0 and CLR 2.0.

``parse_credential(json) -> model`` and ``model.dump() -> json`` round-trip exactly: the same
keys in the same order, the same values, ``@context`` and ``type`` order, and singleton vs
array form, with extension properties kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from .clr import Association, ClrCredential, ClrSubject
    from .parse import AnyCredential

# Resolve the forward references between profiles, achievements and endorsements.
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

_CLR = {"Association", "ClrCredential", "ClrSubject"}


def __getattr__(name: str) -> Any:
    # The CLR 2.0 models are built on first use: most work (a badge) never needs them, and
    # building them (they embed every Open Badges model) costs a new process about 40 ms.
    if name in _CLR:
        from . import clr

        return getattr(clr, name)
    if name == "AnyCredential":
        from . import parse

        return parse.AnyCredential
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "IRI",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Address",
    "Alignment",
    "AnyCredential",
    "Association",
    "BitstringStatusListEntry",
    "ClrCredential",
    "ClrSubject",
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
