"""Every store on both backends: SQLite (the embedded default) and PostgreSQL (a real server
from ``$OPENMICROCRED_TEST_POSTGRES``; see tests/pgtest.py). Schema migrations from an empty
database and from a file the previous release wrote."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmicrocred.errors import StatusListError
from openmicrocred.keys import Ed25519Key
from openmicrocred.service import Settings, create_app
from openmicrocred.service.clients import ClientStore
from openmicrocred.service.state import registry_prefix
from openmicrocred.status.publish import publish_stored
from openmicrocred.status.registry import SQLiteStatusRegistry, SQLStatusRegistry
from openmicrocred.storage import CredentialStore, StorageError, open_database
from openmicrocred.storage.backend import Database, redact
from openmicrocred.storage.offers import DeliveryError, OfferStore
from pgtest import BACKENDS, storage_url

from conftest import SPEC, load

BASE = "https://issuer.example/status"


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with storage_url(request.param, tmp_path) as found:
        yield found


@pytest.fixture
def db(url: str) -> Iterator[Database]:
    database = open_database(url)
    try:
        yield database
    finally:
        database.close()


# ---------------------------------------------------------------------------- URLs, schema


def test_storage_urls_are_checked_and_passwords_never_shown(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="unknown storage URL scheme 'mysql'") as caught:
        open_database("mysql://root:hunter2@db.example/x")
    assert "hunter2" not in str(caught.value)
    with pytest.raises(StorageError, match="names a local file"):
        open_database("sqlite://otherhost/x.sqlite")
    with pytest.raises(StorageError, match="needs a file path"):
        open_database("sqlite:///")
    assert redact("postgresql://u:secret@h:5432/d") == "postgresql://u:***@h:5432/d"
    made = open_database(f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert made.dialect == "sqlite"
    assert (tmp_path / "a.sqlite").stat().st_mode & 0o077 == 0


def test_an_unreachable_server_is_a_clear_error() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StorageError, match=r"cannot connect to postgresql://u:\*\*\*@") as caught:
        open_database("postgresql://u:topsecret@127.0.0.1:1/none?connect_timeout=2")
    assert "topsecret" not in str(caught.value)


def test_migrations_from_empty_are_recorded_and_idempotent(db: Database) -> None:
    SQLStatusRegistry(db, base_url=BASE, name="a_")
    CredentialStore(db)
    ClientStore(db)
    OfferStore(db)
    with db.read() as tx:
        versions = dict(tx.all("SELECT component, version FROM schema_version"))
    assert versions == {"a_status": 3, "credentials": 1, "clients": 1, "offers": 1}
    again = SQLStatusRegistry(db, name="a_")  # opens, migrates nothing, keeps base_url
    assert again.base_url == BASE
    with db.read() as tx:
        assert dict(tx.all("SELECT component, version FROM schema_version")) == versions


def test_a_newer_schema_is_refused(db: Database) -> None:
    CredentialStore(db)
    db.run(lambda tx: tx.execute("UPDATE schema_version SET version = 9"))
    with pytest.raises(StorageError, match="version 9; this openmicrocred knows versions up to 1"):
        CredentialStore(db)


# The registry schema of the previous release (before list versions, the audit actor, the
# published lists and multi-bit message lists), as it created its file.
_OLD_REGISTRY = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE lists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose TEXT NOT NULL,
    seq INTEGER NOT NULL,
    url TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    UNIQUE (purpose, seq)
);
CREATE TABLE entries (
    credential_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    list_id INTEGER NOT NULL REFERENCES lists(id),
    idx INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    allocated_at TEXT NOT NULL,
    PRIMARY KEY (credential_id, purpose),
    UNIQUE (list_id, idx)
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    credential_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    action TEXT NOT NULL,
    at TEXT NOT NULL
);
INSERT INTO meta VALUES ('base_url', 'https://issuer.example/status'), ('list_size', '131072'),
    ('schema_version', '1');
INSERT INTO lists (purpose, seq, url, file_name, size, used) VALUES
    ('revocation', 1, 'https://issuer.example/status/revocation-1.json', 'revocation-1.json',
     131072, 2);
INSERT INTO entries VALUES ('urn:old:1', 'revocation', 1, 4242, 1, '2025-01-01T00:00:00Z'),
    ('urn:old:2', 'revocation', 1, 77, 0, '2025-01-01T00:00:00Z');
INSERT INTO events (credential_id, purpose, action, at) VALUES
    ('urn:old:1', 'revocation', 'allocate', '2025-01-01T00:00:00Z'),
    ('urn:old:2', 'revocation', 'allocate', '2025-01-01T00:00:00Z'),
    ('urn:old:1', 'revocation', 'revoke', '2025-02-01T00:00:00Z')
"""


def test_a_registry_file_of_the_previous_release_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "status.sqlite"
    with sqlite3.connect(path) as old:
        old.executescript(_OLD_REGISTRY)
    registry = SQLiteStatusRegistry(path)
    assert registry.base_url == BASE
    [revoked] = registry.entries("urn:old:1")
    assert (revoked.index, revoked.set) == (4242, True)
    assert registry.entries("urn:old:2")[0].index == 77
    assert [e.action for e in registry.audit("urn:old:1")] == ["allocate", "revoke"]
    [listed] = registry.lists()
    assert (listed.version, listed.status_size, listed.used) == (0, 1, 2)
    registry.revoke("urn:old:2", actor="migration test")
    assert registry.lists()[0].version == 1
    assert registry.audit("urn:old:2")[-1].actor == "migration test"
    new = registry.allocate("urn:new:1", ["revocation", "suspension"])
    assert new[0].list_url == listed.url
    assert new[0].index not in {4242, 77}
    assert registry.bitstring(listed.url).get(4242)
    assert registry.bitstring(listed.url).get(77)
    registry.check_integrity()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone() == (3,)


# ------------------------------------------------------------------------------ registry


def test_registry_allocates_changes_audits_and_publishes(db: Database) -> None:
    registry = SQLStatusRegistry(db, base_url=BASE, name=registry_prefix("main-issuer"))
    entries = [registry.allocate(f"urn:uuid:{n}", actor="tests") for n in range(200)]
    indexes = [(e.list_url, e.index) for pair in entries for e in pair]
    assert len(set(indexes)) == 400
    assert registry.allocate("urn:uuid:7") == entries[7]  # idempotent
    key = Ed25519Key.generate()
    kept = publish_stored(registry, key, issuer=key.did)
    assert {k.version for k in kept} == {0}
    assert registry.stale() == []
    revocation = entries[3][0].list_url
    registry.revoke("urn:uuid:3", actor="registrar")
    registry.suspend("urn:uuid:4")
    registry.reinstate("urn:uuid:4")
    with pytest.raises(StatusListError, match="permanent"):
        registry._set("urn:uuid:3", "revocation", 0, "unrevoke")
    assert [s.url for s in registry.stale()] == sorted(e.list_url for e in entries[0])
    before = registry.published(revocation)
    assert before is not None
    [*_, _again] = publish_stored(registry, key, issuer=key.did)
    now = registry.published(revocation)
    assert now is not None
    assert now.version == 1
    assert now.etag != before.etag
    assert registry.snapshot(revocation)[1].get(entries[3][0].index)
    # A publisher that signed an older snapshot never overwrites a newer list.
    registry.store_published(revocation, 0, "application/vc+ld+json", b"old")
    assert registry.published(revocation) == now
    audit = registry.audit("urn:uuid:3")
    assert [(e.action, e.actor) for e in audit][-1] == ("revoke", "registrar")
    assert [e.action for e in registry.audit("urn:uuid:4")][-2:] == ["suspend", "reinstate"]
    registry.check_integrity()


def test_two_registries_share_one_database(db: Database) -> None:
    one = SQLStatusRegistry(db, base_url=BASE, name=registry_prefix("default"))
    two = SQLStatusRegistry(db, base_url=BASE + "/two", name=registry_prefix("two"))
    one.allocate("urn:x")
    assert two.entries("urn:x") == []
    assert two.allocate("urn:x")[0].list_url.startswith(BASE + "/two/")
    long = registry_prefix("a-very-long-issuer-name-that-goes-on-and-on-for-ever")
    assert len(long) < 40
    SQLStatusRegistry(db, base_url=BASE + "/3", name=long).allocate("urn:y")


# ------------------------------------------------------------------------ other stores


def test_credential_store(db: Database) -> None:
    store = CredentialStore(db)
    store.put("urn:a", {"id": "urn:a", "name": "Ünïcode"}, issuer="did:x", subject="did:s")
    store.put("urn:b", "eyJhbGciOiJFZERTQSJ9.e30.sig", issuer="did:x", subject="did:s")
    store.put("urn:a", {"id": "urn:a", "v": 2}, issuer="did:x", subject="did:s")
    found = store.get("urn:a")
    assert found is not None
    assert found.carrier == {"id": "urn:a", "v": 2}
    assert store.get("urn:none") is None
    assert [c.id for c in store.for_subject("did:s")] == ["urn:b", "urn:a"]  # a replaced last
    assert {c.carrier for c in store.for_subject("did:s") if isinstance(c.carrier, str)} == {
        "eyJhbGciOiJFZERTQSJ9.e30.sig"
    }
    assert len(store) == 2


def test_client_store(db: Database) -> None:
    now = [1000.0]
    store = ClientStore(db, clock=lambda: now[0])
    client, secret = store.add(["issue", "status"], name="registrar")
    assert store.authenticate(client.id, secret) == client
    assert store.authenticate(client.id, secret + "x") is None
    assert store.authenticate("omc-nobody", secret) is None
    token = store.issue_token(client, ["issue"], ttl=60)
    grant = store.grant(token)
    assert grant is not None
    assert grant.scopes == {"issue"}
    now[0] += 61
    assert store.grant(token) is None
    token = store.issue_token(client, ["status"], ttl=60)
    assert store.revoke(client.id)
    assert not store.revoke("omc-nobody")
    assert store.grant(token) is None
    assert store.authenticate(client.id, secret) is None
    assert [c.active for c in store.clients()] == [False]


def test_offer_store_oid4vci_and_exchange(db: Database) -> None:
    now = [5000.0]
    store = OfferStore(db, clock=lambda: now[0])
    first = store.create_offer("urn:badge", "did:x", ttl_s=600, tx_code="1234")
    now[0] += 1
    offer = store.create_offer("urn:badge", "did:x", ttl_s=600, tx_code="1234")
    assert [o.state for o in store.offers_for("urn:badge")] == ["closed", "open"]
    with pytest.raises(DeliveryError, match="unknown, used already or expired"):
        store.redeem_code(first.pre_code, "1234", token_ttl_s=60)
    with pytest.raises(DeliveryError) as wrong:
        store.redeem_code(offer.pre_code, "0000", token_ttl_s=60)
    assert wrong.value.code == "invalid_grant"
    assert store.offer(offer.id).tx_failures == 1  # type: ignore[union-attr]
    token = store.redeem_code(offer.pre_code, "1234", token_ttl_s=60)
    record = store.token(token)
    assert record is not None
    assert record.offer.id == offer.id
    nonce = store.new_nonce(ttl_s=60)
    assert store.nonce_is_live(nonce)

    def fails(_: Any) -> str:
        raise RuntimeError("signing failed")

    with pytest.raises(RuntimeError):
        store.deliver_with_token(token, nonce, "did:holder", fails)
    assert store.nonce_is_live(nonce)
    assert store.token(token) is not None
    assert store.deliver_with_token(token, nonce, "did:holder", lambda o: o.badge_id) == (
        "urn:badge"
    )
    with pytest.raises(DeliveryError) as replay:
        store.deliver_with_token(token, None, "did:holder", lambda o: o.badge_id)
    assert replay.value.code == "invalid_token"
    done = store.offer(offer.id)
    assert done is not None
    assert (done.state, done.holder, done.channel) == (
        "delivered",
        "did:holder",
        "oid4vci",
    )
    other = store.create_offer("urn:badge2", "did:x", ttl_s=600)
    assert other.exchange_id is not None
    exchange = store.exchange(other.exchange_id)
    assert exchange is not None
    assert exchange.state == "pending"
    challenge = store.new_challenge(other.exchange_id, ttl_s=60)
    with pytest.raises(DeliveryError):
        store.deliver_with_exchange(other.exchange_id, "not-it", "did:h", lambda o: o.id)
    assert store.deliver_with_exchange(other.exchange_id, challenge, "did:h", lambda o: o.id)
    with pytest.raises(DeliveryError):
        store.new_challenge(other.exchange_id, ttl_s=60)
    now[0] += 700
    late = store.create_offer("urn:badge3", "did:x", ttl_s=10)
    now[0] += 11
    assert not store.is_live(late)


# --------------------------------------------------------------------- the whole service


def test_the_service_on_one_storage_url(url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", storage=url, base_url="http://svc.test")
    app = create_app(settings)
    state = app.state.service
    client, secret = state.clients.add(["issue", "status"])
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = state.issuer_id
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"

    async def run(http: httpx.AsyncClient) -> dict[str, Any]:
        login = {"grant_type": "client_credentials"}
        token = (await http.post("/oauth2/token", data=login, auth=(client.id, secret))).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        body = {"credential": credential}
        issued = await http.post("/credentials/issue", json=body, headers=auth)
        assert issued.status_code == 201, issued.text
        vc: dict[str, Any] = issued.json()["verifiableCredential"]
        change = {"credentialId": vc["id"], "credentialStatus": [{"status": "revoked"}]}
        assert (await http.post("/credentials/status", json=change, headers=auth)).is_success
        checked = await http.post("/credentials/verify", json={"verifiableCredential": vc})
        assert checked.json()["report"]["verdict"] == "revoked"
        return vc

    async def main() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as http:
            return await run(http)

    try:
        vc = asyncio.run(main())
    finally:
        state.close()
    # Nothing but the key went into the data directory's databases.
    assert not (tmp_path / "data" / "status.sqlite").exists()
    assert not (tmp_path / "data" / "clients.sqlite").exists()
    again = open_database(url)
    assert CredentialStore(again).get(vc["id"]) is not None
    assert SQLStatusRegistry(again, name=registry_prefix("default")).entries(vc["id"])[0].set


def test_settings_and_command_line_take_a_storage_url(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pydantic import ValidationError

    from openmicrocred.cli import main

    with pytest.raises(ValidationError):
        Settings(storage="mysql://root:pw@db/x")
    assert main(["clients", "add", "--storage", url, "--scope", "issue", "--json"]) == 0
    capsys.readouterr()
    assert main(["clients", "list", "--storage", url]) == 0
    assert "scope=issue" in capsys.readouterr().out
    assert [c.scopes for c in ClientStore(url).clients()] == [("issue",)]
    bad = "postgresql://u:hunter2@127.0.0.1:1/none?connect_timeout=2"
    assert main(["clients", "list", "--storage", bad]) == 2
    assert "hunter2" not in capsys.readouterr().err
