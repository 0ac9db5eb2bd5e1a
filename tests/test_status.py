from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpserver import Route
from openmicrocred.errors import StatusListError
from openmicrocred.fetch import Fetcher
from openmicrocred.keys import Ed25519Key
from openmicrocred.status import (
    MIN_BITS,
    BitString,
    SQLiteStatusRegistry,
    publish,
    status_list_credential,
)
from openmicrocred.suites import add_proof
from openmicrocred.verification import StatusChecker, Verdict, Verifier

from conftest import SPEC, VECTORS, load

VECTOR_FILE = VECTORS / "bitstring-status-list" / "encodedList-vectors.json"


@pytest.mark.parametrize(
    "vector", json.loads(VECTOR_FILE.read_text())["vectors"], ids=lambda v: v["name"]
)
def test_encoded_list_vectors(vector: dict[str, Any]) -> None:
    bits = BitString.decode(vector["encodedList"])
    assert bits.size == vector["lengthBits"]
    assert bits.set_indexes() == vector["setIndexes"]
    for index in vector["setIndexes"]:
        assert bits.get(index)
    again = BitString.decode(bits.encode())
    assert again.set_indexes() == vector["setIndexes"]


def test_spec_example_list_credential_decodes() -> None:
    examples = json.loads((VECTORS / "bitstring-status-list" / "spec-examples.json").read_text())
    credential = next(
        e["json"]
        for e in examples
        if e["parses_as_json"] and "BitstringStatusListCredential" in e["json"].get("type", [])
    )
    bits = BitString.decode(credential["credentialSubject"]["encodedList"])
    assert bits.size == MIN_BITS
    assert bits.set_indexes() == []


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(0, MIN_BITS - 1), max_size=300))
def test_set_get_round_trip(indexes: set[int]) -> None:
    bits = BitString()
    for i in indexes:
        bits.set(i)
    decoded = BitString.decode(bits.encode())
    assert decoded.set_indexes() == sorted(indexes)
    for i in list(indexes)[:5]:
        decoded.set(i, False)
        assert not decoded.get(i)


def test_bad_lists_are_refused() -> None:
    import base64
    import gzip

    with pytest.raises(StatusListError, match="start with 'u'"):
        BitString.decode("H4sI")
    with pytest.raises(StatusListError, match="GZIP"):
        BitString.decode("u" + base64.urlsafe_b64encode(b"not gzip").decode())
    bomb = gzip.compress(bytes(1 << 25))  # 32 MiB of zeros: over the cap
    with pytest.raises(StatusListError, match="larger than"):
        BitString.decode("u" + base64.urlsafe_b64encode(bomb).decode().rstrip("="))
    with pytest.raises(ValueError, match="at least"):
        BitString(1024)
    with pytest.raises(IndexError):
        BitString().get(MIN_BITS)


# Registry -----------------------------------------------------------------------------------


def test_registry_allocates_randomly_and_idempotently(tmp_path: Path) -> None:
    registry = SQLiteStatusRegistry(tmp_path / "r.db", base_url="https://kmutt.example/status")
    first = registry.allocate("urn:uuid:1")
    assert [e.purpose for e in first] == ["revocation", "suspension"]
    assert registry.allocate("urn:uuid:1") == first
    entry = first[0].to_json()
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusListCredential"] == "https://kmutt.example/status/revocation-1.json"
    assert entry["statusListIndex"] == str(first[0].index)
    indexes = {registry.allocate(f"urn:uuid:{i}")[0].index for i in range(2, 40)}
    assert len(indexes) == 38
    assert max(indexes) > 1000  # random, not sequential
    registry.revoke("urn:uuid:1")
    with pytest.raises(StatusListError, match="permanent"):
        registry._set("urn:uuid:1", "revocation", False, "unrevoke")
    registry.suspend("urn:uuid:2")
    assert registry.reinstate("urn:uuid:2").set is False
    assert [a for _, a, _ in registry.history("urn:uuid:2")] == [
        "allocate",
        "allocate",
        "suspend",
        "reinstate",
    ]
    assert registry.bitstring(first[0].list_url).set_indexes() == [first[0].index]
    with pytest.raises(StatusListError, match="no revocation entry"):
        registry.revoke("urn:uuid:unknown")
    reopened = SQLiteStatusRegistry(tmp_path / "r.db")
    assert reopened.entries("urn:uuid:1")[0].set
    with pytest.raises(StatusListError, match="base_url"):
        SQLiteStatusRegistry(tmp_path / "new.db")


def test_a_full_list_starts_a_new_one(tmp_path: Path) -> None:
    registry = SQLiteStatusRegistry(
        tmp_path / "r.db", base_url="https://x.example/s", list_size=MIN_BITS
    )
    db = sqlite3.connect(tmp_path / "r.db")
    registry.allocate("urn:first", ["revocation"])
    # Mark the list as nearly full, with one free slot, to test the gap search and roll-over.
    db.execute("UPDATE lists SET used = size - 1")
    db.commit()
    db.close()
    registry.allocate("urn:second", ["revocation"])
    third = registry.allocate("urn:third", ["revocation"])
    assert third[0].list_url.endswith("revocation-2.json")
    assert [s.url.rsplit("/", 1)[1] for s in registry.lists()] == [
        "revocation-1.json",
        "revocation-2.json",
    ]


def _allocate_many(path: str, worker: int, count: int) -> None:
    registry = SQLiteStatusRegistry(path)
    for i in range(count):
        registry.allocate(f"urn:worker:{worker}:{i}", ["revocation"])


def test_four_processes_allocate_distinct_indexes(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    SQLiteStatusRegistry(path, base_url="https://kmutt.example/status")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_allocate_many, args=(str(path), w, 500)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(timeout=300)
        assert p.exitcode == 0
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT list_id, idx FROM entries").fetchall()
    assert len(rows) == 2000
    assert len(set(rows)) == 2000
    SQLiteStatusRegistry(path).check_integrity()


_KILL_SCRIPT = """
import sys
from openmicrocred.status import SQLiteStatusRegistry
registry = SQLiteStatusRegistry(sys.argv[1])
i = 0
while True:
    registry.allocate(f"urn:victim:{i}")
    if i % 5 == 0:
        registry.revoke(f"urn:victim:{i}")
    i += 1
    if i == 20:
        print("running", flush=True)
"""


def test_sigkill_mid_issuing_leaves_a_consistent_registry(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    SQLiteStatusRegistry(path, base_url="https://kmutt.example/status")
    process = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "running"
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    registry = SQLiteStatusRegistry(path)
    registry.check_integrity()
    before = sqlite3.connect(path).execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    assert before >= 40
    for i in range(50):
        registry.allocate(f"urn:after:{i}")
    rows = sqlite3.connect(path).execute("SELECT list_id, idx FROM entries").fetchall()
    assert len(rows) == before + 100
    assert len(set(rows)) == len(rows)
    # Every revocation that returned before the kill is still there.
    revoked = (
        sqlite3.connect(path)
        .execute("SELECT COUNT(*) FROM events WHERE action = 'revoke'")
        .fetchone()[0]
    )
    assert (
        revoked
        == sqlite3.connect(path)
        .execute("SELECT COUNT(*) FROM entries WHERE status = 1")
        .fetchone()[0]
    )


# End to end ---------------------------------------------------------------------------------


class _Issuer:
    def __init__(self, tmp_path: Path, server: Any) -> None:
        self.key = Ed25519Key.generate()
        self.server = server
        self.registry = SQLiteStatusRegistry(
            tmp_path / "registry.db", base_url=server.url("/status")
        )
        self.out = tmp_path / "published"

    def issue(self, credential_id: str) -> dict[str, Any]:
        credential = load(SPEC / "ob3-basic.unsigned.json")
        credential["id"] = credential_id
        credential["issuer"]["id"] = self.key.did
        credential["credentialStatus"] = [
            e.to_json() for e in self.registry.allocate(credential_id)
        ]
        return add_proof(credential, self.key)

    def publish(self, **options: Any) -> None:
        for item in publish(self.registry, self.out, self.key, issuer=self.key.did, **options):
            self.server.routes[item.url.removeprefix(self.server.base)] = Route(
                item.path.read_bytes(), content_type=item.media_type
            )


def _status_codes(report: Any) -> list[str]:
    return [c.code for c in report.checks if c.name == "status"]


@pytest.mark.parametrize("fmt", ["di", "jwt"])
def test_issue_revoke_suspend_reinstate_over_https(
    tmp_path: Path, https_server: Any, online_fetcher: Fetcher, fmt: str
) -> None:
    issuer = _Issuer(tmp_path, https_server)
    badge = issuer.issue("urn:uuid:badge-1")
    other = issuer.issue("urn:uuid:badge-2")
    issuer.publish(format=fmt, ttl_ms=1)

    def verify(document: dict[str, Any]) -> Any:
        return Verifier(fetcher=online_fetcher, status_checker=StatusChecker()).verify(document)

    report = verify(badge)
    assert report.verified, report.checks
    assert _status_codes(report) == ["active", "active"]

    issuer.registry.revoke("urn:uuid:badge-1")
    issuer.publish(format=fmt, ttl_ms=1)
    online_fetcher._cache.clear()
    report = verify(badge)
    assert report.verdict is Verdict.REVOKED
    assert _status_codes(report) == ["revoked", "active"]
    assert verify(other).verified  # herd: the other credential is untouched

    issuer.registry.suspend("urn:uuid:badge-2")
    issuer.publish(format=fmt)
    online_fetcher._cache.clear()
    assert verify(other).verdict is Verdict.SUSPENDED
    issuer.registry.reinstate("urn:uuid:badge-2")
    issuer.publish(format=fmt)
    online_fetcher._cache.clear()
    assert verify(other).verified


def test_unreachable_list_follows_the_policy(
    tmp_path: Path, https_server: Any, online_fetcher: Fetcher
) -> None:
    issuer = _Issuer(tmp_path, https_server)
    badge = issuer.issue("urn:uuid:badge-1")  # lists never published: 404
    failing = Verifier(fetcher=online_fetcher, status_checker=StatusChecker()).verify(badge)
    assert failing.verdict is Verdict.UNVERIFIABLE
    assert _status_codes(failing) == ["status_list_unreachable"] * 2
    warning = Verifier(
        fetcher=online_fetcher, status_checker=StatusChecker(unreachable="warn")
    ).verify(badge)
    assert warning.verified
    assert all(c.severity == "warning" for c in warning.checks if c.name == "status")


def test_list_cache_honours_ttl(tmp_path: Path, https_server: Any) -> None:
    issuer = _Issuer(tmp_path, https_server)
    badge = issuer.issue("urn:uuid:badge-1")
    issuer.publish(ttl_ms=3_600_000)
    checker = StatusChecker()
    import ssl

    import httpx

    from openmicrocred.fetch import FetchPolicy

    client = httpx.Client(verify=ssl.create_default_context(cafile=str(https_server.ca_file)))
    fetcher = Fetcher(client, FetchPolicy(allow_loopback=True, cache_ttl=0))
    verifier = Verifier(fetcher=fetcher, status_checker=checker)
    assert verifier.verify(badge).verified
    hits = len(https_server.hits)
    issuer.registry.revoke("urn:uuid:badge-1")
    issuer.publish(ttl_ms=1)
    assert verifier.verify(badge).verified  # the cached list (ttl 1 h) is still used
    assert len(https_server.hits) == hits
    fresh = Verifier(fetcher=fetcher, status_checker=StatusChecker())
    assert fresh.verify(badge).verdict is Verdict.REVOKED
    client.close()


def _resources(issuer: _Issuer, badge: dict[str, Any], mutate: Any, **publish_options: Any) -> Any:
    lists = publish(
        issuer.registry, issuer.out, issuer.key, issuer=issuer.key.did, **publish_options
    )
    resources = {}
    for item in lists:
        document = json.loads(item.path.read_text())
        if item.purpose == "revocation":
            document = mutate(document)
        resources[item.url] = json.dumps(document).encode()
    return Verifier(fetcher=Fetcher(resources=resources)).verify(badge)


@pytest.fixture
def issuer(tmp_path: Path) -> _Issuer:
    class _Server:
        base = "https://kmutt.example"

        def url(self, path: str) -> str:
            return self.base + path

    return _Issuer(tmp_path, _Server())


def test_tampered_list_fails(issuer: _Issuer) -> None:
    badge = issuer.issue("urn:uuid:badge-1")

    def clear_bits(document: dict[str, Any]) -> dict[str, Any]:
        document["credentialSubject"]["encodedList"] = BitString().encode()
        return document

    issuer.registry.revoke("urn:uuid:badge-1")
    report = _resources(issuer, badge, clear_bits)
    assert "status_list_invalid" in _status_codes(report)
    assert not report.verified


def test_list_from_another_issuer_fails(issuer: _Issuer) -> None:
    badge = issuer.issue("urn:uuid:badge-1")
    impostor = Ed25519Key.generate()

    def resign(document: dict[str, Any]) -> dict[str, Any]:
        document.pop("proof")
        document["issuer"] = impostor.did
        return add_proof(document, impostor)

    report = _resources(issuer, badge, resign)
    assert "status_list_invalid" in _status_codes(report)
    assert "not by the credential's issuer" in str(report.checks)


def test_unsigned_and_mismatched_lists_fail(issuer: _Issuer) -> None:
    badge = issuer.issue("urn:uuid:badge-1")

    def unsign(document: dict[str, Any]) -> dict[str, Any]:
        document.pop("proof")
        return document

    assert "not signed" in str(_resources(issuer, badge, unsign).checks)
    wrong_purpose = status_list_credential(
        "https://kmutt.example/status/revocation-1.json",
        "suspension",
        BitString().encode(),
        issuer=issuer.key.did,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    signed_wrong = add_proof(wrong_purpose, issuer.key)
    report = _resources(issuer, badge, lambda _: signed_wrong)
    assert "not revocation" in str(report.checks)


def test_unsupported_status_methods(issuer: _Issuer) -> None:
    credential = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = issuer.key.did
    credential["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    credential["credentialStatus"] = {
        "id": "https://kmutt.example/revocations",
        "type": "1EdTechRevocationList",
    }
    report = Verifier().verify(add_proof(credential, issuer.key))
    assert _status_codes(report) == ["unsupported_status_method"]
    assert report.verdict is Verdict.UNVERIFIABLE


def _list_with(issuer: _Issuer, **changes: Any) -> dict[str, Any]:
    document = status_list_credential(
        "https://kmutt.example/status/revocation-1.json",
        "revocation",
        BitString().encode(),
        issuer=issuer.key.did,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    document.update(changes)
    signed: dict[str, Any] = add_proof(document, issuer.key)
    return signed


def test_a_list_whose_id_differs_from_its_url_is_a_warning(issuer: _Issuer) -> None:
    # What 1EdTech's validator and the reference stack do: the list is used, with a warning.
    badge = issuer.issue("urn:uuid:badge-1")
    moved = _list_with(issuer, id="https://kmutt.example/status/old-name.json")
    report = _resources(issuer, badge, lambda _: moved)
    assert report.verified, report.checks
    warning = [c for c in report.checks if c.code == "status_list_id_mismatch"]
    assert len(warning) == 1
    assert warning[0].severity == "warning"
    assert "old-name.json" in warning[0].message


@pytest.mark.parametrize(
    ("dates", "fragment"),
    [
        ({"validFrom": "2099-01-01T00:00:00Z"}, "not valid until 2099"),
        ({"validUntil": "2026-02-01T00:00:00Z"}, "expired at 2026-02-01"),
    ],
)
def test_a_lists_own_validity_is_enforced(
    issuer: _Issuer, dates: dict[str, str], fragment: str
) -> None:
    badge = issuer.issue("urn:uuid:badge-1")
    report = _resources(issuer, badge, lambda _: _list_with(issuer, **dates))
    assert not report.verified
    assert "status_list_invalid" in _status_codes(report)
    assert fragment in str(report.checks)


@pytest.mark.parametrize("index", ["\u0665", "0_5", " 5", "5 ", "+5", "-5", "5.0", 5, "", "1" * 13])
def test_status_list_index_is_a_plain_ascii_decimal_string(issuer: _Issuer, index: Any) -> None:
    badge = issuer.issue("urn:uuid:badge-1")
    badge.pop("proof")
    for entry in badge["credentialStatus"]:
        entry["statusListIndex"] = index
    signed = add_proof(badge, issuer.key)
    report = _resources(issuer, signed, lambda d: d)
    assert report.verdict is Verdict.INVALID
    codes = _status_codes(report)
    assert codes, report.checks
    assert set(codes) == {"invalid_status_entry"}, report.checks
    assert report.check("status").path.endswith(".statusListIndex")
