"""The HTTP service under load: verifications and issues per second, with 1 and 2 workers.

Usage: python benchmarks/service.py [--verify N] [--issue N] [--concurrency C]

Starts ``openmicrocred serve --workers W --rate-limit 0`` on 127.0.0.1 (a new data
directory each time), issues the realistic micro-credential through it and then sends a
bounded number of requests from a raw asyncio HTTP/1.1 load generator in this process
(requests encoded beforehand, keep-alive), over C concurrent connections. The generator
shares the machine's cores with the service, so the figures are a floor for what a
separate client would see. Prints JSON lines
{"op", "workers", "concurrency", "count", "errors", "per_second", "p50_ms", "p99_ms"}:
``verify`` (POST /credentials/verify of a credential with a status entry, checked against
the service's own list) and ``issue`` (POST /credentials/issue with a bearer token, each
allocating a revocation entry in the shared status registry).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sign_verify import realistic

from openmicrocred.service.clients import ClientStore


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _command() -> list[str]:
    installed = shutil.which("openmicrocred", path=str(Path(sys.executable).parent))
    return [installed] if installed else [sys.executable, "-m", "openmicrocred"]


def _start(
    data: Path, workers: int, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """``serve`` on a free port, once it answers and (with several) every worker is ready."""
    port = _free_port()
    argv = [*_command(), "serve", "--data", str(data), "--port", str(port)]
    argv += ["--workers", str(workers), "--rate-limit", "0"]
    data.parent.mkdir(parents=True, exist_ok=True)
    log_path = data.parent / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            answered = httpx.get(base + "/", timeout=5).status_code == 200
        except httpx.TransportError:
            answered = False
        if answered and (workers == 1 or log_path.read_text().count("] ready") >= workers):
            return process, base
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the service did not start: {log_path.read_text()}")


def _token(base: str, data: Path) -> dict[str, str]:
    client, secret = ClientStore(data / "clients.sqlite").add(["issue"], name="benchmark")
    answer = httpx.post(
        base + "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client.id, secret),
        timeout=30,
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _credential(issuer: str) -> dict[str, Any]:
    credential = realistic(1)
    credential["issuer"] = {"id": issuer, "type": ["Profile"], "name": "KMUTT"}
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"
    return credential


def _request(base: str, url: str, payload: Any, headers: dict[str, str] | None = None) -> bytes:
    """One HTTP/1.1 POST, encoded once: the generator only writes bytes and reads answers."""
    body = json.dumps(payload).encode()
    host = base.removeprefix("http://")
    lines = [f"POST {url} HTTP/1.1", f"Host: {host}", "Content-Type: application/json"]
    lines += [f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _answer(reader: asyncio.StreamReader) -> int:
    """Read one response (the service always sends Content-Length); its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _load(
    base: str, count: int, concurrency: int, request: Callable[[int], bytes]
) -> tuple[float, list[float], int]:
    """Send ``count`` requests (``request(i)`` gives each one's bytes) over ``concurrency``
    keep-alive connections of a raw asyncio client (an HTTP client library would spend more
    of the two cores than the service): the wall time, each latency and the errors."""
    latencies: list[float] = []
    errors = 0
    queue = iter(range(count))
    host, _, port = base.removeprefix("http://").partition(":")

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for i in queue:
                start = time.perf_counter()
                writer.write(request(i))
                status = await _answer(reader)
                latencies.append(time.perf_counter() - start)
                errors += status >= 300
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start, latencies, errors


def _figures(op: str, workers: int, concurrency: int, run: tuple[float, list[float], int]) -> None:
    wall, latencies, errors = run
    cuts = statistics.quantiles(latencies, n=100)
    figures = {
        "op": op,
        "workers": workers,
        "concurrency": concurrency,
        "count": len(latencies),
        "errors": errors,
        "per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }
    print(json.dumps(figures), flush=True)


def _measure(workers: int, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        process, base = _start(data, workers)
        try:
            issuer = httpx.get(base + "/", timeout=30).json()["issuer"]
            auth = _token(base, data)
            issued = httpx.post(
                base + "/credentials/issue",
                json={"credential": _credential(issuer)},
                headers=auth,
                timeout=30,
            )
            issued.raise_for_status()
            verify = _request(base, "/credentials/verify", issued.json())
            issues = [
                _request(base, "/credentials/issue", {"credential": _credential(issuer)}, auth)
                for _ in range(args.issue)
            ]

            def issue(i: int) -> bytes:
                return issues[i]

            c = args.concurrency
            asyncio.run(_load(base, 4 * c, c, lambda i: verify))  # warm every worker up
            _figures(
                "verify", workers, c, asyncio.run(_load(base, args.verify, c, lambda i: verify))
            )
            _figures("issue", workers, c, asyncio.run(_load(base, args.issue, c, issue)))
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verify", type=int, default=2000, help="verify requests per run")
    parser.add_argument("--issue", type=int, default=600, help="issue requests per run")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent connections")
    args = parser.parse_args()
    for workers in (1, 2):
        _measure(workers, args)


if __name__ == "__main__":
    main()
