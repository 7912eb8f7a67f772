"""What a patient's data endpoints show right now: the chart, seen through the knobs.

The chart is fixed (seed + patient). What changes is the view: an EHR connection whose
status a test set to `syncing` or `error` hides its records, and a sandbox clock set
before the data's as-of date hides records created after it. Each visible list is
serialized to JSON once and cached, keyed by the view's version.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from sandbox.clock import Clock
from sandbox.data.chart import Chart, Charts
from sandbox.identity import PatientRef

# Statuses whose records are not served: a connection still syncing has delivered
# nothing yet. `needs_reauth` and `error` keep what was synced before (as aggregators do,
# and as the personas with such connections show).
HIDDEN_STATUSES = frozenset({"syncing"})
CONNECTION_STATUSES = ("connected", "syncing", "needs_reauth", "error")


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class RecordView:
    def __init__(self, charts: Charts, clock: Clock, as_of: datetime, cache_size: int = 512) -> None:
        self.charts = charts
        self._clock = clock
        self._as_of = as_of.timestamp()
        self._lock = threading.Lock()
        self._status: dict[tuple[str, str], str] = {}
        self._version = 0
        self._cache: OrderedDict[tuple[object, ...], tuple[list[str], list[bytes]]] = OrderedDict()
        self._size = cache_size

    def chart(self, patient: PatientRef) -> Chart:
        return self.charts.chart(patient)

    def set_connection_status(self, patient_id: str, connection_id: str, status: str) -> None:
        with self._lock:
            self._status[(patient_id, connection_id)] = status
            self._version += 1

    def reset(self) -> None:
        with self._lock:
            self._status.clear()
            self._version += 1
            self._cache.clear()

    def _visible(self, patient: PatientRef, resource: str, now: datetime | None) -> list[dict[str, Any]]:
        records = list(self.chart(patient).records.get(resource, ()))
        statuses = {c: s for (p, c), s in self._status.items() if p == patient.patient_id}
        if resource == "connections":
            records = [{**r, "status": statuses[r["id"]]} if r["id"] in statuses else r
                       for r in records]
        elif statuses:
            hidden = {c for c, s in statuses.items() if s in HIDDEN_STATUSES}
            records = [r for r in records
                       if (r.get("source") or {}).get("connection_id") not in hidden]
        if now is not None:
            cutoff = now.isoformat().replace("+00:00", "Z")
            records = [r for r in records if str(r.get("created_at", "")) <= cutoff]
        return records

    def records(self, patient: PatientRef, resource: str) -> tuple[list[str], list[bytes]]:
        """(ids, serialized records) of what the endpoint shows now, in the stable order."""
        now = self._clock.now() if self._clock.time() < self._as_of else None
        key = (patient, resource, self._version)
        if now is None:
            with self._lock:
                hit = self._cache.get(key)
                if hit is not None:
                    self._cache.move_to_end(key)
                    return hit
        visible = self._visible(patient, resource, now)
        value = ([r["id"] for r in visible], [dumps(r) for r in visible])
        if now is None:
            with self._lock:
                self._cache[key] = value
                if len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        return value
