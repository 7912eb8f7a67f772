"""The hosted patient experience, step by step, as a browser without JavaScript walks it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sandbox.testing import AUTHORIZE, authorize_params, query_of, walk_hosted
from tests.oauth_asserts import assert_oauth_error


def start(client: TestClient, **params: str) -> str:
    response = client.get(AUTHORIZE, params=authorize_params(**params))
    assert response.status_code == 302
    return response.headers["location"].rsplit("/", 1)[0]


def verified(client: TestClient, **params: str) -> str:
    base = start(client, **params)
    assert client.post(base + "/verify", data={"code": "123456"}).status_code == 303
    return base


def test_verify_page_shows_the_email_and_the_sandbox_code(client: TestClient) -> None:
    base = start(client, email="Jane.Doe@example.com", first_name="Jane")
    page = client.get(base + "/verify")
    assert page.status_code == 200
    assert "Jane.Doe@example.com".lower() in page.text.lower()
    assert "123456" in page.text
    assert page.headers["x-frame-options"] == "DENY"


def test_wrong_email_code_is_refused_and_can_be_retried(client: TestClient) -> None:
    base = start(client)
    wrong = client.post(base + "/verify", data={"code": "000000"})
    assert wrong.status_code == 400 and "not right" in wrong.text
    assert client.post(base + "/verify", data={"code": "123456"}).headers["location"].endswith("/care")


def test_steps_cannot_be_skipped(client: TestClient) -> None:
    base = start(client)
    for step in ("/care", "/review", "/connect/riverbend-health"):
        response = client.get(base + step)
        assert response.status_code == 303 and response.headers["location"].endswith("/verify")


def test_care_page_lists_and_searches_health_systems_with_vendors(client: TestClient) -> None:
    base = verified(client)
    page = client.get(base + "/care")
    for vendor in ("Epic", "Oracle Health (Cerner)", "athenahealth", "eClinicalWorks", "NextGen", "MEDITECH"):
        assert vendor in page.text
    searched = client.get(base + "/care", params={"q": "denver"})
    assert "Summit Valley Hospital" in searched.text and "Riverbend Health" not in searched.text
    none = client.get(base + "/care", params={"q": "zzzz"})
    assert "No health system matches" in none.text


def test_login_page_lists_the_test_credentials(client: TestClient) -> None:
    base = verified(client)
    page = client.get(base + "/connect/riverbend-health")
    for user in ("patient", "otp", "locked", "down"):
        assert f"<code>{user}</code>" in page.text


def test_wrong_password_says_so_and_allows_retry(client: TestClient) -> None:
    base = verified(client)
    wrong = client.post(base + "/connect/riverbend-health", data={"username": "patient", "password": "nope"})
    assert wrong.status_code == 400 and "Incorrect username or password" in wrong.text
    assert 'value="patient"' in wrong.text  # the username is kept for the retry
    right = client.post(base + "/connect/riverbend-health", data={"username": "patient", "password": "password"})
    assert right.status_code == 303


def test_locked_account_and_portal_down_do_not_connect(client: TestClient) -> None:
    base = verified(client)
    locked = client.post(base + "/connect/riverbend-health", data={"username": "locked", "password": "password"})
    assert locked.status_code == 400 and "locked" in locked.text
    down = client.post(base + "/connect/riverbend-health", data={"username": "down", "password": "password"})
    assert down.status_code == 503 and "not responding" in down.text
    review = client.get(base + "/review")
    assert review.status_code == 303 and review.headers["location"].endswith("/care")


def test_one_time_code_step(client: TestClient) -> None:
    base = verified(client)
    step = client.post(base + "/connect/summit-valley", data={"username": "otp", "password": "password"})
    assert step.status_code == 303 and step.headers["location"].endswith("/connect/summit-valley/otp")
    page = client.get(base + "/connect/summit-valley/otp")
    assert page.status_code == 200 and "One-time code" in page.text
    bad = client.post(base + "/connect/summit-valley/otp", data={"otp": "111111"})
    assert bad.status_code == 400
    good = client.post(base + "/connect/summit-valley/otp", data={"otp": "123456"})
    assert good.status_code == 303
    assert "Summit Valley Hospital" in client.get(base + "/review").text


def test_two_portals_then_approve_gives_code_state_scope(client: TestClient) -> None:
    location = client.get(AUTHORIZE, params=authorize_params(state="xyz")).headers["location"]
    final = walk_hosted(client, location, portals=("riverbend-health", "bayview-clinics"))
    assert final.startswith("http://localhost:3005/callback?")
    fields = query_of(final)
    assert fields["state"] == "xyz" and fields["code"].startswith("ac_")
    assert set(fields["scope"].split()) == {"patient:read-all", "offline_access"}


def test_review_lists_every_connected_portal(client: TestClient) -> None:
    base = verified(client)
    for system in ("riverbend-health", "bayview-clinics"):
        client.post(base + f"/connect/{system}", data={"username": "patient", "password": "password"})
    review = client.get(base + "/review")
    assert "Riverbend Health" in review.text and "Bayview Community Clinics" in review.text


def test_deny_redirects_with_access_denied(client: TestClient) -> None:
    location = client.get(AUTHORIZE, params=authorize_params(state="s9")).headers["location"]
    final = walk_hosted(client, location, decision="deny")
    assert final.startswith("http://localhost:3005/callback?")
    fields = query_of(final)
    assert fields["error"] == "access_denied" and fields["state"] == "s9" and "code" not in fields


def test_cancel_from_any_page_is_a_deny(client: TestClient) -> None:
    base = start(client, state="c1")
    response = client.post(base + "/cancel")
    assert_oauth_error(response, 302, "access_denied", state="c1")


def test_finished_flow_cannot_be_replayed(client: TestClient) -> None:
    location = client.get(AUTHORIZE, params=authorize_params()).headers["location"]
    walk_hosted(client, location)
    base = location.rsplit("/", 1)[0]
    assert client.post(base + "/review", data={"decision": "approve"}).status_code == 404


def test_unknown_flow_is_a_404_page(client: TestClient) -> None:
    response = client.get(AUTHORIZE + "/nope/verify")
    assert response.status_code == 404 and "expired" in response.text


def test_flow_expires_with_the_clock(client: TestClient) -> None:
    base = start(client)
    client.app.state.services.clock.advance(3600)  # type: ignore[attr-defined]
    assert client.get(base + "/verify").status_code == 404


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"])
def test_pages_escape_what_they_echo(client: TestClient, name: str) -> None:
    base = start(client, first_name=name)
    page = client.get(base + "/verify").text
    assert name not in page
    assert "&lt;" in page
