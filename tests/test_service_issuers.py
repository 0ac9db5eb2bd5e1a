"""Several issuers in one service (issue 13): a settings file names them; each signs with
its own key, keeps its own status lists and, for did:web, publishes its DID document."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmicrocred import Ed25519Key
from openmicrocred.cli import main
from openmicrocred.errors import InputError
from openmicrocred.service import create_app
from openmicrocred.service.settings import load_settings_file
from openmicrocred.suites import add_proof
from serving import free_port, running

from conftest import SPEC, load


class Service:
    def __init__(self, base: str, state: Any) -> None:
        self.base, self.state = base, state
        self.http = httpx.Client(base_url=base, timeout=30)
        client, secret = state.clients.add(["issue", "status"], name="test")
        answer = self.http.post(
            "/oauth2/token", data={"grant_type": "client_credentials"}, auth=(client.id, secret)
        )
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def credential(self, issuer: str) -> dict[str, Any]:
        credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
        credential["issuer"]["id"] = issuer
        credential["id"] = f"urn:uuid:{uuid.uuid4()}"
        return credential

    def issue(self, credential: dict[str, Any], path: str = "/credentials/issue") -> httpx.Response:
        return self.http.post(path, json={"credential": credential}, headers=self.headers)

    def verify(self, credential: dict[str, Any]) -> httpx.Response:
        return self.http.post("/credentials/verify", json={"verifiableCredential": credential})


def _settings_file(folder: Path, port: int, key_file: Path) -> Path:
    path = folder / "service.toml"
    path.write_text(
        f"""
base_url = "http://127.0.0.1:{port}"
data_dir = "data"

[[issuers]]
name = "kmutt"
id = "did:web:127.0.0.1%3A{port}"
key_file = "{key_file.name}"
profile = {{ name = "KMUTT", url = "https://www.kmutt.ac.th" }}

[[issuers]]
name = "partner"
status_messages = ["awarded", "under appeal", "superseded", "withdrawn"]
status_reference = ["https://partner.example/status-codes"]
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("issuers")
    port = free_port()
    key = Ed25519Key.generate()
    key.save(folder / "kmutt.pem")
    settings = load_settings_file(_settings_file(folder, port, folder / "kmutt.pem"))
    assert settings.data_dir == folder / "data"
    app = create_app(settings)
    with running(app, port):
        served = Service(f"http://127.0.0.1:{port}", app.state.service)
        try:
            yield served
        finally:
            served.http.close()


def test_each_issuer_signs_with_its_own_key(service: Service) -> None:
    kmutt, partner = service.state.issuer("kmutt"), service.state.issuer("partner")
    assert kmutt.issuer_id.startswith("did:web:127.0.0.1%3A")
    assert kmutt.verification_method == f"{kmutt.issuer_id}#key-1"
    assert partner.issuer_id.startswith("did:key:")
    assert partner.key.did != kmutt.key.did
    for issuer, path in (
        (kmutt, "/credentials/issue"),
        (partner, "/issuers/partner/credentials/issue"),
    ):
        answer = service.issue(service.credential(issuer.issuer_id), path)
        assert answer.status_code == 201, answer.text
        signed = answer.json()["verifiableCredential"]
        assert signed["proof"]["verificationMethod"] == issuer.verification_method
        # Each issuer's status lists are its own, under its own URL.
        assert signed["credentialStatus"]["statusListCredential"].startswith(
            issuer.registry.base_url + "/"
        )
        # The service verifies both: the did:web document is answered locally.
        verified = service.verify(signed)
        assert verified.status_code == 200, verified.text
        signer = verified.json()["report"]["signer"]
        assert signer["controller"] == issuer.issuer_id
        assert signer["kind"] == ("did:web" if issuer is kmutt else "did:key")
    assert kmutt.registry.base_url.endswith("/status")
    assert partner.registry.base_url.endswith("/status/partner")


def test_a_credential_naming_another_issuer_is_refused(service: Service) -> None:
    kmutt = service.state.issuer("kmutt")
    stranger = service.issue(
        service.credential("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    )
    assert stranger.status_code == 422
    assert stranger.json()["errors"][0]["path"] == "$.issuer"
    wrong = service.issue(service.credential(kmutt.issuer_id), "/issuers/partner/credentials/issue")
    assert wrong.status_code == 422
    assert "partner" in wrong.json()["detail"]
    unknown = service.issue(
        service.credential(kmutt.issuer_id), "/issuers/nobody/credentials/issue"
    )
    assert unknown.status_code == 404
    assert "nobody" in unknown.json()["detail"]


def test_revoking_goes_to_the_issuer_that_holds_the_entry(service: Service) -> None:
    partner = service.state.issuer("partner")
    signed = service.issue(
        service.credential(partner.issuer_id), "/issuers/partner/credentials/issue"
    ).json()["verifiableCredential"]
    change = {"credentialId": signed["id"], "credentialStatus": [{"status": "revoked"}]}
    answer = service.http.post("/credentials/status", json=change, headers=service.headers)
    assert answer.status_code == 200, answer.text
    assert partner.registry.entries(signed["id"])[0].set
    listed = signed["credentialStatus"]["statusListCredential"]
    served = service.http.get(listed.removeprefix(service.base))
    assert served.status_code == 200
    assert served.json()["issuer"] == partner.issuer_id
    report = service.verify(signed)
    assert report.status_code == 400
    assert report.json()["verdict"] == "revoked"


def test_the_did_web_document_is_served(service: Service) -> None:
    kmutt = service.state.issuer("kmutt")
    document = service.http.get("/.well-known/did.json")
    assert document.status_code == 200
    assert document.headers["content-type"].startswith("application/did+json")
    body = document.json()
    assert body["id"] == kmutt.issuer_id
    assert body["assertionMethod"] == [kmutt.verification_method]
    assert body["verificationMethod"][0]["publicKeyMultibase"] == kmutt.key.public_key.multibase
    assert service.http.get("/somewhere/did.json").status_code == 404
    described = service.http.get("/", headers={"Accept": "application/json"}).json()
    assert [i["name"] for i in described["issuers"]] == ["kmutt", "partner"]


def test_a_bad_settings_file_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[issuers]]\nname = "Not A Slug"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.toml: issuers\.0\.name"):
        load_settings_file(bad)
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps({"issuers": [{"name": "a"}, {"name": "a"}]}), encoding="utf-8")
    with pytest.raises(InputError, match="same name"):
        load_settings_file(twice)
    broken = tmp_path / "broken.toml"
    broken.write_text("base_url = ", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read"):
        load_settings_file(broken)
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"colour": "red"}), encoding="utf-8")
    with pytest.raises(InputError, match="colour"):
        load_settings_file(unknown)


def test_serve_reports_a_bad_settings_file_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[issuers]]\nname = "x"\nid = "did:web:"\n', encoding="utf-8")
    assert main(["serve", "--settings", str(bad), "--data", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("openmicrocred serve: ")
    assert "Traceback" not in err
    assert "did:web" in err


def _partner_credential(service: Service) -> dict[str, Any]:
    partner = service.state.issuer("partner").issuer_id
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential"],
        "issuer": partner,
        "credentialSubject": {"id": "did:example:learner"},
    }


def test_an_issuer_with_status_messages_gives_a_message_entry(service: Service) -> None:
    credential = _partner_credential(service)
    options = {"credentialStatus": {"statusPurpose": ["revocation", "message"]}}
    issued = service.http.post(
        "/credentials/issue",
        json={"credential": credential, "options": options},
        headers=service.headers,
    )
    assert issued.status_code == 201, issued.text
    signed = issued.json()["verifiableCredential"]
    revocation, message = signed["credentialStatus"]
    assert revocation["statusPurpose"] == "revocation"
    assert (message["statusPurpose"], message["statusSize"]) == ("message", 2)
    assert len(message["statusMessage"]) == 4
    assert message["statusReference"] == "https://partner.example/status-codes"
    assert service.verify(signed).status_code == 200
    change = {"credentialId": credential["id"], "credentialStatus": [{"status": "0x2"}]}
    changed = service.http.post("/credentials/status", json=change, headers=service.headers)
    assert changed.status_code == 200, changed.text
    verified = service.verify(signed)
    assert verified.status_code == 200  # a message never decides the verdict
    warnings = [w for w in verified.json()["warnings"] if "superseded" in json.dumps(w)]
    assert warnings, verified.json()
    too_big = {"credentialId": credential["id"], "credentialStatus": [{"status": "0x4"}]}
    refused = service.http.post("/credentials/status", json=too_big, headers=service.headers)
    assert refused.status_code == 409
    assert "0x0..0x3" in refused.json()["detail"]


def test_a_message_entry_needs_configured_messages(service: Service) -> None:
    kmutt = service.state.issuer("kmutt").issuer_id
    credential = {**_partner_credential(service), "issuer": kmutt}
    options = {"credentialStatus": {"statusPurpose": "message"}}
    answer = service.http.post(
        "/credentials/issue",
        json={"credential": credential, "options": options},
        headers=service.headers,
    )
    assert answer.status_code == 400  # the options ask for what this issuer cannot give
    assert "has no status_messages configured" in answer.json()["detail"]


def test_status_messages_must_be_a_power_of_two(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[issuers]]\nname = "x"\nstatus_messages = ["a", "b", "c"]\n')
    with pytest.raises(InputError, match=r"status_messages.*2, 4, 8"):
        load_settings_file(path)


def test_a_credential_that_needs_the_network_is_verified_online(service: Service) -> None:
    """The service's own credentials are verified from its own data on the event loop; one
    whose issuer lives elsewhere is verified again with the network (here refused by the
    fetch policy, as there is none), never reported as what the offline try found."""
    key = Ed25519Key.generate()
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:remote.example",
        "credentialSubject": {"id": "did:example:learner"},
    }
    signed = add_proof(credential, key, verification_method="did:web:remote.example#key-1")
    answer = service.verify(signed)
    assert answer.status_code == 400
    body = answer.json()
    assert body["verdict"] == "unverifiable"
    (fetched,) = body["report"]["fetched"]
    assert fetched["url"] == "https://remote.example/.well-known/did.json"
    assert fetched["source"] == "network"
    assert fetched["error"] != "offline"
    own = service.issue(service.credential(service.state.issuer("kmutt").issuer_id))
    report = service.verify(own.json()["verifiableCredential"]).json()["report"]
    assert {f["source"] for f in report["fetched"]} == {"local"}
