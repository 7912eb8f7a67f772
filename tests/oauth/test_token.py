"""POST /token: transport, client authentication, the code grant and its errors."""

from __future__ import annotations

import base64

import pytest
from starlette.testclient import TestClient

from sandbox.testing import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    TOKEN,
    exchange_code,
    get_code,
    pkce_pair,
)
from tests.oauth_asserts import assert_oauth_error

AUTH = (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
REDIRECT = "http://localhost:3005/callback"


def code(client: TestClient, **params: str) -> str:
    return get_code(client, **params)["code"]


def test_code_exchange_returns_the_documented_fields(auto_client: TestClient) -> None:
    response = exchange_code(auto_client, code(auto_client, email="Someone@Example.com"))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 21600
    assert body["access_token"] and body["refresh_token"].startswith("rt_")
    assert body["patient_id"].startswith("pat_")
    assert body["scope"] == "offline_access patient:read-all"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    assert "access-control-allow-origin" not in response.headers


def test_no_refresh_token_without_offline_access(auto_client: TestClient) -> None:
    body = exchange_code(auto_client, code(auto_client, scope="patient:read-all")).json()
    assert "refresh_token" not in body and body["scope"] == "patient:read-all"


def test_client_secret_post_works_like_basic(auto_client: TestClient) -> None:
    response = auto_client.post(TOKEN, data={
        "grant_type": "authorization_code", "code": code(auto_client), "redirect_uri": REDIRECT,
        "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET})
    assert response.status_code == 200


def test_basic_credentials_are_form_urldecoded(auto_client: TestClient) -> None:
    raw = base64.b64encode(f"{DEFAULT_CLIENT_ID}:{DEFAULT_CLIENT_SECRET}".encode()).decode()
    response = auto_client.post(TOKEN, headers={"Authorization": f"Basic {raw}"}, data={
        "grant_type": "authorization_code", "code": code(auto_client), "redirect_uri": REDIRECT})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("kwargs", "status", "error"),
    [
        ({"auth": None}, 401, "invalid_client"),
        ({"auth": (DEFAULT_CLIENT_ID, "wrong")}, 401, "invalid_client"),
        ({"auth": ("ch_nobody", DEFAULT_CLIENT_SECRET)}, 401, "invalid_client"),
        ({"headers": {"Authorization": "Basic !!!notbase64"}}, 401, "invalid_client"),
        ({"headers": {"Authorization": "Basic " + base64.b64encode(b"nocolon").decode()}}, 401, "invalid_client"),
        ({"headers": {"Authorization": "Bearer abc"}}, 401, "invalid_client"),
        ({"data": {"grant_type": "password"}}, 400, "unsupported_grant_type"),
        ({"data": {}}, 400, "invalid_request"),
        ({"data": {"grant_type": "authorization_code"}}, 400, "invalid_request"),
        ({"data": {"grant_type": "authorization_code", "code": "x"}}, 400, "invalid_request"),
        ({"data": {"grant_type": "authorization_code", "code": "nope", "redirect_uri": REDIRECT}}, 400, "invalid_grant"),
        ({"data": {"grant_type": "refresh_token"}}, 400, "invalid_request"),
        ({"data": {"grant_type": "refresh_token", "refresh_token": "rt_nope"}}, 400, "invalid_grant"),
        ({"data": {"grant_type": "refresh_token", "refresh_token": "x", "client_secret": "y"}}, 400, "invalid_request"),
    ],
)
def test_token_error_matrix(client: TestClient, kwargs: dict, status: int, error: str) -> None:  # type: ignore[type-arg]
    data = kwargs.get("data", {"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT})
    auth = kwargs.get("auth", AUTH) if "headers" not in kwargs else None
    response = client.post(TOKEN, data=data, auth=auth, headers=kwargs.get("headers"))
    assert_oauth_error(response, status, error)
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ('{"grant_type": "authorization_code"}', "application/json"),
        ("grant_type=authorization_code", None),
        ("grant_type=authorization_code", "text/plain"),
        ("--x\r\n", "multipart/form-data; boundary=x"),
    ],
)
def test_json_or_missing_content_type_is_a_clear_400(client: TestClient, content: str, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(TOKEN, content=content, headers=headers, auth=AUTH)
    fields = assert_oauth_error(response, 400, "invalid_request")
    assert "x-www-form-urlencoded" in fields["error_description"]


def test_repeated_form_parameter_is_rejected(client: TestClient) -> None:
    response = client.post(TOKEN, content="grant_type=refresh_token&grant_type=refresh_token",
                           headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=AUTH)
    assert_oauth_error(response, 400, "invalid_request")


def test_oversized_form_is_413(client: TestClient) -> None:
    response = client.post(TOKEN, data={"grant_type": "x" * 20000}, auth=AUTH)
    assert response.status_code == 413


def test_get_on_token_is_405(client: TestClient) -> None:
    response = client.get(TOKEN)
    assert response.status_code == 405 and "POST" in response.headers["allow"]


def test_code_is_bound_to_its_client(auto_client: TestClient) -> None:
    c = code(auto_client, client_id="ch_second_client", redirect_uri="http://localhost:4005/callback")
    response = exchange_code(auto_client, c, redirect_uri="http://localhost:4005/callback")
    assert_oauth_error(response, 400, "invalid_grant")


def test_code_is_bound_to_its_redirect_uri(auto_client: TestClient) -> None:
    c = code(auto_client)
    response = exchange_code(auto_client, c, redirect_uri="http://127.0.0.1:3005/callback")
    fields = assert_oauth_error(response, 400, "invalid_grant")
    assert "redirect_uri" in fields["error_description"]


def test_code_is_single_use_and_reuse_revokes_what_it_issued(auto_client: TestClient) -> None:
    c = code(auto_client)
    first = exchange_code(auto_client, c).json()
    assert_oauth_error(exchange_code(auto_client, c), 400, "invalid_grant")
    services = auto_client.app.state.services  # type: ignore[attr-defined]
    claims = services.tokens.decode(first["access_token"])
    assert services.store.get_grant(claims.grant_id).revoked
    refreshed = auto_client.post(TOKEN, auth=AUTH, data={"grant_type": "refresh_token",
                                                          "refresh_token": first["refresh_token"]})
    assert_oauth_error(refreshed, 400, "invalid_grant")


def test_code_reuse_revocation_can_be_switched_off() -> None:
    from tests.conftest import make_client
    with make_client(consent_mode="auto-approve", revoke_on_code_reuse=False) as client:
        c = code(client)
        first = exchange_code(client, c).json()
        assert_oauth_error(exchange_code(client, c), 400, "invalid_grant")
        services = client.app.state.services  # type: ignore[attr-defined]
        assert not services.store.get_grant(services.tokens.decode(first["access_token"]).grant_id).revoked


def test_code_expires_after_ten_minutes_on_the_clock(auto_client: TestClient) -> None:
    clock = auto_client.app.state.services.clock  # type: ignore[attr-defined]
    c = code(auto_client)
    clock.advance(601)
    fields = assert_oauth_error(exchange_code(auto_client, c), 400, "invalid_grant")
    assert "expired" in fields["error_description"]


def test_code_still_valid_just_before_expiry(auto_client: TestClient) -> None:
    clock = auto_client.app.state.services.clock  # type: ignore[attr-defined]
    c = code(auto_client)
    clock.advance(590)
    assert exchange_code(auto_client, c).status_code == 200


def test_pkce_s256_success(auto_client: TestClient) -> None:
    verifier, challenge = pkce_pair()
    c = code(auto_client, code_challenge=challenge, code_challenge_method="S256")
    assert exchange_code(auto_client, c, code_verifier=verifier).status_code == 200


@pytest.mark.parametrize("verifier", [None, "wrong-verifier-" + "x" * 40])
def test_pkce_failures_are_invalid_grant(auto_client: TestClient, verifier: str | None) -> None:
    _, challenge = pkce_pair()
    c = code(auto_client, code_challenge=challenge, code_challenge_method="S256")
    extra = {"code_verifier": verifier} if verifier else {}
    assert_oauth_error(exchange_code(auto_client, c, **extra), 400, "invalid_grant")


def test_verifier_without_challenge_is_refused(auto_client: TestClient) -> None:
    c = code(auto_client)
    assert_oauth_error(exchange_code(auto_client, c, code_verifier="x" * 43), 400, "invalid_grant")
