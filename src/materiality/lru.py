"""A bounded, thread-safe least-recently-used cache, for the per-process caches of the
report pages (``report.cache``) and the survey pages (``survey.page_cache``)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class LRUCache:
    """A bounded, thread-safe least-recently-used mapping (entries and total bytes)."""

    def __init__(self, max_entries: int, max_bytes: int | None = None) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._data: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        """The value kept under ``key`` (now the most recent), or None."""
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int = 0) -> None:
        """Keep ``value`` (of ``size`` bytes), dropping the least recently used if full."""
        with self._lock:
            if key in self._data:
                self._bytes -= self._data.pop(key)[1]
            self._data[key] = (value, size)
            self._bytes += size
            while len(self._data) > self.max_entries or (
                    self.max_bytes is not None and self._bytes > self.max_bytes
                    and len(self._data) > 1):
                self._bytes -= self._data.popitem(last=False)[1][1]

    def get_or_make(self, key: Hashable, make: Callable[[], T],
                    size: Callable[[T], int] | None = None) -> T:
        """The value under ``key``, made (outside the lock) and kept when missing."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value, size(value) if size else 0)
        return value

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0
