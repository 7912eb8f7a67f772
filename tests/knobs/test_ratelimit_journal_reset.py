"""Rate limits, the journal, reset, and keeping the controls apart."""

from __future__ import annotations

import json

from sandbox.testing import run_code_flow
from tests.conftest import make_client
from tests.knobs.conftest import LINDA, Sandbox
from tests.oauth_asserts import assert_oauth_error


def test_rate_limit_is_off_by_default(sb: Sandbox) -> None:
    tokens = sb.login()
    assert sb.control("GET", "/rate-limit").json() == {"enabled": False, "limit": 0, "window_seconds": 60}
    response = sb.data(tokens)
    assert "ratelimit-limit" not in response.headers


def test_rate_limit_headers_429_and_recovery_on_the_clock(sb: Sandbox) -> None:
    tokens = sb.login()
    sb.control("POST", "/clock", {"freeze": True})
    assert sb.control("PUT", "/rate-limit", {"limit": 3, "window_seconds": 60}).json()["enabled"]
    remaining = [int(sb.data(tokens).headers["ratelimit-remaining"]) for _ in range(3)]
    assert remaining == [2, 1, 0]
    limited = sb.data(tokens)
    assert_oauth_error(limited, 429, "rate_limited")
    wait = int(limited.headers["retry-after"])
    assert 0 < wait <= 60 and limited.headers["ratelimit-limit"] == "3"
    sb.control("POST", "/clock", {"advance": wait})
    assert sb.data(tokens).status_code == 200


def test_rate_limit_is_per_client() -> None:
    with make_client(consent_mode="auto-approve", rate_limit=1) as client:
        sandbox = Sandbox(client)
        sandbox.control("POST", "/clock", {"freeze": True})
        mine = sandbox.control("POST", "/tokens", {"email": LINDA}).json()
        theirs = sandbox.control("POST", "/tokens", {"email": LINDA, "client_id": "ch_second_client"}).json()
        assert sandbox.data(mine).status_code == 200
        assert sandbox.data(mine).status_code == 429
        assert sandbox.data(theirs).status_code == 200


def test_bad_rate_limit_request(sb: Sandbox) -> None:
    assert sb.control("PUT", "/rate-limit", {"limit": -1}).status_code == 400
    assert sb.control("PUT", "/rate-limit", {"window_seconds": 5}).status_code == 400


def test_journal_records_calls_newest_first_with_filters(sb: Sandbox) -> None:
    tokens = sb.login()
    sb.data(tokens)
    sb.data(tokens, "/labs", headers={"X-Sandbox-Fault": "server_error"})
    entries = sb.control("GET", "/requests").json()["data"]
    assert [e["operation"] for e in entries[:4]] == ["list_labs", "list_medications", "token", "authorize"]
    newest = entries[0]
    assert newest["status"] == 500 and newest["faults"] == ["server_error"]
    assert newest["client_id"] == "ch_sandbox_client" and newest["patient_id"] == tokens["patient_id"]
    assert entries[1]["validation"] == "ok" and entries[1]["latency_ms"] >= 0
    only = sb.control("GET", "/requests", params={"operation": "list_medications"}).json()["data"]
    assert [e["operation"] for e in only] == ["list_medications"]
    errors = sb.control("GET", "/requests", params={"status": 500}).json()["data"]
    assert len(errors) == 1
    assert sb.control("GET", "/requests", params={"patient_id": "pat_nobody"}).json()["data"] == []


def test_journal_never_stores_secrets(sb: Sandbox) -> None:
    tokens = run_code_flow(sb.client, email="secret.person@example.com", state="mystate123")
    sb.data(tokens)
    text = json.dumps(sb.control("GET", "/requests").json())
    for secret in (tokens["access_token"], tokens["refresh_token"], "sandbox_client_secret",
                   "secret.person", "mystate123", "ac_"):
        assert secret not in text


def test_journal_is_a_bounded_ring() -> None:
    with make_client(consent_mode="auto-approve", journal_size=5) as client:
        sandbox = Sandbox(client)
        tokens = sandbox.login()
        for _ in range(10):
            sandbox.data(tokens)
        entries = sandbox.control("GET", "/requests").json()
        assert entries["total"] == 5 and len(entries["data"]) == 5
        assert sandbox.control("DELETE", "/requests").status_code == 200
        assert sandbox.control("GET", "/requests").json()["total"] == 0


def test_controls_are_not_journaled(sb: Sandbox) -> None:
    sb.control("GET", "/clock")
    assert sb.control("GET", "/requests").json()["total"] == 0


def test_reset_returns_to_the_start_state(sb: Sandbox) -> None:
    tokens = sb.login()
    sb.control("POST", "/faults", {"fault": "server_error"})
    sb.control("POST", "/clock", {"advance": 999})
    sb.control("PUT", "/rate-limit", {"limit": 1})
    assert sb.control("POST", "/reset").status_code == 200
    assert sb.control("GET", "/faults").json()["active"] == []
    assert abs(sb.control("GET", "/clock").json()["offset_seconds"]) < 1
    assert sb.control("GET", "/rate-limit").json()["enabled"] is False
    assert sb.control("GET", "/requests").json()["total"] == 0
    assert sb.control("GET", "/consents").json()["data"] == []
    assert_oauth_error(sb.data(tokens), 401, "invalid_token")
    assert sb.data(sb.login()).status_code == 200


def test_controls_token_protects_the_controls() -> None:
    with make_client(controls_token="s3cret") as client:
        assert_oauth_error(client.get("/_sandbox/clock"), 401, "unauthorized")
        assert client.get("/_sandbox/clock", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/_sandbox/clock", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert client.get("/_sandbox/health").status_code == 200


def test_controls_off_are_unreachable_and_the_fault_header_is_ignored() -> None:
    with make_client(consent_mode="auto-approve", controls="off") as client:
        for path in ("/_sandbox/clock", "/_sandbox/faults", "/_sandbox/reset", "/_sandbox/requests"):
            assert_oauth_error(client.get(path), 404, "not_found")
        tokens = run_code_flow(client, email=LINDA.replace("@", "+server_error@"))
        response = client.get(f"/connect/api/v1/patients/{tokens['patient_id']}/medications",
                              headers={"Authorization": f"Bearer {tokens['access_token']}",
                                       "X-Sandbox-Fault": "server_error"})
        assert response.status_code == 200
