"""Several uvicorn worker processes behind one listening socket, connections dealt in turn.

uvicorn's own ``--workers`` lets every worker accept from the shared socket. Whichever worker
wakes first takes every connection waiting, so a client that opens its keep-alive
connections at once (an HR system's connection pool, a load balancer) lands all of them on
one worker while the others idle: with 2 workers, 8 connections gave one worker all of the
load and no gain over a single worker. Here the parent process alone accepts, and hands each
new connection to the next worker in turn (as Node.js's cluster module does on Linux), over
a Unix socket pair (``SCM_RIGHTS``); the worker serves it with uvicorn's HTTP protocol, TLS
included. A worker that dies is replaced; one that cannot start stops the service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import selectors
import signal
import socket
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn  # this module is imported by ``serve`` only

__all__ = ["serve_workers"]

logger = logging.getLogger("uvicorn.error")

_STARTUP_FAILURE = 3  # uvicorn's exit code for a worker whose app or TLS could not start
_QUICK = 5.0  # seconds: three workers in a row dying this soon after starting stop the service
_spawn = multiprocessing.get_context("spawn")


def serve_workers(config: uvicorn.Config, workers: int) -> int:
    """Serve ``config``'s application from ``workers`` processes until SIGINT or SIGTERM.

    ``config.app`` must be an import string (each worker imports it); the parent binds the
    socket and never loads the application.

    :return: 0 when stopped by a signal, 1 when the workers could not start (see the log).
    """
    listener = config.bind_socket()
    listener.listen(config.backlog)
    dealer = _Dealer(config, listener, workers)
    dealer.run()
    return 1 if dealer.failed else 0


@dataclass
class _Slot:
    process: BaseProcess
    channel: socket.socket
    started: float


class _Dealer:
    """The parent: accepts connections and deals them to the workers in turn."""

    def __init__(self, config: uvicorn.Config, listener: socket.socket, workers: int) -> None:
        self.config = config
        self.listener = listener
        self.slots: list[_Slot] = []
        self.count = workers
        self.turn = 0
        self.stopping = False
        self.failed = False
        self.quick_deaths = 0  # workers in a row that died within _QUICK of starting

    def run(self) -> None:
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGINT, signal.SIGTERM)}
        logger.info("Started parent process [%d]", _pid())
        try:
            self.slots = [self._spawn() for _ in range(self.count)]
            self._loop()
        finally:
            self.listener.close()
            self._retire()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            logger.info("Stopping parent process [%d]", _pid())

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _spawn(self) -> _Slot:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        process = _spawn.Process(target=_worker, args=(self.config, theirs))
        process.start()
        theirs.close()
        ours.settimeout(5.0)  # a worker that stops reading must not stall every other one
        return _Slot(process, ours, time.monotonic())

    def _loop(self) -> None:
        self.listener.setblocking(False)
        with selectors.DefaultSelector() as selector:
            selector.register(self.listener, selectors.EVENT_READ)
            checked = time.monotonic()
            while not self.stopping:
                if selector.select(timeout=0.5):
                    self._accept()
                if time.monotonic() - checked >= 0.5:
                    self._replace_dead()
                    checked = time.monotonic()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of descriptors and the like: try again shortly
                logger.error("accept failed: %s", exc)
                time.sleep(0.1)
                return
            with connection:
                self._deal(connection)

    def _deal(self, connection: socket.socket) -> None:
        for _ in range(len(self.slots)):
            slot = self.slots[self.turn]
            self.turn = (self.turn + 1) % len(self.slots)
            try:
                socket.send_fds(slot.channel, [b"c"], [connection.fileno()])
                return
            except OSError:  # that worker is gone or stuck: the next one
                continue
        logger.error("no worker could take a connection; it was closed")

    def _replace_dead(self) -> None:
        for i, slot in enumerate(self.slots):
            if slot.process.is_alive():
                continue
            slot.process.join()
            slot.channel.close()
            quick = time.monotonic() - slot.started < _QUICK
            self.quick_deaths = self.quick_deaths + 1 if quick else 0
            if slot.process.exitcode == _STARTUP_FAILURE or self.quick_deaths >= 3:
                logger.error("worker [%s] failed to start; stopping", slot.process.pid)
                self.stopping = self.failed = True
                return
            logger.info("worker [%s] died (exit %s); starting another", *_status(slot))
            self.slots[i] = self._spawn()

    def _retire(self) -> None:
        for slot in self.slots:
            slot.channel.close()  # a worker that sees its channel close stops too
            if slot.process.is_alive() and slot.process.pid is not None:
                _signal(slot.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + (self.config.timeout_graceful_shutdown or 30) + 5
        for slot in self.slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()


def _pid() -> int:
    return os.getpid()


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _status(slot: _Slot) -> tuple[Any, Any]:
    return slot.process.pid, slot.process.exitcode


# ------------------------------------------------------------------------------ the worker


def _worker(config: uvicorn.Config, channel: socket.socket) -> None:
    """A worker process: uvicorn serving the connections that arrive on ``channel``."""
    config.configure_logging()
    try:
        config.load()  # the application and the TLS context
    except SystemExit:  # uvicorn has said why (an application it cannot import)
        logger.error("worker [%d] cannot start (see above)", _pid())
        raise SystemExit(_STARTUP_FAILURE) from None
    except Exception as exc:  # said in one line, not a traceback per worker
        logger.error("worker [%d] cannot start: %s", _pid(), exc)
        raise SystemExit(_STARTUP_FAILURE) from None
    _DealtServer(config, channel).run(sockets=[])


class _DealtServer(uvicorn.Server):
    """A uvicorn server with no listening socket of its own: it serves the connections its
    parent deals it."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self.channel = channel
        self.pending: set[asyncio.Task[Any]] = set()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])
        if self.should_exit:
            return
        loop = asyncio.get_running_loop()
        self.channel.setblocking(False)
        loop.add_reader(self.channel.fileno(), self._receive, loop)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.channel.fileno() >= 0:
            asyncio.get_running_loop().remove_reader(self.channel.fileno())
            self.channel.close()
        await super().shutdown(sockets=[])

    def _protocol(self) -> asyncio.Protocol:
        # What uvicorn's own startup() gives each connection it accepts.
        protocol: asyncio.Protocol = self.config.http_protocol_class(  # type: ignore[call-arg]
            config=self.config, server_state=self.server_state, app_state=self.lifespan.state
        )
        return protocol

    def _receive(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            data, fds, _, _ = socket.recv_fds(self.channel, 1, 4)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data, fds = b"", []
        if not data and not fds:  # the parent is gone: finish what is open and stop
            loop.remove_reader(self.channel.fileno())
            self.should_exit = True
            return
        for fd in fds:
            connection = socket.socket(fileno=fd)
            connection.setblocking(False)
            task = loop.create_task(
                loop.connect_accepted_socket(self._protocol, connection, ssl=self.config.ssl)
            )
            self.pending.add(task)
            task.add_done_callback(self._served)

    def _served(self, task: asyncio.Task[Any]) -> None:
        self.pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # A TLS handshake that failed, a client that left at once: nothing to serve.
            logger.debug("connection not served: %s", task.exception())
