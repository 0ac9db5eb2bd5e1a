"""Stack a learner's micro-credentials into a signed CLR 2.0 and verify it (inner badges too).

Run: python examples/stack.py
"""

from __future__ import annotations

import uuid
from typing import Any

from openmicrocred import Ed25519Key, add_proof, verify
from openmicrocred.microcredential.stack import Association, stack

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def badge(key: Ed25519Key, slug: str, name: str) -> dict[str, Any]:
    return add_proof(
        {
            "@context": CONTEXT,
            "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, slug)}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": key.did, "type": ["Profile"], "name": "KMUTT"},
            "validFrom": "2026-01-01T00:00:00Z",
            "name": name,
            "credentialSubject": {
                "id": "did:example:learner",
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": f"https://kmutt.example/achievements/{slug}",
                    "type": ["Achievement"],
                    "achievementType": "MicroCredential",
                    "name": name,
                    "description": name,
                    "criteria": {"narrative": "Pass the assessment."},
                },
            },
        },
        key,
    )


def main() -> None:
    key = Ed25519Key.generate()
    parts = [
        badge(key, "data-cleaning", "Data Cleaning"),
        badge(key, "data-storytelling", "Data Storytelling"),
    ]
    certificate: dict[str, Any] = {
        "id": "https://kmutt.example/achievements/data-certificate",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": "Certificate in Data Analytics",
        "description": "Stacked.",
        "criteria": {"narrative": "Earn both micro-credentials."},
    }
    clr = stack(
        parts,
        name="Learner record",
        issuer={"id": key.did, "name": "KMUTT"},
        key=key,
        learner="did:example:learner",
        achievements=[certificate],
        associations=[
            Association("isPartOf", p["credentialSubject"]["achievement"]["id"], certificate["id"])
            for p in parts
        ],
    )
    report = verify(clr)
    print(f"CLR: {report.verdict.value}; included: {[r.verdict.value for r in report.included]}")


if __name__ == "__main__":
    main()
