"""Deterministic randomness: every stream is seeded from sha256(seed:patient:stream).

Never Python's salted `hash()`: the same (seed, patient, stream) gives the same numbers in
every process. Each resource draws from its own stream, so adding a field to one resource
does not shift the values of the others.
"""

from __future__ import annotations

import hashlib
import random
import threading
from datetime import UTC, date, datetime, timedelta

from faker import Faker

_local = threading.local()


def digest(*parts: object) -> bytes:
    return hashlib.sha256(":".join(map(str, parts)).encode()).digest()


def sub_seed(*parts: object) -> int:
    return int.from_bytes(digest(*parts)[:8], "big")


def unit(*parts: object) -> float:
    """A uniform number in [0, 1) fixed by `parts` (no stream state involved)."""
    return sub_seed(*parts) / 2**64


def stream(seed: int, patient_id: str, name: str) -> random.Random:
    return random.Random(sub_seed(seed, patient_id, name))


def faker_for(seed: int, patient_id: str, name: str) -> Faker:
    """A per-thread Faker (building one costs ~30 ms), reseeded for this stream."""
    fake: Faker | None = getattr(_local, "faker", None)
    if fake is None:
        fake = Faker("en_US")
        _local.faker = fake
    fake.seed_instance(sub_seed(seed, patient_id, name, "faker"))
    return fake


def record_id(prefix: str, seed: int, patient_id: str, resource: str, key: str) -> str:
    return prefix + digest(seed, patient_id, resource, key).hex()[:20]


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is UTC:
        return moment
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso_dt(moment: datetime) -> str:
    """YYYY-MM-DDTHH:MM:SSZ (seconds precision, UTC)."""
    return as_utc(moment).isoformat()[:19] + "Z"


def iso_d(day: date) -> str:
    return day.isoformat()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def years_before(moment: date, years: float) -> date:
    return moment - timedelta(days=round(years * 365.25))


def age_years(birth: date, on: date) -> float:
    return (on - birth).days / 365.25


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
