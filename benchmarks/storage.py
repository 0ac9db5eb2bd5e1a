"""Storage backends under load: badges issued per second with status entries, and verify
requests per second, with 2 service workers, on SQLite and on PostgreSQL.

Usage: python benchmarks/storage.py [--count N] [--verify N] [--postgres URL] [--only B]

For each backend, ``openmicrocred serve --workers 2 --rate-limit 0`` runs on 127.0.0.1 with
a new data directory (SQLite: the default files in it; PostgreSQL: a new schema of the
database at ``--postgres`` or ``$OPENMICROCRED_TEST_POSTGRES``, which ``.ci/postgres.sh``'s
``pg_start`` sets). The load generator of ``benchmarks/service.py`` (raw asyncio HTTP/1.1,
keep-alive, C connections, in this process: the figures are a floor) sends:

- ``issue_http``: N ``POST /credentials/issue`` of the realistic micro-credential, each
  allocating a random revocation index in the shared registry and signing (eddsa-rdfc-2022);
- ``verify``: ``POST /credentials/verify`` of one of them, status checked against the list
  as published in the storage.

and, without HTTP, ``issue_bulk``: N badges with status entries from the library itself,
``allocate_many`` in chunks of 500 on the same storage, then ``issue_many`` on 2 worker
processes. Each line is JSON: {"backend", "op", "workers", "count", "errors",
"per_second", "p50_ms", "p99_ms", "seconds_for_100000"} (the last extrapolated linearly
from N when N is smaller).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from service import _credential, _load
from service import _start as _service_start
from sign_verify import realistic

from openmicrocred.batch import issue_many
from openmicrocred.keys import Ed25519Key
from openmicrocred.service.clients import ClientStore
from openmicrocred.status.registry import SQLStatusRegistry
from openmicrocred.storage import open_database

WORKERS = 2
TARGET = 100_000


@contextmanager
def _postgres_schema(server: str) -> Iterator[str]:
    import psycopg

    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in server else "?"
    try:
        yield f"{server}{joiner}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def _storage(backend: str, folder: Path, server: str | None) -> Iterator[str | None]:
    """``None`` for the default SQLite files in the data directory, else a storage URL."""
    if backend == "sqlite":
        yield None
        return
    assert server is not None
    with _postgres_schema(server) as url:
        yield url


def _start(data: Path, storage: str | None) -> tuple[subprocess.Popen[bytes], str]:
    env = dict(os.environ)
    if storage is not None:
        env["OPENMICROCRED_STORAGE"] = storage
    return _service_start(data, WORKERS, env)


def _token(base: str, clients: ClientStore) -> dict[str, str]:
    client, secret = clients.add(["issue"], name="benchmark")
    answer = httpx.post(
        base + "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client.id, secret),
        timeout=30,
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


class _Issues:
    """The issue requests, made from one encoded template by writing each id in place (so
    100,000 requests need neither 300 MB nor a JSON encoding each)."""

    def __init__(self, base: str, issuer: str, auth: dict[str, str]) -> None:
        credential = _credential(issuer)
        self.marker = str(uuid.UUID(int=0))
        credential["id"] = f"urn:uuid:{self.marker}"
        body = json.dumps({"credential": credential}).encode()
        host = base.removeprefix("http://")
        lines = ["POST /credentials/issue HTTP/1.1", f"Host: {host}"]
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in auth.items()]
        self.template = ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def __call__(self, _: int) -> bytes:
        return self.template.replace(self.marker.encode(), str(uuid.uuid4()).encode(), 1)


def _print(backend: str, op: str, count: int, wall: float, extra: dict[str, Any]) -> None:
    rate = count / wall
    figures = {"backend": backend, "op": op, "workers": WORKERS, "count": count, **extra}
    figures["per_second"] = round(rate, 1)
    figures["seconds_for_100000"] = round(TARGET / rate, 1)
    print(json.dumps(figures), flush=True)


def _http_run(backend: str, op: str, run: tuple[float, list[float], int]) -> None:
    import statistics

    wall, latencies, errors = run
    cuts = statistics.quantiles(latencies, n=100)
    extra = {
        "errors": errors,
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }
    _print(backend, op, len(latencies), wall, extra)


def _http(backend: str, data: Path, storage: str | None, args: argparse.Namespace) -> None:
    process, base = _start(data, storage)
    try:
        issuer = httpx.get(base + "/", timeout=30).json()["issuer"]
        clients = ClientStore(storage if storage is not None else data / "clients.sqlite")
        auth = _token(base, clients)
        issues = _Issues(base, issuer, auth)
        c = args.concurrency
        asyncio.run(_load(base, 4 * c, c, issues))  # warm every worker up
        _http_run(backend, "issue_http", asyncio.run(_load(base, args.count, c, issues)))
        issued = httpx.post(
            base + "/credentials/issue",
            json={"credential": _credential(issuer)},
            headers=auth,
            timeout=30,
        )
        issued.raise_for_status()
        body = json.dumps(issued.json()).encode()
        host = base.removeprefix("http://")
        head = f"POST /credentials/verify HTTP/1.1\r\nHost: {host}\r\n"
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        verify = head.encode() + body
        _http_run(
            backend,
            "verify",
            asyncio.run(_load(base, args.verify, c, lambda _: verify)),
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _bulk(backend: str, folder: Path, storage: str | None, count: int) -> None:
    url = storage if storage is not None else f"sqlite:///{folder / 'bulk.sqlite'}"
    registry = SQLStatusRegistry(open_database(url), base_url="https://issuer.example/status")
    key = Ed25519Key.generate()
    template = realistic(1)
    template["issuer"] = {"id": key.did, "type": ["Profile"], "name": "KMUTT"}

    def credentials() -> Iterator[dict[str, Any]]:
        for start in range(0, count, 500):
            ids = [f"urn:uuid:{uuid.uuid4()}" for _ in range(min(500, count - start))]
            for cid, entries in registry.allocate_many(ids, ["revocation"]).items():
                yield {**template, "id": cid, "credentialStatus": entries[0].to_json()}

    start = time.perf_counter()
    made = sum(1 for _ in issue_many(credentials(), key, workers=WORKERS, chunk_size=64))
    wall = time.perf_counter() - start
    registry.check_integrity()
    _print(backend, "issue_bulk", made, wall, {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=TARGET, help="badges to issue per run")
    parser.add_argument("--verify", type=int, default=2000, help="verify requests per run")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent connections")
    parser.add_argument("--postgres", help="PostgreSQL server URL (a schema is made in it)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one backend")
    parser.add_argument("--no-http", action="store_true", help="only the bulk library run")
    args = parser.parse_args()
    server = args.postgres or os.environ.get("OPENMICROCRED_TEST_POSTGRES")
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    for backend in backends:
        if backend == "postgresql" and not server:
            print("postgresql: skipped (give --postgres or $OPENMICROCRED_TEST_POSTGRES)")
            continue
        with tempfile.TemporaryDirectory() as tmp, _storage(backend, Path(tmp), server) as url:
            _bulk(backend, Path(tmp), url, args.count)
        if not args.no_http:
            with tempfile.TemporaryDirectory() as tmp, _storage(backend, Path(tmp), server) as url:
                _http(backend, Path(tmp) / "data", url, args)


if __name__ == "__main__":
    main()
