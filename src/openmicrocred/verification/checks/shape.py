"""A quick, pydantic-free answer to "does this Open Badge parse into its model?".

The structure check parses an Open Badges credential into its pydantic model
(:func:`openmicrocred.models.parse_credential`). Importing and building those models costs a
command-line run more than the rest of the verification, so this module answers first, for
the common, plainly well-formed credential: :func:`well_formed_kind` returns the model class
name only when every property the model knows holds a value the model accepts (the same
rules, written as data). Anything it does not cover for sure (an endorsement, a CLR, an
unusual but maybe valid value) returns ``None``, and the structure check asks the models,
which then also word the errors. So it may say "not sure" too often, never "valid" for
a credential the models refuse; tests/test_structure_shape.py checks it against the models
on every credential in tests/ and on generated ones.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from ..._time import parse_datetime
from ...models import vocab

__all__ = ["well_formed_kind"]

Rule = Callable[[Any], bool]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_WS = re.compile(r"\s")
_VC_CONTEXTS = ("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1")
_OB_CONTEXT_PREFIXES = (
    "https://purl.imsglobal.org/spec/ob/v3p0/context",
    "https://imsglobal.github.io/openbadges-specification/",
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _str(value: Any) -> bool:
    """A string the models take as one (a lone surrogate is not valid UTF-8)."""
    return isinstance(value, str) and (value.isascii() or not _SURROGATE.search(value))


def _iri(value: Any) -> bool:
    return _str(value) and bool(_SCHEME.match(value)) and not _WS.search(value)


def _datetime(value: Any) -> bool:
    if not _str(value):
        return False
    try:
        parse_datetime(value)
    except (ValueError, OverflowError):
        return False
    return True


def _text(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_str(k) and _str(v) for k, v in value.items())
    return _str(value)


def _number(value: Any) -> bool:
    return type(value) is int or (type(value) is float and math.isfinite(value))


def _strict_int(value: Any) -> bool:
    return type(value) is int


def _bool(value: Any) -> bool:
    return type(value) is bool


def _one_of(*rules: Rule) -> Rule:
    return lambda value: any(rule(value) for rule in rules)


def _list_of(rule: Rule) -> Rule:
    """A list-valued property: a list of items, or one item (the models wrap it)."""

    def check(value: Any) -> bool:
        if not isinstance(value, list):
            return rule(value)
        for item in value:  # noqa: SIM110 (a loop is faster than all(); runs for most properties)
            if not rule(item):
                return False
        return True

    return check


def _all(rule: Rule) -> Rule:
    """A list (not a single value) of items that each follow ``rule``."""
    return lambda value: isinstance(value, list) and all(rule(item) for item in value)


def _types(*wanted: str) -> Rule:
    """A ``type`` list that must include one of ``wanted``."""
    wanted_set = frozenset(wanted)

    def check(value: Any) -> bool:
        items = value if isinstance(value, list) else [value]
        for t in items:
            if not _str(t):
                return False
        return not wanted_set.isdisjoint(items)

    return check


def _single_type(name: str) -> Rule:
    return lambda value: value == name or value == [name]


def _enum_or_ext(values: frozenset[str]) -> Rule:
    return lambda value: (
        _str(value) and (value in values or (value.startswith("ext:") and len(value) > 4))
    )


def _closed(values: frozenset[str]) -> Rule:
    return lambda value: _str(value) and value in values


_STRING_RULES = frozenset({_str, _text})
"""The rules a plain string (without lone surrogates) always meets."""

REQUIRED, OPTIONAL, DEFAULTED = "required", "optional", "defaulted"
"""A property must be there (not ``null``); may be left out or ``null``; may be left out
(it has a default) but not be ``null``."""

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def _python_name(key: str) -> str:
    return _CAMEL.sub(r"_\1", key.lstrip("@")).lower()


class _Model:
    """A model as data: JSON key -> (rule, REQUIRED / OPTIONAL / DEFAULTED)."""

    def __init__(self, fields: dict[str, tuple[Rule, str]]) -> None:
        self.fields = fields
        self.names = frozenset(_python_name(k) for k in fields) - fields.keys()
        self.required = frozenset(k for k, (_, p) in fields.items() if p == REQUIRED)

    def __call__(self, value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        fields = self.fields
        for key, item in value.items():
            spec = fields.get(key)
            if spec is None:
                if key in self.names:  # a property given by its python name: ask the models
                    return False
            elif item is None:
                if spec[1] != OPTIONAL:
                    return False
            elif type(item) is str and spec[0] in _STRING_RULES:
                # (a plain string where a string or text is wanted, checked inline: most are)
                if not item.isascii() and _SURROGATE.search(item):
                    return False
            elif not spec[0](item):
                return False
        return value.keys() >= self.required


def _model(fields: dict[str, tuple[Rule, str]]) -> _Model:
    return _Model(fields)


_R, _O, _D = REQUIRED, OPTIONAL, DEFAULTED
_IMAGE = _model({"id": (_iri, _R), "type": (_single_type("Image"), _D), "caption": (_text, _O)})
_IMAGE_OR_IRI = _one_of(_IMAGE, _iri)
_ALIGNMENT = _model(
    {
        "type": (_types("Alignment"), _D),
        "targetName": (_text, _R),
        "targetUrl": (_iri, _R),
        "targetCode": (_str, _O),
        "targetDescription": (_text, _O),
        "targetFramework": (_text, _O),
        "targetType": (_enum_or_ext(vocab.ALIGNMENT_TARGET_TYPES), _O),
    }
)
_IDENTIFIER_ENTRY = _model(
    {
        "type": (_single_type("IdentifierEntry"), _D),
        "identifier": (_str, _R),
        "identifierType": (_enum_or_ext(vocab.IDENTIFIER_TYPES), _R),
    }
)
_IDENTITY = _model(
    {
        "type": (_single_type("IdentityObject"), _D),
        "hashed": (_bool, _R),
        "identityHash": (_str, _R),
        "identityType": (_enum_or_ext(vocab.IDENTIFIER_TYPES), _R),
        "salt": (_str, _O),
    }
)
_RELATED = _model(
    {
        "id": (_iri, _R),
        "type": (_types("Related"), _D),
        "inLanguage": (_str, _O),
        "version": (_str, _O),
    }
)
_EVIDENCE = _model(
    {
        "id": (_iri, _O),
        "type": (_types("Evidence"), _D),
        **dict.fromkeys(("narrative", "name", "description", "genre", "audience"), (_text, _O)),
    }
)
_GEO = _model(
    {
        "type": (_single_type("GeoCoordinates"), _D),
        "latitude": (_number, _R),
        "longitude": (_number, _R),
    }
)
_ADDRESS = _model(
    {
        "type": (_types("Address"), _D),
        **dict.fromkeys(
            ("addressCountry", "addressRegion", "addressLocality", "streetAddress"), (_text, _O)
        ),
        **dict.fromkeys(("addressCountryCode", "postOfficeBoxNumber", "postalCode"), (_str, _O)),
        "geo": (_GEO, _O),
    }
)
_NO_ENDORSEMENT: Rule = lambda value: False  # noqa: E731  (endorsements: ask the models)
_PROFILE_FIELDS: dict[str, tuple[Rule, str]] = {
    "id": (_iri, _R),
    "type": (_types("Profile"), _D),
    "url": (_iri, _O),
    "endorsement": (_NO_ENDORSEMENT, _O),
    "endorsementJwt": (_list_of(_str), _O),
    "image": (_IMAGE_OR_IRI, _O),
    "address": (_ADDRESS, _O),
    "otherIdentifier": (_list_of(_IDENTIFIER_ENTRY), _O),
    "parentOrg": (_NO_ENDORSEMENT, _O),  # a nested Profile: ask the models
    **dict.fromkeys(("phone", "email", "dateOfBirth"), (_str, _O)),
    **dict.fromkeys(
        (
            "name",
            "description",
            "official",
            "familyName",
            "givenName",
            "additionalName",
            "patronymicName",
            "honorificPrefix",
            "honorificSuffix",
            "familyNamePrefix",
        ),
        (_text, _O),
    ),
}
_PROFILE = _model(_PROFILE_FIELDS)
_LEVEL = _model(
    {
        "id": (_iri, _R),
        "type": (_types("RubricCriterionLevel"), _D),
        "name": (_text, _R),
        "alignment": (_list_of(_ALIGNMENT), _O),
        "description": (_text, _O),
        "level": (_text, _O),
        "points": (_str, _O),
    }
)
_RESULT_DESCRIPTION = _model(
    {
        "id": (_iri, _R),
        "type": (_types("ResultDescription"), _D),
        "name": (_text, _R),
        "resultType": (_enum_or_ext(vocab.RESULT_TYPES), _R),
        "alignment": (_list_of(_ALIGNMENT), _O),
        "allowedValue": (_list_of(_str), _O),
        "requiredLevel": (_iri, _O),
        "requiredValue": (_str, _O),
        "rubricCriterionLevel": (_list_of(_LEVEL), _O),
        "valueMax": (_str, _O),
        "valueMin": (_str, _O),
    }
)
_ACHIEVEMENT = _model(
    {
        "id": (_iri, _R),
        "type": (_types("Achievement"), _D),
        "name": (_text, _R),
        "description": (_text, _R),
        "criteria": (_model({"id": (_iri, _O), "narrative": (_text, _O)}), _R),
        "achievementType": (_enum_or_ext(vocab.ACHIEVEMENT_TYPES), _O),
        "alignment": (_list_of(_ALIGNMENT), _O),
        "creator": (_PROFILE, _O),
        "creditsAvailable": (_number, _O),
        "endorsement": (_NO_ENDORSEMENT, _O),
        "endorsementJwt": (_list_of(_str), _O),
        "fieldOfStudy": (_text, _O),
        "humanCode": (_str, _O),
        "image": (_IMAGE_OR_IRI, _O),
        "inLanguage": (_str, _O),
        "otherIdentifier": (_list_of(_IDENTIFIER_ENTRY), _O),
        "related": (_list_of(_RELATED), _O),
        "resultDescription": (_list_of(_RESULT_DESCRIPTION), _O),
        "specialization": (_text, _O),
        "tag": (_list_of(_str), _O),
        "version": (_str, _O),
    }
)
_RESULT = _model(
    {
        "type": (_types("Result"), _D),
        "achievedLevel": (_iri, _O),
        "alignment": (_list_of(_ALIGNMENT), _O),
        "resultDescription": (_iri, _O),
        "status": (_closed(vocab.RESULT_STATUS_TYPES), _O),
        "value": (_str, _O),
    }
)
_SUBJECT = _model(
    {
        "id": (_iri, _O),
        "type": (_types("AchievementSubject"), _D),
        "achievement": (_ACHIEVEMENT, _R),
        "activityEndDate": (_datetime, _O),
        "activityStartDate": (_datetime, _O),
        "creditsEarned": (_number, _O),
        "identifier": (_list_of(_IDENTITY), _O),
        "image": (_IMAGE_OR_IRI, _O),
        "licenseNumber": (_str, _O),
        "result": (_list_of(_RESULT), _O),
        "source": (_PROFILE, _O),
        **dict.fromkeys(("narrative", "role", "term"), (_text, _O)),
    }
)


def _contexts(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return (
        bool(items)
        and all(_str(c) or isinstance(c, dict) for c in items)
        and items[0] in _VC_CONTEXTS
        and any(isinstance(c, str) and c.startswith(_OB_CONTEXT_PREFIXES) for c in items)
    )


def _status_entry(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    kind = value.get("type")
    if kind in ("BitstringStatusListEntry", "StatusList2021Entry"):
        return _LIST_ENTRY(value) and (kind == "StatusList2021Entry" or _BITSTRING_EXTRA(value))
    if kind == "1EdTechRevocationList":
        return _iri(value.get("id"))
    return _model({"id": (_iri, _O), "type": (_str, _R)})(value)


_LIST_ENTRY = _model(
    {
        "id": (_iri, _O),
        "type": (_str, _D),
        "statusPurpose": (_str, _R),
        "statusListIndex": (_one_of(_str, _strict_int), _R),
        "statusListCredential": (_iri, _R),
    }
)
_BITSTRING_EXTRA = _model(
    {
        "statusSize": (_strict_int, _O),
        "statusMessage": (_list_of(lambda m: isinstance(m, dict)), _O),
        "statusReference": (_one_of(_iri, _all(_iri)), _O),
    }
)
_PROOF = _model(
    {
        "type": (_str, _R),
        "created": (_datetime, _O),
        "expires": (_datetime, _O),
        "domain": (_one_of(_str, _all(_str)), _O),
        "previousProof": (_one_of(_str, _all(_str)), _O),
        **dict.fromkeys(
            (
                "cryptosuite",
                "verificationMethod",
                "proofPurpose",
                "proofValue",
                "challenge",
                "nonce",
                "id",
                "jws",
            ),
            (_str, _O),
        ),
    }
)
_ACHIEVEMENT_CREDENTIAL = _model(
    {
        "@context": (_contexts, _R),
        "id": (_iri, _R),
        "type": (_types("VerifiableCredential"), _D),
        "issuer": (_one_of(_PROFILE, _iri), _R),
        **dict.fromkeys(
            ("validFrom", "validUntil", "issuanceDate", "expirationDate", "awardedDate"),
            (_datetime, _O),
        ),
        "name": (_text, _O),
        "description": (_text, _O),
        "proof": (_list_of(_PROOF), _O),
        "credentialSchema": (_list_of(_model({"id": (_iri, _R), "type": (_str, _R)})), _O),
        "credentialStatus": (_list_of(_status_entry), _O),
        "refreshService": (_list_of(_model({"id": (_iri, _R), "type": (_str, _R)})), _O),
        "termsOfUse": (_list_of(_model({"id": (_iri, _O), "type": (_str, _R)})), _O),
        "credentialSubject": (_SUBJECT, _R),
        "image": (_IMAGE_OR_IRI, _O),
        "endorsement": (_NO_ENDORSEMENT, _O),
        "endorsementJwt": (_list_of(_str), _O),
        "evidence": (_list_of(_EVIDENCE), _O),
    }
)


def _items(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def _references_ok(subject: dict[str, Any]) -> bool:
    """The subject's results name result descriptions and rubric levels of its achievement,
    and a result of a ``Status`` description has a status (the models' reference check)."""
    descriptions = _items(subject["achievement"].get("resultDescription"))
    levels = {
        level["id"] for rd in descriptions for level in _items(rd.get("rubricCriterionLevel"))
    }
    for result in _items(subject.get("result")):
        named = result.get("resultDescription")
        rd = next((d for d in descriptions if d["id"] == named), None)
        if named is not None and rd is None:
            return False
        level = result.get("achievedLevel")
        if level is not None and level not in levels:
            return False
        if rd is not None and rd["resultType"] == "Status" and result.get("status") is None:
            return False
    return True


def well_formed_kind(credential: dict[str, Any]) -> str | None:
    """``"AchievementCredential"`` when ``credential`` surely parses into that model (with
    its references checked); ``None`` when the models must be asked."""
    raw = credential.get("type")
    types = raw if isinstance(raw, list) else [raw]
    if "ClrCredential" in types or "EndorsementCredential" in types:
        return None
    if "AchievementCredential" not in types and "OpenBadgeCredential" not in types:
        return None
    if not _ACHIEVEMENT_CREDENTIAL(credential):
        return None
    if credential.get("validFrom") is None and credential.get("issuanceDate") is None:
        return None
    if not _types("AchievementCredential", "OpenBadgeCredential")(raw):
        return None
    return "AchievementCredential" if _references_ok(credential["credentialSubject"]) else None
