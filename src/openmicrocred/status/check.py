"""Verifier side: check a credential's ``credentialStatus`` entries.

For each ``BitstringStatusListEntry`` the status list credential is fetched through the
verifier's fetcher, its proof verified, its issuer compared with the credential's issuer, its
purpose and validity checked, and the bit read. Lists are cached per checker honouring
their ``ttl``. ``StatusList2021Entry`` is read the same way; ``1EdTechRevocationList`` (whose
response format is not published) and unknown types are reported as "unsupported status
method", never as passed.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from ..errors import OpenMicrocredError, StatusListError
from ..fetch import FetchError
from ..models._base import parse_datetime
from ..report import Check, CheckStatus, make_check
from ..suites import verify_proofs
from ..suites.vc_jwt import verify_jwt
from ..types import JSONObject
from .bitstring import BitString

__all__ = ["StatusChecker", "check_status"]

_KINDS = {
    "BitstringStatusListEntry": ("BitstringStatusListCredential", "BitstringStatusList", True),
    "StatusList2021Entry": ("StatusList2021Credential", "StatusList2021", False),
}


def _status(
    status: CheckStatus, code: str, message: str, path: str, severity: str = "error"
) -> Check:
    return make_check("status", status, code, message, path, severity)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


@dataclass
class _CachedList:
    expires: float
    bits: BitString
    purposes: tuple[str, ...]
    subject_type: str
    issuer: str | None


@dataclass
class StatusChecker:
    """Checks ``credentialStatus`` entries; plug it into :class:`~openmicrocred.Verifier`.

    :param unreachable: ``"fail"`` (default): a list that cannot be fetched makes the status
        check an error that blocks verification; ``"warn"``: reported as a warning.
    :param default_ttl: how long (seconds) to cache a list that states no ``ttl``.
    """

    unreachable: Literal["fail", "warn"] = "fail"
    default_ttl: float = 300.0
    _cache: dict[str, _CachedList] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, credential: JSONObject, context: Any) -> list[Check]:
        raw = credential.get("credentialStatus")
        many = isinstance(raw, list)
        return [
            self._check_entry(
                entry, f"$.credentialStatus[{i}]" if many else "$.credentialStatus", context
            )
            for i, entry in enumerate(_as_list(raw))
        ]

    def _check_entry(self, entry: Any, path: str, context: Any) -> Check:
        if not isinstance(entry, dict):
            return _status(
                CheckStatus.FAILED,
                "invalid_status_entry",
                "a credentialStatus entry must be an object",
                path,
            )
        kind = entry.get("type")
        if kind not in _KINDS:
            return _status(
                CheckStatus.ERROR,
                "unsupported_status_method",
                f"unsupported status method {kind!r}; status not checked",
                path,
            )
        purpose = entry.get("statusPurpose")
        url = entry.get("statusListCredential")
        try:
            index = int(str(entry.get("statusListIndex")))
            size = int(entry.get("statusSize", 1))
        except ValueError:
            return _status(
                CheckStatus.FAILED,
                "invalid_status_entry",
                "statusListIndex must be a whole number",
                path,
            )
        if not isinstance(url, str) or not isinstance(purpose, str) or index < 0 or size != 1:
            return _status(
                CheckStatus.ERROR if size != 1 else CheckStatus.FAILED,
                "invalid_status_entry",
                "the status entry needs statusPurpose, statusListCredential and "
                "a non-negative statusListIndex (statusSize 1)",
                path,
            )
        try:
            cached = self._list(url, kind, context)
        except FetchError as exc:
            severity = "warning" if self.unreachable == "warn" else "error"
            return _status(
                CheckStatus.ERROR,
                "status_list_unreachable",
                f"status list {url} unreachable: {exc.reason}",
                path,
                severity=severity,
            )
        except OpenMicrocredError as exc:
            return _status(
                CheckStatus.FAILED,
                "status_list_invalid",
                f"status list {url}: {exc}",
                path,
            )
        if cached.issuer != context.issuer_id:
            return _status(
                CheckStatus.FAILED,
                "status_list_invalid",
                f"status list {url} was issued by {cached.issuer}, not by "
                f"the credential's issuer {context.issuer_id}",
                path,
            )
        if purpose not in cached.purposes:
            return _status(
                CheckStatus.FAILED,
                "status_list_invalid",
                f"status list {url} is for {'/'.join(cached.purposes)}, not {purpose}",
                path,
            )
        if index >= cached.bits.size:
            return _status(
                CheckStatus.FAILED,
                "invalid_status_entry",
                f"statusListIndex {index} is beyond the list's {cached.bits.size} entries",
                path,
            )
        if cached.bits.get(index):
            code = (
                "revoked"
                if purpose == "revocation"
                else ("suspended" if purpose == "suspension" else f"status_{purpose}")
            )
            return _status(
                CheckStatus.FAILED,
                code,
                f"{code.replace('_', ' ')} (bit {index} of {url})",
                path,
            )
        state = {"revocation": "revoked", "suspension": "suspended"}.get(purpose, purpose)
        return _status(
            CheckStatus.PASSED,
            "active",
            f"not {state} ({purpose} list {url})",
            path,
        )

    def _list(self, url: str, kind: str, context: Any) -> _CachedList:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(url)
        if cached is not None and cached.expires > now:
            return cached
        credential_type, subject_type, multibase = _KINDS[kind]
        body, _ = context.fetcher.get(url, accept="application/vc+ld+json, application/vc+jwt")
        document, issuer = self._verified(body, url, context)
        types = _as_list(document.get("type"))
        if credential_type not in types:
            raise StatusListError(f"not a {credential_type}")
        for name in ("validUntil", "expirationDate"):
            if name in document and parse_datetime(str(document[name])) < context.now - timedelta(
                minutes=5
            ):
                raise StatusListError(f"the status list expired at {document[name]}")
        subject = document.get("credentialSubject")
        if not isinstance(subject, dict) or subject_type not in _as_list(subject.get("type")):
            raise StatusListError(f"its credentialSubject is not a {subject_type}")
        bits = BitString.decode(str(subject.get("encodedList", "")), multibase=multibase)
        ttl = subject.get("ttl")
        seconds = ttl / 1000 if isinstance(ttl, int | float) and ttl > 0 else self.default_ttl
        entry = _CachedList(
            now + seconds,
            bits,
            tuple(str(p) for p in _as_list(subject.get("statusPurpose"))),
            subject_type,
            issuer,
        )
        with self._lock:
            self._cache[url] = entry
        return entry

    @staticmethod
    def _verified(body: bytes, url: str, context: Any) -> tuple[JSONObject, str | None]:
        text = body.decode("utf-8", errors="replace").strip()
        if not text.startswith("{"):
            result = verify_jwt(text, resolver=context.resolver)
            issuer = _id(result.credential.get("issuer"))
            if result.controller != issuer:
                raise StatusListError("the status list's VC-JWT key is not its issuer's")
            return result.credential, issuer
        try:
            document = json.loads(text)
        except ValueError:
            raise StatusListError("not JSON") from None
        if not isinstance(document, dict):
            raise StatusListError("not a JSON object")
        if document.get("id") not in (url, None):
            raise StatusListError(f"its id is {document.get('id')}, not {url}")
        issuer = _id(document.get("issuer"))
        results = verify_proofs(
            document,
            resolver=context.resolver,
            loader=context.loader,
            registry=context.registry,
            expected_controller=issuer,
            now=context.now,
        )
        if not results:
            raise StatusListError("the status list is not signed")
        if not any(r.verified for r in results):
            raise StatusListError(f"its proof does not verify: {results[0].error}")
        return document, issuer


check_status = StatusChecker()
"""A shared default checker (fail when a list is unreachable, cache per ttl)."""
