"""openmicrocred: issue, sign, verify and revoke Open Badges 3.0 micro-credentials.

The facade holds the names most programs need (the recipes); everything else lives in its
package: ``openmicrocred.models``, ``.microcredential``, ``.issuance``, ``.verification``,
``.status``, ``.share``, ``.bake``, ``.documents``, ``.jsonld``, ``.canon``, ``.rdf``,
``.keys``, ``.did``, ``.suites``, ``.fetch``, ``.schema``, ``.errors`` (see
docs/architecture.md). Names are imported on first use, so that ``import openmicrocred``
(and the command line's ``--help``) stays fast.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

_EXPORTS: dict[str, str] = {
    # verifying
    "verify": "verification",
    "verify_presentation": "verification",
    "Verifier": "verification",
    "VerificationReport": "verification",
    "Verdict": "verification",
    "CheckStatus": "verification",
    "Fetcher": "fetch",
    "FetchPolicy": "fetch",
    "StaticLoader": "documents",
    # issuing
    "issue": "issuance",
    "SecuringFormat": "issuance",
    "add_proof": "suites",
    "verify_proofs": "suites",
    "Ed25519Key": "keys",
    "RSAKey": "keys",
    # the data model
    "parse_credential": "models",
    "Achievement": "models",
    "AchievementCredential": "models",
    "AchievementSubject": "models",
    "ClrCredential": "models",
    "EndorsementCredential": "models",
    "IdentityObject": "models",
    "Profile": "models",
    # errors
    "OpenMicrocredError": "errors",
}
"""Every name of the facade and the package it comes from."""

__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'openmicrocred' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    if _may_rename(value):
        # Shown where it is used, as httpx does. Pydantic models and dataclasses keep their
        # own module: their annotations are resolved in it.
        with contextlib.suppress(AttributeError, TypeError):
            value.__module__ = __name__
    globals()[name] = value
    return value


def _may_rename(value: Any) -> bool:
    if not isinstance(value, type):
        return callable(value)
    return not (hasattr(value, "model_fields") or dataclasses.is_dataclass(value))


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from .documents import (
        StaticLoader as StaticLoader,
    )
    from .errors import (
        OpenMicrocredError as OpenMicrocredError,
    )
    from .fetch import (
        Fetcher as Fetcher,
    )
    from .fetch import (
        FetchPolicy as FetchPolicy,
    )
    from .issuance import (
        SecuringFormat as SecuringFormat,
    )
    from .issuance import (
        issue as issue,
    )
    from .keys import (
        Ed25519Key as Ed25519Key,
    )
    from .keys import (
        RSAKey as RSAKey,
    )
    from .models import (
        Achievement as Achievement,
    )
    from .models import (
        AchievementCredential as AchievementCredential,
    )
    from .models import (
        AchievementSubject as AchievementSubject,
    )
    from .models import (
        ClrCredential as ClrCredential,
    )
    from .models import (
        EndorsementCredential as EndorsementCredential,
    )
    from .models import (
        IdentityObject as IdentityObject,
    )
    from .models import (
        Profile as Profile,
    )
    from .models import (
        parse_credential as parse_credential,
    )
    from .suites import (
        add_proof as add_proof,
    )
    from .suites import (
        verify_proofs as verify_proofs,
    )
    from .verification import (
        CheckStatus as CheckStatus,
    )
    from .verification import (
        Verdict as Verdict,
    )
    from .verification import (
        VerificationReport as VerificationReport,
    )
    from .verification import (
        Verifier as Verifier,
    )
    from .verification import (
        verify as verify,
    )
    from .verification import (
        verify_presentation as verify_presentation,
    )
