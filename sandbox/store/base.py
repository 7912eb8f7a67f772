"""What the sandbox keeps between requests, and the interface every backend offers.

Only OAuth state lives here (codes, hosted-flow sessions, grants and their refresh
tokens, consents, revoked token ids). Patient records are never stored: they are a pure
function of the seed. Secrets are kept as SHA-256 digests, never in clear.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Protocol

from sandbox.identity import PatientRef


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class AuthCode:
    client_id: str
    redirect_uri: str
    scope: tuple[str, ...]
    patient: PatientRef
    code_challenge: str | None
    expires_at: float
    faults: tuple[str, ...] = ()
    used: bool = False
    # The grant family this code produced, so a replay can revoke it.
    grant_id: str | None = None


@dataclass
class Flow:
    """One patient's walk through the hosted pages, between authorize and the redirect."""

    flow_id: str
    client_id: str
    redirect_uri: str
    state: str
    scope: tuple[str, ...]
    patient: PatientRef
    code_challenge: str | None
    created_at: float
    faults: tuple[str, ...] = ()
    email_verified: bool = False
    connected: list[str] = field(default_factory=list)  # health-system ids
    otp_pending: str | None = None  # health-system id awaiting a one-time code


@dataclass
class Grant:
    """A refresh-token family: every token issued from one authorization."""

    grant_id: str
    client_id: str
    patient: PatientRef
    scope: tuple[str, ...]
    created_at: float
    faults: tuple[str, ...] = ()  # fault tags of the patient's email, for the whole session
    revoked: bool = False
    # Access tokens issued before this instant count as expired (sandbox controls).
    expired_before: float = 0.0


@dataclass
class RefreshRecord:
    grant_id: str
    expires_at: float
    rotated: bool = False


@dataclass
class Consent:
    client_id: str
    patient: PatientRef
    granted_at: float
    revoked_at: float | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Store(Protocol):
    # Hosted flows
    def put_flow(self, flow: Flow) -> None: ...
    def get_flow(self, flow_id: str) -> Flow | None: ...
    def drop_flow(self, flow_id: str) -> None: ...

    # Authorization codes (stored by hash)
    def put_code(self, code: str, record: AuthCode) -> None: ...
    def take_code(self, code: str) -> tuple[AuthCode | None, bool]:
        """Atomically mark a code used. Returns (record, first_use)."""
        ...
    def bind_code_grant(self, code: str, grant_id: str) -> None: ...

    # Grants and refresh tokens
    def put_grant(self, grant: Grant) -> None: ...
    def get_grant(self, grant_id: str) -> Grant | None: ...
    def grants(self) -> list[Grant]: ...
    def expire_grant(self, grant_id: str, at: float) -> None:
        """Expire every access and refresh token the grant issued until `at`."""
        ...
    def revoke_grants(self, *, grant_id: str | None = None, client_id: str | None = None,
                      patient_id: str | None = None) -> int: ...
    def put_refresh(self, token: str, record: RefreshRecord) -> None: ...
    def rotate_refresh(self, token: str) -> tuple[RefreshRecord | None, bool]:
        """Atomically mark a refresh token rotated. Returns (record, first_use)."""
        ...
    def get_refresh(self, token: str) -> RefreshRecord | None: ...
    def expire_refresh(self, *, grant_id: str | None = None, token: str | None = None,
                       at: float) -> int: ...

    # Access-token revocation and forced expiry, by token id
    def revoke_access(self, jti: str) -> None: ...
    def is_access_revoked(self, jti: str) -> bool: ...
    def expire_access(self, jti: str) -> None: ...
    def is_access_expired(self, jti: str) -> bool: ...

    # Consents and the patients behind them
    def grant_consent(self, consent: Consent) -> None: ...
    def get_consent(self, client_id: str, patient_id: str) -> Consent | None: ...
    def revoke_consent(self, client_id: str, patient_id: str, at: float) -> bool: ...
    def consents(self) -> list[Consent]: ...
    def remember_patient(self, patient: PatientRef) -> None: ...
    def patient(self, patient_id: str) -> PatientRef | None: ...

    def clear(self) -> None: ...
