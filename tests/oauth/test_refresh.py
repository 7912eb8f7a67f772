"""The refresh-token grant: rotation, replay detection, narrowing, expiry."""

from __future__ import annotations

from starlette.testclient import TestClient

from sandbox.testing import refresh, run_code_flow
from tests.conftest import make_client
from tests.oauth_asserts import assert_oauth_error


def test_refresh_rotates_the_refresh_token(auto_client: TestClient) -> None:
    first = run_code_flow(auto_client)
    second = refresh(auto_client, first["refresh_token"])
    assert second.status_code == 200
    body = second.json()
    assert body["refresh_token"] != first["refresh_token"]
    assert body["access_token"] != first["access_token"]
    assert body["patient_id"] == first["patient_id"] and body["expires_in"] == 21600
    assert refresh(auto_client, body["refresh_token"]).status_code == 200


def test_replayed_refresh_token_revokes_the_whole_family(auto_client: TestClient) -> None:
    first = run_code_flow(auto_client)
    second = refresh(auto_client, first["refresh_token"]).json()
    assert_oauth_error(refresh(auto_client, first["refresh_token"]), 400, "invalid_grant")
    # the thief's replay also kills the legitimate newest token
    assert_oauth_error(refresh(auto_client, second["refresh_token"]), 400, "invalid_grant")
    services = auto_client.app.state.services  # type: ignore[attr-defined]
    from sandbox.errors import InvalidToken
    try:
        services.tokens.verify("Bearer " + second["access_token"])
    except InvalidToken as exc:
        assert "revoked" in exc.description
    else:
        raise AssertionError("access token of a revoked family still verifies")


def test_replay_revocation_can_be_switched_off() -> None:
    with make_client(consent_mode="auto-approve", revoke_on_refresh_replay=False) as client:
        first = run_code_flow(client)
        second = refresh(client, first["refresh_token"]).json()
        assert_oauth_error(refresh(client, first["refresh_token"]), 400, "invalid_grant")
        assert refresh(client, second["refresh_token"]).status_code == 200


def test_without_rotation_the_same_refresh_token_keeps_working() -> None:
    with make_client(consent_mode="auto-approve", rotate_refresh_tokens=False) as client:
        first = run_code_flow(client)
        for _ in range(3):
            body = refresh(client, first["refresh_token"]).json()
            assert body["refresh_token"] == first["refresh_token"]


def test_refresh_token_is_bound_to_its_client(auto_client: TestClient) -> None:
    first = run_code_flow(auto_client)
    response = refresh(auto_client, first["refresh_token"], client_id="ch_second_client",
                       client_secret="second_client_secret")
    assert_oauth_error(response, 400, "invalid_grant")
    assert refresh(auto_client, first["refresh_token"]).status_code == 200


def test_refresh_can_narrow_but_not_widen_scope(auto_client: TestClient) -> None:
    first = run_code_flow(auto_client, scope="patient:read-all offline_access")
    narrowed = refresh(auto_client, first["refresh_token"], scope="patient:read-all").json()
    assert narrowed["scope"] == "patient:read-all" and "refresh_token" not in narrowed
    other = run_code_flow(auto_client, scope="patient:read-all offline_access")
    assert_oauth_error(refresh(auto_client, other["refresh_token"], scope="patient:read-all admin"),
                       400, "invalid_scope")


def test_refresh_token_expires_on_the_clock(auto_client: TestClient) -> None:
    first = run_code_flow(auto_client)
    auto_client.app.state.services.clock.advance(31 * 24 * 3600)  # type: ignore[attr-defined]
    fields = assert_oauth_error(refresh(auto_client, first["refresh_token"]), 400, "invalid_grant")
    assert "expired" in fields["error_description"]


def test_refresh_after_access_token_expiry_gives_a_working_token(auto_client: TestClient) -> None:
    services = auto_client.app.state.services  # type: ignore[attr-defined]
    first = run_code_flow(auto_client)
    services.clock.advance(21600)
    from sandbox.errors import InvalidToken
    try:
        services.tokens.verify("Bearer " + first["access_token"])
        raise AssertionError("expired token verified")
    except InvalidToken as exc:
        assert "expired" in exc.description
    body = refresh(auto_client, first["refresh_token"]).json()
    assert services.tokens.verify("Bearer " + body["access_token"]).patient_id == first["patient_id"]
