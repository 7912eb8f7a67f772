"""Time, minted tokens, expiry and revocation, consent, connection statuses."""

from __future__ import annotations

from sandbox.testing import exchange_code, get_code, refresh
from tests.knobs.conftest import LINDA, Sandbox
from tests.oauth_asserts import assert_oauth_error


def test_clock_reads_advances_freezes_sets_and_resets(sb: Sandbox) -> None:
    before = sb.control("GET", "/clock").json()
    assert before["frozen"] is False and abs(before["offset_seconds"]) < 1
    moved = sb.control("POST", "/clock", {"advance": 3600}).json()
    assert 3599 < moved["offset_seconds"] < 3601
    frozen = sb.control("POST", "/clock", {"freeze": True}).json()
    assert frozen["frozen"] and sb.control("GET", "/clock").json()["now"] == frozen["now"]
    fixed = sb.control("POST", "/clock", {"set": "2030-01-01T00:00:00Z"}).json()
    assert fixed["now"].startswith("2030-01-01T00:00:00")
    back = sb.control("POST", "/clock", {"reset": True}).json()
    assert not back["frozen"] and abs(back["offset_seconds"]) < 1


def test_bad_clock_requests_are_400(sb: Sandbox) -> None:
    for body in ({}, {"set": "tomorrow"}, {"set": "2030-01-01T00:00:00"}, {"advance": "6h"}):
        assert_oauth_error(sb.control("POST", "/clock", body), 400, "invalid_request")


def test_one_clock_call_expires_the_access_token(sb: Sandbox) -> None:
    tokens = sb.login()
    sb.control("POST", "/clock", {"advance": 21600})
    fields = assert_oauth_error(sb.data(tokens), 401, "invalid_token")
    assert "expired" in fields["error_description"]


def test_clock_expires_codes_and_refresh_tokens(sb: Sandbox) -> None:
    code = get_code(sb.client)["code"]
    tokens = sb.login()
    sb.control("POST", "/clock", {"advance": 601})
    assert_oauth_error(exchange_code(sb.client, code), 400, "invalid_grant")
    sb.control("POST", "/clock", {"advance": 30 * 24 * 3600})
    assert_oauth_error(refresh(sb.client, tokens["refresh_token"]), 400, "invalid_grant")


def test_minted_token_works_without_the_browser(sb: Sandbox) -> None:
    minted = sb.control("POST", "/tokens", {"email": LINDA}).json()
    assert minted["refresh_token"] and minted["expires_in"] == 21600
    assert sb.data(minted).status_code == 200
    assert refresh(sb.client, minted["refresh_token"]).status_code == 200


def test_minted_already_expired_token_is_401(sb: Sandbox) -> None:
    minted = sb.control("POST", "/tokens", {"email": LINDA, "expires_in": -1, "refresh_token": False}).json()
    assert "refresh_token" not in minted
    assert_oauth_error(sb.data(minted), 401, "invalid_token")


def test_mint_for_a_bare_patient_id(sb: Sandbox) -> None:
    minted = sb.control("POST", "/tokens", {"patient_id": "pat_made_up_for_test"}).json()
    assert sb.data(minted, "").json()["data"]["id"] == "pat_made_up_for_test"


def test_bad_mint_requests(sb: Sandbox) -> None:
    for body in ({}, {"email": LINDA, "patient_id": "p"}, {"email": LINDA, "client_id": "nobody"},
                 {"email": LINDA, "scope": "admin"}, {"email": LINDA, "expires_in": "soon"}):
        assert sb.control("POST", "/tokens", body).status_code == 400


def test_expire_by_access_token_refresh_token_patient_and_client(sb: Sandbox) -> None:
    one = sb.login()
    assert sb.control("POST", "/tokens/expire", {"access_token": one["access_token"]}).json()["expired"] == 1
    assert_oauth_error(sb.data(one), 401, "invalid_token")
    assert sb.control("POST", "/tokens/expire", {"refresh_token": one["refresh_token"]}).json()["expired"] == 1
    assert_oauth_error(refresh(sb.client, one["refresh_token"]), 400, "invalid_grant")
    two = sb.login()
    sb.control("POST", "/tokens/expire", {"patient_id": two["patient_id"]})
    assert_oauth_error(sb.data(two), 401, "invalid_token")
    three = sb.login("sam.healthy@example.com")
    sb.control("POST", "/tokens/expire", {"client_id": "ch_sandbox_client"})
    assert_oauth_error(sb.data(three), 401, "invalid_token")
    fresh = sb.login()  # tokens issued after the call work
    assert sb.data(fresh).status_code == 200


def test_revoke_by_token_patient_and_client(sb: Sandbox) -> None:
    one = sb.login()
    sb.control("POST", "/tokens/revoke", {"access_token": one["access_token"]})
    fields = assert_oauth_error(sb.data(one), 401, "invalid_token")
    assert "revoked" in fields["error_description"]
    assert refresh(sb.client, one["refresh_token"]).status_code == 200  # only that access token
    two = sb.login()
    sb.control("POST", "/tokens/revoke", {"refresh_token": two["refresh_token"]})
    assert_oauth_error(sb.data(two), 401, "invalid_token")  # the family goes with it
    three = sb.login("sam.healthy@example.com")
    assert sb.control("POST", "/tokens/revoke", {"patient_id": three["patient_id"]}).json()["revoked"] >= 1
    assert_oauth_error(refresh(sb.client, three["refresh_token"]), 400, "invalid_grant")


def test_target_must_be_exactly_one(sb: Sandbox) -> None:
    assert sb.control("POST", "/tokens/expire", {}).status_code == 400
    assert sb.control("POST", "/tokens/revoke", {"patient_id": "a", "client_id": "b"}).status_code == 400


def test_consent_revocation_blocks_data_and_refresh(sb: Sandbox) -> None:
    tokens = sb.login()
    body = {"client_id": "ch_sandbox_client", "patient_id": tokens["patient_id"]}
    assert sb.control("POST", "/consents/revoke", body).status_code == 200
    assert_oauth_error(sb.data(tokens), 401, "invalid_token")
    assert_oauth_error(refresh(sb.client, tokens["refresh_token"]), 400, "invalid_grant")
    consents = sb.control("GET", "/consents").json()["data"]
    assert any(c["patient_id"] == tokens["patient_id"] and not c["active"] for c in consents)
    assert_oauth_error(sb.control("POST", "/consents/revoke", body), 404, "not_found")
    again = sb.login()  # the patient can consent again
    assert sb.data(again).status_code == 200


def test_connection_status_hides_and_returns_its_records(sb: Sandbox) -> None:
    tokens = sb.login("jose.twoehrs@example.com")
    connections = sb.data(tokens, "/connections").json()["data"]
    assert len(connections) == 2
    target = connections[0]["id"]
    def from_target() -> int:
        rows = sb.data(tokens, "/medications", params={"limit": 100}).json()["data"]
        return sum(r["source"]["connection_id"] == target for r in rows)
    assert from_target() > 0
    path = f"/patients/{tokens['patient_id']}/connections/{target}"
    assert sb.control("PUT", path, {"status": "syncing"}).json()["data"]["status"] == "syncing"
    shown = {c["id"]: c["status"] for c in sb.data(tokens, "/connections").json()["data"]}
    assert shown[target] == "syncing"
    assert from_target() == 0
    sb.control("PUT", path, {"status": "needs_reauth"})
    assert from_target() > 0
    sb.control("PUT", path, {"status": "connected"})
    assert from_target() > 0


def test_bad_connection_requests(sb: Sandbox) -> None:
    tokens = sb.login()
    assert sb.control("PUT", f"/patients/{tokens['patient_id']}/connections/conn_nope", {"status": "error"}).status_code == 404
    conn = sb.data(tokens, "/connections").json()["data"][0]["id"]
    assert sb.control("PUT", f"/patients/{tokens['patient_id']}/connections/{conn}", {"status": "broken"}).status_code == 400
