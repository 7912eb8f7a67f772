"""One closed vocabulary of faults, checked where the real failure would happen.

A fault is a name; each applies at one or more points of the flow (authorize, the
hosted portal login, token, data) and is rendered there as a response the OpenAPI
document declares. Three triggers feed the same check:
1. rules registered through POST /_sandbox/faults (match, count, probability, after N);
2. the `X-Sandbox-Fault` request header (this request only);
3. fault tags in the patient's email (`jane+rate_limited@example.com`): every request
   of that patient's session carries the fault.
"""

from __future__ import annotations

import itertools
import random
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import (
    ApiError,
    ConnectionUnavailable,
    InsufficientScope,
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidToken,
    RateLimited,
    ServerError,
    TemporarilyUnavailable,
)

POINTS = ("authorize", "portal", "token", "data")
RETRY_AFTER = 30


@dataclass(frozen=True)
class Fault:
    name: str
    points: tuple[str, ...]
    description: str
    error: Callable[[], ApiError] | None = None  # JSON points; authorize renders a redirect


def _why(what: str) -> str:
    return f"{what} (sandbox fault)"


CATALOGUE: dict[str, Fault] = {f.name: f for f in (
    Fault("access_denied", ("authorize",), "authorize redirects with error=access_denied"),
    Fault("portal_down", ("portal",), "every EHR portal login answers 'portal unavailable'"),
    Fault("invalid_grant", ("token",), "the code or refresh token is refused as if expired",
          lambda: InvalidGrant(_why("The grant expired. Start again at authorize."))),
    Fault("invalid_client", ("token",), "client authentication fails",
          lambda: InvalidClient(_why("Client authentication failed."))),
    Fault("invalid_token", ("data",), "401 invalid_token although the token is fresh",
          lambda: InvalidToken(_why("The access token expired; refresh it and retry once."))),
    Fault("insufficient_scope", ("data",), "403 insufficient_scope",
          lambda: InsufficientScope(_why("The access token does not allow this request."))),
    Fault("rate_limited", ("token", "data"), "429 rate_limited with Retry-After",
          lambda: RateLimited(_why(f"Too many requests; retry after {RETRY_AFTER} seconds."),
                              RETRY_AFTER)),
    Fault("server_error", ("authorize", "token", "data"),
          "500 server_error (authorize: an error redirect)",
          lambda: ServerError(_why("The server failed to answer."))),
    Fault("temporarily_unavailable", ("authorize", "token", "data"),
          "503 temporarily_unavailable with Retry-After (authorize: an error redirect)",
          lambda: TemporarilyUnavailable(_why("The service is temporarily unavailable; retry "
                                              f"after {RETRY_AFTER} seconds."), RETRY_AFTER)),
    Fault("ehr_connection_error", ("data",), "502: an EHR connection behind the patient failed",
          lambda: ConnectionUnavailable(_why("An EHR connection behind this patient failed; "
                                             "retry later."))),
    Fault("latency", POINTS, "adds latency: latency=MS or latency=MIN-MAX (seeded)"),
)}
AUTHORIZE_REDIRECTS = {"access_denied": "The patient declined to share their records.",
                       "server_error": "The authorization server failed.",
                       "temporarily_unavailable": "The authorization server is temporarily "
                                                  "unavailable; try again later."}
LATENCY_RE = re.compile(r"^latency=(\d{1,5})(?:-(\d{1,5}))?$")
MAX_LATENCY_MS = 30_000


@dataclass
class Requested:
    """What one request carries: fault names and an optional latency range (ms)."""

    names: set[str] = field(default_factory=set)
    latency: tuple[int, int] | None = None


def parse_names(text: str, source: str) -> Requested:
    """Parse `name, name, latency=100-300` (header) or email tags; unknown names are a 400."""
    out = Requested()
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        match = LATENCY_RE.match(raw)
        if match:
            low = int(match.group(1))
            high = int(match.group(2) or low)
            if high < low or high > MAX_LATENCY_MS:
                raise InvalidRequest(f"{source}: latency must be MS or MIN-MAX with MIN <= MAX "
                                     f"<= {MAX_LATENCY_MS}")
            out.latency = (low, high)
        elif raw in CATALOGUE and raw != "latency":
            out.names.add(raw)
        else:
            raise InvalidRequest(f"{source}: unknown fault {raw!r}; the faults are "
                                 f"{', '.join(CATALOGUE)}")
    return out


def split_email_tags(email: str) -> tuple[str, tuple[str, ...]]:
    """`jane+rate_limited@example.com` -> (`jane@example.com`, ("rate_limited",)).

    Only tags that name a fault are taken off; other plus-tags stay part of the address."""
    local, at, domain = email.partition("@")
    parts = local.split("+")
    faults = tuple(p for p in parts[1:] if p in CATALOGUE and p != "latency")
    kept = [parts[0], *(p for p in parts[1:] if p not in faults)]
    return "+".join(kept) + at + domain, faults


@dataclass
class Match:
    operation: str | None = None
    path: str | None = None  # a prefix of the request path
    method: str | None = None
    client_id: str | None = None
    patient_id: str | None = None
    resource: str | None = None

    def accepts(self, ctx: dict[str, Any]) -> bool:
        for key, want in vars(self).items():
            if want is None:
                continue
            have = str(ctx.get(key) or "")
            if key == "path":
                ok = have.startswith(want)
            elif key == "method":
                ok = have == want.upper()
            else:
                ok = have == want
            if not ok:
                return False
        return True


_ids = itertools.count(1)


@dataclass
class Rule:
    fault: str
    match: Match
    times: int | None = None        # None: until removed
    probability: float | None = None
    seed: int = 0
    after: int = 0                  # let the first N matching requests through
    latency: tuple[int, int] | None = None
    id: str = field(default_factory=lambda: f"flt_{next(_ids)}")
    seen: int = 0
    fired: int = 0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else self.times - self.fired

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "fault": self.fault,
                "match": {k: v for k, v in vars(self.match).items() if v is not None},
                "times": self.times, "remaining": self.remaining, "probability": self.probability,
                "seed": self.seed, "after": self.after,
                "latency_ms": list(self.latency) if self.latency else None,
                "matched": self.seen, "fired": self.fired}


class FaultRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            self._rules[rule.id] = rule
        return rule

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            return self._rules.pop(rule_id, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def active(self) -> list[Rule]:
        with self._lock:
            return list(self._rules.values())

    def draw(self, point: str, ctx: dict[str, Any]) -> Requested:
        """The faults the registered rules fire for this request at this point."""
        out = Requested()
        with self._lock:
            for rule in list(self._rules.values()):
                if point not in CATALOGUE[rule.fault].points or not rule.match.accepts(ctx):
                    continue
                rule.seen += 1
                if rule.seen <= rule.after:
                    continue
                if rule.probability is not None and rule._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.fault == "latency":
                    out.latency = rule.latency
                else:
                    out.names.add(rule.fault)
                if rule.times is not None and rule.fired >= rule.times:
                    del self._rules[rule.id]
        return out


def first_error(names: Iterable[str], point: str) -> tuple[str, ApiError] | None:
    """The error of the first fault (catalogue order) that applies at `point`."""
    wanted = set(names)
    for fault in CATALOGUE.values():
        if fault.name in wanted and point in fault.points and fault.error is not None:
            return fault.name, fault.error()
    return None
