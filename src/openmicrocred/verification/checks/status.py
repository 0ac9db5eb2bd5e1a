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
import re
import threading
import time
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from ..._json import as_list, id_of
from ..._time import format_datetime, parse_datetime
from ...errors import FetchError, OpenMicrocredError, StatusListError
from ...types import JSONObject
from ..context import StatusCheck, VerificationContext
from ..report import Check, CheckCode, CheckName, CheckStatus, code_of, make_check

if TYPE_CHECKING:
    from ...status.bitstring import BitString

__all__ = ["StatusChecker", "check_status", "status_checks"]

_KINDS = {
    "BitstringStatusListEntry": ("BitstringStatusListCredential", "BitstringStatusList", True),
    "StatusList2021Entry": ("StatusList2021Credential", "StatusList2021", False),
}


_INDEX = re.compile(r"[0-9]{1,12}")
_HEX = re.compile(r"0x[0-9a-fA-F]{1,4}")
MAX_STATUS_SIZE = 8
"""The widest ``statusSize`` read (256 messages); wider entries are reported, not read."""

_SET_CODES = {
    "revocation": CheckCode.REVOKED,
    "suspension": CheckCode.SUSPENDED,
    "refresh": CheckCode.STATUS_REFRESH,
    "message": CheckCode.STATUS_MESSAGE,
}


def _status(
    status: CheckStatus,
    code: CheckCode,
    message: str,
    path: str,
    severity: Literal["error", "warning"] = "error",
) -> Check:
    return make_check(CheckName.STATUS, status, code, message, path, severity)


@dataclass
class _CachedList:
    expires: float
    bits: BitString
    purposes: tuple[str, ...]
    subject_type: str
    issuer: str | None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    stated_id: str | None = None
    """The list's own ``id`` when it differs from the URL it was fetched from."""
    body: bytes = b""
    """The bytes it was read from (to tell an unchanged re-read list)."""


@dataclass(frozen=True, slots=True)
class _Entry:
    """A well-formed status entry of a supported kind."""

    kind: str
    purpose: str
    url: str
    index: int
    size: int = 1
    messages: tuple[str, ...] = ()
    """For each status value, its ``statusMessage`` (empty: none given)."""


def _bad(message: str, path: str) -> Check:
    return _status(CheckStatus.FAILED, CheckCode.INVALID_STATUS_ENTRY, message, path)


def _status_size(entry: dict[str, Any], path: str) -> int | Check:
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        return _bad(f"statusSize must be an integer above 0, not {size!r}", f"{path}.statusSize")
    if size > MAX_STATUS_SIZE:
        return _status(
            CheckStatus.ERROR,
            CheckCode.INVALID_STATUS_ENTRY,
            f"statusSize {size} is wider than the {MAX_STATUS_SIZE} bits this verifier reads",
            f"{path}.statusSize",
        )
    return size


def _status_messages(entry: dict[str, Any], size: int, path: str) -> tuple[str, ...] | Check:
    """``statusMessage``: required above one bit; one ``{status, message}`` for each of
    the 2**statusSize values, each value once (Bitstring Status List v1.0 §2.1)."""
    where = f"{path}.statusMessage"
    raw = entry.get("statusMessage")
    if raw is None:
        if size > 1:
            return _bad(f"a {size}-bit status entry needs statusMessage", path)
        return ()
    count = 1 << size
    if not isinstance(raw, list) or len(raw) != count:
        return _bad(f"statusMessage must list {count} messages, one per value of statusSize", where)
    messages: dict[int, str] = {}
    for i, item in enumerate(raw):
        status = item.get("status") if isinstance(item, dict) else None
        message = item.get("message") if isinstance(item, dict) else None
        if not isinstance(status, str) or not _HEX.fullmatch(status):
            return _bad('each statusMessage needs a "status" such as "0x1"', f"{where}[{i}]")
        if not isinstance(message, str):
            return _bad('each statusMessage needs a "message" string', f"{where}[{i}]")
        value = int(status, 16)
        if value >= count or value in messages:
            return _bad(f"status {status} is out of range or repeated", f"{where}[{i}].status")
        messages[value] = message
    return tuple(messages[v] for v in range(count))


def _parse_entry(entry: Any, path: str) -> _Entry | Check:
    """Read a ``credentialStatus`` entry, or return the check that rejects it."""
    if not isinstance(entry, dict):
        return _status(
            CheckStatus.FAILED,
            CheckCode.INVALID_STATUS_ENTRY,
            "a credentialStatus entry must be an object",
            path,
        )
    kind = entry.get("type")
    if kind not in _KINDS:
        return _status(
            CheckStatus.ERROR,
            CheckCode.UNSUPPORTED_STATUS_METHOD,
            f"unsupported status method {kind!r}; status not checked",
            path,
        )
    purpose = entry.get("statusPurpose")
    url = entry.get("statusListCredential")
    raw_index = entry.get("statusListIndex")
    # A base-10 string of ASCII digits (Bitstring Status List 2.1): not Arabic-Indic digits,
    # "0_5", " 5" or the number 5, which int() would all read as 5.
    if not isinstance(raw_index, str) or not _INDEX.fullmatch(raw_index):
        return _status(
            CheckStatus.FAILED,
            CheckCode.INVALID_STATUS_ENTRY,
            f"statusListIndex must be a string of ASCII digits, not {raw_index!r}",
            f"{path}.statusListIndex",
        )
    if not isinstance(url, str) or not isinstance(purpose, str):
        return _bad("the status entry needs statusPurpose and statusListCredential", path)
    size = _status_size(entry, path)
    if isinstance(size, Check):
        return size
    messages = _status_messages(entry, size, path)
    if isinstance(messages, Check):
        return messages
    return _Entry(kind, purpose, url, int(raw_index), size, messages)


def _judge(entry: _Entry, cached: _CachedList, path: str, context: VerificationContext) -> Check:
    """The status the fetched list gives the entry: its issuer and purpose must match the
    credential's and the entry's, the index must lie in the list, then the bit decides."""
    purpose, url, index = entry.purpose, entry.url, entry.index
    window = _outside_validity(cached, context)
    if window is not None:
        return _status(
            CheckStatus.FAILED, CheckCode.STATUS_LIST_INVALID, f"status list {url} {window}", path
        )
    if cached.issuer != context.issuer_id:
        return _status(
            CheckStatus.FAILED,
            CheckCode.STATUS_LIST_INVALID,
            f"status list {url} was issued by {cached.issuer}, not by "
            f"the credential's issuer {context.issuer_id}",
            path,
        )
    if purpose not in cached.purposes:
        return _status(
            CheckStatus.FAILED,
            CheckCode.STATUS_LIST_INVALID,
            f"status list {url} is for {'/'.join(cached.purposes)}, not {purpose}",
            path,
        )
    entries = cached.bits.size // entry.size
    if index >= entries:
        return _status(
            CheckStatus.FAILED,
            CheckCode.INVALID_STATUS_ENTRY,
            f"statusListIndex {index} is beyond the list's {entries} entries",
            path,
        )
    value = cached.bits.get_value(index, entry.size)
    if purpose == "message":
        return _message(entry, value, path)
    if value:
        code = _SET_CODES.get(purpose, CheckCode.STATUS_SET)
        label = code.value.replace("_", " ") if purpose in _SET_CODES else f"status {purpose}"
        return _status(CheckStatus.FAILED, code, f"{label} (bit {index} of {url})", path)
    state = {"revocation": "revoked", "suspension": "suspended"}.get(purpose, purpose)
    return _status(
        CheckStatus.PASSED,
        CheckCode.ACTIVE,
        f"not {state} ({purpose} list {url})",
        path,
    )


def _message(entry: _Entry, value: int, path: str) -> Check:
    """A ``message`` status says something the issuer defines; it never decides the verdict
    (the spec leaves its meaning to the issuer), so a value other than 0x0 is a warning."""
    text = entry.messages[value] if entry.messages else ("set" if value else "unset")
    said = f"status {value:#x} ({text!r}) in message list {entry.url}"
    if value == 0:
        return _status(CheckStatus.PASSED, CheckCode.ACTIVE, said, path)
    return _status(
        CheckStatus.FAILED,
        CheckCode.STATUS_MESSAGE,
        f"{said}; what it means is the issuer's to say",
        path,
        severity="warning",
    )


def _outside_validity(cached: _CachedList, context: VerificationContext) -> str | None:
    if cached.valid_from is not None and cached.valid_from > context.now + context.clock_skew:
        return f"is not valid until {format_datetime(cached.valid_from)}"
    if cached.valid_until is not None and cached.valid_until < context.now - context.clock_skew:
        return f"expired at {format_datetime(cached.valid_until)}"
    return None


def _id_warning(entry: _Entry, cached: _CachedList, path: str) -> Check:
    # What 1EdTech's validator and the reference stack do: the list is still used.
    return _status(
        CheckStatus.FAILED,
        CheckCode.STATUS_LIST_ID_MISMATCH,
        f"status list fetched from {entry.url} says its id is {cached.stated_id}",
        f"{path}.statusListCredential",
        severity="warning",
    )


@dataclass
class StatusChecker:
    """Checks ``credentialStatus`` entries; plug it into :class:`~openmicrocred.Verifier`.

    :param unreachable: ``"fail"`` (default): a list that cannot be fetched makes the status
        check an error that blocks verification; ``"warn"``: reported as a warning.
    :param default_ttl: how long (seconds) to cache a list that states no ``ttl``.
    :param reread: URLs of lists to read again on every check whatever their ``ttl`` (such
        as a service's own lists, read from its disk, so that a revocation counts the moment
        it is published); a list whose bytes did not change is not verified again.
    :param max_lists: how many lists to keep cached; the ones closest to expiry go first.
    """

    unreachable: Literal["fail", "warn"] = "fail"
    default_ttl: float = 300.0
    reread: Container[str] = ()
    max_lists: int = 1024
    _cache: dict[str, _CachedList] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, credential: JSONObject, context: VerificationContext) -> list[Check]:
        raw = credential.get("credentialStatus")
        many = isinstance(raw, list)
        checks: list[Check] = []
        for i, entry in enumerate(as_list(raw)):
            path = f"$.credentialStatus[{i}]" if many else "$.credentialStatus"
            checks += self._check_entry(entry, path, context)
        return checks

    def _check_entry(self, entry: Any, path: str, context: VerificationContext) -> list[Check]:
        parsed = _parse_entry(entry, path)
        if isinstance(parsed, Check):
            return [parsed]
        cached = self._fetch(parsed, path, context)
        if isinstance(cached, Check):
            return [cached]
        judged = _judge(parsed, cached, path, context)
        return [judged, _id_warning(parsed, cached, path)] if cached.stated_id else [judged]

    def _fetch(self, entry: _Entry, path: str, context: VerificationContext) -> _CachedList | Check:
        """The entry's status list, or the check that reports why it cannot be had."""
        try:
            return self._list(entry.url, entry.kind, context)
        except FetchError as exc:
            severity: Literal["error", "warning"] = (
                "warning" if self.unreachable == "warn" else "error"
            )
            return _status(
                CheckStatus.ERROR,
                CheckCode.STATUS_LIST_UNREACHABLE,
                f"status list {entry.url} unreachable: {exc.reason}",
                path,
                severity=severity,
            )
        except OpenMicrocredError as exc:
            return _status(
                CheckStatus.FAILED,
                CheckCode.STATUS_LIST_INVALID,
                f"status list {entry.url}: {exc}",
                path,
            )

    def _list(self, url: str, kind: str, context: VerificationContext) -> _CachedList:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(url)
        again = url in self.reread
        if cached is not None and cached.expires > now and not again:
            return cached
        credential_type, subject_type, multibase = _KINDS[kind]
        body, _ = context.fetcher.get(url, accept="application/vc+ld+json, application/vc+jwt")
        if (
            again
            and cached is not None
            and cached.body == body
            and cached.subject_type == (subject_type)
        ):
            return cached  # the same signed bytes: the same list
        document, issuer = self._verified(body, url, context)
        types = as_list(document.get("type"))
        if credential_type not in types:
            raise StatusListError(f"not a {credential_type}")
        subject = document.get("credentialSubject")
        if not isinstance(subject, dict) or subject_type not in as_list(subject.get("type")):
            raise StatusListError(f"its credentialSubject is not a {subject_type}")
        from ...status.bitstring import BitString  # (only for credentials with a status)

        bits = BitString.decode(str(subject.get("encodedList", "")), multibase=multibase)
        ttl = subject.get("ttl")
        seconds = ttl / 1000 if isinstance(ttl, int | float) and ttl > 0 else self.default_ttl
        stated = document.get("id")
        entry = _CachedList(
            now + seconds,
            bits,
            tuple(str(p) for p in as_list(subject.get("statusPurpose"))),
            subject_type,
            issuer,
            _date(document, "validFrom", "issuanceDate"),
            _date(document, "validUntil", "expirationDate"),
            stated if isinstance(stated, str) and stated != url else None,
            body,
        )
        with self._lock:
            self._cache[url] = entry
            if len(self._cache) > self.max_lists:
                for stale in sorted(self._cache, key=lambda u: self._cache[u].expires)[
                    : len(self._cache) - self.max_lists
                ]:
                    del self._cache[stale]
        return entry

    @staticmethod
    def _verified(
        body: bytes, url: str, context: VerificationContext
    ) -> tuple[JSONObject, str | None]:
        # Imported here: a VC-JWT badge's status list need not load the Data Integrity suites.
        from ...suites import verify_proofs
        from ...suites.vc_jwt import verify_jwt

        text = body.decode("utf-8", errors="replace").strip()
        if not text.startswith("{"):
            result = verify_jwt(text, resolver=context.resolver)
            issuer = id_of(result.credential.get("issuer"))
            if result.controller != issuer:
                raise StatusListError("the status list's VC-JWT key is not its issuer's")
            return result.credential, issuer
        try:
            document = json.loads(text)
        except ValueError:
            raise StatusListError("not JSON") from None
        if not isinstance(document, dict):
            raise StatusListError("not a JSON object")
        issuer = id_of(document.get("issuer"))
        results = verify_proofs(
            document,
            resolver=context.resolver,
            loader=context.loader,
            registry=context.registry,
            expected_controller=issuer,
            now=context.now,
            clock_skew=context.clock_skew,
        )
        if not results:
            raise StatusListError("the status list is not signed")
        if not any(r.verified for r in results):
            raise StatusListError(f"its proof does not verify: {results[0].error}")
        return document, issuer


def _date(document: JSONObject, *names: str) -> datetime | None:
    for name in names:
        if name in document:
            try:
                return parse_datetime(str(document[name]))
            except ValueError:
                raise StatusListError(f"its {name} {document[name]!r} is not a date-time") from None
    return None


check_status = StatusChecker()
"""A shared default checker (fail when a list is unreachable, cache per ttl)."""


def status_checks(
    credential: JSONObject, context: VerificationContext, checker: StatusCheck | None
) -> list[Check]:
    """The status checks of a credential: none to do, no checker configured (an error, never
    a pass), or what ``checker`` finds."""
    if credential.get("credentialStatus") is None:
        return [
            make_check(
                CheckName.STATUS,
                CheckStatus.SKIPPED,
                CheckCode.NO_STATUS,
                "the credential has no credentialStatus",
            )
        ]
    if checker is None:
        return [
            make_check(
                CheckName.STATUS,
                CheckStatus.ERROR,
                CheckCode.STATUS_NOT_CHECKED,
                "status not checked (no status checker configured)",
                "$.credentialStatus",
            )
        ]
    try:
        return checker(credential, context)
    except OpenMicrocredError as exc:
        return [
            make_check(
                CheckName.STATUS, CheckStatus.ERROR, code_of(exc), str(exc), "$.credentialStatus"
            )
        ]
