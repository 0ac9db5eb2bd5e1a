"""Rate limiting of the open endpoints: a token bucket per client address.

In-process: each worker keeps its own buckets, so with ``--workers N`` a client may get up
to N times the rate (connections are spread over the workers by the kernel). Enough to stop
one address from flooding verification or the token endpoint (whose scrypt check is
deliberately slow); a shared limit belongs in the reverse proxy.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from .problems import problem

__all__ = ["RateLimit", "TokenBuckets"]

_MAX_ADDRESSES = 10_000


class TokenBuckets:
    """``rate`` tokens a second per key, at most ``burst`` saved up; a request takes one.

    :param clock: monotonic seconds (tests pass their own).
    """

    def __init__(
        self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when ``key`` may go on (a token is taken), else the seconds until it may."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._remember(key, tokens - 1, now)
                return 0.0
            self._remember(key, tokens, now)
            return (1 - tokens) / self.rate

    def _remember(self, key: str, tokens: float, now: float) -> None:
        if key not in self._buckets and len(self._buckets) >= _MAX_ADDRESSES:
            # Forget the buckets that have filled up again: they hold no information.
            full = self.burst / self.rate
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}
            if len(self._buckets) >= _MAX_ADDRESSES:
                self._buckets.clear()
        self._buckets[key] = (tokens, now)


class RateLimit:
    """ASGI middleware: 429 problem+json with ``Retry-After`` once a client address has
    used up its bucket on one of ``paths`` (exact paths, or prefixes ending in ``/``);
    other paths pass untouched."""

    def __init__(self, app: ASGIApp, *, buckets: TokenBuckets, paths: frozenset[str]) -> None:
        self.app = app
        self.buckets = buckets
        self.paths = paths
        self.prefixes = tuple(p for p in paths if p.endswith("/"))

    def _limited(self, path: str) -> bool:
        return path in self.paths or path.startswith(self.prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._limited(scope["path"]):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "")
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        answer = problem(
            429,
            f"too many requests from this address; retry in {retry} s",
            headers={"Retry-After": str(retry)},
        )
        await answer(scope, receive, send)
