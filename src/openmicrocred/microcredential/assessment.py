"""The learner's three-part submission, the assessor's scoring, and the decision rules.

The decision follows from the passing rules, never from a free choice: a learner passes
when every part is submitted, every overview answer and reflection meets its passing
criteria, and every rubric criterion reaches its passing level. Otherwise the decision is
"revise and resubmit", with the reasons. A :class:`LearnerRecord` keeps every attempt.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..errors import WorkflowError
from .definition import MicroCredential

__all__ = [
    "Artifact",
    "Assessment",
    "Attempt",
    "Decision",
    "LearnerRecord",
    "Submission",
    "assess",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Artifact(_Model):
    """Part 2: one work example (video, photo, document, other media).

    Give ``url`` where it is hosted; when the file itself is at hand, :meth:`from_file`
    records its SHA-256 digest so the badge can prove which file was assessed.
    """

    requirement: str = Field(description="the ArtifactRequirement id it answers")
    name: str
    kind: str = "document"
    url: str | None = Field(default=None, pattern=r"^(https?|data):")
    description: str | None = None
    media_type: str | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        *,
        requirement: str,
        name: str | None = None,
        kind: str = "document",
        url: str | None = None,
        media_type: str | None = None,
        description: str | None = None,
    ) -> Artifact:
        """An artifact for a local file, with its SHA-256 digest."""
        file = Path(path)
        digest = hashlib.sha256()
        with file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return cls(
            requirement=requirement,
            name=name or file.name,
            kind=kind,
            url=url,
            media_type=media_type,
            description=description,
            sha256=digest.hexdigest(),
        )

    @property
    def digest_sri(self) -> str | None:
        """The digest as a Subresource Integrity string (``sha256-…``), as VC 2.0's
        ``digestSRI`` carries it."""
        if self.sha256 is None:
            return None
        return "sha256-" + base64.b64encode(bytes.fromhex(self.sha256)).decode("ascii")


class Submission(_Model):
    """What a learner submits: answers, artifacts and reflections."""

    learner: str = Field(description="the learner's identifier (DID, URL or email)")
    answers: dict[str, str] = Field(default_factory=dict, description="question id -> answer")
    artifacts: list[Artifact] = Field(default_factory=list)
    reflections: dict[str, str] = Field(default_factory=dict, description="prompt id -> reflection")
    submitted_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Decision(StrEnum):
    """The outcome of an assessment."""

    PASS = "pass"  # noqa: S105 - a decision, not a password
    REVISE = "revise_and_resubmit"


class Assessment(_Model):
    """An assessor's scoring of one submission, and the decision that follows from it."""

    assessor: str
    assessor_id: str | None = Field(default=None, description="the assessor's id (URL/DID)")
    question_met: dict[str, bool]
    rubric_levels: dict[str, str] = Field(description="criterion id -> achieved level id")
    reflection_met: dict[str, bool]
    strengths: str
    improvements: str
    decision: Decision
    reasons: list[str] = Field(default_factory=list)
    assessed_at: datetime


def _missing(definition: MicroCredential, submission: Submission) -> list[str]:
    reasons = []
    for q in definition.questions:
        if not submission.answers.get(q.id, "").strip():
            reasons.append(f"part 1: no answer to question {q.id!r}")
    submitted = {a.requirement for a in submission.artifacts}
    for requirement in definition.artifacts:
        if requirement.id not in submitted:
            reasons.append(f"part 2: no artifact for {requirement.id!r}")
    for r in definition.reflections:
        if not submission.reflections.get(r.id, "").strip():
            reasons.append(f"part 3: no reflection for prompt {r.id!r}")
    return reasons


def _check_scoring(
    definition: MicroCredential,
    question_met: dict[str, bool],
    rubric_levels: dict[str, str],
    reflection_met: dict[str, bool],
) -> None:
    """The assessor scored exactly the definition's questions, criteria and prompts."""
    expected = {
        "question": ({q.id for q in definition.questions}, set(question_met)),
        "rubric criterion": ({c.id for c in definition.rubric}, set(rubric_levels)),
        "reflection prompt": ({r.id for r in definition.reflections}, set(reflection_met)),
    }
    for label, (wanted, given) in expected.items():
        if wanted - given:
            raise WorkflowError(f"score every {label}: missing {sorted(wanted - given)}")
        if given - wanted:
            raise WorkflowError(f"unknown {label} ids: {sorted(given - wanted)}")


def _reasons(
    definition: MicroCredential,
    submission: Submission,
    question_met: dict[str, bool],
    rubric_levels: dict[str, str],
    reflection_met: dict[str, bool],
) -> list[str]:
    """Why the submission does not pass (nothing if it passes)."""
    reasons = _missing(definition, submission)
    for qid, met in question_met.items():
        if not met:
            reasons.append(f"part 1: the answer to {qid!r} does not meet its passing criteria")
    for criterion in definition.rubric:
        level_id = rubric_levels[criterion.id]
        try:
            level = criterion.level(level_id)
        except KeyError:
            raise WorkflowError(f"criterion {criterion.id!r} has no level {level_id!r}") from None
        if level.points < criterion.passing_points:
            passing = criterion.level(criterion.passing_level).name
            reasons.append(f"part 2: {criterion.name!r} is {level.name}; it must reach {passing}")
    for rid, met in reflection_met.items():
        if not met:
            reasons.append(f"part 3: the reflection on {rid!r} does not meet its criteria")
    return reasons


def assess(
    definition: MicroCredential,
    submission: Submission,
    *,
    assessor: str,
    question_met: dict[str, bool],
    rubric_levels: dict[str, str],
    reflection_met: dict[str, bool],
    strengths: str,
    improvements: str,
    assessor_id: str | None = None,
    at: datetime | None = None,
) -> Assessment:
    """Score a submission; the decision follows from the definition's passing rules.

    :param question_met: for every overview question, whether the answer meets its passing
        criteria.
    :param rubric_levels: for every rubric criterion, the level the artifacts achieve.
    :param reflection_met: for every reflection prompt, whether it meets its criteria.
    :raises WorkflowError: the scoring is incomplete or names levels that do not exist (the
        assessor must score everything; that is not a learner's failure).
    """
    _check_scoring(definition, question_met, rubric_levels, reflection_met)
    if not strengths.strip() or not improvements.strip():
        raise WorkflowError("write feedback on strengths and on areas for improvement")
    reasons = _reasons(definition, submission, question_met, rubric_levels, reflection_met)
    return Assessment(
        assessor=assessor,
        assessor_id=assessor_id,
        question_met=question_met,
        rubric_levels=rubric_levels,
        reflection_met=reflection_met,
        strengths=strengths,
        improvements=improvements,
        decision=Decision.REVISE if reasons else Decision.PASS,
        reasons=reasons,
        assessed_at=at or datetime.now(UTC),
    )


class Attempt(_Model):
    """One submission and its assessment."""

    number: int
    submission: Submission
    assessment: Assessment | None = None


class LearnerRecord(_Model):
    """One learner's attempts at one micro-credential, oldest first."""

    definition_id: str
    learner: str
    attempts: list[Attempt] = Field(default_factory=list)

    def submit(self, submission: Submission) -> Attempt:
        """Add a submission: the first, or a resubmission after "revise and resubmit"."""
        if submission.learner != self.learner:
            raise WorkflowError("the submission is from another learner")
        if self.attempts:
            last = self.attempts[-1]
            if last.assessment is None:
                raise WorkflowError("the previous submission has not been assessed yet")
            if last.assessment.decision is Decision.PASS:
                raise WorkflowError("already passed; no resubmission needed")
        attempt = Attempt(number=len(self.attempts) + 1, submission=submission)
        self.attempts.append(attempt)
        return attempt

    def record(self, assessment: Assessment) -> Attempt:
        """Attach the assessment of the latest submission."""
        if not self.attempts or self.attempts[-1].assessment is not None:
            raise WorkflowError("there is no submission waiting for assessment")
        self.attempts[-1].assessment = assessment
        return self.attempts[-1]

    @property
    def passed(self) -> Attempt | None:
        """The passing attempt, if any."""
        last = self.attempts[-1] if self.attempts else None
        if last and last.assessment and last.assessment.decision is Decision.PASS:
            return last
        return None
