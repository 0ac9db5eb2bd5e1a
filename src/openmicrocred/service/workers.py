"""Several uvicorn worker processes behind one listening socket, connections dealt in turn.

uvicorn's own ``--workers`` lets every worker accept from the shared socket. Whichever worker
wakes first takes every connection waiting, so a client that opens its keep-alive
connections at once (an HR system's connection pool, a load balancer) lands all of them on
one worker while the others idle: with 2 workers, 8 connections gave one worker all of the
load and no gain over a single worker. Here the parent process alone accepts, and hands each
new connection to the next ready worker in turn (as Node.js's cluster module does on Linux),
over a Unix socket pair (``SCM_RIGHTS``); the worker serves it with uvicorn's HTTP protocol,
TLS included.

- A worker says it is ready (one byte on its socket pair) once its application has started;
  until one is, the parent accepts nothing and connections wait in the kernel's backlog.
- The parent never blocks on a worker: a worker whose queue is full is passed over; if every
  worker's is, the connection is closed.
- A worker that dies is replaced (not while the service stops). One that exits before it was
  ready, three times in a row, or that says its application cannot load, stops the service:
  the same failure would repeat. A worker that dies after it was ready never stops it.
- Workers run in their own process group, so Ctrl-C in a terminal reaches the parent only;
  the parent stops them with SIGTERM (uvicorn's graceful shutdown).
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

_STARTUP_FAILURE = 3  # a worker whose application or TLS context cannot load exits with it
_READY = b"r"
_BATCH = 64  # connections accepted in one go, before the parent looks at its workers again
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
    process: BaseProcess | None
    channel: socket.socket | None
    ready: bool = False  # takes connections now
    served: bool = False  # was ready at some point (a death then is no failed start)


class _Dealer:
    """The parent: accepts connections and deals them to the ready workers in turn."""

    def __init__(self, config: uvicorn.Config, listener: socket.socket, workers: int) -> None:
        self.config = config
        self.listener = listener
        self.selector = selectors.DefaultSelector()
        self.slots = [_Slot(None, None) for _ in range(workers)]
        self.turn = 0
        self.stopping = False
        self.failed = False
        self.failed_starts = 0  # workers in a row that exited before they were ready
        self.listening = False
        self.last_complaint = 0.0

    def run(self) -> None:
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGINT, signal.SIGTERM)}
        logger.info("Started parent process [%d]", os.getpid())
        try:
            for slot in self.slots:
                self._start(slot)
            self._loop()
        finally:
            self.listener.close()
            self._retire()
            self.selector.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            logger.info("Stopping parent process [%d]", os.getpid())

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    # ------------------------------------------------------------------ the workers

    def _start(self, slot: _Slot) -> None:
        """A new worker in ``slot`` (left empty if it cannot be made; tried again later)."""
        try:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        except OSError as exc:
            logger.error("cannot make a worker's socket pair: %s", exc)
            return
        try:
            process = _spawn.Process(target=_worker, args=(self.config, theirs))
            process.start()
        except OSError as exc:
            logger.error("cannot start a worker: %s", exc)
            ours.close()
            return
        finally:
            theirs.close()
        ours.setblocking(False)  # the parent never waits for a worker
        slot.process, slot.channel, slot.ready, slot.served = process, ours, False, False
        self.selector.register(ours, selectors.EVENT_READ, slot)

    def _forget(self, slot: _Slot) -> None:
        if slot.channel is not None:
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(slot.channel)
            slot.channel.close()
        slot.channel, slot.ready = None, False

    def _hear(self, slot: _Slot) -> None:
        """A worker's socket pair is readable: it is ready, or gone (end of file)."""
        assert slot.channel is not None
        try:
            said = slot.channel.recv(16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            said = b""
        if not said:
            self._forget(slot)  # the process is reaped and replaced by _replace_dead
        elif _READY in said and not slot.ready:
            slot.ready = slot.served = True
            self.failed_starts = 0
            logger.info("worker [%s] ready", slot.process.pid if slot.process else "?")

    def _replace_dead(self) -> None:
        for slot in self.slots:
            if self.stopping:
                return  # a signal to the whole group ends the workers first: keep them ended
            if slot.process is not None and slot.process.is_alive():
                continue
            if slot.process is not None:
                self._bury(slot)
            if not self.stopping:
                self._start(slot)

    def _bury(self, slot: _Slot) -> None:
        assert slot.process is not None
        process, was_ready = slot.process, slot.served
        process.join()
        self._forget(slot)
        slot.process = None
        if process.exitcode == _STARTUP_FAILURE:
            logger.error("worker [%s] cannot load the application; stopping", process.pid)
            self.stopping = self.failed = True
        elif not was_ready:
            self.failed_starts += 1
            if self.failed_starts >= 3:
                logger.error("3 workers in a row exited before they were ready; stopping")
                self.stopping = self.failed = True
        else:
            logger.info(
                "worker [%s] died (exit %s); starting another", process.pid, process.exitcode
            )

    def _retire(self) -> None:
        for slot in self.slots:
            self._forget(slot)  # a worker whose socket pair closes stops too
            if slot.process is not None and slot.process.is_alive() and slot.process.pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(slot.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + (self.config.timeout_graceful_shutdown or 30) + 5
        for slot in self.slots:
            if slot.process is None:
                continue
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()

    # -------------------------------------------------------------- the connections

    def _loop(self) -> None:
        self.listener.setblocking(False)
        checked = time.monotonic()
        while not self.stopping:
            self._listen(any(slot.ready for slot in self.slots))
            for key, _ in self.selector.select(timeout=0.5):
                if self.stopping:
                    break
                if key.data is None:
                    self._accept()
                else:
                    self._hear(key.data)
            if time.monotonic() - checked >= 0.5:
                self._replace_dead()
                checked = time.monotonic()

    def _listen(self, wanted: bool) -> None:
        """Accept only while a worker is ready to serve (else the backlog holds them)."""
        if wanted and not self.listening:
            self.selector.register(self.listener, selectors.EVENT_READ, None)
        elif self.listening and not wanted:
            self.selector.unregister(self.listener)
        self.listening = wanted

    def _accept(self) -> None:
        for _ in range(_BATCH):
            if self.stopping:
                return
            try:
                connection, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of descriptors and the like: try again shortly
                self._complain(f"accept failed: {exc}")
                time.sleep(0.05)
                return
            with connection:
                self._deal(connection)

    def _deal(self, connection: socket.socket) -> None:
        count = len(self.slots)
        for step in range(count):
            i = (self.turn + step) % count
            slot = self.slots[i]
            if not slot.ready or slot.channel is None:
                continue
            try:
                socket.send_fds(slot.channel, [b"c"], [connection.fileno()], socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):  # its queue is full: the next one
                continue
            except OSError:  # gone: _hear or _replace_dead will see to it
                slot.ready = False
                continue
            self.turn = (i + 1) % count
            return
        self._complain("every worker's queue is full; a connection was closed")

    def _complain(self, message: str) -> None:
        now = time.monotonic()
        if now - self.last_complaint >= 1.0:  # at most once a second
            logger.error(message)
            self.last_complaint = now


# ------------------------------------------------------------------------------ the worker


def _worker(config: uvicorn.Config, channel: socket.socket) -> None:
    """A worker process: uvicorn serving the connections that arrive on ``channel``."""
    os.setpgrp()  # Ctrl-C in a terminal reaches the parent only, which stops the workers
    config.configure_logging()
    try:
        config.load()  # the application and the TLS context
    except SystemExit:  # uvicorn has said why (an application it cannot import)
        logger.error("worker [%d] cannot start (see above)", os.getpid())
        raise SystemExit(_STARTUP_FAILURE) from None
    except Exception as exc:  # said in one line, not a traceback per worker
        logger.error("worker [%d] cannot start: %s", os.getpid(), exc)
        raise SystemExit(_STARTUP_FAILURE) from None
    with contextlib.suppress(KeyboardInterrupt):
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
        with contextlib.suppress(OSError):  # (a parent that is gone: _receive sees it)
            self.channel.send(_READY)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.channel.fileno() >= 0:
            asyncio.get_running_loop().remove_reader(self.channel.fileno())
            self.channel.close()  # connections still queued on it are closed with it
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
            if self.should_exit:  # stopping: not served (it would miss the shutdown)
                connection.close()
                continue
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
