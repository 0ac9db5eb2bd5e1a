"""Bringing an OB 2.0 badge forward: the upgraded OB 3.0 credential verifies, keeps the
recipient's hashed identity and records where it came from."""

from __future__ import annotations

import json
from typing import Any

from openmicrocred.fetch import Fetcher
from openmicrocred.keys import Ed25519Key
from openmicrocred.models import parse_credential
from openmicrocred.ob2.upgrade import OB2_ASSERTION_TYPE, upgrade
from openmicrocred.ob2.verify import verify_ob2
from openmicrocred.verification import Verifier
from openmicrocred.verification.report import Verdict
from test_ob2_verify import NOW, _assertion, _hosted, _publish


def _upgraded(server: Any, fetcher: Fetcher) -> tuple[dict[str, Any], str]:
    url = _hosted(server)
    badge = json.loads(server.routes["/badge"].body)
    badge["alignment"] = [{"targetName": "3-D", "targetUrl": "https://example.org/3d"}]
    _publish(server, "/badge", badge)
    outcome = verify_ob2(_assertion(server), fetcher=fetcher, now=NOW)
    assert all(f.status != "failed" for f in outcome.findings)
    return upgrade(outcome, Ed25519Key.generate(), checked_at=NOW), url


def test_upgraded_badge_verifies(https_server: Any, online_fetcher: Fetcher) -> None:
    credential, _ = _upgraded(https_server, online_fetcher)
    report = Verifier(clock=lambda: NOW).verify(credential, recipient="alice@example.org")
    assert report.verdict is Verdict.VERIFIED, report.checks
    recipient = report.check("recipient")
    assert recipient is not None
    assert recipient.code == "recipient_ok"


def test_upgrade_maps_and_records_provenance(https_server: Any, online_fetcher: Fetcher) -> None:
    credential, url = _upgraded(https_server, online_fetcher)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"] == https_server.url("/badge")
    assert achievement["criteria"] == {"narrative": "Print a thing."}
    assert achievement["alignment"][0]["targetUrl"] == "https://example.org/3d"
    [identity] = credential["credentialSubject"]["identifier"]
    assert identity["hashed"] is True
    assert identity["identityType"] == "emailAddress"
    [origin] = [e for e in credential["evidence"] if OB2_ASSERTION_TYPE in e["type"]]
    assert origin["id"] == url
    assert "SHA-256" in origin["description"]
    assert "2026-06-01" in origin["description"]
    other = credential["issuer"]["otherIdentifier"][0]
    assert other["identifier"] == https_server.url("/issuer")
    assert parse_credential(credential).dump() == credential


def test_upgraded_badges_in_a_clr_verify(https_server: Any, online_fetcher: Fetcher) -> None:
    from openmicrocred.models import ClrCredential
    from openmicrocred.ob2.clr import upgrade_into_clr
    from openmicrocred.schema import schema_errors

    _hosted(https_server)
    second = _assertion(https_server, id=https_server.url("/assertions/2"))
    _publish(https_server, "/assertions/2", second)
    outcomes = [
        verify_ob2(_assertion(https_server), fetcher=online_fetcher, now=NOW),
        verify_ob2(second, fetcher=online_fetcher, now=NOW),
    ]
    key = Ed25519Key.generate()
    clr = upgrade_into_clr(outcomes, key, name="Maker record", checked_at=NOW, learner=None)
    assert schema_errors(clr) == []
    report = Verifier(clock=lambda: NOW).verify(clr)
    assert report.verdict is Verdict.VERIFIED, report.checks
    assert [r.verdict for r in report.included] == [Verdict.VERIFIED, Verdict.VERIFIED]
    inner = clr["credentialSubject"]["verifiableCredential"]
    origins = [e["id"] for c in inner for e in c["evidence"] if OB2_ASSERTION_TYPE in e["type"]]
    assert origins == [https_server.url("/assertions/1"), https_server.url("/assertions/2")]
    assert clr["issuer"] == {"id": key.did, "type": ["Profile"], "name": "Example Maker Society"}
    assert all(c["issuer"]["id"] == key.did and "proof" in c for c in inner)
    parsed = parse_credential(clr)
    assert isinstance(parsed, ClrCredential)
    assert parsed.dump() == clr


def test_a_clr_is_not_made_of_a_badge_that_did_not_verify(
    https_server: Any, online_fetcher: Fetcher
) -> None:
    import pytest

    from openmicrocred.ob2.clr import upgrade_into_clr

    _hosted(https_server, expires="2026-03-01T00:00:00Z")
    expired = verify_ob2(_assertion(https_server), fetcher=online_fetcher, now=NOW)
    with pytest.raises(ValueError, match=r"does not verify.*expired"):
        upgrade_into_clr([expired], Ed25519Key.generate(), name="x", checked_at=NOW)
    with pytest.raises(ValueError, match=r"does not verify.*expired"):
        upgrade(expired, Ed25519Key.generate(), checked_at=NOW)
    with pytest.raises(ValueError, match="at least one"):
        upgrade_into_clr([], Ed25519Key.generate(), name="x", checked_at=NOW)
