"""Batch throughput and memory: credentials per second with 1 and 2 processes, and peak RSS
while verifying a stream of credentials.

Usage: python benchmarks/batch.py [--count N] [--stream N]

Prints JSON lines: {"op", "workers", "count", "per_second"}, {"op": "scaling",
"issue_2_over_1", "verify_2_over_1"} and {"op": "stream-rss", "count", "rss_mb_after_1000",
"rss_mb_at_end"}.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from typing import Any

from sign_verify import realistic

from openmicrocred.batch import issue_many, verify_many
from openmicrocred.keys import Ed25519Key
from openmicrocred.verification import Verifier


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _credentials(key: Ed25519Key, count: int) -> Iterator[dict[str, Any]]:
    base = realistic(1)
    base["issuer"] = {"id": key.did, "type": ["Profile"], "name": "KMUTT"}
    for i in range(count):
        # A shallow copy: signing never changes its input, and a deep copy here would cost
        # this (parent) process about a tenth of what signing costs a worker, time that the
        # benchmark would then charge to the workers' scaling.
        yield {**base, "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--stream", type=int, default=10_000)
    args = parser.parse_args()
    key = Ed25519Key.generate()
    signed = list(issue_many(_credentials(key, args.count), key, workers=2))
    rates: dict[tuple[str, int], float] = {}
    for workers in (1, 2):
        for op in ("issue", "verify"):
            start = time.perf_counter()
            if op == "issue":
                count = sum(
                    1 for _ in issue_many(_credentials(key, args.count), key, workers=workers)
                )
            else:
                count = sum(r.verified for r in verify_many(signed, workers=workers))
            rates[op, workers] = count / (time.perf_counter() - start)
            print(
                json.dumps(
                    {
                        "op": op,
                        "workers": workers,
                        "count": count,
                        "per_second": round(rates[op, workers], 1),
                    }
                )
            )
    print(
        json.dumps(
            {
                "op": "scaling",
                "issue_2_over_1": round(rates["issue", 2] / rates["issue", 1], 2),
                "verify_2_over_1": round(rates["verify", 2] / rates["verify", 1], 2),
            }
        )
    )
    # Memory: verify a long stream in this process, one credential at a time.
    verifier = Verifier()
    after_1000 = 0.0
    for i, credential in enumerate(_credentials(key, args.stream)):
        from openmicrocred.suites import add_proof

        verifier.verify(add_proof(credential, key))
        if i == 999:
            after_1000 = _rss_mb()
    print(
        json.dumps(
            {
                "op": "stream-rss",
                "count": args.stream,
                "rss_mb_after_1000": round(after_1000, 1),
                "rss_mb_at_end": round(_rss_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
