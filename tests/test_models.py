from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from openmicrocred.errors import CredentialError
from openmicrocred.models import (
    Achievement,
    AchievementCredential,
    AchievementSubject,
    BitstringStatusListEntry,
    ClrCredential,
    Criteria,
    EndorsementCredential,
    IdentityObject,
    Image,
    Profile,
    RevocationListEntry,
    hash_identifier,
    parse_credential,
)

from conftest import SPEC, SPEC_CREDENTIALS, load, spec_id


@pytest.mark.parametrize("path", SPEC_CREDENTIALS, ids=spec_id)
def test_spec_examples_round_trip_exactly(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    model = parse_credential(text)
    dumped = model.dump()
    # Same keys in the same order, same values, same singleton/array forms.
    assert json.dumps(dumped) == json.dumps(data)
    # And parsing the dump again is stable.
    assert parse_credential(dumped).dump() == dumped


def test_typed_access_to_the_complete_example(complete: dict[str, Any]) -> None:
    cred = parse_credential(complete)
    assert isinstance(cred, AchievementCredential)
    assert isinstance(cred.issuer, Profile)
    assert cred.issuer_id == "https://1edtech.edu/issuers/565049"
    assert cred.valid_from == datetime(2010, 1, 1, tzinfo=UTC)
    assert cred.valid_from.tzinfo is UTC
    subject = cred.credential_subject
    assert subject.credits_earned == 42.0
    assert isinstance(subject.credits_earned, float)
    assert subject.achievement.achievement_type == "Degree"
    assert [a.target_type for a in subject.achievement.alignment or []] == ["CFItem", "CTDL"]
    assert subject.result is not None
    assert subject.result[2].status == "Completed"
    levels = subject.achievement.rubric_levels()
    assert set(levels) == {
        "urn:uuid:d05a0867-d0ad-4b03-bdb5-28fb5d2aab7a",
        "urn:uuid:6b84b429-31ee-4dac-9d20-e5c55881f80e",
    }
    assert isinstance(cred.credential_status, list)
    assert isinstance(cred.credential_status[0], RevocationListEntry)
    assert cred.endorsement is not None
    assert isinstance(cred.endorsement[0], EndorsementCredential)
    assert cred.endorsement[0].credential_subject.endorsement_comment
    assert isinstance(cred.issuer.endorsement[0], EndorsementCredential)  # type: ignore[index]


def test_endorsement_and_clr_parse_to_their_classes() -> None:
    assert isinstance(
        parse_credential(load(SPEC / "ob3-endorsement.unsigned.json")), EndorsementCredential
    )
    clr = parse_credential(load(SPEC / "test-vectors/clr2/credential.unsigned.json"))
    assert isinstance(clr, ClrCredential)
    inner = clr.credential_subject.verifiable_credential
    assert inner
    assert all(isinstance(c, AchievementCredential) for c in inner)
    assert clr.credential_subject.association is not None
    assert clr.credential_subject.association[0].association_type in {
        "isParentOf",
        "isChildOf",
        "isPartOf",
        "precedes",
        "exactMatchOf",
        "isPeerOf",
        "isRelatedTo",
        "replacedBy",
    }


def test_edits_are_dumped_and_forms_kept(basic: dict[str, Any]) -> None:
    cred = parse_credential(basic)
    assert isinstance(cred, AchievementCredential)
    cred.name = "Teamwork Badge (edited)"
    cred.credential_subject.achievement.tag = ["teamwork"]
    out = cred.dump()
    assert out["name"] == "Teamwork Badge (edited)"
    assert out["credentialSubject"]["achievement"]["tag"] == ["teamwork"]
    assert list(out)[: len(basic)] == list(basic)  # original key order first
    # Changing a date replaces its text; unchanged dates keep theirs.
    cred.valid_from = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    assert cred.dump()["validFrom"] == "2024-05-01T08:30:00Z"


def test_lexical_forms_are_kept() -> None:
    data = load(SPEC / "ob3-basic.unsigned.json")
    data["validFrom"] = "2010-01-01T07:00:00+07:00"
    data["validUntil"] = "2030-01-01T00:00:00.000Z"
    data["credentialSubject"]["type"] = "AchievementSubject"
    data["credentialSubject"]["creditsEarned"] = 3
    data["credentialSubject"]["achievement"]["creditsAvailable"] = 3.0
    data["credentialSubject"]["achievement"]["name"] = {"en": "Teamwork", "th": "การทำงานเป็นทีม"}
    data["credentialSubject"]["achievement"]["x-extension"] = {"kept": [1, None, "two"]}
    data["credentialSubject"]["narrative"] = None
    cred = parse_credential(data)
    assert isinstance(cred, AchievementCredential)
    assert cred.valid_from == datetime(2010, 1, 1, tzinfo=UTC)  # normalised to UTC
    assert cred.credential_subject.type == ["AchievementSubject"]
    assert cred.credential_subject.achievement.extensions == {
        "x-extension": {"kept": [1, None, "two"]}
    }
    assert json.dumps(cred.dump()) == json.dumps(data)


def test_vc_11_credentials_are_read() -> None:
    data = load(SPEC / "ob3-basic.unsigned.json")
    data["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    data["issuanceDate"] = data.pop("validFrom")
    data["expirationDate"] = "2030-01-01T00:00:00Z"
    cred = parse_credential(data)
    assert cred.is_vc_v1
    assert cred.effective_valid_from == datetime(2010, 1, 1, tzinfo=UTC)
    assert cred.effective_valid_until == datetime(2030, 1, 1, tzinfo=UTC)
    assert cred.dump() == data


def _errors(data: Any) -> dict[str, str]:
    with pytest.raises(CredentialError) as info:
        parse_credential(data)
    return {e.path: e.message for e in info.value.errors}


@pytest.mark.parametrize(
    ("mutate", "path", "fragment"),
    [
        (lambda d: d.pop("validFrom"), "$", "validFrom is required"),
        (lambda d: d.update(validFrom="yesterday"), "$.validFrom", "not a date-time"),
        (lambda d: d.update(id="credentials/3527"), "$.id", "not an absolute IRI"),
        (lambda d: d["issuer"].update(id="issuer"), "$.issuer.id", "not an absolute IRI"),
        (lambda d: d.update(type=["VerifiableCredential"]), "$.type", "OpenBadgeCredential"),
        (lambda d: d["@context"].pop(1), '$["@context"]', "Open Badges 3.0 context"),
        (lambda d: d["@context"].reverse(), '$["@context"]', "first @context"),
        (
            lambda d: d["credentialSubject"]["achievement"].pop("criteria"),
            "$.credentialSubject.achievement.criteria",
            "required property is missing",
        ),
        (
            lambda d: d["credentialSubject"]["achievement"].update(achievementType="Diplomma"),
            "$.credentialSubject.achievement.achievementType",
            "ext:",
        ),
        (
            lambda d: d["credentialSubject"].update(creditsEarned="3"),
            "$.credentialSubject.creditsEarned",
            "valid",
        ),
        (
            lambda d: d["credentialSubject"].update(
                identifier=[
                    {
                        "type": "IdentityObject",
                        "hashed": True,
                        "identityHash": "x",
                        "identityType": "email",
                    }
                ]
            ),
            "$.credentialSubject.identifier[0].identityType",
            "ext:",
        ),
    ],
)
def test_errors_name_the_json_path(
    basic: dict[str, Any], mutate: Any, path: str, fragment: str
) -> None:
    mutate(basic)
    errors = _errors(basic)
    assert path in errors, errors
    assert fragment in errors[path]


def test_not_a_credential() -> None:
    assert _errors({"type": "Thing"}) == {
        "$.type": "must include AchievementCredential, OpenBadgeCredential, "
        "EndorsementCredential or ClrCredential; found 'Thing'"
    }
    with pytest.raises(CredentialError, match="not JSON"):
        parse_credential("{nope")
    with pytest.raises(CredentialError, match="JSON object"):
        parse_credential("[1, 2]")


def _with_results(complete: dict[str, Any], results: list[dict[str, Any]]) -> dict[str, Any]:
    data = copy.deepcopy(complete)
    data["credentialSubject"]["result"] = results
    return data


LEVEL = "urn:uuid:d05a0867-d0ad-4b03-bdb5-28fb5d2aab7a"
GRADE_RD = "urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c"
RUBRIC_RD = "urn:uuid:a70ddc6a-4c4a-4bd8-8277-cb97c79f40c5"
STATUS_RD = "urn:uuid:b07c0387-f2d6-4b65-a3f4-f4e4302ea8f7"


def test_result_references_are_checked(complete: dict[str, Any]) -> None:
    ok = _with_results(
        complete,
        [
            {"type": ["Result"], "resultDescription": RUBRIC_RD, "achievedLevel": LEVEL},
            {"type": ["Result"], "resultDescription": STATUS_RD, "status": "Completed"},
        ],
    )
    parse_credential(ok)

    bad_rd = _with_results(complete, [{"type": ["Result"], "resultDescription": "urn:x:1"}])
    assert (
        "names no resultDescription"
        in _errors(bad_rd)["$.credentialSubject.result[0].resultDescription"]
    )

    bad_level = _with_results(
        complete, [{"type": ["Result"], "resultDescription": RUBRIC_RD, "achievedLevel": "urn:x:2"}]
    )
    assert (
        "names no rubricCriterionLevel"
        in _errors(bad_level)["$.credentialSubject.result[0].achievedLevel"]
    )

    no_status = _with_results(complete, [{"type": ["Result"], "resultDescription": STATUS_RD}])
    assert "resultType 'Status'" in _errors(no_status)["$.credentialSubject.result[0].status"]

    bad_status = _with_results(
        complete, [{"type": ["Result"], "resultDescription": STATUS_RD, "status": "Done"}]
    )
    assert "ResultStatusType" in _errors(bad_status)["$.credentialSubject.result[0].status"]

    # Wallets may opt out of reference checks to display whatever they were given.
    parse_credential(bad_rd, check_references=False)


def test_models_can_be_built_in_python() -> None:
    cred = AchievementCredential(
        context=[
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        id="urn:uuid:2a6f5c1e-0000-4000-8000-000000000001",
        issuer=Profile(id="did:example:kmutt", name="KMUTT"),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        name="Data Literacy",
        credential_subject=AchievementSubject(
            id="did:example:learner",
            achievement=Achievement(
                id="https://kmutt.example/achievements/data-literacy",
                name="Data Literacy",
                description="Reads and questions data.",
                criteria=Criteria(narrative="Pass all three parts."),
                achievement_type="MicroCredential",
                image=Image(id="https://kmutt.example/badge.png"),
            ),
        ),
    )
    out = cred.dump()
    assert out["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert out["validFrom"] == "2026-01-01T00:00:00Z"
    assert out["credentialSubject"]["achievement"]["type"] == ["Achievement"]
    assert out["credentialSubject"]["achievement"]["image"] == {
        "id": "https://kmutt.example/badge.png",
        "type": "Image",
    }
    assert "description" not in out  # unset optional fields are omitted, never null
    assert parse_credential(out).dump() == out


def test_identity_object_hashing() -> None:
    ident = IdentityObject.hashed_email("learner@kmutt.ac.th", salt="s4lt")
    assert ident.identity_hash == hash_identifier("learner@kmutt.ac.th", "s4lt")
    assert ident.identity_hash.startswith("sha256$")
    assert ident.matches("learner@kmutt.ac.th")
    assert not ident.matches("other@kmutt.ac.th")
    assert not ident.matches("learner@kmutt.ac.th", identity_type="userName")
    # Upper-case hex and md5 (older badges) are accepted too.
    upper = IdentityObject(
        hashed=True,
        identity_hash="sha256$" + ident.identity_hash[7:].upper(),
        identity_type="emailAddress",
        salt="s4lt",
    )
    assert upper.matches("learner@kmutt.ac.th")
    md5 = IdentityObject(
        hashed=True,
        identity_hash=hash_identifier("a@b.c", "x", algorithm="md5"),
        identity_type="emailAddress",
        salt="x",
    )
    assert md5.matches("a@b.c")
    random_salt = IdentityObject.hashed_email("learner@kmutt.ac.th")
    assert random_salt.salt
    assert len(random_salt.salt) == 32
    assert random_salt.matches("learner@kmutt.ac.th")
    plain = IdentityObject.plain("learner@kmutt.ac.th")
    assert plain.matches("learner@kmutt.ac.th")
    assert not plain.matches("x")
    assert plain.dump() == {
        "type": "IdentityObject",
        "hashed": False,
        "identityHash": "learner@kmutt.ac.th",
        "identityType": "emailAddress",
    }
    with pytest.raises(ValueError, match="algorithm"):
        hash_identifier("x", algorithm="sha1")


def test_bitstring_status_entry_is_typed(basic: dict[str, Any]) -> None:
    basic["credentialStatus"] = {
        "id": "https://kmutt.example/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://kmutt.example/status/1",
    }
    cred = parse_credential(basic)
    entry = cred.credential_status[0]  # type: ignore[index]
    assert isinstance(entry, BitstringStatusListEntry)
    assert entry.status_purpose == "revocation"
    assert cred.dump() == basic


@pytest.mark.parametrize(
    "path", sorted((SPEC / "rendered-2024-04").glob("*.jwt")), ids=lambda p: p.name
)
def test_vc_jwt_payloads_parse_and_round_trip(path: Path) -> None:
    import base64

    payload_b64 = path.read_text().strip().split(".")[1]
    payload = json.loads(base64.urlsafe_b64decode(payload_b64 + "=" * (-len(payload_b64) % 4)))
    # The payload is the credential plus JWT claims (iss, jti, sub, ...): kept as extensions.
    cred = parse_credential(payload)
    assert cred.extensions.keys() >= {"iss", "jti"}
    assert json.dumps(cred.dump()) == json.dumps(payload)
