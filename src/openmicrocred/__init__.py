"""openmicrocred: issue, sign, verify and revoke Open Badges 3.0 micro-credentials.

The facade re-exports the names most programs need; the rest lives in the submodules
(``openmicrocred.models``, ``.documents``, ``.jsonld``, ``.canon``, ``.keys``, ``.did``,
``.suites``, ``.fetch``, ``.schema``, ``.errors``).
"""

from __future__ import annotations

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
from .verify import Verifier, verify

__version__ = "0.1.0"

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
