"""The micro-credential API's request bodies (camelCase JSON, unknown members refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = [
    "AlignmentIn",
    "ArtifactRef",
    "ArtifactRequirementIn",
    "ArtifactUpload",
    "AssessmentIn",
    "AssessorIn",
    "AwardIn",
    "DefinitionIn",
    "EnrolmentIn",
    "FeedbackIn",
    "LearnerIn",
    "QuestionIn",
    "ReflectionIn",
    "RubricCriterionIn",
    "RubricLevelIn",
    "StepIn",
    "SubmissionIn",
    "TranslationIn",
]

Slug = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Iri = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Bcp47 = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]


class _In(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", populate_by_name=False)


class AlignmentIn(_In):
    name: str
    url: str = Field(pattern=r"^https?://")
    framework: str | None = None
    code: str | None = None
    description: str | None = None
    target_type: str | None = Field(default=None, description="an OB AlignmentTargetType")


class QuestionIn(_In):
    """Part 1: an overview question and what a passing answer shows."""

    id: Slug
    question: str
    passing_criteria: str


class ReflectionIn(_In):
    """Part 3: a reflection prompt and what a passing reflection shows."""

    id: Slug
    prompt: str
    passing_criteria: str


class RubricLevelIn(_In):
    id: Slug
    name: str
    points: int = Field(ge=0)
    description: str | None = None


class RubricCriterionIn(_In):
    """A rubric criterion for the artifacts; ``passingLevel`` names one of its levels."""

    id: Slug
    name: str
    description: str | None = None
    levels: list[RubricLevelIn] = Field(min_length=2)
    passing_level: Slug


ArtifactKind = Literal["video", "photo", "document", "other"]


def _documents() -> list[ArtifactKind]:
    return ["document"]


class ArtifactRequirementIn(_In):
    """Part 2: a work example the learner must submit."""

    id: Slug
    description: str
    kinds: list[ArtifactKind] = Field(default_factory=_documents)


class TranslationIn(_In):
    """The definition's words in another language; what is left out stays as in the
    original. The badge carries it as an OB 3.0 ``related`` achievement (with
    ``inLanguage``) and as a section of the criteria narrative."""

    language: Bcp47 = Field(description="BCP 47, e.g. en or th; not the definition's own")
    id: Iri | None = Field(
        default=None,
        description="the translated achievement's id (default: the achievement id + #language)",
    )
    name: str = Field(min_length=1)
    purpose: str = Field(min_length=1)
    objectives: list[str] | None = Field(default=None, min_length=1)
    applications: str | None = None
    competency: str | None = None
    methods: list[str] | None = Field(default=None, min_length=1)
    submission_requirements: list[str] | None = Field(default=None, min_length=1)
    target_learners: str | None = None
    category: str | None = None


class DefinitionIn(_In):
    """A micro-credential definition as its designer writes it (KMUTT framework)."""

    id: Slug | None = Field(
        default=None, description="the id in this API's URLs (default: one is made)"
    )
    achievement_id: Iri | None = Field(
        default=None,
        description="the OB Achievement id (default: {base-url}/microcredentials/{id})",
    )
    issuer: str | None = Field(
        default=None, description="the name of the service's issuer that awards it (default)"
    )
    name: str = Field(min_length=1)
    version: str = "1.0"
    code: str | None = Field(default=None, description="a human code, e.g. KMUTT-MC-DS101")
    language: str | None = Field(default=None, description="BCP 47, e.g. en or th")
    purpose: str
    objectives: list[str] = Field(min_length=1)
    applications: str | None = None
    competency: str
    methods: list[str] = Field(min_length=1)
    submission_requirements: list[str] = Field(min_length=1)
    target_learners: str
    category: str = Field(min_length=1)
    alignments: list[AlignmentIn] = Field(default_factory=list)
    questions: list[QuestionIn] = Field(min_length=1)
    artifacts: list[ArtifactRequirementIn] = Field(min_length=1)
    rubric: list[RubricCriterionIn] = Field(min_length=1)
    reflections: list[ReflectionIn] = Field(min_length=1)
    designer: str | None = None
    image: str | None = Field(default=None, pattern=r"^(https?|data):")
    translations: list[TranslationIn] = Field(
        default_factory=list, description="the definition in other languages, one each"
    )


class StepIn(_In):
    """A workflow step: the person taking it (default: the API client's name) and a note."""

    by: str | None = Field(default=None, min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class LearnerIn(_In):
    id: str = Field(
        pattern=r"^([A-Za-z][A-Za-z0-9+.-]*:\S+|[^@\s:]+@[^@\s]+)$",
        description="a URL, DID, mailto: URI or email address",
    )
    name: str | None = None


class EnrolmentIn(_In):
    learner: LearnerIn
    enrolled_at: datetime | None = Field(
        default=None,
        description="when the learner applied (default: now; for importing earlier records)",
    )


class ArtifactUpload(_In):
    """A file, base64-encoded (what the request body guard lets through today)."""

    file_name: str = Field(min_length=1, max_length=255)
    media_type: str = Field(default="application/octet-stream", pattern=r"^[\w.+-]+/[\w.+-]+$")
    content: str = Field(description="the file's bytes, base64")


class ArtifactRef(_In):
    """Part 2 of a submission: an uploaded file (by hash) or a hosted one (by URL)."""

    requirement: Slug = Field(description="the artifact requirement it answers")
    sha256: Sha256 | None = Field(default=None, description="an uploaded artifact's hash")
    url: str | None = Field(default=None, pattern=r"^https?://")
    name: str | None = None
    kind: Literal["video", "photo", "document", "other"] = "document"
    description: str | None = None
    media_type: str | None = None


class SubmissionIn(_In):
    """The learner's three parts: answers, artifacts, reflections."""

    answers: dict[str, str] = Field(description="part 1: question id -> answer")
    artifacts: list[ArtifactRef] = Field(description="part 2: the work artifacts")
    reflections: dict[str, str] = Field(description="part 3: prompt id -> reflection")


class AssessorIn(_In):
    name: str = Field(min_length=1)
    id: Iri | None = None


class FeedbackIn(_In):
    strengths: str = Field(min_length=1)
    improvements: str = Field(min_length=1)


class AssessmentIn(_In):
    """The assessor's scores; the decision follows from them (it cannot be given)."""

    assessor: AssessorIn
    questions: dict[str, bool] = Field(description="question id -> meets its criteria")
    rubric: dict[str, str] = Field(description="criterion id -> achieved level id")
    reflections: dict[str, bool] = Field(description="prompt id -> meets its criteria")
    feedback: FeedbackIn


class AwardIn(_In):
    format: Literal["di", "jwt"] = Field(
        default="di",
        description='"di": Data Integrity proof (eddsa-rdfc-2022); "jwt": VC-JWT. Both are '
        "kept; this chooses what is handed out and shown on the badge pages",
    )
