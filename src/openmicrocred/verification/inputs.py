"""Turn whatever a user holds into a credential: JSON, a compact JWS, a baked PNG or SVG, a
file, or an https URL to any of those (content type negotiated as OB 3.0 §5.3 says)."""

from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..bake import is_png, is_svg, unbake
from ..errors import BakeError, FetchError, InputError, OpenMicrocredError
from ..fetch import Fetcher
from ..ob2.baking import unbake_ob2
from ..ob2.detect import hosted_reference, is_ob2
from ..suites.vc_jwt import credential_from_payload

__all__ = ["ACCEPT", "Carrier", "LoadedCredential", "load_credential"]

ACCEPT = (
    "application/vc+ld+json, application/vc+jwt;q=0.9, application/ld+json;q=0.8, "
    "application/json;q=0.7, text/plain;q=0.6, image/png;q=0.5, image/svg+xml;q=0.5"
)
MAX_INPUT_BYTES = 20_000_000
MAX_DEPTH = 100
"""How deeply a credential's JSON may nest (an OB 3.0 credential with endorsements of
endorsements, or a CLR carrying badges, is well under 40)."""
_JWS = re.compile(r"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*$")

Carrier = Literal["json", "jwt", "png", "svg", "url"]


@dataclass(frozen=True)
class LoadedCredential:
    """A credential as found: its JSON (for a JWT, the unverified payload's credential), the
    compact JWS if it came as one, how it was carried, and from where."""

    credential: dict[str, Any]
    jwt: str | None
    carrier: Carrier
    source: str


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str | bytes, source: str) -> Any:
    """Strict JSON (RFC 8259: no NaN or Infinity), nested at most :data:`MAX_DEPTH` deep.

    :raises InputError: naming ``source`` and what is wrong."""
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise InputError(f"{source}: the JSON is nested too deeply") from None
    except ValueError as exc:
        message = str(exc)
        if "integer string conversion" in message:
            message = "a number has more than 4300 digits"
        raise InputError(f"{source}: not valid JSON ({message})") from None
    check_depth(document, source)
    return document


_CONTAINERS = (dict, list)


def check_depth(document: Any, source: str) -> None:
    """Raise :class:`InputError` if ``document`` nests deeper than :data:`MAX_DEPTH`."""
    # (a tuple, not ``dict | list``: the union would be built again for every value)
    level: list[Any] = [document] if isinstance(document, _CONTAINERS) else []
    for _ in range(MAX_DEPTH):
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, _CONTAINERS)
        ]
        if not level:
            return
    raise InputError(f"{source}: the JSON is nested more than {MAX_DEPTH} levels deep")


def _jwt_credential(token: str) -> dict[str, Any]:
    try:
        payload_b64 = token.split(".")[1]
        raw = base64.urlsafe_b64decode(payload_b64 + "=" * (-len(payload_b64) % 4))
    except (ValueError, IndexError):
        raise InputError("the compact JWS payload is not base64url") from None
    payload = parse_json(raw, "the compact JWS payload")
    if not isinstance(payload, dict):
        raise InputError("the compact JWS payload is not a JSON object")
    if is_ob2(payload):  # an OB 2.0 signed badge: the JWS payload is the Assertion
        return payload
    try:
        return credential_from_payload(payload)
    except OpenMicrocredError as exc:
        raise InputError(f"the compact JWS does not carry a credential: {exc}") from None


def _from_text(text: str, carrier: Carrier, source: str) -> LoadedCredential:
    stripped = text.strip().lstrip("\ufeff")
    if stripped.startswith("{"):
        document = parse_json(stripped, source)
        if not isinstance(document, dict):
            raise InputError(f"{source}: a credential must be a JSON object")
        return LoadedCredential(document, None, carrier, source)
    if _JWS.match(stripped):
        return LoadedCredential(
            _jwt_credential(stripped), stripped, "jwt" if carrier == "json" else carrier, source
        )
    raise InputError(f"{source}: neither a JSON credential nor a compact JWS")


def _ob2_baked(data: bytes, source: str, error: BakeError) -> str:
    """An Open Badges 2.0 baked image's text; a hosted badge's URL becomes a reference to it."""
    try:
        text = unbake_ob2(data)
    except BakeError:
        raise InputError(f"{source}: {error}") from None
    return json.dumps(hosted_reference(text)) if text.startswith("https://") else text


def _from_bytes(data: bytes, source: str, carrier: Carrier | None = None) -> LoadedCredential:
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{source}: larger than {MAX_INPUT_BYTES} bytes")
    if is_png(data) or is_svg(data):
        kind: Carrier = "png" if is_png(data) else "svg"
        try:
            text = unbake(data)
        except BakeError as exc:
            text = _ob2_baked(data, source, exc)
        return _from_text(text, carrier or kind, source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{source}: not a credential (binary data that is not PNG)") from None
    return _from_text(text, carrier or "json", source)


def load_credential(
    source: dict[str, Any] | str | bytes | os.PathLike[str],
    *,
    fetcher: Fetcher | None = None,
    name: str | None = None,
) -> LoadedCredential:
    """Load a credential from any carrier.

    :param source: a JSON object; JSON text or a compact JWS; PNG/SVG/JSON/JWS bytes; a file
        path; or an ``https://`` URL (fetched with ``fetcher``).
    :param name: how to name the source in the report and errors.
    :raises InputError: the input is not a credential in any supported form (including an
        unreachable URL or an image without a baked credential).
    """
    if isinstance(source, dict):
        check_depth(source, name or "<object>")
        return LoadedCredential(source, None, "json", name or "<object>")
    if isinstance(source, bytes):
        return _from_bytes(source, name or "<bytes>")
    if isinstance(source, os.PathLike):
        return _from_path(Path(source))
    if not isinstance(source, str):
        raise InputError(f"cannot read a credential from a {type(source).__name__}")
    text = source.strip()
    if text.startswith(("https://", "http://")):
        return _from_url(text, fetcher or Fetcher())
    if text.startswith("{") or _JWS.match(text):
        return _from_text(text, "json", name or "<text>")
    if len(text) < 4096 and "\n" not in text and "\0" not in text and _is_file(text):
        return _from_path(Path(text))
    raise InputError("not a credential, a compact JWS, a file or an https URL")


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def _from_path(path: Path) -> LoadedCredential:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"{path}: larger than {MAX_INPUT_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return _from_bytes(data, str(path))


def _from_url(url: str, fetcher: Fetcher) -> LoadedCredential:
    try:
        data, _content_type = fetcher.get(url, accept=ACCEPT)
    except FetchError as exc:
        if exc.reason == "HTTP status 410":  # what is gone cannot be read: not a verdict
            raise InputError(
                f"{exc}: the server says the badge is gone (an Open Badges 2.0 issuer answers "
                "so for a hosted badge it revoked; an assertion whose id answers 410 is "
                "reported REVOKED)"
            ) from None
        raise InputError(str(exc)) from None
    loaded = _from_bytes(data, url)
    return LoadedCredential(loaded.credential, loaded.jwt, "url", url)
