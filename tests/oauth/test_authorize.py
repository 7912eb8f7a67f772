"""GET /authorize: the validation order and the error matrix."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sandbox.testing import AUTHORIZE, authorize_params, query_of
from tests.oauth_asserts import assert_oauth_error

REDIRECT = "http://localhost:3005/callback"

NEAR_MISSES = [
    "http://localhost:3005/callback/",           # trailing slash
    "http://LOCALHOST:3005/callback",            # host case
    "http://localhost:3005/Callback",            # path case
    "http://localhost:3005/callback?x=1",        # extra query
    "http://localhost:3006/callback",            # other port
    "https://localhost:3005/callback",           # https vs http
    "http://localhost:3005/callback#frag",       # fragment
    "http://localhost:3005/callback/../evil",    # extra path
    "http://evil.example@localhost:3005/callback",  # userinfo
    "http://localhost:3005%2Fcallback",          # encoded characters
    "http://localhost:3005/callback%20",
    "javascript:alert(1)",
    "",
]


@pytest.mark.parametrize("redirect_uri", NEAR_MISSES)
def test_unregistered_redirect_uri_gets_a_400_page_and_no_redirect(client: TestClient, redirect_uri: str) -> None:
    response = client.get(AUTHORIZE, params=authorize_params(redirect_uri=redirect_uri))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "text/html" in response.headers["content-type"]
    assert "redirect_uri" in response.text


def test_unknown_client_gets_a_400_page_even_with_a_registered_uri(client: TestClient) -> None:
    response = client.get(AUTHORIZE, params=authorize_params(client_id="ch_nobody"))
    assert response.status_code == 400 and "location" not in response.headers
    assert "ch_nobody" in response.text


def test_client_error_page_is_json_when_asked(client: TestClient) -> None:
    response = client.get(AUTHORIZE, params=authorize_params(client_id="ch_nobody"),
                          headers={"Accept": "application/json"})
    assert_oauth_error(response, 400, "invalid_request")


def test_missing_client_id_is_a_page_not_a_redirect(client: TestClient) -> None:
    params = authorize_params()
    del params["client_id"]
    response = client.get(AUTHORIZE, params=params)
    assert response.status_code == 400 and "client_id" in response.text


def test_redirect_uri_of_another_client_is_refused(client: TestClient) -> None:
    response = client.get(AUTHORIZE, params=authorize_params(redirect_uri="http://localhost:4005/callback"))
    assert response.status_code == 400 and "location" not in response.headers


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"scope": ""}, "invalid_request"),
        ({"scope": "offline_access"}, "invalid_scope"),
        ({"scope": "patient:read-all admin"}, "invalid_scope"),
        ({"email": ""}, "invalid_request"),
        ({"email": "not-an-email"}, "invalid_request"),
        ({"email": "two@@example.com"}, "invalid_request"),
        ({"first_name": ""}, "invalid_request"),
        ({"first_name": "   "}, "invalid_request"),
        ({"last_name": ""}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
    ],
)
def test_bad_parameters_redirect_with_error_and_state(client: TestClient, change: dict[str, str], error: str) -> None:
    params = authorize_params(state="st-123", **change)
    response = client.get(AUTHORIZE, params=params)
    fields = assert_oauth_error(response, 302, error, state="st-123")
    assert response.headers["location"].startswith(REDIRECT + "?")
    assert "code" not in fields


@pytest.mark.parametrize("param", ["scope", "email", "first_name", "last_name"])
def test_each_missing_required_parameter_is_named(client: TestClient, param: str) -> None:
    params = authorize_params(state="s")
    del params[param]
    fields = assert_oauth_error(client.get(AUTHORIZE, params=params), 302, "invalid_request", state="s")
    assert param in fields["error_description"]


def test_missing_state_redirects_without_state(client: TestClient) -> None:
    params = authorize_params()
    del params["state"]
    fields = assert_oauth_error(client.get(AUTHORIZE, params=params), 302, "invalid_request")
    assert "state" not in fields
    assert "state" in fields["error_description"]


def test_repeated_parameter_is_rejected(client: TestClient) -> None:
    url = AUTHORIZE + "?" + "&".join(f"{k}={v}" for k, v in authorize_params(state="s").items())
    response = client.get(url + "&email=other@example.com")
    assert_oauth_error(response, 302, "invalid_request", state="s")


def test_response_type_code_is_accepted(client: TestClient) -> None:
    response = client.get(AUTHORIZE, params=authorize_params(response_type="code"))
    assert response.status_code == 302
    assert "/verify" in response.headers["location"]


def test_valid_request_starts_the_hosted_flow(client: TestClient) -> None:
    response = client.get(AUTHORIZE, params=authorize_params())
    assert response.status_code == 302
    assert response.headers["location"].startswith(AUTHORIZE + "/")


def test_second_registered_uri_works(auto_client: TestClient) -> None:
    response = auto_client.get(AUTHORIZE, params=authorize_params(redirect_uri="http://127.0.0.1:3005/callback"))
    assert response.status_code == 302
    assert response.headers["location"].startswith("http://127.0.0.1:3005/callback?")
    assert "code" in query_of(response.headers["location"])
