"""The in-memory store: one lock, so every operation is atomic under concurrent requests."""

from __future__ import annotations

import threading

from sandbox.identity import PatientRef
from sandbox.store.base import AuthCode, Consent, Flow, Grant, RefreshRecord, token_hash

# Hosted flows left unfinished are forgotten oldest-first past this many.
MAX_FLOWS = 10_000


class MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._flows: dict[str, Flow] = {}
            self._codes: dict[str, AuthCode] = {}
            self._grants: dict[str, Grant] = {}
            self._refresh: dict[str, RefreshRecord] = {}
            self._revoked_jti: set[str] = set()
            self._expired_jti: set[str] = set()
            self._consents: dict[tuple[str, str], Consent] = {}
            self._patients: dict[str, PatientRef] = {}

    # Hosted flows
    def put_flow(self, flow: Flow) -> None:
        with self._lock:
            if len(self._flows) >= MAX_FLOWS:
                self._flows.pop(next(iter(self._flows)))
            self._flows[flow.flow_id] = flow

    def get_flow(self, flow_id: str) -> Flow | None:
        with self._lock:
            return self._flows.get(flow_id)

    def drop_flow(self, flow_id: str) -> None:
        with self._lock:
            self._flows.pop(flow_id, None)

    # Codes
    def put_code(self, code: str, record: AuthCode) -> None:
        with self._lock:
            self._codes[token_hash(code)] = record

    def take_code(self, code: str) -> tuple[AuthCode | None, bool]:
        with self._lock:
            record = self._codes.get(token_hash(code))
            if record is None:
                return None, False
            first = not record.used
            record.used = True
            return record, first

    def bind_code_grant(self, code: str, grant_id: str) -> None:
        with self._lock:
            record = self._codes.get(token_hash(code))
            if record is not None:
                record.grant_id = grant_id

    # Grants and refresh tokens
    def put_grant(self, grant: Grant) -> None:
        with self._lock:
            self._grants[grant.grant_id] = grant

    def get_grant(self, grant_id: str) -> Grant | None:
        with self._lock:
            return self._grants.get(grant_id)

    def grants(self) -> list[Grant]:
        with self._lock:
            return list(self._grants.values())

    def expire_grant(self, grant_id: str, at: float) -> None:
        with self._lock:
            grant = self._grants.get(grant_id)
            if grant is not None:
                grant.expired_before = at
            for record in self._refresh.values():
                if record.grant_id == grant_id:
                    record.expires_at = min(record.expires_at, at)

    def revoke_grants(self, *, grant_id: str | None = None, client_id: str | None = None,
                      patient_id: str | None = None) -> int:
        count = 0
        with self._lock:
            for grant in self._grants.values():
                if grant.revoked:
                    continue
                if grant_id is not None and grant.grant_id != grant_id:
                    continue
                if client_id is not None and grant.client_id != client_id:
                    continue
                if patient_id is not None and grant.patient.patient_id != patient_id:
                    continue
                grant.revoked = True
                count += 1
        return count

    def put_refresh(self, token: str, record: RefreshRecord) -> None:
        with self._lock:
            self._refresh[token_hash(token)] = record

    def rotate_refresh(self, token: str) -> tuple[RefreshRecord | None, bool]:
        with self._lock:
            record = self._refresh.get(token_hash(token))
            if record is None:
                return None, False
            first = not record.rotated
            record.rotated = True
            return record, first

    def get_refresh(self, token: str) -> RefreshRecord | None:
        with self._lock:
            return self._refresh.get(token_hash(token))

    def expire_refresh(self, *, grant_id: str | None = None, token: str | None = None,
                       at: float) -> int:
        count = 0
        with self._lock:
            wanted = token_hash(token) if token is not None else None
            for key, record in self._refresh.items():
                if (wanted is not None and key == wanted) or (
                        grant_id is not None and record.grant_id == grant_id):
                    record.expires_at = min(record.expires_at, at)
                    count += 1
        return count

    # Access tokens
    def revoke_access(self, jti: str) -> None:
        with self._lock:
            self._revoked_jti.add(jti)

    def is_access_revoked(self, jti: str) -> bool:
        return jti in self._revoked_jti  # set membership is atomic under the GIL

    def expire_access(self, jti: str) -> None:
        with self._lock:
            self._expired_jti.add(jti)

    def is_access_expired(self, jti: str) -> bool:
        return jti in self._expired_jti

    # Consents and patients
    def grant_consent(self, consent: Consent) -> None:
        with self._lock:
            self._consents[(consent.client_id, consent.patient.patient_id)] = consent
            self._patients[consent.patient.patient_id] = consent.patient

    def get_consent(self, client_id: str, patient_id: str) -> Consent | None:
        return self._consents.get((client_id, patient_id))

    def revoke_consent(self, client_id: str, patient_id: str, at: float) -> bool:
        with self._lock:
            consent = self._consents.get((client_id, patient_id))
            if consent is None or not consent.active:
                return False
            consent.revoked_at = at
            return True

    def consents(self) -> list[Consent]:
        with self._lock:
            return list(self._consents.values())

    def remember_patient(self, patient: PatientRef) -> None:
        with self._lock:
            self._patients[patient.patient_id] = patient

    def patient(self, patient_id: str) -> PatientRef | None:
        return self._patients.get(patient_id)
