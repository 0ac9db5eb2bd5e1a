from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

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
