"""``openmicrocred serve --workers N`` (several uvicorn processes on one data directory)
and the rate limit of the open endpoints."""

from __future__ import annotations

import asyncio
import os
import signal
import ssl
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
from serving import free_port, serve_command, start_serve

from conftest import SPEC, load


class Served:
    """``openmicrocred serve`` as a child process."""

    def __init__(self, data: Path, *extra: str) -> None:
        self.data = data
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.log = data.parent / "serve.log"
        self.process = start_serve(["--data", str(data), *extra], port, self.log, new_session=True)
        self.http = httpx.Client(base_url=self.base, timeout=30)

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
    deadline = time.monotonic() + 60
    while served.output().count("] ready") < 2:  # both workers serve (the parent logs it)
        assert time.monotonic() < deadline, served.output()
        time.sleep(0.1)
    try:
        yield served
    finally:
        served.http.close()
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


# ------------------------------------------------- connections dealt to the workers in turn


def _workers_of(parent: int) -> list[int]:
    """The worker processes of ``serve`` (its children that hold the service's sockets)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    # (multiprocessing may also start its resource tracker, which serves nothing)
    return [int(p) for p in children if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().name
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _server_side_inodes(server_port: int, client_ports: set[int]) -> dict[int, str]:
    """The inode of the service's end of each client connection (from /proc/net/tcp)."""
    found = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        remote_port = int(remote.split(":")[1], 16)
        if int(local.split(":")[1], 16) == server_port and remote_port in client_ports:
            found[remote_port] = inode
    return found


def _dealt(served: Served, connections: list[httpx.Client]) -> list[int]:
    """How many of ``connections`` each worker serves, largest first."""
    ports = set()
    for client in connections:
        assert client.get("/").status_code == 200  # the connection is open and served
        ports.add(_client_port(client))
    server_port = int(served.base.rsplit(":", 1)[1])
    inodes = _server_side_inodes(server_port, ports)
    assert len(inodes) == len(ports)
    held = [
        len(_socket_inodes(pid) & set(inodes.values())) for pid in _workers_of(served.process.pid)
    ]
    assert sum(held) == len(ports)  # every connection is served by a worker, not the parent
    return sorted((n for n in held if n), reverse=True)


def _client_port(client: httpx.Client) -> int:
    # httpx keeps the connection in its pool; its socket tells the local port.
    pool = client._transport._pool  # type: ignore[attr-defined]
    [connection] = pool.connections
    stream = connection._connection._network_stream
    port: int = stream.get_extra_info("socket").getsockname()[1]
    return port


def _clients(served: Served, n: int, **options: Any) -> list[httpx.Client]:
    return [httpx.Client(base_url=served.base, timeout=30, **options) for _ in range(n)]


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc")
def test_connections_opened_at_once_are_dealt_to_every_worker(two_workers: Served) -> None:
    # Eight keep-alive connections opened together (a client's pool): with uvicorn's shared
    # socket one worker took them all; dealt in turn, each worker serves four.
    connections = _clients(two_workers, 8)
    try:
        assert _dealt(two_workers, connections) == [4, 4]
    finally:
        for client in connections:
            client.close()


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc")
def test_a_killed_worker_is_replaced_and_no_connection_is_lost(two_workers: Served) -> None:
    served = two_workers
    first, second = _workers_of(served.process.pid)
    subprocess.run(["kill", "-KILL", str(first)], check=True)
    # New connections go on being answered while the dead worker is replaced.
    for _ in range(10):
        assert httpx.get(served.base + "/", timeout=30).status_code == 200
    deadline = time.monotonic() + 60
    while True:
        workers = _workers_of(served.process.pid)
        if len(workers) == 2 and first not in workers:
            break
        assert time.monotonic() < deadline, "the killed worker was not replaced"
        time.sleep(0.2)
    assert second in workers
    replacement = next(pid for pid in workers if pid != second)
    while f"worker [{replacement}] ready" not in served.output():  # the parent heard it
        assert time.monotonic() < deadline, served.output()
        time.sleep(0.2)
    connections = _clients(served, 6)
    try:
        assert _dealt(served, connections) == [3, 3]  # the new worker takes its turn
    finally:
        for client in connections:
            client.close()
    assert served.stop(signal.SIGTERM) == 0
    assert "died" in served.output()


def test_two_workers_over_tls(tmp_path: Path) -> None:
    from httpserver import self_signed

    cert, key = self_signed(tmp_path)
    trusted = ssl.create_default_context(cafile=str(cert))
    port = free_port()
    argv = [*serve_command(), "serve", "--data", str(tmp_path / "data"), "--port", str(port)]
    argv += ["--workers", "2", "--tls-cert", str(cert), "--tls-key", str(key)]
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"https://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        answers: list[httpx.Response] = []
        while len(answers) < 4:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:  # a new TLS connection each time: both workers serve TLS
                answers.append(httpx.get(base + "/", verify=trusted, timeout=30))
            except httpx.TransportError:
                time.sleep(0.1)
        assert {a.status_code for a in answers} == {200}
        assert all(a.json()["issuer"] == answers[0].json()["issuer"] for a in answers)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_workers_that_cannot_start_stop_the_service(tmp_path: Path) -> None:
    # Each worker loads the application itself: one that cannot (here, no such module) exits
    # at once with one line in the log, and the service stops instead of restarting it.
    code = (
        "import sys, uvicorn\n"
        "from openmicrocred.service.workers import serve_workers\n"
        "config = uvicorn.Config('no_such_module_here:app', host='127.0.0.1', port=0)\n"
        "sys.exit(serve_workers(config, 2))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 1, done.stderr
    assert "cannot start" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_bad_tls_files_are_one_clear_line(tmp_path: Path, workers: str) -> None:
    from openmicrocred.cli import main

    (tmp_path / "cert.pem").write_text("not a certificate\n")
    (tmp_path / "key.pem").write_text("not a key\n")
    data = str(tmp_path / "d")
    argv = ["serve", "--data", data, "--workers", workers, "--tls-cert"]
    assert main([*argv, str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem")]) == 2
    assert main([*argv, str(tmp_path / "missing.pem"), "--tls-key", str(tmp_path / "key.pem")]) == 2


def test_bad_tls_files_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openmicrocred.cli import main

    (tmp_path / "cert.pem").write_text("not a certificate\n")
    argv = ["serve", "--data", str(tmp_path / "d"), "--tls-key", str(tmp_path / "cert.pem")]
    assert main([*argv, "--tls-cert", str(tmp_path / "cert.pem")]) == 2
    assert "are not a PEM certificate and its (unencrypted) private key" in capsys.readouterr().err
    assert main([*argv, "--tls-cert", str(tmp_path / "missing.pem")]) == 2
    assert f"no such file: {tmp_path / 'missing.pem'}" in capsys.readouterr().err


def _wait_stopped(served: Served) -> int:
    served.http.close()
    return served.process.wait(timeout=60)


def test_ctrl_c_to_the_process_group_stops_everything_quietly(two_workers: Served) -> None:
    # A terminal's Ctrl-C signals the whole foreground group: the parent stops the workers
    # (they are in groups of their own), none is restarted, and no worker prints a traceback.
    workers = _workers_of(two_workers.process.pid)
    os.killpg(two_workers.process.pid, signal.SIGINT)
    assert _wait_stopped(two_workers) == 0
    output = two_workers.output()
    assert "Traceback" not in output
    assert "starting another" not in output
    assert all(not Path(f"/proc/{pid}").exists() or _zombie(pid) for pid in workers)


def test_sigterm_to_every_process_at_once_restarts_none(two_workers: Served) -> None:
    # systemd stops a service by signalling every process of its control group together:
    # the workers end first, and the parent must not start new ones while it stops.
    workers = _workers_of(two_workers.process.pid)
    for pid in [*workers, two_workers.process.pid]:
        os.kill(pid, signal.SIGTERM)
    assert _wait_stopped(two_workers) == 0
    output = two_workers.output()
    assert "starting another" not in output
    assert "Traceback" not in output


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except OSError:
        return True
