"""Parse any Open Badges 3.0 / CLR 2.0 credential JSON into its typed model, and back."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import ValidationError

from .._json import json_path
from ..errors import CredentialError, ErrorDetail
from ..ob2.models import is_ob2
from .credential import AchievementCredential, EndorsementCredential, VerifiableCredential

if TYPE_CHECKING:
    from .clr import ClrCredential

    AnyCredential: TypeAlias = AchievementCredential | EndorsementCredential | ClrCredential

__all__ = ["AnyCredential", "json_path", "parse_credential", "validation_details"]


def __getattr__(name: str) -> Any:
    # ``AnyCredential`` names the CLR model, which is built on first use (see the package).
    if name == "AnyCredential":
        from .clr import ClrCredential

        return AchievementCredential | EndorsementCredential | ClrCredential
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _child(current: Any, part: int | str) -> tuple[bool, Any]:
    if isinstance(current, dict) and isinstance(part, str) and part in current:
        return True, current[part]
    if isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
        return True, current[part]
    return False, None


def _real_path(data: Any, loc: tuple[int | str, ...], *, missing: bool) -> list[int | str]:
    # pydantic puts union member names and validator names in ``loc``; keep only the parts
    # that are real keys or indexes of the input document (and, for a missing property,
    # the name of the property).
    path: list[int | str] = []
    current = data
    for i, part in enumerate(loc):
        found, child = _child(current, part)
        if found:
            current = child
            path.append(part)
        elif missing and i == len(loc) - 1 and isinstance(part, str):
            path.append(part)
    return path


def validation_details(exc: ValidationError, data: Any) -> list[ErrorDetail]:
    """Turn a pydantic ``ValidationError`` into de-duplicated details with JSON paths.

    Where a value may take several forms (a Profile object or an IRI, say), the "wrong type"
    complaints of the forms the value does not take are left out when a more precise error
    about the same value exists.
    """
    found: list[tuple[list[int | str], str, bool]] = []
    for err in exc.errors(include_url=False):
        path = _real_path(data, tuple(err["loc"]), missing=err["type"] == "missing")
        message = err["msg"]
        ctx = err.get("ctx") or {}
        if err["type"] == "reference":
            for piece in str(ctx.get("path", "")).split("."):
                name, _, index = piece.partition("[")
                if name:
                    path.append(name)
                if index:
                    path.append(int(index.rstrip("]")))
            message = str(ctx.get("detail", message))
        elif err["type"] == "missing":
            message = "required property is missing"
        else:
            message = message.removeprefix("Value error, ")
        found.append((path, message, err["type"].endswith("_type")))
    details: list[ErrorDetail] = []
    seen: set[tuple[str, str]] = set()
    for path, message, is_type_error in found:
        if is_type_error and any(
            other is not path and not other_is_type and other[: len(path)] == path
            for other, _, other_is_type in found
        ):
            continue
        key = (json_path(path), message)
        if key not in seen:
            seen.add(key)
            details.append(ErrorDetail(*key))
    return details


_OB2_REFUSED = (
    "an Open Badges 2.0 Assertion, not an OB 3.0 or CLR 2.0 credential",
    "read it with openmicrocred.ob2.models.parse_assertion (lossless)",
)


def parse_credential(
    data: dict[str, Any] | str | bytes, *, check_references: bool = True
) -> AnyCredential:
    """Parse an Open Badges 3.0 credential JSON object (or JSON text) into its model.

    The class is chosen by ``type``: ``ClrCredential``, ``EndorsementCredential``, or
    ``AchievementCredential`` / ``OpenBadgeCredential``. ``model.dump()`` gives back the same
    JSON.

    :param data: the credential as a JSON object or JSON text.
    :param check_references: check that results point at the achievement's result
        descriptions and rubric levels (default ``True``).
    :raises CredentialError: the document is not JSON, not a known credential type, or not
        well-formed; ``.errors`` lists each problem with its JSON path. An Open Badges 2.0
        Assertion is refused with an error that names its parser,
        :func:`openmicrocred.ob2.models.parse_assertion`.
    """
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CredentialError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise CredentialError(
            "a credential must be a JSON object", [ErrorDetail("$", f"found {type(data).__name__}")]
        )
    if is_ob2(data):
        raise CredentialError(_OB2_REFUSED[0], [ErrorDetail("$", _OB2_REFUSED[1])])
    raw_type = data.get("type")
    types = raw_type if isinstance(raw_type, list) else [raw_type]
    cls: type[VerifiableCredential]
    if "ClrCredential" in types:
        from .clr import ClrCredential

        cls = ClrCredential
    elif "EndorsementCredential" in types:
        cls = EndorsementCredential
    elif "AchievementCredential" in types or "OpenBadgeCredential" in types:
        cls = AchievementCredential
    else:
        raise CredentialError(
            "not an Open Badges 3.0 or CLR 2.0 credential",
            [
                ErrorDetail(
                    "$.type",
                    "must include AchievementCredential, OpenBadgeCredential, "
                    f"EndorsementCredential or ClrCredential; found {raw_type!r}",
                )
            ],
        )
    try:
        model = cls.from_json(data, check_references=check_references)
    except ValidationError as exc:
        raise CredentialError(f"invalid {cls.__name__}", validation_details(exc, data)) from exc
    return model
