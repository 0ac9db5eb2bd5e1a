"""Platform developer: define a micro-credential, assess a learner, award a signed badge.

Run: python examples/issue_badge.py [OUT.json]
"""

from __future__ import annotations

import json
import sys

from openmicrocred import Ed25519Key
from openmicrocred.cli.demo import demo_definition
from openmicrocred.microcredential import Artifact, LearnerRecord, Submission, assess, award


def make_badge() -> dict[str, object]:
    """Define, assess and award; return the signed badge."""
    issuer_key = Ed25519Key.generate()  # in production: Ed25519Key.load("issuer.pem")
    definition = demo_definition().review("Dr. Reviewer").approve("Academic Committee")

    learner = "did:example:learner-42"
    record = LearnerRecord(definition_id=definition.id, learner=learner)
    submission = Submission(
        learner=learner,
        answers={
            "question": "Which districts flood most, for city planners.",
            "sources": "Open rain gauge data; sparse in the east.",
        },
        artifacts=[
            Artifact(
                requirement="dashboard", name="Flood dashboard", url="https://example.org/dash"
            )
        ],
        reflections={"next-time": "Cross-check gauges with satellite data."},
    )
    record.submit(submission)
    record.record(
        assess(
            definition,
            submission,
            assessor="Aj. Assessor",
            question_met={"question": True, "sources": True},
            rubric_levels={"cleaning": "proficient", "visuals": "exemplary", "story": "proficient"},
            reflection_met={"next-time": True},
            strengths="Clear question.",
            improvements="Label units.",
        )
    )
    badge = award(
        definition, record, issuer={"id": issuer_key.did, "name": "KMUTT"}, key=issuer_key
    )
    return badge.credential


def main() -> None:
    credential = make_badge()
    text = json.dumps(credential, indent=2, ensure_ascii=False)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        print(f"awarded {credential['id']} -> {sys.argv[1]}")
    else:
        print(text)


if __name__ == "__main__":
    main()
