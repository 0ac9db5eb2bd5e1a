"""Multi-bit ``message`` status entries (Bitstring Status List v1.0 2.1: ``statusSize``,
``statusMessage``, ``statusReference``), issuer side and verifier side."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from openmicrocred.errors import StatusListError
from openmicrocred.fetch import Fetcher
from openmicrocred.keys import Ed25519Key
from openmicrocred.status import (
    BitString,
    SQLiteStatusRegistry,
    StatusMessages,
    publish,
)
from openmicrocred.suites import add_proof
from openmicrocred.verification import CheckCode, Verdict, Verifier

BASE = "https://kmutt.example/status"
SCHEME = StatusMessages(
    ("awarded", "under appeal", "superseded", "withdrawn"),
    ("https://kmutt.example/status-codes",),
)


# The codec ----------------------------------------------------------------------------------


def test_multi_bit_values_are_read_most_significant_bit_first() -> None:
    bits = BitString(64, allow_small=True)
    bits.set_value(0, 3, 0b101)
    bits.set_value(2, 3, 0b011)  # bits 6..8: crosses from byte 0 into byte 1
    assert [bits.get(i) for i in range(9)] == [1, 0, 1, 0, 0, 0, 0, 1, 1]
    assert bits.get_value(0, 3) == 5
    assert bits.get_value(1, 3) == 0
    assert bits.get_value(2, 3) == 3
    bits.set_value(2, 3, 0)
    assert bits.set_indexes() == [0, 2]
    with pytest.raises(ValueError, match=r"0\.\.7"):
        bits.set_value(0, 3, 8)
    with pytest.raises(IndexError):
        bits.get_value(21, 3)  # bits 63..65: past the end


@pytest.mark.parametrize("count", [0, 1, 3, 5, 6, 512])
def test_a_message_scheme_has_one_message_per_value(count: int) -> None:
    with pytest.raises(ValueError, match="2, 4, 8"):
        StatusMessages(tuple(f"m{i}" for i in range(count)))


def test_a_message_scheme_refuses_empty_messages_and_odd_references() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        StatusMessages(("ok", ""))
    with pytest.raises(ValueError, match="http"):
        StatusMessages(("ok", "bad"), ("ftp://example.org/codes",))


def test_a_message_scheme_as_json() -> None:
    assert SCHEME.size == 2
    assert SCHEME.to_json() == [
        {"status": "0x0", "message": "awarded"},
        {"status": "0x1", "message": "under appeal"},
        {"status": "0x2", "message": "superseded"},
        {"status": "0x3", "message": "withdrawn"},
    ]
    assert StatusMessages.loads(SCHEME.dumps()) == SCHEME


# The registry -------------------------------------------------------------------------------


def test_a_message_entry_says_its_size_messages_and_reference(tmp_path: Path) -> None:
    registry = SQLiteStatusRegistry(tmp_path / "r.db", base_url=BASE)
    entries = registry.allocate("urn:uuid:1", ["revocation", "message"], messages=SCHEME)
    assert [e.purpose for e in entries] == ["revocation", "message"]  # the order asked for
    revocation, message = (e.to_json() for e in entries)
    assert "statusSize" not in revocation
    assert message["statusPurpose"] == "message"
    assert message["statusSize"] == 2
    assert message["statusMessage"] == SCHEME.to_json()
    assert message["statusReference"] == "https://kmutt.example/status-codes"
    assert message["statusListCredential"] == f"{BASE}/message-1.json"
    # again: the same entries, in the new order asked for
    again = registry.allocate("urn:uuid:1", ["message", "revocation"], messages=SCHEME)
    assert [e.to_json() for e in again] == [message, revocation]


def test_set_message_writes_the_value_into_the_bitstring(tmp_path: Path) -> None:
    registry = SQLiteStatusRegistry(tmp_path / "r.db", base_url=BASE)
    (entry,) = registry.allocate("urn:uuid:1", ["message"], messages=SCHEME)
    changed = registry.set_message("urn:uuid:1", 2)
    assert (changed.value, changed.set) == (2, True)
    (listed,) = registry.lists()
    assert (listed.status_size, listed.size) == (2, registry.list_size)
    bits = registry.bitstring(entry.list_url)
    assert bits.size == 2 * registry.list_size
    assert bits.get_value(entry.index, 2) == 2
    assert registry.history("urn:uuid:1")[-1][:2] == ("message", "message 0x2")
    with pytest.raises(StatusListError, match=r"0x0\.\.0x3"):
        registry.set_message("urn:uuid:1", 4)
    assert registry.bitstring(entry.list_url).get_value(entry.index, 2) == 2  # unchanged


def test_message_purpose_needs_a_scheme_and_schemes_keep_their_own_lists(
    tmp_path: Path,
) -> None:
    registry = SQLiteStatusRegistry(tmp_path / "r.db", base_url=BASE)
    with pytest.raises(ValueError, match="messages="):
        registry.allocate("urn:uuid:1", ["message"])
    other = StatusMessages(("fine", "not fine"))
    a = registry.allocate("urn:uuid:a", ["message"], messages=SCHEME)[0]
    b = registry.allocate("urn:uuid:b", ["message"], messages=other)[0]
    c = registry.allocate("urn:uuid:c", ["message"], messages=SCHEME)[0]
    assert a.list_url == c.list_url != b.list_url
    assert {s.status_size for s in registry.lists()} == {1, 2}
    registry.allocate("urn:uuid:d", ["revocation"])
    with pytest.raises(StatusListError, match="no message entry"):
        registry.set_message("urn:uuid:d", 1)


def test_a_registry_made_before_message_lists_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    registry = SQLiteStatusRegistry(path, base_url=BASE)
    registry.allocate("urn:uuid:old", ["revocation"])
    registry.revoke("urn:uuid:old")
    registry.close()
    with sqlite3.connect(path) as db:  # what the schema was
        db.execute("ALTER TABLE lists DROP COLUMN messages")
        db.execute("ALTER TABLE lists DROP COLUMN status_size")
    reopened = SQLiteStatusRegistry(path)
    (old,) = reopened.entries("urn:uuid:old")
    assert (old.set, reopened.lists()[0].status_size) == (True, 1)
    assert reopened.bitstring(old.list_url).get(old.index)
    assert reopened.allocate("urn:uuid:new", ["message"], messages=SCHEME)[0].messages == SCHEME


# The verifier -------------------------------------------------------------------------------


class _Issuer:
    def __init__(self, tmp_path: Path) -> None:
        self.key = Ed25519Key.from_seed(bytes(range(32)))
        self.registry = SQLiteStatusRegistry(tmp_path / "r.db", base_url=BASE)
        self.out = tmp_path / "published"

    def issue(self, credential_id: str, edit: Any = None) -> dict[str, Any]:
        entries = self.registry.allocate(credential_id, ["revocation", "message"], messages=SCHEME)
        status = [e.to_json() for e in entries]
        if edit is not None:
            edit(status[1])
        credential = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": credential_id,
            "type": ["VerifiableCredential"],
            "issuer": self.key.did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner"},
            "credentialStatus": status,
        }
        return add_proof(credential, self.key)

    def verify(self, credential: dict[str, Any]) -> Any:
        lists = publish(self.registry, self.out, self.key, issuer=self.key.did)
        resources = {item.url: item.path.read_bytes() for item in lists}
        return Verifier(fetcher=Fetcher(resources=resources)).verify(credential)


def _message_check(report: Any) -> Any:
    (check,) = [c for c in report.checks if c.path == "$.credentialStatus[1]"]
    return check


def test_a_message_status_is_read_and_never_decides_the_verdict(tmp_path: Path) -> None:
    issuer = _Issuer(tmp_path)
    badge = issuer.issue("urn:uuid:badge")
    first = issuer.verify(badge)
    assert first.verdict is Verdict.VERIFIED
    assert _message_check(first).code == CheckCode.ACTIVE
    assert "'awarded'" in _message_check(first).message
    issuer.registry.set_message("urn:uuid:badge", 2)
    second = issuer.verify(badge)
    assert second.verdict is Verdict.VERIFIED
    check = _message_check(second)
    assert (check.code, check.severity, check.blocking) == (
        CheckCode.STATUS_MESSAGE,
        "warning",
        False,
    )
    assert "0x2 ('superseded')" in check.message
    issuer.registry.revoke("urn:uuid:badge")  # the revocation entry still decides
    assert issuer.verify(badge).verdict is Verdict.REVOKED


def _drop(key: str) -> Any:
    return lambda entry: entry.pop(key)


def _set(key: str, value: Any) -> Any:
    return lambda entry: entry.__setitem__(key, value)


def _message(i: int, **item: Any) -> Any:
    return lambda entry: entry["statusMessage"].__setitem__(i, item)


@pytest.mark.parametrize(
    ("edit", "path", "words"),
    [
        (_drop("statusMessage"), "$.credentialStatus[1]", "needs statusMessage"),
        (_set("statusSize", 0), "$.credentialStatus[1].statusSize", "above 0"),
        (_set("statusSize", True), "$.credentialStatus[1].statusSize", "above 0"),
        (_set("statusSize", 3), "$.credentialStatus[1].statusMessage", "8 messages"),
        (
            _message(3, status="0x1", message="again"),
            "$.credentialStatus[1].statusMessage[3].status",
            "repeated",
        ),
        (
            _message(0, status="1", message="x"),
            "$.credentialStatus[1].statusMessage[0]",
            '"status"',
        ),
        (_message(0, status="0x0"), "$.credentialStatus[1].statusMessage[0]", '"message"'),
    ],
)
def test_a_malformed_message_entry_is_invalid_and_says_where(
    tmp_path: Path, edit: Any, path: str, words: str
) -> None:
    issuer = _Issuer(tmp_path)
    report = issuer.verify(issuer.issue("urn:uuid:bad", edit))
    assert report.verdict is Verdict.INVALID
    check = _message_check(report) if path == "$.credentialStatus[1]" else None
    (failed,) = [c for c in report.checks if c.code == CheckCode.INVALID_STATUS_ENTRY]
    assert failed.path == path
    assert words in failed.message
    assert check is None or check is failed


def test_a_status_wider_than_we_read_is_unverifiable_not_invalid(tmp_path: Path) -> None:
    issuer = _Issuer(tmp_path)
    report = issuer.verify(issuer.issue("urn:uuid:wide", _set("statusSize", 9)))
    assert report.verdict is Verdict.UNVERIFIABLE
    (check,) = [c for c in report.checks if c.path == "$.credentialStatus[1].statusSize"]
    assert (check.status, check.code) == ("error", CheckCode.INVALID_STATUS_ENTRY)
    assert "wider than the 8 bits" in check.message


def test_published_message_list_says_message(tmp_path: Path) -> None:
    issuer = _Issuer(tmp_path)
    issuer.issue("urn:uuid:x")
    lists = publish(issuer.registry, issuer.out, issuer.key, issuer=issuer.key.did)
    (message,) = [item for item in lists if item.purpose == "message"]
    subject = json.loads(message.path.read_text())["credentialSubject"]
    assert subject["statusPurpose"] == "message"
    bits = BitString.decode(subject["encodedList"])
    assert bits.size == 2 * issuer.registry.list_size
