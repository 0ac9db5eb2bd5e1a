"""Sign and verify credentials with eddsa-rdfc-2022; print one JSON line per credential.

Usage: python benchmarks/sign_verify.py [CREDENTIAL.json ...]

Without arguments it measures two generated credentials: a realistic micro-credential
(3 rubric results with levels, 3 evidence items, 2 alignments) and a large one (30 evidence
items).
Each line has ``file``, ``quads``, ``sign_ms`` and ``verify_ms`` (medians, after warm-up),
and, measured in the same run, ``baseline_sign_ms`` / ``baseline_verify_ms`` of the
straightforward pyld-based eddsa-rdfc-2022 (pyld URDNA2015 normalize + SHA-256 + Ed25519).
Offline: contexts come from the bundled loader.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyld import jsonld

from openmicrocred.canon import canonicalize_document
from openmicrocred.cli.demo import demo_definition
from openmicrocred.jsonld import processing_options
from openmicrocred.keys import Ed25519Key
from openmicrocred.microcredential import Artifact, Submission, assess, build_credential
from openmicrocred.suites import add_proof, verify_proofs

CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def realistic(artifacts: int = 1) -> dict[str, Any]:
    """A micro-credential as awarded: 3 rubric results with levels, 2 alignments, and
    evidence for the overview answers, ``artifacts`` work artifacts and the reflection."""
    definition = demo_definition()
    submission = Submission(
        learner="did:example:learner",
        answers={"question": "Which districts flood most?", "sources": "Rain gauges."},
        artifacts=[
            Artifact(
                requirement="dashboard",
                name=f"Artifact {i}",
                url=f"https://badges.kmutt.ac.th/evidence/{i}",
                sha256="ab" * 32,
                description="A work artifact submitted by the learner.",
            )
            for i in range(artifacts)
        ],
        reflections={"next-time": "Validate the gauges against satellite data."},
        submitted_at=CREATED,
    )
    assessment = assess(
        definition,
        submission,
        assessor="Aj. Assessor",
        question_met={"question": True, "sources": True},
        rubric_levels={"cleaning": "proficient", "visuals": "exemplary", "story": "proficient"},
        reflection_met={"next-time": True},
        strengths="Clear.",
        improvements="Label units.",
        at=CREATED,
    )
    return build_credential(
        definition,
        submission,
        assessment,
        issuer={"id": "did:example:issuer", "type": ["Profile"], "name": "KMUTT"},
        credential_id="urn:uuid:7b1c2a3e-0000-4000-8000-000000000001",
        now=CREATED,
    )


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    for _ in range(3):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 3)


def _pyld_canon(document: dict[str, Any]) -> str:
    options = processing_options()
    options.update(algorithm="URDNA2015", format="application/n-quads")
    return str(jsonld.JsonLdProcessor().normalize(copy.deepcopy(document), options))


def _baseline_hash(document: dict[str, Any], proof: dict[str, Any]) -> bytes:
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    return (
        hashlib.sha256(_pyld_canon(config).encode()).digest()
        + hashlib.sha256(_pyld_canon(document).encode()).digest()
    )


def measure(name: str, credential: dict[str, Any], key: Ed25519Key, repeat: int) -> dict[str, Any]:
    signed = add_proof(credential, key, created=CREATED)
    assert all(r.verified for r in verify_proofs(signed))
    proof = signed["proof"]
    options = {k: v for k, v in proof.items() if k != "proofValue"}

    def baseline_sign() -> bytes:
        return key.sign(_baseline_hash(credential, options))

    signature = _sig(proof)

    def baseline_verify() -> None:
        unsecured = {k: v for k, v in signed.items() if k != "proof"}
        key.public_key.verify(signature, _baseline_hash(unsecured, proof))

    # The baseline must produce the same signature (byte-identical proofs).
    assert baseline_sign() == signature
    return {
        "file": name,
        "quads": canonicalize_document(credential).nquads.count("\n"),
        "sign_ms": _median_ms(lambda: add_proof(credential, key, created=CREATED), repeat),
        "verify_ms": _median_ms(lambda: verify_proofs(signed), repeat),
        "baseline_sign_ms": _median_ms(baseline_sign, repeat),
        "baseline_verify_ms": _median_ms(baseline_verify, repeat),
    }


def _sig(proof: dict[str, Any]) -> bytes:
    from openmicrocred._encoding import b58decode

    return b58decode(proof["proofValue"][1:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    key = Ed25519Key.generate()
    inputs: list[tuple[str, dict[str, Any]]]
    if args.files:
        inputs = [(str(p), json.loads(p.read_text(encoding="utf-8"))) for p in args.files]
    else:
        inputs = [
            ("<realistic micro-credential>", realistic(3)),
            ("<large: 30 evidence items>", realistic(30)),
        ]
    for name, credential in inputs:
        credential = {k: v for k, v in credential.items() if k != "proof"}
        print(json.dumps(measure(name, credential, key, args.repeat)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
