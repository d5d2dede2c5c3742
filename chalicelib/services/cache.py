"""A tiny per-process read cache with a time-to-live (one Lambda instance = one cache).

It is only ever used for data whose use is re-checked by a transaction condition, so a stale entry
can cost a retry but never a wrong price or an oversell.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable


class TtlCache:
    def __init__(self, ttl_seconds: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._now = monotonic
        self._entries: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] < self._now():
                self._entries.pop(key, None)
                return None
            return entry[1]

    def put(self, key: Any, value: Any) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            self._entries[key] = (self._now() + self._ttl, value)

    def invalidate(self, key: Any) -> None:
        with self._lock:
            self._entries.pop(key, None)
