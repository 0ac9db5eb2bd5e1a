"""Hypothesis strategies that generate valid Open Badges 3.0 credentials as JSON objects.

Only terms the OB 3.0.3 and VC 2.0 contexts define are used, so every generated credential
also passes JSON-LD safe mode. Every value the bundled 1EdTech schema constrains beyond "a
string" (the vocabularies' enums and ``ext:`` pattern, the result status enum, the OB context
URL pattern, ``date-time``) is generated from that schema's own enum or pattern, so every
generated credential is schema-valid by construction, not by chance.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from openmicrocred.schema import ACHIEVEMENT_CREDENTIAL_SCHEMA, bundled_schemas

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

_SCHEMA: dict[str, Any] = dict(bundled_schemas()[ACHIEVEMENT_CREDENTIAL_SCHEMA])
_SCHEMA_DEFS: dict[str, Any] = _SCHEMA["$defs"]
# The OB context the credentials use matches the schema's pattern for the second @context
# entry, "^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d\.\d)*\.json$".
assert re.search(_SCHEMA["properties"]["@context"]["oneOf"][1]["items"][1]["pattern"], OB_303)

_slug = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)


def _extension(pattern: str) -> st.SearchStrategy[str]:
    """Extension values that match ``pattern``, the schema's pattern for them.

    In every bundled schema it is "(ext:)[a-z|A-Z|0-9|.|-|_]+" (the same in Python and
    ECMA-262 regex): in that character class "|-|" is the range from "|" to "|", so "-" is
    not in it, and "ext:-" fails. A full match of the pattern is a match; as JSON Schema
    patterns are unanchored, any tail after one is too (so "ext:Learning-Outcome" is valid).
    """
    full = st.from_regex(pattern, fullmatch=True)
    if pattern.endswith("$"):
        return full
    tail = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-", max_size=8)
    return st.builds(str.__add__, full, tail)


def enum_or_ext(
    definition: str, prop: str, exclude: Collection[str] = ()
) -> st.SearchStrategy[str]:
    """A value of an extensible (``EnumExt``) vocabulary, from the schema's own definition.

    The schema has ``oneOf: [{enum: [...]}, {pattern: "(ext:)..."}]`` for ``prop`` of
    ``definition`` (e.g. Alignment.targetType); ``exclude`` leaves some enum values out.
    """
    one_of = _SCHEMA_DEFS[definition]["properties"][prop]["oneOf"]
    (enum,) = [branch["enum"] for branch in one_of if "enum" in branch]
    (pattern,) = [branch["pattern"] for branch in one_of if "pattern" in branch]
    values = sorted(set(enum) - set(exclude))
    return st.sampled_from(values) | _extension(pattern)


# ResultStatusType is closed: the schema's enum.
result_status = st.sampled_from(_SCHEMA_DEFS["Result"]["properties"]["status"]["enum"])

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


# RFC 3339 date-time lexical forms (the schema's "format": "date-time").
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
        draw(st.none() | enum_or_ext("Alignment", "targetType")),
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
def other_description(draw: st.DrawFn) -> dict[str, Any]:
    """A result description of any other result type, extension types included."""
    return {
        "id": draw(urn_iri),
        "type": ["ResultDescription"],
        "name": draw(text),
        "resultType": draw(
            enum_or_ext("ResultDescription", "resultType", ("Status", "RubricCriterionLevel"))
        ),
    }


@st.composite
def result(draw: st.DrawFn, rd: dict[str, Any]) -> dict[str, Any]:
    """A result for the result description ``rd``."""
    out: dict[str, Any] = {"type": ["Result"], "resultDescription": rd["id"]}
    if rd["resultType"] == "Status":
        out["status"] = draw(result_status)
    elif rd["resultType"] == "RubricCriterionLevel":
        out["achievedLevel"] = draw(st.sampled_from(rd["rubricCriterionLevel"]))["id"]
    else:
        _maybe(out, "value", draw(st.none() | _slug))
    return out


@st.composite
def achievement_and_results(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    descriptions = draw(
        st.lists(
            st.one_of(rubric_description(), status_description(), other_description()),
            max_size=3,
        )
    )
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
    _maybe(ach, "achievementType", draw(st.none() | enum_or_ext("Achievement", "achievementType")))
    _maybe(ach, "alignment", draw(st.none() | st.lists(alignment(), min_size=1, max_size=2)))
    _maybe(ach, "image", draw(st.none() | image()))
    _maybe(ach, "creditsAvailable", draw(st.none() | st.integers(0, 60) | st.floats(0, 60)))
    _maybe(ach, "tag", draw(st.none() | st.lists(_slug, min_size=1, max_size=3)))
    if descriptions:
        ach["resultDescription"] = descriptions
    results = [draw(result(rd)) for rd in descriptions if draw(st.booleans())]
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
                "identityType": draw(enum_or_ext("IdentityObject", "identityType")),
                "identityHash": "sha256$" + "ab" * 32,
                "salt": draw(_slug),
            }
        ]
    if results:
        subject["result"] = results
    _maybe(subject, "creditsEarned", draw(st.none() | st.integers(0, 60) | st.floats(0, 60)))
    _maybe(subject, "narrative", draw(st.none() | text))
    valid_from = draw(_dt)
    cred: dict[str, Any] = {
        "@context": [VC_V2, OB_303],
        "id": draw(st.one_of(urn_iri, https_iri)),
        "type": [
            "VerifiableCredential",
            draw(st.sampled_from(["OpenBadgeCredential", "AchievementCredential"])),
        ],
        "issuer": draw(st.one_of(profile(), iri)),
        "validFrom": draw(_lexical(valid_from)),
        "name": draw(text),
        "credentialSubject": subject,
    }
    _maybe(cred, "description", draw(st.none() | text))
    # VC DM: validUntil is never before validFrom (issuers refuse it).
    lasts = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650))
    _maybe(cred, "validUntil", draw(st.none() | lasts.flatmap(lambda d: _lexical(valid_from + d))))
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
