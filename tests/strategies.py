"""Hypothesis strategies that generate valid Open Badges 3.0 credentials as JSON objects.

Only terms the OB 3.0.3 and VC 2.0 contexts define are used, so every generated credential
also passes JSON-LD safe mode.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from openmicrocred.models.vocab import ACHIEVEMENT_TYPES, ALIGNMENT_TARGET_TYPES

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

_slug = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
# An extension value of an OB 3.0 vocabulary. The 1EdTech schemas' pattern is
# "(ext:)[a-z|A-Z|0-9|.|-|_]+", unanchored: in that character class "|-|" is a range from
# "|" to "|", so "-" is not allowed, and "ext:" must be followed by a letter, digit, ".", "_"
# or "|". (A "-" right after "ext:", as in "ext:-", fails the schema.)
_ext = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._",
    min_size=1,
    max_size=12,
).map("ext:".__add__)
# Printable text, including Thai, with no control characters.
text = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=("L", "N", "P", "Zs", "S"), exclude_characters="\u2028\u2029"
    ),
    min_size=1,
    max_size=40,
)
https_iri = st.builds(lambda a, b: f"https://{a}.example/{b}", _slug, _slug)
urn_iri = st.uuids().map(lambda u: f"urn:uuid:{u}")
did_iri = _slug.map(lambda s: f"did:example:{s}")
iri = st.one_of(https_iri, urn_iri, did_iri)

_dt = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


def _lexical(d: datetime) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            d.strftime("%Y-%m-%dT%H:%M:%SZ"),
            d.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            (d + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S+07:00"),
        ]
    )


datetime_text = _dt.flatmap(_lexical)


def _maybe(d: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        d[key] = value


def _types(name: str) -> st.SearchStrategy[Any]:
    return st.sampled_from([[name], name])


@st.composite
def image(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {"id": draw(https_iri), "type": "Image"}
    _maybe(out, "caption", draw(st.none() | text))
    return out


@st.composite
def alignment(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": draw(_types("Alignment")),
        "targetName": draw(text),
        "targetUrl": draw(https_iri),
    }
    _maybe(out, "targetCode", draw(st.none() | _slug))
    _maybe(out, "targetFramework", draw(st.none() | text))
    _maybe(
        out,
        "targetType",
        draw(st.none() | st.sampled_from(sorted(ALIGNMENT_TARGET_TYPES)) | _ext),
    )
    return out


@st.composite
def profile(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {"id": draw(iri), "type": ["Profile"]}
    _maybe(out, "name", draw(st.none() | text))
    _maybe(out, "url", draw(st.none() | https_iri))
    _maybe(out, "email", draw(st.none() | _slug.map(lambda s: f"{s}@example.org")))
    _maybe(out, "image", draw(st.none() | image()))
    return out


@st.composite
def rubric_description(draw: st.DrawFn) -> dict[str, Any]:
    levels = [
        {
            "id": draw(urn_iri),
            "type": ["RubricCriterionLevel"],
            "name": draw(text),
            "points": str(points),
        }
        for points in range(draw(st.integers(1, 4)))
    ]
    return {
        "id": draw(urn_iri),
        "type": ["ResultDescription"],
        "name": draw(text),
        "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": levels,
        "requiredLevel": levels[-1]["id"],
    }


@st.composite
def status_description(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "id": draw(urn_iri),
        "type": ["ResultDescription"],
        "name": draw(text),
        "resultType": "Status",
    }


@st.composite
def achievement_and_results(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    descriptions = draw(st.lists(st.one_of(rubric_description(), status_description()), max_size=3))
    ach: dict[str, Any] = {
        "id": draw(https_iri),
        "type": ["Achievement"],
        "name": draw(text),
        "description": draw(text),
        "criteria": draw(
            st.one_of(
                st.builds(lambda n: {"narrative": n}, text),
                st.builds(lambda i, n: {"id": i, "narrative": n}, https_iri, text),
            )
        ),
    }
    _maybe(ach, "achievementType", draw(st.none() | st.sampled_from(sorted(ACHIEVEMENT_TYPES))))
    _maybe(ach, "alignment", draw(st.none() | st.lists(alignment(), min_size=1, max_size=2)))
    _maybe(ach, "image", draw(st.none() | image()))
    _maybe(ach, "creditsAvailable", draw(st.none() | st.integers(0, 60) | st.floats(0, 60)))
    _maybe(ach, "tag", draw(st.none() | st.lists(_slug, min_size=1, max_size=3)))
    if descriptions:
        ach["resultDescription"] = descriptions
    results: list[dict[str, Any]] = []
    for rd in descriptions:
        if not draw(st.booleans()):
            continue
        result: dict[str, Any] = {"type": ["Result"], "resultDescription": rd["id"]}
        if rd["resultType"] == "Status":
            result["status"] = draw(st.sampled_from(["Completed", "InProgress", "Failed"]))
        else:
            result["achievedLevel"] = draw(st.sampled_from(rd["rubricCriterionLevel"]))["id"]
        results.append(result)
    return ach, results


@st.composite
def evidence(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["Evidence"]}
    _maybe(out, "id", draw(st.none() | https_iri))
    _maybe(out, "name", draw(st.none() | text))
    _maybe(out, "narrative", draw(st.none() | text))
    _maybe(out, "genre", draw(st.none() | text))
    return out


@st.composite
def achievement_credential(draw: st.DrawFn) -> dict[str, Any]:
    """A valid OB 3.0 AchievementCredential / OpenBadgeCredential JSON object."""
    ach, results = draw(achievement_and_results())
    subject: dict[str, Any] = {"type": draw(_types("AchievementSubject")), "achievement": ach}
    subject_id = draw(st.none() | did_iri)
    if subject_id is not None:
        subject = {"id": subject_id, **subject}
    else:
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "hashed": True,
                "identityType": "emailAddress",
                "identityHash": "sha256$" + "ab" * 32,
                "salt": draw(_slug),
            }
        ]
    if results:
        subject["result"] = results
    _maybe(subject, "creditsEarned", draw(st.none() | st.integers(0, 60) | st.floats(0, 60)))
    _maybe(subject, "narrative", draw(st.none() | text))
    cred: dict[str, Any] = {
        "@context": [VC_V2, OB_303],
        "id": draw(st.one_of(urn_iri, https_iri)),
        "type": [
            "VerifiableCredential",
            draw(st.sampled_from(["OpenBadgeCredential", "AchievementCredential"])),
        ],
        "issuer": draw(st.one_of(profile(), iri)),
        "validFrom": draw(datetime_text),
        "name": draw(text),
        "credentialSubject": subject,
    }
    _maybe(cred, "description", draw(st.none() | text))
    _maybe(cred, "validUntil", draw(st.none() | datetime_text))
    _maybe(cred, "awardedDate", draw(st.none() | datetime_text))
    _maybe(cred, "image", draw(st.none() | image()))
    _maybe(cred, "evidence", draw(st.none() | st.lists(evidence(), min_size=1, max_size=3)))
    if draw(st.booleans()):
        cred["credentialSchema"] = [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ]
        cred["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    # Key order is part of what must round-trip: shuffle it.
    keys = draw(st.permutations(list(cred)))
    return {k: cred[k] for k in keys}
