"""openmicrocred: issue, sign, verify and revoke Open Badges 3.0 micro-credentials.

The facade re-exports the names most programs need; the rest lives in the submodules
(``openmicrocred.models``, ``.documents``, ``.jsonld``, ``.schema``, ``.errors``).
"""

from __future__ import annotations

from .documents import DEFAULT_LOADER, StaticLoader
from .errors import CredentialError, OpenMicrocredError, SafeModeError, SchemaValidationError
from .models import (
    Achievement,
    AchievementCredential,
    AchievementSubject,
    ClrCredential,
    EndorsementCredential,
    IdentityObject,
    Profile,
    parse_credential,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_LOADER",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "ClrCredential",
    "CredentialError",
    "EndorsementCredential",
    "IdentityObject",
    "OpenMicrocredError",
    "Profile",
    "SafeModeError",
    "SchemaValidationError",
    "StaticLoader",
    "__version__",
    "parse_credential",
]
