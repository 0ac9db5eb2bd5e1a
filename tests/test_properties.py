from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings

from openmicrocred.jsonld import check_safe
from openmicrocred.models import AchievementCredential, parse_credential
from openmicrocred.schema import schema_errors

from strategies import achievement_credential

_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(achievement_credential())
def test_parse_dump_is_exact_and_stable(data: dict[str, Any]) -> None:
    model = parse_credential(data)
    assert isinstance(model, AchievementCredential)
    dumped = model.dump()
    assert json.dumps(dumped) == json.dumps(data)
    again = parse_credential(json.dumps(dumped)).dump()
    assert json.dumps(again) == json.dumps(dumped)


@_settings
@given(achievement_credential())
def test_dump_is_schema_valid(data: dict[str, Any]) -> None:
    dumped = parse_credential(data).dump()
    assert schema_errors(dumped) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(achievement_credential())
def test_generated_credentials_pass_safe_mode(data: dict[str, Any]) -> None:
    check_safe(parse_credential(data).dump())
