"""Per-client fixed-window rate limiting under the sandbox clock (off by default).

Headers follow the IETF RateLimit header fields draft (RateLimit-Limit / -Remaining /
-Reset, seconds) and Retry-After (RFC 9110 §10.2.3) on the 429.
"""

from __future__ import annotations

import math
import threading

from sandbox.clock import Clock
from sandbox.errors import RateLimited


class RateLimiter:
    def __init__(self, clock: Clock, limit: int, window: int) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, int], int] = {}
        self.configure(limit, window)

    def configure(self, limit: int, window: int) -> None:
        with self._lock:
            self.limit = limit
            self.window = window
            self._counts.clear()

    def view(self) -> dict[str, int | bool]:
        return {"enabled": self.limit > 0, "limit": self.limit, "window_seconds": self.window}

    def hit(self, client_id: str) -> dict[str, str]:
        """Count a request; the RateLimit headers to send, or RateLimited when over."""
        if self.limit <= 0:
            return {}
        now = self._clock.time()
        window_start = int(now // self.window) * self.window
        reset = max(1, math.ceil(window_start + self.window - now))
        with self._lock:
            if len(self._counts) > 10_000:  # forget old windows
                self._counts = {k: v for k, v in self._counts.items() if k[1] == window_start}
            key = (client_id, window_start)
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
        headers = {"RateLimit-Limit": str(self.limit),
                   "RateLimit-Remaining": str(max(0, self.limit - count)),
                   "RateLimit-Reset": str(reset)}
        if count > self.limit:
            raise RateLimited(f"Rate limit of {self.limit} requests per {self.window} seconds "
                              f"exceeded for this client; retry after {reset} seconds.",
                              reset, headers)
        return headers
