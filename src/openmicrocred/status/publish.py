"""Publish status lists as signed ``BitstringStatusListCredential`` files, ready to serve,
or into the registry's own database (:func:`publish_stored`), by list version, for a service
whose instances share it."""

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
from .bitstring import BitString
from .registry import PublishedStatusList, StatusList, StatusRegistry, VersionedStatusRegistry

__all__ = [
    "PublishedList",
    "publish",
    "publish_stored",
    "status_list_credential",
    "write_atomically",
]

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


def write_atomically(path: Path, data: bytes) -> None:
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


@dataclass(frozen=True)
class _Signing:
    key: SigningKey
    issuer: str | dict[str, Any]
    verification_method: str | None
    format: SecuringFormat | Literal["di", "jwt"]
    ttl_ms: int | None
    valid_for: timedelta | None
    stamp: datetime

    def sign(self, status_list: StatusList, bits: BitString) -> tuple[str, bytes]:
        """The media type and bytes of the signed list credential."""
        unsigned = status_list_credential(
            status_list.url,
            status_list.purpose,
            bits.encode(),
            issuer=self.issuer,
            valid_from=self.stamp,
            valid_until=self.stamp + self.valid_for if self.valid_for else None,
            ttl_ms=self.ttl_ms,
        )
        secured = issue(
            unsigned,
            self.key,
            format=self.format,
            verification_method=self.verification_method,
            created=self.stamp,
        )
        if isinstance(secured, str):
            return "application/vc+jwt", secured.encode("ascii")
        return "application/vc+ld+json", (json.dumps(secured, indent=2) + "\n").encode("utf-8")


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
    signing = _Signing(key, issuer, verification_method, format, ttl_ms, valid_for, stamp)
    published: list[PublishedList] = []
    for status_list in registry.lists():
        media_type, data = signing.sign(status_list, registry.bitstring(status_list.url))
        path = folder / status_list.file_name
        write_atomically(path, data)
        published.append(PublishedList(status_list.url, path, status_list.purpose, media_type))
    return published


def publish_stored(
    registry: VersionedStatusRegistry,
    key: SigningKey,
    *,
    issuer: str | dict[str, Any],
    verification_method: str | None = None,
    format: SecuringFormat | Literal["di", "jwt"] = SecuringFormat.DATA_INTEGRITY,
    ttl_ms: int | None = None,
    valid_for: timedelta | None = None,
    now: datetime | None = None,
    everything: bool = False,
) -> list[PublishedStatusList]:
    """Sign each list whose stored publication is older than the list (``everything``:
    each list, replacing what is kept at the same version, as after a key rotation) at the
    version it has now, and keep it in the registry.

    Safe with many instances publishing at once: each signs one consistent snapshot (a
    version and its bitstring), and the registry keeps the highest version, so once every
    change's publisher has returned, the kept list shows every change. The parameters are
    those of :func:`publish`.

    :return: the lists as kept now (each at its highest published version).
    """
    stamp = (now or datetime.now(UTC)).replace(microsecond=0)
    signing = _Signing(key, issuer, verification_method, format, ttl_ms, valid_for, stamp)
    kept: list[PublishedStatusList] = []
    for status_list in registry.lists() if everything else registry.stale():
        version, bits = registry.snapshot(status_list.url)
        media_type, data = signing.sign(status_list, bits)
        kept.append(
            registry.store_published(status_list.url, version, media_type, data, resign=everything)
        )
    return kept
