"""Award a micro-credential: an Open Badges 3.0 AchievementCredential carrying the whole
framework — issuer, achievement (criteria built from the definition, alignments, rubric),
results, evidence and the assessor's feedback — with a status entry, signed.

Only terms the OB 3.0.3 and VC 2.0 contexts define are used, so every verifier can process
the badge (see ``docs/mapping.md`` for where each framework element goes).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from .._time import format_datetime
from ..errors import WorkflowError
from ..issuance import SecuringFormat, issue
from ..keys import SigningKey
from ..models import IdentityObject
from ..status.registry import StatusRegistry
from .assessment import Assessment, Decision, LearnerRecord, Submission
from .definition import MicroCredential, RubricCriterion
from .narrative import feedback_narrative, words_for

__all__ = ["AwardedBadge", "award", "build_credential", "criteria_narrative"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d")


def _narrative_in_language(d: MicroCredential) -> str:
    """The criteria narrative of one language version; headings from :mod:`.narrative`."""
    w = words_for(d.language)
    lines = [f"## {w('Purpose')}\n\n{d.purpose}", f"## {w('Objectives')}\n"]
    lines += [f"- {o}" for o in d.objectives]
    lines += [f"\n## {w('Competency')}\n\n{d.competency}", f"\n## {w('How to demonstrate it')}\n"]
    lines += [f"- {m}" for m in d.methods]
    lines.append(f"\n## {w('Submission requirements')}\n")
    lines += [f"- {s}" for s in d.submission_requirements]
    lines.append(f"\n## {w('Target learners')}\n\n{d.target_learners}")
    if d.applications:
        lines.append(f"\n## {w('Applications')}\n\n{d.applications}")
    lines.append(f"\n## {w('Category')}\n\n{d.category}")
    lines.append(f"\n## {w('Assessment')}\n\n### {w('Part 1: overview questions')}\n")
    passing = w("Passing:")
    lines += [
        f"{i}. {q.question} *{passing}* {q.passing_criteria}" for i, q in enumerate(d.questions, 1)
    ]
    lines.append(f"\n### {w('Part 2: work examples and artifacts')}\n")
    lines += [f"- {a.description} ({', '.join(a.kinds)})" for a in d.artifacts]
    lines.append(f"\n{w('Rubric (each criterion must reach its passing level):')}\n")
    for c in d.rubric:
        levels = ", ".join(f"{lv.name} ({lv.points})" for lv in c.levels)
        lines.append(f"- **{c.name}**: {levels}; {w('passing')}: {c.level(c.passing_level).name}")
    lines.append(f"\n### {w('Part 3: reflection')}\n")
    lines += [f"- {r.prompt} *{passing}* {r.passing_criteria}" for r in d.reflections]
    if d.history:
        lines.append(f"\n## {w('Quality assurance')}\n")
        lines += [
            "- "
            + w("{state} by {by} ({role}) on {date}").format(
                state=w(e.state.value.capitalize()), by=e.by, role=w(e.role), date=_date(e.at)
            )
            for e in d.history
        ]
    if d.designer:
        lines.append("\n" + w("Designed by {designer}.").format(designer=d.designer))
    return "\n".join(lines)


def criteria_narrative(definition: MicroCredential) -> str:
    """The achievement's criteria as markdown, built from every part of the definition, in the
    definition's language, then a section for each translation in its own language."""
    parts = [_narrative_in_language(definition)]
    for translation in definition.translations:
        version = definition.translated(translation)
        heading = words_for(translation.language)("In English")
        parts.append(f"---\n\n# {heading}\n\n{_narrative_in_language(version)}")
    return "\n\n".join(parts)


def _rd_id(definition: MicroCredential, kind: str, item: str) -> str:
    return f"{definition.id}#{kind}-{item}"


def _status_description(
    definition: MicroCredential, kind: str, item: str, name: str
) -> dict[str, Any]:
    return {
        "id": _rd_id(definition, kind, item),
        "type": ["ResultDescription"],
        "name": name,
        "resultType": "Status",
    }


def _rubric_description(definition: MicroCredential, criterion: RubricCriterion) -> dict[str, Any]:
    d, c = definition, criterion
    return {
        "id": _rd_id(d, "rubric", c.id),
        "type": ["ResultDescription"],
        "name": c.name,
        "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [
            {
                "id": _rd_id(d, "rubric", f"{c.id}-{lv.id}"),
                "type": ["RubricCriterionLevel"],
                "name": lv.name,
                "points": str(lv.points),
                **({"description": lv.description} if lv.description else {}),
            }
            for lv in c.levels
        ],
        "requiredLevel": _rd_id(d, "rubric", f"{c.id}-{c.passing_level}"),
    }


def _result_descriptions(definition: MicroCredential) -> list[dict[str, Any]]:
    """One ResultDescription per overview question, rubric criterion and reflection prompt,
    and one for the decision."""
    d = definition
    descriptions = [
        _status_description(d, "question", q.id, f"Overview question: {q.question}")
        for q in d.questions
    ]
    descriptions += [_rubric_description(d, c) for c in d.rubric]
    descriptions += [
        _status_description(d, "reflection", r.id, f"Reflection: {r.prompt}") for r in d.reflections
    ]
    descriptions.append(_status_description(d, "decision", "overall", "Assessment decision"))
    return descriptions


def _alignments(definition: MicroCredential) -> list[dict[str, Any]]:
    return [
        {
            "type": ["Alignment"],
            "targetName": a.name,
            "targetUrl": a.url,
            **({"targetFramework": a.framework} if a.framework else {}),
            **({"targetCode": a.code} if a.code else {}),
            **({"targetDescription": a.description} if a.description else {}),
            **({"targetType": a.target_type} if a.target_type else {}),
        }
        for a in definition.alignments
    ]


def _achievement(definition: MicroCredential, issuer: dict[str, Any]) -> dict[str, Any]:
    d = definition
    achievement: dict[str, Any] = {
        "id": d.id,
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": d.name,
        "description": d.purpose,
        "criteria": {"narrative": criteria_narrative(d)},
        "creator": issuer,
        "fieldOfStudy": d.category,
        "tag": [d.category],
        "version": d.version,
        "resultDescription": _result_descriptions(d),
    }
    if d.code:
        achievement["humanCode"] = d.code
    if d.language:
        achievement["inLanguage"] = d.language
    if d.translations:
        achievement["related"] = [
            {
                "id": d.translation_id(t),
                "type": ["Related"],
                "inLanguage": t.language,
                "version": d.version,
                "name": t.name,
                "description": t.purpose,
            }
            for t in d.translations
        ]
    if d.image:
        achievement["image"] = {"id": d.image, "type": "Image", "caption": d.name}
    if d.alignments:
        achievement["alignment"] = _alignments(d)
    return achievement


def _evidence(definition: MicroCredential, submission: Submission) -> list[dict[str, Any]]:
    w = words_for(definition.language)
    answers = "\n\n".join(
        f"**{q.question}**\n\n{submission.answers.get(q.id, '')}" for q in definition.questions
    )
    evidence: list[dict[str, Any]] = [
        {
            "type": ["Evidence"],
            "name": w("Part 1: answers to the overview questions"),
            "genre": w("Overview questions"),
            "narrative": answers,
        }
    ]
    requirements = {a.id: a for a in definition.artifacts}
    for artifact in submission.artifacts:
        item: dict[str, Any] = {"type": ["Evidence"]}
        if artifact.url:
            item["id"] = artifact.url
        item["name"] = artifact.name
        requirement = requirements.get(artifact.requirement)
        item["description"] = artifact.description or (
            requirement.description if requirement else artifact.name
        )
        item["genre"] = w("Work artifact ({kind})").format(kind=artifact.kind)
        if artifact.digest_sri:
            item["digestSRI"] = artifact.digest_sri
        if artifact.media_type:
            item["mediaType"] = artifact.media_type
        evidence.append(item)
    reflections = "\n\n".join(
        f"**{r.prompt}**\n\n{submission.reflections.get(r.id, '')}" for r in definition.reflections
    )
    evidence.append(
        {
            "type": ["Evidence"],
            "name": w("Part 3: reflection"),
            "genre": w("Reflection"),
            "narrative": reflections,
        }
    )
    return evidence


def _results(definition: MicroCredential, assessment: Assessment) -> list[dict[str, Any]]:
    d = definition
    results: list[dict[str, Any]] = []
    for q in d.questions:
        results.append(
            {
                "type": ["Result"],
                "resultDescription": _rd_id(d, "question", q.id),
                "status": "Completed" if assessment.question_met[q.id] else "Failed",
            }
        )
    for c in d.rubric:
        results.append(
            {
                "type": ["Result"],
                "resultDescription": _rd_id(d, "rubric", c.id),
                "achievedLevel": _rd_id(d, "rubric", f"{c.id}-{assessment.rubric_levels[c.id]}"),
            }
        )
    for r in d.reflections:
        results.append(
            {
                "type": ["Result"],
                "resultDescription": _rd_id(d, "reflection", r.id),
                "status": "Completed" if assessment.reflection_met[r.id] else "Failed",
            }
        )
    results.append(
        {
            "type": ["Result"],
            "resultDescription": _rd_id(d, "decision", "overall"),
            "status": "Completed" if assessment.decision is Decision.PASS else "Failed",
        }
    )
    return results


def _feedback(assessment: Assessment, attempt: int, language: str | None = None) -> str:
    return feedback_narrative(
        passed=assessment.decision is Decision.PASS,
        assessor=assessment.assessor,
        date=_date(assessment.assessed_at),
        strengths=assessment.strengths,
        improvements=assessment.improvements,
        attempt=attempt,
        language=language,
    )


def _is_iri(value: str) -> bool:
    head, sep, rest = value.partition(":")
    return bool(sep and rest and head.isalpha() and "@" not in head and " " not in value)


def build_credential(
    definition: MicroCredential,
    submission: Submission,
    assessment: Assessment,
    *,
    issuer: dict[str, Any],
    credential_id: str | None = None,
    attempt: int = 1,
    first_submitted: datetime | None = None,
    now: datetime | None = None,
    status: Sequence[dict[str, Any]] = (),
    recipient_salt: str | None = None,
) -> dict[str, Any]:
    """The unsigned AchievementCredential for a passing assessment (see :func:`award`)."""
    stamp = (now or datetime.now(UTC)).replace(microsecond=0)
    subject: dict[str, Any] = {}
    learner = submission.learner
    if _is_iri(learner):
        subject["id"] = learner
    subject["type"] = ["AchievementSubject"]
    if "@" in learner and not _is_iri(learner):
        subject["identifier"] = [IdentityObject.hashed_email(learner, salt=recipient_salt).dump()]
    subject["achievement"] = _achievement(definition, issuer)
    subject["result"] = _results(definition, assessment)
    subject["narrative"] = _feedback(assessment, attempt, definition.language)
    if assessment.assessor_id:
        subject["source"] = {
            "id": assessment.assessor_id,
            "type": ["Profile"],
            "name": assessment.assessor,
        }
    subject["activityStartDate"] = format_datetime(first_submitted or submission.submitted_at)
    subject["activityEndDate"] = format_datetime(assessment.assessed_at)
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_303],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": definition.name,
        "description": definition.purpose,
        "issuer": issuer,
        "validFrom": format_datetime(stamp),
        "awardedDate": format_datetime(stamp),
        "credentialSubject": subject,
        "evidence": _evidence(definition, submission),
    }
    if definition.image:
        credential["image"] = {"id": definition.image, "type": "Image", "caption": definition.name}
    if len(status) == 1:
        credential["credentialStatus"] = status[0]  # the 1EdTech schema wants one object
    elif status:
        credential["credentialStatus"] = list(status)
    return credential


@dataclass(frozen=True)
class AwardedBadge:
    """An awarded badge: the signed credential (JSON, or a compact JWS) and its id."""

    id: str
    credential: dict[str, Any]
    """The credential JSON (signed, for ``format="di"``)."""
    jwt: str | None = None
    """The compact JWS, for ``format="jwt"``."""

    @property
    def carrier(self) -> dict[str, Any] | str:
        """What to hand out: the signed JSON, or the JWS."""
        return self.jwt if self.jwt is not None else self.credential


def award(
    definition: MicroCredential,
    record: LearnerRecord,
    *,
    issuer: dict[str, Any],
    key: SigningKey,
    verification_method: str | None = None,
    registry: StatusRegistry | None = None,
    credential_id: str | None = None,
    format: SecuringFormat | Literal["di", "jwt"] = SecuringFormat.DATA_INTEGRITY,
    status_purposes: Sequence[str] = ("revocation",),
    now: datetime | None = None,
) -> AwardedBadge:
    """Award the badge for a learner's passing attempt, with a status entry, signed.

    :param issuer: the issuer's Profile as JSON (at least ``id``; the key's controller).
    :param registry: allocates the status entries (recommended).
    :param status_purposes: which entries to allocate. The 1EdTech OB 3.0 schema allows one
        ``credentialStatus`` object, so the default is a revocation entry only; asking for
        ``("revocation", "suspension")`` gives an array, which that schema rejects.
    :raises WorkflowError: the definition is not approved, the record is for another
        micro-credential, or the learner has not passed.
    """
    if not definition.approved:
        raise WorkflowError(
            f"{definition.name!r} is {definition.state.value}: it must be reviewed and approved "
            "by the academic committee before badges are awarded"
        )
    if record.definition_id != definition.id:
        raise WorkflowError("the learner record is for another micro-credential")
    attempt = record.passed
    if attempt is None or attempt.assessment is None:
        last = record.attempts[-1].assessment if record.attempts else None
        why = "; ".join(last.reasons) if last else "nothing has been assessed"
        raise WorkflowError(f"the learner has not passed: {why}")
    if not isinstance(issuer, dict) or not isinstance(issuer.get("id"), str):
        raise ValueError("issuer must be a Profile JSON object with an id")
    issuer = {"type": ["Profile"], **issuer}
    issuer = {"id": issuer.pop("id"), **issuer}
    badge_id = credential_id or f"urn:uuid:{uuid.uuid4()}"
    status = [e.to_json() for e in registry.allocate(badge_id, status_purposes)] if registry else []
    credential = build_credential(
        definition,
        attempt.submission,
        attempt.assessment,
        issuer=issuer,
        credential_id=badge_id,
        attempt=attempt.number,
        first_submitted=record.attempts[0].submission.submitted_at,
        now=now,
        status=status,
    )
    secured = issue(
        credential, key, format=format, verification_method=verification_method, created=now
    )
    if isinstance(secured, str):
        return AwardedBadge(badge_id, credential, secured)
    return AwardedBadge(badge_id, secured)
