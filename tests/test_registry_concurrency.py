"""Many processes, one PostgreSQL registry: ``openmicrocred serve --workers 4`` issuing over
HTTP while 4 more processes allocate directly (20,000 status indexes, all distinct); a
process killed with SIGKILL in the middle of a transaction (nothing acknowledged is lost,
nothing half-done is left); two service instances revoking different badges of one list at
the same moment (both revocations are in the published list).

PostgreSQL comes from ``$OPENMICROCRED_TEST_POSTGRES`` (tests/pgtest.py): without it these
tests skip, under ``CI=true`` they fail."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmicrocred.service.clients import ClientStore
from openmicrocred.service.state import registry_prefix
from openmicrocred.status.bitstring import BitString
from openmicrocred.status.registry import SQLStatusRegistry
from openmicrocred.storage import open_database
from pgtest import fresh_schema
from serving import free_port, start_serve

from conftest import SPEC, load

HTTP_BADGES = 800
"""Badges issued over HTTP (one revocation index each) ..."""
DIRECT_PROCESSES = 4
DIRECT_EACH = 4800
"""... and indexes each direct process allocates: 800 + 4 * 4800 = 20,000."""
PREFIX = registry_prefix("default")


class Instance:
    """One ``openmicrocred serve`` against the shared storage."""

    def __init__(self, data: Path, storage: str, workers: int) -> None:
        self.data = data
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        args = ["--data", str(data), "--workers", str(workers), "--rate-limit", "0"]
        args += ["--base-url", "http://omc.test"]  # every instance serves the same lists
        env = {**os.environ, "OPENMICROCRED_STORAGE": storage}  # off the command line
        data.parent.mkdir(parents=True, exist_ok=True)
        self.log = data.parent / f"serve-{port}.log"
        self.process = start_serve(args, port, self.log, env=env, timeout=90)
        self.issuer: str = httpx.get(self.base + "/", timeout=5).json()["issuer"]

    def workers(self) -> list[int]:
        """The worker processes' ids (children of the uvicorn supervisor)."""
        found: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found.extend(int(p) for p in text)
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def storage() -> Iterator[str]:
    with fresh_schema() as url:
        yield url


def _token(instance: Instance, storage: str) -> dict[str, str]:
    client, secret = ClientStore(storage).add(["issue", "status"], name="concurrency test")
    answer = httpx.post(
        instance.base + "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client.id, secret),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _badge(issuer: str) -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = issuer
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"
    return credential


def _issue(http: httpx.Client, issuer: str, auth: dict[str, str]) -> tuple[str, int] | None:
    """Issue one badge; its id and status index, or ``None`` when it was not acknowledged."""
    try:
        answer = http.post("/credentials/issue", json={"credential": _badge(issuer)}, headers=auth)
    except httpx.TransportError:
        return None  # the worker died under this request: nothing was acknowledged
    if answer.status_code != 201:
        return None
    vc = answer.json()["verifiableCredential"]
    return vc["id"], int(vc["credentialStatus"]["statusListIndex"])


def _issue_many(instance: Instance, auth: dict[str, str], count: int, threads: int) -> list[Any]:
    def run(n: int) -> list[tuple[str, int] | None]:
        with httpx.Client(base_url=instance.base, timeout=60) as http:
            return [_issue(http, instance.issuer, auth) for _ in range(n)]

    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(run, [count // threads] * threads))
    return [one for part in parts for one in part]


_DIRECT = """
import sys
from openmicrocred.status.registry import SQLStatusRegistry
from openmicrocred.storage import open_database
url, prefix, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
registry = SQLStatusRegistry(open_database(url), name=prefix)
for start in range(0, count, 200):
    ids = [f"urn:direct:{name}:{n}" for n in range(start, min(count, start + 200))]
    registry.allocate_many(ids, ["revocation"], actor=name)
"""


def _all_entries(storage: str) -> list[tuple[str, int, int]]:
    with open_database(storage).read() as tx:
        rows = tx.all(f"SELECT credential_id, list_id, idx FROM {PREFIX}entries")
    return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]


def test_4_workers_and_4_processes_allocate_20000_distinct_indexes(
    storage: str, tmp_path: Path
) -> None:
    instance = Instance(tmp_path / "data", storage, workers=4)
    try:
        auth = _token(instance, storage)
        direct = [
            subprocess.Popen(
                [sys.executable, "-c", _DIRECT, storage, PREFIX, f"p{n}", str(DIRECT_EACH)]
            )
            for n in range(DIRECT_PROCESSES)
        ]
        issued = _issue_many(instance, auth, HTTP_BADGES, threads=8)
        assert [p.wait(timeout=300) for p in direct] == [0] * DIRECT_PROCESSES
    finally:
        instance.stop()
    assert None not in issued
    entries = _all_entries(storage)
    assert len(entries) == HTTP_BADGES + DIRECT_PROCESSES * DIRECT_EACH == 20_000
    assert len({(list_id, idx) for _, list_id, idx in entries}) == 20_000  # all distinct
    by_id = {cid: idx for cid, _, idx in entries}
    assert all(by_id[cid] == idx for cid, idx in issued)  # what the badges carry
    registry = SQLStatusRegistry(open_database(storage), name=PREFIX)
    registry.check_integrity()
    assert sum(s.used for s in registry.lists()) == 20_000
    # Random, not in issue order: the first badges' indexes are spread over the list.
    first = sorted(idx for _, idx in issued[:100])
    assert first[-1] - first[0] > registry.list_size // 4


_HOLDS = """
import sys, time
from openmicrocred.status.registry import SQLStatusRegistry
from openmicrocred.storage import open_database
registry = SQLStatusRegistry(open_database(sys.argv[1]), name=sys.argv[2])
registry.allocate("urn:acknowledged", ["revocation"])
print("acknowledged", flush=True)
with registry.database.transaction() as tx:
    registry._allocate_one(tx, "urn:in-flight", "revocation", None, None)
    print("inside", flush=True)
    time.sleep(120)
"""


def test_sigkill_mid_transaction_loses_nothing_acknowledged(storage: str, tmp_path: Path) -> None:
    SQLStatusRegistry(open_database(storage), base_url="http://omc.test/status", name=PREFIX)
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLDS, storage, PREFIX], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "acknowledged"
    assert child.stdout.readline().strip() == "inside"  # holding the list's row lock
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    registry = SQLStatusRegistry(open_database(storage), name=PREFIX)
    # The server rolls the dead connection's transaction back and frees its locks: the
    # next allocation on the same list goes through.
    assert registry.allocate("urn:after", ["revocation"])
    assert registry.entries("urn:acknowledged")
    assert registry.entries("urn:in-flight") == []
    registry.check_integrity()
    assert [e.credential_id for e in registry.audit()] == ["urn:acknowledged", "urn:after"]


def test_sigkill_of_a_service_worker_under_load(storage: str, tmp_path: Path) -> None:
    instance = Instance(tmp_path / "data", storage, workers=4)
    try:
        auth = _token(instance, storage)
        results: list[Any] = []
        stop = threading.Event()

        def keep_issuing() -> None:
            with httpx.Client(base_url=instance.base, timeout=60) as http:
                while not stop.is_set():
                    results.append(_issue(http, instance.issuer, auth))

        threads = [threading.Thread(target=keep_issuing) for _ in range(6)]
        for t in threads:
            t.start()
        while len(results) < 60:
            time.sleep(0.05)
        victim = instance.workers()[0]
        os.kill(victim, signal.SIGKILL)  # with requests in flight on it
        settled = len(results) + 60
        while len(results) < settled:
            time.sleep(0.05)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        instance.stop()
    acknowledged = [r for r in results if r is not None]
    print(f"{len(results)} requests, {len(acknowledged)} acknowledged")  # for the docs (-s)
    assert len(acknowledged) >= 100
    entries = {cid: idx for cid, _, idx in _all_entries(storage)}
    assert all(entries.get(cid) == idx for cid, idx in acknowledged)  # none lost
    assert len(set(entries.values())) == len(entries)
    SQLStatusRegistry(open_database(storage), name=PREFIX).check_integrity()


def _revoked_in(instance: Instance, list_url: str) -> set[int]:
    path = list_url.removeprefix("http://omc.test")
    listed = httpx.get(instance.base + path, timeout=30)
    assert listed.status_code == 200, listed.text
    encoded = listed.json()["credentialSubject"]["encodedList"]
    return set(BitString.decode(encoded).set_indexes())


def test_two_instances_revoke_on_one_list_at_the_same_moment(storage: str, tmp_path: Path) -> None:
    one = Instance(tmp_path / "one" / "data", storage, workers=1)
    try:
        (tmp_path / "two" / "data").mkdir(parents=True)
        shutil.copy(one.data / "issuer-key.pem", tmp_path / "two" / "data" / "issuer-key.pem")
        two = Instance(tmp_path / "two" / "data", storage, workers=1)
        try:
            _revoke_together(one, two, storage)
        finally:
            two.stop()
    finally:
        one.stop()


def _revoke_together(one: Instance, two: Instance, storage: str) -> None:
    assert one.issuer == two.issuer
    auth = _token(one, storage)
    badges = []
    for _ in range(2):
        answer = httpx.post(
            one.base + "/credentials/issue",
            json={"credential": _badge(one.issuer)},
            headers=auth,
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        badges.append(answer.json()["verifiableCredential"])
    entries = [b["credentialStatus"] for b in badges]
    assert entries[0]["statusListCredential"] == entries[1]["statusListCredential"]
    list_url = entries[0]["statusListCredential"]
    gate = threading.Barrier(2)

    def revoke(instance: Instance, badge: dict[str, Any]) -> int:
        change = {"credentialId": badge["id"], "credentialStatus": [{"status": "revoked"}]}
        with httpx.Client(base_url=instance.base, timeout=30) as http:
            http.get("/")  # connected before the gate opens
            gate.wait()
            return http.post("/credentials/status", json=change, headers=auth).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = list(pool.map(revoke, [one, two], badges))
    assert codes == [200, 200]
    both = {int(e["statusListIndex"]) for e in entries}
    assert _revoked_in(one, list_url) == both
    assert _revoked_in(two, list_url) == both
    for instance, badge in [(one, badges[1]), (two, badges[0])]:
        checked = httpx.post(
            instance.base + "/credentials/verify", json={"verifiableCredential": badge}, timeout=30
        )
        assert checked.json()["report"]["verdict"] == "revoked"
