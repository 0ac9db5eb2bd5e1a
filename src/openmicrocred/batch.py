"""Issue and verify many credentials, streaming, on any ``concurrent.futures.Executor``.

Results come back in input order while at most a bounded number of chunks are in flight, so
memory stays flat however long the input is (100,000 credentials or more). The default
executor is a process pool; a thread pool, or a Dask or Ray executor that implements
``concurrent.futures.Executor``, plugs in the same way. Each worker process builds its own
verifier (or loads the signing key) once, in an initializer.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from .issuance import issue
from .keys import Ed25519Key
from .verification.report import VerificationReport
from .verification.verifier import Verifier

__all__ = ["issue_many", "verify_many"]

_worker_verifier: Verifier | None = None
_worker_key: Ed25519Key | None = None
_worker_method: str | None = None


def _init_verifier(factory: Callable[[], Verifier] | None) -> None:
    global _worker_verifier
    _worker_verifier = factory() if factory is not None else Verifier()


def _verify_chunk(chunk: list[Any]) -> list[VerificationReport]:
    verifier = _worker_verifier or Verifier()
    return [verifier.verify(source) for source in chunk]


def _init_signer(key_pem: bytes, method: str | None) -> None:
    global _worker_key, _worker_method
    _worker_key = Ed25519Key.from_pem(key_pem)
    _worker_method = method


def _sign_chunk(chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert _worker_key is not None
    return [issue(c, _worker_key, verification_method=_worker_method) for c in chunk]


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _stream(
    executor: Executor,
    work: Callable[[list[Any]], list[Any]],
    items: Iterable[Any],
    chunk_size: int,
    in_flight: int,
) -> Iterator[Any]:
    pending: deque[Future[list[Any]]] = deque()
    for chunk in _chunks(items, chunk_size):
        pending.append(executor.submit(work, chunk))
        if len(pending) >= in_flight:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def verify_many(
    sources: Iterable[Any],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    verifier_factory: Callable[[], Verifier] | None = None,
    chunk_size: int = 32,
) -> Iterator[VerificationReport]:
    """Verify credentials (anything :meth:`Verifier.verify` takes), yielding reports in order.

    :param executor: where to run; by default a process pool of ``workers`` processes.
        With your own executor, ``verifier_factory`` is not used: the workers build a default
        (offline) verifier unless the executor's initializer set one up.
    :param verifier_factory: a picklable callable that builds each worker's verifier (e.g.
        with a fetcher and trust list).
    :param chunk_size: credentials per task.
    """
    if executor is not None:
        yield from _stream(executor, _verify_chunk, sources, chunk_size, 4 * (workers or 2))
        return
    count = workers or os.cpu_count() or 1
    with ProcessPoolExecutor(
        count, initializer=_init_verifier, initargs=(verifier_factory,)
    ) as pool:
        yield from _stream(pool, _verify_chunk, sources, chunk_size, 4 * count)


def issue_many(
    credentials: Iterable[dict[str, Any]],
    key: Ed25519Key,
    *,
    verification_method: str | None = None,
    executor: Executor | None = None,
    workers: int | None = None,
    chunk_size: int = 32,
) -> Iterator[dict[str, Any]]:
    """Sign credentials with eddsa-rdfc-2022, yielding the signed ones in order.

    The key reaches worker processes once, through the pool's initializer (it never leaves
    this machine). With your own ``executor``, its workers must be able to sign: use a thread
    pool, or set up the key with :func:`_init_signer` as its initializer.
    """
    if executor is not None:
        _init_signer(key.private_pem(), verification_method)
        yield from _stream(executor, _sign_chunk, credentials, chunk_size, 8)
        return
    count = workers or os.cpu_count() or 1
    with ProcessPoolExecutor(
        count, initializer=_init_signer, initargs=(key.private_pem(), verification_method)
    ) as pool:
        yield from _stream(pool, _sign_chunk, credentials, chunk_size, 4 * count)
