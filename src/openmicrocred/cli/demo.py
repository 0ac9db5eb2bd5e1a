"""``openmicrocred demo [DIR]``: the whole micro-credential story, offline, in a few seconds.

An issuer key and did:web document; a status registry; a KMUTT-style micro-credential that
is reviewed, approved and published; one learner who passes and one who must revise and
then passes; signed badges, baked into PNG and SVG, with QR codes and HTML pages; one badge
revoked and the status lists published; a CLR stacking a badge into a certificate; and
every badge verified as an employer would, from the files alone. ``DIR/manifest.json`` lists
what was made so anyone can re-check it with ``openmicrocred verify --resource URL=FILE``.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from ..bake import bake
from ..did import did_web_document, did_web_url
from ..fetch import Fetcher
from ..keys import Ed25519Key
from ..microcredential import (
    AlignmentTarget,
    Artifact,
    ArtifactRequirement,
    LearnerRecord,
    MicroCredential,
    OverviewQuestion,
    ReflectionPrompt,
    RubricCriterion,
    RubricLevel,
    Submission,
    assess,
    award,
)
from ..microcredential.stack import Association, stack
from ..present import badge_page, linkedin_add_to_profile_url, qr_png, qr_svg
from ..present.images import credential_badge
from ..status import SQLiteStatusRegistry, publish
from ..storage import CredentialStore
from ..verification import StatusChecker
from ..verification.verifier import Verifier

__all__ = ["ISSUER_DID", "demo_definition", "run_demo"]

BASE = "https://badges.kmutt.ac.th"
ISSUER_DID = "did:web:badges.kmutt.ac.th:issuers:kmutt"
ISSUER = {
    "id": ISSUER_DID,
    "name": "King Mongkut's University of Technology Thonburi",
    "url": "https://www.kmutt.ac.th",
}


def _levels() -> list[RubricLevel]:
    return [
        RubricLevel(id="beginning", name="Beginning", points=1),
        RubricLevel(id="developing", name="Developing", points=2),
        RubricLevel(id="proficient", name="Proficient", points=3),
        RubricLevel(id="exemplary", name="Exemplary", points=4),
    ]


def demo_definition() -> MicroCredential:
    """The demo's micro-credential definition (a draft)."""
    return MicroCredential(
        id=f"{BASE}/achievements/data-storytelling",
        name="Data Storytelling",
        code="KMUTT-MC-DS101",
        language="en",
        purpose="Turn a raw data set into a clear, honest visual argument that others can act on.",
        objectives=[
            "Clean and document a real data set",
            "Choose charts that fit the question",
            "Explain findings to non-experts",
        ],
        applications="Reports, dashboards and presentations in any profession.",
        competency="Communicates insights from data visually and in writing, accurately and "
        "for a stated audience.",
        methods=["A dashboard built from a public data set", "A short recorded walkthrough"],
        submission_requirements=[
            "Answers to the overview questions",
            "The cleaned data set and the dashboard (file or link)",
            "A written reflection",
        ],
        target_learners="Undergraduate and graduate students, and working professionals.",
        category="Technology",
        alignments=[
            AlignmentTarget(
                name="PLO 3: Data literacy",
                url="https://www.kmutt.ac.th/plo/3",
                framework="KMUTT programme learning outcomes (OBE)",
                code="PLO3",
                target_type="ext:ProgrammeLearningOutcome",
            ),
            AlignmentTarget(
                name="Communicate information effectively",
                url="https://www.kmutt.ac.th/competencies/communication",
                framework="KMUTT competency framework",
                target_type="ceasn:Competency",
            ),
        ],
        questions=[
            OverviewQuestion(
                id="question",
                question="What question does your data answer, and for whom?",
                passing_criteria="Names a specific question and audience.",
            ),
            OverviewQuestion(
                id="sources",
                question="Where does the data come from and what are its limits?",
                passing_criteria="Cites the source and one limit.",
            ),
        ],
        artifacts=[
            ArtifactRequirement(
                id="dashboard",
                description="The dashboard and the cleaned data set",
                kinds=["document", "video"],
            )
        ],
        rubric=[
            RubricCriterion(
                id="cleaning", name="Data cleaning", levels=_levels(), passing_level="proficient"
            ),
            RubricCriterion(
                id="visuals", name="Choice of visuals", levels=_levels(), passing_level="proficient"
            ),
            RubricCriterion(
                id="story",
                name="Narrative and audience",
                levels=_levels(),
                passing_level="proficient",
            ),
        ],
        reflections=[
            ReflectionPrompt(
                id="next-time",
                prompt="What would you do differently next time, and why?",
                passing_criteria="Names a concrete change and the reason for it.",
            )
        ],
        designer="Asst. Prof. Dr. Designer",
    )


def _submission(learner: str, at: datetime, folder: Path, *, weak: bool = False) -> Submission:
    artifact_file = folder / f"{learner.split(':')[-1]}-dashboard.html"
    artifact_file.write_text(
        "<h1>Rainfall in Bangkok, 2015-2025</h1>\n" + ("draft" if weak else "final") + "\n",
        encoding="utf-8",
    )
    return Submission(
        learner=learner,
        answers={
            "question": "Is flooding risk rising in Bangkok districts? For city planners.",
            "sources": "Thai Meteorological Department open data; gauges are sparse.",
        },
        artifacts=[
            Artifact.from_file(
                artifact_file,
                requirement="dashboard",
                name="Rainfall dashboard",
                kind="document",
                url=f"{BASE}/evidence/{artifact_file.name}",
                media_type="text/html",
            )
        ],
        reflections={
            "next-time": "I would validate the gauge data against satellite data, "
            "because gaps biased two districts."
        },
        submitted_at=at,
    )


def _say(stream: TextIO, line: str = "") -> None:
    print(line, file=stream)


SERVICE_SETTINGS = "service.toml"
SERVICE_DATA = "service-data"


def write_service_files(out: Path, badges: list[dict[str, Any]]) -> Path:
    """What ``openmicrocred serve --settings DIR/service.toml`` needs to serve the demo's
    badges: a data directory holding the demo's registry, published lists and badges (so
    ``/badges/{id}`` and ``/verify?id=`` answer for them), and the settings file naming the
    demo's issuer and key. Returns the settings file."""
    data = out / SERVICE_DATA
    shutil.rmtree(data, ignore_errors=True)
    (data / "status").mkdir(mode=0o700, parents=True)
    data.chmod(0o700)
    with (
        closing(sqlite3.connect(out / "status.db")) as source,
        closing(sqlite3.connect(data / "status.sqlite")) as target,
    ):
        source.backup(target)
    for published in (out / "status").glob("*.json"):
        shutil.copyfile(published, data / "status" / published.name)
    store = CredentialStore(data / "credentials.sqlite")
    try:
        for badge in badges:
            credential = json.loads((out / badge["file"]).read_text("utf-8"))
            store.put(badge["id"], credential, issuer=ISSUER_DID, subject=badge["learner"])
    finally:
        store.close()
    settings = out / SERVICE_SETTINGS
    profile = ", ".join(f"{k} = {json.dumps(v)}" for k, v in ISSUER.items() if k != "id")
    settings.write_text(
        "# openmicrocred serve --settings " + SERVICE_SETTINGS + ": the demo's issuer and badges\n"
        f'base_url = "{BASE}"\n'
        f'data_dir = "{SERVICE_DATA}"\n\n'
        "[[issuers]]\n"
        'name = "kmutt"\n'
        f'id = "{ISSUER_DID}"\n'
        'key_file = "issuer-key.pem"\n'
        f'verification_method = "{ISSUER_DID}#key-1"\n'
        f"profile = {{ {profile} }}\n",
        "utf-8",
    )
    return settings


def run_demo(out: Path, *, stream: TextIO) -> int:
    """Run the demo into ``out``; print what a person would want to see. Returns 0 if every
    badge verified as expected."""
    out.mkdir(parents=True, exist_ok=True)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)

    # The issuer: a key and the did:web document it publishes.
    key_file = out / "issuer-key.pem"
    key = Ed25519Key.load(key_file) if key_file.exists() else Ed25519Key.generate()
    if not key_file.exists():
        key.save(key_file)
    did_json = json.dumps(
        did_web_document(ISSUER_DID, [key.public_key], fragments=["key-1"]), indent=2
    ).encode()
    (out / "did.json").write_bytes(did_json)
    method = f"{ISSUER_DID}#key-1"
    registry_file = out / "status.db"
    registry_file.unlink(missing_ok=True)
    registry = SQLiteStatusRegistry(registry_file, base_url=f"{BASE}/status")
    _say(stream, f"Issuer  {ISSUER['name']} ({ISSUER_DID})")

    # The designer's definition goes through review and approval.
    definition = (
        demo_definition()
        .review("Assoc. Prof. Dr. Reviewer", at=start)
        .approve("KMUTT Academic Committee", at=start + timedelta(days=2))
        .publish("Learning Innovation Office", at=start + timedelta(days=3))
    )
    _say(
        stream,
        f"Micro-credential  {definition.name} [{definition.code}], "
        f"{definition.category}: {definition.state.value}",
    )
    for event in definition.history:
        _say(stream, f"  {event.state.value:<9} by {event.by} ({event.role})")

    levels = {c.id: "exemplary" for c in definition.rubric}
    learners = [("did:example:learner-somchai", False), ("did:example:learner-malee", True)]
    badges: list[dict[str, Any]] = []
    issued = []
    for n, (learner, needs_revision) in enumerate(learners):
        record = LearnerRecord(definition_id=definition.id, learner=learner)
        when = start + timedelta(days=10 + n)
        submission = _submission(learner, when, out, weak=needs_revision)
        record.submit(submission)
        first = assess(
            definition,
            submission,
            assessor="Aj. Assessor",
            assessor_id=f"{BASE}/staff/assessor-7",
            question_met={"question": True, "sources": not needs_revision},
            rubric_levels={**levels, "visuals": "developing"} if needs_revision else levels,
            reflection_met={"next-time": True},
            strengths="A sharp question and a clean, documented data set.",
            improvements="Label the axes and cite the limits of the gauges."
            if needs_revision
            else "Add uncertainty bands to the trend chart.",
            at=when + timedelta(days=1),
        )
        record.record(first)
        name = learner.split("-")[-1].capitalize()
        _say(stream, f"Learner {name}: attempt 1 -> {first.decision.value}")
        for reason in first.reasons:
            _say(stream, f"  - {reason}")
        if needs_revision:
            second_submission = _submission(learner, when + timedelta(days=4), out)
            record.submit(second_submission)
            second = assess(
                definition,
                second_submission,
                assessor="Aj. Assessor",
                assessor_id=f"{BASE}/staff/assessor-7",
                question_met={"question": True, "sources": True},
                rubric_levels=levels,
                reflection_met={"next-time": True},
                strengths="Clear labels now, and the gauge limits are stated up front.",
                improvements="Try a small-multiples view per district.",
                at=when + timedelta(days=5),
            )
            record.record(second)
            _say(stream, f"Learner {name}: attempt 2 -> {second.decision.value}")
        badge = award(
            definition,
            record,
            issuer=ISSUER,
            key=key,
            verification_method=method,
            registry=registry,
            now=start + timedelta(days=20 + n),
        )
        issued.append((name, learner, badge))

    # Share: baked images, QR codes, LinkedIn links and an HTML page per badge.
    png_base, svg_base = (
        credential_badge(issued[0][2].credential, format=f) for f in ("png", "svg")
    )
    for name, learner, badge in issued:
        stem = f"badge-{name.lower()}"
        (out / f"{stem}.json").write_text(
            json.dumps(badge.credential, indent=2, ensure_ascii=False) + "\n", "utf-8"
        )
        (out / f"{stem}.png").write_bytes(bake(png_base, badge.credential))
        (out / f"{stem}.svg").write_bytes(bake(svg_base, badge.credential))
        verify_url = f"{BASE}/verify?id={badge.id}"
        (out / f"{stem}-qr.png").write_bytes(qr_png(verify_url))
        (out / f"{stem}-qr.svg").write_bytes(qr_svg(verify_url))
        linkedin = linkedin_add_to_profile_url(
            definition.name,
            issued=start + timedelta(days=20),
            cert_url=verify_url,
            cert_id=badge.id,
            organization_name=ISSUER["name"],
        )
        badges.append(
            {
                "file": f"{stem}.json",
                "id": badge.id,
                "learner": learner,
                "state": "active",
                "png": f"{stem}.png",
                "svg": f"{stem}.svg",
                "qr": f"{stem}-qr.png",
                "html": f"{stem}.html",
                "linkedin": linkedin,
                "verify_url": verify_url,
            }
        )

    # Revoke one badge, then publish the status lists as static files.
    revoked = badges[1]
    registry.revoke(revoked["id"])
    revoked["state"] = "revoked"
    published = publish(
        registry,
        out / "status",
        key,
        issuer=ISSUER_DID,
        verification_method=method,
        ttl_ms=3_600_000,
    )
    resources = {did_web_url(ISSUER_DID): "did.json"}
    resources.update({p.url: str(p.path.relative_to(out)) for p in published})
    _say(
        stream,
        f"Revoked the badge of {revoked['learner']}; published {len(published)} status lists",
    )

    # Stack the first badge into a CLR that records it is part of a certificate.
    certificate: dict[str, Any] = {
        "id": f"{BASE}/achievements/data-analytics-certificate",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": "Certificate in Data Analytics",
        "description": "Earned by stacking the data micro-credentials.",
        "criteria": {"narrative": "Earn every micro-credential of the programme."},
    }
    clr = stack(
        [issued[0][2].credential],
        name="Comprehensive Learner Record: Somchai",
        issuer=ISSUER,
        key=key,
        verification_method=method,
        learner=issued[0][1],
        achievements=[certificate],
        partial=True,
        associations=[Association("isPartOf", definition.id, certificate["id"])],
    )
    (out / "clr-somchai.json").write_text(
        json.dumps(clr, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )

    # Verify everything as an employer would: from the files, offline.
    local = {url: (out / file).read_bytes() for url, file in resources.items()}
    verifier = Verifier(
        fetcher=Fetcher(resources=local), resolver=None, status_checker=StatusChecker()
    )
    ok = True
    _say(stream)
    for badge_info in badges:
        for carrier in ("file", "png", "svg"):
            report = verifier.verify(out / badge_info[carrier])
            expected = badge_info["state"] == "active"
            ok &= report.verified == expected
            if carrier == "file":
                (out / badge_info["html"]).write_text(
                    badge_page(
                        report.credential or {},
                        report=report,
                        verify_url=badge_info["verify_url"],
                        linkedin_url=badge_info["linkedin"],
                    ),
                    "utf-8",
                )
                d = report.display
                assert d is not None
                _say(
                    stream, f"{report.verdict.value.upper():<9} {d.name} -> {badge_info['learner']}"
                )
                for result in d.results:
                    level = (result.get("achievedLevel") or {}).get("name")
                    if level:
                        _say(stream, f"          {result.get('description')}: {level}")
            else:
                _say(stream, f"          {carrier.upper()} copy: {report.verdict.value}")
    clr_report = verifier.verify(out / "clr-somchai.json")
    ok &= clr_report.verified
    _say(
        stream,
        f"{clr_report.verdict.value.upper():<9} CLR with "
        f"{len(clr_report.included)} stacked badge(s)",
    )

    manifest = {
        "badges": badges,
        "resources": resources,
        "registry": "status.db",
        "clr": "clr-somchai.json",
        "issuer": ISSUER_DID,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    settings = write_service_files(out, badges)
    _say(stream)
    _say(stream, f"Everything is in {out}/ (manifest.json lists it). Re-check a badge with:")
    flags = " ".join(f"--resource {url}={out / file}" for url, file in resources.items())
    _say(stream, f"  openmicrocred verify --offline {flags} {out / badges[0]['png']}")
    _say(stream, "Serve them (badge pages, /verify?id=..., the VC-API) with:")
    _say(stream, f"  openmicrocred serve --settings {settings}")
    _say(stream, f"  then open http://127.0.0.1:8000/badges/{badges[0]['id']}")
    _say(
        stream, "All badges verified as expected." if ok else "SOMETHING DID NOT VERIFY AS EXPECTED"
    )
    return 0 if ok else 1
