"""RFC 6750 bearer checks on the data API, with their bodies and challenges."""

from __future__ import annotations

import jwt
import pytest

from sandbox.testing import exchange_code, get_code, run_code_flow
from tests.api.conftest import PATIENTS, Api
from tests.oauth_asserts import assert_oauth_error


def test_missing_token_is_401_with_a_bare_bearer_challenge(api: Api) -> None:
    response = api.client.get(f"{PATIENTS}/{api.patient_id}/medications")
    assert_oauth_error(response, 401, "invalid_token")
    assert response.headers["www-authenticate"] == 'Bearer realm="consolidate-sandbox"'


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer    ", "token abc", "bearer"])
def test_malformed_authorization_header_is_invalid_token(api: Api, header: str) -> None:
    response = api.client.get(f"{PATIENTS}/{api.patient_id}/medications", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "x" * 5000, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
def test_garbage_tokens_are_invalid_token(api: Api, token: str) -> None:
    response = api.get("/medications", token=token)
    assert_oauth_error(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_token_signed_with_another_key_is_rejected(api: Api) -> None:
    claims = jwt.decode(api.tokens["access_token"], options={"verify_signature": False})
    forged = jwt.encode(claims, "another-key-of-sufficient-length-123456", algorithm="HS256")
    fields = assert_oauth_error(api.get("/medications", token=forged), 401, "invalid_token")
    assert "signature" in fields["error_description"]


def test_alg_none_token_is_rejected(api: Api) -> None:
    claims = jwt.decode(api.tokens["access_token"], options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert_oauth_error(api.get("/medications", token=unsigned), 401, "invalid_token")


def test_tampered_payload_is_rejected(api: Api) -> None:
    header, _, signature = api.tokens["access_token"].split(".")
    claims = jwt.decode(api.tokens["access_token"], options={"verify_signature": False})
    claims["sub"] = "pat_someoneelse"
    import base64
    import json
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert_oauth_error(api.get("/medications", token=f"{header}.{payload}.{signature}"), 401, "invalid_token")


def test_expired_token_by_the_clock_is_401_then_refresh_works(api: Api) -> None:
    services = api.client.app.state.services  # type: ignore[attr-defined]
    assert api.get("/medications").status_code == 200
    services.clock.advance(21600)
    fields = assert_oauth_error(api.get("/medications"), 401, "invalid_token")
    assert "expired" in fields["error_description"]
    from sandbox.testing import refresh
    fresh = refresh(api.client, api.tokens["refresh_token"]).json()
    assert api.get("/medications", token=fresh["access_token"]).status_code == 200


def test_revoked_token_is_401(auto_client) -> None:  # type: ignore[no-untyped-def]
    callback = get_code(auto_client)
    tokens = exchange_code(auto_client, callback["code"]).json()
    exchange_code(auto_client, callback["code"])  # reuse revokes
    api = Api(auto_client, tokens)
    fields = assert_oauth_error(api.get("/medications"), 401, "invalid_token")
    assert "revoked" in fields["error_description"]


def test_token_for_another_patient_is_403_insufficient_scope(api: Api) -> None:
    other = run_code_flow(api.client, email="someone.else@example.com")
    response = api.client.get(f"{PATIENTS}/{other['patient_id']}/medications",
                              headers={"Authorization": f"Bearer {api.tokens['access_token']}"})
    assert_oauth_error(response, 403, "insufficient_scope")
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


def test_revoked_consent_makes_data_calls_401(api: Api) -> None:
    services = api.client.app.state.services  # type: ignore[attr-defined]
    services.store.revoke_consent("ch_sandbox_client", api.patient_id, services.clock.time())
    fields = assert_oauth_error(api.get("/medications"), 401, "invalid_token")
    assert "revoked sharing" in fields["error_description"]
