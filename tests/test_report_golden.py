"""Golden verification reports: the JSON of the report of every example and vector, and of
generated credentials that pass or fail each check, must stay byte for byte what it was.

The files in ``tests/golden/reports/`` were written by the verifier before its performance
work (issue 12); any change to what a report says shows up here as a diff. To rewrite them
after a deliberate change of a report: ``python tests/test_report_golden.py --write``, and
review the diff.
"""

from __future__ import annotations

import contextlib
import copy
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from images import SVG, png
from openmicrocred.bake import bake
from openmicrocred.errors import InputError
from openmicrocred.fetch import Fetcher
from openmicrocred.keys import Ed25519Key
from openmicrocred.status.bitstring import BitString
from openmicrocred.status.publish import status_list_credential
from openmicrocred.suites import add_proof
from openmicrocred.suites.vc_jwt import sign_jwt
from openmicrocred.verification import Verifier

from conftest import SPEC, VECTORS, load, pinned_resolver

GOLDEN = Path(__file__).parent / "golden" / "reports"
KEY = Ed25519Key.from_seed(bytes(range(32)))
ENDORSER = Ed25519Key.from_seed(bytes(range(1, 33)))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
SIGNED_AT = datetime(2026, 1, 15, tzinfo=UTC)
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC2 = "https://www.w3.org/ns/credentials/v2"

# Every JSON document among the vectors that a verifier might be given (canonicalization
# and status-list codec vectors are not credentials).
_SKIP_DIRS = {"rdf-canon", "bitstring-status-list"}
VECTOR_FILES = sorted(
    p
    for p in VECTORS.rglob("*")
    if p.suffix in {".json", ".jsonld", ".svg", ".jwt"}
    and not _SKIP_DIRS & set(p.relative_to(VECTORS).parts)
)

Case = Callable[[], tuple[Verifier, Any, dict[str, Any]]]


def _verifier(**options: Any) -> Verifier:
    return Verifier(clock=lambda: NOW, **options)


def _vector_case(path: Path) -> Case:
    def case() -> tuple[Verifier, Any, dict[str, Any]]:
        source: Any = path.read_bytes()
        options: dict[str, Any] = {}
        if path.suffix in {".json", ".jsonld"}:
            document = load(path)
            source = document
            if isinstance(document, dict) and isinstance(document.get("proof"), dict | list):
                with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                    options["resolver"] = pinned_resolver(document)
        return _verifier(**options), source, {"name": path.name}

    return case


def _badge(**changes: Any) -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = KEY.did
    credential.update(changes)
    return credential


def _signed(credential: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    return add_proof(credential or _badge(**changes), KEY, created=SIGNED_AT)


def _endorsement() -> dict[str, Any]:
    return add_proof(
        {
            "@context": [VC2, OB_303],
            "id": "urn:uuid:7f8e1a2c-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "Accreditor endorsement",
            "issuer": {"id": ENDORSER.did, "type": ["Profile"], "name": "Accreditor"},
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "https://example.com/achievements/teamwork",
                "type": ["EndorsementSubject"],
                "endorsementComment": "Rigorous.",
            },
        },
        ENDORSER,
        created=SIGNED_AT,
    )


STATUS_URL = "https://kmutt.example/status/revocation-1.json"


def _with_status(revoked: bool) -> tuple[Verifier, Any, dict[str, Any]]:
    bits = BitString()
    if revoked:
        bits.set(4321)
    unsigned = status_list_credential(
        STATUS_URL, "revocation", bits.encode(), issuer=KEY.did, valid_from=SIGNED_AT
    )
    status_list = add_proof(unsigned, KEY, created=SIGNED_AT)
    credential = _badge()
    credential["credentialStatus"] = {
        "id": f"{STATUS_URL}#4321",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "4321",
        "statusListCredential": STATUS_URL,
    }
    resources = {STATUS_URL: json.dumps(status_list).encode()}
    return _verifier(fetcher=Fetcher(resources=resources)), _signed(credential), {}


def _tampered() -> dict[str, Any]:
    credential = _signed()
    credential["name"] = "Forged"
    return credential


def _subject_change(**changes: Any) -> dict[str, Any]:
    credential = _badge()
    credential["credentialSubject"].update(changes)
    return _signed(credential)


def _achievement_change(**changes: Any) -> dict[str, Any]:
    credential = _badge()
    credential["credentialSubject"]["achievement"].update(changes)
    return credential  # unsigned: the structure check runs on anything


def _endorsed(broken: bool) -> dict[str, Any]:
    credential = _badge()
    endorsement = _endorsement()
    if broken:
        endorsement["name"] = "forged"
    credential["credentialSubject"]["achievement"]["endorsement"] = [endorsement]
    return _signed(credential)


def _simple(source: Callable[[], Any], **options: Any) -> Case:
    return lambda: (_verifier(), source(), options)


GENERATED: dict[str, Case] = {
    "signed": _simple(_signed),
    "signed-recipient-ok": _simple(_signed, recipient="did:example:ebfeb1f712ebc6f1c276e12ec21"),
    "signed-recipient-mismatch": _simple(_signed, recipient="someone@example.com"),
    "signed-png": _simple(lambda: bake(png(), _signed())),
    "signed-svg": _simple(lambda: bake(SVG, _signed())),
    "tampered": _simple(_tampered),
    "unsigned": _simple(_badge),
    "expired": _simple(lambda: _signed(validUntil="2026-02-01T00:00:00Z")),
    "not-yet-valid": _simple(lambda: _signed(validFrom="2027-01-01T00:00:00Z")),
    "bad-date": _simple(lambda: _badge(validFrom="yesterday")),
    "undefined-term": _simple(lambda: _badge(favouriteColour="blue")),
    "vc-jwt": _simple(lambda: sign_jwt(_badge(), KEY)),
    "vc-jwt-impostor": _simple(lambda: sign_jwt(_badge(), ENDORSER)),
    "status-active": lambda: _with_status(False),
    "status-revoked": lambda: _with_status(True),
    "endorsed": _simple(lambda: _endorsed(False)),
    "endorsed-broken": _simple(lambda: _endorsed(True)),
    "trusted": lambda: (_verifier(trusted_issuers=[KEY.did]), _signed(), {}),
    "untrusted": lambda: (_verifier(trusted_issuers=["did:example:other"]), _signed(), {}),
    "subject-no-id": _simple(
        lambda: _signed(
            {**_badge(), "credentialSubject": {"type": ["AchievementSubject"], "achievement": {}}}
        )
    ),
    "subject-name": _simple(lambda: _subject_change(name="Ada Lovelace")),
    "subject-not-an-object": _simple(lambda: _badge(credentialSubject="did:example:learner")),
    "subject-list": _simple(lambda: _badge(credentialSubject=[_badge()["credentialSubject"]] * 2)),
    "achievement-missing-name": _simple(
        lambda: _strip(_achievement_change(), ("credentialSubject", "achievement", "name"))
    ),
    "achievement-bad-iri": _simple(lambda: _achievement_change(id="not an iri")),
    "achievement-bad-type": _simple(lambda: _achievement_change(achievementType="Nonsense")),
    "achievement-number-name": _simple(lambda: _achievement_change(name=42)),
    "issuer-string": _simple(lambda: _badge(issuer=KEY.did)),
    "issuer-missing": _simple(lambda: _strip(_badge(), ("issuer",))),
    "no-ob-type": _simple(lambda: _badge(type=["VerifiableCredential"])),
    "not-a-credential": _simple(lambda: {"hello": "world"}),
    "type-singleton": _simple(lambda: _badge(type="OpenBadgeCredential")),
    "null-description": _simple(lambda: _badge(description=None)),
}


def _strip(document: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    holder = document
    for key in path[:-1]:
        holder = holder[key]
    del holder[path[-1]]
    return document


def _vector_name(path: Path) -> str:
    return "vector-" + str(path.relative_to(VECTORS)).replace("/", "-").replace(".", "_")


CASES: dict[str, Case] = {
    **{_vector_name(p): _vector_case(p) for p in VECTOR_FILES},
    **GENERATED,
}


def report_json(case: Case) -> str:
    verifier, source, options = case()
    try:
        report = verifier.verify(source, **options)
    except InputError as exc:
        return f"InputError: {exc}\n"
    return report.model_dump_json(indent=1) + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_is_unchanged(name: str) -> None:
    golden = GOLDEN / f"{name}.json"
    assert golden.exists(), f"no golden file for {name}: run python {__file__} --write"
    assert report_json(CASES[name]) == golden.read_text(encoding="utf-8")


def test_every_golden_file_has_its_case() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(CASES)


def _write() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN.glob("*.json"):
        old.unlink()
    for name, case in sorted(CASES.items()):
        (GOLDEN / f"{name}.json").write_text(report_json(case), encoding="utf-8")
    print(f"wrote {len(CASES)} golden reports to {GOLDEN}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(f"usage: python {sys.argv[0]} --write")
    _write()


def test_display_carries_the_subject_name() -> None:
    verifier, source, options = GENERATED["subject-name"]()
    report = verifier.verify(source, **options)
    assert report.display is not None
    assert report.display.subject["name"] == "Ada Lovelace"
    verifier, source, options = GENERATED["signed"]()
    shown = verifier.verify(source, **options).display
    assert shown is not None
    assert "name" not in shown.subject
