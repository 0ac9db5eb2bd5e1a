from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmicrocred.errors import SchemaValidationError
from openmicrocred.schema import (
    ACHIEVEMENT_CREDENTIAL_SCHEMA,
    CLR_CREDENTIAL_SCHEMA,
    ENDORSEMENT_CREDENTIAL_SCHEMA,
    bundled_schemas,
    schema_errors,
    schema_url_for,
    validate,
)

from conftest import NOT_SCHEMA_VALID_AS_PRINTED, SPEC_CREDENTIALS, load, spec_id
from strategies import achievement_credential


@pytest.mark.parametrize("path", SPEC_CREDENTIALS, ids=spec_id)
def test_spec_examples_validate(path: Path) -> None:
    data = load(path)
    if path.name in NOT_SCHEMA_VALID_AS_PRINTED:
        # Printed with "type": ["IdentifierEntry"], where the schema wants a string.
        assert [e.path for e in schema_errors(data)] == ["$.issuer.otherIdentifier[0].type"]
    else:
        validate(data)


def test_schema_is_chosen_by_type() -> None:
    assert schema_url_for({"type": ["VerifiableCredential", "OpenBadgeCredential"]}) == (
        ACHIEVEMENT_CREDENTIAL_SCHEMA
    )
    assert schema_url_for({"type": ["VerifiableCredential", "AchievementCredential"]}) == (
        ACHIEVEMENT_CREDENTIAL_SCHEMA
    )
    assert schema_url_for({"type": "EndorsementCredential"}) == ENDORSEMENT_CREDENTIAL_SCHEMA
    assert schema_url_for({"type": ["ClrCredential"]}) == CLR_CREDENTIAL_SCHEMA
    with pytest.raises(ValueError, match="no 1EdTech schema"):
        schema_url_for({"type": "Thing"})
    assert ACHIEVEMENT_CREDENTIAL_SCHEMA in bundled_schemas()


def test_credential_schema_entry_names_a_bundled_schema(complete: dict[str, Any]) -> None:
    url = complete["credentialSchema"][0]["id"]
    assert url in bundled_schemas()
    validate(complete, schema=url)
    with pytest.raises(KeyError, match="no bundled schema"):
        validate(complete, schema="https://example.org/schema.json")


def test_errors_carry_json_paths(basic: dict[str, Any]) -> None:
    basic["credentialSubject"]["achievement"]["criteria"] = "do things"
    basic["credentialSubject"]["achievement"]["achievementType"] = "NotAType"
    del basic["issuer"]["id"]
    with pytest.raises(SchemaValidationError) as info:
        validate(basic)
    paths = {e.path for e in info.value.errors}
    assert "$.credentialSubject.achievement.criteria" in paths
    assert "$.credentialSubject.achievement.achievementType" in paths
    assert any(p.startswith("$.issuer") for p in paths)
    assert info.value.code == "schema_invalid"
    assert "ob_v3p0_achievementcredential_schema.json" in str(info.value)


def test_vc_11_credential_fails_the_vc_20_schema(basic: dict[str, Any]) -> None:
    basic["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    basic["issuanceDate"] = basic.pop("validFrom")
    errors = schema_errors(basic)
    assert errors


def test_fast_and_python_validators_agree() -> None:
    # jsonschema-rs answers valid/invalid; the Python validator explains. They must agree.
    from openmicrocred.schema import _fast_validator, _validator

    if _fast_validator(ACHIEVEMENT_CREDENTIAL_SCHEMA) is None:
        pytest.skip("jsonschema-rs not installed")
    documents = [load(p) for p in SPEC_CREDENTIALS]
    bad = load(SPEC_CREDENTIALS[0])
    bad["validFrom"] = 5
    documents.append(bad)
    for document in documents:
        url = schema_url_for(document)
        fast = _fast_validator(url).is_valid(document)
        assert fast == _validator(url).is_valid(document), document.get("id")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(achievement_credential())
def test_fast_and_python_validators_agree_on_generated(data: dict[str, Any]) -> None:
    from openmicrocred.schema import _fast_validator, _validator

    fast = _fast_validator(ACHIEVEMENT_CREDENTIAL_SCHEMA)
    if fast is None:
        return
    assert fast.is_valid(data) == _validator(ACHIEVEMENT_CREDENTIAL_SCHEMA).is_valid(data)


# Format assertion ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "path"),
    [
        (("validFrom",), "$.validFrom"),
        (("validUntil",), "$.validUntil"),
        (("awardedDate",), "$.awardedDate"),
        (("credentialSubject", "activityEndDate"), "$.credentialSubject.activityEndDate"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bare_date_in_a_date_time_field_fails_the_schema(
    basic: dict[str, Any], field: tuple[str, ...], path: str
) -> None:
    target = basic
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = "2024-01-01"
    with pytest.raises(SchemaValidationError) as info:
        validate(basic)
    assert [(e.path, e.message) for e in info.value.errors] == [
        (path, "'2024-01-01' is not a 'date-time'")
    ]
    target[field[-1]] = "2024-01-01T00:00:00Z"
    validate(basic)


def test_formats_are_asserted_by_both_engines(basic: dict[str, Any]) -> None:
    from openmicrocred.schema import _fast_validator

    fast = _fast_validator(ACHIEVEMENT_CREDENTIAL_SCHEMA)
    for value in ("2024-01-01", "2024-01-01T00:00:00", "2024-02-30T00:00:00Z", "yesterday"):
        basic["validFrom"] = value
        assert [e.path for e in schema_errors(basic)] == ["$.validFrom"], value
        if fast is not None:
            assert not fast.is_valid(basic), value
    for value in ("2024-01-01T00:00:00Z", "2024-01-01t10:20:30.5+07:00", "2016-12-31T23:59:60Z"):
        basic["validFrom"] = value
        assert schema_errors(basic) == [], value
    # format "date": the Profile schema's dateOfBirth.
    profile = {
        "id": "https://example.edu/issuers/1",
        "type": "Profile",
        "dateOfBirth": "2000-02-30",
    }
    assert [e.path for e in schema_errors(profile)] == ["$.dateOfBirth"]
    profile["dateOfBirth"] = "2000-02-29"
    assert schema_errors(profile) == []


def test_the_schemas_use_only_the_formats_both_engines_check() -> None:
    from openmicrocred.schema import _FORMATS

    def formats(node: Any) -> set[str]:
        if isinstance(node, dict):
            own = {node["format"]} if isinstance(node.get("format"), str) else set()
            return own.union(*(formats(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(formats(v) for v in node))
        return set()

    used = set().union(*(formats(s) for s in bundled_schemas().values()))
    assert used == set(_FORMATS)


_EDGE_CASES = [
    "2024-01-01",
    "2024-01-01T00:00:00",
    "2024-01-01 00:00:00Z",
    "2024-01-01T00:00Z",
    "2024-01-01T00:00:00+0200",
    "2024-01-01T00:00:00.Z",
    "2024-01-01T00:00:00Z\n",
    "10000-01-01T00:00:00Z",
    "0000-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2024-02-29T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:00+24:00",
    "2024-01-01T00:00:00-00:00",
    "2024-01-01T23:59:60Z",
    "2024-01-01T23:59:60+01:00",
    "2024-01-01T00:59:60+01:00",
    "2024-01-01T00:00:00.123456789z",
    "\uff12\uff10\uff12\uff14-01-01T00:00:00Z",  # full-width digits
]


@pytest.mark.parametrize("value", _EDGE_CASES)
def test_date_time_rules_match_jsonschema_rs(value: str) -> None:
    from openmicrocred.schema import is_rfc3339_date, is_rfc3339_date_time

    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    for name, check in (("date-time", is_rfc3339_date_time), ("date", is_rfc3339_date)):
        rs = jsonschema_rs.Draft201909Validator({"format": name}, validate_formats=True)
        assert check(value) == rs.is_valid(value), (name, value)
        assert check(value[:10]) == rs.is_valid(value[:10]), (name, value[:10])


_DATE_TIME_LIKE = (
    r"\A\d{4}-[01]\d-[0-3]\d"
    r"([Tt ][0-2]\d:[0-6]\d:[0-6]\d(\.\d{1,3})?([Zz]|[+-][0-2]\d:[0-6]\d)?)?\Z"
)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(_DATE_TIME_LIKE))
def test_date_time_rules_match_jsonschema_rs_on_generated(value: str) -> None:
    from openmicrocred.schema import is_rfc3339_date, is_rfc3339_date_time

    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    for name, check in (("date-time", is_rfc3339_date_time), ("date", is_rfc3339_date)):
        rs = jsonschema_rs.Draft201909Validator({"format": name}, validate_formats=True)
        assert check(value) == rs.is_valid(value), (name, value)
