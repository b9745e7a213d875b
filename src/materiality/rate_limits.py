"""The in-memory rate-limit storage, made safe for threaded workers.

limits 5.8.0 (the newest release) starts a fresh expiry ``Timer`` thread from
the request thread about every 10 ms, and two threads of a gthread worker can
start the same Timer twice: ``RuntimeError: threads can only be started once``,
a 500 for that respondent (the submission benchmark hit it about once in 2,000
POSTs). Upstream fixed the race in alisaifee/limits#352, not yet released.

This subclass registers itself for the same ``memory://`` scheme, so the default
configuration picks it up. It purges expired counters inline, at most once a
second and by one thread at a time, and starts no threads at all. Counters
still expire exactly: ``get`` checks each key's expiry on every hit.
"""
from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage


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
