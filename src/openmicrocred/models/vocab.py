"""Closed and extensible vocabularies of Open Badges 3.0 and CLR 2.0.

Source: the 1EdTech OB 3.0 information model (``common_credentials.lines``) and the
published JSON schemas. Extensible (``EnumExt``) vocabularies also accept any value that
starts with ``ext:``.
"""

from __future__ import annotations

__all__ = [
    "ACHIEVEMENT_TYPES",
    "ALIGNMENT_TARGET_TYPES",
    "ASSOCIATION_TYPES",
    "IDENTIFIER_TYPES",
    "RESULT_STATUS_TYPES",
    "RESULT_TYPES",
]

ACHIEVEMENT_TYPES: frozenset[str] = frozenset(
    [
        "Achievement",
        "ApprenticeshipCertificate",
        "Assessment",
        "Assignment",
        "AssociateDegree",
        "Award",
        "Badge",
        "BachelorDegree",
        "Certificate",
        "CertificateOfCompletion",
        "Certification",
        "CommunityService",
        "Competency",
        "Course",
        "CoCurricular",
        "Degree",
        "Diploma",
        "DoctoralDegree",
        "Fieldwork",
        "GeneralEducationDevelopment",
        "JourneymanCertificate",
        "LearningProgram",
        "License",
        "Membership",
        "ProfessionalDoctorate",
        "QualityAssuranceCredential",
        "MasterCertificate",
        "MasterDegree",
        "MicroCredential",
        "ResearchDoctorate",
        "SecondarySchoolDiploma",
    ]
)
"""``AchievementType`` (extensible)."""

ALIGNMENT_TARGET_TYPES: frozenset[str] = frozenset(
    [
        "ceasn:Competency",
        "ceterms:Credential",
        "CFItem",
        "CFRubric",
        "CFRubricCriterion",
        "CFRubricCriterionLevel",
        "CTDL",
    ]
)
"""``AlignmentTargetType`` (extensible)."""

RESULT_TYPES: frozenset[str] = frozenset(
    [
        "GradePointAverage",
        "LetterGrade",
        "Percent",
        "PerformanceLevel",
        "PredictedScore",
        "RawScore",
        "Result",
        "RubricCriterion",
        "RubricCriterionLevel",
        "RubricScore",
        "ScaledScore",
        "Status",
    ]
)
"""``ResultType`` (extensible)."""

RESULT_STATUS_TYPES: frozenset[str] = frozenset(
    ["Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"]
)
"""``ResultStatusType`` (closed)."""

IDENTIFIER_TYPES: frozenset[str] = frozenset(
    [
        "name",
        "sourcedId",
        "systemId",
        "productId",
        "userName",
        "accountId",
        "emailAddress",
        "nationalIdentityNumber",
        "isbn",
        "issn",
        "lisSourcedId",
        "oneRosterSourcedId",
        "sisSourcedId",
        "ltiContextId",
        "ltiDeploymentId",
        "ltiToolId",
        "ltiPlatformId",
        "ltiUserId",
        "identifier",
    ]
)
"""``IdentifierTypeEnum`` (extensible), used by IdentityObject and IdentifierEntry."""

ASSOCIATION_TYPES: frozenset[str] = frozenset(
    [
        "exactMatchOf",
        "isChildOf",
        "isParentOf",
        "isPartOf",
        "isPeerOf",
        "isRelatedTo",
        "precedes",
        "replacedBy",
    ]
)
"""CLR 2.0 ``AssociationType`` (closed)."""
