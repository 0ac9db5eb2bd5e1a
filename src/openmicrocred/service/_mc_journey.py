"""A learner's journey: enrolment, artifact uploads, submissions in three parts, and
assessments whose decision follows from the rubric (the workflow's ``assess``)."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from ..errors import WorkflowError
from ..microcredential import (
    Artifact,
    Assessment,
    Attempt,
    DefinitionState,
    LearnerRecord,
    MicroCredential,
    Submission,
    assess,
)
from ..storage import MicrocredentialStore, StoreConflictError
from ..storage.microcredentials import (
    StoredArtifact,
    StoredAssessment,
    StoredEnrolment,
    StoredSubmission,
)
from ._mc_common import (
    Actor,
    ApiProblemError,
    camel,
    new_id,
    not_found,
    now_text,
    validation_problem,
)
from ._mc_definitions import load, workflow_model
from ._mc_models import ArtifactRef, ArtifactUpload, AssessmentIn, EnrolmentIn, SubmissionIn

__all__ = [
    "OPEN_STATES",
    "add_artifact",
    "artifact_json",
    "assessment_json",
    "decode_upload",
    "enrol",
    "enrolment_json",
    "learner_record",
    "load_enrolment",
    "record_assessment",
    "submission_json",
    "submit",
]

OPEN_STATES = (DefinitionState.PUBLISHED.value,)
"""Learners enrol only in a published micro-credential."""
_ID_MAPS = frozenset({"answers", "reflections", "question_met", "rubric_levels", "reflection_met"})


def load_enrolment(db: MicrocredentialStore, enrolment_id: str) -> StoredEnrolment:
    found = db.enrolment(enrolment_id)
    if found is None:
        raise not_found("enrolment", enrolment_id)
    return found


def enrol(db: MicrocredentialStore, key: str, body: EnrolmentIn, who: Actor) -> StoredEnrolment:
    stored = load(db, key)
    at = body.enrolled_at or datetime.now(UTC)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if at > datetime.now(UTC):
        path = "$.enrolledAt"
        raise ApiProblemError(
            422, f"{path} is in the future", [{"path": path, "message": "future"}]
        )
    enrolment = StoredEnrolment(
        id=new_id("enr"),
        definition_key=key,
        learner_id=body.learner.id,
        learner_name=body.learner.name,
        category=stored.category,
        year=at.astimezone(UTC).year,
        enrolled_at=now_text(at),
        client_id=who.client_id,
    )
    try:
        db.enrol(enrolment, open_states=OPEN_STATES)
    except StoreConflictError as exc:
        raise ApiProblemError(409, str(exc), **exc.extra) from None
    return enrolment


def artifact_json(artifact: StoredArtifact, base: str) -> dict[str, Any]:
    return {
        "sha256": artifact.sha256,
        "digestSRI": Artifact(
            requirement="x", name=artifact.file_name, sha256=artifact.sha256
        ).digest_sri,
        "size": artifact.size,
        "mediaType": artifact.media_type,
        "fileName": artifact.file_name,
        "uploadedAt": artifact.uploaded_at,
        "url": f"{base}/enrolments/{artifact.enrolment_id}/artifacts/{artifact.sha256}",
    }


def decode_upload(upload: ArtifactUpload) -> bytes:
    """The bytes of a JSON upload (``content`` in base64)."""
    try:
        return base64.b64decode(upload.content, validate=True)
    except (binascii.Error, ValueError):
        path = "$.content"
        raise ApiProblemError(
            422, f"{path} is not base64", [{"path": path, "message": "not base64"}]
        ) from None


def add_artifact(
    db: MicrocredentialStore, enrolment_id: str, data: bytes, *, media_type: str, file_name: str
) -> StoredArtifact:
    load_enrolment(db, enrolment_id)
    return db.add_artifact(
        enrolment_id, data, media_type=media_type, file_name=file_name, at=now_text()
    )


def learner_record(
    db: MicrocredentialStore, enrolment: StoredEnrolment
) -> tuple[LearnerRecord, list[str]]:
    """The enrolment's attempts as the workflow's record, and the submission ids."""
    submissions = db.submissions(enrolment.id)
    assessments = db.assessments(enrolment.id)
    definition = load(db, enrolment.definition_key)
    record = LearnerRecord(definition_id=definition.achievement_id, learner=enrolment.learner_id)
    for s in submissions:
        found = assessments.get(s.id)
        record.attempts.append(
            Attempt(
                number=s.number,
                submission=Submission.model_validate(s.body),
                assessment=Assessment.model_validate(found.body) if found else None,
            )
        )
    return record, [s.id for s in submissions]


def _artifact(
    db: MicrocredentialStore, enrolment_id: str, n: int, ref: ArtifactRef, base: str
) -> Artifact:
    path = f"$.artifacts[{n}]"
    if ref.sha256 is None and ref.url is None:
        raise ApiProblemError(
            422,
            f"{path}: give the sha256 of an uploaded artifact, or a url",
            [{"path": path, "message": "sha256 or url is required"}],
        )
    uploaded = db.artifact(enrolment_id, ref.sha256) if ref.sha256 else None
    if ref.sha256 and uploaded is None:
        raise ApiProblemError(
            422,
            f"{path}.sha256: no artifact {ref.sha256} was uploaded for this enrolment",
            [{"path": f"{path}.sha256", "message": "not uploaded"}],
        )
    url = ref.url or (f"{base}/enrolments/{enrolment_id}/artifacts/{ref.sha256}")
    return Artifact(
        requirement=ref.requirement,
        name=ref.name or (uploaded.file_name if uploaded else url),
        kind=ref.kind,
        url=url,
        description=ref.description,
        media_type=ref.media_type or (uploaded.media_type if uploaded else None),
        sha256=ref.sha256,
    )


def _check_parts(model: MicroCredential, body: SubmissionIn) -> None:
    known = {
        "answers": {q.id for q in model.questions},
        "reflections": {r.id for r in model.reflections},
    }
    errors = [
        {"path": f"$.{part}.{item}", "message": "not in the definition"}
        for part, ids in known.items()
        for item in getattr(body, part)
        if item not in ids
    ]
    requirements = {a.id for a in model.artifacts}
    errors += [
        {"path": f"$.artifacts[{n}].requirement", "message": "not in the definition"}
        for n, ref in enumerate(body.artifacts)
        if ref.requirement not in requirements
    ]
    if errors:
        raise ApiProblemError(422, f"invalid request: {errors[0]['path']}: unknown id", errors)


def submit(
    db: MicrocredentialStore, enrolment_id: str, body: SubmissionIn, base: str
) -> StoredSubmission:
    """A new attempt (the first, or one after "revise and resubmit")."""
    enrolment = load_enrolment(db, enrolment_id)
    _check_parts(workflow_model(load(db, enrolment.definition_key)), body)
    artifacts = [_artifact(db, enrolment_id, n, a, base) for n, a in enumerate(body.artifacts)]
    record, _ = learner_record(db, enrolment)
    try:
        submission = Submission(
            learner=enrolment.learner_id,
            answers=body.answers,
            artifacts=artifacts,
            reflections=body.reflections,
        )
        attempt = record.submit(submission)
    except ValidationError as exc:
        raise validation_problem(exc) from None
    except WorkflowError as exc:
        raise ApiProblemError(409, str(exc)) from None
    stored = StoredSubmission(
        id=new_id("sub"),
        enrolment_id=enrolment_id,
        number=attempt.number,
        body=submission.model_dump(mode="json"),
        submitted_at=now_text(submission.submitted_at),
    )
    hashes = [a.sha256 for a in artifacts if a.sha256]
    try:
        db.add_submission(stored, artifacts=hashes)
    except StoreConflictError as exc:
        raise ApiProblemError(409, str(exc)) from None
    return stored


def _check_scores(model: MicroCredential, body: AssessmentIn) -> None:
    """Every question, criterion and prompt scored, with levels that exist (named by path)."""
    wanted = {
        "questions": {q.id for q in model.questions},
        "rubric": {c.id for c in model.rubric},
        "reflections": {r.id for r in model.reflections},
    }
    errors = []
    for part, ids in wanted.items():
        given = set(getattr(body, part))
        errors += [{"path": f"$.{part}.{i}", "message": "not scored"} for i in sorted(ids - given)]
        errors += [{"path": f"$.{part}.{i}", "message": "unknown id"} for i in sorted(given - ids)]
    for criterion in model.rubric:
        level = body.rubric.get(criterion.id)
        if level is not None and level not in {lv.id for lv in criterion.levels}:
            levels = ", ".join(lv.id for lv in criterion.levels)
            errors.append({"path": f"$.rubric.{criterion.id}", "message": f"one of {levels}"})
    if errors:
        first = errors[0]
        raise ApiProblemError(422, f"invalid scoring: {first['path']}: {first['message']}", errors)


def record_assessment(
    db: MicrocredentialStore, submission_id: str, body: AssessmentIn, who: Actor
) -> StoredAssessment:
    """Score the latest submission; the decision is the workflow's, never the client's."""
    found = db.submission(submission_id)
    if found is None:
        raise not_found("submission", submission_id)
    enrolment = load_enrolment(db, found.enrolment_id)
    model = workflow_model(load(db, enrolment.definition_key))
    _check_scores(model, body)
    try:
        assessment = assess(
            model,
            Submission.model_validate(found.body),
            assessor=body.assessor.name,
            assessor_id=body.assessor.id,
            question_met=body.questions,
            rubric_levels=body.rubric,
            reflection_met=body.reflections,
            strengths=body.feedback.strengths,
            improvements=body.feedback.improvements,
        )
    except WorkflowError as exc:
        raise ApiProblemError(422, str(exc)) from None
    stored = StoredAssessment(
        submission_id=submission_id,
        enrolment_id=enrolment.id,
        decision=assessment.decision.value,
        body=assessment.model_dump(mode="json"),
        assessed_at=now_text(assessment.assessed_at),
        client_id=who.client_id,
    )
    try:
        db.add_assessment(stored)
    except StoreConflictError as exc:
        raise ApiProblemError(409, str(exc)) from None
    return stored


def assessment_json(stored: StoredAssessment) -> dict[str, Any]:
    return {
        "submissionId": stored.submission_id,
        "decision": stored.decision,
        **camel(
            {k: v for k, v in stored.body.items() if k != "decision"},
            keep=_ID_MAPS,
        ),
        "client": {"id": stored.client_id},
    }


def submission_json(stored: StoredSubmission) -> dict[str, Any]:
    body = {k: v for k, v in stored.body.items() if k != "submitted_at"}
    return {
        "id": stored.id,
        "enrolmentId": stored.enrolment_id,
        "attempt": stored.number,
        "submittedAt": stored.submitted_at,
        **camel(body, keep=_ID_MAPS),
    }


def enrolment_json(
    db: MicrocredentialStore, enrolment: StoredEnrolment, base: str
) -> dict[str, Any]:
    """The enrolment with its whole revise-and-resubmit history and its award."""
    assessments = db.assessments(enrolment.id)
    attempts = []
    for s in db.submissions(enrolment.id):
        found = assessments.get(s.id)
        attempts.append(
            {
                "submission": submission_json(s),
                "assessment": assessment_json(found) if found else None,
            }
        )
    award = db.award_for(enrolment.id)
    last = attempts[-1]["assessment"] if attempts else None
    status = "enrolled" if not attempts else "submitted" if last is None else str(last["decision"])
    return {
        "id": enrolment.id,
        "microcredential": enrolment.definition_key,
        "learner": {"id": enrolment.learner_id, "name": enrolment.learner_name},
        "enrolledAt": enrolment.enrolled_at,
        "year": enrolment.year,
        "category": enrolment.category,
        "status": "awarded" if award else status,
        "attempts": attempts,
        "artifacts": [artifact_json(a, base) for a in db.artifacts(enrolment.id)],
        "award": {"id": award.badge_id, "awardedAt": award.awarded_at} if award else None,
    }
