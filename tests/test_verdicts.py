"""Every verdict means what it says (issue 12, sections 2-4): the verdict table code by code,
and real inputs for each way a credential can fail, be unsigned, or not be one at all."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from openmicrocred.did import did_web_document
from openmicrocred.errors import CredentialError, InputError
from openmicrocred.fetch import Fetcher
from openmicrocred.issuance import issue
from openmicrocred.keys import Ed25519Key
from openmicrocred.suites import add_proof
from openmicrocred.verification import Verdict, Verifier
from openmicrocred.verification.report import CheckCode, CheckName, CheckStatus, make_check
from openmicrocred.verification.trust import TrustList
from openmicrocred.verification.verdict import RULES, verdict

from conftest import SPEC, load

KEY = Ed25519Key.from_seed(bytes(range(32)))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
SIGNED_AT = datetime(2026, 1, 15, tzinfo=UTC)
VC2 = "https://www.w3.org/ns/credentials/v2"

# --- the verdict table, code by code --------------------------------------------------------

# What a failed (blocking) check of each family and code means. Every CheckCode appears here
# at least once, so a new code cannot be added without deciding its verdict.
FAILED: dict[tuple[CheckName, CheckCode], Verdict] = {
    (CheckName.STRUCTURE, CheckCode.NOT_A_CREDENTIAL): Verdict.INVALID,
    (CheckName.STRUCTURE, CheckCode.INVALID_CREDENTIAL): Verdict.INVALID,
    (CheckName.STRUCTURE, CheckCode.SUBJECT_UNIDENTIFIED): Verdict.INVALID,
    (CheckName.SCHEMA, CheckCode.SCHEMA_INVALID): Verdict.INVALID,
    (CheckName.JSONLD, CheckCode.JSONLD_SAFE_MODE): Verdict.TAMPERED,
    (CheckName.PROOF, CheckCode.SIGNATURE_INVALID): Verdict.TAMPERED,
    (CheckName.PROOF, CheckCode.ISSUER_KEY_MISMATCH): Verdict.TAMPERED,
    (CheckName.PROOF, CheckCode.JSONLD_SAFE_MODE): Verdict.TAMPERED,
    (CheckName.PROOF, CheckCode.NO_PROOF): Verdict.UNSIGNED,
    (CheckName.PROOF, CheckCode.INVALID_PROOF): Verdict.INVALID,
    (CheckName.PROOF, CheckCode.ASSERTION_ID_MISMATCH): Verdict.INVALID,
    (CheckName.PROOF, CheckCode.HOSTED_SCOPE_MISMATCH): Verdict.INVALID,
    (CheckName.PROOF, CheckCode.PROOF_EXPIRED): Verdict.EXPIRED,
    (CheckName.PROOF, CheckCode.PROOF_NOT_YET_VALID): Verdict.NOT_YET_VALID,
    (CheckName.DATES, CheckCode.EXPIRED): Verdict.EXPIRED,
    (CheckName.DATES, CheckCode.NOT_YET_VALID): Verdict.NOT_YET_VALID,
    (CheckName.DATES, CheckCode.INVALID_DATE): Verdict.INVALID,
    (CheckName.DATES, CheckCode.NO_VALID_FROM): Verdict.INVALID,
    (CheckName.STATUS, CheckCode.REVOKED): Verdict.REVOKED,
    (CheckName.STATUS, CheckCode.SUSPENDED): Verdict.SUSPENDED,
    (CheckName.STATUS, CheckCode.INVALID_STATUS_ENTRY): Verdict.INVALID,
    (CheckName.RECIPIENT, CheckCode.RECIPIENT_MISMATCH): Verdict.RECIPIENT_MISMATCH,
    (CheckName.INCLUDED, CheckCode.INCLUDED_INVALID): Verdict.INVALID,
    (CheckName.INCLUDED, CheckCode.NO_INCLUDED_CREDENTIALS): Verdict.INVALID,
    (CheckName.ISSUER, CheckCode.UNKNOWN_ISSUER): Verdict.UNTRUSTED_ISSUER,
}
# Codes that report something that could not be checked (status "error"): never a failure.
COULD_NOT_CHECK = {
    CheckCode.NO_USABLE_KEY,
    CheckCode.KEY_NOT_PUBLISHED,
    CheckCode.SIGNER_ERROR,
    CheckCode.RESOLUTION_FAILED,
    CheckCode.UNSUPPORTED_SUITE,
    CheckCode.ISSUER_KEY_UNBOUND,
    CheckCode.DOCUMENT_NOT_LOADED,
    CheckCode.FETCH_FAILED,
    CheckCode.CANONICALIZATION_FAILED,
    CheckCode.JSONLD_ERROR,
    CheckCode.INTERNAL_ERROR,
    CheckCode.STATUS_NOT_CHECKED,
    CheckCode.STATUS_LIST_UNREACHABLE,
    CheckCode.STATUS_LIST_INVALID,
    CheckCode.STATUS_LIST_ERROR,
    CheckCode.UNSUPPORTED_STATUS_METHOD,
    CheckCode.INVALID_STATUS_ENTRY,
    CheckCode.SCHEMA_UNAVAILABLE,
    CheckCode.INCLUSION_DEPTH,
    CheckCode.INVALID_KEY,
    CheckCode.SUITE_ERROR,
    CheckCode.BAKE_ERROR,
    CheckCode.UNUSABLE_INPUT,
    CheckCode.WORKFLOW_ERROR,
    CheckCode.OTHER_ERROR,
    CheckCode.ERROR,
    CheckCode.INVALID,
}
# Codes of checks that pass, are skipped, or are informational (warning level).
NOT_FAILURES = {
    CheckCode.JSONLD_OK,
    CheckCode.STRUCTURE_OK,
    CheckCode.SCHEMA_OK,
    CheckCode.PROOF_OK,
    CheckCode.PROOF_OK_UNBOUND,
    CheckCode.PROOF_SKIPPED,
    CheckCode.DATES_OK,
    CheckCode.ACTIVE,
    CheckCode.NO_STATUS,
    CheckCode.NO_REFRESH,
    CheckCode.REFRESH_NOTED,
    CheckCode.RECIPIENT_OK,
    CheckCode.TRUSTED_ISSUER,
    CheckCode.NO_ENDORSEMENTS,
    CheckCode.ENDORSEMENTS_OK,
    CheckCode.ENDORSEMENT_DEPTH,
    CheckCode.ENDORSEMENT_INVALID,
    CheckCode.INCLUDED_OK,
    CheckCode.STATUS_REFRESH,
    CheckCode.STATUS_MESSAGE,
    CheckCode.STATUS_SET,
    CheckCode.STATUS_LIST_ID_MISMATCH,
}


def test_every_code_has_a_decided_meaning() -> None:
    decided = {code for _, code in FAILED} | COULD_NOT_CHECK | NOT_FAILURES
    assert set(CheckCode) - decided == set()


@pytest.mark.parametrize(("family", "code"), sorted(FAILED, key=str))
def test_a_failed_check_gives_its_verdict(family: CheckName, code: CheckCode) -> None:
    check = make_check(family, CheckStatus.FAILED, code, "x")
    assert verdict([check]) is FAILED[(family, code)]
    # a warning-level failure never decides anything
    assert verdict([make_check(family, CheckStatus.FAILED, code, "x", severity="warning")]) is (
        Verdict.VERIFIED
    )


@pytest.mark.parametrize("code", sorted(COULD_NOT_CHECK))
@pytest.mark.parametrize("family", list(CheckName))
def test_what_could_not_be_checked_is_unverifiable(family: CheckName, code: CheckCode) -> None:
    assert verdict([make_check(family, CheckStatus.ERROR, code, "x")]) is Verdict.UNVERIFIABLE


def test_forgery_outranks_everything_and_conformance_never_hides_it() -> None:
    forged = make_check(CheckName.PROOF, CheckStatus.FAILED, CheckCode.SIGNATURE_INVALID, "x")
    for (family, code), _ in FAILED.items():
        if code is CheckCode.NOT_A_CREDENTIAL:
            continue
        other = make_check(family, CheckStatus.FAILED, code, "x")
        assert verdict([other, forged]) is Verdict.TAMPERED, (family, code)
    not_a_credential = make_check(
        CheckName.STRUCTURE, CheckStatus.FAILED, CheckCode.NOT_A_CREDENTIAL, "x"
    )
    assert verdict([forged, not_a_credential]) is Verdict.INVALID


def test_the_rule_table_uses_only_failure_codes() -> None:
    for _, codes, _ in RULES:
        assert codes is None or not codes & NOT_FAILURES


# --- real inputs ----------------------------------------------------------------------------


def _badge(**changes: Any) -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = KEY.did
    credential.update(changes)
    return credential


def _verify(document: Any, **options: Any) -> Any:
    return Verifier(clock=lambda: NOW, **options).verify(document)


def test_no_proof_is_unsigned_not_forged() -> None:
    report = _verify(_badge())
    assert report.verdict is Verdict.UNSIGNED
    assert report.check("proof").code == "no_proof"
    empty = _verify({**_badge(), "proof": []})
    assert empty.verdict is Verdict.UNSIGNED
    assert "empty proof list" in empty.check("proof").message


@pytest.mark.parametrize("document", [{"a": 1}, {}, {"@context": [VC2]}])
def test_json_that_is_no_credential_is_invalid(document: dict[str, Any]) -> None:
    report = _verify(document)
    assert report.verdict is Verdict.INVALID
    assert report.check("structure").code == "not_a_credential"


def _jws(header: dict[str, Any], payload: dict[str, Any], key: Ed25519Key) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    return signing_input + "." + b64(key.sign(signing_input.encode()))


def test_a_jws_naming_no_key_is_unverifiable() -> None:
    token = _jws({"alg": "EdDSA"}, _badge(), KEY)
    report = _verify(token)
    assert report.verdict is Verdict.UNVERIFIABLE
    assert report.check("proof").code == "no_usable_key"


def test_a_forged_proof_with_past_expiry_is_tampered_not_expired() -> None:
    signed = add_proof(_badge(), KEY, created=SIGNED_AT)
    signed["proof"]["expires"] = "2026-02-01T00:00:00Z"
    assert _verify(signed).verdict is Verdict.TAMPERED
    honest = add_proof(_badge(), KEY, created=SIGNED_AT, expires=datetime(2026, 2, 1, tzinfo=UTC))
    assert _verify(honest).verdict is Verdict.EXPIRED
    future = add_proof(_badge(), KEY, created=NOW + timedelta(days=2))
    assert _verify(future).verdict is Verdict.NOT_YET_VALID
    future["proof"]["created"] = "2027-01-01T00:00:00Z"
    assert _verify(future).verdict is Verdict.TAMPERED


def test_a_malformed_proof_is_invalid_and_a_forged_one_tampered() -> None:
    signed = add_proof(_badge(), KEY, created=SIGNED_AT)
    signed["proof"]["proofValue"] = "not multibase"
    assert _verify(signed).verdict is Verdict.INVALID
    other = Ed25519Key.generate()
    by_other = add_proof(_badge(), other, created=SIGNED_AT)
    report = _verify(by_other)  # valid signature, but not by the issuer it names
    assert report.verdict is Verdict.TAMPERED
    assert report.check("proof").code == "issuer_key_mismatch"


def test_a_plain_verifiable_credential_verifies_on_proof_dates_and_status() -> None:
    plain = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "issuer": KEY.did,
        "credentialSubject": {"id": "did:example:someone", "name": "Somchai"},
    }
    report = _verify(issue(plain, KEY, created=SIGNED_AT))  # no validFrom: VC DM 2.0 allows it
    assert report.verdict is Verdict.VERIFIED, report.checks
    assert "not an Open Badge" in report.check("structure").message
    assert "no validFrom" in report.check("dates").message
    expired = issue({**plain, "validUntil": "2026-02-01T00:00:00Z"}, KEY, created=SIGNED_AT)
    assert _verify(expired).verdict is Verdict.EXPIRED


def test_a_bitstring_status_list_credential_verifies() -> None:
    from openmicrocred.status.bitstring import BitString

    status_list = {
        "@context": [VC2],
        "id": "https://kmutt.example/status/1",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": KEY.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://kmutt.example/status/1#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": BitString().encode(),
        },
    }
    assert _verify(issue(status_list, KEY, created=SIGNED_AT)).verdict is Verdict.VERIFIED


def test_a_proof_set_verifies_on_its_valid_proof_and_skips_the_unknown_one() -> None:
    signed = add_proof(_badge(), KEY, created=SIGNED_AT)
    signed["proof"] = [
        {
            "type": "FutureSignature2031",
            "quantumResistance": "high",
            "verificationMethod": "did:example:x#1",
            "proofPurpose": "assertionMethod",
            "signatureValue": "abc",
        },
        signed["proof"],
    ]
    report = _verify(signed)
    assert report.verdict is Verdict.VERIFIED, report.checks
    proofs = [c for c in report.checks if c.name == "proof"]
    assert [c.status.value for c in proofs] == ["passed", "skipped"]
    assert proofs[1].path == "$.proof[0]"
    # but a forged proof in the set is not skipped
    signed["proof"][1] = {**signed["proof"][1], "created": "2026-01-16T00:00:00Z"}
    signed["proof"].append(add_proof(_badge(), KEY, created=SIGNED_AT)["proof"])
    assert _verify(signed).verdict is Verdict.TAMPERED


def test_a_cosignature_by_someone_else_does_not_spoil_the_issuers_proof() -> None:
    signed = add_proof(_badge(), KEY, created=SIGNED_AT)
    notary = Ed25519Key.generate()
    both = add_proof(signed, notary, created=SIGNED_AT)
    assert isinstance(both["proof"], list)
    report = _verify(both)
    assert report.verdict is Verdict.VERIFIED, report.checks


# --- who signed it --------------------------------------------------------------------------


def test_a_did_key_signer_is_called_self_made() -> None:
    report = _verify(add_proof(_badge(), KEY, created=SIGNED_AT))
    assert report.signer is not None
    assert report.signer.kind == "did:key"
    assert report.signer.statement == (
        "a self-made key (did:key): the name 'Example Corp' is the issuer's own claim; "
        "anyone can make such a key"
    )


def _did_web_badge(did: str, key: Ed25519Key) -> tuple[dict[str, Any], Fetcher]:
    document = json.dumps(did_web_document(did, [key.public_key])).encode()
    host = did.split(":")[2]
    credential = _badge()
    credential["issuer"]["id"] = did
    signed = add_proof(
        credential, key, created=SIGNED_AT, verification_method=f"{did}#{key.public_key.multibase}"
    )
    return signed, Fetcher(resources={f"https://{host}/.well-known/did.json": document})


def test_a_did_web_signer_is_the_domain_that_publishes_the_key() -> None:
    key = Ed25519Key.generate()
    signed, fetcher = _did_web_badge("did:web:badges.kmutt.ac.th", key)
    report = _verify(signed, fetcher=fetcher)
    assert report.verified
    assert report.signer.domain == "badges.kmutt.ac.th"
    assert report.signer.statement == "the key is published by badges.kmutt.ac.th"


# --- trust sources --------------------------------------------------------------------------

DCC_REGISTRY = {
    "meta": {"created": "2020-12-02T02:32:16+0000", "updated": "2026-01-01T00:00:00+0000"},
    "registry": {
        KEY.did: {"name": "Example University", "location": "Bangkok", "url": "https://x.example"}
    },
}


def test_an_issuer_on_no_trust_source_is_untrusted() -> None:
    signed = add_proof(_badge(), KEY, created=SIGNED_AT)
    registry = TrustList.from_json(DCC_REGISTRY, name="DCC registry")
    trusted = _verify(signed, trust=[registry])
    assert trusted.verdict is Verdict.VERIFIED
    assert trusted.issuer_trusted is True
    assert trusted.trusted_by == "Example University (listed by DCC registry)"
    elsewhere = TrustList.of(["did:web:other.example", "other.example"], name="partners")
    untrusted = _verify(signed, trust=[elsewhere])
    assert untrusted.verdict is Verdict.UNTRUSTED_ISSUER
    assert not untrusted.verified
    assert untrusted.issuer_trusted is False
    assert _verify(signed, trust=[elsewhere, registry]).verified
    # a forgery stays a forgery, whoever is trusted
    signed["name"] = "forged"
    assert _verify(signed, trust=[registry]).verdict is Verdict.TAMPERED


def test_a_domain_is_trusted_only_for_keys_it_publishes() -> None:
    key = Ed25519Key.generate()
    signed, fetcher = _did_web_badge("did:web:badges.kmutt.ac.th", key)
    kmutt = TrustList.of(["badges.kmutt.ac.th"], name="KMUTT")
    assert _verify(signed, fetcher=fetcher, trust=[kmutt]).verified
    # a did:key issuer naming itself after the domain proves nothing about it
    fake_issuer = {"id": KEY.did, "name": "badges.kmutt.ac.th"}
    fake = add_proof(_badge(issuer=fake_issuer), KEY, created=SIGNED_AT)
    assert _verify(fake, trust=[kmutt]).verdict is Verdict.UNTRUSTED_ISSUER


def test_trust_files_in_each_format(tmp_path: Any) -> None:
    lines = tmp_path / "partners.txt"
    lines.write_text(f"# partners\n{KEY.did}\nbadges.kmutt.ac.th  # a domain\n")
    listed = TrustList.load(lines)
    assert KEY.did in listed.issuers
    assert "badges.kmutt.ac.th" in listed.domains
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(DCC_REGISTRY))
    assert TrustList.load(registry).issuers[KEY.did].name == "Example University"
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"issuers": [KEY.did], "domains": ["Example.ORG"]}))
    assert "example.org" in TrustList.load(split).domains


# --- VC-JWT dates ---------------------------------------------------------------------------


def _jwt(**claims: Any) -> str:
    # A plain VC 2.0 credential: no validFrom, no validUntil; only the JWT claims say when.
    credential = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "issuer": KEY.did,
        "credentialSubject": {"id": "did:example:someone"},
    }
    kid = KEY.verification_method
    return _jws({"alg": "EdDSA", "kid": kid}, {**credential, "iss": KEY.did, **claims}, KEY)


def _at(year: int, month: int = 1) -> int:
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"exp": _at(2026, 2)}, Verdict.EXPIRED),
        ({"nbf": _at(2027)}, Verdict.NOT_YET_VALID),
        ({"nbf": _at(2026), "exp": _at(2027)}, Verdict.VERIFIED),
    ],
)
def test_jwt_exp_and_nbf_are_enforced_without_valid_until(
    claims: dict[str, Any], expected: Verdict
) -> None:
    assert _verify(_jwt(**claims)).verdict is expected


def test_a_jwt_with_nan_is_not_json() -> None:
    # RFC 8259 JSON has no NaN or Infinity: such a payload is unusable input, said plainly.
    for value, name in ((float("nan"), "NaN"), (float("inf"), "Infinity")):
        with pytest.raises(InputError, match=f"{name} is not a JSON number"):
            _verify(_jwt(exp=value))


@pytest.mark.parametrize("value", [1e300, 253402300800, -5, "tomorrow", True, None])
def test_unusable_jwt_dates_are_a_clear_error(value: Any) -> None:
    report = _verify(_jwt(exp=value))
    assert report.verdict is Verdict.INVALID
    assert "exp" in report.check("proof").message


# --- endorsements are shown as holding only when they verified ------------------------------


def test_an_unverified_endorsement_is_not_shown_as_holding() -> None:
    endorser = Ed25519Key.generate()
    endorsement = add_proof(
        {
            "@context": [VC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:5b8a9d1c-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "issuer": {"id": endorser.did, "type": ["Profile"], "name": "Harvard University"},
            "validFrom": "2026-01-01T00:00:00Z",
            "name": "Endorsement",
            "credentialSubject": {
                "id": "https://example.com/achievements/21st-century-skills/teamwork",
                "type": ["EndorsementSubject"],
                "endorsementComment": "Excellent",
            },
        },
        endorser,
        created=SIGNED_AT,
    )
    forged = json.loads(json.dumps(endorsement))
    forged["credentialSubject"]["endorsementComment"] = "The best in the world"
    badge = _badge()
    badge["credentialSubject"]["achievement"]["endorsement"] = [endorsement, forged]
    report = _verify(add_proof(badge, KEY, created=SIGNED_AT))
    shown = report.display.endorsements
    assert [(e["endorser"], e["verified"], e["verdict"]) for e in shown] == [
        ("Harvard University", True, "verified"),
        ("Harvard University", False, "tampered"),
    ]


# --- the issuing side refuses what VC DM forbids --------------------------------------------


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda c: c.pop("credentialSubject"), "$.credentialSubject"),
        (lambda c: c.update(credentialSubject=[]), "$.credentialSubject"),
        (lambda c: c.update(credentialSubject={}), "$.credentialSubject"),
        (lambda c: c.update({"@context": c["@context"][1:]}), "$['@context']"),
        (lambda c: c.update(type=["OpenBadgeCredential"]), "$.type"),
        (
            lambda c: c.update(credentialStatus={"id": "https://x.example/1"}),
            "$.credentialStatus.type",
        ),
        (
            lambda c: c.update(credentialSchema=[{"id": "https://x.example/s"}]),
            "$.credentialSchema[0].type",
        ),
        (lambda c: c.update(refreshService={"id": "https://x.example/r"}), "$.refreshService.type"),
        (lambda c: c.update(evidence=[{"id": "https://x.example/e"}]), "$.evidence[0].type"),
        (lambda c: c.update(termsOfUse={"id": "https://x.example/t"}), "$.termsOfUse.type"),
        (lambda c: c.update(validFrom="2026-01-01"), "$.validFrom"),
        (lambda c: c.update(validFrom="2026-01-01T00:00:00"), "$.validFrom"),
        (lambda c: c.update(validUntil="2000-01-01T00:00:00Z"), "$.validUntil"),
        (
            lambda c: c.update(relatedResource=[{"id": "https://x.example/r"}]),
            "$.relatedResource[0]",
        ),
        (lambda c: c.update(issuer="not a url"), "$.issuer"),
    ],
)
def test_issue_refuses_what_the_data_model_forbids(change: Any, path: str) -> None:
    credential = _badge()
    change(credential)
    with pytest.raises(CredentialError) as info:
        issue(credential, KEY)
    assert path in [e.path for e in info.value.errors], info.value.errors
    with pytest.raises(CredentialError):
        issue(credential, KEY, format="jwt")
    with pytest.raises(CredentialError):
        add_proof(credential, KEY)


def test_a_cosignature_does_not_hide_a_malformed_proof() -> None:
    signed = add_proof(_badge(), KEY, created=SIGNED_AT)
    both = add_proof(signed, Ed25519Key.generate(), created=SIGNED_AT)
    broken = {**both["proof"][0], "proofValue": "not multibase"}
    both["proof"].append(broken)
    report = _verify(both)
    assert report.verdict is Verdict.INVALID
    assert report.check("proof").path == "$.proof[2]"
