"""Is it a well-formed Open Badges document: JSON-LD safe mode, structure, JSON schemas."""

from __future__ import annotations

from typing import Literal

from ..._json import as_list
from ...errors import CredentialError, OpenMicrocredError, SafeModeError
from ...jsonld import check_safe
from ...schema import bundled_schema_urls, schema_errors, schema_url_for
from ...types import JSONObject
from ...vcdm import credential_errors, is_credential, version_of
from ..context import VerificationContext
from ..report import Check, CheckCode, CheckName, CheckStatus, code_of, make_check
from .shape import well_formed_kind

__all__ = ["safe_mode", "schemas", "structure"]

_SCHEMA_VALIDATOR = "1EdTechJsonSchemaValidator2019"


def safe_mode(credential: JSONObject, ctx: VerificationContext, *, warning: bool) -> list[Check]:
    """JSON-LD processing keeps every property. ``warning``: data loss is reported but does
    not block (a VC-JWT signs the JSON bytes, so loss there cannot hide an unsigned claim)."""
    # The proofs are left to their suites: each is checked with the contexts its suite
    # uses, and one of an unknown type is skipped rather than making the document unsafe.
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    try:
        check_safe(unsecured, loader=ctx.loader)
    except SafeModeError as exc:
        severity: Literal["error", "warning"] = "warning" if warning else "error"
        return [
            make_check(
                CheckName.JSONLD,
                CheckStatus.FAILED,
                CheckCode.JSONLD_SAFE_MODE,
                exc.detail,
                exc.path,
                severity=severity,
            )
        ]
    except OpenMicrocredError as exc:
        return [make_check(CheckName.JSONLD, CheckStatus.ERROR, code_of(exc), str(exc))]
    return [
        make_check(
            CheckName.JSONLD,
            CheckStatus.PASSED,
            CheckCode.JSONLD_OK,
            "JSON-LD processing keeps every property (safe mode)",
        )
    ]


_OB_TYPES = frozenset(
    {"AchievementCredential", "OpenBadgeCredential", "EndorsementCredential", "ClrCredential"}
)


def _structure(
    status: CheckStatus, code: CheckCode, message: str, path: str | None = None
) -> Check:
    return make_check(CheckName.STRUCTURE, status, code, message, path)


def structure(credential: JSONObject, ctx: VerificationContext) -> list[Check]:
    """A verifiable credential by the VC Data Model (1.1 or 2.0) and, when it has an Open
    Badges or CLR type, one that parses into those models and names its subject."""
    if not is_credential(credential):
        return [
            _structure(
                CheckStatus.FAILED,
                CheckCode.NOT_A_CREDENTIAL,
                "not a verifiable credential: it has neither the VerifiableCredential type nor "
                "a credentialSubject",
                "$",
            )
        ]
    errors = credential_errors(credential)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return [
            _structure(
                CheckStatus.FAILED,
                CheckCode.INVALID_CREDENTIAL,
                f"not a valid verifiable credential: {errors[0].message}{more}",
                errors[0].path,
            )
        ]
    if not _OB_TYPES & set(as_list(credential.get("type"))):
        version = "2.0" if version_of(credential) == 2 else "1.1"
        return [
            _structure(
                CheckStatus.PASSED,
                CheckCode.STRUCTURE_OK,
                f"a well-formed verifiable credential (VC Data Model {version}); not an Open "
                "Badge, so the Open Badges checks do not apply",
            )
        ]
    return [_open_badge(credential)]


def _open_badge(credential: JSONObject) -> Check:
    kind = well_formed_kind(credential)  # surely well-formed, without pydantic (shape.py)
    if kind is not None:
        subject = credential["credentialSubject"]
        has_id = subject.get("id") is not None
        identified = has_id or bool(as_list(subject.get("identifier")))
    else:
        parsed = _parsed(credential)
        if isinstance(parsed, Check):
            return parsed
        kind, identified = parsed
    if kind != "ClrCredential" and not identified:
        return _structure(
            CheckStatus.FAILED,
            CheckCode.SUBJECT_UNIDENTIFIED,
            "credentialSubject has neither id nor identifier",
            "$.credentialSubject",
        )
    return _structure(CheckStatus.PASSED, CheckCode.STRUCTURE_OK, f"well-formed {kind}")


def _parsed(credential: JSONObject) -> Check | tuple[str, bool]:
    """The model's class name and whether its subject is identified, or the failed check."""
    from ...models import parse_credential  # pydantic: only when shape.py is not sure

    try:
        model = parse_credential(credential)
    except CredentialError as exc:
        first = exc.errors[0] if exc.errors else None
        message = exc.summary + (f": {first.message}" if first else "")
        if len(exc.errors) > 1:
            message += f" (and {len(exc.errors) - 1} more)"
        path = first.path if first else "$"
        return _structure(CheckStatus.FAILED, CheckCode.INVALID_CREDENTIAL, message, path)
    subject = model.credential_subject
    # A ClrSubject's id and identifier are optional.
    has_id = getattr(subject, "id", None) is not None
    return type(model).__name__, bool(has_id or getattr(subject, "identifier", None))


def schemas(credential: JSONObject, ctx: VerificationContext) -> list[Check]:
    """The schemas the credential names (blocking), then the 1EdTech schema for its type
    (a warning)."""
    checks = [
        _named_schema(credential, entry, i)
        for i, entry in enumerate(as_list(credential.get("credentialSchema")))
        if isinstance(entry, dict) and entry.get("type") == _SCHEMA_VALIDATOR
    ]
    try:
        default = schema_url_for(credential)
    except ValueError:
        return checks
    checks.append(_against(credential, default, CheckName.SCHEMA_1EDTECH, None, "warning"))
    return checks


def _named_schema(credential: JSONObject, entry: JSONObject, index: int) -> Check:
    url = entry.get("id")
    many = isinstance(credential.get("credentialSchema"), list)
    where = f"$.credentialSchema[{index}]" if many else "$.credentialSchema"
    if not isinstance(url, str) or url not in bundled_schema_urls():
        return make_check(
            CheckName.SCHEMA,
            CheckStatus.ERROR,
            CheckCode.SCHEMA_UNAVAILABLE,
            f"schema {url} is not one of the bundled 1EdTech schemas",
            where,
            severity="warning",
        )
    return _against(credential, url, CheckName.SCHEMA, where, "error")


def _against(
    credential: JSONObject,
    url: str,
    name: CheckName,
    where: str | None,
    severity: Literal["error", "warning"],
) -> Check:
    errors = schema_errors(credential, schema=url)
    label = url.rsplit("/", 1)[-1]
    if errors:
        return make_check(
            name,
            CheckStatus.FAILED,
            CheckCode.SCHEMA_INVALID,
            f"does not validate against {label}: {errors[0].message}",
            errors[0].path,
            severity=severity,
        )
    return make_check(
        name,
        CheckStatus.PASSED,
        CheckCode.SCHEMA_OK,
        f"validates against {label}",
        where,
        severity=severity,
    )
