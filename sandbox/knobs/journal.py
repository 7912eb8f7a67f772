"""The journal: what a client did, newest first, in a bounded ring.

Every request to the emulated API (/connect/...) is recorded with sandbox and real time,
operation, status, client, patient, faults and validation outcome. Nothing secret is
kept: no bodies, no headers, and the path is shown as `redact.safe_target` allows.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.clock import Clock
from sandbox.redact import safe_target


class Journal:
    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._ids = itertools.count(1)

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["id"] = next(self._ids)
            self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self, **filters: Any) -> list[dict[str, Any]]:
        """Newest first; filters are exact matches on entry fields (None = any)."""
        with self._lock:
            items = list(self._entries)
        wanted = {k: v for k, v in filters.items() if v is not None}
        return [e for e in reversed(items) if all(e.get(k) == v for k, v in wanted.items())]


class JournalMiddleware:
    """Records each /connect/ exchange after it is answered (outside the contract check,
    so the validation outcome and the final status are known)."""

    def __init__(self, app: ASGIApp, journal: Journal, clock: Clock) -> None:
        self.app = app
        self.journal = journal
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/connect/"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            state = scope.get("state", {})
            query = scope.get("query_string", b"").decode("latin-1")
            self.journal.add({
                "sandbox_time": self.clock.now().isoformat().replace("+00:00", "Z"),
                "real_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "request_id": state.get("request_id"),
                "operation": state.get("operation"),
                "method": scope["method"],
                "path": safe_target(scope["path"], query, scope.get("path_params")),
                "status": status,
                "client_id": state.get("client_id"),
                "patient_id": state.get("patient_id"),
                "faults": sorted(state.get("faults", ())),
                "validation": state.get("validation", "off"),
                "latency_ms": round((time.perf_counter() - started) * 1000, 2),
            })
