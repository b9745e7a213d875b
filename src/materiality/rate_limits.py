"""Rate limits that keep working: a thread-safe memory storage, and a fallback when Redis is down.

The in-memory storage, made safe for threaded workers:

limits 5.8.0 (the newest release) starts a fresh expiry ``Timer`` thread from
the request thread about every 10 ms, and two threads of a gthread worker can
start the same Timer twice: ``RuntimeError: threads can only be started once``,
a 500 for that respondent (the submission benchmark hit it about once in 2,000
POSTs). Upstream fixed the race in alisaifee/limits#352, not released as of
5.8.0 (the newest on PyPI in November 2026), so ``limits`` stays pinned to 5.8.x,
whose private names the override below replaces (tests/test_rate_limits.py checks
they still exist).

This subclass registers itself for the same ``memory://`` scheme, so the default
configuration picks it up. It purges expired counters inline, at most once a
second and by one thread at a time, and starts no threads at all. Counters
still expire exactly: ``get`` checks each key's expiry on every hit.

The fallback (FallbackRateLimiter) is for the views that count their own limits
(the survey's): they call a rate limiter directly, past Flask-Limiter's decorator,
so Flask-Limiter's own in-memory fallback (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED,
which the login's decorator uses) does not reach them.
"""
from __future__ import annotations

import logging
import threading
import time

from limits import RateLimitItem
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage
from limits.strategies import STRATEGIES

logger = logging.getLogger(__name__)


def storage_options(storage_uri: str) -> dict:
    """Timeouts for a Redis storage: redis-py waits forever by default, so a Redis that
    stopped answering would hold every limited request with it; past the timeout the
    limits count in memory instead (FallbackRateLimiter, Flask-Limiter's fallback)."""
    if storage_uri.split("://", 1)[0] in {"redis", "rediss", "redis+unix"}:
        return {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
    return {}


class ThreadSafeMemoryStorage(MemoryStorage):
    """limits' MemoryStorage without a timer thread per hit."""

    STORAGE_SCHEME = ["memory"]
    #: Seconds between two purges of expired keys (they only cost memory meanwhile).
    PURGE_INTERVAL = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        self._purge_lock = threading.Lock()
        self._next_purge = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:
        """Replaces the parent's private hook, which every hit calls (incr, acquire_entry...)."""
        now = time.monotonic()
        if now < self._next_purge or not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._next_purge = now + self.PURGE_INTERVAL
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
        finally:
            self._purge_lock.release()


class FallbackRateLimiter:
    """Counts hits in the shared storage (Redis); while it is unreachable, in this process's memory.

    A survey must not answer 500 because Redis is down: the limits then hold per
    process (each instance counts its own requests) until Redis answers again,
    which is tried again every RETRY_SECONDS. The counts kept meanwhile are
    dropped; a minute's window starts afresh.
    """

    #: Seconds between two tries of an unreachable storage (each try may wait for its timeout).
    RETRY_SECONDS = 5.0

    def __init__(self, storage: Storage, strategy: str = "fixed-window") -> None:
        self.storage = storage
        self._shared = STRATEGIES[strategy](storage)
        self._local = STRATEGIES[strategy](ThreadSafeMemoryStorage())
        base = storage.base_exceptions
        self._storage_errors = (StorageError, *(base if isinstance(base, tuple) else (base,)))
        #: time.monotonic() at which to try the storage again; 0.0 while it answers.
        self._retry_at = 0.0

    @property
    def storage_down(self) -> bool:
        """True while the last try of the shared storage failed (hits count in memory)."""
        return self._retry_at != 0.0

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one request; False once the limit is used up."""
        if self._retry_at and time.monotonic() < self._retry_at:
            return self._local.hit(item, *identifiers)
        try:
            allowed = self._shared.hit(item, *identifiers)
        except self._storage_errors as error:
            if not self._retry_at:
                logger.warning("Rate-limit storage unreachable (%s): counting in memory", error)
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            return self._local.hit(item, *identifiers)
        if self._retry_at:
            logger.warning("Rate-limit storage answers again")
            self._retry_at = 0.0
        return allowed

    def storage_answers(self) -> bool:
        """Ask the shared storage now (a Redis PING); for the health check."""
        try:
            return bool(self.storage.check())
        except self._storage_errors:
            return False
