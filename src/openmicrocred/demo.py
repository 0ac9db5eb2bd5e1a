"""``openmicrocred demo``: a KMUTT-style micro-credential, built, checked and written out.

What it shows today (foundation release): the typed model of an OB 3.0 micro-credential with
rubric results, evidence and alignments; its lossless JSON; 1EdTech schema validation; and
JSON-LD safe mode, including what happens to a term no context defines. Signing, verifying
and revocation are added by the releases that follow and will extend this demo.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from .errors import SafeModeError
from .jsonld import check_safe
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


def build_demo_credential() -> AchievementCredential:
    """Build the demo's unsigned micro-credential for one learner."""
    issuer = Profile(
        id=f"{_BASE}/issuers/kmutt",
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
    say("Signing, verification and revocation come with the next releases.")
    return 0 if round_trip == data else 1
