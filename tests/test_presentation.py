"""verify_presentation: the holder's authentication proof for the verifier's challenge and
domain, then each credential it carries, one report each (issue 12, section 4)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from openmicrocred.errors import InputError
from openmicrocred.issuance import issue
from openmicrocred.keys import Ed25519Key
from openmicrocred.suites import add_proof
from openmicrocred.verification import Verdict, Verifier

from conftest import SPEC, load

ISSUER = Ed25519Key.from_seed(bytes(range(32)))
HOLDER = Ed25519Key.from_seed(bytes(range(1, 33)))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
SIGNED_AT = datetime(2026, 1, 15, tzinfo=UTC)
VC2 = "https://www.w3.org/ns/credentials/v2"


def _badge(name: str = "Teamwork Badge") -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = ISSUER.did
    credential["name"] = name
    credential["credentialSubject"]["id"] = HOLDER.did
    signed: dict[str, Any] = issue(credential, ISSUER, created=SIGNED_AT)
    return signed


def _presentation(*credentials: Any, **proof: Any) -> dict[str, Any]:
    vp = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.did,
        "verifiableCredential": list(credentials),
    }
    options = {"challenge": "nonce-123", "domain": "hr.example", **proof}
    signed: dict[str, Any] = add_proof(
        vp, HOLDER, proof_purpose="authentication", created=SIGNED_AT, **options
    )
    return signed


def _verify(vp: Any, **options: Any) -> Any:
    return Verifier(clock=lambda: NOW).verify_presentation(vp, **options)


def test_a_presentation_verifies_with_one_report_per_credential() -> None:
    jwt = issue(_badge("Data Storytelling"), ISSUER, format="jwt")
    enveloped = {
        "@context": [VC2],
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/vc+jwt,{jwt}",
    }
    vp = _presentation(_badge(), enveloped)
    report = _verify(vp, challenge="nonce-123", domain="hr.example")
    assert report.verified, report.checks
    assert report.holder == HOLDER.did
    assert [r.verdict for r in report.credentials] == [Verdict.VERIFIED, Verdict.VERIFIED]
    assert [r.source for r in report.credentials] == [
        "$.verifiableCredential[0]",
        "$.verifiableCredential[1]",
    ]
    assert report.credentials[1].carrier == "jwt"
    assert report.check("proof").status == "passed"


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"challenge": "another-nonce", "domain": "hr.example"}, "challenge"),
        ({"challenge": "nonce-123", "domain": "elsewhere.example"}, "domain"),
    ],
)
def test_the_challenge_and_domain_must_be_the_verifiers(
    options: dict[str, str], fragment: str
) -> None:
    report = _verify(_presentation(_badge()), **options)
    assert not report.verified
    assert report.verdict is Verdict.INVALID  # authentic, but not made for this verifier
    assert fragment in report.check("proof").message


def test_a_replayed_presentation_without_a_challenge_fails() -> None:
    vp = _presentation(_badge(), challenge=None, domain=None)
    assert _verify(vp).verified  # the verifier asked for nothing
    assert not _verify(vp, challenge="nonce-123").verified


def test_a_tampered_presentation_and_a_tampered_credential() -> None:
    vp = _presentation(_badge())
    altered = json.loads(json.dumps(vp))
    altered["holder"] = ISSUER.did
    assert _verify(altered, challenge="nonce-123", domain="hr.example").verdict is (
        Verdict.TAMPERED
    )
    forged = _badge()
    forged["name"] = "PhD, Harvard University"
    vp = _presentation(_badge(), forged)
    report = _verify(vp, challenge="nonce-123", domain="hr.example")
    assert report.check("proof").status == "passed"  # the holder did present both
    assert [r.verdict for r in report.credentials] == [Verdict.VERIFIED, Verdict.TAMPERED]
    assert not report.verified
    assert report.verdict is Verdict.TAMPERED


def test_a_presentation_signed_by_someone_else_than_its_holder() -> None:
    other = Ed25519Key.generate()
    vp = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.did,
        "verifiableCredential": [_badge()],
    }
    signed = add_proof(vp, other, proof_purpose="authentication", challenge="c")
    report = _verify(signed, challenge="c")
    assert report.verdict is Verdict.TAMPERED
    assert report.check("proof").code == "issuer_key_mismatch"


def test_unsigned_and_malformed_presentations() -> None:
    unsigned = {"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": []}
    assert _verify(unsigned).verdict is Verdict.UNSIGNED
    not_a_vp = {"@context": [VC2], "type": ["Something"]}
    assert _verify(not_a_vp).verdict is Verdict.INVALID
    with pytest.raises(InputError):
        _verify("{not json")
