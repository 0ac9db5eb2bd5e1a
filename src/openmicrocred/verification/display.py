"""Extract what a person wants to see of a badge, from its JSON, without trusting it."""

from __future__ import annotations

from typing import Any

from .._json import as_list
from .report import CredentialDisplay

__all__ = [
    "credential_display",
    "endorsement_summary",
]


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _image(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _pick(source: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: source[k] for k in keys if k in source and source[k] is not None}


def _issuer(issuer_raw: Any) -> dict[str, Any]:
    issuer = (
        {"id": issuer_raw}
        if isinstance(issuer_raw, str)
        else _pick(_obj(issuer_raw), "id", "name", "url", "email", "description")
    )
    issuer_image = _image(issuer_raw.get("image")) if isinstance(issuer_raw, dict) else None
    if issuer_image:
        issuer["image"] = issuer_image
    return issuer


def _achievement(achievement_raw: dict[str, Any]) -> dict[str, Any]:
    achievement = _pick(
        achievement_raw,
        "id",
        "name",
        "description",
        "achievementType",
        "humanCode",
        "fieldOfStudy",
        "specialization",
        "creditsAvailable",
        "tag",
        "version",
        "inLanguage",
    )
    criteria = _obj(achievement_raw.get("criteria"))
    if criteria:
        achievement["criteria"] = _pick(criteria, "id", "narrative")
    achievement_image = _image(achievement_raw.get("image"))
    if achievement_image:
        achievement["image"] = achievement_image
    if isinstance(achievement_raw.get("creator"), dict):
        achievement["creator"] = _pick(achievement_raw["creator"], "id", "name", "url")
    alignments = [
        _pick(
            _obj(a),
            "targetName",
            "targetUrl",
            "targetFramework",
            "targetCode",
            "targetType",
            "targetDescription",
        )
        for a in as_list(achievement_raw.get("alignment"))
    ]
    if alignments:
        achievement["alignment"] = alignments
    # Versions of the achievement in other languages (OB 3.0 ``Related`` with ``inLanguage``).
    related = [
        _pick(_obj(r), "id", "inLanguage", "name", "description", "version")
        for r in as_list(achievement_raw.get("related"))
        if isinstance(r, dict)
    ]
    if related:
        achievement["related"] = related
    return achievement


def _results(subject: dict[str, Any], achievement_raw: dict[str, Any]) -> list[dict[str, Any]]:
    # Each result is shown with the name of what it measures and the level it reached, looked
    # up in the achievement's result descriptions and rubric levels.
    descriptions = {
        rd.get("id"): rd
        for rd in (_obj(x) for x in as_list(achievement_raw.get("resultDescription")))
    }
    levels = {
        level.get("id"): level
        for rd in descriptions.values()
        for level in (_obj(x) for x in as_list(rd.get("rubricCriterionLevel")))
    }
    return [
        _result(raw, descriptions, levels)
        for raw in (_obj(x) for x in as_list(subject.get("result")))
    ]


def _result(
    raw: dict[str, Any],
    descriptions: dict[Any, dict[str, Any]],
    levels: dict[Any, dict[str, Any]],
) -> dict[str, Any]:
    entry = _pick(raw, "value", "status")
    described = raw.get("resultDescription")
    rd = descriptions.get(described) if isinstance(described, str) else None
    if rd:
        entry["description"] = rd.get("name")
        entry["resultType"] = rd.get("resultType")
        required = rd.get("requiredLevel")
        if isinstance(required, str) and required in levels:
            entry["requiredLevel"] = levels[required].get("name")
        if "requiredValue" in rd:
            entry["requiredValue"] = rd["requiredValue"]
    achieved = raw.get("achievedLevel")
    level = levels.get(achieved) if isinstance(achieved, str) else None
    if level:
        entry["achievedLevel"] = _pick(level, "name", "level", "points", "description")
    elif "achievedLevel" in raw:
        entry["achievedLevel"] = {"id": raw["achievedLevel"]}
    alignment = [_pick(_obj(a), "targetName", "targetUrl") for a in as_list(raw.get("alignment"))]
    if alignment:
        entry["alignment"] = alignment
    return entry


def _subject(subject: dict[str, Any]) -> dict[str, Any]:
    subject_display = _pick(
        subject,
        "id",
        "name",
        "role",
        "term",
        "creditsEarned",
        "licenseNumber",
        "activityStartDate",
        "activityEndDate",
    )
    identifiers = [_identifier(_obj(i)) for i in as_list(subject.get("identifier"))]
    if identifiers:
        subject_display["identifier"] = identifiers
    if isinstance(subject.get("source"), dict):
        subject_display["source"] = _pick(subject["source"], "id", "name")
    return subject_display


def _identifier(identifier: dict[str, Any]) -> dict[str, Any]:
    """An IdentityObject's kind, and as ``identity`` its plaintext value when it is not
    hashed (OB 3.0 keeps that in ``identityHash``): a value the issuer chose to show, such
    as the learner's display name. Never a hash or its salt."""
    shown = _pick(identifier, "identityType", "hashed")
    plaintext = identifier.get("identityHash")
    if identifier.get("hashed") is False and isinstance(plaintext, str):
        shown["identity"] = plaintext
    return shown


def _endorsements(
    credential: dict[str, Any], achievement_raw: dict[str, Any], issuer_raw: Any
) -> list[dict[str, Any]]:
    endorsements = []
    for place, holder in (
        ("credential", credential),
        ("achievement", achievement_raw),
        ("issuer", _obj(issuer_raw)),
    ):
        for e in (_obj(x) for x in as_list(holder.get("endorsement"))):
            endorsements.append({"on": place, **endorsement_summary(e), "verified": False})
    return endorsements


def endorsement_summary(endorsement: dict[str, Any]) -> dict[str, Any]:
    """Who an endorsement says it is from, and what it says (as it states it)."""
    endorser = endorsement.get("issuer")
    return {
        "id": endorsement.get("id"),
        "name": endorsement.get("name"),
        "endorser": endorser
        if isinstance(endorser, str)
        else _obj(endorser).get("name") or _obj(endorser).get("id"),
        "comment": _obj(endorsement.get("credentialSubject")).get("endorsementComment"),
    }


def credential_display(credential: dict[str, Any]) -> CredentialDisplay:
    """Build the display data of a credential (AchievementCredential, Endorsement, CLR)."""
    issuer_raw = credential.get("issuer")
    subject = _obj(credential.get("credentialSubject"))
    achievement_raw = _obj(subject.get("achievement"))
    evidence = [
        _pick(_obj(e), "id", "name", "description", "narrative", "genre", "audience")
        for e in as_list(credential.get("evidence"))
    ]
    return CredentialDisplay(
        id=credential.get("id") if isinstance(credential.get("id"), str) else None,
        type=[t for t in as_list(credential.get("type")) if isinstance(t, str)],
        name=credential.get("name"),
        description=credential.get("description"),
        issuer=_issuer(issuer_raw),
        subject=_subject(subject),
        achievement=_achievement(achievement_raw),
        results=_results(subject, achievement_raw),
        evidence=evidence,
        feedback=subject.get("narrative"),
        valid_from=_str(credential.get("validFrom") or credential.get("issuanceDate")),
        valid_until=_str(credential.get("validUntil") or credential.get("expirationDate")),
        awarded_date=_str(credential.get("awardedDate")),
        image=_image(credential.get("image"))
        or _image(subject.get("image"))
        or _image(achievement_raw.get("image")),
        endorsements=_endorsements(credential, achievement_raw, issuer_raw),
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
