"""The README's third command: the service started on the demo's data answers for the
demo's badges (issue 13)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx

from openmicrocred.cli.demo import run_demo
from openmicrocred.service import create_app
from openmicrocred.service.settings import load_settings_file
from serving import free_port, running


def test_the_service_serves_the_demos_badges(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    said = io.StringIO()
    assert run_demo(out, stream=said) == 0
    assert f"openmicrocred serve --settings {out / 'service.toml'}" in said.getvalue()
    assert run_demo(out, stream=io.StringIO()) == 0  # again, into the same folder
    manifest = json.loads((out / "manifest.json").read_text())
    settings = load_settings_file(out / "service.toml")
    assert (settings.data_dir / "credentials.sqlite").stat().st_mode & 0o777 == 0o600
    app = create_app(settings)
    state = app.state.service
    assert state.default.issuer_id == manifest["issuer"]
    port = free_port()
    with running(app, port), httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
        verdicts = {}
        for badge in manifest["badges"]:
            assert state.credentials.get(badge["id"]) is not None
            credential = json.loads((out / badge["file"]).read_text())
            answer = http.post("/credentials/verify", json={"verifiableCredential": credential})
            verdicts[badge["state"]] = answer.json()["verdict"]
            sources = {f["source"] for f in answer.json()["report"]["fetched"]}
            assert sources == {"local"}  # its lists and DID document, from the data
        assert verdicts == {"active": "verified", "revoked": "revoked"}
        client, secret = state.clients.add(["status"], name="test")
        token = http.post(
            "/oauth2/token", data={"grant_type": "client_credentials"}, auth=(client.id, secret)
        ).json()["access_token"]
        active = next(b for b in manifest["badges"] if b["state"] == "active")
        change = {"credentialId": active["id"], "credentialStatus": [{"status": "revoked"}]}
        revoked = http.post(
            "/credentials/status", json=change, headers={"Authorization": f"Bearer {token}"}
        )
        assert revoked.status_code == 200, revoked.text
        credential = json.loads((out / active["file"]).read_text())
        again = http.post("/credentials/verify", json={"verifiableCredential": credential})
        assert again.json()["verdict"] == "revoked"
