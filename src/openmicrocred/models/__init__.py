"""Typed, lossless pydantic models of Open Badges 3.0 and CLR 2.0.

``parse_credential(json) -> model`` and ``model.dump() -> json`` round-trip exactly: the same
keys in the same order, the same values, ``@context`` and ``type`` order, and singleton vs
array form, with extension properties kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._loaded import (
        IRI,
        Achievement,
        AchievementCredential,
        AchievementSubject,
        Address,
        Alignment,
        BitstringStatusListEntry,
        CredentialSchema,
        CredentialStatus,
        CredentialStatusEntry,
        Criteria,
        DateTime,
        EndorsementCredential,
        EndorsementSubject,
        Evidence,
        GeoCoordinates,
        IdentifierEntry,
        IdentityObject,
        Image,
        LanguageMap,
        Number,
        OBModel,
        OpenBadgeCredential,
        Profile,
        Proof,
        RefreshService,
        Related,
        Result,
        ResultDescription,
        RevocationListEntry,
        RubricCriterionLevel,
        TermsOfUse,
        Text,
        VerifiableCredential,
        hash_identifier,
        parse_credential,
    )
    from ._loaded import (
        StatusList2021Entry as StatusList2021Entry,
    )
    from .clr import Association, ClrCredential, ClrSubject
    from .parse import AnyCredential


_CLR = {"Association", "ClrCredential", "ClrSubject"}


def __getattr__(name: str) -> Any:
    # Loaded on first use (see _loaded.py): importing a pure submodule stays cheap. The CLR
    # 2.0 models are built later still: most work (a badge) never needs them, and building
    # them (they embed every Open Badges model) costs a new process about 40 ms.
    if name in _CLR:
        from . import clr

        return getattr(clr, name)
    if name == "AnyCredential":
        from . import parse

        return parse.AnyCredential
    if name in _CORE:
        from . import _loaded

        value = getattr(_loaded, name)
        globals()[name] = value
        return value
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

_CORE = frozenset(__all__) - _CLR - {"AnyCredential"}
