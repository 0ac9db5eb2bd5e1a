"""Verify an Open Badges 2.0 Assertion, hosted or signed (OB 2.0 §Verification), as findings.

This module sits below :mod:`openmicrocred.verification`, which turns each :class:`Finding`
into a report ``Check`` (family and code are the values of its ``CheckName`` and ``CheckCode``
members; a test holds every :class:`Ob2Code` to one). Behaviour follows 1EdTech's reference
validator (openbadges-validator-core): a hosted assertion is fetched from its ``id``, which must
be the URL it came from and lie in its issuer's verification scope (by default, the issuer
``id``'s host); a signed one is an RS256 JWS verified with a ``CryptographicKey`` the issuer
lists in ``publicKey`` and whose ``owner`` is the issuer; either may be listed in the issuer's
``revocationList`` (and a hosted one answered with ``410 Gone``). All fetching goes through
the caller's :class:`~openmicrocred.fetch.Fetcher`: offline, a hosted badge cannot be checked.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError

from .._encoding import b64url_decode
from .._json import as_list, id_of
from .._time import parse_datetime
from ..errors import FetchError, OpenMicrocredError
from ..fetch import Fetcher
from ..keys import RSAPublicKey, public_key_from_pem
from .models import (
    Ob2Assertion,
    Ob2BadgeClass,
    Ob2CryptographicKey,
    Ob2Model,
    Ob2Profile,
    Ob2RevocationList,
    verification_kind,
)
from .recipient import matches

__all__ = ["Finding", "Ob2Code", "Ob2Outcome", "verify_ob2"]

_M = TypeVar("_M", bound=Ob2Model)
ACCEPT = "application/ld+json, application/json;q=0.9"
_GONE = "HTTP status 410"  # the Fetcher's reason for a 410 Gone answer


class Ob2Code(StrEnum):
    """The codes of OB 2.0 findings (each is also a ``CheckCode`` value)."""

    STRUCTURE_OK = "structure_ok"
    INVALID = "invalid"
    PROOF_OK = "proof_ok"
    NO_PROOF = "no_proof"
    FETCH_FAILED = "fetch_failed"
    ASSERTION_ID_MISMATCH = "assertion_id_mismatch"
    HOSTED_SCOPE_MISMATCH = "hosted_scope_mismatch"
    ISSUER_KEY_MISMATCH = "issuer_key_mismatch"
    SIGNATURE_INVALID = "signature_invalid"
    NO_USABLE_KEY = "no_usable_key"
    ACTIVE = "active"
    NO_STATUS = "no_status"
    REVOKED = "revoked"
    STATUS_LIST_UNREACHABLE = "status_list_unreachable"
    DATES_OK = "dates_ok"
    INVALID_DATE = "invalid_date"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    RECIPIENT_OK = "recipient_ok"
    RECIPIENT_MISMATCH = "recipient_mismatch"


@dataclass(frozen=True)
class Finding:
    """One check's outcome: ``family`` and ``status`` are ``CheckName``/``CheckStatus`` values."""

    family: str
    status: str
    code: Ob2Code
    message: str
    path: str | None = None


@dataclass
class Ob2Outcome:
    """What verification found: the assertion as verified (for a hosted badge, as fetched
    from its ``id``), its BadgeClass and issuer, and what was fetched (URL, SHA-256)."""

    assertion: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    badge: dict[str, Any] | None = None
    issuer: dict[str, Any] | None = None
    fetched: dict[str, str] = field(default_factory=dict)

    def add(
        self, family: str, status: str, code: Ob2Code, message: str, path: str | None = None
    ) -> None:
        self.findings.append(Finding(family, status, code, message, path))


class _Stop(Exception):  # noqa: N818 (internal: a finding that ends the verification)
    pass


def _get(url: str, fetcher: Fetcher, outcome: Ob2Outcome, what: str) -> dict[str, Any]:
    """Fetch ``url`` as JSON whose ``id`` must be ``url``; record its digest."""
    try:
        body, _ = fetcher.get(url, accept=ACCEPT)
    except FetchError as exc:
        if exc.reason == _GONE and what == "assertion":
            outcome.add(
                "status",
                "failed",
                Ob2Code.REVOKED,
                f"the issuer answers 410 Gone for {url}: revoked",
            )
            raise _Stop from None
        outcome.add(
            "proof", "error", Ob2Code.FETCH_FAILED, f"could not fetch the {what}: {exc.reason}", url
        )
        raise _Stop from None
    outcome.fetched[url] = hashlib.sha256(body).hexdigest()
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        document = None
    if not isinstance(document, dict):
        outcome.add(
            "structure", "failed", Ob2Code.INVALID, f"the {what} at {url} is not a JSON object"
        )
        raise _Stop
    if document.get("id") != url:
        outcome.add(
            "proof",
            "failed",
            Ob2Code.ASSERTION_ID_MISMATCH,
            f"the {what} served at {url} says its id is {document.get('id')!r}: "
            "it is not the document it claims to be",
            "$.id",
        )
        raise _Stop
    return document


def _node(value: Any, fetcher: Fetcher, outcome: Ob2Outcome, what: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.startswith("https://"):
        return _get(value, fetcher, outcome, what)
    outcome.add(
        "structure", "failed", Ob2Code.INVALID, f"the {what} is neither an object nor an https URL"
    )
    raise _Stop


def _model(cls: type[_M], data: dict[str, Any], what: str, outcome: Ob2Outcome) -> _M:
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        outcome.add(
            "structure",
            "failed",
            Ob2Code.INVALID,
            f"the {what} is not valid OB 2.0: {where}: {first['msg']}",
        )
        raise _Stop from None


def _in_scope(assertion_id: str, issuer: Ob2Profile) -> str | None:
    """Why ``assertion_id`` is outside the issuer's hosted verification scope, or ``None``."""
    policy = issuer.verification
    starts = as_list(policy.starts_with) if policy else []
    if starts and not any(assertion_id.startswith(s) for s in starts):
        return f"does not start with any of {starts}"
    origins = as_list(policy.allowed_origins) if policy and policy.allowed_origins else []
    if not origins:
        origins = [urlsplit(issuer.id).hostname or ""]
    host = urlsplit(assertion_id).hostname or ""
    return None if host in origins else f"is not hosted on the issuer's origins {origins}"


def _hosted(assertion: dict[str, Any], fetcher: Fetcher, outcome: Ob2Outcome) -> Ob2Assertion:
    """Only the ``id`` of a hosted assertion in hand is trusted: it is fetched from there."""
    url = assertion.get("id")
    if not isinstance(url, str) or not url.startswith("https://"):
        outcome.add(
            "proof", "failed", Ob2Code.INVALID, "a hosted assertion needs an https id", "$.id"
        )
        raise _Stop
    fetched = _get(url, fetcher, outcome, "assertion")
    outcome.assertion = fetched
    hosted = _model(Ob2Assertion, fetched, "hosted assertion", outcome)
    if hosted.revoked:
        reason = f": {hosted.revocation_reason}" if hosted.revocation_reason else ""
        outcome.add(
            "status", "failed", Ob2Code.REVOKED, f"the issuer marks it revoked{reason}", "$.revoked"
        )
        raise _Stop
    return hosted


def _jws_parts(token: str) -> tuple[dict[str, Any], bytes, bytes]:
    header_b64, _payload_b64, signature_b64 = token.split(".")
    header = json.loads(b64url_decode(header_b64))
    return header, token.rsplit(".", 1)[0].encode("ascii"), b64url_decode(signature_b64)


def _key_ids(assertion: Ob2Assertion, issuer: Ob2Profile, outcome: Ob2Outcome) -> list[str]:
    listed = [k for k in as_list(issuer.public_key) if isinstance(k, str)]
    creator = assertion.verification.creator
    if creator is not None and creator not in listed:
        outcome.add(
            "proof",
            "failed",
            Ob2Code.ISSUER_KEY_MISMATCH,
            f"signed with key {creator}, which the issuer {issuer.id} does not list in publicKey",
            "$.verification.creator",
        )
        raise _Stop
    if not listed:
        outcome.add(
            "proof", "error", Ob2Code.NO_USABLE_KEY, f"the issuer {issuer.id} lists no publicKey"
        )
        raise _Stop
    return [creator] if creator else listed


def _signed(
    token: str, assertion: Ob2Assertion, issuer: Ob2Profile, fetcher: Fetcher, outcome: Ob2Outcome
) -> None:
    try:
        header, signing_input, signature = _jws_parts(token)
    except (ValueError, UnicodeDecodeError):
        outcome.add("proof", "failed", Ob2Code.SIGNATURE_INVALID, "the JWS is malformed")
        raise _Stop from None
    if not isinstance(header, dict) or header.get("alg") != "RS256":
        outcome.add(
            "proof",
            "failed",
            Ob2Code.SIGNATURE_INVALID,
            "the JWS is not RS256 (the only OB 2.0 algorithm accepted)",
        )
        raise _Stop
    for key_id in _key_ids(assertion, issuer, outcome):
        key = _model(
            Ob2CryptographicKey,
            _node(key_id, fetcher, outcome, "signing key"),
            "signing key",
            outcome,
        )
        if key.owner != issuer.id:
            outcome.add(
                "proof",
                "failed",
                Ob2Code.ISSUER_KEY_MISMATCH,
                f"the key {key.id} is owned by {key.owner!r}, not by the issuer {issuer.id}",
            )
            raise _Stop
        try:
            public = public_key_from_pem(key.public_key_pem.encode())
        except OpenMicrocredError:
            continue
        if not isinstance(public, RSAPublicKey):
            continue
        try:
            public.verify(signature, signing_input)
        except OpenMicrocredError:
            outcome.add(
                "proof",
                "failed",
                Ob2Code.SIGNATURE_INVALID,
                f"the signature does not verify with the issuer's key {key.id}: "
                "the badge was altered or forged",
            )
            raise _Stop from None
        outcome.add(
            "proof", "passed", Ob2Code.PROOF_OK, f"signed by the issuer's key {key.id} (RS256)"
        )
        return
    outcome.add(
        "proof", "error", Ob2Code.NO_USABLE_KEY, "none of the issuer's keys is a usable RSA key"
    )
    raise _Stop


def _revocation(
    assertion: Ob2Assertion, issuer: Ob2Profile, fetcher: Fetcher, outcome: Ob2Outcome
) -> None:
    if issuer.revocation_list is None:
        outcome.add(
            "status", "passed", Ob2Code.NO_STATUS, "the issuer publishes no revocation list"
        )
        return
    try:
        data = _node(issuer.revocation_list, fetcher, outcome, "revocation list")
    except _Stop:
        outcome.findings[-1] = Finding(
            "status", "error", Ob2Code.STATUS_LIST_UNREACHABLE, outcome.findings[-1].message
        )
        return
    listed = _model(Ob2RevocationList, data, "revocation list", outcome)
    for entry in listed.revoked_assertions:
        if entry == assertion.id or id_of(entry) == assertion.id:
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            text = f" ({reason})" if reason else ""
            outcome.add("status", "failed", Ob2Code.REVOKED, f"revoked by the issuer{text}")
            return
    outcome.add("status", "passed", Ob2Code.ACTIVE, "not on the issuer's revocation list")


def _dates(assertion: Ob2Assertion, now: datetime, skew: timedelta, outcome: Ob2Outcome) -> None:
    try:
        issued = parse_datetime(assertion.issued_on)
        expires = parse_datetime(assertion.expires) if assertion.expires else None
    except (ValueError, OpenMicrocredError) as exc:
        outcome.add(
            "dates", "failed", Ob2Code.INVALID_DATE, f"not an ISO 8601 date with a time zone: {exc}"
        )
        return
    if expires is not None and expires < now - skew:
        outcome.add(
            "dates", "failed", Ob2Code.EXPIRED, f"expired on {assertion.expires}", "$.expires"
        )
    elif issued > now + skew:
        outcome.add(
            "dates",
            "failed",
            Ob2Code.NOT_YET_VALID,
            f"issued in the future ({assertion.issued_on})",
            "$.issuedOn",
        )
    else:
        outcome.add("dates", "passed", Ob2Code.DATES_OK, "issued in the past and not expired")


def _linked(assertion: Ob2Assertion, fetcher: Fetcher, outcome: Ob2Outcome) -> Ob2Profile:
    """The BadgeClass and issuer Profile, embedded or fetched from their ids."""
    raw = assertion.badge if isinstance(assertion.badge, str) else outcome.assertion["badge"]
    badge = _model(Ob2BadgeClass, _node(raw, fetcher, outcome, "BadgeClass"), "BadgeClass", outcome)
    outcome.badge = badge.dump()
    issuer_raw = badge.issuer if isinstance(badge.issuer, str) else outcome.badge["issuer"]
    issuer = _model(
        Ob2Profile, _node(issuer_raw, fetcher, outcome, "issuer Profile"), "issuer Profile", outcome
    )
    outcome.issuer = issuer.dump()
    outcome.add(
        "structure",
        "passed",
        Ob2Code.STRUCTURE_OK,
        "an Open Badges 2.0 Assertion with its BadgeClass and issuer",
    )
    return issuer


def _run(
    assertion: Ob2Assertion,
    jws: str | None,
    fetcher: Fetcher,
    outcome: Ob2Outcome,
    now: datetime,
    skew: timedelta,
) -> Ob2Assertion:
    kind = verification_kind(assertion)
    if kind == "signed" and jws is None:
        outcome.add(
            "proof",
            "failed",
            Ob2Code.NO_PROOF,
            "a signed badge without its JWS: nothing proves who made it",
        )
        raise _Stop
    elif kind is None:
        outcome.add(
            "structure",
            "failed",
            Ob2Code.INVALID,
            "verification.type is neither hosted nor signed",
            "$.verification.type",
        )
        raise _Stop
    issuer = _linked(assertion, fetcher, outcome)
    if kind == "hosted":
        why = _in_scope(assertion.id, issuer)
        if why is not None:
            outcome.add(
                "proof",
                "failed",
                Ob2Code.HOSTED_SCOPE_MISMATCH,
                f"the assertion {assertion.id} {why}: the issuer did not publish it",
                "$.id",
            )
            raise _Stop
        outcome.add("proof", "passed", Ob2Code.PROOF_OK, f"hosted by its issuer at {assertion.id}")
    else:
        assert jws is not None
        _signed(jws, assertion, issuer, fetcher, outcome)
    _revocation(assertion, issuer, fetcher, outcome)
    _dates(assertion, now, skew, outcome)
    return assertion


def verify_ob2(
    assertion: dict[str, Any],
    *,
    jws: str | None = None,
    fetcher: Fetcher,
    now: datetime,
    clock_skew: timedelta = timedelta(minutes=5),
    recipient: tuple[str, str] | None = None,
) -> Ob2Outcome:
    """Verify an OB 2.0 Assertion.

    :param assertion: the assertion as found (for a hosted badge, only its ``id`` is trusted).
    :param jws: the compact JWS it came in, for a signed badge.
    :param recipient: (identifier, type) of the person expected to hold it, if known.
    """
    outcome = Ob2Outcome(assertion)
    try:
        if verification_kind(assertion) == "hosted":
            parsed = _hosted(assertion, fetcher, outcome)
        else:
            parsed = _model(Ob2Assertion, assertion, "assertion", outcome)
    except _Stop:
        return outcome
    with contextlib.suppress(_Stop):
        parsed = _run(parsed, jws, fetcher, outcome, now, clock_skew)
    if recipient is not None and parsed is not None:
        if matches(parsed.recipient, recipient[0], recipient[1]):
            outcome.add(
                "recipient",
                "passed",
                Ob2Code.RECIPIENT_OK,
                f"awarded to the {'hashed ' if parsed.recipient.hashed else ''}"
                f"{parsed.recipient.type} given",
                "$.recipient",
            )
        else:
            outcome.add(
                "recipient",
                "failed",
                Ob2Code.RECIPIENT_MISMATCH,
                f"not awarded to {recipient[0]}",
                "$.recipient",
            )
    return outcome
