from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from openmicrocred.batch import issue_many, verify_many
from openmicrocred.keys import Ed25519Key

from conftest import SPEC, load

KEY = Ed25519Key.from_seed(bytes(range(5, 37)))


def _credentials(n: int) -> list[dict[str, Any]]:
    base = load(SPEC / "ob3-basic.unsigned.json")
    base["issuer"]["id"] = KEY.did
    out = []
    for i in range(n):
        credential = copy.deepcopy(base)
        credential["id"] = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        out.append(credential)
    return out


def test_issue_and_verify_many_in_processes_keep_order() -> None:
    credentials = _credentials(40)
    signed = list(issue_many(credentials, KEY, workers=2, chunk_size=8))
    assert [s["id"] for s in signed] == [c["id"] for c in credentials]
    signed[7]["name"] = "tampered"
    reports = list(verify_many(signed, workers=2, chunk_size=8))
    assert [r.verified for r in reports] == [i != 7 for i in range(40)]
    assert [r.credential["id"] for r in reports if r.credential] == [c["id"] for c in signed]


def test_any_executor_plugs_in_and_input_is_streamed() -> None:
    consumed = []

    def stream() -> Any:
        for credential in _credentials(100):
            consumed.append(credential["id"])
            yield credential

    with ThreadPoolExecutor(2) as pool:
        signed = issue_many(stream(), KEY, executor=pool, chunk_size=4)
        first = next(signed)
        # Only a bounded number of chunks were read ahead, not the whole input.
        assert len(consumed) < 100
        rest = list(signed)
        reports = list(verify_many([first, *rest], executor=pool, chunk_size=4))
    assert len(reports) == 100
    assert all(r.verified for r in reports)
