"""``openmicrocred serve --workers N`` (several uvicorn processes on one data directory)
and the rate limit of the open endpoints."""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmicrocred.service import Settings, create_app
from openmicrocred.service.clients import ClientStore
from openmicrocred.service.ratelimit import TokenBuckets
from serving import free_port

from conftest import SPEC, load


def _command() -> list[str]:
    installed = shutil.which("openmicrocred", path=str(Path(sys.executable).parent))
    return [installed] if installed else [sys.executable, "-m", "openmicrocred"]


class Served:
    """``openmicrocred serve`` as a child process."""

    def __init__(self, data: Path, *extra: str) -> None:
        self.data = data
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        argv = [*_command(), "serve", "--data", str(data), "--port", str(port), *extra]
        self.log = data.parent / "serve.log"
        with self.log.open("w") as log:  # a file, not a pipe: the access log cannot block
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        self.http = httpx.Client(base_url=self.base, timeout=30)
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, "the service did not start"
            try:
                if self.http.get("/").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)

    def stop(self, how: signal.Signals) -> int:
        self.http.close()
        self.process.send_signal(how)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[Served]:
    served = Served(tmp_path / "data", "--workers", "2")
    try:
        yield served
    finally:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait()


def _bearer(served: Served) -> dict[str, str]:
    client, secret = ClientStore(served.data / "clients.sqlite").add(["issue", "status"])
    answer = served.http.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, auth=(client.id, secret)
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _credential(issuer: str) -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = issuer
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"
    return credential


def test_two_workers_issue_verify_revoke_and_stop(two_workers: Served) -> None:
    served = two_workers
    issuer = served.http.get("/").json()["issuer"]
    auth = _bearer(served)
    issued = []
    for _ in range(4):  # new connections each time: the kernel spreads them over workers
        answer = httpx.post(
            served.base + "/credentials/issue",
            json={"credential": _credential(issuer)},
            headers=auth,
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        issued.append(answer.json()["verifiableCredential"])
    for vc in issued:
        checked = httpx.post(
            served.base + "/credentials/verify", json={"verifiableCredential": vc}, timeout=30
        )
        assert checked.status_code == 200, checked.text
        assert checked.json()["verified"] is True
    change = {"credentialId": issued[0]["id"], "credentialStatus": [{"status": "revoked"}]}
    answer = httpx.post(served.base + "/credentials/status", json=change, headers=auth, timeout=30)
    assert answer.status_code == 200, answer.text
    for _ in range(4):  # whichever worker answers sees the revocation
        checked = httpx.post(
            served.base + "/credentials/verify",
            json={"verifiableCredential": issued[0]},
            timeout=30,
        )
        assert checked.status_code == 400
        assert checked.json()["verdict"] == "revoked"
    assert served.stop(signal.SIGTERM) == 0
    output = served.output()
    assert "with 2 workers" in output
    assert output.count("Started server process") == 2


def test_two_workers_stop_on_sigint(two_workers: Served) -> None:
    assert two_workers.http.get("/").status_code == 200
    assert two_workers.stop(signal.SIGINT) == 0


def test_workers_must_be_positive(tmp_path: Path) -> None:
    from openmicrocred.cli import main

    assert main(["serve", "--data", str(tmp_path / "d"), "--workers", "0"]) == 2


def test_token_buckets() -> None:
    now = [100.0]
    buckets = TokenBuckets(2.0, 3, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0.0  # another address has its own bucket
    now[0] += 0.5
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0
    now[0] += 60
    assert [buckets.take("a") for _ in range(4)][:3] == [0.0, 0.0, 0.0]  # burst, not more


def _answers(tmp_path: Path, rate: float, calls: list[tuple[str, str]]) -> list[httpx.Response]:
    """The in-process application's answers to ``(method, path)`` calls, in order."""
    settings = Settings(data_dir=tmp_path / "data", rate_limit_per_s=rate, rate_limit_burst=2)
    app = create_app(settings)
    body = {"verifiableCredential": {"not": "a credential"}}

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            answers = []
            for method, path in calls:
                if path == "/oauth2/token":
                    answers.append(await http.post(path, data={"grant_type": "x"}))
                elif method == "POST":
                    answers.append(await http.post(path, json=body))
                else:
                    answers.append(await http.get(path))
            return answers

    try:
        return asyncio.run(run())
    finally:
        app.state.service.close()


def test_rate_limit_answers_429(tmp_path: Path) -> None:
    verify = ("POST", "/credentials/verify")
    calls = [verify, verify, verify, ("POST", "/presentations/verify"), ("POST", "/oauth2/token")]
    answers = _answers(tmp_path, 0.01, [*calls, ("GET", "/"), ("GET", "/status/none")])
    assert [a.status_code == 429 for a in answers[:5]] == [False, False, True, True, True]
    limited = answers[2]
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert limited.json()["status"] == 429
    assert limited.json()["title"] == "Too Many Requests"
    assert 1 <= int(limited.headers["retry-after"]) <= 100
    assert answers[5].status_code == 200  # the other endpoints are not limited
    assert answers[6].status_code == 404


def test_rate_limit_off(tmp_path: Path) -> None:
    answers = _answers(tmp_path, 0, [("POST", "/credentials/verify")] * 10)
    assert 429 not in {a.status_code for a in answers}
