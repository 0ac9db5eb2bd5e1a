"""``openmicrocred demo``: a KMUTT-style micro-credential, built, checked, signed and verified.

What it shows today: the typed model of an OB 3.0 micro-credential with rubric results,
evidence and alignments; its lossless JSON; 1EdTech schema validation; JSON-LD safe mode;
an issuer key and did:web document; an ``eddsa-rdfc-2022`` proof and a VC-JWT, both verified
offline against the issuer's published did.json (served from a local copy); and tampering
caught. Revocation and the full verifier report come with the releases that follow.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from .did import Resolver, did_web_document, did_web_url
from .errors import SafeModeError
from .fetch import Fetcher
from .jsonld import check_safe
from .keys import Ed25519Key
from .models import (
    Achievement,
    AchievementCredential,
    AchievementSubject,
    Alignment,
    Criteria,
    Evidence,
    IdentityObject,
    Profile,
    Result,
    ResultDescription,
    RubricCriterionLevel,
    parse_credential,
)
from .schema import ACHIEVEMENT_CREDENTIAL_SCHEMA, validate
from .suites import add_proof, verify_proofs
from .suites.vc_jwt import sign_jwt, verify_jwt

__all__ = ["build_demo_credential", "run_demo"]

_BASE = "https://badges.kmutt.ac.th"


def _levels(criterion: str) -> list[RubricCriterionLevel]:
    names = [
        ("beginning", "Beginning", "1"),
        ("developing", "Developing", "2"),
        ("proficient", "Proficient", "3"),
        ("exemplary", "Exemplary", "4"),
    ]
    return [
        RubricCriterionLevel(id=f"{_BASE}/rubrics/{criterion}/{slug}", name=name, points=points)
        for slug, name, points in names
    ]


ISSUER_DID = "did:web:badges.kmutt.ac.th:issuers:kmutt"


def build_demo_credential(issuer_id: str = ISSUER_DID) -> AchievementCredential:
    """Build the demo's unsigned micro-credential for one learner."""
    issuer = Profile(
        id=issuer_id,
        name="King Mongkut's University of Technology Thonburi",
        url="https://www.kmutt.ac.th",
    )
    criteria_ids = ["data-cleaning", "visualisation", "communication"]
    descriptions = [
        ResultDescription(
            id=f"{_BASE}/rubrics/{c}",
            name=c.replace("-", " ").title(),
            result_type="RubricCriterionLevel",
            rubric_criterion_level=_levels(c),
            required_level=f"{_BASE}/rubrics/{c}/proficient",
        )
        for c in criteria_ids
    ]
    achievement = Achievement(
        id=f"{_BASE}/achievements/data-storytelling",
        name="Data Storytelling",
        description="Turns a raw data set into a clear, honest visual argument.",
        achievement_type="MicroCredential",
        criteria=Criteria(
            narrative=(
                "Submit (1) answers to the overview questions, (2) a cleaned data set and a "
                "dashboard as work artifacts, and (3) a reflection. Every rubric criterion must "
                "reach *Proficient*."
            )
        ),
        alignment=[
            Alignment(
                target_name="Data literacy",
                target_url="https://www.kmutt.ac.th/plo/data-literacy",
                target_framework="KMUTT programme learning outcomes",
                target_type="ext:ProgrammeLearningOutcome",
            ),
            Alignment(
                target_name="Communicate information effectively",
                target_url="https://www.kmutt.ac.th/competencies/communication",
                target_type="ceasn:Competency",
            ),
        ],
        result_description=descriptions,
    )
    achieved = ["proficient", "exemplary", "proficient"]
    subject = AchievementSubject(
        id="did:example:learner-somchai",
        identifier=[IdentityObject.hashed_email("somchai@example.ac.th", salt="demo-salt")],
        achievement=achievement,
        result=[
            Result(result_description=rd.id, achieved_level=f"{rd.id}/{level}")
            for rd, level in zip(descriptions, achieved, strict=True)
        ],
    )
    return AchievementCredential(
        context=[
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        id=f"{_BASE}/credentials/0001",
        issuer=issuer,
        valid_from=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        name="Data Storytelling — Somchai",
        credential_subject=subject,
        evidence=[
            Evidence(
                id=f"{_BASE}/evidence/0001/dashboard", name="Dashboard", genre="Work artifact"
            ),
            Evidence(
                name="Reflection",
                narrative="What I would do differently next time…",
                genre="Reflection",
            ),
        ],
    )


def run_demo(out_dir: Path, *, stream: TextIO) -> int:
    """Build, check and write the demo credential; print what a person would want to see."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cred = build_demo_credential()
    data = cred.dump()
    path = out_dir / "data-storytelling.unsigned.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def say(line: str = "") -> None:
        print(line, file=stream)

    ach = cred.credential_subject.achievement
    say(f"Micro-credential: {ach.name} ({ach.achievement_type})")
    say(f"  issuer:   {cred.issuer_id}")
    say(f"  learner:  {cred.credential_subject.id}")
    levels = ach.rubric_levels()
    for result in cred.credential_subject.result or []:
        rd = ach.find_result_description(result.result_description or "")
        level = levels.get(result.achieved_level or "")
        if rd and level:
            say(f"  rubric:   {rd.name}: {level.name} ({level.points} points)")
    for al in ach.alignment or []:
        say(f"  aligned:  {al.target_name} <{al.target_url}>")
    say(f"  written:  {path}")

    round_trip = parse_credential(json.loads(path.read_text(encoding="utf-8"))).dump()
    say(f"check: lossless round trip ........ {'ok' if round_trip == data else 'FAILED'}")
    validate(data, schema=ACHIEVEMENT_CREDENTIAL_SCHEMA)
    say("check: 1EdTech JSON schema ........ ok")
    check_safe(data)
    say("check: JSON-LD safe mode .......... ok")
    tampered: dict[str, Any] = json.loads(json.dumps(data))
    tampered["credentialSubject"]["grade"] = "A+"
    try:
        check_safe(tampered)
        say("check: undefined term refused ..... FAILED (accepted)")
        return 1
    except SafeModeError as exc:
        say(f"check: undefined term refused ..... ok ({exc.path})")

    # The issuer: a key, and the did:web document it publishes.
    key_file = out_dir / "issuer-key.pem"
    if key_file.exists():  # a second run keeps the issuer's key
        key = Ed25519Key.load(key_file)
    else:
        key = Ed25519Key.generate()
        key.save(key_file)
    did_doc = did_web_document(ISSUER_DID, [key.public_key], fragments=["key-1"])
    did_json = json.dumps(did_doc, indent=2).encode()
    (out_dir / "did.json").write_bytes(did_json)
    method = f"{ISSUER_DID}#key-1"
    signed = add_proof(data, key, verification_method=method)
    signed_path = out_dir / "data-storytelling.json"
    signed_path.write_text(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", "utf-8")
    token = sign_jwt(data, key, kid=method)
    (out_dir / "data-storytelling.jwt").write_text(token + "\n", encoding="utf-8")
    say(f"signed:   {signed_path} (eddsa-rdfc-2022) and data-storytelling.jwt (EdDSA)")
    say(f"issuer:   {ISSUER_DID} (did.json to publish at {did_web_url(ISSUER_DID)})")

    # Verify offline, with the published did.json answered from the local copy.
    resolver = Resolver(Fetcher(resources={did_web_url(ISSUER_DID): did_json}))
    results = verify_proofs(signed, resolver=resolver, expected_controller=ISSUER_DID)
    ok = bool(results) and all(r.verified for r in results)
    say(f"check: proof verifies ............. {'ok' if ok else 'FAILED'}")
    jwt_ok = verify_jwt(token, resolver=resolver).controller == ISSUER_DID
    say(f"check: VC-JWT verifies ............ {'ok' if jwt_ok else 'FAILED'}")
    forged = json.loads(json.dumps(signed))
    forged["credentialSubject"]["result"][0]["achievedLevel"] = (
        f"{_BASE}/rubrics/data-cleaning/exemplary"
    )
    caught = not verify_proofs(forged, resolver=resolver)[0].verified
    say(f"check: forged rubric level caught . {'ok' if caught else 'FAILED'}")
    say("Revocation and the full verifier report come with the next releases.")
    return 0 if (round_trip == data and ok and jwt_ok and caught) else 1
