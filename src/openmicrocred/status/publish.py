"""Publish status lists as signed ``BitstringStatusListCredential`` files, ready to serve."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from .._time import format_datetime
from ..issuance import SecuringFormat, issue
from ..keys import SigningKey
from .registry import StatusRegistry

__all__ = ["PublishedList", "publish", "status_list_credential"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"


def status_list_credential(
    url: str,
    purpose: str,
    encoded_list: str,
    *,
    issuer: str | dict[str, Any],
    valid_from: datetime,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` (Bitstring Status List v1.0 §2.2)."""
    subject: dict[str, Any] = {
        "id": f"{url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encoded_list,
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["credentialSubject"] = subject
    return credential


@dataclass(frozen=True)
class PublishedList:
    """A status list written to disk: host ``path`` at ``url``."""

    url: str
    path: Path
    purpose: str
    media_type: str


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def publish(
    registry: StatusRegistry,
    directory: str | os.PathLike[str],
    key: SigningKey,
    *,
    issuer: str | dict[str, Any],
    verification_method: str | None = None,
    format: SecuringFormat | Literal["di", "jwt"] = SecuringFormat.DATA_INTEGRITY,
    ttl_ms: int | None = None,
    valid_for: timedelta | None = None,
    now: datetime | None = None,
) -> list[PublishedList]:
    """Sign every list of ``registry`` and write it into ``directory`` atomically.

    :param key: the issuer's key; an Ed25519 key for ``format="di"`` (eddsa-rdfc-2022).
    :param issuer: the issuer id (or Profile); it must be the issuer of the credentials whose
        status the lists carry, since verifiers check exactly that.
    :param verification_method: the key's method id (default: its did:key method).
    :param format: ``"di"`` (JSON with an embedded proof) or ``"jwt"`` (a VC-JWT).
    :param ttl_ms: how long verifiers may cache a list, in milliseconds.
    :param valid_for: give the list credential a ``validUntil`` this far ahead.
    :return: what to host where: each file and the URL to serve it at.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).replace(microsecond=0)
    published: list[PublishedList] = []
    for status_list in registry.lists():
        unsigned = status_list_credential(
            status_list.url,
            status_list.purpose,
            registry.bitstring(status_list.url).encode(),
            issuer=issuer,
            valid_from=stamp,
            valid_until=stamp + valid_for if valid_for else None,
            ttl_ms=ttl_ms,
        )
        secured = issue(
            unsigned, key, format=format, verification_method=verification_method, created=stamp
        )
        if isinstance(secured, str):
            data = secured.encode("ascii")
            media_type = "application/vc+jwt"
        else:
            data = (json.dumps(secured, indent=2) + "\n").encode("utf-8")
            media_type = "application/vc+ld+json"
        path = folder / status_list.file_name
        _write_atomically(path, data)
        published.append(PublishedList(status_list.url, path, status_list.purpose, media_type))
    return published
