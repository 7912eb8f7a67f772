"""The OAuth lifecycle as a hypothesis state machine, against a small model.

Rules drive authorize (auto-approve), code exchange (fresh, reused, expired), refresh
(current, rotated = replayed), clock moves, consent revocation, token minting and data
calls. After every step the invariants ask the sandbox what the model predicts: which
access tokens work (200), which are refused (401 invalid_token, and why), which consents
are active. Defaults throughout: access 21600 s, refresh 30 days, code 600 s, rotation on,
a replayed refresh token revokes its family, a reused code revokes what it issued.

The sandbox clock is frozen in each example and moved in multiples of 100 s, so "expired"
is exact: every lifetime is a multiple of 100 s and no boundary depends on wall time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from starlette.testclient import TestClient

from sandbox.identity import patient_id_for_email
from sandbox.testing import DEFAULT_CLIENT_ID, authorize, exchange_code, query_of, refresh
from tests.conftest import make_client

ACCESS_TTL, REFRESH_TTL, CODE_TTL = 21600, 30 * 24 * 3600, 600
EMAILS = ("linda.diabetes@example.com", "sam.statemachine@example.com")
ADVANCES = (100, 500, 600, 3600, 21500, 21600, 86400, REFRESH_TTL - 100, REFRESH_TTL)
CHECKED_TOKENS = 4  # the newest access tokens checked by the invariant after every step
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@dataclass
class Family:
    """A grant: every token issued from one code exchange or one mint."""

    patient: str
    revoked: bool = False


@dataclass
class Access:
    token: str
    family: Family
    expires_at: int


@dataclass
class Refresh:
    token: str
    family: Family
    expires_at: int
    rotated: bool = False


@dataclass
class Code:
    code: str
    email: str
    expires_at: int
    used: bool = False
    family: Family | None = None


@dataclass
class Stats:
    examples: int = 0
    steps: int = 0
    rules: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)

    def note(self, rule_name: str, outcome: str) -> None:
        self.steps += 1
        self.rules[rule_name] = self.rules.get(rule_name, 0) + 1
        key = f"{rule_name}:{outcome}"
        self.outcomes[key] = self.outcomes.get(key, 0) + 1


STATS = Stats()


class OAuthLifecycle(RuleBasedStateMachine):
    client: ClassVar[TestClient]

    def __init__(self) -> None:
        super().__init__()
        self.now = 0  # model time: seconds advanced since the example started
        # email -> patient_id: a pure function of seed and email (checked against responses)
        self.patients = {email: patient_id_for_email(42, email) for email in EMAILS}
        self.consent: dict[str, bool] = {}  # patient_id -> active (for the default client)
        self.codes: list[Code] = []
        self.access: list[Access] = []
        self.refresh_tokens: list[Refresh] = []

    # Set-up: a clean sandbox with a frozen clock, for every example
    @initialize()
    def reset(self) -> None:
        STATS.examples += 1
        assert self.client.post("/_sandbox/reset").status_code == 200
        assert self.client.post("/_sandbox/clock", json={"freeze": True}).status_code == 200

    # Helpers
    def _learn(self, email: str, patient_id: str) -> None:
        assert self.patients[email] == patient_id, "one email, one patient"

    def _issue(self, body: dict[str, Any], family: Family) -> None:
        assert body["token_type"] == "Bearer" and body["expires_in"] == ACCESS_TTL
        assert set(body["scope"].split()) == {"patient:read-all", "offline_access"}
        self.access.append(Access(body["access_token"], family, self.now + ACCESS_TTL))
        self.refresh_tokens.append(Refresh(body["refresh_token"], family, self.now + REFRESH_TTL))

    def _revoke_patient(self, patient_id: str) -> None:
        for family in {id(t.family): t.family for t in [*self.access, *self.refresh_tokens]}.values():
            if family.patient == patient_id:
                family.revoked = True
        for code in self.codes:
            if code.family is not None and code.family.patient == patient_id:
                code.family.revoked = True

    def _expect_access(self, token: Access) -> tuple[int, str]:
        """(status, reason) the model predicts for a data call with this token."""
        if token.family.revoked:
            return 401, "revoked"
        if self.now >= token.expires_at:
            return 401, "expired"
        if not self.consent.get(token.family.patient, False):
            return 401, "revoked sharing"
        return 200, ""

    def _call_data(self, token: Access, patient_id: str) -> Any:
        return self.client.get(f"/connect/api/v1/patients/{patient_id}/medications",
                               params={"limit": 1},
                               headers={"Authorization": f"Bearer {token.token}"})

    def _assert_data(self, token: Access, patient_id: str) -> str:
        status, reason = self._expect_access(token)
        if status == 200 and patient_id != token.family.patient:
            status, reason = 403, "insufficient_scope"
        response = self._call_data(token, patient_id)
        assert response.status_code == status, (status, reason, response.text)
        if status == 401:
            body = response.json()
            assert body["error"] == "invalid_token"
            assert reason in body["error_description"], (reason, body)
            assert 'error="invalid_token"' in response.headers["www-authenticate"]
        elif status == 403:
            assert response.json()["error"] == "insufficient_scope"
        else:
            assert response.json()["data"] is not None
        return reason or str(status)

    # Rules
    @rule(email=st.sampled_from(EMAILS))
    def authorize(self, email: str) -> None:
        response = authorize(self.client, email=email)
        assert response.status_code == 302, response.text
        callback = query_of(response.headers["location"])
        assert callback["code"].startswith("ac_")
        self.codes.append(Code(callback["code"], email, self.now + CODE_TTL))
        self.consent[self.patients[email]] = True  # approving records the consent
        STATS.note("authorize", "code")

    @rule(email=st.sampled_from(EMAILS), late=st.sampled_from((False, False, True)))
    def authorize_and_exchange(self, email: str, late: bool) -> None:
        """The common path in one step (so fresh exchanges are frequent); `late` lets the
        code's 600 s run out first."""
        self.authorize(email)
        if late:
            self.advance_clock(CODE_TTL)
        self._exchange(self.codes[-1])

    @precondition(lambda self: self.codes)
    @rule(data=st.data())
    def exchange(self, data: st.DataObject) -> None:
        self._exchange(data.draw(st.sampled_from(self.codes), label="code"))

    def _exchange(self, code: Code) -> None:
        response = exchange_code(self.client, code.code)
        if code.used:
            outcome = "reused"
            if code.family is not None:
                code.family.revoked = True  # a reused code revokes what it issued
        elif self.now >= code.expires_at:
            outcome = "expired"
        else:
            consent_ok = self.consent.get(self.patients[code.email], False)
            outcome = "issued" if consent_ok else "consent_revoked"
        code.used = True
        if outcome == "issued":
            assert response.status_code == 200, response.text
            body = response.json()
            self._learn(code.email, body["patient_id"])
            code.family = Family(body["patient_id"])
            self._issue(body, code.family)
        else:
            assert response.status_code == 400, (outcome, response.text)
            assert response.json()["error"] == "invalid_grant", response.text
        STATS.note("exchange", outcome)

    @precondition(lambda self: self.refresh_tokens)
    @rule(data=st.data())
    def refresh(self, data: st.DataObject) -> None:
        self._refresh(data.draw(st.sampled_from(self.refresh_tokens), label="refresh token"))

    @precondition(lambda self: self.refresh_tokens)
    @rule()
    def refresh_then_replay(self) -> None:
        """A client that refreshes, then retries with the old token (the theft signal)."""
        token = self.refresh_tokens[-1]
        self._refresh(token)
        self._refresh(token)

    def _refresh(self, token: Refresh) -> None:
        response = refresh(self.client, token.token)
        family = token.family
        if family.revoked or not self.consent.get(family.patient, False):
            outcome = "revoked"
        elif self.now >= token.expires_at:
            outcome = "expired"
        elif token.rotated:
            outcome = "replayed"
            family.revoked = True  # the whole family
        else:
            outcome = "rotated"
            token.rotated = True
        if outcome == "rotated":
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["refresh_token"] != token.token
            assert body["patient_id"] == family.patient
            self._issue(body, family)
        else:
            assert response.status_code == 400, (outcome, response.text)
            assert response.json()["error"] == "invalid_grant", response.text
        STATS.note("refresh", outcome)

    @rule(seconds=st.sampled_from(ADVANCES))
    def advance_clock(self, seconds: int) -> None:
        services = self.client.app.state.services  # type: ignore[attr-defined]
        services.clock.advance(seconds)
        self.now += seconds
        STATS.note("advance_clock", str(seconds))

    @rule(email=st.sampled_from(EMAILS))
    def revoke_consent(self, email: str) -> None:
        patient_id = self.patients[email]
        response = self.client.post("/_sandbox/consents/revoke",
                                    json={"client_id": DEFAULT_CLIENT_ID, "patient_id": patient_id})
        if self.consent.get(patient_id, False):
            assert response.status_code == 200, response.text
            self.consent[patient_id] = False
            self._revoke_patient(patient_id)
            STATS.note("revoke_consent", "revoked")
        else:
            assert response.status_code == 404, response.text
            STATS.note("revoke_consent", "none active")

    @rule(email=st.sampled_from(EMAILS))
    def mint(self, email: str) -> None:
        response = self.client.post("/_sandbox/tokens", json={"email": email})
        assert response.status_code == 201, response.text
        body = response.json()
        self._learn(email, body["patient_id"])
        self.consent[body["patient_id"]] = True
        self._issue(body, Family(body["patient_id"]))
        STATS.note("mint", "issued")

    @precondition(lambda self: self.access)
    @rule(data=st.data(), other_patient=st.booleans())
    def data_call(self, data: st.DataObject, other_patient: bool) -> None:
        token = data.draw(st.sampled_from(self.access), label="access token")
        patient_id = token.family.patient
        if other_patient:
            patient_id = next(p for p in self.patients.values() if p != patient_id)
        STATS.note("data_call", self._assert_data(token, patient_id))

    # Invariants
    @invariant()
    def consents_agree(self) -> None:
        listed = self.client.get("/_sandbox/consents").json()["data"]
        active = {c["patient_id"]: c["active"] for c in listed if c["client_id"] == DEFAULT_CLIENT_ID}
        for patient_id, expected in self.consent.items():
            assert active.get(patient_id) == expected, (patient_id, expected, active)

    @invariant()
    def newest_access_tokens_agree(self) -> None:
        for token in self.access[-CHECKED_TOKENS:]:
            self._assert_data(token, token.family.patient)


@pytest.fixture(scope="module")
def shared_client() -> Iterator[TestClient]:
    with make_client(consent_mode="auto-approve") as client:
        yield client


def test_oauth_lifecycle_agrees_with_the_model(shared_client: TestClient) -> None:
    OAuthLifecycle.client = shared_client
    run_state_machine_as_test(OAuthLifecycle, settings=settings(
        max_examples=80, stateful_step_count=30, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        database=None))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "state-machine.json").write_text(json.dumps(
        {"examples": STATS.examples, "steps": STATS.steps, "rules": STATS.rules,
         "outcomes": dict(sorted(STATS.outcomes.items()))}, indent=2))
    print(f"OAuth state machine: {STATS.examples} examples, {STATS.steps} steps; "
          f"outcomes {dict(sorted(STATS.outcomes.items()))}")
    # Every interesting branch was reached, not only the happy path.
    for outcome in ("exchange:issued", "exchange:reused", "exchange:expired", "refresh:rotated",
                    "refresh:replayed", "revoke_consent:revoked", "data_call:200",
                    "data_call:expired", "data_call:revoked"):
        assert STATS.outcomes.get(outcome, 0) > 0, (outcome, STATS.outcomes)
