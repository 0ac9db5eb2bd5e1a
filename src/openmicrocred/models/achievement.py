"""Achievements, their result descriptions and rubrics, and the subject who achieved them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from ._base import IRI, DateTime, Number, OBModel, Text, enum_or_ext, require_types
from .common import Alignment, Criteria, IdentifierEntry, IdentityObject, Image, Related
from .profile import Profile
from .vocab import ACHIEVEMENT_TYPES, RESULT_STATUS_TYPES, RESULT_TYPES

if TYPE_CHECKING:
    from .credential import EndorsementCredential

__all__ = [
    "Achievement",
    "AchievementSubject",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
]


def _types(name: str) -> Any:
    return AfterValidator(require_types(name))


def _closed(name: str, values: frozenset[str]) -> Any:
    def check(value: str) -> str:
        if value not in values:
            raise ValueError(f"{value!r} is not a {name} value (one of {sorted(values)})")
        return value

    return AfterValidator(check)


class RubricCriterionLevel(OBModel):
    """One level of a rubric criterion, e.g. "Proficient" worth 3 points."""

    id: IRI
    type: Annotated[list[str], _types("RubricCriterionLevel")] = Field(
        default_factory=lambda: ["RubricCriterionLevel"]
    )
    name: Text
    alignment: list[Alignment] | None = None
    description: Text | None = None
    level: Text | None = None
    points: str | None = None


class ResultDescription(OBModel):
    """A result an achievement can record: its type, allowed values and rubric levels."""

    id: IRI
    type: Annotated[list[str], _types("ResultDescription")] = Field(
        default_factory=lambda: ["ResultDescription"]
    )
    name: Text
    result_type: Annotated[str, AfterValidator(enum_or_ext("ResultType", RESULT_TYPES))] = Field(
        alias="resultType"
    )
    alignment: list[Alignment] | None = None
    allowed_value: list[str] | None = Field(default=None, alias="allowedValue")
    required_level: IRI | None = Field(default=None, alias="requiredLevel")
    required_value: str | None = Field(default=None, alias="requiredValue")
    rubric_criterion_level: list[RubricCriterionLevel] | None = Field(
        default=None, alias="rubricCriterionLevel"
    )
    value_max: str | None = Field(default=None, alias="valueMax")
    value_min: str | None = Field(default=None, alias="valueMin")


class Achievement(OBModel):
    """What was achieved: name, description, criteria, alignments, possible results."""

    id: IRI
    type: Annotated[list[str], _types("Achievement")] = Field(
        default_factory=lambda: ["Achievement"]
    )
    name: Text
    description: Text
    criteria: Criteria
    achievement_type: (
        Annotated[str, AfterValidator(enum_or_ext("AchievementType", ACHIEVEMENT_TYPES))] | None
    ) = Field(default=None, alias="achievementType")
    alignment: list[Alignment] | None = None
    creator: Profile | None = None
    credits_available: Number | None = Field(default=None, alias="creditsAvailable")
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = Field(default=None, alias="endorsementJwt")
    field_of_study: Text | None = Field(default=None, alias="fieldOfStudy")
    human_code: str | None = Field(default=None, alias="humanCode")
    image: Image | IRI | None = None
    in_language: str | None = Field(default=None, alias="inLanguage")
    other_identifier: list[IdentifierEntry] | None = Field(default=None, alias="otherIdentifier")
    related: list[Related] | None = None
    result_description: list[ResultDescription] | None = Field(
        default=None, alias="resultDescription"
    )
    specialization: Text | None = None
    tag: list[str] | None = None
    version: str | None = None

    def find_result_description(self, id: str) -> ResultDescription | None:
        """Return the result description with this ``id``, if the achievement has one."""
        for rd in self.result_description or ():
            if rd.id == id:
                return rd
        return None

    def rubric_levels(self) -> dict[str, RubricCriterionLevel]:
        """Every rubric criterion level of every result description, by ``id``."""
        return {
            level.id: level
            for rd in self.result_description or ()
            for level in rd.rubric_criterion_level or ()
        }


class Result(OBModel):
    """A result the learner obtained, linked to one of the achievement's result descriptions."""

    type: Annotated[list[str], _types("Result")] = Field(default_factory=lambda: ["Result"])
    achieved_level: IRI | None = Field(default=None, alias="achievedLevel")
    alignment: list[Alignment] | None = None
    result_description: IRI | None = Field(default=None, alias="resultDescription")
    status: Annotated[str, _closed("ResultStatusType", RESULT_STATUS_TYPES)] | None = None
    value: str | None = None


def _reference_error(path: str, message: str) -> PydanticCustomError:
    return PydanticCustomError("reference", "{path}: {detail}", {"path": path, "detail": message})


class AchievementSubject(OBModel):
    """The learner and what they achieved (``credentialSubject`` of an AchievementCredential).

    When parsed with references checked (the default), each result must point at a result
    description of the achievement, an ``achievedLevel`` at one of the achievement's rubric
    levels, and a result whose description's ``resultType`` is ``Status`` must have a
    ``status``.
    """

    id: IRI | None = None
    type: Annotated[list[str], _types("AchievementSubject")] = Field(
        default_factory=lambda: ["AchievementSubject"]
    )
    achievement: Achievement
    activity_end_date: DateTime | None = Field(default=None, alias="activityEndDate")
    activity_start_date: DateTime | None = Field(default=None, alias="activityStartDate")
    credits_earned: Number | None = Field(default=None, alias="creditsEarned")
    identifier: list[IdentityObject] | None = None
    image: Image | IRI | None = None
    license_number: str | None = Field(default=None, alias="licenseNumber")
    narrative: Text | None = None
    result: list[Result] | None = None
    role: Text | None = None
    source: Profile | None = None
    term: Text | None = None

    @model_validator(mode="after")
    def _check_references(self, info: ValidationInfo) -> AchievementSubject:
        if isinstance(info.context, dict) and info.context.get("check_references") is False:
            return self
        levels = self.achievement.rubric_levels()
        for i, result in enumerate(self.result or ()):
            where = f"result[{i}]"
            rd = None
            if result.result_description is not None:
                rd = self.achievement.find_result_description(result.result_description)
                if rd is None:
                    raise _reference_error(
                        f"{where}.resultDescription",
                        f"{result.result_description!r} names no resultDescription of the "
                        "achievement",
                    )
            if result.achieved_level is not None and result.achieved_level not in levels:
                raise _reference_error(
                    f"{where}.achievedLevel",
                    f"{result.achieved_level!r} names no rubricCriterionLevel of the achievement",
                )
            if rd is not None and rd.result_type == "Status" and result.status is None:
                raise _reference_error(
                    f"{where}.status",
                    f"required because resultDescription {rd.id!r} has resultType 'Status'",
                )
        return self
