"""Validate credentials against the bundled 1EdTech JSON schemas (JSON Schema 2019-09).

The schemas ship with the package (``openmicrocred/schemas``, listed with their SHA-256 in
``manifest.json``) and are never fetched. :func:`validate` picks the schema from the
credential's ``type`` unless told which to use; a ``credentialSchema`` entry naming a schema
URL that is bundled can be validated with ``schema=entry.id``.

``format`` is asserted, as 1EdTech's validator does: a ``date-time`` field holding a bare date
(``"2024-01-01"``) fails. The bundled schemas use two formats, ``date`` and ``date-time``
(RFC 3339 ``full-date`` and ``date-time``); both engines check exactly those, with the same
rules (see :func:`is_rfc3339_date_time`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import ErrorDetail, SchemaValidationError

if TYPE_CHECKING:
    from jsonschema import Draft201909Validator, FormatChecker
    from jsonschema.exceptions import ValidationError
from ._json import json_path
from .types import JSONObject

__all__ = [
    "ACHIEVEMENT_CREDENTIAL_SCHEMA",
    "CLR_CREDENTIAL_SCHEMA",
    "ENDORSEMENT_CREDENTIAL_SCHEMA",
    "PROFILE_SCHEMA",
    "bundled_schema_urls",
    "bundled_schemas",
    "is_rfc3339_date",
    "is_rfc3339_date_time",
    "schema_errors",
    "schema_url_for",
    "validate",
]

_OB = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
_CLR = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/"
ACHIEVEMENT_CREDENTIAL_SCHEMA = _OB + "ob_v3p0_achievementcredential_schema.json"
ENDORSEMENT_CREDENTIAL_SCHEMA = _OB + "ob_v3p0_endorsementcredential_schema.json"
PROFILE_SCHEMA = _OB + "ob_v3p0_profile_schema.json"
CLR_CREDENTIAL_SCHEMA = _CLR + "clr_v2p0_clrcredential_schema.json"


def _folder() -> Any:
    return resources.files(__package__ or "openmicrocred").joinpath("schemas")


@cache
def _manifest() -> Mapping[str, str]:
    """Schema URL -> file name, from the bundled ``manifest.json``."""
    manifest = json.loads(_folder().joinpath("manifest.json").read_bytes())
    return MappingProxyType({e["url"]: e["file"] for e in manifest["schemas"]})


def bundled_schema_urls() -> frozenset[str]:
    """The published URLs of the bundled schemas (without loading them)."""
    return frozenset(_manifest())


@cache
def bundled_schemas() -> Mapping[str, JSONObject]:
    """Every bundled schema by its published URL."""
    return MappingProxyType({url: _schema(url) for url in _manifest()})


@cache
def _schema(url: str) -> JSONObject:
    file = _manifest().get(url)
    if file is None:
        known = ", ".join(sorted(_manifest()))
        raise KeyError(f"no bundled schema {url!r} (bundled: {known})")
    schema: JSONObject = json.loads(_folder().joinpath(file).read_bytes())
    return schema


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_TIME = re.compile(r"(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))", re.ASCII)
_FORMATS = ("date", "date-time")
"""The formats the bundled schemas use (a test checks that they use no other)."""


def _valid_date(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return 1 <= day <= days


def is_rfc3339_date(value: object) -> bool:
    """JSON Schema ``format: date``: an RFC 3339 ``full-date`` (``2024-01-31``).

    Non-strings pass (``format`` constrains strings only).
    """
    if not isinstance(value, str):
        return True
    match = _DATE.fullmatch(value)
    return match is not None and _valid_date(*map(int, match.groups()))


def is_rfc3339_date_time(value: object) -> bool:
    """JSON Schema ``format: date-time``: an RFC 3339 ``date-time`` with its offset.

    ``T``/``Z`` in either case, optional fraction, leap second 60 only at 23:59 UTC: the rules
    jsonschema-rs applies, so that both engines agree. Non-strings pass.
    """
    if not isinstance(value, str):
        return True
    date, sep, time = value[:10], value[10:11], value[11:]
    day, clock = _DATE.fullmatch(date), _TIME.fullmatch(time)
    if day is None or clock is None or sep not in ("T", "t"):
        return False
    hour, minute, second = (int(x) for x in clock.group(1, 2, 3))
    sign, off_hour, off_minute = clock.group(4), int(clock[5] or 0), int(clock[6] or 0)
    if hour > 23 or minute > 59 or second > 60 or off_hour > 23 or off_minute > 59:
        return False
    if second == 60:  # a leap second: 23:59:60 in UTC
        offset = (off_hour * 60 + off_minute) * (1 if sign == "+" else -1)
        if (hour * 60 + minute - offset) % 1440 != 23 * 60 + 59:
            return False
    return _valid_date(*map(int, day.groups()))


@cache
def _format_checker() -> FormatChecker:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(is_rfc3339_date)
    checker.checks("date-time")(is_rfc3339_date_time)
    return checker


@cache
def _validator(url: str) -> Draft201909Validator:
    from jsonschema import Draft201909Validator

    return Draft201909Validator(_schema(url), format_checker=_format_checker())


@cache
def _fast_validator(url: str) -> Any:
    # jsonschema-rs answers "valid?" about 500 times faster than the Python validator; the
    # Python validator then explains an invalid document with JSON paths. Both implement
    # Draft 2019-09 and assert the formats the schemas use (the test suite checks that they
    # agree).
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - an install without the accelerator
        return None
    return jsonschema_rs.Draft201909Validator(_schema(url), validate_formats=True)


def schema_url_for(document: Mapping[str, Any]) -> str:
    """Pick the 1EdTech schema for a document from its ``type``.

    :raises ValueError: the type is not a credential or profile type with a bundled schema.
    """
    raw = document.get("type")
    types = raw if isinstance(raw, list) else [raw]
    if "ClrCredential" in types:
        return CLR_CREDENTIAL_SCHEMA
    if "EndorsementCredential" in types:
        return ENDORSEMENT_CREDENTIAL_SCHEMA
    if "AchievementCredential" in types or "OpenBadgeCredential" in types:
        return ACHIEVEMENT_CREDENTIAL_SCHEMA
    if "Profile" in types:
        return PROFILE_SCHEMA
    raise ValueError(f"no 1EdTech schema for a document of type {raw!r}")


def _leaves(error: ValidationError) -> list[ValidationError]:
    if not error.context:
        return [error]
    return [leaf for sub in error.context for leaf in _leaves(sub)]


def _detail(error: ValidationError) -> ErrorDetail:
    from jsonschema.exceptions import best_match

    # For oneOf/anyOf failures, the sub-error deepest in the document says most precisely what
    # is wrong; among equally deep ones, jsonschema's relevance ordering decides.
    leaves = _leaves(error)
    depth = max(len(leaf.absolute_path) for leaf in leaves)
    deepest = best_match([leaf for leaf in leaves if len(leaf.absolute_path) == depth])
    assert deepest is not None
    message = deepest.message
    if len(message) > 300:
        message = message[:297] + "..."
    return ErrorDetail(json_path(list(deepest.absolute_path)), message)


def schema_errors(document: Any, *, schema: str | None = None) -> list[ErrorDetail]:
    """Return every schema problem of ``document`` (empty if it validates).

    :param document: the JSON credential or profile.
    :param schema: the schema URL to use; by default chosen from the document's ``type``.
    :raises KeyError: ``schema`` is not a bundled schema.
    :raises ValueError: no schema given and none fits the document's type.
    """
    url = schema or schema_url_for(document if isinstance(document, Mapping) else {})
    fast = _fast_validator(url)
    if fast is not None and fast.is_valid(document):
        return []
    errors = sorted(_validator(url).iter_errors(document), key=lambda e: list(map(str, e.path)))
    return [_detail(e) for e in errors]


def validate(document: Any, *, schema: str | None = None) -> None:
    """Validate ``document`` against a bundled 1EdTech JSON schema.

    :raises SchemaValidationError: it does not validate; ``.errors`` has JSON paths.
    """
    url = schema or schema_url_for(document if isinstance(document, Mapping) else {})
    errors = schema_errors(document, schema=url)
    if errors:
        name = url.rsplit("/", 1)[-1]
        raise SchemaValidationError(f"does not validate against {name}", errors)
