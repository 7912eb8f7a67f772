from __future__ import annotations

from sandbox.testing import AUTHORIZE, authorize_params, query_of
from tests.conftest import make_client
from tests.oauth_asserts import assert_oauth_error


def test_auto_approve_redirects_at_once_with_code_state_and_scope() -> None:
    with make_client(consent_mode="auto-approve") as client:
        response = client.get(AUTHORIZE, params=authorize_params(state="abc"))
    assert response.status_code == 302
    fields = query_of(response.headers["location"])
    assert fields["state"] == "abc"
    assert fields["code"].startswith("ac_")
    assert fields["scope"].split() == ["offline_access", "patient:read-all"]


def test_auto_deny_redirects_with_access_denied() -> None:
    with make_client(consent_mode="auto-deny") as client:
        response = client.get(AUTHORIZE, params=authorize_params(state="abc"))
    fields = assert_oauth_error(response, 302, "access_denied", state="abc")
    assert "code" not in fields


def test_auto_modes_still_validate_first() -> None:
    with make_client(consent_mode="auto-approve") as client:
        response = client.get(AUTHORIZE, params=authorize_params(redirect_uri="http://evil.example/cb"))
    assert response.status_code == 400 and "location" not in response.headers
