"""Bulk issuing on a distributed engine: a Dask ``LocalCluster`` (worker processes) allocates
status entries straight from the registry on PostgreSQL, then signs with ``issue_many``
on the same cluster's executor; every badge verifies against the published lists.

PostgreSQL comes from ``$OPENMICROCRED_TEST_POSTGRES`` (tests/pgtest.py): without it this
test skips, under ``CI=true`` it fails."""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from openmicrocred.batch import _init_signer, issue_many
from openmicrocred.fetch import Fetcher
from openmicrocred.keys import Ed25519Key
from openmicrocred.status.publish import publish_stored
from openmicrocred.status.registry import SQLStatusRegistry
from openmicrocred.storage import open_database
from openmicrocred.verification import Verifier
from pgtest import fresh_schema

from conftest import SPEC, load

KEY = Ed25519Key.from_seed(bytes(range(9, 41)))
BASE = "https://issuer.example/status"
BADGES = 400
CHUNK = 50


def _allocate(url: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """On a Dask worker: the revocation entries of ``ids``, from the shared registry."""
    registry = SQLStatusRegistry(open_database(url))
    found = registry.allocate_many(ids, ["revocation"], actor="dask")
    return {cid: entries[0].to_json() for cid, entries in found.items()}


@pytest.fixture
def storage() -> Iterator[str]:
    with fresh_schema() as url:
        yield url


def test_issue_many_on_a_dask_local_cluster_with_the_registry_on_postgresql(
    storage: str,
) -> None:
    distributed = pytest.importorskip("distributed")
    import cloudpickle  # type: ignore[import-untyped]

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import it
    registry = SQLStatusRegistry(open_database(storage), base_url=BASE)
    base = load(SPEC / "ob3-basic.unsigned.json")
    base["issuer"]["id"] = KEY.did
    credentials = []
    for n in range(BADGES):
        credential = copy.deepcopy(base)
        credential["id"] = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
        credentials.append(credential)
    ids = [c["id"] for c in credentials]
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None
    )
    try:
        with distributed.Client(cluster) as client:
            chunks = [ids[i : i + CHUNK] for i in range(0, BADGES, CHUNK)]
            futures = client.map(_allocate, [storage] * len(chunks), chunks)
            entries: dict[str, dict[str, Any]] = {}
            for part in client.gather(futures):
                entries.update(part)
            for credential in credentials:
                credential["credentialStatus"] = entries[credential["id"]]
            client.run(_init_signer, KEY.private_pem(), None)  # the key, once per worker
            signed = list(
                issue_many(credentials, KEY, executor=client.get_executor(), chunk_size=25)
            )
    finally:
        cluster.close()
    assert [s["id"] for s in signed] == ids  # in input order
    indexes = {int(s["credentialStatus"]["statusListIndex"]) for s in signed}
    assert len(indexes) == BADGES
    assert {e.actor for e in registry.audit()} == {"dask"}
    registry.check_integrity()
    registry.revoke(ids[3])
    kept = publish_stored(registry, KEY, issuer=KEY.did)
    lists = {k.url: k.body for k in kept}
    verifier = Verifier(fetcher=Fetcher(resources=lists))
    reports = [verifier.verify(s) for s in signed[:20]]
    assert [r.verdict.value for r in reports[2:5]] == ["verified", "revoked", "verified"]
