from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from openmicrocred.cli.demo import demo_definition
from openmicrocred.fetch import Fetcher
from openmicrocred.keys import Ed25519Key
from openmicrocred.microcredential import (
    Artifact,
    Decision,
    DefinitionState,
    LearnerRecord,
    MicroCredential,
    Submission,
    WorkflowError,
    assess,
    award,
)
from openmicrocred.schema import schema_errors
from openmicrocred.status import SQLiteStatusRegistry, publish
from openmicrocred.verification import StatusChecker, Verifier

KEY = Ed25519Key.from_seed(bytes(range(2, 34)))
ISSUER = {"id": KEY.did, "name": "KMUTT", "url": "https://www.kmutt.ac.th"}
LEARNER = "did:example:learner"
PASSING = {"cleaning": "proficient", "visuals": "proficient", "story": "proficient"}


def approved() -> MicroCredential:
    return demo_definition().review("Dr. Reviewer").approve("Academic Committee")


def submission(**changes: Any) -> Submission:
    data: dict[str, Any] = {
        "learner": LEARNER,
        "answers": {"question": "Which districts flood, for planners.", "sources": "Gauges."},
        "artifacts": [
            Artifact(
                requirement="dashboard",
                name="Dashboard",
                url="https://example.org/d",
                sha256="ab" * 32,
                media_type="text/html",
            )
        ],
        "reflections": {"next-time": "Validate the gauges."},
        "submitted_at": datetime(2026, 3, 1, tzinfo=UTC),
    }
    data.update(changes)
    return Submission(**data)


def scored(definition: MicroCredential, sub: Submission, **changes: Any) -> Any:
    options: dict[str, Any] = {
        "assessor": "Aj. Assessor",
        "assessor_id": "https://kmutt.example/staff/7",
        "question_met": {"question": True, "sources": True},
        "rubric_levels": dict(PASSING),
        "reflection_met": {"next-time": True},
        "strengths": "Sharp question.",
        "improvements": "Label axes.",
        "at": datetime(2026, 3, 5, tzinfo=UTC),
    }
    options.update(changes)
    return assess(definition, sub, **options)


# Decision rules ------------------------------------------------------------------------------


def test_all_criteria_met_passes() -> None:
    result = scored(approved(), submission())
    assert result.decision is Decision.PASS
    assert result.reasons == []


def test_exactly_the_passing_level_passes_and_one_below_fails() -> None:
    definition = approved()
    at_edge = scored(definition, submission(), rubric_levels={**PASSING})
    assert at_edge.decision is Decision.PASS
    below = scored(definition, submission(), rubric_levels={**PASSING, "story": "developing"})
    assert below.decision is Decision.REVISE
    assert below.reasons == [
        "part 2: 'Narrative and audience' is Developing; it must reach Proficient"
    ]
    top = scored(definition, submission(), rubric_levels=dict.fromkeys(PASSING, "exemplary"))
    assert top.decision is Decision.PASS


def test_question_and_reflection_criteria() -> None:
    definition = approved()
    failed = scored(
        definition,
        submission(),
        question_met={"question": True, "sources": False},
        reflection_met={"next-time": False},
    )
    assert failed.decision is Decision.REVISE
    assert len(failed.reasons) == 2


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"answers": {"question": "x"}}, "part 1: no answer to question 'sources'"),
        ({"artifacts": []}, "part 2: no artifact for 'dashboard'"),
        ({"reflections": {"next-time": "  "}}, "part 3: no reflection"),
    ],
)
def test_a_missing_part_means_revise(changes: dict[str, Any], fragment: str) -> None:
    result = scored(approved(), submission(**changes))
    assert result.decision is Decision.REVISE
    assert any(r.startswith(fragment) for r in result.reasons), result.reasons


def test_incomplete_scoring_is_an_assessor_error() -> None:
    definition = approved()
    with pytest.raises(WorkflowError, match="score every rubric criterion"):
        scored(definition, submission(), rubric_levels={"cleaning": "proficient"})
    with pytest.raises(WorkflowError, match="has no level"):
        scored(definition, submission(), rubric_levels={**PASSING, "story": "legendary"})
    with pytest.raises(WorkflowError, match="unknown question"):
        scored(
            definition,
            submission(),
            question_met={"question": True, "sources": True, "extra": True},
        )
    with pytest.raises(WorkflowError, match="feedback"):
        scored(definition, submission(), strengths=" ")


# Approval gating ------------------------------------------------------------------------------


def test_approval_workflow_records_who_and_when() -> None:
    draft = demo_definition()
    assert draft.state is DefinitionState.DRAFT
    with pytest.raises(WorkflowError, match="must be reviewed first"):
        draft.approve("Academic Committee")
    with pytest.raises(WorkflowError, match="must be approved first"):
        draft.review("Dr. Reviewer").publish("Office")
    published = (
        draft.review("Dr. Reviewer", at=datetime(2026, 1, 1, tzinfo=UTC))
        .approve("Academic Committee", at=datetime(2026, 1, 5, tzinfo=UTC))
        .publish("Office")
    )
    assert [(e.state.value, e.by, e.role) for e in published.history] == [
        ("reviewed", "Dr. Reviewer", "expert reviewer"),
        ("approved", "Academic Committee", "academic committee"),
        ("published", "Office", "publisher"),
    ]
    assert draft.state is DefinitionState.DRAFT  # steps return new definitions
    with pytest.raises(WorkflowError, match="who"):
        draft.review(" ")


@pytest.mark.parametrize("state", ["draft", "reviewed"])
def test_award_refuses_an_unapproved_definition(state: str) -> None:
    definition = demo_definition() if state == "draft" else demo_definition().review("Dr. R")
    record = LearnerRecord(definition_id=definition.id, learner=LEARNER)
    sub = submission()
    record.submit(sub)
    record.record(scored(definition, sub))
    with pytest.raises(WorkflowError, match="approved by the academic committee"):
        award(definition, record, issuer=ISSUER, key=KEY)


def test_award_refuses_a_failing_assessment() -> None:
    definition = approved()
    record = LearnerRecord(definition_id=definition.id, learner=LEARNER)
    sub = submission()
    record.submit(sub)
    record.record(scored(definition, sub, rubric_levels={**PASSING, "visuals": "beginning"}))
    with pytest.raises(WorkflowError, match="has not passed: part 2"):
        award(definition, record, issuer=ISSUER, key=KEY)
    empty = LearnerRecord(definition_id=definition.id, learner=LEARNER)
    with pytest.raises(WorkflowError, match="nothing has been assessed"):
        award(definition, empty, issuer=ISSUER, key=KEY)


# Resubmission history -----------------------------------------------------------------------


def test_resubmission_keeps_the_history() -> None:
    definition = approved()
    record = LearnerRecord(definition_id=definition.id, learner=LEARNER)
    first = submission(artifacts=[])
    record.submit(first)
    with pytest.raises(WorkflowError, match="not been assessed"):
        record.submit(submission())
    record.record(scored(definition, first))
    assert record.passed is None
    second = submission(submitted_at=datetime(2026, 3, 10, tzinfo=UTC))
    record.submit(second)
    record.record(scored(definition, second, at=datetime(2026, 3, 12, tzinfo=UTC)))
    assert [a.assessment.decision for a in record.attempts] == [  # type: ignore[union-attr]
        Decision.REVISE,
        Decision.PASS,
    ]
    assert record.passed is record.attempts[1]
    with pytest.raises(WorkflowError, match="already passed"):
        record.submit(submission())
    with pytest.raises(WorkflowError, match="another learner"):
        LearnerRecord(definition_id=definition.id, learner=LEARNER).submit(
            submission(learner="did:example:someone-else")
        )
    badge = award(definition, record, issuer=ISSUER, key=KEY)
    subject = badge.credential["credentialSubject"]
    assert "Awarded on attempt 2" in subject["narrative"]
    assert subject["activityStartDate"] == "2026-03-01T00:00:00Z"  # the first submission
    # A record can be stored as JSON and read back with its history.
    again = LearnerRecord.model_validate_json(record.model_dump_json())
    assert len(again.attempts) == 2


# Awards verify, validate, and carry every framework element -----------------------------------


def _awarded(tmp_path: Path, learner: str = LEARNER, fmt: str = "di") -> Any:
    definition = approved()
    registry = SQLiteStatusRegistry(tmp_path / "status.db", base_url="https://kmutt.example/s")
    record = LearnerRecord(definition_id=definition.id, learner=learner)
    sub = submission(learner=learner)
    record.submit(sub)
    record.record(scored(definition, sub))
    badge = award(definition, record, issuer=ISSUER, key=KEY, registry=registry, format=fmt)  # type: ignore[arg-type]
    lists = publish(registry, tmp_path / "public", KEY, issuer=KEY.did)
    fetcher = Fetcher(resources={item.url: item.path.read_bytes() for item in lists})
    report = Verifier(fetcher=fetcher, status_checker=StatusChecker()).verify(badge.carrier)
    return definition, badge, report


@pytest.mark.parametrize("fmt", ["di", "jwt"])
@pytest.mark.parametrize("learner", [LEARNER, "somchai@example.ac.th"])
def test_every_award_verifies_and_validates(tmp_path: Path, learner: str, fmt: str) -> None:
    _, badge, report = _awarded(tmp_path, learner, fmt)
    assert report.verified, [c for c in report.checks if c.blocking]
    assert schema_errors(badge.credential) == []
    assert report.check("status").code == "active"
    if "@" in learner:
        report = Verifier(status_checker=None).verify(badge.carrier, recipient=learner)
        recipient = report.check("recipient")
        assert recipient is not None
        assert recipient.status.value == "passed"


def test_every_framework_element_is_in_the_credential_and_the_report(tmp_path: Path) -> None:
    definition, badge, report = _awarded(tmp_path)
    credential = json.dumps(badge.credential, ensure_ascii=False)
    display = report.display.model_dump_json()
    achievement = badge.credential["credentialSubject"]["achievement"]
    elements: dict[str, list[str]] = {
        "issuer": [ISSUER["name"]],
        "purpose": [definition.purpose],
        "objectives": definition.objectives,
        "applications": [definition.applications or ""],
        "competency": [definition.competency],
        "methods of demonstrating": definition.methods,
        "submission requirements": definition.submission_requirements,
        "target learners": [definition.target_learners],
        "category": [definition.category],
        "alignments": [a.name for a in definition.alignments]
        + [a.url for a in definition.alignments],
        "overview questions": [q.question for q in definition.questions],
        "question passing criteria": [q.passing_criteria for q in definition.questions],
        "artifact requirements": [a.description for a in definition.artifacts],
        "rubric criteria": [c.name for c in definition.rubric],
        "rubric levels": [lv.name for c in definition.rubric for lv in c.levels],
        "reflection prompts": [r.prompt for r in definition.reflections],
        "reflection passing criteria": [r.passing_criteria for r in definition.reflections],
        "review and approval": ["Dr. Reviewer", "Academic Committee"],
        "achieved levels": ["Proficient"],
        "evidence": [
            "Part 1: answers to the overview questions",
            "Dashboard",
            "Part 3: reflection",
        ],
        "artifact hash": ["sha256-"],
        "assessor feedback": ["Sharp question.", "Label axes.", "Aj. Assessor"],
    }
    for element, values in elements.items():
        for value in values:
            assert value in credential, f"{element}: {value!r} not in the credential"
            assert value in display or element == "artifact hash", (
                f"{element}: {value!r} not in the report display"
            )
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["fieldOfStudy"] == definition.category
    assert [a["targetType"] for a in achievement["alignment"]] == [
        "ext:ProgrammeLearningOutcome",
        "ceasn:Competency",
    ]
    assert report.display.achievement["achievementType"] == "MicroCredential"
