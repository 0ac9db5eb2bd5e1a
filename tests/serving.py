"""Run the service for tests on a free 127.0.0.1 port: in-process (uvicorn in a thread), or
``openmicrocred serve`` as a child process."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running(app: Any, port: int, **config: Any) -> Iterator[uvicorn.Server]:
    """Serve ``app`` on 127.0.0.1:``port`` until the block ends (uvicorn ``config`` extra)."""
    options = {"log_level": "error", **config}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "the server stopped"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def serve_command() -> list[str]:
    """The ``openmicrocred`` command installed beside this Python (else ``-m``)."""
    installed = shutil.which("openmicrocred", path=str(Path(sys.executable).parent))
    return [installed] if installed else [sys.executable, "-m", "openmicrocred"]


def start_serve(
    args: list[str],
    port: int,
    log: Path,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    new_session: bool = False,
) -> subprocess.Popen[bytes]:
    """``openmicrocred serve --port PORT ARGS`` as a child process, its output in ``log``
    (a file, not a pipe: the access log cannot block), once ``GET /`` answers 200.

    :param new_session: in a process group of its own (a test may signal the whole group,
        as a terminal's Ctrl-C does).
    """
    argv = [*serve_command(), "serve", "--port", str(port), *args]
    with log.open("w") as out:
        process = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=new_session
        )
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, log.read_text(encoding="utf-8")
        assert time.monotonic() < deadline, "the service did not start"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
