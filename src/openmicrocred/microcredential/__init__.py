"""Competency-based micro-credentials: definition, approval, three-part assessment, award."""

from __future__ import annotations

from ..errors import WorkflowError
from .assessment import (
    Artifact,
    Assessment,
    Attempt,
    Decision,
    LearnerRecord,
    Submission,
    assess,
)
from .award import AwardedBadge, award, build_credential, criteria_narrative
from .definition import (
    CATEGORIES,
    AlignmentTarget,
    ApprovalEvent,
    ArtifactRequirement,
    DefinitionState,
    MicroCredential,
    OverviewQuestion,
    ReflectionPrompt,
    RubricCriterion,
    RubricLevel,
    Translation,
)
from .stack import CLR_CONTEXT, Association, stack

__all__ = [
    "CATEGORIES",
    "CLR_CONTEXT",
    "AlignmentTarget",
    "ApprovalEvent",
    "Artifact",
    "ArtifactRequirement",
    "Assessment",
    "Association",
    "Attempt",
    "AwardedBadge",
    "Decision",
    "DefinitionState",
    "LearnerRecord",
    "MicroCredential",
    "OverviewQuestion",
    "ReflectionPrompt",
    "RubricCriterion",
    "RubricLevel",
    "Submission",
    "Translation",
    "WorkflowError",
    "assess",
    "award",
    "build_credential",
    "criteria_narrative",
    "stack",
]
