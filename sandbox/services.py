"""The objects a request handler needs, built once by `create_app` and kept on app.state."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field

from sandbox.clients import ClientRegistry
from sandbox.clock import Clock
from sandbox.config import Settings
from sandbox.identity import PatientRef
from sandbox.oauth.portals import HealthSystem, load_health_systems
from sandbox.oauth.tokens import TokenService
from sandbox.store import Grant, MemoryStore, Store


@dataclass
class Services:
    settings: Settings
    clock: Clock
    store: Store
    clients: ClientRegistry
    health_systems: dict[str, HealthSystem]
    tokens: TokenService = field(init=False)

    def __post_init__(self) -> None:
        key = self.settings.signing_key or secrets.token_urlsafe(32)
        self.tokens = TokenService(key, self.clock, self.store)

    @classmethod
    def build(cls, settings: Settings) -> Services:
        files = [settings.fixtures_dir / "clients.yaml"]
        if settings.clients_file is not None:
            files.append(settings.clients_file)
        return cls(settings, Clock(), MemoryStore(), ClientRegistry(files),
                   load_health_systems(settings.fixtures_dir))

    def new_grant(self, client_id: str, patient: PatientRef, scope: tuple[str, ...]) -> Grant:
        grant = Grant(uuid.uuid4().hex, client_id, patient, scope, self.clock.time())
        self.store.put_grant(grant)
        return grant
