"""Rate limits: how many attempts a client may make in a window (enrolment codes, back-office logins)."""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimit:
    """At most `attempts` per `seconds` for each key; `hit` returns the seconds to wait, or 0."""

    def __init__(self, attempts: int, seconds: float, clock=time.monotonic):
        self.attempts, self.seconds, self.clock = attempts, seconds, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int:
        now = self.clock()
        with self._lock:
            q = self._hits.setdefault(key, deque())
            while q and q[0] <= now - self.seconds:
                q.popleft()
            if len(q) >= self.attempts:
                return max(1, int(q[0] + self.seconds - now) + 1)
            q.append(now)
            if len(self._hits) > 10_000:            # forget idle clients
                for k in [k for k, v in self._hits.items() if not v][:5000]:
                    del self._hits[k]
            return 0
