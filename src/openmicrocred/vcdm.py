"""The rules of the W3C Verifiable Credentials Data Model (2.0, and 1.1) that any credential
must keep, whatever else it is: base context, types, issuer, subject, dates and the typed
entries (``credentialStatus``, ``credentialSchema``, ``refreshService``, ``evidence``,
``termsOfUse``, ``relatedResource``).

:func:`credential_errors` lists every problem with its JSON path; the issuing side refuses a
credential that has any (:func:`check_credential`), and the verifier reports them as the
structure check of a credential that is not an Open Badge.

https://www.w3.org/TR/vc-data-model-2.0/ and https://www.w3.org/TR/vc-data-model/ (1.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ._json import as_list
from ._time import parse_datetime
from .errors import CredentialError, ErrorDetail
from .types import JSONObject

__all__ = [
    "VC_V1",
    "VC_V2",
    "check_credential",
    "credential_errors",
    "is_credential",
    "presentation_errors",
    "version_of",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"

# XML Schema dateTimeStamp: a date-time with a time zone (VC DM 2.0 §4.9).
_DATE_TIME = re.compile(
    r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(\.\d+)?(?P<zone>Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?"
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_TYPED = ("credentialStatus", "credentialSchema", "refreshService", "evidence", "termsOfUse")
_NEEDS_ID = ("credentialSchema",)


def version_of(document: JSONObject) -> int | None:
    """2 or 1 for a document whose first context is the VC 2.0 or 1.1 base context."""
    first = next(iter(as_list(document.get("@context"))), None)
    return {VC_V2: 2, VC_V1: 1}.get(first) if isinstance(first, str) else None


def is_credential(document: Any) -> bool:
    """Whether ``document`` presents itself as a verifiable credential (the
    ``VerifiableCredential`` type or a ``credentialSubject``), as opposed to a presentation,
    a proof configuration or some other JSON."""
    if not isinstance(document, dict):
        return False
    types = as_list(document.get("type"))
    if "VerifiablePresentation" in types:
        return False
    return "VerifiableCredential" in types or "credentialSubject" in document


def check_credential(document: JSONObject) -> None:
    """Raise :class:`CredentialError` listing every VC Data Model rule ``document`` breaks."""
    errors = credential_errors(document)
    if errors:
        raise CredentialError("not a valid verifiable credential", errors)


def credential_errors(document: JSONObject) -> list[ErrorDetail]:
    """Every VC Data Model rule ``document`` breaks, each with its JSON path."""
    return [ErrorDetail(path, message) for path, message in _problems(document)]


def _problems(doc: JSONObject) -> Iterator[tuple[str, str]]:
    version = version_of(doc)
    if version is None:
        yield "$['@context']", f"the first @context must be {VC_V2} (or, for VC 1.1, {VC_V1})"
    yield from _types(doc)
    yield from _issuer(doc.get("issuer"))
    yield from _subjects(doc)
    if "id" in doc and not _is_url(doc["id"]):
        yield "$.id", f"id must be a URL, not {doc['id']!r}"
    yield from _dates(doc, version)
    for name in _TYPED:
        yield from _typed_entries(doc, name)
    yield from _related_resources(doc.get("relatedResource"))


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and bool(_URL.fullmatch(value))


def _types(doc: JSONObject) -> Iterator[tuple[str, str]]:
    types = doc.get("type")
    if not all(isinstance(t, str) and t for t in as_list(types)):
        yield "$.type", "every type must be a non-empty string"
    elif "VerifiableCredential" not in as_list(types):
        yield "$.type", "type must include VerifiableCredential"


def _issuer(issuer: Any) -> Iterator[tuple[str, str]]:
    if issuer is None:
        yield "$.issuer", "a credential must name its issuer"
    elif isinstance(issuer, dict):
        if not _is_url(issuer.get("id")):
            yield "$.issuer.id", "the issuer object must have an id that is a URL"
    elif not _is_url(issuer):
        yield "$.issuer", f"issuer must be a URL or an object with an id, not {issuer!r}"


def _subjects(doc: JSONObject) -> Iterator[tuple[str, str]]:
    subjects = doc.get("credentialSubject")
    if subjects is None or subjects == []:
        yield "$.credentialSubject", "a credential must have a credentialSubject"
        return
    many = isinstance(subjects, list)
    for i, subject in enumerate(as_list(subjects)):
        path = f"$.credentialSubject[{i}]" if many else "$.credentialSubject"
        if not isinstance(subject, dict) or not subject:
            yield path, "each credentialSubject must be a non-empty object"
        elif "id" in subject and not _is_url(subject["id"]):
            yield f"{path}.id", f"credentialSubject id must be a URL, not {subject['id']!r}"


def _dates(doc: JSONObject, version: int | None) -> Iterator[tuple[str, str]]:
    if version == 1 and "validFrom" not in doc and "issuanceDate" not in doc:
        yield "$.issuanceDate", "a VC 1.1 credential must have an issuanceDate"
    times = {}
    for name in ("validFrom", "validUntil", "issuanceDate", "expirationDate"):
        if name not in doc:
            continue
        value = doc[name]
        match = _DATE_TIME.fullmatch(value) if isinstance(value, str) else None
        # VC 2.0 needs a time zone (dateTimeStamp); VC 1.1's xsd:dateTime may omit it.
        if match is None or (version != 1 and match.group("zone") is None):
            yield f"$.{name}", f"{name} must be a date-time with a time zone, not {value!r}"
            continue
        try:
            times[name] = parse_datetime(value)
        except ValueError:
            yield f"$.{name}", f"{name} {value!r} is not a real date-time"
    for start, end in (("validFrom", "validUntil"), ("issuanceDate", "expirationDate")):
        if start in times and end in times and times[end] < times[start]:
            yield f"$.{end}", f"{end} ({doc[end]}) is before {start} ({doc[start]})"


def _typed_entries(doc: JSONObject, name: str) -> Iterator[tuple[str, str]]:
    if name not in doc:
        return
    value = doc[name]
    many = isinstance(value, list)
    for i, entry in enumerate(as_list(value)):
        path = f"$.{name}[{i}]" if many else f"$.{name}"
        if not isinstance(entry, dict):
            yield path, f"each {name} entry must be an object"
            continue
        types = entry.get("type")
        if not types or not all(isinstance(t, str) and t for t in as_list(types)):
            yield f"{path}.type", f"each {name} entry must have a type"
        if "id" in entry and not _is_url(entry["id"]):
            yield f"{path}.id", f"{name} id must be a URL, not {entry['id']!r}"
        elif name in _NEEDS_ID and "id" not in entry:
            yield f"{path}.id", f"each {name} entry must have an id"


def _related_resources(value: Any) -> Iterator[tuple[str, str]]:
    if value is None:
        return
    many = isinstance(value, list)
    seen: set[str] = set()
    for i, entry in enumerate(as_list(value)):
        path = f"$.relatedResource[{i}]" if many else "$.relatedResource"
        if not isinstance(entry, dict) or not _is_url(entry.get("id")):
            yield path, "each relatedResource must be an object with an id that is a URL"
            continue
        if entry["id"] in seen:
            yield f"{path}.id", f"relatedResource {entry['id']} is listed twice"
        seen.add(entry["id"])
        digests = [k for k in ("digestSRI", "digestMultibase") if k in entry]
        if not digests:
            yield path, "a relatedResource needs a digestSRI or digestMultibase"
        for key in digests:
            if not isinstance(entry[key], str) or not entry[key]:
                yield f"{path}.{key}", f"{key} must be a non-empty string"


def presentation_errors(document: JSONObject) -> list[ErrorDetail]:
    """Every VC Data Model rule a verifiable presentation breaks, each with its JSON path."""
    return [ErrorDetail(path, message) for path, message in _presentation_problems(document)]


def _presentation_problems(doc: JSONObject) -> Iterator[tuple[str, str]]:
    if version_of(doc) is None:
        yield "$['@context']", f"the first @context must be {VC_V2} (or, for VC 1.1, {VC_V1})"
    if "VerifiablePresentation" not in as_list(doc.get("type")):
        yield "$.type", "type must include VerifiablePresentation"
    holder = doc.get("holder")
    if holder is not None and not _is_url(holder.get("id") if isinstance(holder, dict) else holder):
        yield "$.holder", "holder must be a URL or an object with an id that is a URL"
    if "id" in doc and not _is_url(doc["id"]):
        yield "$.id", f"id must be a URL, not {doc['id']!r}"
    many = isinstance(doc.get("verifiableCredential"), list)
    for i, vc in enumerate(as_list(doc.get("verifiableCredential"))):
        if not isinstance(vc, dict | str):
            path = f"$.verifiableCredential[{i}]" if many else "$.verifiableCredential"
            yield path, "each verifiableCredential must be a credential object or a VC-JWT"
