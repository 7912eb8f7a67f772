"""The fault catalogue through each trigger that applies: rule, header, email tag."""

from __future__ import annotations

import time

import pytest

from sandbox.knobs.faults import CATALOGUE
from sandbox.testing import AUTHORIZE, authorize_params, exchange_code, get_code, refresh
from tests.knobs.conftest import LINDA, Sandbox
from tests.oauth_asserts import assert_oauth_error

DATA_FAULTS = {
    "invalid_token": (401, "invalid_token"), "insufficient_scope": (403, "insufficient_scope"),
    "rate_limited": (429, "rate_limited"), "server_error": (500, "server_error"),
    "temporarily_unavailable": (503, "temporarily_unavailable"),
    "ehr_connection_error": (502, "ehr_connection_error"),
}
TOKEN_FAULTS = {
    "invalid_grant": (400, "invalid_grant"), "invalid_client": (401, "invalid_client"),
    "server_error": (500, "server_error"), "temporarily_unavailable": (503, "temporarily_unavailable"),
    "rate_limited": (429, "rate_limited"),
}
AUTHORIZE_FAULTS = ["access_denied", "server_error", "temporarily_unavailable"]


def test_the_catalogue_lists_every_fault_with_its_points(sb: Sandbox) -> None:
    body = sb.control("GET", "/faults").json()
    assert {f["name"] for f in body["catalogue"]} == set(CATALOGUE)
    assert body["active"] == []


def _check_headers(response, error: str) -> None:  # type: ignore[no-untyped-def]
    if error in ("rate_limited", "temporarily_unavailable"):
        assert int(response.headers["retry-after"]) > 0
    if error == "invalid_token":
        assert 'error="invalid_token"' in response.headers["www-authenticate"]
    if error == "invalid_client":
        assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize("name", list(DATA_FAULTS))
def test_data_fault_by_header_applies_to_that_request_only(sb: Sandbox, name: str) -> None:
    tokens = sb.login()
    status, error = DATA_FAULTS[name]
    response = sb.data(tokens, headers={"X-Sandbox-Fault": name})
    assert_oauth_error(response, status, error)
    _check_headers(response, error)
    assert sb.data(tokens).status_code == 200


@pytest.mark.parametrize("name", list(DATA_FAULTS))
def test_data_fault_by_rule_fires_the_next_n_times(sb: Sandbox, name: str) -> None:
    tokens = sb.login()
    status, error = DATA_FAULTS[name]
    rule = sb.control("POST", "/faults", {"fault": name, "times": 2}).json()
    assert rule["remaining"] == 2
    for _ in range(2):
        assert_oauth_error(sb.data(tokens), status, error)
    assert sb.data(tokens).status_code == 200
    assert sb.control("GET", "/faults").json()["active"] == []


@pytest.mark.parametrize("name", list(DATA_FAULTS))
def test_data_fault_by_email_tag_carries_through_the_session(sb: Sandbox, name: str) -> None:
    plain = sb.login(LINDA)
    tagged = sb.login(LINDA.replace("@", f"+{name}@"))
    assert tagged["patient_id"] == plain["patient_id"]  # the tag does not change the patient
    status, error = DATA_FAULTS[name]
    for _ in range(2):
        assert_oauth_error(sb.data(tagged), status, error)
    assert sb.data(plain).status_code == 200


@pytest.mark.parametrize("name", list(TOKEN_FAULTS))
def test_token_fault_by_header(sb: Sandbox, name: str) -> None:
    status, error = TOKEN_FAULTS[name]
    code = get_code(sb.client)["code"]
    response = exchange_code(sb.client, code, headers={"X-Sandbox-Fault": name})
    assert_oauth_error(response, status, error)
    _check_headers(response, error)


@pytest.mark.parametrize("name", list(TOKEN_FAULTS))
def test_token_fault_by_rule_matches_the_token_operation(sb: Sandbox, name: str) -> None:
    tokens = sb.login()
    status, error = TOKEN_FAULTS[name]
    sb.control("POST", "/faults", {"fault": name, "times": 1, "match": {"operation": "token"}})
    assert_oauth_error(refresh(sb.client, tokens["refresh_token"]), status, error)
    assert refresh(sb.client, tokens["refresh_token"]).status_code == 200


def test_token_fault_by_email_tag_refuses_the_exchange(sb: Sandbox) -> None:
    code = get_code(sb.client, email="pat+invalid_grant@example.com")["code"]
    assert_oauth_error(exchange_code(sb.client, code), 400, "invalid_grant")


@pytest.mark.parametrize(("name", "trigger"), [
    *((n, t) for n in AUTHORIZE_FAULTS for t in ("header", "rule")), ("access_denied", "email")])
def test_authorize_faults_are_error_redirects(sb: Sandbox, name: str, trigger: str) -> None:
    params = authorize_params(state="st")
    headers = {}
    if trigger == "header":
        headers = {"X-Sandbox-Fault": name}
    elif trigger == "rule":
        sb.control("POST", "/faults", {"fault": name, "times": 1})
    else:
        params["email"] = f"pat+{name}@example.com"
    response = sb.client.get(AUTHORIZE, params=params, headers=headers)
    fields = assert_oauth_error(response, 302, name, state="st")
    assert "code" not in fields and response.headers["location"].startswith("http://localhost:3005/callback?")


@pytest.mark.parametrize("trigger", ["rule", "email"])
def test_portal_down_makes_every_portal_login_fail(trigger: str) -> None:
    from tests.conftest import make_client
    with make_client() as client:
        sandbox = Sandbox(client)
        params = authorize_params()
        if trigger == "rule":
            sandbox.control("POST", "/faults", {"fault": "portal_down"})
        else:
            params["email"] = "pat+portal_down@example.com"
        base = client.get(AUTHORIZE, params=params).headers["location"].rsplit("/", 1)[0]
        client.post(base + "/verify", data={"code": "123456"})
        page = client.post(base + "/connect/riverbend-health", data={"username": "patient", "password": "password"})
        assert page.status_code == 503 and "not responding" in page.text


def test_latency_by_header_delays_the_answer(sb: Sandbox) -> None:
    tokens = sb.login()
    started = time.perf_counter()
    assert sb.data(tokens, headers={"X-Sandbox-Fault": "latency=120"}).status_code == 200
    assert time.perf_counter() - started >= 0.12


def test_latency_rule_with_a_range(sb: Sandbox) -> None:
    tokens = sb.login()
    sb.control("POST", "/faults", {"fault": "latency", "latency_ms": [60, 80], "times": 1})
    started = time.perf_counter()
    sb.data(tokens)
    assert time.perf_counter() - started >= 0.06


def test_unknown_fault_in_header_is_a_clear_400(sb: Sandbox) -> None:
    tokens = sb.login()
    fields = assert_oauth_error(sb.data(tokens, headers={"X-Sandbox-Fault": "meteor"}), 400, "invalid_request")
    assert "meteor" in fields["error_description"] and "invalid_token" in fields["error_description"]


def test_several_faults_in_one_header(sb: Sandbox) -> None:
    tokens = sb.login()
    response = sb.data(tokens, headers={"X-Sandbox-Fault": "latency=10, server_error"})
    assert_oauth_error(response, 500, "server_error")


def test_fault_for_one_patient_does_not_touch_another(sb: Sandbox) -> None:
    a, b = sb.login(LINDA), sb.login("sam.healthy@example.com")
    sb.control("POST", "/faults", {"fault": "server_error", "match": {"patient_id": a["patient_id"]}})
    for _ in range(3):
        assert sb.data(a).status_code == 500
        assert sb.data(b).status_code == 200


def test_match_by_resource_and_client(sb: Sandbox) -> None:
    tokens = sb.login()
    sb.control("POST", "/faults", {"fault": "temporarily_unavailable",
                                   "match": {"resource": "labs", "client_id": "ch_sandbox_client"}})
    assert sb.data(tokens, "/labs").status_code == 503
    assert sb.data(tokens, "/medications").status_code == 200
    sb.control("POST", "/faults", {"fault": "server_error", "match": {"client_id": "ch_second_client"}})
    assert sb.data(tokens, "/medications").status_code == 200


def test_sticky_fault_until_removed_and_delete_one(sb: Sandbox) -> None:
    tokens = sb.login()
    rule = sb.control("POST", "/faults", {"fault": "server_error"}).json()
    assert rule["remaining"] is None
    for _ in range(4):
        assert sb.data(tokens).status_code == 500
    listed = sb.control("GET", "/faults").json()["active"]
    assert listed[0]["fired"] == 4
    assert sb.control("DELETE", f"/faults/{rule['id']}").status_code == 200
    assert sb.data(tokens).status_code == 200
    assert_oauth_error(sb.control("DELETE", f"/faults/{rule['id']}"), 404, "not_found")


def test_delete_all_faults(sb: Sandbox) -> None:
    for name in ("server_error", "rate_limited"):
        sb.control("POST", "/faults", {"fault": name})
    sb.control("DELETE", "/faults")
    assert sb.control("GET", "/faults").json()["active"] == []


def test_after_n_successes(sb: Sandbox) -> None:
    tokens = sb.login()
    sb.control("POST", "/faults", {"fault": "server_error", "after": 3, "times": 1})
    assert [sb.data(tokens).status_code for _ in range(5)] == [200, 200, 200, 500, 200]


def _pattern(seed: int) -> list[int]:
    from tests.conftest import make_client
    with make_client(consent_mode="auto-approve") as client:
        sandbox = Sandbox(client)
        tokens = sandbox.login()
        sandbox.control("POST", "/faults", {"fault": "server_error", "probability": 0.5, "seed": seed})
        return [sandbox.data(tokens).status_code for _ in range(30)]


def test_seeded_probability_is_reproducible() -> None:
    first, second, other = _pattern(7), _pattern(7), _pattern(8)
    assert first == second
    assert 500 in first and 200 in first
    assert first != other


@pytest.mark.parametrize(("body", "word"), [
    ({"fault": "meteor"}, "fault"), ({}, "fault"), ({"fault": "server_error", "times": 0}, "times"),
    ({"fault": "server_error", "probability": 2}, "probability"),
    ({"fault": "server_error", "match": {"colour": "red"}}, "match"),
    ({"fault": "latency"}, "latency_ms"), ({"fault": "latency", "latency_ms": [5, 1]}, "latency_ms"),
])
def test_bad_fault_requests_are_clear_400s(sb: Sandbox, body: dict, word: str) -> None:  # type: ignore[type-arg]
    fields = assert_oauth_error(sb.control("POST", "/faults", body), 400, "invalid_request")
    assert word in fields["error_description"]


def test_malformed_json_to_controls_is_a_400(sb: Sandbox) -> None:
    response = sb.client.post("/_sandbox/faults", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_email_tags_are_kept_when_they_are_not_faults(sb: Sandbox) -> None:
    a = sb.login("pat+work@example.com")
    b = sb.login("pat@example.com")
    assert a["patient_id"] != b["patient_id"]


def test_operation_match_works_with_validation_off() -> None:
    from tests.conftest import make_client
    with make_client(consent_mode="auto-approve", validation="off") as client:
        sandbox = Sandbox(client)
        tokens = sandbox.login()
        sandbox.control("POST", "/faults", {"fault": "server_error", "match": {"operation": "list_labs"}})
        assert sandbox.data(tokens, "/labs").status_code == 500
        assert sandbox.data(tokens, "/medications").status_code == 200
        assert sandbox.control("GET", "/requests").json()["data"][0]["operation"] == "list_medications"
