"""Key rotation for did:web issuers (issue 16): a badge signed before a rotation and one
after both verify, the did:web document resolved over real HTTPS on 127.0.0.1; after the old
key is removed (a compromise), the old badge is reported as "key no longer published", not as
forged. Then the same story through the service and ``openmicrocred keys``."""

from __future__ import annotations

import json
import ssl
import stat
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from httpserver import Route, Server, serve
from openmicrocred import Ed25519Key
from openmicrocred.cli import main
from openmicrocred.did.keyring import KEYRING_FILE, KeyRing, remove_key, rotate
from openmicrocred.did.web import did_web_document
from openmicrocred.errors import InputError
from openmicrocred.fetch import Fetcher, FetchPolicy
from openmicrocred.issuance import issue
from openmicrocred.service import create_app
from openmicrocred.service.settings import load_settings_file
from openmicrocred.verification import Verdict, Verifier
from serving import free_port, running

from conftest import SPEC, load

NOW = datetime(2026, 6, 1, tzinfo=UTC)
BEFORE = datetime(2026, 1, 15, tzinfo=UTC)
AFTER = datetime(2026, 3, 1, tzinfo=UTC)


def _badge(issuer: str) -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = issuer
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"
    return credential


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Server]:
    (tmp_path / "tls").mkdir()
    with serve(tmp_path / "tls") as server:
        yield server


def _did(server: Server) -> str:
    return "did:web:" + server.base.removeprefix("https://").replace(":", "%3A")


def _publish(server: Server, document: dict[str, Any]) -> None:
    server.routes["/.well-known/did.json"] = Route(json.dumps(document).encode())


def _verify(server: Server, document: Any) -> Any:
    """A fresh verifier (no cached DID document) that resolves did:web over TLS."""
    assert server.ca_file is not None
    client = httpx.Client(verify=ssl.create_default_context(cafile=str(server.ca_file)))
    policy = FetchPolicy(allow_loopback=True, timeout=5.0, cache_ttl=0)
    with client:
        return Verifier(fetcher=Fetcher(client, policy), clock=lambda: NOW).verify(document)


def test_badges_before_and_after_a_rotation_verify_and_a_removed_key_is_not_forgery(
    site: Server, tmp_path: Path
) -> None:
    did = _did(site)
    ring_dir = tmp_path / "issuer"
    ring_dir.mkdir()
    old_key = Ed25519Key.generate()
    old_key.save(ring_dir / "issuer-key.pem")
    # before: one key, published as #key-1 (the service's and `keygen --did-web`'s default)
    _publish(site, did_web_document(did, [old_key.public_key], fragments=["key-1"]))
    old_badge = issue(_badge(did), old_key, verification_method=f"{did}#key-1", created=BEFORE)
    old_jwt = issue(_badge(did), old_key, format="jwt", verification_method=f"{did}#key-1")
    assert _verify(site, old_badge).verdict is Verdict.VERIFIED

    ring = rotate(ring_dir, controller=did, now=AFTER)
    assert [k.id for k in ring.keys] == ["key-1", "key-2"]
    assert ring.active == "key-2"
    assert ring.keys[0].public_key == old_key.public_key
    document = ring.did_document()
    assert document["assertionMethod"] == [f"{did}#key-1", f"{did}#key-2"]
    _publish(site, document)
    new_key = ring.signing_key(ring_dir)
    assert new_key.public_key != old_key.public_key
    assert stat.S_IMODE((ring_dir / "key-2.pem").stat().st_mode) == 0o600
    new_badge = issue(
        _badge(did), new_key, verification_method=ring.verification_method, created=AFTER
    )
    for badge in (old_badge, old_jwt, new_badge):
        report = _verify(site, badge)
        assert report.verdict is Verdict.VERIFIED, report.checks
    assert new_badge["proof"]["verificationMethod"] == f"{did}#key-2"

    # key-1 is compromised: no longer published, its private key file deleted
    ring = remove_key(ring_dir, "key-1", now=NOW)
    assert not (ring_dir / "issuer-key.pem").exists()
    assert [r.id for r in ring.removed] == ["key-1"]
    _publish(site, ring.did_document())
    for badge in (old_badge, old_jwt):
        report = _verify(site, badge)
        assert report.verdict is Verdict.UNVERIFIABLE, report.checks
        check = report.check("proof")
        assert check.code == "key_not_published"
        assert "no longer" in check.message
    assert _verify(site, new_badge).verdict is Verdict.VERIFIED
    # a badge altered after signing is still told apart: tampered, not "key removed"
    forged = json.loads(json.dumps(new_badge))
    forged["credentialSubject"]["achievement"]["name"] = "Something else"
    assert _verify(site, forged).verdict is Verdict.TAMPERED


def test_the_key_ring_refuses_what_would_break_it(tmp_path: Path) -> None:
    did = "did:web:kmutt.example"
    Ed25519Key.generate().save(tmp_path / "issuer-key.pem")
    with pytest.raises(InputError, match="give the issuer's did:web"):
        rotate(tmp_path)
    rotate(tmp_path, controller=did)
    with pytest.raises(InputError, match="is the active signing key; run `keys rotate` first"):
        remove_key(tmp_path, "key-2")
    with pytest.raises(InputError, match=r"is for did:web:kmutt\.example, not did:web:other"):
        rotate(tmp_path, controller="did:web:other")
    remove_key(tmp_path, "key-1")
    with pytest.raises(InputError, match="'key-1' is \\(or was\\) in use"):
        rotate(tmp_path, new_id="key-1")
    with pytest.raises(InputError, match="no published key 'key-1'"):
        remove_key(tmp_path, "key-1")
    assert [k.id for k in rotate(tmp_path).keys] == ["key-2", "key-3"]
    # a ring whose file does not hold the published key, or a hand-edited ring, is refused
    (tmp_path / "key-3.pem").unlink()
    Ed25519Key.generate().save(tmp_path / "key-3.pem")
    with pytest.raises(InputError, match="does not hold the key published as 'key-3'"):
        KeyRing.load(tmp_path).signing_key(tmp_path)
    raw = json.loads((tmp_path / KEYRING_FILE).read_text(encoding="utf-8"))
    raw["active"] = "key-9"
    (tmp_path / KEYRING_FILE).write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(InputError, match="active: 'key-9' is not a published key"):
        KeyRing.load(tmp_path)
    raw["keys"][0]["file"] = "../elsewhere.pem"
    (tmp_path / KEYRING_FILE).write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(InputError, match=r"keys\.0\.file"):
        KeyRing.load(tmp_path)


# ----------------------------------------------------------- the service and the commands


class _Service:
    """The service on 127.0.0.1 with an issuing client."""

    def __init__(self, base: str, state: Any) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        client, secret = state.clients.add(["issue"], name="rotation-test")
        token = self.http.post(
            "/oauth2/token", data={"grant_type": "client_credentials"}, auth=(client.id, secret)
        ).json()["access_token"]
        self.headers = {"Authorization": f"Bearer {token}"}

    def issue(self, issuer: str) -> dict[str, Any]:
        answer = self.http.post(
            "/credentials/issue", json={"credential": _badge(issuer)}, headers=self.headers
        )
        assert answer.status_code == 201, answer.text
        signed: dict[str, Any] = answer.json()["verifiableCredential"]
        return signed

    def verify(self, credential: dict[str, Any]) -> dict[str, Any]:
        answer = self.http.post("/credentials/verify", json={"verifiableCredential": credential})
        report: dict[str, Any] = answer.json()["report"]
        assert answer.status_code == (200 if report["verified"] else 400), answer.text
        return report


def _run_service(folder: Path, port: int) -> Any:
    settings_file = folder / "service.toml"
    settings_file.write_text(
        f'base_url = "http://127.0.0.1:{port}"\ndata_dir = "data"\n'
        f'issuer_id = "did:web:127.0.0.1%3A{port}"\n',
        encoding="utf-8",
    )
    return create_app(load_settings_file(settings_file))


def _proof_code(report: dict[str, Any]) -> str:
    return str(next(c["code"] for c in report["checks"] if c["name"] == "proof"))


def test_the_service_serves_the_rotated_document_and_keeps_old_badges_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    did = f"did:web:127.0.0.1%3A{port}"
    app = _run_service(tmp_path, port)
    with running(app, port):
        service = _Service(f"http://127.0.0.1:{port}", app.state.service)
        old = service.issue(did)
        assert old["proof"]["verificationMethod"] == f"{did}#key-1"
        service.http.close()

    data = str(tmp_path / "data")
    assert main(["keys", "rotate", "--dir", data, "--did", did]) == 0
    printed = capsys.readouterr().out
    assert f"new signing key:      {did}#key-2" in printed
    assert (tmp_path / "data" / "did.json").is_file()

    app = _run_service(tmp_path, port)  # every worker restarts after a rotation
    with running(app, port):
        service = _Service(f"http://127.0.0.1:{port}", app.state.service)
        document = service.http.get("/.well-known/did.json").json()
        assert document["assertionMethod"] == [f"{did}#key-1", f"{did}#key-2"]
        new = service.issue(did)
        assert new["proof"]["verificationMethod"] == f"{did}#key-2"
        assert service.verify(old)["verdict"] == "verified"
        assert service.verify(new)["verdict"] == "verified"
        service.http.close()

    assert main(["keys", "remove", "key-1", "--dir", data]) == 0
    assert "key_not_published" in capsys.readouterr().out
    assert main(["keys", "remove", "key-2", "--dir", data]) == 2
    assert "run `keys rotate` first" in capsys.readouterr().err

    app = _run_service(tmp_path, port)
    with running(app, port):
        service = _Service(f"http://127.0.0.1:{port}", app.state.service)
        document = service.http.get("/.well-known/did.json").json()
        assert document["assertionMethod"] == [f"{did}#key-2"]
        report = service.verify(old)
        assert report["verdict"] == "unverifiable"
        assert _proof_code(report) == "key_not_published"
        # the status lists were signed again with key-2 when the service restarted after the
        # rotation, so removing key-1 leaves the new badge's status check intact
        assert service.verify(new)["verdict"] == "verified"
        status_list = service.http.get(new["credentialStatus"]["statusListCredential"]).json()
        assert status_list["proof"]["verificationMethod"] == f"{did}#key-2"
        service.http.close()

    assert main(["keys", "list", "--dir", data]) == 0
    listing = capsys.readouterr().out
    assert "key-2" in listing
    assert "removed" in listing
