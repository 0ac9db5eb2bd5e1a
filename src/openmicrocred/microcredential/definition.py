"""The designer's micro-credential definition, and its review and approval workflow.

Follows the KMUTT micro-credential framework (adapted from Digital Promise): a competency,
how to demonstrate it, what to submit, who it is for, a category, alignments, and an
assessment in three parts — overview questions, work artifacts scored with a rubric, and
reflection prompts — each with passing criteria. A definition goes draft -> reviewed (by an
expert) -> approved (by the academic committee) -> published before any badge is awarded.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import WorkflowError

__all__ = [
    "CATEGORIES",
    "AlignmentTarget",
    "ApprovalEvent",
    "ArtifactRequirement",
    "DefinitionState",
    "MicroCredential",
    "OverviewQuestion",
    "ReflectionPrompt",
    "RubricCriterion",
    "RubricLevel",
    "Translation",
]

CATEGORIES = ("Science & Engineering", "Business", "Education", "Technology")
"""The framework's categories; an issuer may use its own as well."""

ArtifactKind = Literal["video", "photo", "document", "other"]

Slug = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class AlignmentTarget(_Model):
    """A competency framework item or programme learning outcome the credential aligns to."""

    name: str
    url: str = Field(pattern=r"^https?://")
    framework: str | None = None
    code: str | None = None
    description: str | None = None
    target_type: str | None = Field(
        default=None,
        description="an OB AlignmentTargetType, or ext:… (e.g. ext:ProgrammeLearningOutcome)",
    )


class OverviewQuestion(_Model):
    """Part 1: a question the learner answers, with what a passing answer shows."""

    id: Slug
    question: str
    passing_criteria: str


class ReflectionPrompt(_Model):
    """Part 3: a reflection prompt, with what a passing reflection shows."""

    id: Slug
    prompt: str
    passing_criteria: str


class RubricLevel(_Model):
    """One level of a rubric criterion."""

    id: Slug
    name: str
    points: int = Field(ge=0)
    description: str | None = None


class RubricCriterion(_Model):
    """A rubric criterion for the work artifacts, with its levels and the passing level."""

    id: Slug
    name: str
    description: str | None = None
    levels: list[RubricLevel] = Field(min_length=2)
    passing_level: Slug

    @model_validator(mode="after")
    def _check(self) -> RubricCriterion:
        ids = [level.id for level in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError(f"criterion {self.id}: level ids must be unique")
        if self.passing_level not in ids:
            raise ValueError(
                f"criterion {self.id}: passing_level {self.passing_level!r} is "
                "not one of its levels"
            )
        return self

    def level(self, level_id: str) -> RubricLevel:
        """The level with this id."""
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(f"criterion {self.id} has no level {level_id!r}")

    @property
    def passing_points(self) -> int:
        """Points a level needs to pass this criterion."""
        return self.level(self.passing_level).points


def _documents() -> list[ArtifactKind]:
    return ["document"]


class ArtifactRequirement(_Model):
    """Part 2: a work example the learner must submit."""

    id: Slug
    description: str
    kinds: list[ArtifactKind] = Field(default_factory=_documents)


class Translation(_Model):
    """The definition's words in another language; what is left out stays as in the original.

    The badge carries it as a ``related`` achievement (OB 3.0 ``Related``: ``id``, ``inLanguage``,
    ``version``, with its name and description) and as a section of the criteria narrative.
    """

    language: str = Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", description="BCP 47")
    id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$",
        description="the translated achievement's id (default: the definition id + #language)",
    )
    name: str
    purpose: str
    objectives: list[str] | None = None
    applications: str | None = None
    competency: str | None = None
    methods: list[str] | None = None
    submission_requirements: list[str] | None = None
    target_learners: str | None = None
    category: str | None = None


class DefinitionState(StrEnum):
    """Where a definition is in its review and approval workflow."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    PUBLISHED = "published"


class ApprovalEvent(_Model):
    """One step of the workflow: who moved the definition to which state, and when."""

    state: DefinitionState
    by: str
    role: str
    at: datetime
    note: str | None = None


_NEXT = {
    DefinitionState.DRAFT: (DefinitionState.REVIEWED, "expert reviewer"),
    DefinitionState.REVIEWED: (DefinitionState.APPROVED, "academic committee"),
    DefinitionState.APPROVED: (DefinitionState.PUBLISHED, "publisher"),
}


class MicroCredential(_Model):
    """A micro-credential as its designer defines it.

    Create it, then call :meth:`review`, :meth:`approve` and :meth:`publish`; only an
    approved (or published) definition can be awarded.
    """

    id: str = Field(
        pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", description="the achievement id: a URL or URN"
    )
    name: str
    version: str = "1.0"
    code: str | None = Field(default=None, description="a human code, e.g. KMUTT-MC-DS101")
    language: str | None = Field(default=None, description="BCP 47 tag, e.g. 'en' or 'th'")
    purpose: str
    objectives: list[str] = Field(min_length=1)
    applications: str | None = None
    competency: str
    methods: list[str] = Field(min_length=1, description="ways of demonstrating the competency")
    submission_requirements: list[str] = Field(min_length=1)
    target_learners: str
    category: str = Field(description=f"one of {CATEGORIES}, or the issuer's own")
    alignments: list[AlignmentTarget] = Field(default_factory=list)
    questions: list[OverviewQuestion] = Field(min_length=1)
    artifacts: list[ArtifactRequirement] = Field(min_length=1)
    rubric: list[RubricCriterion] = Field(min_length=1)
    reflections: list[ReflectionPrompt] = Field(min_length=1)
    designer: str | None = None
    image: str | None = Field(default=None, pattern=r"^(https?|data):")
    translations: list[Translation] = Field(default_factory=list)
    state: DefinitionState = DefinitionState.DRAFT
    history: list[ApprovalEvent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> MicroCredential:
        for label, items in (
            ("question", self.questions),
            ("artifact", self.artifacts),
            ("rubric criterion", self.rubric),
            ("reflection prompt", self.reflections),
        ):
            ids = [item.id for item in items]
            if len(set(ids)) != len(ids):
                raise ValueError(f"{label} ids must be unique")
        return self

    def _advance(
        self, expected: DefinitionState, by: str, at: datetime | None, note: str | None
    ) -> MicroCredential:
        if self.state is not expected:
            target = _NEXT.get(expected, (expected, ""))[0]
            raise WorkflowError(
                f"cannot move {self.name!r} to {target.value}: it is {self.state.value}, "
                f"and must be {expected.value} first"
            )
        if not by.strip():
            raise WorkflowError("record who takes this step")
        state, role = _NEXT[expected]
        event = ApprovalEvent(state=state, by=by, role=role, at=at or datetime.now(UTC), note=note)
        return self.model_copy(update={"state": state, "history": [*self.history, event]})

    def review(
        self, reviewer: str, *, at: datetime | None = None, note: str | None = None
    ) -> MicroCredential:
        """Record the expert review (draft -> reviewed); returns the updated definition."""
        return self._advance(DefinitionState.DRAFT, reviewer, at, note)

    def approve(
        self, committee: str, *, at: datetime | None = None, note: str | None = None
    ) -> MicroCredential:
        """Record the academic committee's approval (reviewed -> approved)."""
        return self._advance(DefinitionState.REVIEWED, committee, at, note)

    def publish(self, publisher: str, *, at: datetime | None = None) -> MicroCredential:
        """Publish the approved definition (approved -> published)."""
        return self._advance(DefinitionState.APPROVED, publisher, at, None)

    @property
    def approved(self) -> bool:
        """Whether badges may be awarded for this definition."""
        return self.state in (DefinitionState.APPROVED, DefinitionState.PUBLISHED)

    def translated(self, translation: Translation) -> MicroCredential:
        """This definition in the translation's language (untranslated parts as they are)."""
        fields = translation.model_dump(exclude={"id"}, exclude_none=True)
        return self.model_copy(update={**fields, "translations": []})

    def translation_id(self, translation: Translation) -> str:
        """The translated achievement's id."""
        sep = "-" if "#" in self.id else "#"
        return translation.id or f"{self.id}{sep}{translation.language}"

    def criterion(self, criterion_id: str) -> RubricCriterion:
        """The rubric criterion with this id."""
        for criterion in self.rubric:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(f"no rubric criterion {criterion_id!r}")
