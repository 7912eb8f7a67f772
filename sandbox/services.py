"""The objects a request handler needs, built once by `create_app` and kept on app.state."""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass, field

from starlette.requests import Request

from sandbox.clients import ClientRegistry
from sandbox.clock import Clock
from sandbox.config import Settings
from sandbox.contract import Contract
from sandbox.data.chart import Charts
from sandbox.identity import PatientRef
from sandbox.knobs.faults import FaultRegistry
from sandbox.knobs.journal import Journal
from sandbox.knobs.ratelimit import RateLimiter
from sandbox.oauth.portals import HealthSystem, load_health_systems
from sandbox.oauth.tokens import TokenService
from sandbox.record_view import RecordView
from sandbox.store import Grant, MemoryStore, Store


@dataclass
class Services:
    settings: Settings
    clock: Clock
    store: Store
    clients: ClientRegistry
    health_systems: dict[str, HealthSystem]
    contract: Contract
    records: RecordView
    tokens: TokenService = field(init=False)
    faults: FaultRegistry = field(init=False)
    rate_limiter: RateLimiter = field(init=False)
    journal: Journal = field(init=False)
    latency_rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        key = self.settings.signing_key or secrets.token_urlsafe(32)
        self.tokens = TokenService(key, self.clock, self.store)
        self.faults = FaultRegistry()
        self.rate_limiter = RateLimiter(self.clock, self.settings.rate_limit,
                                        self.settings.rate_limit_window)
        self.journal = Journal(self.settings.journal_size)
        self.latency_rng = random.Random(self.settings.seed)

    def reset(self) -> None:
        """Back to the start state: codes, tokens, consents, faults, clock, journal, limits."""
        self.store.clear()
        self.faults.clear()
        self.clock.reset()
        self.journal.clear()
        self.records.reset()
        self.rate_limiter.configure(self.settings.rate_limit, self.settings.rate_limit_window)
        self.latency_rng.seed(self.settings.seed)

    @staticmethod
    def of(request: Request) -> Services:
        """The services of the app serving `request`."""
        services: Services = request.app.state.services
        return services

    @classmethod
    def build(cls, settings: Settings) -> Services:
        files = [settings.fixtures_dir / "clients.yaml"]
        if settings.clients_file is not None:
            files.append(settings.clients_file)
        clock = Clock()
        charts = Charts(settings.seed, settings.fixtures_dir, settings.data_as_of)
        return cls(settings, clock, MemoryStore(), ClientRegistry(files),
                   load_health_systems(settings.fixtures_dir), Contract(settings.openapi_dir),
                   RecordView(charts, clock, settings.data_as_of))

    def new_grant(self, client_id: str, patient: PatientRef, scope: tuple[str, ...],
                  faults: tuple[str, ...] = ()) -> Grant:
        grant = Grant(uuid.uuid4().hex, client_id, patient, scope, self.clock.time(), faults)
        self.store.put_grant(grant)
        return grant
