"""Issuer: give a badge a status entry, publish the status list, revoke it, and watch a
verifier notice (offline: the verifier reads the published files as local copies).

Run: python examples/revoke.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from openmicrocred import Ed25519Key, Fetcher, Verifier, add_proof
from openmicrocred.status import SQLiteStatusRegistry, publish


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    key = Ed25519Key.generate()
    registry = SQLiteStatusRegistry(folder / "status.db", base_url="https://issuer.example/status")
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b0b5e5e-1111-4222-8333-444455556666",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did, "type": ["Profile"], "name": "Example Issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/a/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Peer nominated."},
            },
        },
    }
    [entry] = registry.allocate(credential["id"], ["revocation"])
    credential["credentialStatus"] = entry.to_json()
    badge = add_proof(credential, key)

    def check() -> str:
        lists = publish(registry, folder / "public", key, issuer=key.did)
        resources = {item.url: item.path.read_bytes() for item in lists}
        return Verifier(fetcher=Fetcher(resources=resources)).verify(badge).verdict.value

    print("before:", check())
    registry.revoke(credential["id"])
    print("after: ", check())
    print(json.dumps(registry.entries(credential["id"])[0].to_json()))


if __name__ == "__main__":
    main()
