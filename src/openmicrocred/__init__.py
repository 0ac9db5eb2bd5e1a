"""openmicrocred: issue, sign, verify and revoke Open Badges 3.0 micro-credentials.

The facade re-exports the names most programs need; the rest lives in the submodules
(``openmicrocred.models``, ``.microcredential``, ``.status``, ``.share``, ``.stack``,
``.bake``, ``.documents``, ``.jsonld``, ``.canon``, ``.keys``, ``.did``, ``.suites``,
``.fetch``, ``.schema``, ``.errors``). Names are imported on first use, so that
``import openmicrocred`` (and the command line's ``--help``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "DEFAULT_LOADER": "documents",
    "Achievement": "models",
    "AchievementCredential": "models",
    "AchievementSubject": "models",
    "CheckStatus": "report",
    "ClrCredential": "models",
    "CredentialError": "errors",
    "Ed25519Key": "keys",
    "EndorsementCredential": "models",
    "FetchPolicy": "fetch",
    "Fetcher": "fetch",
    "IdentityObject": "models",
    "InvalidProofError": "errors",
    "OpenMicrocredError": "errors",
    "Profile": "models",
    "RSAKey": "keys",
    "Resolver": "did",
    "SafeModeError": "errors",
    "SchemaValidationError": "errors",
    "StaticLoader": "documents",
    "Verdict": "report",
    "VerificationReport": "report",
    "Verifier": "verifier",
    "add_proof": "suites",
    "parse_credential": "models",
    "sign_jwt": "suites.vc_jwt",
    "verify": "verifier",
    "verify_jwt": "suites.vc_jwt",
    "verify_proofs": "suites",
}

__all__ = [
    "DEFAULT_LOADER",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "CheckStatus",
    "ClrCredential",
    "CredentialError",
    "Ed25519Key",
    "EndorsementCredential",
    "FetchPolicy",
    "Fetcher",
    "IdentityObject",
    "InvalidProofError",
    "OpenMicrocredError",
    "Profile",
    "RSAKey",
    "Resolver",
    "SafeModeError",
    "SchemaValidationError",
    "StaticLoader",
    "Verdict",
    "VerificationReport",
    "Verifier",
    "__version__",
    "add_proof",
    "parse_credential",
    "sign_jwt",
    "verify",
    "verify_jwt",
    "verify_proofs",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'openmicrocred' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from .did import Resolver
    from .documents import DEFAULT_LOADER, StaticLoader
    from .errors import (
        CredentialError,
        InvalidProofError,
        OpenMicrocredError,
        SafeModeError,
        SchemaValidationError,
    )
    from .fetch import Fetcher, FetchPolicy
    from .keys import Ed25519Key, RSAKey
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
    from .report import CheckStatus, Verdict, VerificationReport
    from .suites import add_proof, verify_proofs
    from .suites.vc_jwt import sign_jwt, verify_jwt
    from .verifier import Verifier, verify
