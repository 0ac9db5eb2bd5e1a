from __future__ import annotations

import copy
from typing import Any

import pytest

from openmicrocred.keys import Ed25519Key
from openmicrocred.microcredential.stack import Association, stack
from openmicrocred.models import ClrCredential, parse_credential
from openmicrocred.schema import schema_errors
from openmicrocred.suites import add_proof
from openmicrocred.verification import Verdict, verify

from conftest import SPEC, load

KEY = Ed25519Key.from_seed(bytes(range(3, 35)))
CERT: dict[str, Any] = {
    "id": "https://kmutt.example/achievements/certificate",
    "type": ["Achievement"],
    "achievementType": "Certificate",
    "name": "Certificate",
    "description": "Stacked",
    "criteria": {"narrative": "Earn both."},
}


def _badge(slug: str) -> dict[str, Any]:
    credential = load(SPEC / "ob3-basic.unsigned.json")
    credential["id"] = f"urn:uuid:00000000-0000-4000-8000-00000000000{len(slug) % 10}"
    credential["issuer"]["id"] = KEY.did
    credential["credentialSubject"]["achievement"]["id"] = f"https://kmutt.example/a/{slug}"
    return add_proof(credential, KEY)


def _clr(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return stack(
        parts,
        name="Record",
        issuer={"id": KEY.did, "name": "KMUTT"},
        key=KEY,
        learner="did:example:ebfeb1f712ebc6f1c276e12ec21",
        achievements=[CERT],
        associations=[
            Association("isPartOf", p["credentialSubject"]["achievement"]["id"], CERT["id"])
            for p in parts
        ],
    )


def test_stack_verifies_with_its_inner_credentials() -> None:
    parts = [_badge("cleaning"), _badge("story-telling")]
    clr = _clr(parts)
    assert isinstance(parse_credential(clr), ClrCredential)
    assert schema_errors(clr) == []
    report = verify(clr)
    assert report.verified, [c for c in report.checks if c.blocking]
    assert [r.verified for r in report.included] == [True, True]
    included = report.check("included")
    assert included is not None
    assert included.code == "included_ok"
    association = clr["credentialSubject"]["association"][0]
    assert association == {
        "type": "Association",
        "associationType": "isPartOf",
        "sourceId": "https://kmutt.example/a/cleaning",
        "targetId": CERT["id"],
    }


def test_a_tampered_inner_credential_fails_the_clr() -> None:
    parts = [_badge("cleaning"), _badge("story-telling")]
    clr = _clr(parts)
    forged = copy.deepcopy(clr)
    forged["credentialSubject"]["verifiableCredential"][1]["name"] = "forged"
    report = verify(forged)
    assert report.verdict is Verdict.TAMPERED  # the outer proof covers the inner JSON too
    # Even a CLR signed over a bad inner credential is not verified.
    bad = copy.deepcopy(parts[1])
    bad["name"] = "forged"
    resigned = _clr([parts[0], bad])
    report = verify(resigned)
    assert not report.verified
    assert report.verdict is Verdict.INVALID
    assert [r.verified for r in report.included] == [True, False]


def test_stack_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="at least one"):
        _clr([])
    unsigned = load(SPEC / "ob3-basic.unsigned.json")
    with pytest.raises(ValueError, match="not signed"):
        _clr([unsigned])
    with pytest.raises(ValueError, match="does not contain"):
        stack(
            [_badge("x")],
            name="R",
            issuer={"id": KEY.did},
            key=KEY,
            associations=[Association("isPartOf", "https://nowhere.example/a", CERT["id"])],
        )
    with pytest.raises(ValueError, match="associationType"):
        Association("contains", "a:b", "c:d").to_json()
