from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from httpserver import Route
from images import SVG, png
from openmicrocred.bake import bake
from openmicrocred.did import did_web_document
from openmicrocred.errors import InputError, SafeModeError, VerificationFailed
from openmicrocred.fetch import Fetcher
from openmicrocred.keys import Ed25519Key, RSAKey
from openmicrocred.models import IdentityObject
from openmicrocred.suites import add_proof
from openmicrocred.suites.vc_jwt import sign_jwt
from openmicrocred.verification import CheckStatus, Verdict, Verifier, verify

from conftest import SPEC, load, pinned_resolver

KEY = Ed25519Key.from_seed(bytes(range(32)))
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _badge(**changes: Any) -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = KEY.did
    credential.update(changes)
    return credential


SIGNED_AT = datetime(2026, 1, 15, tzinfo=UTC)


def _signed(**changes: Any) -> dict[str, Any]:
    return add_proof(_badge(**changes), KEY, created=SIGNED_AT)


def _verifier(**options: Any) -> Verifier:
    return Verifier(clock=lambda: NOW, **options)


def _statuses(report: Any) -> dict[str, str]:
    return {c.name: c.status.value for c in report.checks}


def _only_failure(report: Any, name: str, code: str) -> None:
    blocking = [c for c in report.checks if c.blocking]
    assert [(c.name, c.code) for c in blocking] == [(name, code)], report.checks


def test_valid_badge_is_verified() -> None:
    report = _verifier().verify(_signed())
    assert report.verified
    assert report.verdict is Verdict.VERIFIED
    assert report.proof_format == "data-integrity"
    assert _statuses(report) == {
        "jsonld": "passed",
        "structure": "passed",
        "schema_1edtech": "passed",
        "proof": "passed",
        "dates": "passed",
        "status": "skipped",
        "refresh": "skipped",
        "endorsements": "skipped",
    }
    assert report.display is not None
    assert report.display.achievement["name"] == "Teamwork"
    assert report.raise_for_failure() is report
    json.dumps(report.model_dump(mode="json"))  # JSON-serialisable


# Each check where it alone fails ------------------------------------------------------------


def test_only_proof_fails_when_tampered() -> None:
    signed = _signed()
    signed["name"] = "Teamwork Badge (forged)"
    report = _verifier().verify(signed)
    _only_failure(report, "proof", "signature_invalid")
    assert report.verdict is Verdict.TAMPERED
    with pytest.raises(VerificationFailed) as info:
        report.raise_for_failure()
    assert info.value.report is report


def test_only_jsonld_fails_for_an_undefined_term() -> None:
    # Signed by a lax signer that let an undefined term through: the term is not signed.
    signed = _signed()
    signed["credentialSubject"]["grade"] = "A+"
    report = _verifier().verify(signed)
    jsonld = report.check("jsonld")
    assert jsonld is not None
    assert jsonld.status is CheckStatus.FAILED
    assert jsonld.path == "$.credentialSubject.grade"
    assert report.verdict is Verdict.TAMPERED
    assert not report.verified


def test_only_structure_fails() -> None:
    credential = _badge()
    del credential["credentialSubject"]["id"]  # neither id nor identifier
    report = _verifier().verify(add_proof(credential, KEY, created=SIGNED_AT))
    _only_failure(report, "structure", "subject_unidentified")
    assert report.verdict is Verdict.INVALID


def test_only_named_schema_fails() -> None:
    credential = _badge()
    credential["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    credential["credentialSchema"] = [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
            "ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ]
    # Valid for the model and for JSON-LD, but the schema wants an Image object here.
    credential["credentialSubject"]["achievement"]["image"] = "https://example.com/badge.png"
    report = _verifier().verify(add_proof(credential, KEY, created=SIGNED_AT))
    _only_failure(report, "schema", "schema_invalid")
    schema = report.check("schema")
    assert schema is not None
    assert schema.path == "$.credentialSubject.achievement.image"
    assert report.verdict is Verdict.INVALID


def test_unbundled_schema_is_a_warning() -> None:
    credential = _badge()
    credential["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    credential["credentialSchema"] = [
        {"id": "https://example.com/schema.json", "type": "1EdTechJsonSchemaValidator2019"}
    ]
    report = _verifier().verify(add_proof(credential, KEY, created=SIGNED_AT))
    assert report.verified
    schema = report.check("schema")
    assert schema is not None
    assert schema.status is CheckStatus.ERROR
    assert schema.severity == "warning"


@pytest.mark.parametrize(
    ("changes", "code", "verdict"),
    [
        ({"validUntil": "2026-01-01T00:00:00Z"}, "expired", Verdict.EXPIRED),
        ({"validFrom": "2027-01-01T00:00:00Z"}, "not_yet_valid", Verdict.NOT_YET_VALID),
    ],
)
def test_only_dates_fail(changes: dict[str, Any], code: str, verdict: Verdict) -> None:
    report = _verifier().verify(_signed(**changes))
    _only_failure(report, "dates", code)
    assert report.verdict is verdict
    # Authentic: the proof still passed.
    assert report.check("proof").status is CheckStatus.PASSED  # type: ignore[union-attr]


def test_proof_made_after_the_verification_time() -> None:
    report = _verifier().verify(_signed(), at=datetime(2026, 1, 1, tzinfo=UTC))
    _only_failure(report, "proof", "proof_not_yet_valid")
    assert report.verdict is Verdict.NOT_YET_VALID


def test_at_and_vc11_dates() -> None:
    signed = _signed(validUntil="2026-04-01T00:00:00Z")
    assert _verifier().verify(signed, at=datetime(2026, 3, 1, tzinfo=UTC)).verified
    assert _verifier().verify(signed).verdict is Verdict.EXPIRED
    old = _badge()
    old["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    old["issuanceDate"] = old.pop("validFrom")
    old["expirationDate"] = "2020-01-01T00:00:00Z"
    report = _verifier().verify(add_proof(old, KEY, created=SIGNED_AT))
    _only_failure(report, "dates", "expired")


def test_status_is_never_passed_without_a_checker() -> None:
    signed = _signed(
        credentialStatus={
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "7",
            "statusListCredential": "https://example.com/status/1",
        }
    )
    report = _verifier(status_checker=None).verify(signed)
    _only_failure(report, "status", "status_not_checked")
    assert report.verdict is Verdict.UNVERIFIABLE
    # The default checker tries to fetch the list; offline, that is an error too.
    report = _verifier().verify(signed)
    _only_failure(report, "status", "status_list_unreachable")
    assert report.verdict is Verdict.UNVERIFIABLE


def test_refresh_service_is_noted() -> None:
    credential = _badge(
        refreshService={"id": "https://example.com/refresh", "type": "1EdTechCredentialRefresh"}
    )
    credential["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    report = _verifier().verify(add_proof(credential, KEY, created=SIGNED_AT))
    refresh = report.check("refresh")
    assert refresh is not None
    assert refresh.code == "refresh_noted"
    assert "https://example.com/refresh" in refresh.message
    assert report.verified


def test_recipient_plain_hashed_and_mismatch() -> None:
    ident = IdentityObject.hashed_email("somchai@example.ac.th", salt="pepper").dump()
    credential = _badge()
    credential["credentialSubject"]["identifier"] = [ident]
    signed = add_proof(credential, KEY, created=SIGNED_AT)
    assert _verifier().verify(signed, recipient="somchai@example.ac.th").verified
    subject_id = credential["credentialSubject"]["id"]
    assert _verifier().verify(signed, recipient=subject_id).verified
    report = _verifier().verify(signed, recipient="someone@else.example")
    _only_failure(report, "recipient", "recipient_mismatch")
    assert report.verdict is Verdict.RECIPIENT_MISMATCH


def test_trust_list() -> None:
    trusted = _verifier(trusted_issuers=[KEY.did]).verify(_signed())
    assert trusted.issuer_trusted is True
    assert trusted.verified
    unknown = _verifier(trusted_issuers=["did:web:kmutt.example"]).verify(_signed())
    assert unknown.issuer_trusted is False
    issuer = unknown.check("issuer")
    assert issuer is not None
    assert issuer.code == "unknown_issuer"
    assert _verifier().verify(_signed()).issuer_trusted is None


def test_endorsements_get_their_own_reports() -> None:
    endorser = Ed25519Key.generate()
    endorsement = add_proof(
        {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": "urn:uuid:7f8e1a2c-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "Accreditor endorsement",
            "issuer": {"id": endorser.did, "type": ["Profile"], "name": "Accreditor"},
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "https://example.com/achievements/teamwork",
                "type": ["EndorsementSubject"],
                "endorsementComment": "Rigorous.",
            },
        },
        endorser,
        created=SIGNED_AT,
    )
    credential = _badge()
    credential["credentialSubject"]["achievement"]["endorsement"] = [endorsement]
    report = _verifier().verify(add_proof(credential, KEY, created=SIGNED_AT))
    assert report.verified
    assert [e.verified for e in report.endorsements] == [True]
    assert report.display is not None
    assert report.display.endorsements[0]["comment"] == "Rigorous."
    # A bad endorsement is reported but does not fail the badge itself.
    broken = copy.deepcopy(credential)
    broken["credentialSubject"]["achievement"]["endorsement"][0]["name"] = "forged"
    report = _verifier().verify(add_proof(broken, KEY, created=SIGNED_AT))
    assert report.verified
    check = report.check("endorsements")
    assert check is not None
    assert check.status is CheckStatus.FAILED
    assert check.severity == "warning"
    assert report.endorsements[0].verdict is Verdict.TAMPERED


def test_endorsement_jwt_in_a_vc_jwt() -> None:
    # The published OB 3.0.3 context does not define endorsementJwt. In a VC-JWT the JWS
    # signs the JSON itself, so it is a warning there; under a Data Integrity proof the
    # property would be unsigned, so it blocks.
    endorser = Ed25519Key.generate()
    endorsement = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:7f8e1a2c-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Accreditor endorsement",
        "issuer": {"id": endorser.did, "type": ["Profile"]},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://example.com/achievements/teamwork",
            "type": ["EndorsementSubject"],
        },
    }
    credential = _badge()
    credential["credentialSubject"]["achievement"]["endorsementJwt"] = [
        sign_jwt(endorsement, endorser)
    ]
    report = _verifier().verify(sign_jwt(credential, KEY))
    assert report.verified, [c for c in report.checks if c.blocking]
    jsonld = report.check("jsonld")
    assert jsonld is not None
    assert jsonld.severity == "warning"
    assert jsonld.path == "$.credentialSubject.achievement.endorsementJwt"
    assert [e.proof_format for e in report.endorsements] == ["vc-jwt"]
    assert report.endorsements[0].verified
    with pytest.raises(SafeModeError, match="endorsementJwt"):
        add_proof(credential, KEY)  # our signer refuses to leave it unsigned


# Every carrier -------------------------------------------------------------------------------


RENDERED = sorted((SPEC / "rendered-2024-04").glob("*.json"))


@pytest.mark.parametrize("path", RENDERED, ids=lambda p: p.name)
@pytest.mark.parametrize("carrier", ["json", "png", "svg"])
def test_signed_spec_examples_verify(path: Path, carrier: str) -> None:
    document = load(path)
    source: Any = {"json": document, "png": bake(png(), document), "svg": bake(SVG, document)}[
        carrier
    ]
    report = Verifier(resolver=pinned_resolver(document), clock=lambda: NOW).verify(source)
    assert report.carrier == carrier
    assert report.check("proof").status is CheckStatus.PASSED  # type: ignore[union-attr]
    if "credentialStatus" in document:
        # The complete example uses the deprecated 1EdTech revocation list: not checkable.
        _only_failure(report, "status", "unsupported_status_method")
    else:
        assert report.verified, [c for c in report.checks if c.blocking]


@pytest.mark.parametrize(
    "path", sorted((SPEC / "rendered-2024-04").glob("*.jwt")), ids=lambda p: p.name
)
@pytest.mark.parametrize("carrier", ["jwt", "png", "svg"])
def test_rendered_jwts(path: Path, carrier: str) -> None:
    token = path.read_text().strip()
    source: Any = {"jwt": token, "png": bake(png(), token), "svg": bake(SVG, token)}[carrier]
    # Their key is only in the jwk header: valid signature, but not tied to the issuer.
    report = _verifier().verify(source)
    assert report.proof_format == "vc-jwt"
    proof = report.check("proof")
    assert proof is not None
    assert proof.code == "issuer_key_unbound"
    assert not report.verified
    lenient = _verifier(accept_unbound_jwk=True).verify(source)
    assert lenient.check("proof").status is CheckStatus.PASSED  # type: ignore[union-attr]


def test_our_jwt_with_did_key_verifies() -> None:
    token = sign_jwt(_badge(), KEY)
    report = _verifier().verify(token)
    assert report.verified, report.checks
    assert report.proof_format == "vc-jwt"
    other = Ed25519Key.generate()
    impostor = sign_jwt(_badge(), other)  # issuer says KEY.did, signed by another did:key
    report = _verifier().verify(impostor)
    _only_failure(report, "proof", "issuer_key_mismatch")


def test_files_and_text(tmp_path: Path) -> None:
    signed = _signed()
    (tmp_path / "b.json").write_text(json.dumps(signed))
    (tmp_path / "b.png").write_bytes(bake(png(), signed))
    (tmp_path / "b.jwt").write_text(sign_jwt(_badge(), KEY) + "\n")
    for name in ("b.json", "b.png", "b.jwt"):
        assert _verifier().verify(tmp_path / name).verified, name
        assert _verifier().verify(str(tmp_path / name)).verified, name
    assert _verifier().verify(json.dumps(signed)).verified
    assert _verifier().verify(json.dumps(signed).encode()).verified


def test_https_url_carrier_and_did_web(https_server: Any, online_fetcher: Fetcher) -> None:
    key = Ed25519Key.generate()
    host = https_server.base.removeprefix("https://").replace(":", "%3A")
    did = f"did:web:{host}:issuers:kmutt"
    https_server.routes["/issuers/kmutt/did.json"] = Route(
        json.dumps(did_web_document(did, [key.public_key], fragments=["key-1"])).encode()
    )
    credential = _badge()
    credential["issuer"]["id"] = did
    signed = add_proof(credential, key, verification_method=f"{did}#key-1", created=SIGNED_AT)
    https_server.routes["/badges/1"] = Route(
        json.dumps(signed).encode(), content_type="application/vc+ld+json"
    )
    https_server.routes["/badges/1.png"] = Route(bake(png(), signed), content_type="image/png")
    verifier = Verifier(fetcher=online_fetcher, clock=lambda: NOW)
    for path in ("/badges/1", "/badges/1.png"):
        report = verifier.verify(https_server.url(path))
        assert report.verified, report.checks
        assert report.carrier == "url"
        assert {f["url"] for f in report.fetched} >= {https_server.url(path)}
    # Offline, the did:web cannot be resolved: unverifiable, never "verified" or "tampered".
    offline = _verifier().verify(signed)
    assert offline.verdict is Verdict.UNVERIFIABLE
    assert offline.check("proof").status is CheckStatus.ERROR  # type: ignore[union-attr]


def test_local_resources_work_offline() -> None:
    key = Ed25519Key.generate()
    did = "did:web:kmutt.example:issuers:1"
    document = json.dumps(did_web_document(did, [key.public_key])).encode()
    credential = _badge()
    credential["issuer"]["id"] = did
    signed = add_proof(
        credential, key, created=SIGNED_AT, verification_method=f"{did}#{key.public_key.multibase}"
    )
    fetcher = Fetcher(resources={"https://kmutt.example/issuers/1/did.json": document})
    report = Verifier(fetcher=fetcher, clock=lambda: NOW).verify(signed)
    assert report.verified
    assert report.fetched[0]["source"] == "local"


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"\x00\x01\x02",
        b"GIF89a",
        b"hello",
        "not a credential",
        "{bad json",
        "[1,2]",
        png(),
        SVG,
        b"\x89PNG\r\n\x1a\n\x00",
    ],
)
def test_unusable_input_is_the_documented_error(garbage: Any) -> None:
    with pytest.raises(InputError):
        verify(garbage)


def test_not_a_credential_object_gets_a_report() -> None:
    report = verify({"hello": "world"})
    assert not report.verified
    assert report.verdict in (Verdict.TAMPERED, Verdict.INVALID)


def test_rsa_jwt_with_kid_on_issuer_origin(https_server: Any, online_fetcher: Fetcher) -> None:
    key = RSAKey.generate()
    https_server.routes["/keys/1"] = Route(json.dumps(key.public_key.to_jwk()).encode())
    credential = _badge()
    credential["issuer"]["id"] = https_server.url("/issuers/1")
    token = sign_jwt(credential, key, kid=https_server.url("/keys/1"))
    report = Verifier(fetcher=online_fetcher, clock=lambda: NOW).verify(token)
    assert report.verified, report.checks
