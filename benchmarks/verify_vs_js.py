"""Verify one micro-credential with openmicrocred and with Digital Bazaar's reference stack.

Usage: python benchmarks/verify_vs_js.py [--repeat N]

The credential is the benchmarks' realistic micro-credential (``sign_verify.realistic(3)``:
3 rubric results with levels, 3 evidence items, 2 alignments), issued by a did:key with a
revocation entry in a published Bitstring Status List, signed with eddsa-rdfc-2022.

Prints JSON lines, medians after warm-up, measured in the same run:

- ``openmicrocred Verifier.verify``: every check (JSON-LD safe mode, structure, 1EdTech
  schema, proof, dates, status, refresh, endorsements), one warm verifier whose status
  checker has the list cached, as a service verifying badge after badge would have;
- ``@digitalbazaar/vc verifyCredential`` (node tests/interop/bench.mjs, warm, in one
  process): ``full`` re-verifies the status list credential's proof on every call, as the
  library does; ``list-proof-skipped`` reads the list without re-verifying its proof (the
  closest match to a cached list). Dates and the proof are checked in both; the library
  has no schema or safe-mode-with-paths checks.

Needs ``npm ci --prefix tests/interop``. Offline: contexts, did:key and the status list
come from local copies on both sides.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sign_verify import CREATED, realistic

from openmicrocred import Ed25519Key, Fetcher, Verifier, add_proof
from openmicrocred.status import SQLiteStatusRegistry, publish

INTEROP = Path(__file__).resolve().parents[1] / "tests" / "interop"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
KEY = Ed25519Key.from_seed(bytes(range(32)))


def credential_and_lists(folder: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The signed micro-credential and its published status list (URL -> bytes)."""
    registry = SQLiteStatusRegistry(folder / "status.db", base_url="https://kmutt.example/status")
    credential = realistic(3)
    credential["issuer"] = {"id": KEY.did, "type": ["Profile"], "name": "KMUTT"}
    [entry] = registry.allocate(credential["id"], ["revocation"])
    credential["credentialStatus"] = entry.to_json()
    lists = publish(registry, folder / "public", KEY, issuer=KEY.did, now=CREATED)
    return add_proof(credential, KEY, created=CREATED), {
        item.url: item.path.read_bytes() for item in lists
    }


def ours(credential: dict[str, Any], resources: dict[str, bytes], repeat: int) -> dict[str, Any]:
    verifier = Verifier(fetcher=Fetcher(resources=resources), clock=lambda: NOW)
    verdict = ""
    for _ in range(100):
        verdict = verifier.verify(credential).verdict.value
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        verifier.verify(credential)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "verifier": "openmicrocred Verifier.verify",
        "verdict": verdict,
        "repeat": repeat,
        "median_ms": round(statistics.median(times), 3),
        "min_ms": round(min(times), 3),
    }


def reference(
    credential: dict[str, Any], resources: dict[str, bytes], repeat: int
) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules").is_dir():
        sys.exit("needs node and `npm ci --prefix tests/interop`")
    payload = {
        "credential": credential,
        "now": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "statusLists": {url: json.loads(body) for url, body in resources.items()},
        "repeat": repeat,
        "warmup": 20,
    }
    done = subprocess.run(
        [node, str(INTEROP / "bench.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        cwd=INTEROP,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    return [{"verifier": "@digitalbazaar/vc verifyCredential", **row} for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        credential, resources = credential_and_lists(Path(folder))
    size = len(json.dumps(credential, ensure_ascii=False).encode())
    print(json.dumps({"credential_bytes": size, "node": _node_version()}), flush=True)
    mine = ours(credential, resources, args.repeat)
    print(json.dumps(mine), flush=True)
    for row in reference(credential, resources, args.repeat):
        row["ratio_to_openmicrocred"] = round(row["median_ms"] / mine["median_ms"], 2)
        print(json.dumps(row), flush=True)
    return 0


def _node_version() -> str:
    node = shutil.which("node")
    if node is None:
        return "missing"
    done = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
